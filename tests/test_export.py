"""Exports: every layer in every format, read back with pyogrio and GDAL's ogrinfo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

import geo.reporting.export as export_module
from geo.analysis.gaps import analyse
from geo.analysis.scenario import analyse_scenario
from geo.datasets import load_demo_region
from geo.errors import ExportError, WoonzorgError
from geo.model.scenario import scenario_from_dict
from geo.reporting.export import (
    FORMATS,
    LAYERS,
    ExportSelection,
    export_bytes,
    select_layer,
    write_export,
)
from geo.reporting.fields import field_table, short_names

YEAR = 2030


@pytest.fixture(scope="module")
def result():
    return analyse(load_demo_region(), year=YEAR)


def _path(tmp_path: Path, layer: str, fmt: str) -> Path:
    return tmp_path / f"{layer}{FORMATS[fmt][1]}"


def _ogrinfo(path: str, *args: str) -> str:
    exe = shutil.which("ogrinfo")
    assert exe, "GDAL's ogrinfo is missing: the test command installs Debian gdal-bin"
    done = subprocess.run([exe, "-ro", "-so", path, *args], capture_output=True, text=True,
                          check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _read(path: Path, fmt: str, layer: str) -> pd.DataFrame:
    if fmt == "csv":
        return pd.read_csv(path, dtype={"buurt_code": str})
    if fmt == "shp":
        return pyogrio.read_dataframe(f"/vsizip/{path}/{layer}.shp")
    return pyogrio.read_dataframe(path, layer=layer if fmt == "gpkg" else None)


NUMERIC = {
    "gaps_buurt": ("buurt_code", ["pop_75plus", "shortage_step_free", "cov75_share_gp",
                                  "acc_nursing_dementia", "homes_suitable"]),
    "gaps_kern": ("kerngebied", ["demand_clustered", "supply_clustered",
                                 "shortage_nursing_dementia"]),
    "gaps_gemeente": ("gemeente_code", ["pop_total", "demand_step_free", "acc_gp"]),
    "gaps_regio": ("gemeente_code", ["pop_total", "shortage_clustered", "cov75_share_gp"]),
    "gaps_grid": ("cell_id", ["pop_75plus", "shortage_step_free", "dist_supermarket"]),
    "homes": ("home_id", ["floor_area", "construction_year"]),
    "facilities": ("facility_id", ["capacity", "norm_m"]),
    "catchments": ("facility_id", ["norm_m"]),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("layer", list(LAYERS))
def test_every_layer_and_format_reads_back_with_the_same_numbers(result, tmp_path, layer, fmt):
    path = write_export(result, layer, fmt, _path(tmp_path, layer, fmt))
    expected = select_layer(result, layer)
    got = _read(path, fmt, layer)
    assert len(got) == len(expected)
    key, cols = NUMERIC[layer]
    names = short_names([c for c in expected.columns if c != "geometry"]) if fmt == "shp" \
        else {c: c for c in expected.columns}
    got = got.set_index(names[key])
    exp = pd.DataFrame(expected).set_index(key)
    got.index = got.index.astype(str)
    exp.index = exp.index.astype(str)
    for col in cols:
        a = got.loc[exp.index, names[col]].to_numpy(dtype=float)
        b = exp[col].to_numpy(dtype=float)
        # a Shapefile stores 6 decimals (geo.reporting._dbf); the other formats the full double
        tol = {"atol": 5.01e-7, "rtol": 0} if fmt == "shp" else {"rtol": 1e-9}
        np.testing.assert_allclose(a, b, equal_nan=True, err_msg=f"{layer}.{col}", **tol)
    if fmt != "csv":
        assert shapely.is_valid(got.geometry.values).all()
        expected_crs = "EPSG:4326" if fmt == "geojson" else "EPSG:28992"
        assert got.crs.equals(expected_crs)
        gdal_path = f"/vsizip/{path}" if fmt == "shp" else str(path)
        info = _ogrinfo(gdal_path, layer)
        assert f"Feature Count: {len(expected)}" in info
        if fmt != "geojson":
            assert "Amersfoort / RD New" in info or "28992" in info


def test_shapefile_zip_has_short_unique_names_dictionary_style_and_readme(result, tmp_path):
    path = write_export(result, "gaps_buurt", "shp", tmp_path / "b.zip")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        assert {"gaps_buurt.shp", "gaps_buurt.shx", "gaps_buurt.dbf", "gaps_buurt.prj",
                "gaps_buurt.cpg", "gaps_buurt.qml", "velden.csv", "LEESMIJ.txt"} == names
        assert zf.read("gaps_buurt.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
        assert "RD_New" in zf.read("gaps_buurt.prj").decode() or \
            "Amersfoort" in zf.read("gaps_buurt.prj").decode()
        fields = pd.read_csv(zf.open("velden.csv"))
        readme = zf.read("LEESMIJ.txt").decode("utf-8")
        qml = ET.fromstring(zf.read("gaps_buurt.qml").decode("utf-8").split("\n", 1)[1])
    info = pyogrio.read_info(f"/vsizip/{path}/gaps_buurt.shp")
    dbf_fields = list(info["fields"])
    assert all(len(f) <= 10 for f in dbf_fields)
    assert len({f.lower() for f in dbf_fields}) == len(dbf_fields)
    assert list(fields["short_name"]) == dbf_fields  # no silent renaming by the driver
    assert fields.set_index("full_name").loc["shortage_step_free", "short_name"] == "tk_ntr"
    assert fields["description"].notna().all() and (fields["description"] != "").all()
    for word in ("Regio:", "Jaar:         2030", "Normen:", "Scenario:", "Gemaakt:", "demo",
                 "velden.csv"):
        assert word in readme
    renderer = qml.find("renderer-v2")
    assert renderer.get("type") == "graduatedSymbol"
    assert renderer.get("attr") in dbf_fields  # the style refers to the short name
    assert len(renderer.findall("ranges/range")) == 5


def test_geopackage_has_styles_dictionary_and_provenance(result, tmp_path):
    path = write_export(result, "all", "gpkg", tmp_path / "all.gpkg")
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert set(LAYERS) | {"provenance", "field_dictionary", "layer_styles"} <= layers
    import sqlite3

    con = sqlite3.connect(path)
    styles = dict(con.execute("SELECT f_table_name, styleQML FROM layer_styles "
                              "WHERE useAsDefault = 1").fetchall())
    geom_cols = dict(con.execute("SELECT f_table_name, f_geometry_column FROM layer_styles"))
    con.close()
    assert set(styles) == set(LAYERS)
    for layer, qml in styles.items():
        root = ET.fromstring(qml.split("\n", 1)[1])
        attr = root.find("renderer-v2").get("attr")
        fields = pyogrio.read_info(path, layer=layer)["fields"]
        assert attr is None or attr in fields, layer
        assert geom_cols[layer] == pyogrio.read_info(path, layer=layer)["geometry_name"] or \
            geom_cols[layer] == "geom"
    prov = pyogrio.read_dataframe(path, layer="provenance").set_index("key")["value"]
    assert prov["year"] == str(YEAR) and prov["export_layer"] == "all"
    assert prov["crs"] == "EPSG:28992"
    fd = pyogrio.read_dataframe(path, layer="field_dictionary")
    assert "shortage_step_free" in set(fd["full_name"])
    full = pyogrio.read_dataframe(path, layer="gaps_buurt")
    assert "shortage_nursing_dementia" in full.columns  # full names in a GeoPackage
    info = _ogrinfo(str(path))
    assert "gaps_grid" in info and "layer_styles" in info


def test_geojson_is_rfc7946_wgs84(result, tmp_path):
    path = write_export(result, "gaps_kern", "geojson", tmp_path / "k.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946: always WGS84 lon/lat, no crs member
    lon, lat = np.asarray(shapely.get_coordinates(shapely.from_geojson(
        json.dumps(doc["features"][0]["geometry"])))).T
    assert (lon > 5).all() and (lon < 8).all() and (lat > 52).all() and (lat < 54).all()
    assert "year=2030" in doc.get("description", "")


def test_owner_and_kern_filters(result, tmp_path):
    sel = ExportSelection(kerngebied="Smilde", owner="actium")
    homes = select_layer(result, "homes", sel)
    assert set(homes["owner"]) == {"Actium"}
    assert set(homes["kerngebied"]) == {"Smilde"}
    all_homes = result.homes
    expected = ((all_homes["owner"] == "Actium")
                & (all_homes["buurt_code"].map(result.buurt.set_index("buurt_code")[
                    "kerngebied"]) == "Smilde")).sum()
    assert len(homes) == expected > 0
    path = write_export(result, "homes", "csv", tmp_path / "h.csv", sel)
    assert len(pd.read_csv(path)) == expected
    fac = select_layer(result, "facilities", ExportSelection(kerngebied="Beilen"))
    assert set(fac["kerngebied"]) == {"Beilen"}
    circles = select_layer(result, "catchments")
    assert set(circles["facility_type"]) == set(result.norms.walking)
    radius = np.sqrt(shapely.area(circles.geometry.values) / np.pi)
    np.testing.assert_allclose(radius, circles["norm_m"], rtol=0.01)


def test_scenario_export_records_the_scenario(tmp_path):
    region = load_demo_region()
    scenario = scenario_from_dict({"name": "Smilde 60", "year": YEAR, "projects": [
        {"name": "P", "x": 226600.0, "y": 552400.0, "ready": 2028, "units": {"step_free": 60}}]})
    res = analyse_scenario(region, scenario)
    path = write_export(res, "gaps_buurt", "shp", tmp_path / "s.zip")
    with zipfile.ZipFile(path) as zf:
        assert "Scenario:     Smilde 60" in zf.read("LEESMIJ.txt").decode()
    data, name, mime = export_bytes(res, "gaps_buurt", "gpkg")
    assert name == "woonzorgatlas_gaps_buurt_2030_smilde-60.gpkg" and mime.startswith("app")
    target = tmp_path / name
    target.write_bytes(data)
    prov = pyogrio.read_dataframe(target, layer="provenance").set_index("key")["value"]
    assert prov["scenario_name"] == "Smilde 60"


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"layer": "gaps_wijk"}, "onbekende laag"),
    ({"fmt": "kml"}, "onbekend formaat"),
    ({"selection": ExportSelection(kerngebied="Assen")}, "onbekend kerngebied"),
    ({"layer": "homes", "selection": ExportSelection(owner="Lefier")}, "onbekende eigenaar"),
    ({"selection": ExportSelection(owner="Actium")}, "alleen bij de laag 'homes'"),
    ({"fmt": "shp", "layer": "all"}, "alleen als GeoPackage"),
])
def test_bad_requests_give_clear_messages(result, tmp_path, kwargs, words):
    args = {"layer": "gaps_buurt", "fmt": "gpkg", "selection": None, **kwargs}
    path = tmp_path / f"x{FORMATS.get(args['fmt'], ('', '.gpkg'))[1]}"
    with pytest.raises(ExportError, match=words):
        write_export(result, args["layer"], args["fmt"], path, args["selection"])
    assert list(tmp_path.iterdir()) == []


def test_empty_selection(result, tmp_path):
    # an owner that exists, in a core area where it owns nothing
    homes = select_layer(result, "homes")
    by_kerngebied = homes.groupby("owner")["kerngebied"].unique()
    owner, kerngebied = next((o, k) for o in by_kerngebied.index
                             for k in ("Beilen", "Smilde", "Westerbork")
                             if k not in set(by_kerngebied[o]))
    with pytest.raises(ExportError, match="selectie is leeg"):
        write_export(result, "homes", "gpkg", tmp_path / "e.gpkg",
                     ExportSelection(kerngebied=kerngebied, owner=owner))
    assert not (tmp_path / "e.gpkg").exists()


def test_wrong_suffix_and_unwritable_paths(result, tmp_path):
    with pytest.raises(ExportError, match="moet eindigen op '.zip'"):
        write_export(result, "gaps_buurt", "shp", tmp_path / "b.shp")
    with pytest.raises(WoonzorgError, match="bestaat niet"):
        write_export(result, "gaps_buurt", "gpkg", tmp_path / "nope" / "b.gpkg")
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        with pytest.raises(WoonzorgError, match="niet schrijfbaar"):
            write_export(result, "gaps_buurt", "gpkg", locked / "b.gpkg")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_failed_export_leaves_no_file_and_keeps_the_previous_one(result, tmp_path, fmt,
                                                                  monkeypatch):
    target = _path(tmp_path, "gaps_buurt", fmt)
    write_export(result, "gaps_buurt", fmt, target)
    before = target.read_bytes()

    def broken(*args, **kwargs):
        target = next(a for a in args if isinstance(a, Path))
        target.write_bytes(b"half")  # something half-written first
        raise OSError(28, "No space left on device")

    for writer in ("_write_gpkg", "_write_shapefile_zip", "_write_geojson", "_write_csv"):
        monkeypatch.setattr(export_module, writer, broken)
    with pytest.raises(WoonzorgError, match="mislukt|No space"):
        write_export(result, "gaps_buurt", fmt, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary leftovers


def test_field_dictionary_is_deterministic_and_unique():
    cols = ["pop_85plus", "pop_85_plus", "acc_x_very_long_key", "acc_x_very_long_kez",
            "unknown_column_name", "unknown_column_namf"]
    a, b = short_names(cols), short_names(list(cols))
    assert a == b
    assert len(set(a.values())) == len(cols)
    assert all(len(v) <= 10 for v in a.values())
    table = field_table(cols)
    assert list(table["full_name"]) == cols


@pytest.mark.parametrize("batch", [1, 7, 51, 1000])
def test_geojson_batches_join_into_one_valid_document(result, tmp_path, monkeypatch, batch):
    monkeypatch.setattr(export_module, "GEOJSON_BATCH", batch)
    path = write_export(result, "gaps_buurt", "geojson", tmp_path / "b.geojson")
    doc = json.loads(path.read_text(encoding="utf-8"))
    codes = [f["properties"]["buurt_code"] for f in doc["features"]]
    assert codes == list(result.buurt["buurt_code"])
