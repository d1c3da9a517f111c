"""A region of several municipalities: build, presets, reference, facilities, fetch (issue 13).

Own fixture in the real CBS schema (GeoPackage 2022+, snake_case): Oostdorp (GM9981) and
Westdorp (GM9982) both have a wijk "Wijk 00 Centrum" (a kerngebied name clash) and one
village wijk each; Derdestad (GM9983) is in the file but not in the region.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import pytest
import shapely
from cbskit import X0, Y0, buurten, cbs_gpkg_bytes, square

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.cli import main
from geo.io.build import FACILITY_BUFFER_M, build_region
from geo.io.fetch import RegionFetch, fetch_regions
from geo.io.fetch._common import FetchResult
from geo.io.region_package import load_region, write_region
from geo.model.regions_presets import (
    DRENTHE_GEMEENTEN,
    REGION_PRESETS,
    find_preset,
    resolve_region,
)


def _row(code, name, wijk, wijk_name, gm, gm_name, inhabitants, pct65, geom):
    return (code, name, wijk, wijk_name, gm, gm_name, "NEE", inhabitants, 15, 10, 25,
            50 - pct65, pct65, inhabitants // 2, inhabitants // 2, 20, 1.0, geom)


ROWS = [
    _row("BU99810000", "Oost-Centrum", "WK998100", "Wijk 00 Centrum", "GM9981", "Oostdorp",
         1000, 25, square(0, 0)),
    _row("BU99810001", "Oost-Zuid", "WK998100", "Wijk 00 Centrum", "GM9981", "Oostdorp",
         400, 20, square(1, 0)),
    _row("BU99810100", "Heide", "WK998101", "Wijk 01 Heide", "GM9981", "Oostdorp",
         100, 30, square(2, 0)),
    _row("BU99820000", "West-Centrum", "WK998200", "Wijk 00 Centrum", "GM9982", "Westdorp",
         800, 25, square(0, 1)),
    _row("BU99820001", "West-Noord", "WK998200", "Wijk 00 Centrum", "GM9982", "Westdorp",
         300, 20, square(1, 1)),
    _row("BU99820100", "Veld", "WK998201", "Wijk 01 Veld", "GM9982", "Westdorp",
         200, 30, square(2, 1)),
    _row("BU99830000", "Stad", "WK998300", "Wijk 00 Stad", "GM9983", "Derdestad",
         5000, 15, square(0, 4)),
]
REGION = ["GM9981", "GM9982"]
TO_WGS = pyproj.Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@pytest.fixture()
def cbs(tmp_path):
    path = tmp_path / "wijkenbuurten_2024_v1.gpkg"
    path.write_bytes(cbs_gpkg_bytes(buurten("snake", ROWS)))
    return path


def _kerncijfers(path, rows=ROWS):
    """A Kerncijfers wijken en buurten CSV (gwb_code, counts) for buurten and gemeenten."""
    lines = ["gwb_code;regio;soort_regio;jaar;aantal_inwoners;aantal_personen_65_jaar_en_ouder"]
    for gm, gm_name in {(r[4], r[5]) for r in rows}:
        total = sum(r[7] for r in rows if r[4] == gm)
        lines.append(f"{gm};{gm_name};Gemeente;2024;{total};")
    for r in rows:
        lines.append(f"{r[0]};{r[1]};Buurt;2024;{r[7]};{round(r[7] * r[12] / 100)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_two_municipalities_in_one_package(cbs, tmp_path):
    table = _kerncijfers(tmp_path / "kerncijfers.csv")
    result = build_region(cbs=cbs, gemeente=REGION, population=table, reference=table)
    region = result.region
    areas = region.areas
    assert sorted(areas["gemeente_code"].unique()) == REGION  # Derdestad left out
    assert len(areas) == 6 and result.stats["population_matched"] == 6
    assert region.gemeenten == [("GM9981", "Oostdorp"), ("GM9982", "Westdorp")]
    assert region.is_multi_gemeente
    assert region.metadata["gemeente_code"] == "GM9981,GM9982"
    assert json.loads(region.metadata["gemeenten"]) == [
        {"code": "GM9981", "name": "Oostdorp"}, {"code": "GM9982", "name": "Westdorp"}]
    assert region.name == "Oostdorp en Westdorp"
    # kerngebieden: one municipality each, the shared name suffixed in both
    assert sorted(region.kerngebieden) == ["Centrum (Oostdorp)", "Centrum (Westdorp)",
                                           "Heide", "Veld"]
    assert (areas.groupby("kerngebied")["gemeente_code"].nunique() == 1).all()
    assert any("gemeentenaam erbij" in w for w in result.warnings)
    pop = region.population[vocabulary.band_columns()].to_numpy().sum()
    assert pop == 1000 + 400 + 100 + 800 + 300 + 200
    # the reference layer keeps both municipalities, not the third
    ref = region.reference
    assert sorted(ref.loc[ref["level"] == "gemeente", "code"]) == REGION
    assert ref.loc[ref["code"] == "GM9982", "inhabitants"].item() == 1300
    assert not ref["code"].str.contains("9983").any()
    res = analyse(region, year=2030)
    assert set(res.kerngebied["kerngebied"]) == set(region.kerngebieden)


def test_single_municipality_unchanged(cbs):
    region = build_region(cbs=cbs, gemeente="GM9981").region
    assert region.metadata["gemeente_code"] == "GM9981" and region.name == "Oostdorp"
    assert not region.is_multi_gemeente
    assert sorted(region.kerngebieden) == ["Centrum", "Heide"]  # no suffix: nothing shared


def test_gemeenten_fallback_for_older_packages(cbs):
    region = build_region(cbs=cbs, gemeente=REGION).region
    old = dict(region.metadata)
    del old["gemeenten"]
    from dataclasses import replace
    older = replace(region, metadata=old)
    assert older.gemeenten == [("GM9981", "Oostdorp"), ("GM9982", "Westdorp")]
    broken = replace(region, metadata=old | {"gemeenten": "not json"})
    assert broken.gemeenten == older.gemeenten


def test_cli_gemeente_twice_keeps_both(cbs, tmp_path, capsys):
    out = tmp_path / "regio.gpkg"
    assert main(["build", "--gemeente", "GM9981", "--gemeente", "9982", "--naam", "Oost-West",
                 "--cbs", str(cbs), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Gemeenten: GM9981 Oostdorp, GM9982 Westdorp" in printed and "6 buurten" in printed
    region = load_region(out)
    assert region.name == "Oost-West" and region.gemeenten[1] == ("GM9982", "Westdorp")
    assert sorted(region.areas["gemeente_code"].unique()) == REGION
    # the comma form is the same selection
    out2 = tmp_path / "regio2.gpkg"
    assert main(["build", "--gemeente", "GM9981,GM9982", "--cbs", str(cbs), "--out",
                 str(out2)]) == 0
    assert len(load_region(out2).areas) == 6


def test_cli_errors(cbs, tmp_path, capsys):
    out = tmp_path / "x.gpkg"
    # a code not in the file: the message lists what is there
    assert main(["build", "--gemeente", "GM9981", "--gemeente", "GM0001", "--cbs", str(cbs),
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'GM0001' staat niet in het bestand" in err
    assert "GM9981 Oostdorp" in err and "GM9983 Derdestad" in err
    # an invalid code, an unknown preset, both at once, nothing at all
    for argv, words in (
            (["--gemeente", "GM12345"], "ongeldig"),
            (["--preset", "Zuidwest-Drenthe (woondeal)"], "Noord-Drenthe (woondeal)"),
            (["--preset", "Drenthe", "--gemeente", "GM9981"], "niet allebei"),
            ([], "geen gemeente opgegeven")):
        assert main(["build", *argv, "--cbs", str(cbs), "--out", str(out)]) == 2
        assert words in capsys.readouterr().err
    assert not out.exists()


def test_preset_with_names_from_the_drenthe_list(tmp_path, capsys):
    preset = find_preset("Zuidoost-Drenthe (woonzorgakkoord)")
    assert preset.codes == ("GM1681", "GM0109", "GM0114")
    rows = []
    for k, code in enumerate(preset.codes):
        digits = code[2:]
        for b in range(2):  # each municipality a wijk "Centrum": a clash in all three
            rows.append(_row(f"BU{digits}00{b:02d}", f"B{b}", f"WK{digits}00",
                             "Wijk 00 Centrum", code, None, 500 + b, 20, square(b, k)))
    frame = buurten("snake", rows).drop(columns=["gemeentenaam"])  # as the PDOK GeoJSON
    path = tmp_path / "wijkenbuurten_2024_boce.gpkg"
    path.write_bytes(cbs_gpkg_bytes(frame))
    out = tmp_path / "boce_regio.gpkg"
    assert main(["build", "--preset", "boce", "--cbs", str(path), "--out", str(out)]) == 0
    region = load_region(out)
    assert region.name == "Zuidoost-Drenthe (woonzorgakkoord)"
    assert region.gemeenten == [("GM1681", "Borger-Odoorn"), ("GM0109", "Coevorden"),
                                ("GM0114", "Emmen")]
    assert sorted(region.kerngebieden) == ["Centrum (Borger-Odoorn)", "Centrum (Coevorden)",
                                           "Centrum (Emmen)"]
    report = region.metadata["import_report"]
    assert "uit de lijst van Drentse gemeenten" in report
    assert "de gemeentecode wordt als naam gebruikt" not in report  # superseded


def test_presets_are_sourced_and_complete():
    assert len(DRENTHE_GEMEENTEN) == 12
    assert REGION_PRESETS["Drenthe"].codes == tuple(DRENTHE_GEMEENTEN)
    for preset in REGION_PRESETS.values():
        assert preset.source and set(preset.codes) <= set(DRENTHE_GEMEENTEN)
    assert not any(p == "Zuidwest-Drenthe (woondeal)" for p in REGION_PRESETS)  # [VERIFY]
    assert find_preset("noord drenthe").codes == ("GM0106", "GM1699", "GM1730")
    assert resolve_region(["GM1681, 109", "gm0114", "GM1681"]) == (
        ["GM1681", "GM0109", "GM0114"], None)
    assert resolve_region(None, "Drenthe", "Mijn regio")[1] == "Mijn regio"


def test_facilities_outside_the_region_are_flagged(cbs, tmp_path):
    assert FACILITY_BUFFER_M == 15_000  # the largest catchment (verpleegzorg)
    fac = tmp_path / "voorzieningen.csv"
    fac.write_text(
        "naam;type;x;y;capaciteit\n"
        f"Huisarts Oost;huisarts;{X0 + 500};{Y0 + 500};2000\n"
        f"Zorgcentrum West;nursing_somatic;{X0 + 1500};{Y0 + 1500};40\n"
        f"Verpleeghuis buurgemeente;nursing_somatic;{X0 + 12000};{Y0 + 500};60\n"
        f"Ziekenhuis ver weg;hospital;{X0 + 60000};{Y0};\n", encoding="utf-8")
    result = build_region(cbs=cbs, gemeente=REGION, facilities=[fac])
    facilities = result.region.facilities.set_index("name")
    assert "Ziekenhuis ver weg" not in facilities.index
    assert facilities["outside_region"].to_dict() == {
        "Huisarts Oost": False, "Zorgcentrum West": False, "Verpleeghuis buurgemeente": True}
    assert result.stats["facilities_outside_region"] == 1
    assert any("buiten de regio" in w and "outside_region" in w for w in result.warnings)
    again = load_region(write_region(result.region, tmp_path / "r.gpkg"))
    assert again.facilities.set_index("name")["outside_region"].dtype == bool
    assert again.facilities.set_index("name").loc["Verpleeghuis buurgemeente",
                                                   "outside_region"]


def _osm(path, nodes):
    """A small OSM XML file with nursing homes at RD points ``{id: (x, y)}``."""
    body = "".join(
        f'<node id="{i}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">'
        f'<tag k="amenity" v="nursing_home"/><tag k="name" v="Huis {i}"/></node>'
        for i, (lon, lat) in ((i, TO_WGS.transform(x, y)) for i, (x, y) in nodes.items()))
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">{body}</osm>',
                    encoding="utf-8")
    return path


def test_overlapping_osm_extracts_count_an_object_once(cbs, tmp_path):
    a = _osm(tmp_path / "osm_GM9981.osm", {1: (X0 + 500, Y0 + 500), 2: (X0 + 900, Y0 + 900)})
    b = _osm(tmp_path / "osm_GM9982.osm", {2: (X0 + 900, Y0 + 900), 3: (X0 + 500, Y0 + 1500)})
    result = build_region(cbs=cbs, gemeente=REGION, facilities=[a, b])
    ids = sorted(result.region.facilities["facility_id"])
    assert ids == ["osm_node_1", "osm_node_2", "osm_node_3"]
    assert any("één keer meegeteld" in w for w in result.warnings)


def _bag(path, ids):
    vbo = gpd.GeoDataFrame(
        {"identificatie": [f"99{i:014d}" for i in ids], "gebruiksdoel": ["woonfunctie"] * len(ids),
         "status": ["Verblijfsobject in gebruik"] * len(ids), "oppervlakte": [80] * len(ids),
         "bouwjaar": [1990] * len(ids), "pand_identificatie": [f"98{i:014d}" for i in ids],
         "postcode": ["9999AA"] * len(ids), "huisnummer": list(ids)},
        geometry=[shapely.Point(X0 + 100 + 300 * (i % 3), Y0 + 100 + 1000 * (i // 3))
                  for i in ids], crs=vocabulary.METRIC_CRS)
    pand = gpd.GeoDataFrame(
        {"identificatie": [f"98{i:014d}" for i in ids], "bouwjaar": [1990] * len(ids),
         "status": ["Pand in gebruik"] * len(ids)},
        geometry=[p.buffer(5, cap_style="square") for p in vbo.geometry], crs=vocabulary.METRIC_CRS)
    pyogrio.write_dataframe(vbo, path, layer="verblijfsobject", driver="GPKG")
    pyogrio.write_dataframe(pand, path, layer="pand", driver="GPKG")
    return path


def test_fetch_regions_combines_the_municipalities(cbs, tmp_path, monkeypatch):
    """Each municipality is fetched on its own; the files are combined for one build."""
    out = tmp_path / "dl"
    out.mkdir()
    frame = buurten("snake", ROWS).to_crs("EPSG:4326")
    calls = []

    def fake_fetch(code, year, out_dir, **kwargs):
        calls.append(code)
        part = frame[frame["gemeentecode"] == code]
        results = {}
        for kind, suffix, write in (
                ("buurten", f"buurten_{code}_{year}.geojson",
                 lambda p: p.write_text(part.to_json(), encoding="utf-8")),
                ("wijken", f"wijken_{code}_{year}.geojson",
                 lambda p: p.write_text(part.dissolve("wijkcode").reset_index()[
                     ["wijkcode", "wijknaam", "geometry"]].to_json(), encoding="utf-8")),
                ("bevolking", f"bevolking_{code}_{year}.csv",
                 lambda p: _kerncijfers(p, [r for r in ROWS if r[4] == code])),
                ("bag", f"bag_{code}.gpkg",  # object 3 lies in both extracts (border tile)
                 lambda p: _bag(p, [0, 1, 3] if code == "GM9981" else [3, 4, 5])),
                ("osm", f"osm_{code}.osm",
                 lambda p: _osm(p, {7: (X0 + 500, Y0 + 900)}))):
            path = out_dir / suffix
            write(path)
            results[kind] = FetchResult(path=path, metadata_path=out_dir / "m.json",
                                        gemeente_code=code, year=year, count=len(part),
                                        urls=(f"https://example/{code}/{kind}",))
        return RegionFetch(gemeente_code=code, year=year, results=results, notes=["ok"])

    monkeypatch.setattr("geo.io.fetch.multi.fetch_region", fake_fetch)
    steps = []
    done = fetch_regions(["GM9981", "9982"], 2024, out, name="Oost-West",
                         progress=lambda f, m: steps.append(f))
    assert calls == REGION and done.gemeenten == tuple(REGION)
    assert done.gemeente_code == "GM9981-GM9982"
    assert done.results["buurten"].path.name == "buurten_GM9981-GM9982_2024.geojson"
    assert done.results["buurten"].count == 6 and done.results["bag"].count == 5  # 3 once
    assert steps[-1] == 1.0 and steps == sorted(steps)
    meta = json.loads(done.metadata_path.read_text(encoding="utf-8"))["downloads"]["regio"]
    assert meta["gemeenten"] == REGION
    inputs = done.build_inputs()
    assert inputs["gemeente"] == REGION and inputs["name"] == "Oost-West"
    assert len(inputs["facilities"]) == 2
    region = build_region(**inputs).region
    assert region.name == "Oost-West" and len(region.areas) == 6
    assert len(region.homes) == 5
    assert list(region.facilities["facility_id"]) == ["osm_node_7"]  # the shared node once
    assert np.isclose(region.population[vocabulary.band_columns()].to_numpy().sum(), 2800)
