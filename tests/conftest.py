"""Test session set-up: GDAL must never follow references in files (see geo/__init__.py).

Test modules import geopandas/pyogrio before ``geo``; set ``GDAL_SKIP`` before any of them
registers GDAL's drivers, as the app and the CLI do.
"""

from __future__ import annotations

import os

os.environ.setdefault("GDAL_SKIP", "OGR_VRT,VRT")

# run by Debian's python3 with python3-qgis (tests/test_qgis.py), not importable here
collect_ignore = ["qgis/open_layers.py"]
