"""geo.io.uploads and geo.io.tables: safe reading of user-supplied geodata and tables."""

from __future__ import annotations

import io
import os
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from cbskit import (
    bow_tie,
    buurten,
    geojson_bytes,
    gpkg_bytes,
    shapefile_parts,
    shapefile_zip,
    square,
    zip_bytes,
)

import geo  # noqa: F401  (sets GDAL_SKIP before pyogrio registers drivers)
from geo import config
from geo.errors import ImportDataError
from geo.io.tables import CBS_SENTINEL_MAX, clean_numbers, read_table, to_number
from geo.io.uploads import check_coordinates, list_layers, max_bytes, read_vector

SECRET = "GEHEIM-7f3a9c"


@pytest.fixture(autouse=True)
def _default_limit(monkeypatch):
    monkeypatch.delenv(config.MAX_UPLOAD_ENV, raising=False)


def points(crs: str = "EPSG:28992", xy=((231_000.0, 546_000.0),)) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"naam": [f"p{i}" for i in range(len(xy))]},
                            geometry=[shapely.Point(x, y) for x, y in xy], crs=crs)


def raises(data, *words, **kwargs) -> str:
    with pytest.raises(ImportDataError) as info:
        read_vector(data, "test.bin", **kwargs)
    message = str(info.value)
    for word in words:
        assert word.lower() in message.lower(), message
    return message


# --------------------------------------------------------------------------- happy paths


def test_reads_gpkg_shapefile_zip_and_geojson_alike():
    frames = [
        read_vector(gpkg_bytes({"buurten": buurten()}), "a.gpkg"),
        read_vector(shapefile_zip(), "b.zip"),
        read_vector(geojson_bytes(), "c.geojson"),
    ]
    for frame in frames:
        assert len(frame) == 7
        assert frame.attrs["repaired"] == 1
        assert frame.attrs["dropped_empty"] == 0
        assert frame.geometry.is_valid.all()
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert [f.attrs["driver"] for f in frames] == ["GPKG", "ESRI Shapefile", "GeoJSON"]
    assert frames[0].crs.to_epsg() == 28992 and frames[2].crs.is_geographic


def test_bow_tie_repaired_keeps_area_and_polygons():
    frame = gpd.GeoDataFrame({"id": [1]}, geometry=[bow_tie(0, 0)], crs="EPSG:28992")
    out = read_vector(gpkg_bytes({"x": frame}), expect="polygon")
    geom = out.geometry.iloc[0]
    assert geom.is_valid and geom.geom_type == "MultiPolygon"
    assert geom.area == pytest.approx(500_000.0)
    assert out.attrs["repaired_rows"] == [0]


def test_null_and_empty_geometries_dropped_and_counted():
    frame = gpd.GeoDataFrame({"id": [1, 2, 3]},
                             geometry=[square(0, 0), None, shapely.Polygon()], crs="EPSG:28992")
    out = read_vector(gpkg_bytes({"x": frame}))
    assert out["id"].tolist() == [1]
    assert out.attrs["dropped_empty"] == 2
    kept = read_vector(gpkg_bytes({"x": frame}), drop_empty=False)
    assert len(kept) == 3 and kept.attrs["dropped_empty"] == 2


def test_path_input_and_file_object(tmp_path):
    path = tmp_path / "punten.gpkg"
    path.write_bytes(gpkg_bytes({"punten": points()}))
    assert len(read_vector(path, expect="point")) == 1
    assert len(read_vector(str(path))) == 1
    with open(path, "rb") as fh:
        assert read_vector(fh).attrs["source"] == "punten.gpkg"
    assert list_layers(path) == ["punten"]


def test_shapefile_in_one_subfolder_and_macos_junk_are_fine():
    data = shapefile_zip(folder="export/", extra={
        "__MACOSX/export/._buurt_2021.shp": b"junk",
        "export/.DS_Store": b"junk",
        "export/LEESMIJ.txt": b"readme",
        "export/buurt_2021.shp.xml": b"<metadata/>",
    })
    assert len(read_vector(data, "sub.zip")) == 7


def test_multi_layer_gpkg_requires_layer_choice():
    data = gpkg_bytes({"wijken": buurten(), "buurten": buurten()})
    assert list_layers(data) == ["wijken", "buurten"]
    message = raises(data, "meerdere lagen", "wijken", "buurten")
    assert "kies" in message
    assert len(read_vector(data, layer="buurten")) == 7
    raises(data, "geen laag 'gemeenten'", "wijken, buurten", layer="gemeenten")


# --------------------------------------------------------------------------- not geodata


@pytest.mark.parametrize("data", [
    b"hallo wereld",
    b"\x89PNG\r\n\x1a\n\x00\x00",
    b"buurtcode;naam\nBU1;a\n",
    b"<?xml version='1.0'?><gml/>",
    b"",
])
def test_not_a_geodata_file(data):
    raises(data, "geen geodatabestand", "GeoPackage", "Shapefile", "GeoJSON")


def test_plain_sqlite_is_not_a_geopackage(tmp_path):
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (a)")
    conn.close()
    raises(path.read_bytes(), "SQLite", "geen GeoPackage", "Opslaan als")


def test_esri_json_is_refused_by_driver_whitelist():
    data = (b'{"geometryType": "esriGeometryPoint", "spatialReference": {"wkid": 28992}, '
            b'"features": [{"attributes": {"a": 1}, "geometry": {"x": 231000, "y": 546000}}]}')
    raises(data, "niet als GeoJSON")


def test_url_and_missing_path_are_refused(tmp_path):
    for url in ("https://example.org/buurten.gpkg", "/vsicurl/https://example.org/x.gpkg"):
        with pytest.raises(ImportDataError, match="geen lokaal bestand"):
            read_vector(url)
    with pytest.raises(ImportDataError, match="bestaat niet"):
        read_vector(tmp_path / "nergens.gpkg")


# --------------------------------------------------------------------------- size limits


def test_file_larger_than_limit(monkeypatch, tmp_path):
    monkeypatch.setenv(config.MAX_UPLOAD_ENV, "0.001")  # ~1 kB
    data = gpkg_bytes({"punten": points()})
    raises(data, "grens", "MB", config.MAX_UPLOAD_ENV)
    path = tmp_path / "groot.gpkg"
    path.write_bytes(data)

    def boom(self):  # the size must be checked before the file is read
        raise AssertionError("read_bytes called for an oversized file")

    monkeypatch.setattr(Path, "read_bytes", boom)
    with pytest.raises(ImportDataError, match="grens"):
        read_vector(path)
    with pytest.raises(ImportDataError, match="grens"):
        read_table(path)


def test_max_bytes_env(monkeypatch):
    assert max_bytes() == 200 * 1024 * 1024
    monkeypatch.setenv(config.MAX_UPLOAD_ENV, "1,5")
    assert max_bytes() == int(1.5 * 1024 * 1024)
    monkeypatch.setenv(config.MAX_UPLOAD_ENV, "veel")
    with pytest.raises(ImportDataError, match="positief getal"):
        max_bytes()


def test_zip_bomb_refused(monkeypatch):
    monkeypatch.setenv(config.MAX_UPLOAD_ENV, "0.01")  # 10 kB; zip may unpack to 50 kB
    parts = shapefile_parts(buurten("upper").iloc[:1])
    members = {f"b{ext}": content for ext, content in parts.items()}
    members["LEESMIJ.txt"] = b"\x00" * 200_000
    data = zip_bytes(members)
    assert len(data) < 10_000
    raises(data, "zip-bom")


# --------------------------------------------------------------------------- zip checks


def test_zip_member_with_absurd_ratio_refused(tmp_path, monkeypatch):
    """A valid .shp header followed by 60 MB of zeros: refused before anything is unpacked."""
    monkeypatch.setenv(config.MAX_UPLOAD_ENV, "4096")
    parts = shapefile_parts(buurten("upper").iloc[:1])
    path = tmp_path / "bom.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for ext, content in parts.items():
            if ext != ".shp":
                zf.writestr(f"a{ext}", content)
        with zf.open("a.shp", "w", force_zip64=True) as fh:
            fh.write(parts[".shp"][:100])
            chunk = b"\x00" * 1_048_576
            for _ in range(60):
                fh.write(chunk)
    data = path.read_bytes()
    assert len(data) < 200_000
    message = raises(data, "a.shp", "zip-bom", "100 keer")
    assert "60 MB" in message or "61 MB" in message


def test_shp_header_length_must_match_member_size():
    parts = shapefile_parts(buurten("upper"))
    parts[".shp"] = parts[".shp"] + b"\x00" * 1000
    raises(zip_bytes({f"b{ext}": c for ext, c in parts.items()}), "b.shp", "beschadigd",
           "de kop zegt")
    parts = shapefile_parts(buurten("upper"))
    parts[".shx"] = parts[".shx"][:-8]
    raises(zip_bytes({f"b{ext}": c for ext, c in parts.items()}), "b.shx", "beschadigd")


@pytest.mark.parametrize(("drop", "words"), [
    ((".shp",), ["geen .shp"]),
    ((".shx",), [".shx", "ontbreekt", "zip ze samen"]),
    ((".dbf",), [".dbf", "ontbreekt"]),
    ((".shx", ".dbf"), [".shx en .dbf"]),
    ((".prj",), ["zonder .prj is de projectie onbekend", "exporteer opnieuw met projectie"]),
])
def test_zip_missing_parts(drop, words):
    raises(shapefile_zip(drop=drop), *words)


def test_zip_with_two_shapefiles():
    parts = shapefile_parts(buurten("upper"))
    members = {f"{stem}{ext}": c for stem in ("a", "b") for ext, c in parts.items()}
    raises(zip_bytes(members), "meer dan één shapefile", "a.shp", "b.shp")


def test_zip_with_too_many_members():
    extra = {f"LEESMIJ{i}.txt": b"x" for i in range(50)}
    raises(shapefile_zip(extra=extra), "onderdelen", "maximaal 50")


@pytest.mark.parametrize(("member", "words"), [
    ("../buiten.txt", ["'..'"]),
    ("export/../../buiten.txt", ["'..'"]),
    ("/etc/passwd.txt", ["absoluut pad"]),
    ("C:/temp/x.txt", ["absoluut pad"]),
    ("a/b/buurt.txt", ["te diep", "map"]),
    ("a/b/c/buurt_2021.shp", ["te diep"]),
])
def test_zip_with_bad_paths(member, words):
    raises(shapefile_zip(extra={member: b"x"}), *words)


@pytest.mark.parametrize(("member", "words"), [
    ("buurt.vrt", ["buurt.vrt", "toegestaan", ".shp"]),
    ("data.csv", ["data.csv", "toegestaan"]),
    ("binnen.zip", ["weer een archief", "pak dat eerst uit"]),
])
def test_zip_with_forbidden_members(member, words):
    raises(shapefile_zip(extra={member: b"x"}), *words)


def test_zip_shp_without_file_code():
    parts = shapefile_parts(buurten("upper"))
    parts[".shp"] = b"dit is geen shapefile" + parts[".shp"]
    raises(zip_bytes({f"b{ext}": c for ext, c in parts.items()}), "9994", "opnieuw")


# --------------------------------------------------------------------------- VRT (GDAL_SKIP)


def _vrt(tmp_path: Path) -> bytes:
    csv_path = tmp_path / "geheim.csv"
    csv_path.write_text(f"id,x,y,wachtwoord\n1,231000,546000,{SECRET}\n", encoding="utf-8")
    return (
        "<OGRVRTDataSource><OGRVRTLayer name=\"geheim\">"
        f"<SrcDataSource>{csv_path}</SrcDataSource>"
        "<GeometryType>wkbPoint</GeometryType><LayerSRS>EPSG:28992</LayerSRS>"
        "<GeometryField encoding=\"PointFromColumns\" x=\"x\" y=\"y\"/>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def test_gdal_skip_is_set_and_vrt_driver_is_gone():
    # pyogrio may have been imported (by geopandas) before geo set GDAL_SKIP; every read
    # through geo.io.uploads re-applies it, so after one read the driver must be gone.
    read_vector(gpkg_bytes({"punten": points()}))
    assert "OGR_VRT" in os.environ.get("GDAL_SKIP", "")
    assert "OGR_VRT" not in pyogrio.list_drivers()


def test_vrt_bytes_refused(tmp_path):
    vrt = _vrt(tmp_path)
    message = raises(vrt, "geen geodatabestand")
    assert "OGR_VRT" not in pyogrio.list_drivers()
    assert SECRET not in message
    # Defence in depth: GDAL itself refuses the VRT too (GDAL_SKIP set by geo/__init__).
    with pytest.raises(Exception) as info:  # noqa: B017  (pyogrio raises DataSourceError)
        pyogrio.read_dataframe(io.BytesIO(vrt))
    assert SECRET not in str(info.value)


def test_vrt_as_zip_member_named_shp_refused(tmp_path):
    vrt = _vrt(tmp_path)
    parts = shapefile_parts(buurten("upper"))
    parts[".shp"] = vrt
    data = zip_bytes({f"evil{ext}": c for ext, c in parts.items()})
    message = raises(data, "9994")
    assert SECRET not in message
    with pytest.raises(Exception) as info:  # noqa: B017
        pyogrio.read_dataframe(io.BytesIO(zip_bytes({"evil.shp": vrt})))
    assert SECRET not in str(info.value)
    message = raises(zip_bytes({"evil.vrt": vrt}), "evil.vrt", "toegestaan")
    assert SECRET not in message


# --------------------------------------------------------------------------- content


def test_empty_layer():
    raises(gpkg_bytes({"leeg": points().iloc[:0]}), "leeg", "geen objecten")


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_missing_crs():
    raises(gpkg_bytes({"x": points(crs=None)}), "geen coördinatenstelsel", "EPSG:28992")


def test_wgs84_coordinates_labelled_as_rd():
    frame = points(crs="EPSG:28992", xy=((6.5, 52.8), (6.6, 52.9)))
    raises(gpkg_bytes({"x": frame}), "coördinaten lijken graden (WGS84)",
           "RD New", "Projectie toekennen")


def test_rd_coordinates_labelled_as_wgs84():
    data = (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            b'{"naam": "p"}, "geometry": {"type": "Point", "coordinates": [231000, 546000]}}]}')
    # RD metres; a GeoJSON without "crs" means WGS84
    raises(data, "lijken meters", "WGS84", "EPSG:28992")


def test_rd_outside_netherlands_and_swapped_axes():
    far = points(xy=((900_000.0, 5_000_000.0),))
    raises(gpkg_bytes({"x": far}), "niet in Nederland")
    swapped = points(crs="EPSG:4326", xy=((52.8, 6.5),))
    raises(gpkg_bytes({"x": swapped}), "verwisseld")


def test_check_coordinates_accepts_plausible_layers():
    check_coordinates(points())
    check_coordinates(points(crs="EPSG:4326", xy=((6.5, 52.8),)))


def test_non_utf8_shapefile_with_utf8_cpg():
    frame = buurten("upper").iloc[:2].copy()
    frame["BU_NAAM"] = ["Café Centrum", "Ées"]
    parts = shapefile_parts(frame, encoding="latin1")
    parts[".cpg"] = b"UTF-8"
    raises(zip_bytes({f"b{ext}": c for ext, c in parts.items()}),
           "geen UTF-8", "Codering UTF-8", ".cpg")


def test_non_utf8_shapefile_without_cpg_and_with_correct_cpg():
    frame = buurten("upper").iloc[:2].copy()
    frame["BU_NAAM"] = ["Café Centrum", "Ées"]
    parts = shapefile_parts(frame, encoding="latin1")
    parts.pop(".cpg", None)
    fallback = read_vector(zip_bytes({f"b{ext}": c for ext, c in parts.items()}))
    assert fallback["BU_NAAM"].tolist() == ["Café Centrum", "Ées"]
    assert any("Windows-1252" in note for note in fallback.attrs["notes"])
    parts[".cpg"] = b"ISO-8859-1"
    out = read_vector(zip_bytes({f"b{ext}": c for ext, c in parts.items()}))
    assert out["BU_NAAM"].tolist() == ["Café Centrum", "Ées"]


def test_utf8_shapefile_without_cpg_reads_as_utf8():
    frame = buurten("upper").iloc[:1].copy()
    frame["BU_NAAM"] = ["Hoogersmilde-Zuid Ê"]
    parts = shapefile_parts(frame)
    parts.pop(".cpg", None)
    out = read_vector(zip_bytes({f"b{ext}": c for ext, c in parts.items()}))
    assert out["BU_NAAM"].tolist() == ["Hoogersmilde-Zuid Ê"]


def test_non_utf8_geojson():
    text = ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
            '{"naam": "Café"}, "geometry": {"type": "Point", "coordinates": [6.5, 52.8]}}]}')
    raises(text.encode("latin-1"), "geen UTF-8")
    replaced = text.replace("Café", "Caf\ufffd").encode("utf-8")
    raises(replaced, "geen UTF-8", "naam")
    bom = b"\xef\xbb\xbf" + text.encode("utf-8")
    assert read_vector(bom)["naam"].tolist() == ["Café"]


def test_geometry_family_check():
    raises(gpkg_bytes({"x": points()}), "verwacht vlakken", expect="polygon")
    raises(gpkg_bytes({"x": buurten()}), "verwacht punten", expect="point")
    assert len(read_vector(gpkg_bytes({"x": points()}), expect="point")) == 1


# --------------------------------------------------------------------------- tables


def test_read_table_semicolon_decimal_comma_and_bom():
    data = '\ufeff"Leeftijd";"Aantal"\n"65 tot 70 jaar";"1.234,5"\n"70 tot 75";"."\n'
    frame = read_table(data.encode("utf-8"), "tabel.csv")
    assert frame.attrs["delimiter"] == ";"
    assert list(frame.columns) == ["Leeftijd", "Aantal"]
    assert frame["Aantal"].tolist() == ["1.234,5", "."]
    values = to_number(frame["Aantal"])
    assert values.iloc[0] == pytest.approx(1234.5) and np.isnan(values.iloc[1])


@pytest.mark.parametrize(("text", "sep"), [
    ("code,waarde\nBU1,\"1,5\"\nBU2,3\n", ","),
    ("code\twaarde\nBU1\t2.5\n", "\t"),
    ("code;waarde\nBU1;2,5\n", ";"),
])
def test_read_table_delimiters(text, sep):
    frame = read_table(text.encode())
    assert frame.attrs["delimiter"] == sep
    assert frame["code"].iloc[0] == "BU1"
    assert frame["waarde"].dtype != float  # text first


def test_read_table_bad_inputs(monkeypatch):
    with pytest.raises(ImportDataError, match="geen UTF-8 en ook geen Windows-1252.*CSV UTF-8"):
        read_table(b"naam;aantal\nCaf\x81;1\n")
    with pytest.raises(ImportDataError, match="Excel"):
        read_table(zip_bytes({"xl/workbook.xml": b"<x/>"}))
    with pytest.raises(ImportDataError, match="UTF-16"):
        read_table("a;b\n1;2\n".encode("utf-16"))
    with pytest.raises(ImportDataError, match="leeg"):
        read_table(b"  \n")
    with pytest.raises(ImportDataError, match="evenveel kolommen"):
        read_table(b"a,b\n1,2,3,4\n")
    monkeypatch.setenv(config.MAX_UPLOAD_ENV, "0.0001")
    with pytest.raises(ImportDataError, match="grens"):
        read_table(b"a;b\n" + b"1;2\n" * 100)


def test_to_number_sentinels_never_numbers():
    text = pd.Series(["-99997", "-99995", "-99999999", "-99991", "-99998", ".", "", "-", "x",
                      " 12 ", "-5", "0"], name="waarde")
    values = to_number(text)
    assert values.iloc[:9].isna().all()
    assert values.iloc[9:].tolist() == [12.0, -5.0, 0.0]
    numeric = to_number(pd.Series([-99997, -99990, -99989.5, 3]))
    assert numeric.isna().tolist() == [True, True, False, False]
    assert CBS_SENTINEL_MAX == -99990


def test_to_number_decimal_detection_and_errors():
    assert to_number(pd.Series(["1,5", "2"])).tolist() == [1.5, 2.0]
    assert to_number(pd.Series(["1.234,5"])).tolist() == [1234.5]
    assert to_number(pd.Series(["1,234.5"])).tolist() == [1234.5]
    assert to_number(pd.Series(["1.234"]), decimal=",").tolist() == [1234.0]
    assert to_number(pd.Series(["12 345"])).tolist() == [12345.0]
    with pytest.raises(ImportDataError, match="'aantal'.*'veel'"):
        to_number(pd.Series(["3", "veel"], name="aantal"))


def test_clean_numbers_converts_listed_columns_only():
    frame = pd.DataFrame({"code": ["BU1", "BU2"], "inw": ["1000", "-99997"], "pct": ["12,5", "."]})
    out = clean_numbers(frame, ["inw", "pct", "ontbreekt"])
    assert out["code"].tolist() == ["BU1", "BU2"]
    assert out["inw"].iloc[0] == 1000.0 and np.isnan(out["inw"].iloc[1])
    assert out["pct"].iloc[0] == 12.5 and np.isnan(out["pct"].iloc[1])
    assert frame["inw"].tolist() == ["1000", "-99997"]  # input untouched
