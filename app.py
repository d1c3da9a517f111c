"""Woonzorgatlas — Streamlit entry point (navigation lives in ui/navigation.py)."""

import os

# GDAL must never follow references inside uploaded files (OGR VRT): set before any import
# can load pyogrio (see geo/__init__.py and geo/io/sources.py).
os.environ.setdefault("GDAL_SKIP", "OGR_VRT,VRT")

from ui.navigation import run_app  # noqa: E402

run_app()
