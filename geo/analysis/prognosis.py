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

Attributes
----------
DEFAULT_SURVIVAL : dict
    Default annual survival probability per band (rounded approximations of CBS
    period life tables 2023, both sexes).
DEFAULT_BIRTH_RATE_PER_1000 : float
    Default births per 1,000 inhabitants per year (8.5, approximately Drenthe).
VARIANTS : dict
    Built-in prognosis variants (``"basis"``, ``"vergrijzing_plus"``, ``"groei"``),
    keyed by name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from geo import vocabulary as geo_settings
from geo.errors import AnalysisError, WoonzorgError

__all__ = [
    "DEFAULT_BIRTH_RATE_PER_1000",
    "DEFAULT_SURVIVAL",
    "VARIANTS",
    "PrognosisSettings",
    "annual_matrix",
    "get_variant",
    "project_population",
    "project_series",
]

DEFAULT_SURVIVAL: Mapping[str, float] = MappingProxyType(
    {
        "0_14": 0.9998,
        "15_24": 0.9997,
        "25_44": 0.9993,
        "45_64": 0.9960,
        "65_74": 0.985,
        "75_84": 0.950,
        "85_plus": 0.840,
    }
)
DEFAULT_BIRTH_RATE_PER_1000: float = 8.5

_DEFAULT_SOURCE = (
    "Overlevingskansen: afgeronde benadering van de CBS-overlevingstafels 2023 "
    "(mannen en vrouwen samen); geboortecijfer 8,5 per 1.000 inwoners, ongeveer het "
    "ruwe geboortecijfer van Drenthe in recente jaren."
)
_DICT_KEYS = (
    "name",
    "description",
    "source",
    "birth_rate_per_1000",
    "survival",
    "migration_rate",
)


def _bands() -> tuple[str, ...]:
    return tuple(geo_settings.AGE_BANDS)


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _is_year(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _band_mapping(values: object, what: str, *, fill: float | None) -> MappingProxyType[str, float]:
    """Check a per-band mapping and return a read-only copy in band order.

    Parameters
    ----------
    values
        Mapping from band name (``"0_14"`` … ``"85_plus"``) to a number.
    what
        Dutch name of the parameter, for error messages.
    fill
        Value for missing bands; ``None`` means every band is required.

    Returns
    -------
    types.MappingProxyType
        Band name to float, in canonical band order.
    """
    bands = _bands()
    if not isinstance(values, Mapping):
        raise WoonzorgError(
            f"{what}: verwacht een tabel met per leeftijdsklasse een getal "
            f"({', '.join(bands)}), niet {type(values).__name__}."
        )
    unknown = [str(key) for key in values if key not in bands]
    if unknown:
        raise WoonzorgError(
            f"{what}: onbekende leeftijdsklasse(n) {', '.join(unknown)}; "
            f"geldig zijn {', '.join(bands)}."
        )
    missing = [band for band in bands if band not in values]
    if missing and fill is None:
        raise WoonzorgError(
            f"{what}: ontbrekende leeftijdsklasse(n) {', '.join(missing)}; "
            f"geef een waarde voor alle klassen ({', '.join(bands)})."
        )
    result: dict[str, float] = {}
    for band in bands:
        value = values.get(band, fill)
        if not _is_number(value):
            raise WoonzorgError(
                f"{what} voor leeftijdsklasse {band} moet een eindig getal zijn, niet {value!r}."
            )
        result[band] = float(value)  # type: ignore[arg-type]
    return MappingProxyType(result)


@dataclass(frozen=True)
class PrognosisSettings:
    """Parameters of the band-transition cohort model (one prognosis variant).

    Parameters
    ----------
    survival
        Annual survival probability per band, every band required, each in (0, 1].
    birth_rate_per_1000
        Births per year per 1,000 inhabitants (whole population), at least 0.
    migration_rate
        Annual net migration as a fraction of the band's population, per band, each
        greater than -1 and at most 1 (``0.005`` = +0.5% per year). Missing bands
        get 0.0.
    name
        Short identifier; for the built-in variants the key in :data:`VARIANTS`.
    description
        Dutch explanation of the variant, for the app.
    source
        Dutch line naming the sources and assumptions of the parameters.

    Raises
    ------
    geo.errors.WoonzorgError
        If a band is missing or unknown, or a value is out of range or not finite.

    Notes
    -----
    The mappings are stored as read-only copies in canonical band order, so a
    settings object never changes after creation and is hashable.
    """

    survival: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SURVIVAL))
    birth_rate_per_1000: float = DEFAULT_BIRTH_RATE_PER_1000
    migration_rate: Mapping[str, float] = field(default_factory=dict)
    name: str = "eigen"
    description: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        survival = _band_mapping(self.survival, "Overlevingskans", fill=None)
        bad = [band for band, value in survival.items() if not 0.0 < value <= 1.0]
        if bad:
            raise WoonzorgError(
                "Overlevingskans moet groter dan 0 en hoogstens 1 zijn; fout bij "
                + ", ".join(f"{band} ({survival[band]})" for band in bad)
                + "."
            )
        migration = _band_mapping(self.migration_rate, "Migratiesaldo", fill=0.0)
        bad = [band for band, value in migration.items() if not -1.0 < value <= 1.0]
        if bad:
            raise WoonzorgError(
                "Migratiesaldo is een fractie per jaar (bijv. 0.005 = +0,5%) en moet "
                "groter dan -1 en hoogstens 1 zijn; fout bij "
                + ", ".join(f"{band} ({migration[band]})" for band in bad)
                + "."
            )
        if not _is_number(self.birth_rate_per_1000) or self.birth_rate_per_1000 < 0:
            raise WoonzorgError(
                "Geboortecijfer (per 1.000 inwoners per jaar) moet een eindig getal "
                f"van 0 of meer zijn, niet {self.birth_rate_per_1000!r}."
            )
        for attr in ("name", "description", "source"):
            if not isinstance(getattr(self, attr), str):
                raise WoonzorgError(f"Prognose-instelling '{attr}' moet tekst zijn.")
        if not self.name.strip():
            raise WoonzorgError("Prognose-instelling 'name' mag niet leeg zijn.")
        object.__setattr__(self, "survival", survival)
        object.__setattr__(self, "migration_rate", migration)
        object.__setattr__(self, "birth_rate_per_1000", float(self.birth_rate_per_1000))

    def __hash__(self) -> int:
        return hash(
            (
                tuple(self.survival.items()),
                self.birth_rate_per_1000,
                tuple(self.migration_rate.items()),
                self.name,
                self.description,
                self.source,
            )
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as plain, TOML/JSON-serialisable data.

        Returns
        -------
        dict
            Keys ``name``, ``description``, ``source``, ``birth_rate_per_1000``,
            ``survival`` and ``migration_rate`` (the last two: band → float).

        Examples
        --------
        >>> s = get_variant("basis")
        >>> PrognosisSettings.from_dict(s.to_dict()) == s
        True
        """
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "birth_rate_per_1000": self.birth_rate_per_1000,
            "survival": dict(self.survival),
            "migration_rate": dict(self.migration_rate),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PrognosisSettings:
        """Build settings from data as written by :meth:`to_dict` (e.g. a TOML table).

        Parameters
        ----------
        data
            Mapping with the keys of :meth:`to_dict`. ``survival`` and
            ``birth_rate_per_1000`` are required; ``migration_rate`` defaults to no
            net migration, ``name`` to ``"eigen"``, the texts to empty.

        Returns
        -------
        PrognosisSettings
            The validated settings.

        Raises
        ------
        geo.errors.WoonzorgError
            If a key is unknown or required and missing, or a value is invalid.
        """
        if not isinstance(data, Mapping):
            raise WoonzorgError(
                f"Prognose-instellingen: verwacht een tabel, niet {type(data).__name__}."
            )
        unknown = [str(key) for key in data if key not in _DICT_KEYS]
        if unknown:
            raise WoonzorgError(
                f"Prognose-instellingen: onbekende sleutel(s) {', '.join(unknown)}; "
                f"geldig zijn {', '.join(_DICT_KEYS)}."
            )
        missing = [key for key in ("survival", "birth_rate_per_1000") if key not in data]
        if missing:
            raise WoonzorgError(
                f"Prognose-instellingen: ontbrekende sleutel(s) {', '.join(missing)}."
            )
        return cls(
            survival=data["survival"],
            birth_rate_per_1000=data["birth_rate_per_1000"],
            migration_rate=data.get("migration_rate", {}),
            name=data.get("name", "eigen"),
            description=data.get("description", ""),
            source=data.get("source", ""),
        )


VARIANTS: dict[str, PrognosisSettings] = {
    "basis": PrognosisSettings(
        survival=DEFAULT_SURVIVAL,
        birth_rate_per_1000=DEFAULT_BIRTH_RATE_PER_1000,
        migration_rate={},
        name="basis",
        description=(
            "Basis: alleen sterfte, geboorte en het ouder worden van de huidige "
            "bewoners; geen netto verhuizingen van of naar het gebied. Een neutraal "
            "vergelijkingspunt."
        ),
        source=_DEFAULT_SOURCE + " Aanname: geen netto migratie.",
    ),
    "vergrijzing_plus": PrognosisSettings(
        survival=DEFAULT_SURVIVAL,
        birth_rate_per_1000=DEFAULT_BIRTH_RATE_PER_1000,
        migration_rate={"15_24": -0.005, "25_44": -0.002, "65_74": 0.003},
        name="vergrijzing_plus",
        description=(
            "Extra vergrijzing: jongeren en jonge volwassenen trekken per saldo weg "
            "(15–24 jaar −0,5% en 25–44 jaar −0,2% per jaar), terwijl er per saldo "
            "jonge ouderen bijkomen (65–74 jaar +0,3% per jaar)."
        ),
        source=(
            _DEFAULT_SOURCE + " Migratiesaldi zijn een illustratieve aanname (vertrek "
            "van jongeren naar studie- en werksteden, vestiging van jonge ouderen op "
            "het platteland), geen prognosecijfer."
        ),
    ),
    "groei": PrognosisSettings(
        survival=DEFAULT_SURVIVAL,
        birth_rate_per_1000=DEFAULT_BIRTH_RATE_PER_1000,
        migration_rate={"0_14": 0.005, "25_44": 0.005},
        name="groei",
        description=(
            "Groei: gezinnen vestigen zich per saldo in het gebied (25–44 jaar en "
            "0–14 jaar elk +0,5% per jaar), bijvoorbeeld door woningbouw."
        ),
        source=(
            _DEFAULT_SOURCE + " Migratiesaldi zijn een illustratieve aanname "
            "(instroom van gezinnen), geen prognosecijfer."
        ),
    ),
}


def get_variant(name: str) -> PrognosisSettings:
    """Return a built-in prognosis variant by name.

    Parameters
    ----------
    name
        Key in :data:`VARIANTS` (``"basis"``, ``"vergrijzing_plus"``, ``"groei"``).

    Returns
    -------
    PrognosisSettings
        The variant's settings.

    Raises
    ------
    geo.errors.WoonzorgError
        If the name is unknown; the message lists the valid names.

    Examples
    --------
    >>> get_variant("groei").migration_rate["25_44"]
    0.005
    """
    try:
        return VARIANTS[name]
    except (KeyError, TypeError):
        raise WoonzorgError(
            f"Onbekende prognosevariant {name!r}; kies uit {', '.join(VARIANTS)}."
        ) from None


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
    bands = _bands()
    n = len(bands)
    matrix = np.zeros((n, n), dtype=np.float64)
    for i, band in enumerate(bands):
        width = geo_settings.AGE_BAND_WIDTHS[band]
        move = 0.0 if width is None or i == n - 1 else 1.0 / width
        survivors = settings.survival[band]
        matrix[i, i] += survivors * (1.0 - move) * (1.0 + settings.migration_rate[band])
        if move:
            up = bands[i + 1]
            matrix[i, i + 1] += survivors * move * (1.0 + settings.migration_rate[up])
    matrix[:, 0] += settings.birth_rate_per_1000 / 1000.0
    return matrix


def _check_years(base_year: object, years: Iterable[object]) -> None:
    max_year = geo_settings.MAX_YEAR
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
        raise WoonzorgError(
            f"Bevolking: verwacht een tabel (DataFrame), niet {type(population).__name__}."
        )
    columns = geo_settings.band_columns(_bands())
    missing = [col for col in columns if col not in population.columns]
    if missing:
        raise WoonzorgError(
            f"Bevolking mist de kolom(men) {', '.join(missing)}; nodig zijn "
            f"{', '.join(columns)} (aantal inwoners per leeftijdsklasse)."
        )
    try:
        values = population[columns].to_numpy(dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise WoonzorgError(
            f"Bevolking: de kolommen {', '.join(columns)} moeten getallen bevatten."
        ) from None
    if not np.isfinite(values).all() or (values < 0).any():
        raise WoonzorgError(
            "Bevolking: aantallen per leeftijdsklasse moeten eindige getallen van 0 of "
            "meer zijn (geen lege, negatieve of oneindige waarden)."
        )
    return values, columns


def _resolve_settings(settings: object) -> PrognosisSettings:
    if settings is None:
        return get_variant("basis")
    if not isinstance(settings, PrognosisSettings):
        raise WoonzorgError(
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
        Year to project to, from ``base_year`` to :data:`geo.vocabulary.MAX_YEAR`.
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
        If ``year`` lies before ``base_year`` or after ``MAX_YEAR``.
    geo.errors.WoonzorgError
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
) -> pd.DataFrame:
    """Project the population totalled over all areas for several years (trend charts).

    Parameters
    ----------
    population
        As in :func:`project_population`.
    base_year
        Year the counts refer to.
    years
        Years to report, each from ``base_year`` to :data:`geo.vocabulary.MAX_YEAR`;
        duplicates are dropped and the result is sorted. Include ``base_year`` to get
        the starting point.
    settings
        Model parameters; default the variant ``"basis"``.

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
        If a year lies before ``base_year`` or after ``MAX_YEAR``, or none is given.
    geo.errors.WoonzorgError
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
    matrix = annual_matrix(settings)
    # The model is linear, so projecting the regional total equals totalling the areas.
    current = values.sum(axis=0)
    at = base_year
    rows = []
    for year in wanted:
        current = _advance(current, matrix, year - at)
        at = year
        rows.append(current)
    frame = pd.DataFrame(np.vstack(rows), columns=columns)
    frame["pop_total"] = frame[columns].sum(axis=1)
    frame.insert(0, "year", np.asarray(wanted, dtype=np.int64))
    return frame
