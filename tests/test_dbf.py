"""The dBase writer of Shapefile exports, read back by GDAL (pyogrio and ogrinfo)."""

from __future__ import annotations

import shutil
import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from geo.reporting._dbf import write_dbf


def _shapefile(tmp_path, attrs: pd.DataFrame):
    points = gpd.GeoDataFrame(geometry=shapely.points(np.arange(len(attrs) * 2.0).reshape(-1, 2)),
                              crs="EPSG:28992")
    path = tmp_path / "t.shp"
    pyogrio.write_dataframe(points, path, layer_options={"ENCODING": "UTF-8"})
    write_dbf(attrs, path.with_suffix(".dbf"))
    return path


def test_types_nulls_and_widths(tmp_path):
    attrs = pd.DataFrame({
        "naam": ["Één", "x" * 300, None, "ß" * 200],
        "waarde": [1.5, np.nan, -np.inf, -1234567.1234564],
        "aantal": [1, 2, 3, 40],
        "heel": [1.0, 2.0, np.nan, 300.0],
        "vlag": [True, False, True, False],
    })
    path = _shapefile(tmp_path, attrs)
    info = pyogrio.read_info(path)
    assert list(info["fields"]) == list(attrs.columns)
    back = pyogrio.read_dataframe(path)
    assert back["naam"].iloc[0] == "Één"
    assert back["naam"].iloc[1] == "x" * 254  # cut at 254 bytes
    assert pd.isna(back["naam"].iloc[2])
    assert back["naam"].iloc[3] == "ß" * 127  # 2-byte characters never cut in half
    assert back["waarde"].iloc[0] == 1.5
    assert pd.isna(back["waarde"].iloc[1]) and pd.isna(back["waarde"].iloc[2])
    assert back["waarde"].iloc[3] == pytest.approx(-1234567.123456, abs=1e-9)
    assert back["aantal"].tolist() == [1, 2, 3, 40]
    assert back["heel"].iloc[[0, 1, 3]].tolist() == [1, 2, 300] and pd.isna(back["heel"].iloc[2])
    assert back["vlag"].tolist() == [1, 0, 1, 0]
    exe = shutil.which("ogrinfo")
    assert exe, "GDAL's ogrinfo is missing: the test command installs Debian gdal-bin"
    out = subprocess.run([exe, "-ro", "-al", "-q", str(path)], capture_output=True, text=True,
                         check=True).stdout
    assert "naam (String) = Één" in out and "waarde (Real) = (null)" in out


def test_empty_table_and_bad_names(tmp_path):
    path = tmp_path / "empty.dbf"
    write_dbf(pd.DataFrame({"a": pd.Series([], dtype=float)}), path)
    assert path.read_bytes()[4:8] == b"\x00\x00\x00\x00"  # zero records
    with pytest.raises(ValueError, match="hooguit 10 tekens"):
        write_dbf(pd.DataFrame({"much_too_long": [1]}), tmp_path / "x.dbf")
    with pytest.raises(ValueError, match="passen niet"):
        write_dbf(pd.DataFrame({"groot": [1e30]}), tmp_path / "y.dbf")
