"""The second built-in region: Zuidoost-Drenthe (woonzorgakkoord) from the files in data/."""

from __future__ import annotations

import csv
import json

import numpy as np
import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.cli import main
from geo.datasets import (
    BUILTIN_REGIONS,
    find_builtin,
    get_path,
    load_builtin_region,
)
from geo.datasets._builtin import write_builtin
from geo.datasets._facilities import ASSUMED
from geo.datasets.zuidoost_drenthe import GEMEENTE_CODES, generate_region
from geo.errors import RegionError
from geo.io.import_report import ImportReport


@pytest.fixture(scope="module")
def region():
    return generate_region()


@pytest.fixture(scope="module")
def cbs_buurten():
    with open(get_path("boce_kerncijfers"), encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if r["jaar"] == "2024" and r["soort_regio"] == "Buurt"]
    frame = pd.DataFrame(rows).set_index("gwb_code")
    for col in ("aantal_inwoners", "aantal_personen_65_jaar_en_ouder"):
        frame[col] = pd.to_numeric(frame[col].replace("", np.nan))
    return frame


def test_three_municipalities_and_the_published_defects(region):
    assert region.metadata["gemeente_code"] == ",".join(GEMEENTE_CODES)
    names = {m["code"]: m["name"] for m in json.loads(region.metadata["gemeenten"])}
    assert names == {"GM1681": "Borger-Odoorn", "GM0109": "Coevorden", "GM0114": "Emmen"}
    counts = region.areas["gemeente_code"].value_counts().to_dict()
    # 209 buurten published; two without geometry and one empty outline are left out
    assert counts == {"GM0109": 68, "GM0114": 83, "GM1681": 55}
    assert not {"BU16818205", "BU16818601", "BU16819901"} & set(region.areas["buurt_code"])
    report = ImportReport.from_json(region.metadata["import_report"])
    text = "\n".join(line.text for line in report)
    assert "BU16819709" in text and "make_valid" in text  # repaired self-intersection
    assert "1230 inwoners" in text  # the dropped buurten are reported with their people
    assert region.areas.geometry.is_valid.all()
    assert set(region.areas.geometry.geom_type) <= {"Polygon", "MultiPolygon"}


def test_inhabitants_and_65plus_equal_cbs_per_buurt(region, cbs_buurten):
    pop = region.population.set_index("buurt_code")
    bands = vocabulary.band_columns()
    model = pop[bands].sum(axis=1)
    ref = cbs_buurten["aantal_inwoners"].reindex(model.index)
    known = ref.notna()
    assert known.sum() == 204
    assert (model[known] == ref[known]).all()
    assert (model[~known] == 0).all()  # CBS gives no figure: no people invented
    older = pop[["pop_65_74", "pop_75_84", "pop_85_plus"]].sum(axis=1)
    ref65 = cbs_buurten["aantal_personen_65_jaar_en_ouder"].reindex(older.index)
    assert (older[ref65.notna()] == ref65[ref65.notna()]).all()
    assert int(model.sum()) == 171_095 - 1_230


def test_homes_follow_the_cbs_stock(region):
    homes = region.homes
    assert 75_000 < len(homes) < 80_000
    assert homes["home_id"].is_unique
    assert homes["home_id"].str[:4].isin(["0109", "0114", "1681"]).all()
    per_wijk = homes["buurt_code"].map(region.areas.set_index("buurt_code")["wijk_code"])
    counts = per_wijk.value_counts()
    with open(get_path("boce_kerncijfers"), encoding="utf-8", newline="") as fh:
        stock = {r["gwb_code"]: int(r["woningvoorraad"]) for r in csv.DictReader(fh)
                 if r["soort_regio"] == "Wijk" and r["jaar"] == "2024"}
    full = [w for w in stock if w not in {"WK168182", "WK168186", "WK168199"}]
    assert all(counts.get(w, 0) == stock[w] for w in full)
    # every home lies in its own buurt
    joined = region.areas.set_index("buurt_code").geometry.reindex(homes["buurt_code"])
    assert joined.buffer(0.5).contains(homes.geometry.reset_index(drop=True).set_axis(
        joined.index)).mean() > 0.999
    assert (homes["owner"][homes["tenure"] == "social_rent"] == "woningcorporatie").all()


def test_kerngebieden_unique_and_in_one_municipality(region):
    per = region.areas.groupby("kerngebied")["gemeente_code"].nunique()
    assert (per == 1).all()
    assert "Emmen-Centrum" in per.index and "Borger" in per.index


def test_labels_say_what_is_real(region):
    meta = region.metadata
    assert meta["demo"] == "true"
    assert meta["data_status_areas"] == "real"
    assert meta["data_status_homes"] == "generated"
    assert meta["data_status_facilities"] == "generated"
    assert (region.facilities["location_basis"] == ASSUMED).all()
    assert region.facilities["outside_region"].any()
    assert not region.facilities.loc[
        region.facilities["name"] == "Scheper Ziekenhuis Emmen", "outside_region"].any()
    assert set(region.reference["level"]) == {"buurt", "wijk", "gemeente"}
    assert set(region.reference.loc[region.reference["level"] == "gemeente", "code"]) == \
        set(GEMEENTE_CODES)


def test_generator_is_deterministic_and_matches_the_committed_file(region):
    again = generate_region()
    assert_geodataframe_equal(again.homes, region.homes)
    assert again.metadata == region.metadata
    stored = load_builtin_region("zuidoost-drenthe")
    assert stored.source_path == get_path("zuidoost_drenthe")
    assert_geodataframe_equal(stored.areas, region.areas, check_dtype=False)
    assert_frame_equal(stored.population, region.population, check_dtype=False)
    assert_geodataframe_equal(stored.homes, region.homes, check_dtype=False)
    assert_geodataframe_equal(stored.facilities, region.facilities, check_dtype=False)
    assert stored.metadata == region.metadata


def test_levels_add_up(region):
    result = analyse(region)
    assert len(result.gemeente) == 3 and len(result.regio) == 1
    assert result.gemeente["pop_total"].sum() == result.buurt["pop_total"].sum() \
        == result.regio["pop_total"].iloc[0]


def test_find_builtin_and_cli(tmp_path, capsys):
    assert find_builtin("builtin:zuidoost-drenthe").id == "zuidoost-drenthe"
    assert find_builtin("BOCE").id == "zuidoost-drenthe"
    assert find_builtin("Zuidoost-Drenthe (woonzorgakkoord)").id == "zuidoost-drenthe"
    assert find_builtin("demo").id == "midden-drenthe"
    assert list(BUILTIN_REGIONS) == ["midden-drenthe", "zuidoost-drenthe"]
    with pytest.raises(RegionError, match="zuidoost-drenthe"):
        load_builtin_region("nergens")
    assert main(["info", "--region", "builtin:zuidoost-drenthe"]) == 0
    assert "Zuidoost-Drenthe" in capsys.readouterr().out


def test_write_builtin_zipped_roundtrip(region, tmp_path):
    out = write_builtin("zuidoost-drenthe", region, tmp_path / "zd.gpkg.zip")
    assert out.stat().st_size < 5_000_000
    assert main(["info", "--region", str(write_builtin("zuidoost-drenthe", region,
                                                      tmp_path / "zd.gpkg"))]) == 0
