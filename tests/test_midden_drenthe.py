"""The embedded default region: real CBS boundaries and figures, generated homes.

The expected CBS figures are read here from ``data/`` with the csv/json modules, not with
the generator's own readers, so a reading error in the generator cannot hide itself.
"""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.datasets import _md_homes, get_path, load_demo_region, reference_figures
from geo.datasets._md_facilities import ASSUMED, KNOWN
from geo.datasets.midden_drenthe import generate_region, load_villages

STATUSES = {"real", "estimated", "generated", "mixed"}


@pytest.fixture(scope="module")
def region():
    return generate_region()


@pytest.fixture(scope="module")
def cbs():
    """CBS 2024 rows of the shipped key figures, by code (numbers as float, NaN if empty)."""
    with open(get_path("cbs_kerncijfers"), encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["jaar"] == "2024"]
    frame = pd.DataFrame(rows).set_index("gwb_code")
    text = {"regio", "soort_regio", "gemeentecode", "wijkcode", "cbs_tabel", "bron"}
    for col in frame.columns.difference(list(text)):
        frame[col] = pd.to_numeric(frame[col].replace("", np.nan))
    return frame


def _buurten(cbs):
    return cbs[cbs["soort_regio"] == "Buurt"]


def _assert_same(a, b):
    assert_geodataframe_equal(a.areas, b.areas)
    assert_frame_equal(a.population, b.population)
    assert_geodataframe_equal(a.homes, b.homes)
    assert_geodataframe_equal(a.facilities, b.facilities)
    assert_geodataframe_equal(a.villages, b.villages)
    assert a.metadata == b.metadata


def test_generator_is_deterministic(region):
    _assert_same(region, generate_region())


def test_other_seed_changes_only_generated_parts(region):
    other = generate_region(seed=1)
    assert_geodataframe_equal(other.areas, region.areas)
    assert_frame_equal(other.population, region.population)
    assert len(other.homes) == len(region.homes)
    assert not np.allclose(shapely.get_coordinates(other.homes.geometry.values)[:200],
                           shapely.get_coordinates(region.homes.geometry.values)[:200])


def test_committed_file_matches_generator(region):
    """data/ holds exactly what `python -m geo generate-demo` produces."""
    stored = load_demo_region()
    assert_geodataframe_equal(stored.areas, region.areas, check_dtype=False)
    assert_frame_equal(stored.population, region.population, check_dtype=False)
    assert_geodataframe_equal(stored.homes, region.homes, check_dtype=False)
    assert_geodataframe_equal(stored.facilities, region.facilities, check_dtype=False)
    assert stored.metadata == region.metadata


def test_areas_are_the_cbs_buurten(region, cbs):
    with open(get_path("cbs_buurten"), encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    codes = sorted(f["properties"]["statcode"] for f in features)
    assert len(codes) == 48
    assert region.areas["buurt_code"].tolist() == codes == sorted(_buurten(cbs).index)
    names = {f["properties"]["statcode"]: f["properties"]["statnaam"] for f in features}
    assert region.areas.set_index("buurt_code")["buurt_name"].to_dict() == names
    assert region.areas["wijk_code"].nunique() == 17
    assert (region.areas["wijk_code"] == "WK" + region.areas["buurt_code"].str[2:8]).all()
    assert region.areas.set_index("buurt_code").loc["BU17310600", "wijk_name"] == "Smilde"
    assert (region.areas["gemeente_name"] == "Midden-Drenthe").all()
    assert region.areas.geometry.is_valid.all()
    # the buurten tile the municipality: no overlaps, area ≈ the gemeente (345.87 km²)
    union = shapely.union_all(region.areas.geometry.values)
    assert union.area == pytest.approx(region.areas.area.sum(), rel=1e-4)
    assert union.area / 1e6 == pytest.approx(345.87, rel=0.01)
    vh = region.areas["buurt_code"].str.endswith("09")
    assert (region.areas.loc[vh, "buurt_type"] == "verspreide_huizen").all()
    assert (region.areas.loc[~vh, "buurt_type"] == "kern").all()


def test_kerngebieden_as_welwozo(region):
    kern = region.areas.set_index("buurt_code")["kerngebied"]
    assert set(kern) == {"Beilen", "Smilde", "Westerbork"}
    smilde = set(kern[kern == "Smilde"].index)
    for wijk in ("06", "07", "08"):  # Smilde, Bovensmilde, Hoogersmilde with buitengebied
        assert {c for c in kern.index if c[6:8] == wijk} <= smilde
    assert kern["BU17310101"] == "Smilde"  # Oranje
    assert kern["BU17310100"] == "Beilen" and kern["BU17310109"] == "Beilen"  # Hijken
    assert kern["BU17310900"] == "Westerbork" and kern["BU17311209"] == "Westerbork"
    assert kern["BU17311309"] in {"Beilen", "Westerbork"}  # Nieuweroord: nearest core


def test_population_exactly_cbs(region, cbs):
    pop = region.population.set_index("buurt_code")
    bands = vocabulary.band_columns()
    buurten = _buurten(cbs)
    assert (pop[bands].sum(axis=1) == buurten["aantal_inwoners"].reindex(pop.index)).all()
    assert (pop["pop_0_14"] == buurten["aantal_personen_0_tot_15_jaar"].reindex(pop.index)
            ).all()
    old = pop[vocabulary.band_columns(vocabulary.AGE_GROUPS["65+"])].sum(axis=1)
    assert (old == buurten["aantal_personen_65_jaar_en_ouder"].reindex(pop.index)).all()
    assert (pop["households"] == buurten["aantal_huishoudens"].reindex(pop.index)).all()
    assert pop["estimated"].all()
    assert int(pop[bands].to_numpy().sum()) == 34_085  # sum of the buurten (CBS rounds to 5)


def test_estimated_bands_follow_the_municipality_2019(region):
    pop = region.population[["pop_15_24", "pop_25_44", "pop_45_64"]].sum()
    shares = pop / pop.sum()
    expected = np.array([3805, 6384, 10425]) / (3805 + 6384 + 10425)
    assert shares.to_numpy() == pytest.approx(expected, abs=0.005)
    src, note = region.source("population"), region.data_note("population")
    assert "84583NED" in src and "geschat" in note.lower() and "2019" in note


def test_analyse_gives_cbs_inhabitants_and_65plus(region, cbs):
    buurt = analyse(region, year=2024).buurt.set_index("buurt_code")
    buurten = _buurten(cbs)
    assert sorted(buurt.index) == sorted(buurten.index)
    assert (buurt["pop_total"] == buurten["aantal_inwoners"].reindex(buurt.index)).all()
    assert (buurt["pop_65plus"] == buurten["aantal_personen_65_jaar_en_ouder"].reindex(
        buurt.index)).all()


def test_dwellings_per_wijk_and_buurt_shares(region, cbs):
    homes = region.homes
    wijken = cbs[cbs["soort_regio"] == "Wijk"]
    per_wijk = homes.groupby("WK" + homes["buurt_code"].str[2:8]).size()
    assert per_wijk.to_dict() == wijken["woningvoorraad"].astype(int).to_dict()
    assert len(homes) == 14_801
    buurten = _buurten(cbs)
    for code, group in homes.groupby("buurt_code"):
        n = len(group)
        sf = buurten.loc[code, "percentage_eengezinswoning"]
        own = buurten.loc[code, "percentage_koopwoningen"]
        if math.isnan(sf):  # secret in CBS: the wijk's percentage
            sf = wijken.loc["WK" + code[2:8], "percentage_eengezinswoning"]
            own = wijken.loc["WK" + code[2:8], "percentage_koopwoningen"]
        assert (group["dwelling_type"] == "single_family").sum() == round(n * sf / 100), code
        assert (group["tenure"] == "owner_occupied").sum() == round(n * own / 100), code
    # buurt dwellings follow the households within the wijk
    hh = buurten["aantal_huishoudens"]
    beilen = homes["buurt_code"].value_counts()
    assert beilen["BU17310000"] / 5151 == pytest.approx(hh["BU17310000"] / hh[
        [c for c in hh.index if c.startswith("BU173100")]].sum(), abs=0.001)


def test_corporations_match_published_stock(region):
    social = region.homes[region.homes["tenure"] == "social_rent"]
    assert set(social["owner"]) == {"Actium", "Woonservice"}
    ws = social[social["owner"] == "Woonservice"]
    assert len(ws) == 2139 and (ws["buurt_code"] == "BU17310000").sum() == 1384
    kern = region.areas.set_index("buurt_code")["kerngebied"]
    assert set(kern[social.loc[social["owner"] == "Actium", "buurt_code"]]) == {"Smilde"}
    vh = region.areas.loc[region.areas["buurt_type"] == "verspreide_huizen", "buurt_code"]
    assert not social["buurt_code"].isin(vh).any()
    assert (region.homes.loc[region.homes["lift"], "dwelling_type"] == "multi_family").all()
    assert 0.08 <= region.homes["step_free"].mean() <= 0.25


def test_homes_where_people_live(region):
    homes, areas = region.homes, region.areas.set_index("buurt_code")
    polys = areas.geometry.reindex(homes["buurt_code"]).to_numpy()
    assert shapely.contains(polys, homes.geometry.to_numpy()).all()
    assert not homes.geometry.duplicated().any()
    # village cores: compact, around the village point
    villages = load_villages().set_index("core_buurt")
    beilen = homes[homes["buurt_code"] == "BU17310000"]
    xy = shapely.get_coordinates(beilen.geometry.values)
    centre = villages.loc["BU17310000", ["x_rd", "y_rd"]].to_numpy(dtype=float)
    radius = np.hypot(*(xy - centre).T).max()
    n = len(beilen)
    assert radius < 1.5 * math.sqrt(n / 20 * 1e4 / math.pi)  # 20 dwellings/ha, a disc
    # multi-family homes lie towards the centre
    multi = (beilen["dwelling_type"] == "multi_family").to_numpy()
    dist = np.hypot(*(xy - centre).T)
    assert dist[multi].mean() < 0.7 * dist[~multi].mean()
    # verspreide huizen: ribbons beside the derived roads, never spread over farmland
    roads = _md_homes.road_lines(region.areas, load_villages())
    for code in areas.index[areas["buurt_type"] == "verspreide_huizen"]:
        lines = _md_homes.buurt_roads(areas.geometry[code], roads)
        pts = homes.geometry[homes["buurt_code"] == code].to_numpy()
        assert (shapely.distance(pts, lines) <= 60.5).all(), code


def test_real_care_locations(region):
    fac = region.facilities.set_index("facility_id")
    known = fac[fac["location_basis"] == KNOWN]
    assert fac.loc[["F0001", "F0002"], "capacity"].sum() == 80  # Altingerhof
    assert fac.loc["F0004", "name"] == "'t Derkshoes" and fac.loc["F0004", "capacity"] == 80
    assert fac.loc["F0006", ["name", "capacity", "operator"]].tolist() == [
        "De Wegwijzer", 28.0, "Woonservice"]
    assert set(known["woonplaats"]) == {"Beilen", "Westerbork"}
    core = {"Beilen": "BU17310000", "Westerbork": "BU17310900"}
    areas = region.areas.set_index("buurt_code").geometry
    for fid, row in known.iterrows():
        assert areas[core[row["woonplaats"]]].contains(row.geometry), fid
        assert row["source"]
    care = ("nursing_somatic", "nursing_dementia", "clustered_housing")
    assert (fac.loc[fac["facility_type"].isin(care), "location_basis"] == KNOWN).all()


def test_assumed_facilities_follow_cbs_distances(region):
    fac = region.facilities
    assert set(fac["location_basis"]) == {KNOWN, ASSUMED}
    gp = fac[fac["facility_type"] == "gp"]
    assert set(gp["woonplaats"]) == {"Beilen", "Smilde", "Bovensmilde", "Westerbork", "Assen"}
    inside = gp[gp["woonplaats"] != "Assen"]
    assert inside["capacity"].sum() == pytest.approx(34_085, rel=0.01)
    shops = set(fac.loc[fac["facility_type"] == "supermarket", "woonplaats"])
    assert {"Hooghalen", "Wijster", "Hoogersmilde"} <= shops
    assert not {"Nieuw-Balinge", "Drijber", "Elp"} & shops
    hospitals = fac[fac["facility_type"] == "hospital"]
    outline = shapely.union_all(region.areas.geometry.values)
    assert not shapely.contains(outline, hospitals.geometry.values).any()
    assert fac["facility_id"].is_unique and (fac["source"] != "").all()


def test_metadata_says_what_is_real(region):
    meta = region.metadata
    assert region.is_demo and "woningen gegenereerd" in region.name
    for layer in ("areas", "population", "homes", "facilities", "villages", "reference"):
        assert meta[f"data_status_{layer}"] in STATUSES, layer
        assert meta[f"data_note_{layer}"] and meta[f"source_{layer}"], layer
    assert meta["data_status_areas"] == "real"
    assert meta["data_status_homes"] == "generated"
    assert "Gegenereerd" in meta["data_note_homes"]
    assert "CC BY 4.0" in meta["licence"] and "Kadaster/PDOK" in meta["licence"]


def test_reference_figures():
    ref = reference_figures()
    assert list(ref.columns) == [
        "level", "code", "name", "year", "inhabitants", "pop_0_14", "pop_65plus",
        "households", "dwellings", "share_single_family", "share_owner_occupied",
        "dist_gp_km", "dist_supermarket_km", "source"]
    assert ref["level"].value_counts().to_dict() == {"buurt": 48, "wijk": 17, "gemeente": 1}
    gm = ref[ref["level"] == "gemeente"].iloc[0]
    assert (gm["code"], gm["inhabitants"], gm["pop_65plus"], gm["dwellings"]) == (
        "GM1731", 34092, 8764, 14801)
    assert (gm["dist_gp_km"], gm["dist_supermarket_km"]) == (2.6, 1.7)
    assert gm["share_single_family"] == pytest.approx(88)
    assert ref.loc[ref["level"] == "wijk", "dwellings"].sum() == 14801
    assert ref.loc[ref["level"] == "buurt", "dwellings"].isna().all()
    elp = ref.set_index("code").loc["BU17311009"]
    assert math.isnan(elp["share_owner_occupied"]) and elp["inhabitants"] == 40
    assert (ref["year"] == 2024).all() and ref["source"].str.contains("85984NED").all()


def test_villages_layer(region):
    v = region.villages.set_index("name")
    assert len(v) == 25 and v.loc["Oranje", "kerngebied"] == "Smilde"
    assert v.loc["Beilen", "inhabitants"] == 11665


def test_build_uses_the_same_kerngebieden(region):
    """`geo build` for GM1731 assigns the kerngebieden by the default region's rule."""
    from geo.io._region_areas import midden_drenthe_kerngebieden

    got = midden_drenthe_kerngebieden(region.areas.drop(columns="kerngebied"))
    assert got.tolist() == region.areas["kerngebied"].tolist()
