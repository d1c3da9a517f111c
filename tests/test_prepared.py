"""Reusing a prepared region gives exactly the numbers of a fresh analysis."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from regionkit import X0, Y0, tiny_region

from geo.analysis.gaps import analyse
from geo.analysis.prepared import prepare_region
from geo.analysis.scenario import analyse_scenario, apply_scenario
from geo.datasets import load_demo_region
from geo.errors import ScenarioError
from geo.model.region import validate_region
from geo.model.scenario import scenario_from_dict

SMILDE = {"name": "Nieuwbouw Smilde", "x": 226600.0, "y": 552400.0, "ready": 2028,
          "units": {"step_free": 60, "clustered": 12}}


def _assert_same(a, b):
    for name, layer in a.layers().items():
        pd.testing.assert_frame_equal(pd.DataFrame(layer), pd.DataFrame(b.layers()[name]),
                                      check_exact=False, rtol=1e-12, obj=name)


@pytest.fixture(scope="module")
def demo():
    return load_demo_region()


@pytest.fixture(scope="module")
def scenario():
    return scenario_from_dict({
        "name": "Smilde + sluiting", "year": 2030, "projects": [SMILDE],
        "facility_changes": [{"action": "close", "id": "F0002"},
                             {"action": "open", "facility_type": "gp", "name": "Nieuwe praktijk",
                              "x": 226700.0, "y": 552300.0}]})


def test_scenario_with_prepared_equals_fresh_analysis(demo, scenario):
    prepared = prepare_region(demo)
    fresh = analyse_scenario(demo, scenario)
    for _ in range(2):  # second run takes the nearest distances from the cache
        reused = analyse_scenario(demo, scenario, prepared=prepared)
        _assert_same(fresh, reused)
    assert len(prepared._distances) > 0


def test_prepared_base_analysis_equals_fresh(demo):
    prepared = prepare_region(demo)
    _assert_same(analyse(demo, year=2035), analyse(demo, year=2035, prepared=prepared))


def test_stale_prepared_is_ignored(demo):
    """A prepared object of another region never changes the numbers."""
    tiny = tiny_region()
    wrong = prepare_region(demo)
    _assert_same(analyse(tiny, year=2030), analyse(tiny, year=2030, prepared=wrong))
    # same areas, but homes that are not the base homes followed by new ones
    moved = tiny.homes.copy()
    moved.geometry = moved.geometry.translate(5.0, 0.0)
    changed = dataclasses.replace(tiny, homes=moved)
    prepared = prepare_region(tiny)
    assert not prepared.extends(changed, moved.get_coordinates().to_numpy())
    _assert_same(analyse(changed, year=2030), analyse(changed, year=2030, prepared=prepared))


def test_applied_region_is_valid_and_reuses_the_prepared_base(demo, scenario):
    applied = apply_scenario(demo, scenario)
    validate_region(applied)  # raises on any problem
    xy = applied.homes.get_coordinates().to_numpy()
    assert prepare_region(demo).extends(applied, xy)  # the base structures are reused
    assert len(applied.homes) == len(demo.homes) + 60
    assert applied.homes.iloc[: len(demo.homes)]["home_id"].tolist() == \
        demo.homes["home_id"].tolist()


def test_open_with_generated_id_clash_is_reported():
    tiny = tiny_region()
    scen = scenario_from_dict({
        "name": "Botsing", "year": 2030,
        "projects": [{"name": "P", "x": X0 + 700.0, "y": Y0 + 1700.0, "ready": 2028,
                      "units": {"clustered": 5}}],
        "facility_changes": [{"action": "open", "id": "P1-clustered", "facility_type": "gp",
                              "name": "Praktijk", "x": X0 + 700.0, "y": Y0 + 1700.0}]})
    with pytest.raises(ScenarioError, match="dubbel"):
        apply_scenario(tiny, scen)
