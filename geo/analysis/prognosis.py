"""Population prognosis by age band: a one-year-step band-transition cohort model.

The population of every area is given as counts in the seven canonical age bands
(``pop_0_14`` … ``pop_85_plus``, see :func:`geo.vocabulary.band_columns`). The model
moves these counts forward one calendar year at a time. Each year, in this order:

1. **Deaths.** Of the people in band *b* at the start of the year, the fraction
   ``survival[b]`` survives the year (annual survival probability per band).
2. **Ageing.** Of the survivors of band *b*, the fraction ``1 / width[b]`` moves up
   into band *b + 1* (e.g. 1/10 of the survivors aged 65–74 become 75–84); the rest
   stays. The open band 85+ receives people from 75–84 and only loses people by
   death.
3. **Net migration.** Every band then changes by ``migration_rate[b]`` times its
   population after step 2 (``+0.005`` = net in-migration of 0.5% of the band per
   year, ``-0.005`` = net out-migration).
4. **Births.** ``birth_rate_per_1000 / 1000`` times the total population at the start
   of the year is added to band 0–14.

Because every step is linear, one year is a fixed 7 × 7 matrix applied to the vector
of band counts of each area, and all areas are projected at once (numpy).

Assumptions and limitations (state these wherever the results are shown):

- Ages are **uniformly distributed within a band**. For uneven cohorts (a large
  baby-boom group at the top of a band) the real flow to the next band is faster or
  slower than ``1 / width``; the model smooths this out.
- **Survival** is per band, both sexes together, constant over time (no further rise
  in life expectancy). The defaults (:data:`DEFAULT_SURVIVAL`) are rounded
  approximations of Dutch period life tables (CBS, 2023, both sexes), not exact
  values; they can be edited per scenario. People who move up die at the rate of the
  band they started the year in.
- **Births** follow a crude birth rate per 1,000 inhabitants of the whole population,
  constant over time. The default of 8.5 per 1,000 is an approximation of the crude
  birth rate of the province of Drenthe in recent years. Newborns are not subject to
  mortality or migration in their year of birth.
- **Net migration** is a constant annual fraction per band; the default variant
  ``"basis"`` has no net migration at all. There is no housing-led migration (new
  construction does not attract residents).
- Results are kept as floats; round only for display. The model is a transparent
  planning approximation for comparing areas and scenarios, not an official forecast
  (for that, see the CBS/PBL regional prognoses and the provincial prognosis).

The parameters (:class:`~geo.model.prognosis.PrognosisSettings`) and the built-in
variants are in :mod:`geo.model.prognosis`.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral

import numpy as np
import pandas as pd

from geo import vocabulary
from geo.config import get_config
from geo.errors import AnalysisError
from geo.model.prognosis import PrognosisSettings, band_names, get_variant

__all__ = [
    "annual_matrix",
    "project_by_gemeente",
    "project_population",
    "project_series",
]


def _is_year(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def annual_matrix(settings: PrognosisSettings) -> np.ndarray:
    """Return the one-year transition matrix of the model.

    Parameters
    ----------
    settings
        Model parameters.

    Returns
    -------
    numpy.ndarray
        Float array ``M`` of shape (bands, bands) such that ``row @ M`` is the
        population one year later of a row vector ``row`` of band counts (bands in
        :data:`geo.vocabulary.AGE_BANDS` order). ``M[i, j]`` is how much one person in
        band ``i`` contributes to band ``j`` after one year.

    Examples
    --------
    >>> m = annual_matrix(PrognosisSettings(survival=dict.fromkeys(
    ...     ["0_14", "15_24", "25_44", "45_64", "65_74", "75_84", "85_plus"], 1.0),
    ...     birth_rate_per_1000=0.0))
    >>> float(m[4, 4]), float(m[4, 5])
    (0.9, 0.1)
    """
    bands = band_names()
    n = len(bands)
    matrix = np.zeros((n, n), dtype=np.float64)
    for i, band in enumerate(bands):
        width = vocabulary.AGE_BAND_WIDTHS[band]
        move = 0.0 if width is None or i == n - 1 else 1.0 / width
        survivors = settings.survival[band]
        matrix[i, i] += survivors * (1.0 - move) * (1.0 + settings.migration_rate[band])
        if move:
            up = bands[i + 1]
            matrix[i, i + 1] += survivors * move * (1.0 + settings.migration_rate[up])
    matrix[:, 0] += settings.birth_rate_per_1000 / 1000.0
    return matrix


def _check_years(base_year: object, years: Iterable[object]) -> None:
    max_year = get_config().max_year
    if not _is_year(base_year):
        raise AnalysisError(f"Basisjaar moet een geheel jaartal zijn, niet {base_year!r}.")
    for year in years:
        if not _is_year(year):
            raise AnalysisError(f"Prognosejaar moet een geheel jaartal zijn, niet {year!r}.")
        if year < base_year:  # type: ignore[operator]
            raise AnalysisError(
                f"Prognosejaar {year} ligt vóór het basisjaar {base_year} van de "
                "bevolkingsgegevens; kies een jaar vanaf het basisjaar."
            )
        if year > max_year:  # type: ignore[operator]
            raise AnalysisError(
                f"Prognosejaar {year} ligt na {max_year}, het laatste jaar waarvoor een "
                f"prognose wordt gemaakt; kies een jaar van {base_year} t/m {max_year}."
            )


def _band_values(population: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Return the band counts as a float array (areas × bands) and the column names."""
    if not isinstance(population, pd.DataFrame):
        raise AnalysisError(
            f"Bevolking: verwacht een tabel (DataFrame), niet {type(population).__name__}."
        )
    columns = vocabulary.band_columns(band_names())
    missing = [col for col in columns if col not in population.columns]
    if missing:
        raise AnalysisError(
            f"Bevolking mist de kolom(men) {', '.join(missing)}; nodig zijn "
            f"{', '.join(columns)} (aantal inwoners per leeftijdsklasse)."
        )
    try:
        values = population[columns].to_numpy(dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise AnalysisError(
            f"Bevolking: de kolommen {', '.join(columns)} moeten getallen bevatten."
        ) from None
    if not np.isfinite(values).all() or (values < 0).any():
        raise AnalysisError(
            "Bevolking: aantallen per leeftijdsklasse moeten eindige getallen van 0 of "
            "meer zijn (geen lege, negatieve of oneindige waarden)."
        )
    return values, columns


def _resolve_settings(settings: object) -> PrognosisSettings:
    if settings is None:
        return get_variant("basis")
    if not isinstance(settings, PrognosisSettings):
        raise AnalysisError(
            f"Prognose-instellingen: verwacht PrognosisSettings, niet {type(settings).__name__}."
        )
    return settings


def _advance(values: np.ndarray, matrix: np.ndarray, steps: int) -> np.ndarray:
    for _ in range(steps):
        values = values @ matrix
    return values


def project_population(
    population: pd.DataFrame,
    base_year: int,
    year: int,
    settings: PrognosisSettings | None = None,
) -> pd.DataFrame:
    """Project the population per area and age band to a later year.

    Parameters
    ----------
    population
        One row per area with the band columns ``pop_0_14`` … ``pop_85_plus``
        (counts, at least 0) for ``base_year``. Other columns are ignored.
    base_year
        Year the counts refer to.
    year
        Year to project to, from ``base_year`` to ``get_config().max_year``.
    settings
        Model parameters; default the variant ``"basis"``.

    Returns
    -------
    pandas.DataFrame
        New frame with only the band columns (float, unrounded) for ``year``, on the
        same index as ``population``. For ``year == base_year`` a float copy.

    Raises
    ------
    geo.errors.AnalysisError
        If ``year`` lies before ``base_year`` or after ``get_config().max_year``.
    geo.errors.AnalysisError
        If band columns are missing or hold non-numeric, negative or missing values.

    Examples
    --------
    >>> pop = pd.DataFrame({c: [0.0] for c in
    ...     ["pop_0_14", "pop_15_24", "pop_25_44", "pop_45_64", "pop_65_74",
    ...      "pop_75_84", "pop_85_plus"]})
    >>> pop["pop_85_plus"] = 1000.0
    >>> round(float(project_population(pop, 2024, 2026)["pop_85_plus"].iloc[0]), 1)
    705.6
    """
    values, columns = _band_values(population)
    _check_years(base_year, [year])
    settings = _resolve_settings(settings)
    result = _advance(values, annual_matrix(settings), year - base_year)
    return pd.DataFrame(result, index=population.index.copy(), columns=columns)


def project_series(
    population: pd.DataFrame,
    base_year: int,
    years: Iterable[int],
    settings: PrognosisSettings | None = None,
    gemeente_codes: pd.Series | np.ndarray | None = None,
) -> pd.DataFrame:
    """Project the population totalled over all areas for several years (trend charts).

    Parameters
    ----------
    population
        As in :func:`project_population`.
    base_year
        Year the counts refer to.
    years
        Years to report, each from ``base_year`` to ``get_config().max_year``;
        duplicates are dropped and the result is sorted. Include ``base_year`` to get
        the starting point.
    settings
        Model parameters; default the variant ``"basis"``.
    gemeente_codes
        Municipality code per row; when ``settings`` has per-municipality tables, each
        municipality is projected with its own (:func:`project_by_gemeente`) and summed.

    Returns
    -------
    pandas.DataFrame
        Tidy frame, one row per year on a fresh ``RangeIndex``, with columns
        ``year`` (int), the band columns ``pop_0_14`` … ``pop_85_plus`` and
        ``pop_total`` (floats, totals over all areas). Equal, up to floating-point
        rounding, to summing :func:`project_population` over the areas.

    Raises
    ------
    geo.errors.AnalysisError
        If a year lies before ``base_year`` or after ``get_config().max_year``, or none is given.
    geo.errors.AnalysisError
        If band columns are missing or invalid.

    Examples
    --------
    >>> pop = pd.DataFrame({c: [10.0, 20.0] for c in
    ...     ["pop_0_14", "pop_15_24", "pop_25_44", "pop_45_64", "pop_65_74",
    ...      "pop_75_84", "pop_85_plus"]})
    >>> project_series(pop, 2024, [2030, 2024])["year"].tolist()
    [2024, 2030]
    """
    values, columns = _band_values(population)
    requested = list(years)
    if not requested:
        raise AnalysisError("Geef minstens één prognosejaar op.")
    _check_years(base_year, requested)
    wanted = sorted({int(year) for year in requested})
    settings = _resolve_settings(settings)
    groups = [(settings, np.ones(len(values), dtype=bool))]
    if gemeente_codes is not None and settings.gemeente:
        codes = np.asarray(gemeente_codes, dtype=object).astype(str)
        own = [c for c in dict.fromkeys(codes.tolist()) if c in settings.gemeente]
        rest = ~np.isin(codes, own)
        groups = [(settings, rest)] + [(settings.for_gemeente(c), codes == c) for c in own]
    rows = [np.zeros(len(columns)) for _ in wanted]
    for group_settings, sel in groups:
        matrix = annual_matrix(group_settings)
        # The model is linear: projecting a group's total equals totalling its areas.
        current = values[sel].sum(axis=0)
        at = base_year
        for k, year in enumerate(wanted):
            current = _advance(current, matrix, year - at)
            at = year
            rows[k] = rows[k] + current
    frame = pd.DataFrame(np.vstack(rows), columns=columns)
    frame["pop_total"] = frame[columns].sum(axis=1)
    frame.insert(0, "year", np.asarray(wanted, dtype=np.int64))
    return frame


def project_by_gemeente(
    population: pd.DataFrame,
    gemeente_codes: pd.Series | np.ndarray,
    base_year: int,
    year: int,
    settings: PrognosisSettings | None = None,
) -> pd.DataFrame:
    """Project every municipality's areas with that municipality's settings.

    Each municipality's population is projected with the variant, or with the variant's
    table for that municipality (:meth:`PrognosisSettings.for_gemeente`); the model works
    row by row, so the region's projection is exactly the sum of its municipalities'.

    Parameters
    ----------
    population
        As in :func:`project_population` (one row per area).
    gemeente_codes
        ``(n_areas,)`` municipality code of every row.
    base_year, year, settings
        As in :func:`project_population`.

    Returns
    -------
    pandas.DataFrame
        As :func:`project_population`.
    """
    settings = _resolve_settings(settings)
    codes = np.asarray(gemeente_codes, dtype=object).astype(str)
    own = [c for c in dict.fromkeys(codes.tolist()) if c in settings.gemeente]
    result = project_population(population, base_year, year, settings)
    if not own:
        return result
    values, _ = _band_values(population)
    for code in own:
        sel = codes == code
        matrix = annual_matrix(settings.for_gemeente(code))
        result.loc[sel, :] = _advance(values[sel], matrix, year - base_year)
    return result
