"""Scenarios on the tiny synthetic region (known answers) and on the embedded demo."""

from __future__ import annotations

import copy
import dataclasses
import re

import pandas as pd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from regionkit import X0, Y0, tiny_region

import geo.analysis.scenario as scenario_module
import geo.model.scenario_text as scenario_text
from geo.analysis.gaps import analyse
from geo.analysis.scenario import analyse_scenario, apply_scenario, compare
from geo.datasets import load_demo_region
from geo.errors import ScenarioError
from geo.io.scenario_toml import load_scenario, save_scenario
from geo.model.scenario import (
    FacilityChange,
    Project,
    Scenario,
    scenario_from_dict,
    without_changes,
)
from geo.model.scenario_checks import validate_scenario
from geo.model.scenario_text import dumps_scenario, loads_scenario
from geo.reporting.output import write_result

YEAR = 2030
ALFA, BRAVO, CHARLIE = "BU99990000", "BU99990001", "BU99990100"
# a point in Alfa (x 0–1000, y 1000–2000), away from the existing homes
ALFA_XY = (X0 + 700.0, Y0 + 1700.0)


@pytest.fixture(scope="module")
def region():
    return tiny_region()


@pytest.fixture(scope="module")
def base(region):
    return analyse(region, year=YEAR)


def _scenario(projects=(), changes=(), **kw):
    data = {"name": "Test", "year": YEAR, "projects": list(projects),
            "facility_changes": list(changes), **kw}
    return scenario_from_dict(data)


def _project(units, ready=2028, **kw):
    return {"name": "Nieuwbouw Alfa", "x": ALFA_XY[0], "y": ALFA_XY[1], "ready": ready,
            "units": units, **kw}


def _buurt(result):
    return result.buurt.set_index("buurt_code")


def _kerngebied(result):
    return result.kerngebied.set_index("kerngebied")


# --------------------------------------------------------------------------- known answers

def test_ready_step_free_project_lowers_shortage_by_exactly_60(region, base):
    res = analyse_scenario(region, _scenario([_project({"step_free": 60})]))
    b, s = _buurt(base), _buurt(res)
    assert b.loc[ALFA, "demand_step_free"] > b.loc[ALFA, "supply_step_free"]  # a real gap
    assert s.loc[ALFA, "shortage_step_free"] == pytest.approx(
        b.loc[ALFA, "shortage_step_free"] - 60)
    assert s.loc[ALFA, "supply_step_free"] == pytest.approx(b.loc[ALFA, "supply_step_free"] + 60)
    assert _kerngebied(res).loc["Noord", "shortage_step_free"] == pytest.approx(
        _kerngebied(base).loc["Noord", "shortage_step_free"] - 60)
    assert res.gemeente["shortage_step_free"].iloc[0] == pytest.approx(
        base.gemeente["shortage_step_free"].iloc[0] - 60)
    for product in ("step_free", "clustered", "nursing_somatic", "nursing_dementia"):
        pd.testing.assert_series_equal(s[f"demand_{product}"], b[f"demand_{product}"])
    for code in (BRAVO, CHARLIE):
        assert s.loc[code, "shortage_step_free"] == pytest.approx(
            b.loc[code, "shortage_step_free"])
    assert s.loc[ALFA, "homes_total"] == b.loc[ALFA, "homes_total"] + 60


def test_new_homes_have_documented_attributes(region):
    applied = apply_scenario(region, _scenario([_project({"step_free": 3}, owner="Actium")]))
    new = applied.homes[applied.homes["home_id"].astype(str).str.startswith("P")]
    assert list(new["home_id"]) == ["P1-1", "P1-2", "P1-3"]
    row = new.iloc[0]
    assert (row["dwelling_type"], bool(row["step_free"]), bool(row["lift"]),
            row["floor_area"], row["construction_year"], row["tenure"], row["owner"],
            row["buurt_code"]) == ("multi_family", True, True, 70.0, 2028, "social_rent",
                                   "Actium", ALFA)
    assert len(applied.homes) == len(region.homes) + 3
    assert applied.metadata["scenario_name"] == "Test"
    assert loads_scenario(applied.metadata["scenario_toml"]).name == "Test"


def test_default_owner_is_onbekend(region):
    applied = apply_scenario(region, _scenario([_project({"step_free": 1})]))
    assert applied.homes["owner"].iloc[-1] == "onbekend"


def test_project_not_ready_changes_nothing(region, base):
    res = analyse_scenario(region, _scenario([_project({"step_free": 60, "clustered": 10},
                                                       ready=YEAR + 1)]))
    pd.testing.assert_frame_equal(res.buurt, base.buurt)
    pd.testing.assert_frame_equal(res.kerngebied, base.kerngebied)
    pd.testing.assert_frame_equal(res.grid, base.grid)


def test_project_ready_in_the_scenario_year_counts(region, base):
    res = analyse_scenario(region, _scenario([_project({"step_free": 5}, ready=YEAR)]))
    assert _buurt(res).loc[ALFA, "supply_step_free"] == pytest.approx(
        _buurt(base).loc[ALFA, "supply_step_free"] + 5)


@pytest.mark.parametrize(("product", "ftype"), [("clustered", "clustered_housing"),
                                                 ("nursing_somatic", "nursing_somatic"),
                                                 ("nursing_dementia", "nursing_dementia")])
def test_care_units_add_exactly_that_capacity(region, base, product, ftype):
    scen = _scenario([_project({product: 12})])
    res = analyse_scenario(region, scen)
    b, s = _buurt(base), _buurt(res)
    assert s.loc[ALFA, f"supply_{product}"] == pytest.approx(b.loc[ALFA, f"supply_{product}"] + 12)
    assert s.loc[ALFA, f"shortage_{product}"] == pytest.approx(
        b.loc[ALFA, f"shortage_{product}"] - 12)
    assert s.loc[ALFA, "supply_step_free"] == b.loc[ALFA, "supply_step_free"]
    fac = apply_scenario(region, scen).facilities.set_index("facility_id")
    assert fac.loc[f"P1-{product}", "facility_type"] == ftype
    assert fac.loc[f"P1-{product}", "name"] == "Nieuwbouw Alfa"
    assert fac.loc[f"P1-{product}", "capacity"] == 12.0


def test_close_open_and_capacity(region, base):
    changes = [
        {"action": "close", "id": "F3"},                       # clustered 30 in Alfa
        {"action": "capacity", "id": "F4", "capacity": 25.0},  # somatic 10 → 25 in Bravo
        {"action": "open", "facility_type": "nursing_dementia", "name": "PG Charlie",
         "operator": "Zorg", "capacity": 20.0, "x": X0 + 500.0, "y": Y0 + 400.0},
        {"action": "close", "id": "F1"},                       # the only supermarket
    ]
    res = analyse_scenario(region, _scenario(changes=changes))
    b, s = _buurt(base), _buurt(res)
    assert s.loc[ALFA, "supply_clustered"] == pytest.approx(b.loc[ALFA, "supply_clustered"] - 30)
    assert s.loc[BRAVO, "supply_nursing_somatic"] == pytest.approx(25.0)
    assert s.loc[CHARLIE, "supply_nursing_dementia"] == pytest.approx(20.0)
    assert res.buurt["cov75_supermarket"].sum() == 0
    assert b.loc[ALFA, "cov75_supermarket"] > 0
    fac = apply_scenario(region, _scenario(changes=changes)).facilities
    assert set(fac["facility_id"]) == {"F2", "F4", "F5", "F6", "S3"}
    opened = fac.set_index("facility_id").loc["S3"]
    assert (opened["facility_type"], opened["name"], opened["operator"]) == (
        "nursing_dementia", "PG Charlie", "Zorg")


def test_open_with_id_then_change_its_capacity(region):
    changes = [
        {"action": "open", "id": "NIEUW", "facility_type": "day_care", "name": "Dagbesteding",
         "x": X0 + 500.0, "y": Y0 + 400.0},
        {"action": "capacity", "id": "NIEUW", "capacity": 15.0},
    ]
    fac = apply_scenario(region, _scenario(changes=changes)).facilities.set_index(
        "facility_id")
    assert fac.loc["NIEUW", "capacity"] == 15.0


def test_facility_changes_apply_from_their_year(region, base):
    changes = [
        {"action": "close", "id": "F3", "from_year": 2031},     # clustered 30 in Alfa
        {"action": "open", "id": "PG", "facility_type": "nursing_dementia", "name": "PG Charlie",
         "capacity": 20.0, "x": X0 + 500.0, "y": Y0 + 400.0, "from_year": 2029},
        {"action": "capacity", "id": "PG", "capacity": 35.0, "from_year": 2032},
    ]
    before = _buurt(analyse_scenario(region, _scenario(changes=changes, year=2028)))
    pd.testing.assert_frame_equal(before, _buurt(analyse(region, year=2028)))
    mid = _buurt(analyse_scenario(region, _scenario(changes=changes, year=2030)))
    b = _buurt(base)
    assert mid.loc[ALFA, "supply_clustered"] == b.loc[ALFA, "supply_clustered"]
    assert mid.loc[CHARLIE, "supply_nursing_dementia"] == pytest.approx(20.0)
    late = _buurt(analyse_scenario(region, _scenario(changes=changes, year=2032)))
    assert late.loc[ALFA, "supply_clustered"] == pytest.approx(
        _buurt(analyse(region, year=2032)).loc[ALFA, "supply_clustered"] - 30)
    assert late.loc[CHARLIE, "supply_nursing_dementia"] == pytest.approx(35.0)
    text = dumps_scenario(_scenario(changes=changes))
    assert "from_year = 2031" in text
    assert loads_scenario(text) == _scenario(changes=changes)


def test_from_year_must_be_a_year(region):
    with pytest.raises(ScenarioError, match="from_year"):
        _scenario(changes=[{"action": "close", "id": "F3", "from_year": "volgend jaar"}])


def test_new_facility_may_lie_just_outside(region):
    changes = [{"action": "open", "facility_type": "gp", "name": "Huisarts buurgemeente",
                "capacity": 2000.0, "x": X0 + 9000.0, "y": Y0 + 1000.0}]  # 7 km outside
    fac = apply_scenario(region, _scenario(changes=changes)).facilities
    assert len(fac) == len(region.facilities) + 1


def test_lon_lat_lands_in_the_same_buurt(region):
    to_wgs = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(*ALFA_XY)
    rd = apply_scenario(region, _scenario([_project({"step_free": 2})]))
    project = _project({"step_free": 2})
    del project["x"], project["y"]
    ll = apply_scenario(region, _scenario([{**project, "lon": lon, "lat": lat}]))
    new_rd, new_ll = rd.homes.iloc[-2:], ll.homes.iloc[-2:]
    assert list(new_ll["buurt_code"]) == list(new_rd["buurt_code"]) == [ALFA, ALFA]
    assert shapely.distance(new_ll.geometry.iloc[0], new_rd.geometry.iloc[0]) < 0.01


def test_inputs_are_not_mutated(region):
    before = copy.deepcopy(region)
    data = {"name": "Test", "year": YEAR, "projects": [_project({"step_free": 60,
                                                                 "clustered": 5})],
            "facility_changes": [{"action": "close", "id": "F3"},
                                 {"action": "capacity", "id": "F4", "capacity": 1.0}]}
    data_before = copy.deepcopy(data)
    scen = scenario_from_dict(data)
    analyse_scenario(region, scen)
    assert data == data_before
    for layer in ("areas", "population", "homes", "facilities"):
        pd.testing.assert_frame_equal(getattr(region, layer), getattr(before, layer))
    assert region.metadata == before.metadata
    with pytest.raises(dataclasses.FrozenInstanceError):
        scen.year = 2040  # type: ignore[misc]
    with pytest.raises(TypeError):
        scen.projects[0].units["step_free"] = 1  # type: ignore[index]
    data["projects"][0]["units"]["step_free"] = 1  # later edits of the input do not leak
    assert scen.projects[0].units["step_free"] == 60


def test_analyse_scenario_records_the_scenario(region, tmp_path):
    scen = _scenario([_project({"step_free": 60})])
    res = analyse_scenario(region, scen)
    assert res.assumptions["scenario_name"] == "Test"
    assert loads_scenario(res.assumptions["scenario_toml"]) == scen
    assert "scenario_overrides" not in res.assumptions
    out = write_result(res, tmp_path / "s.gpkg")
    prov = pyogrio.read_dataframe(out, layer="provenance").set_index("key")["value"]
    assert prov["scenario_name"] == "Test"
    assert loads_scenario(prov["scenario_toml"]) == scen


def test_analyse_scenario_uses_its_year_norms_and_prognosis(region):
    scen = _scenario(year=2035, prognosis="groei", norms={"preset": "eigen_beleid"})
    res = analyse_scenario(region, scen)
    assert (res.year, res.norms.key, res.prognosis.name) == (2035, "eigen_beleid", "groei")
    ref = analyse(region, year=2035, norms="eigen_beleid", prognosis="groei")
    pd.testing.assert_frame_equal(res.buurt, ref.buurt)


def test_year_override_decides_readiness(region, base):
    scen = _scenario([_project({"step_free": 60}, ready=2031)])
    res = analyse_scenario(region, scen, year=2031)
    assert res.year == 2031
    assert "year=2031" in res.assumptions["scenario_overrides"]
    ref = analyse(region, year=2031)
    assert _buurt(res).loc[ALFA, "supply_step_free"] == pytest.approx(
        _buurt(ref).loc[ALFA, "supply_step_free"] + 60)


def test_compare_shape_and_differences(region, base):
    plan = analyse_scenario(region, _scenario([_project({"step_free": 60, "clustered": 8})]))
    table = compare({"basis": base, "plan": plan})
    assert list(table.columns) == ["gebied", "kengetal", "omschrijving", "basis", "plan",
                                   "verschil plan"]
    assert list(dict.fromkeys(table["gebied"])) == ["Noord", "Zuid", "Gemeente"]
    assert len(table) == 3 * len(scenario_module.COMPARE_METRICS)
    row = table.set_index(["gebied", "kengetal"])
    assert row.loc[("Noord", "shortage_step_free"), "verschil plan"] == pytest.approx(-60)
    assert row.loc[("Gemeente", "shortage_clustered"), "verschil plan"] == pytest.approx(-8)
    assert row.loc[("Zuid", "shortage_step_free"), "verschil plan"] == pytest.approx(0)
    assert row.loc[("Gemeente", "pop_75plus"), "basis"] == pytest.approx(
        base.gemeente["pop_75plus"].iloc[0])
    with pytest.raises(ScenarioError):
        compare({})


def test_without_changes_keeps_settings():
    scen = _scenario([_project({"step_free": 1})], prognosis="groei")
    ref = without_changes(scen)
    assert (ref.year, ref.prognosis, ref.projects, ref.facility_changes) == (
        YEAR, "groei", (), ())


# --------------------------------------------------------------------------- validation

def _xy_to_ll(project):
    project = dict(project)
    project["lon"], project["lat"] = 6.5, 52.9
    return project


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "'name' ontbreekt"),
        ({"year": 2041}, "buiten het bereik 2024–2040"),
        ({"year": 2023}, "buiten het bereik 2024–2040"),
        ({"prognosis": "fantasie"}, "prognose"),
        ({"norms": {"preset": "fantasie"}}, "normen: onbekende normset"),
        ({"projects": [_project({"stepfree": 60})]},
         "onbekend product 'stepfree'. Bedoelt u 'step_free'?"),
        ({"projects": [_project({"step_free": -5})]}, "mag niet negatief"),
        ({"projects": [_project({"step_free": 2.5})]}, "geheel getal"),
        ({"projects": [_project({})]}, "geen eenheden"),
        ({"projects": [{**_project({"step_free": 1}), "name": ""}]},
         "project 1: 'name' ontbreekt"),
        ({"projects": [_project({"step_free": 1}, x=X0 + 5000.0)]},
         "ligt buiten de buurten"),
        ({"projects": [_xy_to_ll(_project({"step_free": 1}))]}, "niet allebei"),
        ({"projects": [{"name": "Zonder plek", "ready": 2028, "units": {"step_free": 1}}]},
         "locatie ontbreekt"),
        ({"projects": [{"name": "Half", "x": ALFA_XY[0], "ready": 2028,
                        "units": {"step_free": 1}}]}, "geef zowel x als y"),
        ({"facility_changes": [{"action": "close", "id": "F99"}]},
         "onbekende voorziening 'F99'"),
        ({"facility_changes": [{"action": "close", "id": "F1"},
                               {"action": "close", "id": "F1"}]}, "al gesloten"),
        ({"facility_changes": [{"action": "capacity", "id": "F99", "capacity": 3.0}]},
         "onbekende voorziening 'F99'"),
        ({"facility_changes": [{"action": "capacity", "id": "F4", "capacity": -1.0}]},
         "mag niet negatief"),
        ({"facility_changes": [{"action": "capacity", "id": "F4"}]}, "'capacity' ontbreekt"),
        ({"facility_changes": [{"action": "close", "id": "F1", "capacity": 3.0}]},
         "horen niet bij action = \"close\""),
        ({"facility_changes": [{"action": "sluiten", "id": "F1"}]}, "onbekende actie"),
        ({"facility_changes": [{"action": "open", "facility_type": "dagbesteding", "name": "D",
                                "x": X0, "y": Y0}]}, "onbekend voorzieningstype"),
        ({"facility_changes": [{"action": "open", "facility_type": "day_care", "x": X0, "y": Y0}]},
         "'name' van de nieuwe voorziening ontbreekt"),
        ({"facility_changes": [{"action": "open", "facility_type": "day_care", "name": "D",
                                "capacity": -2.0, "x": X0, "y": Y0}]}, "mag niet negatief"),
        ({"facility_changes": [{"action": "open", "facility_type": "day_care", "name": "D",
                                "x": X0 + 20_000.0, "y": Y0}]}, "meer dan 10 km"),
        ({"facility_changes": [{"action": "open", "id": "F2", "facility_type": "day_care",
                                "name": "D", "x": X0, "y": Y0}]}, "id 'F2' bestaat al"),
    ],
)
def test_validation_errors(region, kwargs, message):
    data = {"name": "Test", "year": YEAR, **kwargs}
    scen = scenario_from_dict(data)
    with pytest.raises(ScenarioError, match=re.escape(message)):
        validate_scenario(scen, region)
    with pytest.raises(ScenarioError):  # apply validates too
        apply_scenario(region, scen)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "T", "yaer": 2030}, "onbekende sleutel 'yaer'. Bedoelt u 'year'?"),
        ({"name": "T"}, "'year'"),
        ({"name": "T", "year": "2030"}, "'year' moet een geheel getal zijn"),
        ({"name": "T", "year": 2030, "projects": [{"name": "P", "x": 1.0, "y": 2.0,
                                                   "ready": 2028, "unit": {}}]},
         "project 1 ('P'): onbekende sleutel 'unit'. Bedoelt u 'units'?"),
        ({"name": "T", "year": 2030, "projects": [{"name": "P", "x": 1.0, "y": 2.0,
                                                   "units": {}}]}, "'ready'"),
        ({"name": "T", "year": 2030, "projects": [{"name": "P", "x": "226600", "y": 2.0,
                                                   "ready": 2028}]}, "'x' moet een getal"),
        ({"name": "T", "year": 2030, "facility_changes": [
            {"action": "capacity", "id": "F1", "capacty": 3.0}]},
         "voorzieningswijziging 1: onbekende sleutel 'capacty'. Bedoelt u 'capacity'?"),
        ({"name": "T", "year": 2030, "facility_changes": [{"id": "F1"}]},
         "'action' ontbreekt"),
        ({"name": "T", "year": 2030, "projects": {"name": "P"}}, "lijst van tabellen"),
    ],
)
def test_structural_errors(data, message):
    with pytest.raises(ScenarioError, match=re.escape(message)):
        scenario_from_dict(data)


def test_all_problems_reported_together(region):
    scen = _scenario([_project({"stepfree": 1})],
                     [{"action": "close", "id": "F99"}], year=2050)
    with pytest.raises(ScenarioError) as info:
        validate_scenario(scen, region)
    assert len(info.value.problems) == 3
    assert "3 problemen" in str(info.value)


def test_invalid_toml_and_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="geen geldige TOML"):
        loads_scenario('name = "x"\nyear = \n')
    with pytest.raises(ScenarioError, match="bestaat niet"):
        load_scenario(tmp_path / "nergens.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nyear = 2030\nprojekts = []\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="scenariobestand 'bad.toml': scenario: onbekende"):
        load_scenario(bad)


# --------------------------------------------------------------------------- TOML round trip

FULL = {
    "name": "60 nultredenwoningen Smilde 2028",
    "description": "Nieuwbouw en sluiting.\nTweede regel met \"aanhalingstekens\" en é.",
    "year": 2030,
    "prognosis": {"name": "eigen", "birth_rate_per_1000": 8.0,
                  "survival": {"0_14": 0.9998, "15_24": 0.9997, "25_44": 0.9993,
                               "45_64": 0.996, "65_74": 0.985, "75_84": 0.95,
                               "85_plus": 0.84},
                  "migration_rate": {"25_44": 0.005}},
    "norms": {"preset": "eigen_beleid", "demand": {"clustered": {"75+": 160}},
              "walking": {"supermarket": 600.0},
              "access": {"gp": {"steps": [[1500.0, 1.0], [5000.0, 0.5]]}}},
    "projects": [
        {"name": "Nieuwbouw Smilde-Centrum", "x": 226600.0, "y": 552400, "ready": 2028,
         "owner": "Actium", "units": {"step_free": 60, "clustered": 12.5}},
        {"name": "Hofje", "description": "WGS84", "lon": 6.45, "lat": 52.95, "ready": 2031,
         "units": {"nursing_dementia": 24}},
    ],
    "facility_changes": [
        {"action": "close", "id": "F0005"},
        {"action": "open", "id": "N1", "facility_type": "day_care",
         "name": "Dagbesteding Hooghalen", "operator": "", "capacity": 20.0, "x": 232100.0,
         "y": 547300.0},
        {"action": "open", "facility_type": "gp", "name": "Huisarts", "lon": 6.5, "lat": 52.9},
        {"action": "capacity", "id": "F0004", "capacity": 40},
    ],
}


def test_toml_round_trip_is_exact(tmp_path):
    scen = scenario_from_dict(FULL)
    assert scen.to_dict() == FULL
    text = dumps_scenario(scen)
    assert loads_scenario(text) == scen
    assert dumps_scenario(loads_scenario(text)) == text
    assert scenario_from_dict(scen.to_dict()) == scen
    path = save_scenario(scen, tmp_path / "s.toml")
    assert path.read_text(encoding="utf-8") == text
    assert load_scenario(path) == scen
    assert list(tmp_path.iterdir()) == [path]  # no temporary files left
    assert "[[projects]]" in text and "units = { step_free = 60, clustered = 12.5 }" in text
    # the types survive: ints stay ints, floats floats
    again = load_scenario(path)
    assert isinstance(again.projects[0].y, int) and isinstance(again.projects[0].x, float)


def test_round_trip_of_dataclass_built_scenario():
    scen = Scenario(name="Los", year=2035, prognosis="vergrijzing_plus",
                    projects=(Project("P", 2030, {"step_free": 10}, lon=6.4, lat=52.9),),
                    facility_changes=(FacilityChange("close", id="F1"),))
    assert loads_scenario(dumps_scenario(scen)) == scen


def test_save_scenario_into_missing_folder(tmp_path):
    with pytest.raises(ScenarioError, match="kan niet schrijven"):
        save_scenario(scenario_from_dict({"name": "x", "year": 2030}),
                      tmp_path / "nope" / "s.toml")


# --------------------------------------------------------------------------- demo region

@pytest.fixture(scope="module")
def demo():
    return load_demo_region()


def test_module_docstring_example_is_valid_on_the_demo(demo):
    doc = scenario_text.__doc__
    block = doc.split("File format", 1)[1].split("::\n", 1)[1].split("\nMeaning of", 1)[0]
    text = "\n".join(line[4:] for line in block.splitlines())
    scen = loads_scenario(text)
    validate_scenario(scen, demo)
    assert scen.projects[0].units["step_free"] == 60


def test_demo_smilde_project_and_closure(demo):
    smilde_centrum = "BU17310600"
    x, y = 226600.0, 552400.0
    assert demo.areas.set_index("buurt_code").loc[smilde_centrum].geometry.contains(
        shapely.Point(x, y))
    scen = scenario_from_dict({
        "name": "60 nultredenwoningen Smilde", "year": 2030,
        "projects": [{"name": "Nieuwbouw Smilde", "x": x, "y": y, "ready": 2028,
                      "units": {"step_free": 60}}],
        "facility_changes": [{"action": "close", "id": "F0002"}],  # Altingerhof somatisch, 40
    })
    base = analyse(demo, year=2030)
    res = analyse_scenario(demo, scen)
    b, s = _buurt(base), _buurt(res)
    assert s.loc[smilde_centrum, "shortage_step_free"] == pytest.approx(
        b.loc[smilde_centrum, "shortage_step_free"] - 60)
    pd.testing.assert_series_equal(s["demand_step_free"], b["demand_step_free"])
    assert _kerngebied(res).loc["Smilde", "shortage_step_free"] == pytest.approx(
        _kerngebied(base).loc["Smilde", "shortage_step_free"] - 60)
    assert _kerngebied(res).loc["Beilen", "supply_nursing_somatic"] == pytest.approx(
        _kerngebied(base).loc["Beilen", "supply_nursing_somatic"] - 40)
    assert _kerngebied(res).loc["Westerbork", "shortage_step_free"] == pytest.approx(
        _kerngebied(base).loc["Westerbork", "shortage_step_free"])
    table = compare({"basis": base, "plan": res}).set_index(["gebied", "kengetal"])
    assert table.loc[("Smilde", "shortage_step_free"), "verschil plan"] == pytest.approx(-60)
    assert table.loc[("Beilen", "shortage_nursing_somatic"), "verschil plan"] == pytest.approx(
        40)


def test_opened_then_closed_facility_is_removed_with_its_point(demo):
    scen = scenario_from_dict({"name": "x", "year": 2030, "facility_changes": [
        {"action": "open", "facility_type": "gp", "name": "A", "x": 236200.0, "y": 542200.0,
         "id": "A"},
        {"action": "open", "facility_type": "gp", "name": "B", "x": 236300.0, "y": 542300.0,
         "id": "B"},
        {"action": "close", "id": "A"}]})
    fac = apply_scenario(demo, scen).facilities.set_index("facility_id")
    assert "A" not in fac.index
    assert (fac.loc["B"].geometry.x, fac.loc["B"].geometry.y) == (236300.0, 542300.0)
