"""A region without facilities (or without one type) or without homes: the unknown stays
unknown — coverage and distance "geen gegevens" (NaN), no red light, and every notice says
what is missing."""

from __future__ import annotations

import math
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from regionkit import tiny_region
from test_handout import pdf_pages_text

import geo.reporting.handout as handout
from geo.analysis.gaps import analyse
from geo.cli import main
from geo.formats import fmt_share
from geo.io.region_package import write_region
from geo.model.region import Region
from geo.reporting import lights
from geo.reporting.provenance import DataProvenance
from ui.maps import Theme, classify

WALKING = ("supermarket", "gp", "bus_stop", "pharmacy")


def _with(region: Region, *, facilities=None, homes=None) -> Region:
    return Region(region.areas, region.population,
                  region.homes if homes is None else homes,
                  region.facilities if facilities is None else facilities, region.metadata)


@pytest.fixture(scope="module")
def full():
    return tiny_region()


@pytest.fixture(scope="module")
def no_facilities(full):
    return _with(full, facilities=full.facilities.iloc[0:0])


def test_without_facilities_coverage_and_distance_are_unknown(no_facilities):
    result = analyse(no_facilities)
    for layer in (result.buurt, result.kerngebied, result.gemeente, result.grid):
        for ftype in WALKING:
            assert layer[f"cov75_share_{ftype}"].isna().all(), (ftype, layer)
            assert layer[f"dist_{ftype}"].isna().all()
    assert not result.ranking["topic"].str.startswith("coverage_").any()
    share = float(result.kerngebied[f"cov75_share_{WALKING[0]}"].iloc[0])
    assert lights.coverage_light(share) == lights.coverage_light(math.nan) != "red"
    assert fmt_share(share) == "–"


def test_one_missing_type_only_blanks_that_type(full):
    fac = full.facilities
    base = analyse(full)
    result = analyse(_with(full, facilities=fac[fac["facility_type"] != "gp"]))
    assert np.isfinite(base.buurt["cov75_share_gp"]).all()
    assert result.buurt["cov75_share_gp"].isna().all()
    assert result.buurt["dist_gp"].isna().all()
    pd.testing.assert_series_equal(result.buurt["cov75_share_supermarket"],
                                   base.buurt["cov75_share_supermarket"])
    # the tiny region has no pharmacy at all
    assert base.buurt["cov75_share_pharmacy"].isna().all()
    prov = DataProvenance.from_assumptions(result.assumptions)
    assert prov.missing() == ["Geen huisartspraktijk en apotheek geladen: de dekking en "
                              "loopafstand daarvan zijn onbekend."]


def test_notices_name_missing_homes_and_facilities(full, no_facilities):
    with_pharmacy = full.facilities.copy()
    with_pharmacy.loc[with_pharmacy.index[0], "facility_type"] = "pharmacy"
    assert DataProvenance.from_region(_with(full, facilities=pd.concat(
        [full.facilities, with_pharmacy.iloc[:1]]))).missing() == []
    prov = DataProvenance.from_region(_with(no_facilities, homes=full.homes.iloc[0:0]))
    texts = prov.missing()
    assert texts[0].startswith("Geen woningen geladen: het aanbod van nultredenwoningen is "
                               "onbekend")
    assert texts[1].startswith("Geen voorzieningen geladen: dekking en afstanden zijn onbekend")


def test_cli_says_what_is_missing(tmp_path, no_facilities, capsys):
    path = write_region(no_facilities, tmp_path / "r.gpkg")
    assert main(["analyse", "--region", str(path), "--out", str(tmp_path / "g.gpkg")]) == 0
    assert "LET OP: Geen voorzieningen geladen: dekking en afstanden zijn onbekend" in (
        capsys.readouterr().out)


def test_handout_without_facilities_shows_no_zero_coverage(no_facilities, tmp_path):
    pdf = handout.make_handout(analyse(no_facilities), scenario_name="Zonder voorzieningen",
                               generated=date(2025, 5, 12))
    text = " ".join(pdf_pages_text(pdf, tmp_path))
    assert "Geen voorzieningen geladen" in text
    assert not re.search(r"(?<![\d,])0 %", text)  # no coverage of 0 % (legend: "80 %")


def test_map_legend_shows_surplus_classes_only_with_a_surplus():
    theme = Theme("t", "Tekort", "shortage_step_free", "diverging", "woningen")
    _, shortage_only = classify(pd.Series([0.0, 10.0, 40.0]), theme)
    _, with_surplus = classify(pd.Series([-30.0, 10.0, 40.0]), theme)
    assert len(with_surplus.items) == 8  # seven classes and "geen gegevens"
    assert len(shortage_only.items) < len(with_surplus.items)
    assert all(not text.split(" – ")[1].startswith("-") for _, text in shortage_only.items
               if " – " in text)
