"""geo.analysis."""
