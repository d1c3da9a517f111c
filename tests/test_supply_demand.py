"""Suitability rule, step-free supply and demand arithmetic, checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from regionkit import tiny_region

from geo import vocabulary
from geo.analysis.demand import group_population, product_demand
from geo.analysis.supply import classify_homes, step_free_units
from geo.errors import WoonzorgError
from geo.model.norms import get_preset, norms_from_dict


def test_suitability_rule_by_hand():
    homes = pd.DataFrame({
        "step_free": [True, True, False, False, False, False],
        "dwelling_type": ["multi_family", "single_family", "single_family", "single_family",
                          "multi_family", "single_family"],
        "floor_area": [50.0, 60.0, 152.0, 150.0, 240.0, 400.0],
    }, index=[10, 11, 12, 13, 14, 15])
    norms = get_preset("landelijk_2030")
    classes = classify_homes(homes, norms)
    assert list(classes) == ["suitable", "suitable", "adaptable", "unsuitable", "unsuitable",
                             "adaptable"]
    assert list(classes.index) == [10, 11, 12, 13, 14, 15]
    units = step_free_units(classes, norms)
    assert units.tolist() == [1.0, 1.0, 0.5, 0.0, 0.0, 0.5]
    # ground floor known for one home: it decides over the estimate (½ × floor area)
    with_ground = homes.assign(ground_floor_area=[None, None, 70.0, 90.0, None, None])
    assert list(classify_homes(with_ground, norms))[2:4] == ["unsuitable", "adaptable"]
    other = norms_from_dict({"adaptable_weight": 0.0, "adaptable_min_area": 100.0})
    assert list(classify_homes(homes, other)) == ["suitable", "suitable", "unsuitable",
                                                  "unsuitable", "unsuitable", "adaptable"]
    assert step_free_units(classify_homes(homes, other), other).sum() == 2.0


def test_tiny_region_classes():
    region = tiny_region()
    classes = classify_homes(region.homes, get_preset("landelijk_2030"))
    assert classes.value_counts().to_dict() == {"suitable": 2, "adaptable": 3, "unsuitable": 3}


def test_group_population_and_demand_by_hand():
    pop = pd.DataFrame([dict(zip(vocabulary.band_columns(), [100, 50, 200, 250, 200, 150, 50],
                                 strict=True))], index=["A"])
    assert group_population(pop, "65+").iloc[0] == 400
    assert group_population(pop, "85+").iloc[0] == 50
    assert group_population(pop, "total").iloc[0] == 1000
    with pytest.raises(WoonzorgError, match="onbekende leeftijdsgroep"):
        group_population(pop, "70+")
    norms = get_preset("landelijk_2030")  # step_free: 176/1000 65+ + 121/1000 75+
    demand = product_demand(pop, norms)
    assert demand.loc["A", "demand_step_free"] == pytest.approx(0.176 * 400 + 0.121 * 200)
    assert demand.loc["A", "demand_clustered"] == pytest.approx(0.148 * 200)
    eigen = get_preset("eigen_beleid")  # nursing_dementia: 20/1000 75-84 + 110/1000 85+
    assert product_demand(pop, eigen).loc["A", "demand_nursing_dementia"] == pytest.approx(
        0.020 * 150 + 0.110 * 50)
