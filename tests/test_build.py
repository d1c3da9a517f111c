"""Building a region package from CBS, BAG and facility files (fixtures in the real schemas)."""

from __future__ import annotations

import os

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from cbskit import X0, Y0, cbs_gpkg_bytes, geojson_bytes

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.cli import main
from geo.errors import ImportDataError
from geo.io.build import build_region
from geo.io.region_package import load_region

GEMEENTE = "GM9991"  # Testdorp: Dorp-Centrum, Dorp-Noord, Verspreide huizen Dorp, Gehucht


SPOTS = [(300, 300, 1990, 1), (700, 300, 2005, 6), (400, 1500, 1960, 1),
         (1500, 500, 1975, 1), (2500, 500, 1930, 1)]


def _bag_gpkg(path, spots=SPOTS):
    """Panden and verblijfsobjecten inside the Testdorp buurten (x 0–3000, y 0–2000 m)."""
    panden, vbos = [], []
    for p, (dx, dy, year, n) in enumerate(spots, start=1):
        pid = f"{9991100000000000 + p}"
        panden.append({"identificatie": pid, "bouwjaar": year, "status": "Pand in gebruik",
                       "geometry": shapely.box(X0 + dx - 10, Y0 + dy - 10, X0 + dx + 10,
                                               Y0 + dy + 10)})
        for k in range(n):
            vbos.append({"identificatie": f"{9991010000000000 + p * 100 + k}",
                         "gebruiksdoel": "woonfunctie", "status": "Verblijfsobject in gebruik",
                         "oppervlakte": 90, "bouwjaar": year, "pand_identificatie": pid,
                         "postcode": "9999AA", "huisnummer": p * 100 + k,
                         "geometry": shapely.Point(X0 + dx + k, Y0 + dy)})
    pyogrio.write_dataframe(gpd.GeoDataFrame(vbos, crs=vocabulary.METRIC_CRS), path,
                            layer="verblijfsobject", driver="GPKG")
    pyogrio.write_dataframe(gpd.GeoDataFrame(panden, crs=vocabulary.METRIC_CRS), path,
                            layer="pand", driver="GPKG")
    return path


FACILITIES = (
    "naam;type;x;y;capaciteit\n"
    f"Huisarts Dorp;huisarts;{X0 + 500};{Y0 + 500};2000\n"
    f"Zorgcentrum Dorp;nursing_somatic;{X0 + 600};{Y0 + 400};40\n"
    f"Supermarkt buurgemeente;supermarkt;{X0 - 3000};{Y0 + 500};\n"   # 3 km outside: kept
    f"Ziekenhuis ver weg;hospital;{X0 + 60000};{Y0};\n"              # 60 km: dropped
).encode()


@pytest.fixture()
def files(tmp_path):
    cbs = tmp_path / "wijkenbuurten_2022_v3.gpkg"
    cbs.write_bytes(cbs_gpkg_bytes())
    fac = tmp_path / "voorzieningen.csv"
    fac.write_bytes(FACILITIES)
    kerngebieden = tmp_path / "kerngebieden.csv"
    kerngebieden.write_text("wijk_code;kerngebied\nWK999100;Dorp\nWK999101;Buiten\n",
                            encoding="utf-8")
    return {"cbs": cbs, "bag": _bag_gpkg(tmp_path / "bag.gpkg"), "fac": fac,
            "kerngebied": kerngebieden}


def test_build_known_answer(files):
    steps = []
    result = build_region(cbs=files["cbs"], gemeente="Testdorp", bag=files["bag"],
                          facilities=[files["fac"]], kerngebieden=files["kerngebied"],
                          progress=lambda f, m: steps.append((f, m)))
    region = result.region
    assert sorted(region.areas["buurt_code"]) == ["BU99910000", "BU99910001", "BU99910009",
                                                  "BU99910100"]  # water buurt dropped
    assert dict(zip(region.areas["buurt_code"], region.areas["kerngebied"], strict=True)) == {
        "BU99910000": "Dorp", "BU99910001": "Dorp", "BU99910009": "Dorp",
        "BU99910100": "Buiten"}
    pop = region.population.set_index("buurt_code")
    bands = vocabulary.band_columns()
    assert pop.loc["BU99910000", bands].sum() == 1000
    assert pop.loc["BU99910100", bands].sum() == 0  # secret (-99997) → 0, never negative
    assert pop["estimated"].all()
    assert len(region.homes) == 10
    assert set(region.facilities["name"]) == {"Huisarts Dorp", "Zorgcentrum Dorp",
                                              "Supermarkt buurgemeente"}
    assert result.stats["facilities_outside_buffer"] == 1
    assert region.base_year == 2022 and not region.is_demo
    assert "geschat" in region.metadata["notice"]
    assert "import_warnings" in region.metadata
    assert steps[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in steps)
    res = analyse(region, year=2030)
    assert set(res.kerngebied["kerngebied"]) == {"Dorp", "Buiten"}
    assert res.buurt.set_index("buurt_code").loc["BU99910000", "supply_nursing_somatic"] == 40


def test_bag_extract_covering_part_of_the_municipality_is_flagged(files, tmp_path):
    full = build_region(cbs=files["cbs"], gemeente=GEMEENTE, bag=files["bag"])
    assert not any("bewoonde buurt" in w for w in full.warnings)
    part = _bag_gpkg(tmp_path / "bag_centrum.gpkg", SPOTS[:2])  # Dorp-Centrum only
    result = build_region(cbs=files["cbs"], gemeente=GEMEENTE, bag=part)
    line = ("2 van 3 bewoonde buurten (41 % van de inwoners) hebben geen woningen in het "
            "BAG-bestand: de uitsnede dekt de gemeente niet; het aanbod is daar 0.")
    assert any(text.startswith(line) for text in (x.text for x in result.report)), \
        [x.text for x in result.report]
    assert line in result.region.metadata["data_note_homes"]


def test_build_geojson_without_bag_or_facilities(tmp_path):
    with pytest.raises(ImportDataError, match="basisjaar"):
        build_region(cbs=(geojson_bytes(), "buurten.geojson"), gemeente="9991")
    result = build_region(cbs=(geojson_bytes(), "buurten.geojson"), gemeente="9991",
                          base_year=2024)
    region = result.region
    assert len(region.homes) == 0 and len(region.facilities) == 0
    assert any("Geen BAG-bestand" in w for w in result.warnings)
    assert any("elke wijk is een kerngebied" in w for w in result.warnings)
    res = analyse(region, year=2024)  # still analysable: people at the buurt centres
    assert res.gemeente["pop_total"].iloc[0] == pytest.approx(1700)


def test_build_errors(files):
    with pytest.raises(ImportDataError, match="GM0001"):
        build_region(cbs=files["cbs"], gemeente="GM0001")
    with pytest.raises(ImportDataError, match="corporatielijst"):
        build_region(cbs=files["cbs"], gemeente=GEMEENTE, corporations=files["fac"])
    bad_kerngebied = files["kerngebied"].with_name("k2.csv")
    bad_kerngebied.write_text("wijk_code;kerngebied\nWK999100;Dorp\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="geen kerngebied voor 1 buurt"):
        build_region(cbs=files["cbs"], gemeente=GEMEENTE, kerngebieden=bad_kerngebied)
    far = files["fac"].with_name("ver.csv")
    far.write_text(f"naam;type;x;y\nVer;gp;{X0 - 40000};{Y0}\n", encoding="utf-8")
    with pytest.raises(ImportDataError, match="binnen 15 km"):
        build_region(cbs=files["cbs"], gemeente=GEMEENTE, facilities=[far])


def test_kerngebieden_from_polygons(files, tmp_path):
    polygons = gpd.GeoDataFrame(
        {"kerngebied": ["West", "Oost"]},
        geometry=[shapely.box(X0 - 10, Y0 - 10, X0 + 1000, Y0 + 3000),
                  shapely.box(X0 + 1000, Y0 - 10, X0 + 4000, Y0 + 3000)], crs=vocabulary.METRIC_CRS)
    path = tmp_path / "kernen.gpkg"
    pyogrio.write_dataframe(polygons, path, driver="GPKG")
    region = build_region(cbs=files["cbs"], gemeente=GEMEENTE, kerngebieden=path).region
    kerngebied = dict(zip(region.areas["buurt_code"], region.areas["kerngebied"], strict=True))
    assert kerngebied["BU99910000"] == "West" and kerngebied["BU99910100"] == "Oost"


def test_cli_build_then_analyse(files, tmp_path, capsys):
    out = tmp_path / "testdorp.gpkg"
    assert main(["build", "--gemeente", GEMEENTE, "--cbs", str(files["cbs"]), "--bag",
                 str(files["bag"]), "--facilities", str(files["fac"]), "--kerngebieden",
                 str(files["kerngebied"]), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "4 buurten" in captured.out and "Kerngebieden: Dorp, Buiten" in captured.out
    assert "100%" in captured.err  # progress bar
    region = load_region(out)
    assert len(region.homes) == 10
    gaps = tmp_path / "gaps.gpkg"
    assert main(["analyse", "--region", str(out), "--year", "2030", "--out", str(gaps)]) == 0
    kerngebied = pyogrio.read_dataframe(gaps, layer="gaps_kern")
    assert sorted(kerngebied["kerngebied"]) == ["Buiten", "Dorp"]
    assert np.isfinite(kerngebied["shortage_step_free"]).all()
    assert main(["build", "--gemeente", "GM0001", "--cbs", str(files["cbs"]), "--out",
                 str(tmp_path / "x.gpkg")]) == 2
    assert "GM0001" in capsys.readouterr().err
    assert not (tmp_path / "x.gpkg").exists()


def test_cli_build_size_limit_is_config_not_environment(files, tmp_path, monkeypatch, capsys):
    from geo.cli import BUILD_MAX_MB, _build_config
    from geo.config import MAX_UPLOAD_ENV

    monkeypatch.delenv(MAX_UPLOAD_ENV, raising=False)
    assert _build_config(None).max_upload_mb == BUILD_MAX_MB
    assert _build_config(7).max_upload_mb == 7
    monkeypatch.setenv(MAX_UPLOAD_ENV, "300")
    assert _build_config(None).max_upload_mb == 300
    before = dict(os.environ)
    # an invalid limit is refused (exit 2) and the environment is left alone
    assert main(["build", "--gemeente", GEMEENTE, "--cbs", str(files["cbs"]), "--max-mb", "0",
                 "--out", str(tmp_path / "x.gpkg")]) == 2
    assert dict(os.environ) == before
    assert not (tmp_path / "x.gpkg").exists()
