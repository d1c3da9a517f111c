"""Issue 11, kinds 6–8: geometry as real tools write it, wijk names, the import report.

Fixtures are built in code in the real CBS schemas (see ``cbskit``): GeometryCollections as
``make_valid`` and clip tools write them, MultiPolygon Z, PolygonZM (GeoPackage blob with
M, as GDAL writes it), 3D shapefiles, empty and null geometries; the Wijk- en Buurtkaart
GeoPackage of 2022+ whose buurten carry only ``wijkcode``; PDOK wijken GeoJSON and CSVs.
"""

from __future__ import annotations

import json
import sqlite3
import struct

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from cbskit import X0, Y0, buurten, gpkg_bytes, shapefile_zip, square

from geo.cli import main
from geo.errors import ImportDataError
from geo.io import uploads
from geo.io.build import build_region
from geo.io.import_report import (
    HERKEND,
    HERSTELD,
    LET_OP,
    SECTIONS,
    WEGGELATEN,
    ImportReport,
    ReportLine,
)
from geo.io.importers._cbs_wijken import kerngebied_names, read_wijk_names
from geo.io.importers.cbs import read_cbs_buurten
from geo.io.region_package import load_region

GM = "GM9991"


def _dorp(rows_geometry: dict[str, object], *, drop_inhabitants: bool = False,
          names: bool = True) -> gpd.GeoDataFrame:
    """Testdorp buurten (snake_case, RD) with some geometries replaced."""
    frame = buurten()
    frame = frame[frame["gemeentecode"] == GM].reset_index(drop=True)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    for code, geom in rows_geometry.items():
        geoms[(frame["buurtcode"] == code).to_numpy()] = geom
    frame = frame.set_geometry(gpd.GeoSeries(geoms, crs=frame.crs))
    if drop_inhabitants:
        frame = frame.drop(columns=["aantal_inwoners"])
    if not names:
        frame = frame.drop(columns=["wijknaam"])
    return frame


def _geojson(frame: gpd.GeoDataFrame, z: dict[str, float] | None = None) -> bytes:
    """GeoJSON in WGS84 written feature by feature (keeps null, empty and Z geometries)."""
    wgs = frame.to_crs("EPSG:4326")
    features = []
    for (_, row), geom in zip(wgs.drop(columns="geometry").iterrows(), wgs.geometry,
                              strict=True):
        if geom is not None and z and row["buurtcode"] in z:
            geom = shapely.force_3d(geom, z[row["buurtcode"]])
        features.append({"type": "Feature", "properties": row.to_dict(),
                         "geometry": None if geom is None else shapely.geometry.mapping(geom)})
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _collection(ix: int, iy: int) -> shapely.GeometryCollection:
    """What a clip or make_valid leaves: the area plus a stray edge and a point."""
    poly = square(ix, iy)
    x0, y0 = X0 + ix * 1000, Y0 + iy * 1000
    return shapely.GeometryCollection([
        poly, shapely.LineString([(x0, y0), (x0 - 50, y0 - 50)]), shapely.Point(x0 - 80, y0)])


# --------------------------------------------------------------------------- geometry


def test_geometrycollection_keeps_polygon_parts_and_names_the_buurt():
    frame = _dorp({"BU99910001": _collection(0, 1)})
    result = read_cbs_buurten(_geojson(frame), "buurten.geojson", gemeente=GM)
    areas = result.areas.set_index("buurt_code")
    assert areas.loc["BU99910001"].geometry.geom_type == "Polygon"
    assert areas.loc["BU99910001"].geometry.area == pytest.approx(1_000_000, rel=0.01)
    notes = [line.text for line in result.report.section(HERSTELD)]
    assert any(n.startswith("BU99910001 Dorp-Noord: GeometryCollection")
               and "1 lijn en 1 punt weggelaten" in n for n in notes), notes


def test_nested_and_overlapping_collection_parts_become_one_valid_area():
    stray = shapely.LineString([(X0, Y0 + 1000), (X0 - 5, Y0 + 995)])
    inner = shapely.GeometryCollection([square(0, 1), stray])
    overlapping = shapely.GeometryCollection([inner, shapely.box(X0 + 500, Y0 + 1000,
                                                                 X0 + 1500, Y0 + 2000)])
    frame = _dorp({"BU99910001": overlapping})
    result = read_cbs_buurten(gpkg_bytes({"buurten": frame}), "b.gpkg", gemeente=GM)
    geom = result.areas.set_index("buurt_code").loc["BU99910001"].geometry
    assert geom.is_valid and geom.geom_type in ("Polygon", "MultiPolygon")
    assert geom.area == pytest.approx(1_500_000, rel=0.01)  # union, not the sum


def test_collection_without_polygon_is_dropped_as_without_geometry():
    lines = shapely.GeometryCollection([shapely.LineString([(X0, Y0), (X0 + 9, Y0 + 9)])])
    frame = _dorp({"BU99910009": lines})
    result = read_cbs_buurten(gpkg_bytes({"buurten": frame}), "b.gpkg", gemeente=GM)
    assert "BU99910009" not in set(result.areas["buurt_code"])
    dropped = result.dropped.set_index("buurt_code")
    assert "GeometryCollection zonder vlak" in dropped.loc["BU99910009", "reason"]
    assert dropped.loc["BU99910009", "inhabitants"] == 200


def test_z_values_dropped_from_geojson_multipolygon_z():
    multi = shapely.MultiPolygon([square(0, 0, 400), shapely.box(X0 + 600, Y0, X0 + 1000,
                                                                 Y0 + 400)])
    frame = _dorp({"BU99910000": multi})
    data = _geojson(frame, z={"BU99910000": 12.5, "BU99910009": 3.0})
    assert b"12.5" in data
    result = read_cbs_buurten(data, "buurten.geojson", gemeente=GM)
    geoms = result.areas.geometry.to_numpy()
    assert not shapely.has_z(geoms).any()
    assert result.areas.set_index("buurt_code").loc["BU99910000"].geometry.geom_type == \
        "MultiPolygon"
    z_lines = [line for line in result.report.section(HERSTELD) if "Z-waarden" in line.text]
    assert [line.count for line in z_lines] == [2]


def _gpkg_with_zm(tmp_path) -> bytes:
    """A GeoPackage whose buurt geometry is a PolygonZM blob (as GDAL writes measured data)."""
    path = tmp_path / "zm.gpkg"
    frame = _dorp({})
    pyogrio.write_dataframe(frame, path, layer="buurten", driver="GPKG")
    zm = shapely.from_wkt("POLYGON ZM ((230000 545000 7 1, 231000 545000 7 2, "
                          "231000 546000 7 3, 230000 546000 7 4, 230000 545000 7 5))")
    blob = b"GP" + bytes([0, 1]) + struct.pack("<i", 28992) + shapely.to_wkb(
        zm, flavor="iso", byte_order=1)
    con = sqlite3.connect(path)
    try:  # the GeoPackage triggers need SpatiaLite functions that plain sqlite lacks
        for (name,) in con.execute("select name from sqlite_master where type='trigger'"):
            con.execute(f'drop trigger "{name}"')
        con.execute("update buurten set geom = ? where buurtcode = 'BU99910000'", (blob,))
        con.execute("update gpkg_geometry_columns set z = 1, m = 1")
        con.commit()
    finally:
        con.close()
    return path.read_bytes()


def test_polygon_zm_in_geopackage_read_as_2d(tmp_path):
    data = _gpkg_with_zm(tmp_path)
    raw = uploads.read_vector(data, "zm.gpkg", expect="polygon")
    assert raw.attrs["measured"] is True
    assert not shapely.has_z(raw.geometry.to_numpy()).any()
    assert not shapely.has_m(raw.geometry.to_numpy()).any()
    result = read_cbs_buurten(data, "zm.gpkg", gemeente=GM)
    assert any("Z- en M-waarden verwijderd" in line.text
               for line in result.report.section(HERSTELD))


def test_3d_shapefile_zip_read_as_2d_and_region_written_2d(tmp_path):
    frame = buurten("upper")
    frame = frame.set_geometry(shapely.force_3d(frame.geometry.to_numpy(), 4.0))
    data = shapefile_zip(frame)
    raw = uploads.read_vector(data, "buurt_2021.zip")
    assert raw.attrs["flattened"] == len(frame)
    assert not shapely.has_z(raw.geometry.to_numpy()).any()
    cbs = tmp_path / "buurt_2021.zip"
    cbs.write_bytes(data)
    out = tmp_path / "r.gpkg"
    assert main(["build", "--gemeente", GM, "--cbs", str(cbs), "--out", str(out)]) == 0
    assert pyogrio.read_info(out, layer="areas")["geometry_type"] in ("Polygon",
                                                                      "MultiPolygon")


def test_null_and_empty_geometry_reported_with_own_inhabitants():
    frame = _dorp({"BU99910001": None, "BU99910009": shapely.Polygon()})
    result = read_cbs_buurten(gpkg_bytes({"buurten": frame}), "b.gpkg", gemeente=GM)
    assert sorted(result.areas["buurt_code"]) == ["BU99910000", "BU99910100"]
    dropped = result.dropped.set_index("buurt_code")
    assert dropped["inhabitants"].to_dict() == {"BU99910001": 500.0, "BU99910009": 200.0}
    line = result.report.section(WEGGELATEN)[-1]
    assert line.count == 2
    assert "BU99910001 Dorp-Noord (geen geometrie (null); 500 inwoners)" in line.text
    assert "samen 700 inwoners" in line.text


def test_dropped_buurt_without_map_inhabitants_gets_them_from_population_table(tmp_path):
    frame = _dorp({"BU99910001": None}, drop_inhabitants=True)
    cbs = tmp_path / "wijkenbuurten_2022.gpkg"
    cbs.write_bytes(gpkg_bytes({"buurten": frame}))
    table = tmp_path / "bevolking.csv"
    rows = [("BU99910000", 1000), ("BU99910001", 480), ("BU99910009", 210),
            ("BU99910100", 40)]
    table.write_text("WijkenEnBuurten;AantalInwoners;k_0Tot15Jaar;k_15Tot25Jaar;"
                     "k_25Tot45Jaar;k_45Tot65Jaar;k_65JaarOfOuder\n"
                     + "".join(f"{c};{n};{n // 5};{n // 5};{n // 5};{n // 5};"
                               f"{n - 4 * (n // 5)}\n" for c, n in rows), encoding="utf-8")
    result = build_region(cbs=cbs, gemeente=GM, population=table)
    texts = [line.text for line in result.report.section(WEGGELATEN)]
    dropped = [t for t in texts if "zonder bruikbare geometrie" in t]
    assert len(dropped) == 1, texts  # listed once, with the table's inhabitants
    assert "(inwoners volgens bevolking.csv)" in dropped[0] and "480 inwoners" in dropped[0]
    assert "inwoners onbekend" not in dropped[0]
    # the map has no inhabitants, but the table gives them: no "bevolking 0" statement
    everything = [line.text for line in result.report] + list(result.warnings)
    assert not any("geen inwonersaantallen" in t or "bevolking 0" in t for t in everything)


# --------------------------------------------------------------------------- wijk names


def _kaart(wijken: gpd.GeoDataFrame | None = None) -> bytes:
    """WBK 2022+ GeoPackage: buurten without wijknaam; wijken with names."""
    frame = _dorp({}, names=False)
    if wijken is None:
        wijken = gpd.GeoDataFrame(
            {"wijkcode": ["WK999100", "WK999101", "WK999199"],
             "wijknaam": ["Wijk 00 Dorp", "Wijk 01 Gehucht", "Water"],
             "gemeentecode": [GM] * 3},
            geometry=[square(0, 0, 2000), square(2, 0), square(3, 0)], crs="EPSG:28992")
    gemeenten = gpd.GeoDataFrame({"gemeentecode": [GM], "gemeentenaam": ["Testdorp"]},
                                 geometry=[square(0, 0, 4000)], crs="EPSG:28992")
    return gpkg_bytes({"gemeenten": gemeenten, "wijken": wijken, "buurten": frame})


def test_wijk_names_from_sibling_layer_name_the_kerngebieden():
    result = read_cbs_buurten(_kaart(), "wijkenbuurten_2022_v3.gpkg", gemeente=GM)
    areas = result.areas.set_index("buurt_code")
    assert areas.loc["BU99910000", "wijk_name"] == "Wijk 00 Dorp"
    assert areas.loc["BU99910100", "kerngebied"] == "Gehucht"
    assert sorted(set(result.areas["kerngebied"])) == ["Dorp", "Gehucht"]
    herkend = [line.text for line in result.report.section(HERKEND)]
    assert any("laag 'wijken'" in t and "2 van 2 wijken" in t for t in herkend), herkend


def test_build_uses_sibling_wijken_and_cli_prints_the_report(tmp_path, capsys):
    cbs = tmp_path / "wijkenbuurten_2022_v3.gpkg"
    cbs.write_bytes(_kaart())
    out = tmp_path / "r.gpkg"
    assert main(["build", "--gemeente", GM, "--cbs", str(cbs), "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "Kerngebieden: Dorp, Gehucht" in stdout
    assert "IMPORTVERSLAG" in stdout and "  Herkend:" in stdout and "  Geschat:" in stdout
    region = load_region(out)
    report = ImportReport.from_json(region.metadata["import_report"])
    assert any("laag 'wijken'" in line.text for line in report.section(HERKEND))


def test_wijk_without_name_in_sibling_layer_keeps_its_code_with_a_note():
    wijken = gpd.GeoDataFrame({"wijkcode": ["WK999100"], "wijknaam": ["Dorp"]},
                              geometry=[square(0, 0)], crs="EPSG:28992")
    result = read_cbs_buurten(_kaart(wijken), "k.gpkg", gemeente=GM)
    areas = result.areas.set_index("buurt_code")
    assert areas.loc["BU99910100", "wijk_name"] == "WK999101"
    notes = [line.text for line in result.report.section(LET_OP)]
    assert any("1 wijk zonder naam in de wijkenlaag (WK999101)" in n for n in notes), notes


def test_sibling_wijken_without_names_is_a_note_not_an_error():
    wijken = gpd.GeoDataFrame({"wijkcode": ["WK999100"]}, geometry=[square(0, 0)],
                              crs="EPSG:28992")
    result = read_cbs_buurten(_kaart(wijken), "k.gpkg", gemeente=GM)
    assert set(result.areas["wijk_name"]) == {"WK999100", "WK999101"}
    assert any("wijknamen niet uit laag 'wijken'" in line.text
               for line in result.report.section(LET_OP))


@pytest.mark.parametrize("form", ["csv", "pdok_geojson", "whole_map", "wijk_shapefile_zip"])
def test_explicit_wijken_file(form, tmp_path):
    frame = _dorp({}, names=False)
    if form == "csv":
        data, name = b"wijkcode;wijknaam\nWK999100 ;Dorp\nWK999101;Gehucht\n", "w.csv"
    elif form == "pdok_geojson":  # PDOK OGC API wijken: statcode/statnaam in WGS84
        pdok = gpd.GeoDataFrame({"statcode": ["WK999100", "WK999101"],
                                 "statnaam": ["Dorp", "Gehucht"]},
                                geometry=[square(0, 0), square(2, 0)], crs="EPSG:28992")
        data, name = pdok.to_crs("EPSG:4326").to_json().encode(), "wijken.geojson"
    elif form == "wijk_shapefile_zip":  # the wijk_2021_v1 shapefile of the older zips
        wijk = gpd.GeoDataFrame({"WK_CODE": ["WK999100", "WK999101"],
                                 "WK_NAAM": ["Dorp", "Gehucht"], "GM_CODE": [GM, GM]},
                                geometry=[square(0, 0), square(2, 0)], crs="EPSG:28992")
        data, name = shapefile_zip(wijk, stem="wijk_2021_v1"), "wijk_2021_v1.zip"
    else:
        data, name = _kaart(), "wijkenbuurten_2022.gpkg"
    result = read_cbs_buurten(gpkg_bytes({"buurten": frame}), "b.gpkg", gemeente=GM,
                              wijken=data, wijken_name=name)
    assert result.areas.set_index("buurt_code").loc["BU99910100", "kerngebied"] == "Gehucht"
    assert result.areas.set_index("buurt_code").loc["BU99910000", "kerngebied"] == "Dorp"


def test_explicit_wijken_file_without_names_is_refused():
    with pytest.raises(ImportDataError, match=r"w\.csv.*wijkcode.*wijknaam"):
        read_cbs_buurten(gpkg_bytes({"buurten": _dorp({}, names=False)}), "b.gpkg",
                         gemeente=GM, wijken=b"code;inwoners\nWK999100;5\n",
                         wijken_name="w.csv")


def test_read_wijk_names_refuses_buurt_codes():
    with pytest.raises(ImportDataError, match="geen wijkcodes"):
        read_wijk_names(b"wijkcode;wijknaam\nBU99910000;Dorp\n", "w.csv")


def test_kerngebied_names_strip_cbs_prefix_unless_names_clash():
    names = pd.Series(["Wijk 00 Beilen", "Wijk 01 Hijken", "Wijk 02 Beilen", "Borger",
                       "Wijk 03"])
    assert kerngebied_names(names).tolist() == ["Wijk 00 Beilen", "Hijken", "Wijk 02 Beilen",
                                                "Borger", "Wijk 03"]


# --------------------------------------------------------------------------- report


def test_report_sections_text_json_and_counts():
    report = ImportReport()
    report.add(LET_OP, "geen BAG-bestand")
    report.add(HERKEND, "buurten gelezen", count=4)
    report.add(WEGGELATEN, "2 buurten zonder geometrie", count=2)
    report.add(HERKEND, "   ")  # nothing to say: no line
    assert len(report) == 3
    assert report.to_text().splitlines() == [
        "Herkend:", "  - buurten gelezen (4)", "Weggelaten:",
        "  - 2 buurten zonder geometrie", "Let op:", "  - geen BAG-bestand"]
    again = ImportReport.from_json(report.to_json())
    assert again == report
    assert again.section(WEGGELATEN) == [ReportLine(WEGGELATEN, "2 buurten zonder geometrie", 2)]
    assert list(SECTIONS)[0] == HERKEND
    with pytest.raises(ValueError, match="unknown report section"):
        report.add("misc", "x")


def test_build_report_has_every_warning_and_is_in_provenance(tmp_path):
    from geo.analysis.gaps import analyse
    from geo.reporting.output import provenance_table

    frame = _dorp({"BU99910001": _collection(0, 1)})
    cbs = tmp_path / "b.geojson"
    cbs.write_bytes(_geojson(frame))
    result = build_region(cbs=cbs, gemeente=GM, base_year=2022)
    texts = {line.text for line in result.report}
    assert set(result.warnings) <= texts
    assert any("Dorp-Noord: GeometryCollection" in t for t in texts)
    prov = provenance_table(analyse(result.region)).set_index("key")["value"]
    assert ImportReport.from_json(prov["import_report"]) == result.report


# --------------------------------------------------------------------------- CLI messages


def test_cli_error_starts_on_its_own_line_after_the_progress_bar(tmp_path, capsys):
    cbs = tmp_path / "b.gpkg"
    cbs.write_bytes(gpkg_bytes({"buurten": _dorp({})}))
    code = main(["build", "--gemeente", "GM0001", "--cbs", str(cbs), "--out",
                 str(tmp_path / "r.gpkg")])
    err = capsys.readouterr().err
    assert code == 2
    assert "% CBS-buurten lezen…" in err  # the bar was drawing …
    assert "\nFout: bestand 'b.gpkg': gemeente 'GM0001'" in err  # … and the error has its line
    assert all(line.startswith("Fout:") or "Fout:" not in line for line in err.splitlines())


def test_cli_interrupt_and_unexpected_error_end_the_bar_line(tmp_path, capsys, monkeypatch):
    import geo.io.build

    def interrupted(*, progress, **_):
        progress(0.3, "BAG lezen…")
        raise KeyboardInterrupt

    def broken(*, progress, **_):
        progress(0.5, "Voorzieningen lezen…")
        raise RuntimeError("kapot")

    args = ["build", "--gemeente", GM, "--cbs", "x.gpkg", "--out", str(tmp_path / "r.gpkg")]
    monkeypatch.setattr(geo.io.build, "build_region", interrupted)
    assert main(args) == 130
    err = capsys.readouterr().err
    assert "BAG lezen…\nAfgebroken (Ctrl+C)" in err
    monkeypatch.setattr(geo.io.build, "build_region", broken)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Voorzieningen lezen…\nOnverwachte fout (RuntimeError): kapot" in err
