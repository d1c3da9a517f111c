"""The embedded demo region: deterministic, consistent with the public facts."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from geo import vocabulary
from geo.datasets import load_demo_region
from geo.datasets.demo import DEMO_NOTICE, generate_demo_region, load_villages


@pytest.fixture(scope="module")
def demo():
    return generate_demo_region()


def _assert_same(a, b):
    assert_geodataframe_equal(a.areas, b.areas, check_less_precise=False)
    assert_frame_equal(a.population, b.population)
    assert_geodataframe_equal(a.homes, b.homes)
    assert_geodataframe_equal(a.facilities, b.facilities)
    assert_geodataframe_equal(a.villages, b.villages)
    assert a.metadata == b.metadata


def test_generator_is_deterministic(demo):
    _assert_same(demo, generate_demo_region())


def test_other_seed_gives_other_detail(demo):
    other = generate_demo_region(seed=1)
    assert not np.allclose(shapely.get_coordinates(other.homes.geometry.values)[:100],
                           shapely.get_coordinates(demo.homes.geometry.values)[:100])


def test_committed_file_matches_generator(demo):
    """data/ holds exactly what `python -m geo generate-demo` produces."""
    stored = load_demo_region()
    assert_geodataframe_equal(stored.areas, demo.areas, check_dtype=False)
    assert_frame_equal(stored.population, demo.population, check_dtype=False)
    assert_geodataframe_equal(stored.homes, demo.homes, check_dtype=False)
    assert_geodataframe_equal(stored.facilities, demo.facilities, check_dtype=False)
    assert stored.metadata == demo.metadata


def test_village_totals_match_facts(demo):
    facts = load_villages().set_index("village")["inhabitants"]
    pop = demo.population.set_index("buurt_code")[vocabulary.band_columns()].sum(axis=1)
    assert pop.sum() == facts.sum()
    villages = demo.villages.set_index("name")
    homes_per_village = demo.homes.groupby("woonplaats").size()
    for name, inhabitants in facts.items():
        core_share = villages.loc[name, "core_share"]
        core_code = villages.loc[name, "core_buurt"]
        # core population of the village's core buurt(en) (split villages share a prefix)
        if name in ("Smilde", "Bovensmilde", "Hoogersmilde", "Beilen"):
            codes = demo.areas.loc[(demo.areas["buurt_type"] == "kern")
                                   & (demo.areas["buurt_code"].str[:8] == core_code[:8])
                                   & demo.areas["buurt_name"].str.startswith(name),
                                   "buurt_code"]
            core = pop[codes].sum()
        else:
            core = pop[core_code]
        assert core == pytest.approx(inhabitants * core_share, abs=1)
        # homes ≈ inhabitants / 2.1 (within rounding of the parts)
        assert homes_per_village[name] == pytest.approx(inhabitants / 2.1, rel=0.01, abs=3)
    # every wijk's buurten hold exactly its villages' inhabitants
    wijk_pop = pop.groupby(pop.index.str[:8]).sum()
    wijk_facts = facts.groupby(load_villages().set_index("village")["core_buurt"].str[:8]).sum()
    assert wijk_pop.to_dict() == wijk_facts.to_dict()


def test_every_home_inside_its_buurt(demo):
    areas = demo.areas.set_index("buurt_code")
    polys = areas.geometry.reindex(demo.homes["buurt_code"]).to_numpy()
    assert shapely.contains(polys, demo.homes.geometry.to_numpy()).all()


def test_structure_resembles_cbs(demo):
    codes = set(demo.areas["buurt_code"])
    for code in ("BU17310600", "BU17310601", "BU17310602", "BU17310609",  # Smilde
                 "BU17310700", "BU17310701", "BU17310702",  # Bovensmilde
                 "BU17310800", "BU17310801", "BU17310802"):  # Hoogersmilde
        assert code in codes
    # one "verspreide huizen" buurt per wijk, code ww09
    vh = demo.areas[demo.areas["buurt_type"] == "verspreide_huizen"]
    assert vh["buurt_code"].str.endswith("09").all()
    assert sorted(vh["wijk_code"]) == sorted(demo.areas["wijk_code"].unique())
    assert set(demo.areas["kerngebied"]) == {"Beilen", "Smilde", "Westerbork"}
    assert demo.areas.geometry.is_valid.all()
    # buurten tile the outline: no overlaps, total area = municipality (345.87 km²)
    assert demo.areas.area.sum() / 1e6 == pytest.approx(345.87, rel=0.001)
    union = shapely.union_all(demo.areas.geometry.values)
    assert union.area == pytest.approx(demo.areas.area.sum(), rel=1e-6)


def test_age_structure_plausible(demo):
    pop = demo.population.set_index("buurt_code")
    bands = vocabulary.band_columns()
    old = pop[vocabulary.band_columns(vocabulary.AGE_GROUPS["65+"])].sum(axis=1)
    share = old / pop[bands].sum(axis=1)
    assert 0.23 <= old.sum() / pop[bands].to_numpy().sum() <= 0.27  # Drenthe 24.5 %
    small = demo.villages.loc[demo.villages["inhabitants"] < 300, "core_buurt"]
    assert share[small].mean() > share[["BU17310004", "BU17310005"]].mean()


def test_homes_plausible(demo):
    homes = demo.homes
    assert 15_500 <= len(homes) <= 17_500  # ≈ 17,000 in the municipality (2021)
    assert 0.10 <= homes["step_free"].mean() <= 0.25
    social = homes[homes["tenure"] == "social_rent"]
    assert 0.15 <= len(social) / len(homes) <= 0.35
    assert set(social["owner"]) == {"Actium", "Woonservice"}
    assert (homes.loc[homes["lift"], "dwelling_type"] == "multi_family").all()
    assert homes["home_id"].is_unique


def test_facilities_where_plausible(demo):
    fac = demo.facilities
    assert set(vocabulary.FACILITY_TYPES) <= set(fac["facility_type"])
    gp_places = set(fac.loc[fac["facility_type"] == "gp", "woonplaats"])
    assert {"Beilen", "Westerbork", "Smilde", "Assen"} <= gp_places
    assert "Zuidveld" not in set(fac["woonplaats"])
    hospitals = fac[fac["facility_type"] == "hospital"]
    assert set(hospitals["woonplaats"]) == {"Assen", "Hoogeveen"}
    outline = shapely.union_all(demo.areas.geometry.values)
    assert not shapely.contains(outline, hospitals.geometry.values).any()
    wegwijzer = fac[fac["name"] == "De Wegwijzer"].iloc[0]
    assert wegwijzer["capacity"] == 28 and wegwijzer["operator"] == "Woonservice"


def test_demo_flag_and_notice(demo):
    assert demo.is_demo
    assert demo.metadata["notice"] == DEMO_NOTICE
    assert "Demodata" in DEMO_NOTICE
    for layer in ("areas", "population", "homes", "facilities", "villages"):
        assert demo.source(layer) != "bron onbekend"
