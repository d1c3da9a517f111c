"""Prognosis parameters: the settings of the cohort model and its built-in variants.

A :class:`PrognosisSettings` object holds the annual survival per age band, the birth
rate and the net migration per band; :data:`VARIANTS` are the named variants offered in
the app and the CLI. The model that uses them, and its assumptions, is described in
:mod:`geo.analysis.prognosis`.

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

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from numbers import Real
from types import MappingProxyType
from typing import Any

from geo import vocabulary
from geo.errors import AnalysisError

__all__ = [
    "DEFAULT_BIRTH_RATE_PER_1000",
    "DEFAULT_SURVIVAL",
    "VARIANTS",
    "PrognosisSettings",
    "band_names",
    "get_variant",
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
    "gemeente",
)
_GEMEENTE_KEYS = ("birth_rate_per_1000", "survival", "migration_rate", "description")


def band_names() -> tuple[str, ...]:
    """The age bands in canonical order (keys of the per-band mappings)."""
    return tuple(vocabulary.AGE_BANDS)


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


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
    bands = band_names()
    if not isinstance(values, Mapping):
        raise AnalysisError(
            f"{what}: verwacht een tabel met per leeftijdsklasse een getal "
            f"({', '.join(bands)}), niet {type(values).__name__}."
        )
    unknown = [str(key) for key in values if key not in bands]
    if unknown:
        raise AnalysisError(
            f"{what}: onbekende leeftijdsklasse(n) {', '.join(unknown)}; "
            f"geldig zijn {', '.join(bands)}."
        )
    missing = [band for band in bands if band not in values]
    if missing and fill is None:
        raise AnalysisError(
            f"{what}: ontbrekende leeftijdsklasse(n) {', '.join(missing)}; "
            f"geef een waarde voor alle klassen ({', '.join(bands)})."
        )
    result: dict[str, float] = {}
    for band in bands:
        value = values.get(band, fill)
        if not _is_number(value):
            raise AnalysisError(
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
    gemeente
        Per-municipality parameters in a region of several municipalities: ``{GM code:
        {birth_rate_per_1000, survival, migration_rate, description}}`` (each key optional;
        bands not listed keep this variant's values). In TOML a table
        ``[prognosis.gemeente.GM0114]``. :meth:`for_gemeente` gives one municipality's
        settings; codes not in the region are ignored by the analysis.

    Raises
    ------
    geo.errors.AnalysisError
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
    gemeente: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        survival = _band_mapping(self.survival, "Overlevingskans", fill=None)
        bad = [band for band, value in survival.items() if not 0.0 < value <= 1.0]
        if bad:
            raise AnalysisError(
                "Overlevingskans moet groter dan 0 en hoogstens 1 zijn; fout bij "
                + ", ".join(f"{band} ({survival[band]})" for band in bad)
                + "."
            )
        migration = _band_mapping(self.migration_rate, "Migratiesaldo", fill=0.0)
        bad = [band for band, value in migration.items() if not -1.0 < value <= 1.0]
        if bad:
            raise AnalysisError(
                "Migratiesaldo is een fractie per jaar (bijv. 0.005 = +0,5%) en moet "
                "groter dan -1 en hoogstens 1 zijn; fout bij "
                + ", ".join(f"{band} ({migration[band]})" for band in bad)
                + "."
            )
        if not _is_number(self.birth_rate_per_1000) or self.birth_rate_per_1000 < 0:
            raise AnalysisError(
                "Geboortecijfer (per 1.000 inwoners per jaar) moet een eindig getal "
                f"van 0 of meer zijn, niet {self.birth_rate_per_1000!r}."
            )
        for attr in ("name", "description", "source"):
            if not isinstance(getattr(self, attr), str):
                raise AnalysisError(f"Prognose-instelling '{attr}' moet tekst zijn.")
        if not self.name.strip():
            raise AnalysisError("Prognose-instelling 'name' mag niet leeg zijn.")
        object.__setattr__(self, "survival", survival)
        object.__setattr__(self, "migration_rate", migration)
        object.__setattr__(self, "birth_rate_per_1000", float(self.birth_rate_per_1000))
        object.__setattr__(self, "gemeente", self._checked_gemeente())

    def _checked_gemeente(self) -> MappingProxyType[str, Mapping[str, Any]]:
        """Validate the per-municipality tables; read-only copies of plain data."""
        if not isinstance(self.gemeente, Mapping):
            raise AnalysisError("Prognose 'gemeente': verwacht per gemeentecode een tabel, "
                                "bijv. [prognosis.gemeente.GM0114].")
        out: dict[str, Mapping[str, Any]] = {}
        for code, entry in self.gemeente.items():
            where = f"Prognose voor gemeente {code}"
            if not (isinstance(code, str) and len(code) == 6 and code.startswith("GM")
                    and code[2:].isdigit()):
                raise AnalysisError(f"{where}: gebruik de CBS-gemeentecode (GM en vier "
                                    "cijfers), bijv. [prognosis.gemeente.GM0114].")
            if not isinstance(entry, Mapping):
                raise AnalysisError(f"{where}: verwacht een tabel.")
            unknown = [str(k) for k in entry if k not in _GEMEENTE_KEYS]
            if unknown:
                raise AnalysisError(f"{where}: onbekende sleutel(s) {', '.join(unknown)}; "
                                    f"geldig zijn {', '.join(_GEMEENTE_KEYS)}.")
            plain = json.loads(json.dumps({k: dict(v) if isinstance(v, Mapping) else v
                                           for k, v in entry.items()}))
            out[code] = MappingProxyType(plain)
            try:
                self._variant(code, plain)
            except AnalysisError as exc:
                raise AnalysisError(f"{where}: {exc}") from None
        return MappingProxyType(out)

    def _variant(self, code: str, entry: Mapping[str, Any]) -> PrognosisSettings:
        return replace(
            self,
            survival={**self.survival, **dict(entry.get("survival", {}))},
            migration_rate={**self.migration_rate, **dict(entry.get("migration_rate", {}))},
            birth_rate_per_1000=entry.get("birth_rate_per_1000", self.birth_rate_per_1000),
            description=str(entry.get("description", self.description)),
            name=f"{self.name} ({code})", gemeente={})

    def for_gemeente(self, code: str) -> PrognosisSettings:
        """The settings in force in one municipality (``self`` without a table for it)."""
        entry = self.gemeente.get(str(code))
        return self if entry is None else self._variant(str(code), entry)

    def __hash__(self) -> int:
        return hash(
            (
                tuple(self.survival.items()),
                self.birth_rate_per_1000,
                tuple(self.migration_rate.items()),
                self.name,
                self.description,
                self.source,
                json.dumps({k: dict(v) for k, v in self.gemeente.items()}, sort_keys=True),
            )
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PrognosisSettings):
            return NotImplemented
        return self.to_dict() == other.to_dict()

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
            **({"gemeente": {c: dict(e) for c, e in self.gemeente.items()}}
               if self.gemeente else {}),
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
        geo.errors.AnalysisError
            If a key is unknown or required and missing, or a value is invalid.
        """
        if not isinstance(data, Mapping):
            raise AnalysisError(
                f"Prognose-instellingen: verwacht een tabel, niet {type(data).__name__}."
            )
        unknown = [str(key) for key in data if key not in _DICT_KEYS]
        if unknown:
            raise AnalysisError(
                f"Prognose-instellingen: onbekende sleutel(s) {', '.join(unknown)}; "
                f"geldig zijn {', '.join(_DICT_KEYS)}."
            )
        missing = [key for key in ("survival", "birth_rate_per_1000") if key not in data]
        if missing:
            raise AnalysisError(
                f"Prognose-instellingen: ontbrekende sleutel(s) {', '.join(missing)}."
            )
        return cls(
            survival=data["survival"],
            birth_rate_per_1000=data["birth_rate_per_1000"],
            migration_rate=data.get("migration_rate", {}),
            name=data.get("name", "eigen"),
            description=data.get("description", ""),
            source=data.get("source", ""),
            gemeente=data.get("gemeente", {}),
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
    geo.errors.AnalysisError
        If the name is unknown; the message lists the valid names.

    Examples
    --------
    >>> get_variant("groei").migration_rate["25_44"]
    0.005
    """
    try:
        return VARIANTS[name]
    except (KeyError, TypeError):
        raise AnalysisError(
            f"Onbekende prognosevariant {name!r}; kies uit {', '.join(VARIANTS)}."
        ) from None
