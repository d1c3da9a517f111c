"""Woonzorgatlas — Streamlit entry point (navigation lives in ui/navigation.py)."""

# GDAL must never follow references inside uploaded files (OGR VRT): harden it before any
# import can load pyogrio (the one place: geo.io._gdal.harden_gdal).
from geo.io._gdal import harden_gdal

harden_gdal(strict=False)

from ui.navigation import run_app  # noqa: E402

run_app()
