"""Exports open in QGIS (Debian python3-qgis, installed by the test command) with their styles.

QGIS reads the style from the GeoPackage's ``layer_styles`` table and from the ``.qml``
next to a Shapefile; the renderer must classify on a field the layer has.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from geo.analysis.gaps import analyse
from geo.datasets import load_demo_region
from geo.reporting.export import LAYERS, write_export

SCRIPT = Path(__file__).parent / "qgis" / "open_layers.py"
SYSTEM_PYTHON = "/usr/bin/python3"
EXPECTED = {
    "gaps_buurt": ("graduatedSymbol", 5), "gaps_kern": ("graduatedSymbol", 5),
    # one municipality, one region row: the classes depend on that one value
    "gaps_gemeente": ("graduatedSymbol", None), "gaps_regio": ("graduatedSymbol", None),
    "gaps_grid": ("graduatedSymbol", 5), "homes": ("categorizedSymbol", 3),
    "facilities": ("categorizedSymbol", None), "catchments": ("singleSymbol", 1),
}


def _qgis_available() -> bool:
    if not os.path.exists(SYSTEM_PYTHON):
        return False
    done = subprocess.run([SYSTEM_PYTHON, "-c", "import qgis.core"], capture_output=True,
                          check=False, timeout=60)
    return done.returncode == 0


@pytest.fixture(scope="module")
def qgis():
    if not _qgis_available():
        msg = "QGIS (Debian python3-qgis) is not installed; bash scripts/test.sh installs it"
        if os.environ.get("CI"):
            pytest.fail(msg + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(msg)

    def open_layers(*sources: str) -> dict:
        done = subprocess.run([SYSTEM_PYTHON, str(SCRIPT), *sources], capture_output=True,
                              text=True, check=False, timeout=180,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    return open_layers


def test_geopackage_and_shapefiles_open_styled_in_qgis(qgis, tmp_path):
    result = analyse(load_demo_region(), year=2030)
    gpkg = write_export(result, "all", "gpkg", tmp_path / "alles.gpkg")
    sources = [f"{gpkg}|layername={layer}" for layer in LAYERS]
    for layer in LAYERS:
        archive = write_export(result, layer, "shp", tmp_path / f"{layer}.zip")
        folder = tmp_path / layer
        zipfile.ZipFile(archive).extractall(folder)
        sources.append(str(folder / f"{layer}.shp"))
    opened = qgis(*sources)
    assert len(opened) == 2 * len(LAYERS)
    for source, info in opened.items():
        layer = Path(source.split("|")[0]).stem if source.endswith(".shp") else \
            source.split("layername=")[1]
        kind, classes = EXPECTED[layer]
        assert info["valid"] and info["features"] > 0, source
        assert info["crs"] == "EPSG:28992", source
        assert info["renderer"] == kind, (source, info["renderer"])
        if classes is not None:
            assert info["classes"] == classes, source
        if info["attribute"] is not None:
            assert info["attribute"] in info["fields"], source
        if source.endswith(".shp"):
            assert all(len(f) <= 10 for f in info["fields"])
