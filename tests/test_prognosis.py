"""Tests of geo.analysis.prognosis: arithmetic checked by hand on tiny inputs."""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import pytest

from geo import vocabulary
from geo.analysis import prognosis
from geo.analysis.prognosis import project_population, project_series
from geo.config import get_config, use_config
from geo.errors import AnalysisError, WoonzorgError
from geo.model.prognosis import VARIANTS, PrognosisSettings, get_variant

BANDS = vocabulary.AGE_BANDS
COLS = vocabulary.band_columns()


def make_settings(survival=1.0, birth=0.0, migration=None, **kwargs) -> PrognosisSettings:
    surv = survival if isinstance(survival, dict) else dict.fromkeys(BANDS, survival)
    return PrognosisSettings(
        survival=surv,
        birth_rate_per_1000=birth,
        migration_rate=migration or {},
        name="test",
        **kwargs,
    )


def make_pop(*rows: dict[str, float], index=None) -> pd.DataFrame:
    data = [{col: float(row.get(col, 0.0)) for col in COLS} for row in rows]
    return pd.DataFrame(data, index=index)


DRENTHE_SHARES = {
    "pop_0_14": 0.145,
    "pop_15_24": 0.11,
    "pop_25_44": 0.20,
    "pop_45_64": 0.29,
    "pop_65_74": 0.14,
    "pop_75_84": 0.085,
    "pop_85_plus": 0.03,
}


def drenthe_pop(total: float = 34_000.0) -> pd.DataFrame:
    return make_pop({col: share * total for col, share in DRENTHE_SHARES.items()})


# --- arithmetic ------------------------------------------------------------------


def test_one_year_ageing_by_hand():
    pop = make_pop(
        {
            "pop_0_14": 150,
            "pop_15_24": 100,
            "pop_25_44": 200,
            "pop_45_64": 200,
            "pop_65_74": 100,
            "pop_75_84": 50,
            "pop_85_plus": 20,
        }
    )
    out = project_population(pop, 2024, 2025, make_settings())
    # out_b = in_b * (1 - 1/w_b) + in_{b-1} / w_{b-1}
    expected = {
        "pop_0_14": 150 - 150 / 15,  # 140
        "pop_15_24": 100 - 100 / 10 + 150 / 15,  # 100
        "pop_25_44": 200 - 200 / 20 + 100 / 10,  # 200
        "pop_45_64": 200 - 200 / 20 + 200 / 20,  # 200
        "pop_65_74": 100 - 100 / 10 + 200 / 20,  # 100
        "pop_75_84": 50 - 50 / 10 + 100 / 10,  # 55: exactly 1/10 of 65_74 moved up
        "pop_85_plus": 20 + 50 / 10,  # 25
    }
    for col, value in expected.items():
        assert out[col].iloc[0] == pytest.approx(value, rel=1e-12), col
    assert out.to_numpy().sum() == pytest.approx(820.0)


@pytest.mark.parametrize("years", [1, 5, 26])
def test_closed_population_is_constant(years):
    pop = drenthe_pop()
    out = project_population(pop, 2024, 2024 + years, make_settings())
    assert out.to_numpy().sum() == pytest.approx(34_000.0, rel=1e-12)


def test_two_steps_by_hand():
    # Only 65_74 = 100. Year 1: 65_74 = 90, 75_84 = 10, 85+ = 0.
    # Year 2: 65_74 = 90 * 0.9 = 81; 75_84 = 10 * 0.9 + 90 * 0.1 = 18; 85+ = 10 * 0.1 = 1.
    pop = make_pop({"pop_65_74": 100})
    out = project_population(pop, 2024, 2026, make_settings())
    assert out["pop_65_74"].iloc[0] == pytest.approx(81.0)
    assert out["pop_75_84"].iloc[0] == pytest.approx(18.0)
    assert out["pop_85_plus"].iloc[0] == pytest.approx(1.0)


@pytest.mark.parametrize("t", [1, 3, 10])
def test_oldest_band_dies_geometrically(t):
    surv = dict.fromkeys(BANDS, 1.0) | {"85_plus": 0.84}
    pop = make_pop({"pop_85_plus": 1000})
    out = project_population(pop, 2030, 2030 + t, make_settings(survival=surv))
    assert out["pop_85_plus"].iloc[0] == pytest.approx(1000 * 0.84**t, rel=1e-12)
    assert out.drop(columns="pop_85_plus").to_numpy().sum() == 0.0


def test_survival_applied_before_ageing():
    surv = dict.fromkeys(BANDS, 1.0) | {"65_74": 0.9}
    pop = make_pop({"pop_65_74": 100})
    out = project_population(pop, 2024, 2025, make_settings(survival=surv))
    assert out["pop_65_74"].iloc[0] == pytest.approx(81.0)  # 90 survivors, 9/10 stay
    assert out["pop_75_84"].iloc[0] == pytest.approx(9.0)  # 1/10 of survivors move


def test_births_one_year():
    pop = make_pop({"pop_25_44": 600, "pop_45_64": 400})
    out = project_population(pop, 2024, 2025, make_settings(birth=10.0))
    assert out["pop_0_14"].iloc[0] == pytest.approx(10.0)
    assert out.to_numpy().sum() == pytest.approx(1010.0)


def test_migration_applied_after_ageing():
    pop = make_pop({"pop_15_24": 100, "pop_25_44": 200})
    mig = {"15_24": -0.1, "25_44": 0.05}
    out = project_population(pop, 2024, 2025, make_settings(migration=mig))
    # 15_24: (100 - 10) * 0.9 = 81; 25_44: (200 - 10 + 10) * 1.05 = 210
    assert out["pop_15_24"].iloc[0] == pytest.approx(81.0)
    assert out["pop_25_44"].iloc[0] == pytest.approx(210.0)
    assert out["pop_45_64"].iloc[0] == pytest.approx(10.0)  # no migration in 45_64


def test_annual_matrix_rows_sum_to_one_when_closed():
    m = prognosis.annual_matrix(make_settings())
    np.testing.assert_allclose(m.sum(axis=1), 1.0)


# --- API contract ----------------------------------------------------------------


def test_index_preserved_other_columns_dropped_input_untouched():
    pop = make_pop(
        {"pop_65_74": 100, "pop_85_plus": 5},
        {"pop_0_14": 7, "pop_75_84": 3},
        index=pd.Index(["GM1731_A", "GM1731_B"], name="area_code"),
    )
    pop["name"] = ["Beilen", "Westerbork"]
    pop["pop_65_74"] = pop["pop_65_74"].astype("int64")
    before = pop.copy(deep=True)
    out = project_population(pop, 2024, 2030)
    pd.testing.assert_frame_equal(pop, before)
    pd.testing.assert_index_equal(out.index, pop.index)
    assert list(out.columns) == COLS
    assert all(dtype == np.float64 for dtype in out.dtypes)


def test_same_year_returns_float_copy():
    pop = make_pop({"pop_0_14": 3, "pop_65_74": 4}).astype("int64")
    out = project_population(pop, 2024, 2024)
    pd.testing.assert_frame_equal(out, pop[COLS].astype("float64"))
    out.iloc[0, 0] = 999.0
    assert pop.iloc[0, 0] == 3


def test_default_settings_is_basis():
    pop = drenthe_pop()
    pd.testing.assert_frame_equal(
        project_population(pop, 2024, 2035),
        project_population(pop, 2024, 2035, get_variant("basis")),
    )


@pytest.mark.parametrize("year", [2023, get_config().max_year + 1])
def test_bad_years_raise(year):
    with pytest.raises(AnalysisError, match="Prognosejaar"):
        project_population(drenthe_pop(), 2024, year)


def test_max_year_reads_setting_at_call():
    with use_config(get_config().replace(planning_horizon=2030, max_year=2030)), \
            pytest.raises(AnalysisError, match="2030"):
        project_population(drenthe_pop(), 2024, 2031)


@pytest.mark.parametrize("year", [2030.0, "2030", True])
def test_non_integer_year_raises(year):
    with pytest.raises(AnalysisError):
        project_population(drenthe_pop(), 2024, year)


def test_missing_columns_named():
    pop = drenthe_pop().drop(columns=["pop_75_84", "pop_85_plus"])
    with pytest.raises(WoonzorgError, match="pop_75_84, pop_85_plus"):
        project_population(pop, 2024, 2030)


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_invalid_counts_raise(bad):
    pop = drenthe_pop()
    pop.loc[0, "pop_45_64"] = bad
    with pytest.raises(WoonzorgError, match="Bevolking"):
        project_population(pop, 2024, 2030)


def test_empty_population():
    out = project_population(make_pop().reindex(columns=COLS), 2024, 2030)
    assert out.empty
    assert list(out.columns) == COLS


# --- series --------------------------------------------------------------------


def test_series_matches_summed_areas():
    pop = pd.concat([drenthe_pop(1000), drenthe_pop(2500)], ignore_index=True)
    pop.loc[1, "pop_85_plus"] = 0.0
    series = project_series(pop, 2024, [2040, 2024, 2030, 2030], get_variant("vergrijzing_plus"))
    assert list(series.columns) == ["year", *COLS, "pop_total"]
    assert series["year"].tolist() == [2024, 2030, 2040]
    for _, row in series.iterrows():
        year = int(row["year"])
        areas = project_population(pop, 2024, year, get_variant("vergrijzing_plus"))
        np.testing.assert_allclose(row[COLS].to_numpy(float), areas.sum().to_numpy(), rtol=1e-12)
        assert row["pop_total"] == pytest.approx(areas.to_numpy().sum(), rel=1e-12)


def test_series_errors():
    with pytest.raises(AnalysisError):
        project_series(drenthe_pop(), 2024, [])
    with pytest.raises(AnalysisError):
        project_series(drenthe_pop(), 2024, [2030, 2020])
    with pytest.raises(AnalysisError):
        project_series(drenthe_pop(), 2024, [2030, "2035"])


# --- settings and variants -------------------------------------------------------


def test_variants_present_and_round_trip():
    assert {"basis", "vergrijzing_plus", "groei"} <= set(VARIANTS)
    for key, variant in VARIANTS.items():
        assert variant.name == key
        assert variant.description and variant.source
        again = PrognosisSettings.from_dict(variant.to_dict())
        assert again == variant
        assert hash(again) == hash(variant)
    assert all(v == 0.0 for v in get_variant("basis").migration_rate.values())
    assert get_variant("vergrijzing_plus").migration_rate["15_24"] == -0.005
    assert get_variant("groei").migration_rate["0_14"] == 0.005


def test_get_variant_unknown_lists_names():
    with pytest.raises(WoonzorgError, match="basis, vergrijzing_plus, groei"):
        get_variant("krimp")


def test_settings_are_immutable_copies():
    surv = dict.fromkeys(BANDS, 1.0)
    s = make_settings(survival=surv)
    surv["0_14"] = 0.5
    assert s.survival["0_14"] == 1.0
    with pytest.raises(TypeError):
        s.survival["0_14"] = 0.5  # type: ignore[index]
    assert list(s.migration_rate) == list(BANDS)  # missing bands filled with 0.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"survival": {"0_14": 1.0}}, "ontbrekende leeftijdsklasse"),
        ({"survival": dict.fromkeys(BANDS, 1.0) | {"90_plus": 1.0}}, "onbekende"),
        ({"survival": dict.fromkeys(BANDS, 0.0)}, "Overlevingskans"),
        ({"survival": dict.fromkeys(BANDS, 1.01)}, "Overlevingskans"),
        ({"survival": dict.fromkeys(BANDS, math.nan)}, "eindig"),
        ({"birth": -1.0}, "Geboortecijfer"),
        ({"birth": math.inf}, "Geboortecijfer"),
        ({"migration": {"0_14": -1.0}}, "Migratiesaldo"),
        ({"migration": {"0_14": math.nan}}, "eindig"),
    ],
)
def test_settings_validation(kwargs, match):
    with pytest.raises(WoonzorgError, match=match):
        make_settings(**kwargs)


def test_from_dict_rejects_unknown_and_missing_keys():
    data = get_variant("basis").to_dict()
    with pytest.raises(WoonzorgError, match="onbekende sleutel"):
        PrognosisSettings.from_dict(data | {"fertility": 1.5})
    del data["survival"]
    with pytest.raises(WoonzorgError, match="survival"):
        PrognosisSettings.from_dict(data)


# --- sanity on a Drenthe-like structure ------------------------------------------


def _share(frame: pd.DataFrame, bands: tuple[str, ...]) -> float:
    return float(frame[vocabulary.band_columns(bands)].to_numpy().sum() / frame.to_numpy().sum())


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_drenthe_like_structure_ages(variant):
    pop = drenthe_pop()
    base = pop[COLS]
    out = project_population(pop, 2024, 2040, get_variant(variant))
    for group in ("65+", "75+", "85+"):
        bands = vocabulary.AGE_GROUPS[group]
        assert _share(out, bands) > _share(base, bands), group
    # Plausible range: no explosion or collapse in 16 years.
    assert 0.85 < out.to_numpy().sum() / 34_000 < 1.15


def test_vectorised_speed():
    rng = np.random.default_rng(0)
    pop = pd.DataFrame(rng.uniform(0, 100, size=(14_500, len(COLS))), columns=COLS)
    start = time.perf_counter()
    out = project_population(pop, 2024, 2050)
    assert time.perf_counter() - start < 1.0
    assert out.shape == pop.shape
