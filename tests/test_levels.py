"""Municipality and region rows of a result (geo.reporting.levels) and the Region helpers."""

from __future__ import annotations

import pytest
from regionkit import tiny_region, two_gemeente_region_app

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.reporting import levels, profile


@pytest.fixture(scope="module")
def result():
    return analyse(two_gemeente_region_app())


def test_region_lists_its_municipalities_with_and_without_the_metadata_key():
    expected = [("GM9999", "Testgemeente"), ("GM9998", "Buurgemeente")]
    assert two_gemeente_region_app().gemeenten == expected
    assert two_gemeente_region_app(with_key=False).gemeenten == expected  # from the areas
    assert two_gemeente_region_app().is_multi_gemeente
    assert tiny_region().gemeenten == [("GM9999", "Testgemeente")]
    assert not tiny_region().is_multi_gemeente


def test_counts_add_up_from_buurt_to_municipality_to_region(result):
    rows = levels.gemeente_rows(result)
    regio = levels.regio_row(result)
    assert list(rows.index) == ["GM9999", "GM9998"]
    assert list(rows["pop_total"]) == [2000, 1670]
    counts = ["pop_total", "pop_75plus", "homes_total",
              *[f"{k}_{p}" for p in vocabulary.PRODUCTS for k in ("demand", "supply")]]
    for col in counts:
        by_buurt = result.buurt.groupby("gemeente_code")[col].sum()
        assert rows[col].to_dict() == pytest.approx(by_buurt.to_dict()), col
        assert float(regio[col]) == pytest.approx(rows[col].sum()), col
    # shares are recomputed from the summed counts, not averaged
    share = rows["cov75_supermarket"].sum() / rows["pop_75plus"].sum()
    assert float(regio["cov75_share_supermarket"]) == pytest.approx(share)
    assert levels.kerngebieden_of(result, "GM9998") == ["Oostdorp", "Veld"]
    assert levels.kerngebieden_of(result, None) == ["Noord", "Zuid", "Oostdorp", "Veld"]


def test_comparison_uses_the_buurts_own_municipality_and_adds_the_region(result):
    cmp = profile.comparison(result, "BU99980000").set_index("indicator")
    assert list(cmp.columns) == ["label", "kind", "buurt", "kerngebied", "gemeente", "regio"]
    assert tuple(cmp.loc["pop_total", ["buurt", "kerngebied", "gemeente", "regio"]]) == (
        1060, 1560, 1670, 3670)
    gm = profile.demand_supply(result, "gemeente", "GM9998").set_index("product")
    rg = profile.demand_supply(result, "regio").set_index("product")
    assert gm.loc["step_free", "demand"] == pytest.approx(
        levels.gemeente_rows(result).loc["GM9998", "demand_step_free"])
    assert rg.loc["step_free", "demand"] == pytest.approx(result.buurt["demand_step_free"].sum())
