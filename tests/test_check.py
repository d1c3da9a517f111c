"""The check of the model against published figures: the reference layer, the table, the CLI.

Expected verdicts are worked out by hand in ``checkkit`` and below.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from checkkit import (
    GM_GP_KM,
    GM_SUPERMARKET_KM,
    GP_KM,
    check_reference,
    check_region_fixture,
    reference_frame,
)
from regionkit import tiny_region

from geo.analysis.check import CHECK_COLUMNS, DETOUR_FACTOR, check_region
from geo.analysis.gaps import analyse
from geo.cli import main
from geo.errors import RegionError
from geo.io.region_package import load_region, write_region
from geo.model.region import validate_region
from geo.reporting.check_report import NO_REFERENCE, check_text, fmt_value


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    region = check_region_fixture()
    return check_region(region, analyse(region))


def _row(table: pd.DataFrame, code: str, measure: str) -> pd.Series:
    rows = table[(table["code"] == code) & (table["measure"] == measure)
                 & (table["part"] != "doel")]
    assert len(rows) == 1, (code, measure, rows)
    return rows.iloc[0]


def _target(table: pd.DataFrame, measure: str) -> pd.Series:
    rows = table[(table["part"] == "doel") & (table["measure"] == measure)]
    assert len(rows) == 1, measure
    return rows.iloc[0]


# --- the reference layer ------------------------------------------------------------------


def test_reference_layer_round_trip(tmp_path):
    region = check_region_fixture()
    loaded = load_region(write_region(region, tmp_path / "r.gpkg"))
    assert loaded.reference is not None
    pd.testing.assert_frame_equal(loaded.reference, region.reference, check_dtype=False)
    assert loaded.reference["year"].dtype == "int64"
    assert np.isnan(loaded.reference.set_index("code").at["BU99990001", "households"])


def test_package_without_reference_still_loads(tmp_path):
    loaded = load_region(write_region(tiny_region(), tmp_path / "r.gpkg"))
    assert loaded.reference is None


@pytest.mark.parametrize(("change", "message"), [
    ({"level": "dorp"}, "onbekende waarden: dorp"),
    ({"code": "WK999900"}, "past niet bij het niveau"),
    ({"inhabitants": "veel"}, "tekst in plaats van een getal"),
    ({"share_single_family": 120}, "groter dan 100"),
    ({"dwellings": -5}, "negatieve"),
    ({"year": None}, "jaartal"),
])
def test_reference_validation_messages(change, message):
    ref = check_reference()
    row = ref.index[ref["code"] == "BU99990000"][0]
    ref = ref.astype(object)
    for col, value in change.items():
        ref.at[row, col] = value
    with pytest.raises(RegionError, match=message) as err:
        validate_region(dataclasses.replace(tiny_region(), reference=ref))
    assert "reference" in str(err.value)


def test_duplicate_reference_unit_is_refused():
    ref = pd.concat([check_reference(), check_reference().iloc[[3]]])
    with pytest.raises(RegionError, match="dubbel.*BU99990000"):
        validate_region(dataclasses.replace(tiny_region(), reference=ref))


# --- verdicts ---------------------------------------------------------------------------------


def test_columns_and_order(table):
    assert list(table.columns) == list(CHECK_COLUMNS)
    parts = list(dict.fromkeys(table["part"]))
    assert parts == ["doel", "gemeente", "wijk", "buurt"]
    assert set(table["verdict"]) <= {"gelijk", "binnen marge", "wijkt af", "geen gegevens"}


def test_inhabitants_exact_per_buurt_with_rounding_margin_above(table):
    assert _row(table, "BU99990000", "inhabitants")["verdict"] == "gelijk"
    bravo = _row(table, "BU99990001", "inhabitants")
    assert (bravo["model"], bravo["reference"], bravo["difference"]) == (800, 805, -5)
    assert bravo["verdict"] == "wijkt af"
    # a wijk of 2 buurten: CBS rounds each buurt to 5, so ± 5 is within the margin
    noord = _row(table, "WK999900", "inhabitants")
    assert (noord["model"], noord["difference"], noord["verdict"]) == (1800, -3, "binnen marge")
    assert _row(table, "GM9999", "inhabitants")["verdict"] == "gelijk"
    summary = _target(table, "inhabitants")
    assert (summary["model"], summary["reference"], summary["verdict"]) == (2, 3, "wijkt af")
    assert _target(table, "pop_65plus")["verdict"] == "gelijk"


def test_dwellings_within_two_percent(table):
    noord = _row(table, "WK999900", "dwellings")  # 100 against 101: -1 %
    assert noord["model"] == 100 and noord["relative"] == pytest.approx(-1 / 101)
    assert noord["verdict"] == "binnen marge"
    zuid = _row(table, "WK999901", "dwellings")  # 100 against 97: +3.1 %
    assert zuid["verdict"] == "wijkt af"
    assert _row(table, "GM9999", "dwellings")["verdict"] == "gelijk"
    assert _target(table, "dwellings")["verdict"] == "wijkt af"
    assert "1 van 2 wijken" in _target(table, "dwellings")["note"]


def test_single_family_share(table):
    assert _row(table, "WK999900", "share_single_family")["model"] == pytest.approx(70.0)
    assert _row(table, "WK999900", "share_single_family")["verdict"] == "binnen marge"
    assert _row(table, "WK999901", "share_single_family")["verdict"] == "gelijk"
    gm = _row(table, "GM9999", "share_single_family")
    assert gm["model"] == pytest.approx(85.0) and gm["verdict"] == "wijkt af"


def test_households_not_in_model_then_equal():
    region = check_region_fixture()
    row = _row(check_region(region, analyse(region)), "BU99990000", "households")
    assert row["verdict"] == "geen gegevens" and "niet in model" in row["note"]
    region = check_region_fixture(households=True)
    row = _row(check_region(region, analyse(region)), "BU99990000", "households")
    assert (row["model"], row["verdict"]) == (450, "gelijk")


def test_distances_means_and_rank_correlation(table):
    for code, km in GP_KM.items():
        assert _row(table, code, "dist_gp_km")["model"] == pytest.approx(km, abs=1e-6)
    gp = _row(table, "GM9999", "dist_gp_km")
    assert gp["model"] == pytest.approx(GM_GP_KM, abs=1e-6)
    assert gp["verdict"] == "binnen marge"  # 0.641 against 0.8: -20 %
    assert "rechte lijn" in gp["method"]
    sm = _row(table, "GM9999", "dist_supermarket_km")
    assert sm["model"] == pytest.approx(GM_SUPERMARKET_KM, abs=1e-6)
    assert sm["verdict"] == "wijkt af"  # 0.937 against 1.7: -45 %
    # GP: the same order as CBS (rho 1); supermarket ranks (1,3,2) against (2,1,3): rho -0.5
    rho_gp = _target(table, "spearman_dist_gp_km")
    assert rho_gp["model"] == pytest.approx(1.0) and rho_gp["verdict"] == "binnen marge"
    rho_sm = _target(table, "spearman_dist_supermarket_km")
    assert rho_sm["model"] == pytest.approx(-0.5) and rho_sm["verdict"] == "wijkt af"


def test_detour_factor_row(table):
    row = _target(table, "detour_dist_gp_km")
    assert row["model"] == pytest.approx(GM_GP_KM * DETOUR_FACTOR)
    assert row["verdict"] == "binnen marge"  # 0.898 against 0.8: +12 %
    assert "Object Vision" in row["method"]
    fitted = 0.8 / GM_GP_KM
    assert f"{fitted:.2f}".replace(".", ",") in row["note"] and "gefit" in row["note"]


def test_region_without_reference_gives_empty_table_and_clear_line():
    region = tiny_region()
    table = check_region(region, analyse(region))
    assert table.empty and list(table.columns) == list(CHECK_COLUMNS)
    assert check_text(table, region.name) == NO_REFERENCE


def test_code_missing_from_the_model_is_reported():
    region = check_region_fixture()
    extra = reference_frame([{"level": "buurt", "code": "BU99990999", "name": "Weg",
                              "inhabitants": 10, "year": 2024, "source": "t"}])
    region = dataclasses.replace(region, reference=pd.concat([region.reference, extra]))
    row = _row(check_region(region, analyse(region)), "BU99990999", "inhabitants")
    assert row["verdict"] == "geen gegevens" and "niet in de buurtindeling" in row["note"]


def test_fmt_value():
    assert fmt_value(2.55, "km") == "2,5 km" and fmt_value(0.0, "km", diff=True) == "±0 km"
    assert fmt_value(np.nan, "aantal") == "–"


# --- CLI --------------------------------------------------------------------------------------


def test_cli_check_prints_targets_and_writes_csv(tmp_path, capsys):
    path = write_region(check_region_fixture(), tmp_path / "r.gpkg")
    out = tmp_path / "controle.csv"
    assert main(["check", "--region", str(path), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.index("Doelen") < text.index("Gemeente") < text.index("Per wijk")
    assert "inwoners per buurt" in text and "2 van 3 buurten" in text
    assert "Per buurt: gebruik --detail" in text and "BU99990001 Bravo" not in text
    written = pd.read_csv(out)
    assert list(written.columns) == list(CHECK_COLUMNS)
    assert set(written["part"]) == {"doel", "gemeente", "wijk", "buurt"}
    assert main(["check", "--region", str(path), "--detail"]) == 0
    assert "BU99990001 Bravo" in capsys.readouterr().out


def test_cli_check_without_reference_and_on_bad_input(tmp_path, capsys):
    path = write_region(tiny_region(), tmp_path / "r.gpkg")
    assert main(["check", "--region", str(path)]) == 0
    assert "geen controlecijfers" in capsys.readouterr().out
    assert main(["check", "--region", str(tmp_path / "ontbreekt.gpkg")]) == 2
    assert "Fout:" in capsys.readouterr().err
