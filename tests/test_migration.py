"""Files written before the renames still load: region packages and scenario files.

The facilities' column ``type`` is now ``facility_type`` (a GeoDataFrame column named
``type`` is shadowed by ``GeoDataFrame.type``), and so is an ``open`` facility change's key.
Old files are migrated on read, with one Dutch notice for the caller to show.
"""

from __future__ import annotations

import dataclasses

import pytest
from regionkit import X0, Y0, tiny_region

from geo.analysis.gaps import analyse
from geo.analysis.scenario import analyse_scenario
from geo.cli import main
from geo.errors import ScenarioError
from geo.io.region_package import load_region, write_region
from geo.io.scenario_toml import load_scenario, save_scenario
from geo.model.scenario import scenario_from_dict
from geo.model.scenario_text import dumps_scenario, loads_scenario

OLD_SCENARIO = f"""\
name = "Oud scenario"
year = 2030

[[facility_changes]]
action = "open"
type = "nursing_dementia"
name = "PG Charlie"
capacity = 20.0
x = {X0 + 500.0}
y = {Y0 + 400.0}

[[facility_changes]]
action = "open"
type = "day_care"
name = "Dagbesteding"
x = {X0 + 600.0}
y = {Y0 + 400.0}
"""


def _old_package(path):
    """A region package as the previous version wrote it: facilities with ``type``."""
    region = tiny_region()
    old = dataclasses.replace(
        region, facilities=region.facilities.rename(columns={"facility_type": "type"}))
    return write_region(old, path)


def test_old_region_package_loads_with_facility_type_and_one_notice(tmp_path):
    old = load_region(_old_package(tmp_path / "oud.gpkg"))
    new = load_region(write_region(tiny_region(), tmp_path / "nieuw.gpkg"))
    assert "facility_type" in old.facilities.columns and "type" not in old.facilities.columns
    assert list(old.facilities.columns) == list(new.facilities.columns)
    assert old.facilities.drop(columns="geometry").equals(new.facilities.drop(columns="geometry"))
    assert len(old.notices) == 1
    assert "oud.gpkg" in old.notices[0] and "'facility_type'" in old.notices[0]
    assert new.notices == ()
    # the numbers are those of the same region written today
    a, b = analyse(old, year=2030), analyse(new, year=2030)
    assert a.buurt.drop(columns="geometry").equals(b.buurt.drop(columns="geometry"))


def test_rewriting_a_migrated_package_writes_the_new_name(tmp_path):
    migrated = load_region(_old_package(tmp_path / "oud.gpkg"))
    again = load_region(write_region(migrated, tmp_path / "opnieuw.gpkg"))
    assert again.notices == ()
    assert "facility_type" in again.facilities.columns


def test_old_scenario_file_with_type_loads_and_writes_facility_type(tmp_path):
    path = tmp_path / "oud.toml"
    path.write_text(OLD_SCENARIO, encoding="utf-8")
    scenario = load_scenario(path)
    opened = [c for c in scenario.facility_changes if c.action == "open"]
    assert [c.facility_type for c in opened] == ["nursing_dementia", "day_care"]
    assert len(scenario.notices) == 1  # one notice, however many changes were renamed
    assert "'facility_type'" in scenario.notices[0] and "Oud scenario" in scenario.notices[0]
    text = dumps_scenario(scenario)
    assert 'facility_type = "day_care"' in text and "\ntype =" not in text
    again = load_scenario(save_scenario(scenario, tmp_path / "nieuw.toml"))
    assert again == scenario and again.notices == ()
    # the old and the new spelling give the same analysis
    region = tiny_region()
    old_result = analyse_scenario(region, scenario)
    new_result = analyse_scenario(region, loads_scenario(text))
    assert old_result.buurt.drop(columns="geometry").equals(
        new_result.buurt.drop(columns="geometry"))


def test_scenario_with_both_keys_is_an_error():
    with pytest.raises(ScenarioError, match="'type' en 'facility_type' staan er allebei"):
        scenario_from_dict({"name": "X", "year": 2030, "facility_changes": [
            {"action": "open", "type": "gp", "facility_type": "gp", "name": "A",
             "x": X0, "y": Y0}]})


def test_current_scenario_has_no_notice():
    scenario = scenario_from_dict({"name": "X", "year": 2030, "facility_changes": [
        {"action": "open", "facility_type": "gp", "name": "A", "x": X0, "y": Y0}]})
    assert scenario.notices == ()


def test_cli_shows_the_notices_on_stderr(tmp_path, capsys):
    region = _old_package(tmp_path / "oud.gpkg")
    scenario = tmp_path / "oud.toml"
    scenario.write_text(OLD_SCENARIO, encoding="utf-8")
    assert main(["analyse", "--region", str(region), "--scenario", str(scenario),
                 "--out", str(tmp_path / "uit.gpkg")]) == 0
    err = capsys.readouterr().err
    assert err.count("Let op:") == 2
    assert "Regiopakket 'oud.gpkg'" in err and "Scenario 'Oud scenario'" in err
