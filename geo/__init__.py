"""Woonzorgatlas analysis core.

Pure Python, no Streamlit: region model, demo generator, demand, supply,
accessibility, prognosis and gap analysis, scenarios, exports (GeoPackage, Shapefile,
GeoJSON, CSV) and real-data import (CBS, BAG, facility lists; safe reading of uploads).
All metric work in EPSG:28992.
"""

from __future__ import annotations

from geo.io._gdal import harden_gdal

# GDAL must never follow references inside files (OGR VRT): before anything loads pyogrio.
harden_gdal(strict=False)

__version__ = "0.1.0"
