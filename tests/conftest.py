"""Test session set-up: GDAL must never follow references in files (see geo.io._gdal).

Test modules import geopandas/pyogrio before ``geo``; harden GDAL before any of them
registers GDAL's drivers, as the app and the CLI do.
"""

from __future__ import annotations

from geo.io._gdal import harden_gdal

harden_gdal(strict=False)

# run by Debian's python3 with python3-qgis (tests/test_qgis.py), not importable here
collect_ignore = ["qgis/open_layers.py"]
