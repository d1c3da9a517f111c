"""Gap analysis on the tiny synthetic region: every number checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from regionkit import tiny_region

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.analysis.prognosis import project_population
from geo.errors import AnalysisError
from geo.model.norms import get_preset
from geo.model.region import Region


@pytest.fixture(scope="module")
def result():
    return analyse(tiny_region())


def _row(frame, code):
    return frame.set_index("buurt_code").loc[code]


def test_demand_supply_shortage_by_hand(result):
    alfa = _row(result.buurt, "BU99990000")
    # landelijk_2030: step-free 176/1000 65+ + 121/1000 75+; 65+ = 400, 75+ = 200
    assert alfa["demand_step_free"] == pytest.approx(0.176 * 400 + 0.121 * 200)
    # 1 suitable + ½ × 1 adaptable (H1); H2 too small, H3 upper floor without lift
    assert alfa["supply_step_free"] == pytest.approx(1.5)
    assert alfa["shortage_step_free"] == pytest.approx(94.6 - 1.5)
    assert (alfa["homes_suitable"], alfa["homes_adaptable"], alfa["homes_unsuitable"]) == (
        1, 1, 2)
    assert alfa["supply_clustered"] == 30  # F3 lies in Alfa
    assert alfa["shortage_clustered"] == pytest.approx(0.148 * 200 - 30)
    bravo = _row(result.buurt, "BU99990001")
    assert bravo["supply_nursing_somatic"] == 10
    # the dementia home F5 lies outside the municipality: no supply inside any area
    assert result.buurt["supply_nursing_dementia"].sum() == 0
    charlie = _row(result.buurt, "BU99990100")
    assert charlie["supply_step_free"] == pytest.approx(0.5)


def test_coverage_by_hand(result):
    alfa = _row(result.buurt, "BU99990000")
    bravo = _row(result.buurt, "BU99990001")
    charlie = _row(result.buurt, "BU99990100")
    # Alfa: all four homes within 500 m of the supermarket, none within 1 km of the GP
    assert alfa["cov75_supermarket"] == pytest.approx(200)
    assert alfa["cov75_share_supermarket"] == pytest.approx(1.0)
    assert alfa["cov75_gp"] == pytest.approx(0)
    # Bravo: both homes within 1 km of the GP (0 m and 566 m)
    assert bravo["cov75_gp"] == pytest.approx(100)
    assert bravo["dist_gp"] == pytest.approx((0 + np.hypot(400, 400)) / 2)
    # Charlie: H6 at the bus stop, H7 566 m away: half of 40 people 75+
    assert charlie["cov75_bus_stop"] == pytest.approx(20)
    assert charlie["cov75_share_bus_stop"] == pytest.approx(0.5)


def test_kerngebied_and_gemeente_are_sums(result):
    kerngebied = result.kerngebied.set_index("kerngebied")
    noord = result.buurt[result.buurt["kerngebied"] == "Noord"]
    for col in ("pop_total", "pop_75plus", "demand_step_free", "supply_step_free",
                "shortage_clustered", "cov75_supermarket", "homes_total"):
        assert kerngebied.loc["Noord", col] == pytest.approx(noord[col].sum())
    assert kerngebied.loc["Noord", "cov75_share_supermarket"] == pytest.approx(200 / 300)
    assert kerngebied.loc["Noord", "n_buurten"] == 2
    gem = result.gemeente.iloc[0]
    assert gem["pop_total"] == pytest.approx(2000)
    assert gem["gemeente_code"] == "GM9999"
    assert result.kerngebied.geometry.area.sum() == pytest.approx(3e6)


def test_grid_sums_match_buurten(result):
    grid, buurt = result.grid, result.buurt
    for col in ("pop_total", "pop_75plus", "homes_total", "supply_step_free",
                "supply_clustered", "supply_nursing_somatic", "cov75_gp", "demand_clustered"):
        assert grid[col].sum() == pytest.approx(buurt[col].sum()), col
    assert (grid.geometry.area == 500 * 500).all()
    assert grid["cell_id"].is_unique
    assert grid.crs.equals(vocabulary.METRIC_CRS)


def test_accessibility_large_catchment_equals_ratio():
    norms = get_preset("landelijk_2030").with_overrides(
        {"access": {"gp": {"radius": 50_000.0, "steps": []}}})
    res = analyse(tiny_region(), norms=norms)
    # one GP with 2,100 patient places for 2,000 inhabitants: 1,050 per 1,000 everywhere
    assert res.buurt["acc_gp"].to_numpy() == pytest.approx(1050.0)
    assert res.kerngebied["acc_gp"].to_numpy() == pytest.approx(1050.0)


def test_year_projects_population():
    region = tiny_region()
    res = analyse(region, year=2040)
    expected = project_population(region.population.set_index("buurt_code")[
        vocabulary.band_columns()], 2024, 2040)
    assert res.buurt["pop_total"].sum() == pytest.approx(expected.to_numpy().sum())
    assert res.year == 2040 and (res.buurt["year"] == 2040).all()
    base = analyse(region)
    assert res.buurt["pop_85plus"].sum() != pytest.approx(base.buurt["pop_85plus"].sum())


def test_bad_year():
    with pytest.raises(AnalysisError, match="buiten het bereik"):
        analyse(tiny_region(), year=2010)


def test_inputs_not_mutated():
    region = tiny_region()
    homes, pop = region.homes.copy(), region.population.copy()
    analyse(region, year=2035)
    pd.testing.assert_frame_equal(pd.DataFrame(region.homes), pd.DataFrame(homes))
    pd.testing.assert_frame_equal(region.population, pop)


def test_buurt_without_homes_keeps_its_people():
    region = tiny_region()
    homes = region.homes[region.homes["buurt_code"] != "BU99990100"]
    res = analyse(Region(region.areas, region.population, homes, region.facilities,
                         region.metadata))
    charlie = _row(res.buurt, "BU99990100")
    assert charlie["pop_75plus"] == 40
    assert charlie["homes_total"] == 0
    # its people sit at the buurt's representative point
    rep = region.areas.geometry.iloc[2].representative_point()
    assert charlie["dist_bus_stop"] == pytest.approx(rep.distance(region.facilities.geometry[5]))
    assert res.grid["pop_total"].sum() == pytest.approx(2000)


def test_ranking_orders_and_explains(result):
    ranking = result.ranking
    assert list(ranking["rank"]) == list(range(1, len(ranking) + 1))
    assert ranking["missing"].is_monotonic_decreasing
    top = ranking.iloc[0]
    # 200 people 75+ in Alfa live beyond 1 km of the GP; step-free shortage is 93.1
    assert (top["code"], top["topic"]) == ("BU99990000", "coverage_gp")
    assert "200 van de 200 75-plussers" in top["explanation"]
    step = ranking[(ranking["code"] == "BU99990000") & (ranking["topic"] == "step_free")].iloc[0]
    assert step["missing"] == pytest.approx(93.1)
    assert "tekort 93" in step["explanation"] and "Alfa" in step["explanation"]
    # care products are ranked per kerngebied: Noord has 300 people 75+ and 30 units
    kerngebied_rows = ranking[ranking["level"] == "kerngebied"].set_index(["code", "topic"])
    assert kerngebied_rows.loc[("Noord", "clustered"), "missing"] == pytest.approx(0.148 * 300 - 30)
    assert kerngebied_rows.loc[("Zuid", "nursing_dementia"), "supply"] == 0
    # a surplus is not listed: Alfa alone has more clustered units than demand
    assert not ((ranking["code"] == "BU99990000") & (ranking["topic"] == "clustered")).any()


def test_assumptions_trace_everything(result):
    a = result.assumptions
    assert a["year"] == 2024 and a["base_year"] == 2024
    assert a["norms"]["key"] == "landelijk_2030"
    assert a["prognosis"]["name"] == "basis"
    assert "areas" in a["sources"]
