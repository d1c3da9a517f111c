"""Area profiles on the tiny synthetic region: every number checked by hand.

Tiny region (tests/regionkit.py), base year 2024, default norms landelijk_2030:
Alfa (BU99990000, Noord) 1000 people, 65+ 400, 75+ 200, 85+ 50;
Bravo (BU99990001, Noord) 800 people, 65+ 200, 75+ 100, 85+ 20;
Charlie (BU99990100, Zuid) 200 people, 65+ 80, 75+ 40, 85+ 10.
"""

from __future__ import annotations

import copy
import math
import tomllib

import numpy as np
import pandas as pd
import pytest
from regionkit import tiny_region

from geo.analysis.gaps import analyse
from geo.errors import AnalysisError, WoonzorgError
from geo.model.norms import norms_from_dict
from geo.model.prognosis import get_variant
from geo.reporting import assumptions, profile

ALFA, BRAVO, CHARLIE = "BU99990000", "BU99990001", "BU99990100"


@pytest.fixture(scope="module")
def region():
    return tiny_region()


@pytest.fixture(scope="module")
def result(region):
    return analyse(region)


def _snapshot(result):
    return {name: copy.deepcopy(frame) for name, frame in
            (("buurt", result.buurt), ("kerngebied", result.kerngebied),
             ("gemeente", result.gemeente),
             ("ranking", result.ranking))}


def test_buurt_labels_and_row(result):
    assert profile.buurt_labels(result) == {
        ALFA: f"Alfa ({ALFA})", BRAVO: f"Bravo ({BRAVO})", CHARLIE: f"Charlie ({CHARLIE})"}
    assert list(profile.buurt_labels(result, "Zuid")) == [CHARLIE]
    assert profile.buurt_row(result, BRAVO)["buurt_name"] == "Bravo"
    with pytest.raises(AnalysisError, match="BU00000000"):
        profile.buurt_row(result, "BU00000000")
    with pytest.raises(AnalysisError, match="Noord, Zuid"):
        profile.buurt_labels(result, "Oost")


def test_age_pyramid_by_hand(result):
    pyr = profile.age_pyramid(result, ALFA)
    assert pyr["label"].tolist() == ["0–14", "15–24", "25–44", "45–64", "65–74", "75–84", "85+"]
    assert pyr["count"].tolist() == [100, 50, 200, 250, 200, 150, 50]
    assert pyr["share"].sum() == pytest.approx(1.0)
    assert pyr.loc[pyr["band"] == "45_64", "share"].item() == pytest.approx(0.25)
    assert pyr.loc[pyr["group"] == "65+", "count"].sum() == 400
    assert (pyr["year"] == 2024).all()
    with pytest.raises(AnalysisError):
        profile.age_pyramid(result, "BU12345678")


def test_age_pyramid_follows_the_result_year(region):
    later = analyse(region, year=2030)
    pyr = profile.age_pyramid(later, ALFA)
    row = later.buurt.set_index("buurt_code").loc[ALFA]
    assert pyr["count"].sum() == pytest.approx(row["pop_total"])
    assert (pyr["year"] == 2030).all()


def test_ageing_trend_one_buurt_one_year_by_hand(region):
    trend = profile.ageing_trend(region, [ALFA], [2024, 2025])
    assert trend["year"].tolist() == [2024, 2025]
    base = trend.iloc[0]
    assert (base["pop_65plus"], base["pop_75plus"], base["pop_85plus"]) == (400, 200, 50)
    nxt = trend.iloc[1]
    # basis variant, one year: survival 65-74 0.985, 75-84 0.95, 85+ 0.84; 1/10 moves up,
    # 1/20 of 45-64 (survival 0.996) moves into 65-74
    b85 = 50 * 0.84 + 150 * 0.95 * 0.1                    # 56.25
    b75 = 150 * 0.95 * 0.9 + 200 * 0.985 * 0.1            # 147.95
    b65 = 200 * 0.985 * 0.9 + 250 * 0.996 / 20            # 189.75
    assert nxt["pop_85plus"] == pytest.approx(b85)
    assert nxt["pop_75plus"] == pytest.approx(b75 + b85)
    assert nxt["pop_65plus"] == pytest.approx(b65 + b75 + b85)


def test_ageing_trend_sets_of_buurten(region):
    everyone = profile.ageing_trend(region)
    assert everyone["year"].tolist() == list(range(2024, 2041))
    first = everyone.iloc[0]
    assert (first["pop_total"], first["pop_65plus"], first["pop_75plus"],
            first["pop_85plus"]) == (2000, 680, 340, 80)
    noord = profile.ageing_trend(region, [ALFA, BRAVO], [2024, 2035])
    zuid = profile.ageing_trend(region, [CHARLIE], [2024, 2035])
    both = profile.ageing_trend(region, None, [2024, 2035])
    assert noord.iloc[0]["pop_65plus"] == 600
    # the model is linear: the parts add up to the whole
    cols = ["pop_total", "pop_65plus", "pop_75plus", "pop_85plus"]
    np.testing.assert_allclose(noord[cols] + zuid[cols], both[cols])


def test_ageing_trend_matches_the_analysis(region):
    prog = get_variant("vergrijzing_plus")
    later = analyse(region, year=2035, prognosis=prog)
    trend = profile.ageing_trend(region, [BRAVO], prognosis="vergrijzing_plus")
    row = later.buurt.set_index("buurt_code").loc[BRAVO]
    at = trend.set_index("year").loc[2035]
    for col in ("pop_total", "pop_65plus", "pop_75plus", "pop_85plus"):
        assert at[col] == pytest.approx(row[col])


def test_ageing_trend_errors(region):
    with pytest.raises(AnalysisError, match="BU00000000"):
        profile.ageing_trend(region, ["BU00000000"])
    with pytest.raises(AnalysisError):
        profile.ageing_trend(region, [])
    with pytest.raises(AnalysisError):
        profile.ageing_trend(region, [ALFA], [2020])
    with pytest.raises(WoonzorgError):
        profile.ageing_trend(region, [ALFA], prognosis="onbekend")


def test_demand_supply_buurt_by_hand(result):
    ds = profile.demand_supply(result, "buurt", ALFA).set_index("product")
    # step-free: 176/1000 × 400 (65+) + 121/1000 × 200 (75+); supply 1 suitable + ½ adaptable
    assert ds.loc["step_free", "demand"] == pytest.approx(0.176 * 400 + 0.121 * 200)
    assert ds.loc["step_free", "supply"] == pytest.approx(1.5)
    assert ds.loc["step_free", "shortage"] == pytest.approx(94.6 - 1.5)
    assert ds.loc["step_free", "unit"] == "woningen"
    # clustered: 148/1000 × 200 = 29.6 against 30 units of F3: a surplus of 0.4
    assert ds.loc["clustered", "shortage"] == pytest.approx(-0.4)
    assert ds.loc["nursing_dementia", "label"] == "Verpleegzorgplaatsen PG (dementie)"


def test_demand_supply_kerngebied_and_gemeente(result):
    noord = profile.demand_supply(result, "kerngebied", "Noord").set_index("product")
    assert noord.loc["step_free", "demand"] == pytest.approx(0.176 * 600 + 0.121 * 300)
    assert noord.loc["step_free", "supply"] == pytest.approx(3.0)
    assert noord.loc["nursing_somatic", "supply"] == 10
    assert noord.loc["nursing_somatic", "shortage"] == pytest.approx(0.067 * 300 - 10)
    gem = profile.demand_supply(result, "gemeente").set_index("product")
    assert gem.loc["step_free", "demand"] == pytest.approx(0.176 * 680 + 0.121 * 340)
    assert gem.loc["step_free", "supply"] == pytest.approx(3.5)
    assert gem.loc["nursing_dementia", "supply"] == 0  # F5 lies outside the municipality
    with pytest.raises(AnalysisError, match="Oost"):
        profile.demand_supply(result, "kerngebied", "Oost")
    with pytest.raises(AnalysisError, match="niveau"):
        profile.demand_supply(result, "provincie", "Drenthe")


def test_walking_distances_by_hand(result):
    wd = profile.walking_distances(result, "buurt", ALFA).set_index("facility_type")
    assert list(wd.index) == ["supermarket", "gp", "bus_stop", "pharmacy"]
    # Alfa's homes lie 0, 141, 283 and 424 m from the supermarket, equally populated
    assert wd.loc["supermarket", "mean_distance_m"] == pytest.approx(
        np.mean([0, np.hypot(100, 100), np.hypot(200, 200), np.hypot(300, 300)]))
    assert wd.loc["supermarket", "norm_m"] == 500
    assert wd.loc["supermarket", "share_within"] == pytest.approx(1.0)
    gp = [np.hypot(1400, 400), np.hypot(1300, 300), np.hypot(1200, 200), np.hypot(1100, 100)]
    assert wd.loc["gp", "mean_distance_m"] == pytest.approx(np.mean(gp))
    assert wd.loc["gp", "beyond_norm"] == pytest.approx(200)
    # no pharmacy anywhere: distance and coverage unknown ("geen gegevens"), not 0
    assert math.isnan(wd.loc["pharmacy", "mean_distance_m"])
    assert math.isnan(wd.loc["pharmacy", "within_norm"])
    # Charlie: H6 at the bus stop, H7 566 m away; 40 people 75+
    zuid = profile.walking_distances(result, "kerngebied", "Zuid").set_index("facility_type")
    assert zuid.loc["bus_stop", "within_norm"] == pytest.approx(20)
    assert zuid.loc["bus_stop", "share_within"] == pytest.approx(0.5)


def test_comparison_by_hand(result):
    cmp = profile.comparison(result, ALFA).set_index("indicator")
    assert list(cmp.columns) == ["label", "kind", "buurt", "kerngebied", "gemeente"]
    share65 = cmp.loc["share_65plus"]
    assert (share65["buurt"], share65["kerngebied"], share65["gemeente"]) == pytest.approx(
        (400 / 1000, 600 / 1800, 680 / 2000))
    sf = cmp.loc["step_free_per_1000_65plus"]
    assert (sf["buurt"], sf["kerngebied"], sf["gemeente"]) == pytest.approx(
        (1.5 / 400 * 1000, 3.0 / 600 * 1000, 3.5 / 680 * 1000))
    # supermarket: all 200 of Alfa's 75+ within 500 m, none of Bravo's or Charlie's
    sm = cmp.loc["cov75_share_supermarket"]
    assert (sm["buurt"], sm["kerngebied"], sm["gemeente"]) == pytest.approx(
        (1.0, 200 / 300, 200 / 340))
    assert sm["kind"] == "share"
    assert "500 m" in sm["label"]
    # kerngebied distance: the 75+-weighted mean of Alfa and Bravo
    alfa_gp = np.mean([np.hypot(1400, 400), np.hypot(1300, 300), np.hypot(1200, 200),
                       np.hypot(1100, 100)])
    bravo_gp = np.mean([0.0, np.hypot(400, 400)])
    assert cmp.loc["dist_gp", "kerngebied"] == pytest.approx(
        (200 * alfa_gp + 100 * bravo_gp) / 300)
    assert cmp.loc["dist_gp", "kind"] == "metres"
    assert {"dist_pharmacy", "dist_bus_stop", "dist_supermarket", "acc_gp"} <= set(cmp.index)
    assert cmp.loc["pop_total", "gemeente"] == 2000


def test_explanations_buurt_then_kerngebied(result):
    texts = profile.explanations(result, ALFA)
    # Alfa: beyond the GP and bus-stop norms (200 each) and step-free 93.1 (no pharmacy in
    # the region: its coverage is unknown, not a gap); kerngebied Noord: dementia 24.9,
    # clustered 14.4, somatic 10.1 (ranking order)
    assert len(texts) == 6
    assert all(t.startswith("Alfa:") for t in texts[:3])
    assert all(t.startswith("Kerngebied Noord:") for t in texts[3:])
    assert "huisartspraktijk" in texts[0]
    assert not any("apotheek" in t for t in texts)
    assert "nultredenwoningen" in texts[2] and "tekort 93" in texts[2]
    assert "dementie" in texts[3]
    # Charlie has nothing of Noord
    assert not any("Noord" in t for t in profile.explanations(result, CHARLIE))


def test_filter_ranking(result):
    ranking = result.ranking
    zuid = profile.filter_ranking(ranking, kerngebied="Zuid")
    assert set(zuid["code"]) == {CHARLIE, "Zuid"}
    assert len(zuid) < len(ranking)
    kerngebieden = profile.filter_ranking(ranking, level="kerngebied")
    assert len(kerngebieden) == 6 and set(kerngebieden["topic"]) == {
        "clustered", "nursing_somatic", "nursing_dementia"}
    sf = profile.filter_ranking(ranking, topic_labels=["Nultredenwoningen"])
    assert sf["code"].tolist() == [ALFA, BRAVO, CHARLIE]
    assert (sf["unit"] == "woningen").all()
    found = profile.filter_ranking(ranking, search="  bRAV ")
    assert set(found["name"]) == {"Bravo"}
    assert len(profile.filter_ranking(ranking, search=BRAVO.lower())) == len(found)
    both = profile.filter_ranking(ranking, kerngebied="Noord", level="buurt",
                                  topic_labels=["Nultredenwoningen"])
    assert both["rank"].tolist() == [5, 6]  # ranks of the full list are kept
    assert profile.filter_ranking(ranking, search="xyz").empty
    assert "unit" not in ranking.columns  # input not changed


def test_ranking_totals(result):
    totals = profile.ranking_totals(result.ranking)
    assert totals["rows"] == 16  # no pharmacy rows: its coverage is unknown
    assert totals["step_free"] == pytest.approx(93.1 + 45.8 + 18.42)
    assert totals["clustered"] == pytest.approx(14.4 + 5.92)
    assert totals["nursing"] == pytest.approx(24.9 + 10.1 + 3.32 + 2.68)
    # supermarket: Bravo's 100 and Charlie's 40 people 75+ live beyond 500 m
    assert totals["beyond_supermarket"] == pytest.approx(140)
    empty = profile.ranking_totals(result.ranking.iloc[0:0])
    assert empty["rows"] == 0 and empty["step_free"] == 0


def test_csv_bytes_for_dutch_excel():
    frame = pd.DataFrame({"Gebied": ["Zuidveld", "Eursinge; oost"], "Ontbreekt": [12.345, 3.0],
                          "Toelichting": ["tekort → 12", "–"]})
    data = profile.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Gebied;Ontbreekt;Toelichting"
    assert lines[1] == "Zuidveld;12,3;tekort → 12"
    assert lines[2] == '"Eursinge; oost";3,0;–'
    assert frame["Ontbreekt"].iloc[0] == 12.345  # input not changed


def test_method_tables(result, region):
    rates = assumptions.demand_rates_table(result.norms).set_index("product")
    assert rates.loc["step_free", "65+"] == 176 and rates.loc["step_free", "75+"] == 121
    assert math.isnan(rates.loc["clustered", "65+"])
    eigen = assumptions.demand_rates_table(analyse(region, norms="eigen_beleid").norms)
    assert {"65–74", "75–84", "85+"} <= set(eigen.columns)
    walking = assumptions.walking_table(result.norms).set_index("facility_type")
    assert walking.loc["gp", "norm_m"] == 1000 and walking.loc["supermarket", "norm_m"] == 500
    access = assumptions.access_table(result.norms).set_index("key")
    assert access.loc["gp", "method"] == "E2SFCA"
    assert access.loc["gp", "steps"].startswith("≤ 1.500 m: 1,00")
    assert access.loc["nursing_dementia", "method"] == "2SFCA"
    assert access.loc["nursing_dementia", "population"] == "75+"
    prog = assumptions.prognosis_table(get_variant("groei")).set_index("band")
    assert prog.loc["85_plus", "survival"] == 0.84
    assert prog.loc["25_44", "migration_rate"] == 0.005
    assert math.isnan(prog.loc["85_plus", "width"])
    layers = assumptions.data_layers(region).set_index("layer")
    assert layers.loc["homes", "rows"] == 8 and layers.loc["areas", "source"] == "test"
    assert "villages" not in layers.index


def test_example_norms_file_loads():
    norms = norms_from_dict(tomllib.loads(assumptions.EXAMPLE_NORMS_TOML))
    assert norms.walking["supermarket"] == 600
    assert dict(norms.demand["clustered"]) == {"75_84": 100, "85_plus": 250}
    assert norms.access["gp"].radius == 6000
    assert norms.source == "Raadsbesluit woonzorgvisie 2025"


def test_functions_do_not_mutate_the_result(result, region):
    before = _snapshot(result)
    pop_before = region.population.copy()
    profile.age_pyramid(result, ALFA)
    profile.ageing_trend(region, [ALFA])
    profile.demand_supply(result, "kerngebied", "Noord")
    profile.walking_distances(result, "gemeente")
    profile.comparison(result, BRAVO)
    profile.explanations(result, CHARLIE)
    profile.filter_ranking(result.ranking, search="a")
    row = profile.buurt_row(result, ALFA)
    row["pop_total"] = -1
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(result, name), frame)
    pd.testing.assert_frame_equal(region.population, pop_before)
