"""geo.io."""
