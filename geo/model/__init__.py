"""geo.model."""
