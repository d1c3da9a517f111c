"""geo.datasets."""
