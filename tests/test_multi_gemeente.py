"""Regions of several municipalities: levels add up, own norms, borders, exports, handout.

The fixture is :func:`regionkit.two_gemeente_region`: the tiny region (GM9999) and a
neighbouring municipality GM9998 east of it, built in code.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyogrio
import pytest
import regionkit

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.analysis.prepared import prepare_region
from geo.analysis.prognosis import project_by_gemeente, project_population, project_series
from geo.analysis.scenario import analyse_scenario, apply_scenario, compare
from geo.errors import AnalysisError, ExportError, NormsError
from geo.model.norms import resolve_norms
from geo.model.prognosis import PrognosisSettings, get_variant
from geo.model.region import Region
from geo.model.scenario import scenario_from_dict
from geo.reporting.export import LAYERS, ExportSelection, select_layer, write_export

A, B = "GM9999", regionkit.SECOND[0]
SUMMED = [*vocabulary.band_columns(), "pop_total", "pop_65plus", "pop_75plus", "pop_85plus",
          "homes_total", "homes_suitable", "homes_adaptable", "homes_unsuitable",
          *[f"{k}_{p}" for p in vocabulary.PRODUCTS for k in ("demand", "supply", "shortage")],
          *[f"cov75_{t}" for t in ("supermarket", "gp", "bus_stop", "pharmacy")]]


@pytest.fixture(scope="module")
def region() -> Region:
    return regionkit.two_gemeente_region()


@pytest.fixture(scope="module")
def result(region):
    return analyse(region, year=2030)


def _sums(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    # min_count=1: a count that is unknown (NaN, e.g. coverage without any facility of the
    # type) stays unknown in the sum, as in the analysis
    return pd.DataFrame(frame).groupby(by, sort=False)[SUMMED].sum(min_count=1)


def test_every_level_adds_up_from_buurt_to_region(result):
    assert list(result.gemeente["gemeente_code"]) == [A, B]
    assert list(result.gemeente["gemeente"]) == ["Testgemeente", "Buurgemeente"]
    assert len(result.regio) == 1
    assert result.regio["gemeente_code"].iloc[0] == f"{A},{B}"
    assert result.regio["n_gemeenten"].iloc[0] == 2
    assert list(result.kerngebied["gemeente_code"]) == [A, A, B, B]
    kern = pd.DataFrame(result.kerngebied).set_index("kerngebied")
    gem = pd.DataFrame(result.gemeente).set_index("gemeente_code")
    # buurt -> kerngebied -> gemeente -> regio, and buurt -> gemeente directly
    pairs = [(_sums(result.buurt, "kerngebied"), kern),
             (_sums(result.kerngebied, "gemeente_code"), gem),
             (_sums(result.buurt, "gemeente_code"), gem),
             (pd.DataFrame(result.gemeente)[SUMMED].sum(min_count=1).to_frame().T,
              pd.DataFrame(result.regio).reset_index(drop=True))]
    for summed, layer in pairs:
        for col in SUMMED:
            np.testing.assert_allclose(summed[col].to_numpy(), layer.loc[summed.index, col]
                                       .to_numpy(dtype=float), rtol=1e-12, atol=1e-9,
                                       err_msg=col, equal_nan=True)
    # by hand: population of GM9998 is 1,930 + 140 people; of the region 2,000 more
    base = analyse(regionkit.two_gemeente_region())
    assert base.gemeente.set_index("gemeente_code").loc[B, "pop_total"] == 2070
    assert base.regio["pop_total"].iloc[0] == 4070
    assert base.regio["homes_total"].iloc[0] == 8 + 7
    assert list(base.gemeente["n_buurten"]) == [3, 3]


def test_shares_are_recomputed_from_counts_not_averaged(result):
    for frame in (result.kerngebied, result.gemeente, result.regio):
        share = frame["cov75_gp"] / frame["pop_75plus"]
        np.testing.assert_allclose(frame["cov75_share_gp"], share, rtol=1e-12)
    mean_of_shares = result.gemeente["cov75_share_gp"].mean()
    assert result.regio["cov75_share_gp"].iloc[0] != pytest.approx(mean_of_shares)
    # the region's mean distance is weighted by people 75+ of each municipality
    w = result.gemeente["pop_75plus"]
    expect = (result.gemeente["dist_gp"] * w).sum() / w.sum()
    assert result.regio["dist_gp"].iloc[0] == pytest.approx(expect, rel=1e-12)


def test_one_municipality_has_one_gemeente_row_equal_to_the_region():
    res = analyse(regionkit.tiny_region())
    assert len(res.gemeente) == 1 and len(res.regio) == 1
    assert not res.is_multi_gemeente
    for col in SUMMED:
        assert res.regio[col].iloc[0] == pytest.approx(res.gemeente[col].iloc[0], rel=1e-12,
                                                       nan_ok=True)
    assert res.regio["gemeente_code"].iloc[0] == "GM9999"


def test_ranking_rows_carry_their_municipality(result):
    ranking = result.ranking
    assert {"gemeente_code", "gemeente_name"} <= set(ranking.columns)
    buurt_gm = result.buurt.set_index("buurt_code")["gemeente_code"]
    rows = ranking[ranking["level"] == "buurt"]
    assert (rows["gemeente_code"].to_numpy() == buurt_gm.loc[rows["code"]].to_numpy()).all()
    kern_gm = result.kerngebied.set_index("kerngebied")["gemeente_code"]
    rows = ranking[ranking["level"] == "kerngebied"]
    assert len(rows) and (rows["gemeente_code"].to_numpy()
                          == kern_gm.loc[rows["code"]].to_numpy()).all()
    assert set(ranking["gemeente_code"]) == {A, B}


def test_a_kerngebied_in_two_municipalities_is_refused(region):
    areas = region.areas.copy()
    areas.loc[areas["buurt_code"] == "BU99980100", "kerngebied"] = "Zuid"  # Zuid is in GM9999
    bad = Region(areas=areas, population=region.population, homes=region.homes,
                 facilities=region.facilities, metadata=region.metadata)
    with pytest.raises(AnalysisError, match="Zuid.*meer dan één gemeente"):
        analyse(bad)


# --------------------------------------------------------------------------- borders

def test_facilities_across_the_border_count_for_coverage_and_access(region, result):
    bravo = result.buurt.set_index("buurt_code").loc["BU99990001"]
    # Bravo's east home (100 people 75+ over 2 homes) is 150 m from the supermarket in GM9998
    assert bravo["cov75_supermarket"] == pytest.approx(bravo["pop_75plus"] / 2)
    without = region.facilities[region.facilities["facility_id"] != "G1"]
    res = analyse(Region(areas=region.areas, population=region.population, homes=region.homes,
                         facilities=without, metadata=region.metadata), year=2030)
    assert res.buurt.set_index("buurt_code").loc["BU99990001", "cov75_supermarket"] == 0
    # 2SFCA: the GP in GM9998 (4,000 places) is shared with the people of GM9999 in reach
    gp_only = region.facilities[region.facilities["facility_id"] != "F2"]
    res = analyse(Region(areas=region.areas, population=region.population, homes=region.homes,
                         facilities=gp_only, metadata=region.metadata), year=2030)
    assert res.buurt.set_index("buurt_code").loc["BU99990001", "acc_gp"] > 0
    # its capacity is divided over all demand in reach: more people, less per person
    one = analyse(regionkit.tiny_region())  # GM9999 alone, without the GP in GM9998
    assert one.buurt.set_index("buurt_code").loc["BU99990001", "acc_gp"] != pytest.approx(
        result.buurt.set_index("buurt_code").loc["BU99990001", "acc_gp"])


def test_facilities_outside_the_region_are_flagged(region, result):
    flags = result.facilities.set_index("facility_id")["outside_region"]
    assert flags.dtype == bool
    assert flags.to_dict() == {f: f == "F5" for f in flags.index}
    assert result.assumptions["facilities_outside"] == 1
    # supply counts only facilities inside: F5 (nursing dementia, 40 places) is not supply
    assert result.regio["supply_nursing_dementia"].iloc[0] == 0
    # a recorded flag is kept; empty values are computed
    fac = region.facilities.assign(outside_region=[None] * 4 + [True, None, None, None, None])
    res = analyse(Region(areas=region.areas, population=region.population, homes=region.homes,
                         facilities=fac, metadata=region.metadata))
    assert int(res.facilities["outside_region"].sum()) == 1


def test_max_reach_covers_every_catchment_and_walking_norm():
    norms = resolve_norms()
    assert norms.max_reach == 15000.0
    wide = norms.with_overrides({"gemeente": {B: {"walking": {"gp": 20000}}}})
    assert wide.max_reach == 20000.0


# --------------------------------------------------------------------------- own norms

def test_each_municipality_applies_its_own_norms(region, result):
    norms = resolve_norms().with_overrides({"gemeente": {B: {
        "demand": {"step_free": {"65+": 300, "75+": 0}},
        "walking": {"supermarket": 5000},
        "adaptable_weight": 0.0}}})
    own = analyse(region, year=2030, norms=norms)
    b_rows = own.buurt["gemeente_code"] == B
    a_rows = ~b_rows
    # GM9999 unchanged
    for col in ("demand_step_free", "supply_step_free", "cov75_supermarket"):
        np.testing.assert_allclose(own.buurt.loc[a_rows, col], result.buurt.loc[a_rows, col])
    # GM9998: 300 per 1,000 people 65+, no credit for adaptable homes, 5 km to the supermarket
    np.testing.assert_allclose(own.buurt.loc[b_rows, "demand_step_free"],
                               0.3 * own.buurt.loc[b_rows, "pop_65plus"], rtol=1e-12)
    np.testing.assert_allclose(own.buurt.loc[b_rows, "supply_step_free"],
                               own.buurt.loc[b_rows, "homes_suitable"])
    np.testing.assert_allclose(own.buurt.loc[b_rows, "cov75_supermarket"],
                               own.buurt.loc[b_rows, "pop_75plus"])
    # levels still add up, with two sets of rates
    for col in ("demand_step_free", "shortage_step_free", "cov75_supermarket"):
        assert own.regio[col].iloc[0] == pytest.approx(own.buurt[col].sum(), rel=1e-12)
        assert own.gemeente.set_index("gemeente_code").loc[B, col] == pytest.approx(
            own.buurt.loc[b_rows, col].sum(), rel=1e-12)
    assert own.grid["demand_step_free"].sum() == pytest.approx(
        own.buurt["demand_step_free"].sum(), rel=1e-9)
    assert own.assumptions["norms_gemeente"] == {B: norms.for_gemeente(B).name}
    # the ranking explains coverage with the municipality's own walking norm
    texts = own.ranking.loc[own.ranking["topic"] == "coverage_supermarket", "explanation"]
    assert not any("5.000 m" in t for t in texts)  # everyone in GM9998 is covered
    assert any("500 m" in t for t in texts)


def test_norms_file_with_a_table_per_municipality(tmp_path):
    from geo.io.norms_file import load_norms

    path = tmp_path / "normen.toml"
    path.write_text(f'name = "Regio"\n[gemeente.{B}.demand.clustered]\n"75+" = 200\n'
                    f'[gemeente.{B}]\nname = "Buurgemeente eigen"\n', encoding="utf-8")
    norms = load_norms(path)
    assert norms.for_gemeente(B).demand["clustered"] == {"75+": 200.0}
    assert norms.for_gemeente(B).name == "Buurgemeente eigen"
    assert norms.for_gemeente(A) is norms
    assert norms.to_dict()["gemeente"][B]["demand"]["clustered"]["75+"] == 200
    path.write_text(f'[gemeente.{B}.access.gp]\nradius = 3000\n', encoding="utf-8")
    with pytest.raises(NormsError, match="regionale instelling"):
        load_norms(path)
    path.write_text('[gemeente.Emmen.walking]\ngp = 800\n', encoding="utf-8")
    with pytest.raises(NormsError, match="GM en vier cijfers"):
        load_norms(path)


# --------------------------------------------------------------------------- prognosis

def test_prognosis_runs_per_municipality_and_the_region_is_their_sum(region):
    data = get_variant("basis").to_dict()
    data["gemeente"] = {B: {"birth_rate_per_1000": 20.0, "migration_rate": {"25_44": 0.02}}}
    prog = PrognosisSettings.from_dict(data)
    pop = region.population.set_index("buurt_code")[vocabulary.band_columns()]
    codes = region.areas.set_index("buurt_code")["gemeente_code"].reindex(pop.index)
    projected = project_by_gemeente(pop, codes, 2024, 2034, prog)
    in_b = (codes == B).to_numpy()
    np.testing.assert_allclose(projected[in_b],
                               project_population(pop[in_b], 2024, 2034, prog.for_gemeente(B)))
    np.testing.assert_allclose(projected[~in_b], project_population(pop[~in_b], 2024, 2034,
                                                                     prog))
    series = project_series(pop, 2024, [2034], prog, gemeente_codes=codes)
    np.testing.assert_allclose(series[vocabulary.band_columns()].iloc[0], projected.sum(),
                               rtol=1e-12)
    res = analyse(region, year=2034, prognosis=prog)
    for code in (A, B):
        assert res.gemeente.set_index("gemeente_code").loc[code, "pop_total"] == pytest.approx(
            projected[(codes == code).to_numpy()].to_numpy().sum(), rel=1e-12)
    assert res.regio["pop_total"].iloc[0] == pytest.approx(projected.to_numpy().sum(),
                                                           rel=1e-12)
    # the higher birth rate and in-migration in GM9998 only
    plain = analyse(region, year=2034)
    gm_plain = plain.gemeente.set_index("gemeente_code")["pop_total"]
    gm_own = res.gemeente.set_index("gemeente_code")["pop_total"]
    assert gm_own[A] == pytest.approx(gm_plain[A], rel=1e-12) and gm_own[B] > gm_plain[B]


# --------------------------------------------------------------------------- scenarios

def test_scenario_changes_anywhere_in_the_region(region, result):
    scenario = scenario_from_dict({
        "name": "Over de grens", "year": 2030,
        "facility_changes": [{"action": "close", "id": "F3"},
                             {"action": "capacity", "id": "G3", "capacity": 50}],
        "projects": [{"name": "Hofje Echo", "x": regionkit.X0 + 3500,
                      "y": regionkit.Y0 + 1500, "ready": 2028,
                      "units": {"step_free": 12, "nursing_somatic": 8}}]})
    applied = apply_scenario(region, scenario)
    assert applied.homes["buurt_code"].iloc[-1] == "BU99980001"
    res = analyse_scenario(region, scenario, prepared=prepare_region(region))
    gm_base = result.gemeente.set_index("gemeente_code")
    gm = res.gemeente.set_index("gemeente_code")
    assert gm.loc[A, "supply_clustered"] == gm_base.loc[A, "supply_clustered"] - 30
    assert gm.loc[B, "supply_clustered"] == 50
    assert gm.loc[B, "supply_step_free"] == gm_base.loc[B, "supply_step_free"] + 12
    assert gm.loc[B, "supply_nursing_somatic"] == gm_base.loc[B, "supply_nursing_somatic"] + 8
    assert res.regio["supply_clustered"].iloc[0] == gm["supply_clustered"].sum()
    table = compare({"basis": result, "plan": res})
    areas = list(dict.fromkeys(table["gebied"]))
    assert areas[-3:] == ["Gemeente Testgemeente", "Gemeente Buurgemeente", "Regio"]
    row = table.set_index(["gebied", "kengetal"])
    assert row.loc[("Regio", "shortage_clustered"), "verschil plan"] == pytest.approx(30 - 30)
    assert row.loc[("Gemeente Buurgemeente", "shortage_clustered"), "verschil plan"] == \
        pytest.approx(-30)


# --------------------------------------------------------------------------- exports

def test_every_export_row_carries_the_municipality(result):
    for layer in LAYERS:
        frame = select_layer(result, layer)
        assert "gemeente_code" in frame.columns, layer
        codes = set(frame["gemeente_code"].dropna())
        if layer == "gaps_regio":
            assert codes == {f"{A},{B}"}
        else:
            assert codes == {A, B}, layer
    fac = select_layer(result, "facilities").set_index("facility_id")
    assert fac.loc["F5", "outside_region"] and pd.isna(fac.loc["F5", "gemeente_code"])
    assert fac.loc["G1", "gemeente_code"] == B and not fac.loc["G1", "outside_region"]


def test_export_filter_by_municipality(result, tmp_path):
    sel = ExportSelection(gemeente="buurgemeente")
    buurt = select_layer(result, "gaps_buurt", sel)
    assert set(buurt["gemeente_code"]) == {B} and len(buurt) == 3
    assert len(select_layer(result, "gaps_gemeente", ExportSelection(gemeente=A))) == 1
    homes = select_layer(result, "homes", ExportSelection(gemeente=B))
    assert len(homes) == 7
    with pytest.raises(ExportError, match="onbekende gemeente 'Assen'.*GM9998"):
        select_layer(result, "gaps_buurt", ExportSelection(gemeente="Assen"))
    with pytest.raises(ExportError, match="gaps_gemeente"):
        select_layer(result, "gaps_regio", ExportSelection(gemeente=B))
    with pytest.raises(ExportError, match="selectie is leeg"):
        select_layer(result, "gaps_buurt", ExportSelection(gemeente=B, kerngebied="Noord"))
    path = write_export(result, "all", "gpkg", tmp_path / "b.gpkg", sel)
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"gaps_gemeente", "gaps_buurt", "facilities"} <= layers
    assert "gaps_regio" not in layers  # the whole region is not one municipality
    prov = pyogrio.read_dataframe(path, layer="provenance").set_index("key")["value"]
    assert prov["export_gemeente"] == "buurgemeente"
    assert prov["facilities_outside_region"] == "1"
    assert json.loads(prov["gemeenten"]) == [[A, "Testgemeente"], [B, "Buurgemeente"]]


def test_cli_analyse_and_export_write_the_municipality_levels(region, tmp_path):
    from geo.cli import main
    from geo.io.region_package import write_region

    package = write_region(region, tmp_path / "r.gpkg")
    out = tmp_path / "a.gpkg"
    assert main(["analyse", "--region", str(package), "--out", str(out)]) == 0
    gem = pyogrio.read_dataframe(out, layer="gaps_gemeente")
    regio = pyogrio.read_dataframe(out, layer="gaps_regio")
    assert list(gem["gemeente_code"]) == [A, B] and len(regio) == 1
    assert regio["pop_total"].iloc[0] == pytest.approx(gem["pop_total"].sum())
    csv = tmp_path / "b.csv"
    assert main(["export", "--region", str(package), "--layer", "gaps_buurt", "--format",
                 "csv", "--gemeente", B, "--out", str(csv)]) == 0
    assert set(pd.read_csv(csv)["gemeente_code"]) == {B}


# --------------------------------------------------------------------------- handout

def test_handout_has_a_regional_overview_page(result, tmp_path):
    from test_handout import pdf_pages_text

    from geo.reporting.handout import make_handout

    pages = pdf_pages_text(make_handout(result, scenario_name="Plan 2030"), tmp_path)
    first = pages[0]
    assert "Kerncijfers per gemeente en voor de regio" in first
    assert first.index("Testgemeente") < first.index("Buurgemeente") < first.index("Regio ")
    assert "1 voorziening ligt net buiten de regio" in first
    assert len(pages) == 1 + len(result.kerngebied) + 1
    assert "Kerngebied Oost · gemeente Buurgemeente" in pages[3]
