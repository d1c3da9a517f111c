"""geo.reporting."""
