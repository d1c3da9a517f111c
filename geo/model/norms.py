"""Planning norms: demand rates, suitability weight, walking and catchment norms.

A :class:`Norms` object holds every editable assumption of the gap analysis. Presets
carry their source; a user file (TOML or JSON, read by :mod:`geo.io.norms_file`) may start
from a preset and override any value::

    preset = "landelijk_2030"        # optional: start from a preset
    name = "Eigen norm 2025"
    source = "Raadsbesluit woonzorgvisie 2025"

    [demand.clustered]               # units per 1,000 people in an age group
    "75+" = 160

    [walking]                        # metres
    supermarket = 600

    walking_profile = "walk75"       # optional: profile whose speed converts minutes
    [walking_minutes]                # minutes (replace the metres of these types)
    gp = 15

A norm in minutes becomes metres at the walking profile's speed
(:func:`geo.model.profiles.minutes_to_metres`: ``walk`` 1.25 m/s, ``walk75`` 0.75 m/s,
``rollator`` 0.65 m/s; default ``walk``), so 15 minutes for ``walk75`` is 675 m. Every
consumer keeps working in metres (``walking``); ``walking_minutes`` and ``walking_profile``
record what was given.

Demand rates are expressed per 1,000 people of an age group: a single band
(``"75_84"``) or an aggregate (``"65+"``, ``"75+"``, ``"85+"``, ``"total"``). A product's
demand is the sum over its groups of ``rate × population(group) / 1000``.

**Per municipality.** In a region of several municipalities each municipality can make its
own choices: a table ``[gemeente.<GM code>]`` overrides the norms above for the buurten of
that municipality only (everything it does not list comes from the norms above)::

    [gemeente.GM0114.demand.step_free]   # Emmen: own step-free norm
    "65+" = 190
    "75+" = 121

    [gemeente.GM0109]                    # Coevorden: rural walking norms, own weight
    name = "Coevorden woonzorgvisie 2024"
    adaptable_weight = 0.4
    walking = { supermarket = 800, gp = 1500 }

Allowed in a municipality table: ``demand``, ``walking`` (only facility types that have a
walking norm above), ``adaptable_weight``, ``adaptable_min_area``, ``ground_floor_share``,
``name`` and ``source``. Accessibility (``access``) is one regional setting: a 2SFCA
catchment divides a facility's capacity over everyone in reach, whatever municipality they
live in, so it cannot differ per municipality. Codes of municipalities that are not in the
region are ignored by the analysis (one file can serve a whole province).
:meth:`Norms.for_gemeente` gives the norms of one municipality.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from geo import vocabulary
from geo.errors import AnalysisError, NormsError
from geo.model.profiles import get_profile, minutes_to_metres

__all__ = [
    "AccessSpec",
    "Norms",
    "DEFAULT_PRESET",
    "PRESETS",
    "get_preset",
    "norms_from_dict",
    "resolve_norms",
]


@dataclass(frozen=True)
class AccessSpec:
    """Catchment settings of one 2SFCA/E2SFCA accessibility measure.

    Attributes
    ----------
    facility_type
        Facility type whose ``capacity`` is the supply.
    population
        Age group whose population is the demand (``"total"``, ``"75+"`` …).
    radius
        Catchment radius in metres (straight line in RD).
    steps
        E2SFCA distance-decay steps ``((max_distance, weight), …)``; empty for 2SFCA.
    per
        Result multiplier: the score is supply per ``per`` people (e.g. 1,000).
    label
        Dutch label for the app.
    """

    facility_type: str
    population: str
    radius: float
    steps: tuple[tuple[float, float], ...] = ()
    per: float = 1000.0
    label: str = ""


@dataclass(frozen=True)
class Norms:
    """Every editable assumption of the gap analysis.

    Attributes
    ----------
    key
        Identifier (preset name, or ``"custom"``).
    name
        Dutch display name.
    source
        Where the numbers come from (shown in the app and exports).
    year
        Year of the source.
    demand
        ``{product: {age group: units per 1,000 people}}``.
    adaptable_weight
        Share of "adaptable" homes counted as step-free supply (Geroscoop: ½).
    adaptable_min_area
        Ground-floor area (m²) above which a non-step-free single-family home is adaptable.
    ground_floor_share
        Share of a single-family home's floor area on the ground floor, used when the data
        has no ``ground_floor_area`` (½: two storeys).
    walking
        ``{facility type: metres}``: the walking norm per facility type for coverage.
    walking_minutes
        ``{facility type: minutes}`` of norms given in minutes (already converted into
        ``walking``).
    walking_profile
        Profile whose speed converted the minutes (``walk``, ``walk75``, ``rollator`` …).
    access
        ``{measure key: AccessSpec}``: 2SFCA/E2SFCA accessibility measures.
    gemeente
        ``{GM code: overrides}``: per-municipality overrides in the shape of a norms file
        table (see the module docstring); empty for one set of norms everywhere.
    """

    key: str
    name: str
    source: str
    year: int
    demand: Mapping[str, Mapping[str, float]]
    adaptable_weight: float = 0.5
    adaptable_min_area: float = 75.0
    ground_floor_share: float = 0.5
    walking: Mapping[str, float] = field(default_factory=dict)
    access: Mapping[str, AccessSpec] = field(default_factory=dict)
    gemeente: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    walking_minutes: Mapping[str, float] = field(default_factory=dict)
    walking_profile: str = "walk"

    def __post_init__(self) -> None:
        _check_demand(self.demand)
        if not 0.0 <= float(self.adaptable_weight) <= 1.0:
            raise NormsError("adaptable_weight moet tussen 0 en 1 liggen.")
        if not _is_non_negative(self.adaptable_min_area):
            raise NormsError("adaptable_min_area moet ≥ 0 m² zijn.")
        if not 0.0 < float(self.ground_floor_share) <= 1.0:
            raise NormsError("ground_floor_share moet tussen 0 en 1 liggen.")
        _check_walking(self.walking)
        _check_access(self.access)
        for code, entry in self.gemeente.items():
            _check_gemeente_entry(code, entry, self)

    @property
    def max_reach(self) -> float:
        """Largest distance (m) at which a facility still counts: walking norms and catchments.

        A region package should hold the facilities within this distance around the region
        (facilities beyond it change no figure), the buffer of
        ``facilities.outside_region``. Includes every municipality's walking norms.
        """
        reach = [float(v) for v in self.walking.values()]
        for spec in self.access.values():
            reach.append(max([float(spec.radius), *[float(d) for d, _ in spec.steps]]))
        for code in self.gemeente:
            reach += [float(v) for v in self.for_gemeente(code).walking.values()]
        return max(reach, default=0.0)

    def for_gemeente(self, code: str) -> Norms:
        """The norms in force in one municipality (``self`` without an override for it).

        Parameters
        ----------
        code
            CBS municipality code (``GM…``).

        Returns
        -------
        Norms
            These norms with the municipality's table applied, without per-municipality
            tables of their own; key ``<key>@<code>``.
        """
        entry = self.gemeente.get(str(code))
        if not entry:
            return self
        base = replace(self, gemeente={})
        data = {"key": f"{self.key}@{code}", "name": f"{self.name} ({code})", **entry}
        return norms_from_dict(data, base=base)

    def with_overrides(self, data: Mapping[str, Any]) -> Norms:
        """Return a copy with values from ``data`` (same shape as a norms file)."""
        return norms_from_dict(data, base=self)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (TOML/JSON friendly)."""
        return {
            "key": self.key,
            "name": self.name,
            "source": self.source,
            "year": self.year,
            "demand": {p: dict(r) for p, r in self.demand.items()},
            "adaptable_weight": self.adaptable_weight,
            "adaptable_min_area": self.adaptable_min_area,
            "ground_floor_share": self.ground_floor_share,
            "walking": dict(self.walking),
            "walking_minutes": dict(self.walking_minutes),
            "walking_profile": self.walking_profile,
            "access": {
                k: {
                    "facility_type": s.facility_type,
                    "population": s.population,
                    "radius": s.radius,
                    "steps": [list(step) for step in s.steps],
                    "per": s.per,
                    "label": s.label,
                }
                for k, s in self.access.items()
            },
            **({"gemeente": {c: _plain(e) for c, e in self.gemeente.items()}}
               if self.gemeente else {}),
        }


def _is_non_negative(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _check_demand(demand: Mapping[str, Mapping[str, float]]) -> None:
    for product, rates in demand.items():
        if product not in vocabulary.PRODUCTS:
            raise NormsError(
                f"onbekend product '{product}'; kies uit {', '.join(vocabulary.PRODUCTS)}."
            )
        for group, rate in rates.items():
            if group not in vocabulary.AGE_GROUPS:
                raise NormsError(
                    f"onbekende leeftijdsgroep '{group}' bij {product}; kies uit "
                    f"{', '.join(vocabulary.AGE_GROUPS)}."
                )
            if not _is_non_negative(rate):
                raise NormsError(f"norm {product}/{group} moet een getal ≥ 0 zijn: {rate!r}.")
    missing = [p for p in vocabulary.PRODUCTS if p not in demand]
    if missing:
        raise NormsError(f"geen vraagnorm voor: {', '.join(missing)}.")


_GEMEENTE_CODE = re.compile(r"GM\d{4}")
_GEMEENTE_KEYS = ("demand", "walking", "adaptable_weight", "adaptable_min_area",
                  "ground_floor_share", "name", "source")


def _plain(value: Any) -> Any:
    """Nested mappings as plain dicts (TOML/JSON friendly)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _check_gemeente_entry(code: str, entry: Mapping[str, Any], norms: Norms) -> None:
    """Check one ``[gemeente.<code>]`` table against the regional norms."""
    where = f"gemeente.{code}"
    if not isinstance(code, str) or not _GEMEENTE_CODE.fullmatch(code):
        raise NormsError(f"'{where}': een gemeentetabel heet naar de CBS-gemeentecode, "
                         "bijv. [gemeente.GM0114] (GM en vier cijfers).")
    if not isinstance(entry, Mapping):
        raise NormsError(f"'{where}' moet een tabel zijn, bijv. [{where}.demand.step_free].")
    if "access" in entry:
        raise NormsError(f"'{where}.access': bereikbaarheid (2SFCA) is één regionale "
                         "instelling — een voorziening bedient iedereen binnen bereik, uit "
                         "welke gemeente ook. Zet 'access' bovenaan het normbestand.")
    unknown = sorted(str(k) for k in entry if k not in _GEMEENTE_KEYS)
    if unknown:
        raise NormsError(f"onbekende sleutel(s) in '{where}': {', '.join(unknown)}; toegestaan: "
                         f"{', '.join(_GEMEENTE_KEYS)}.")
    walking = entry.get("walking", {})
    if not isinstance(walking, Mapping):
        raise NormsError(f"'{where}.walking' moet een tabel van voorzieningstype → meters zijn.")
    extra = sorted(str(k) for k in walking if k not in norms.walking)
    if extra:
        raise NormsError(f"'{where}.walking' noemt {', '.join(extra)}, dat regionaal geen "
                         "loopnorm heeft; geef eerst een loopnorm in [walking] bovenaan.")
    try:
        norms_from_dict(dict(entry), base=replace(norms, gemeente={}))
    except NormsError as exc:
        raise NormsError(f"in '{where}': {exc}") from None


def _check_walking(walking: Mapping[str, float]) -> None:
    for ftype, metres in walking.items():
        if ftype not in vocabulary.FACILITY_TYPES:
            raise NormsError(f"onbekend voorzieningstype '{ftype}' in loopnormen.")
        if not _is_non_negative(metres) or float(metres) == 0:
            raise NormsError(f"loopnorm {ftype} moet een afstand > 0 m zijn.")


def _check_access(access: Mapping[str, AccessSpec]) -> None:
    for key, spec in access.items():
        if spec.facility_type not in vocabulary.FACILITY_TYPES:
            raise NormsError(f"bereikbaarheid '{key}': onbekend type {spec.facility_type}.")
        if spec.population not in vocabulary.AGE_GROUPS:
            raise NormsError(f"bereikbaarheid '{key}': onbekende groep {spec.population}.")
        if not spec.radius > 0:
            raise NormsError(f"bereikbaarheid '{key}': straal moet > 0 m zijn.")


# Walking norms: ANBO/ActiZ method (Sinfore): supermarket and bus stop 500 m, GP 1,000 m;
# pharmacy 1,000 m follows the "triple-A" pairing with the GP.
_WALKING = {"supermarket": 500.0, "gp": 1000.0, "bus_stop": 500.0, "pharmacy": 1000.0}

# Accessibility measures. GP: one normpraktijk (~2,095 patients) per GP; catchment 5 km
# with walking-based decay scaled to rural distances (own proposal, editable).
_ACCESS = {
    "gp": AccessSpec("gp", "total", 5000.0, ((1500.0, 1.0), (3000.0, 0.68), (5000.0, 0.22)),
                     1000.0, "Huisartscapaciteit (patiëntplaatsen per 1.000 inwoners)"),
    "nursing_somatic": AccessSpec("nursing_somatic", "75+", 15000.0, (), 1000.0,
                                  "Somatische verpleegzorg (plaatsen per 1.000 75-plussers)"),
    "nursing_dementia": AccessSpec("nursing_dementia", "75+", 15000.0, (), 1000.0,
                                   "PG-verpleegzorg (plaatsen per 1.000 75-plussers)"),
    "clustered": AccessSpec("clustered_housing", "75+", 5000.0, (), 1000.0,
                            "Geclusterd wonen (eenheden per 1.000 75-plussers)"),
}

PRESETS: dict[str, Norms] = {
    "landelijk_2030": Norms(
        key="landelijk_2030",
        name="Landelijke doelen 2030 naar rato",
        source=(
            "WOZO-doelen t/m 2030 (170.000 nultreden, 80.000 geclusterd, 40.000 geclusterde "
            "verpleegzorgplekken; Programma Wonen en zorg voor ouderen 2022) naar rato per "
            "1.000 75-plussers (1,4 mln in 2020), opgeteld bij de bestaande landelijke "
            "dichtheid: geclusterd 132.001 eenheden (RIVM Monitor Langer Thuis 2021) ≈ 91 "
            "per 1.000 75+; 24-uurszorg ruim 170.000 ouderen (NRC 2020) ≈ 121 per 1.000 "
            "75+. Nultreden: ouderenhuishoudens met een fysieke beperking ≈ 600.000 (ABF "
            "2020) op 3,4 mln 65-plussers (CBS 2020) ≈ 176 per 1.000 65+, plus de "
            "WOZO-opgave 121 per 1.000 75+. Verdeling somatisch/PG 45/55 is een aanname. "
            "Afgeleide getallen, alleen als vergelijkingsbasis."
        ),
        year=2022,
        demand={
            "step_free": {"65+": 176.0, "75+": 121.0},
            "clustered": {"75+": 148.0},
            "nursing_somatic": {"75+": 67.0},
            "nursing_dementia": {"75+": 83.0},
        },
        walking=_WALKING,
        access=_ACCESS,
    ),
    "eigen_beleid": Norms(
        key="eigen_beleid",
        name="Eigen beleid (leeftijdsgedifferentieerd, voorbeeld)",
        source=(
            "Voorbeeld van een eigen beleidsnorm, oplopend met leeftijd; geen officiële "
            "bron. Bedoeld als startpunt: pas de getallen aan aan de eigen woonzorgvisie."
        ),
        year=2024,
        demand={
            "step_free": {"65_74": 150.0, "75_84": 350.0, "85_plus": 600.0},
            "clustered": {"75_84": 80.0, "85_plus": 250.0},
            "nursing_somatic": {"75_84": 10.0, "85_plus": 60.0},
            "nursing_dementia": {"75_84": 20.0, "85_plus": 110.0},
        },
        walking=_WALKING,
        access=_ACCESS,
    ),
}
DEFAULT_PRESET = "landelijk_2030"


def get_preset(key: str) -> Norms:
    """Return a preset by key; unknown keys raise :class:`NormsError` listing the valid ones."""
    try:
        return PRESETS[key]
    except KeyError:
        raise NormsError(
            f"onbekende normset '{key}'; kies uit {', '.join(PRESETS)} of geef een "
            ".toml/.json-bestand."
        ) from None


def norms_from_dict(data: Mapping[str, Any], *, base: Norms | None = None) -> Norms:
    """Build norms from plain data, starting from ``base`` or ``data['preset']``.

    Nested tables (``demand``, ``walking``, ``access``) are merged per product / type:
    a product listed in ``demand`` replaces that product's rates entirely.
    """
    if base is None:
        base = get_preset(str(data.get("preset", DEFAULT_PRESET)))
    known = {"preset", "key", "name", "source", "year", "demand", "adaptable_weight",
             "adaptable_min_area", "ground_floor_share", "walking", "access", "gemeente",
             "walking_minutes", "walking_profile"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise NormsError(f"onbekende sleutel(s) in normen: {', '.join(unknown)}.")
    demand = {p: dict(r) for p, r in base.demand.items()}
    for product, rates in dict(data.get("demand", {})).items():
        if not isinstance(rates, Mapping):
            raise NormsError(f"demand.{product} moet een tabel van leeftijdsgroep → norm zijn.")
        demand[product] = {str(g): _number(v, f"demand.{product}.{g}") for g, v in rates.items()}
    walking, minutes, profile = _walking(data, base)
    access = dict(base.access)
    for key, spec in dict(data.get("access", {})).items():
        old = access.get(key)
        merged = {**(_spec_dict(old) if old else {}), **dict(spec)}
        try:
            access[key] = AccessSpec(
                facility_type=str(merged["facility_type"]),
                population=str(merged["population"]),
                radius=_number(merged["radius"], f"access.{key}.radius"),
                steps=tuple((float(d), float(w)) for d, w in merged.get("steps", ())),
                per=_number(merged.get("per", 1000.0), f"access.{key}.per"),
                label=str(merged.get("label", key)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise NormsError(f"access.{key} is onvolledig of ongeldig: {exc}") from exc
    gemeente = {str(c): dict(e) for c, e in base.gemeente.items()}
    tables = data.get("gemeente", {})
    if not isinstance(tables, Mapping):
        raise NormsError("'gemeente' moet per gemeentecode een tabel hebben, bijv. "
                         "[gemeente.GM0114.demand.step_free].")
    for code, entry in tables.items():  # a code listed replaces that code's table
        gemeente[str(code)] = _plain(entry) if isinstance(entry, Mapping) else entry
    changed = bool({"demand", "walking", "access", "adaptable_weight",
                    "adaptable_min_area", "ground_floor_share", "gemeente",
                    "walking_minutes"} & set(data))
    return replace(
        base,
        key=str(data.get("key", "custom" if changed else base.key)),
        name=str(data.get("name", base.name + (" (aangepast)" if changed else ""))),
        source=str(data.get("source", base.source)),
        year=int(data.get("year", base.year)),
        demand=demand,
        adaptable_weight=_number(data.get("adaptable_weight", base.adaptable_weight),
                                 "adaptable_weight"),
        adaptable_min_area=_number(data.get("adaptable_min_area", base.adaptable_min_area),
                                   "adaptable_min_area"),
        ground_floor_share=_number(data.get("ground_floor_share", base.ground_floor_share),
                                   "ground_floor_share"),
        walking=walking,
        access=access,
        gemeente=gemeente,
        walking_minutes=minutes,
        walking_profile=profile,
    )


def _walking(data: Mapping[str, Any], base: Norms
             ) -> tuple[dict[str, float], dict[str, float], str]:
    """Walking norms in metres, the minutes given and the converting profile."""
    walking = dict(base.walking)
    minutes = dict(base.walking_minutes)
    for ftype, metres in dict(data.get("walking", {})).items():
        walking[str(ftype)] = _number(metres, f"walking.{ftype}")
        minutes.pop(str(ftype), None)  # metres given now replace earlier minutes
    for ftype, value in dict(data.get("walking_minutes", {})).items():
        minutes[str(ftype)] = _number(value, f"walking_minutes.{ftype}")
    try:
        profile = get_profile(str(data.get("walking_profile", base.walking_profile))).name
        for ftype, value in minutes.items():
            walking[ftype] = minutes_to_metres(value, profile)
    except AnalysisError as exc:
        raise NormsError(f"walking_profile: {exc}") from exc
    return walking, minutes, profile


def _spec_dict(spec: AccessSpec) -> dict[str, Any]:
    return {"facility_type": spec.facility_type, "population": spec.population,
            "radius": spec.radius, "steps": spec.steps, "per": spec.per, "label": spec.label}


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NormsError(f"{what} moet een getal zijn, niet {value!r}.")
    return float(value)


def resolve_norms(norms: Norms | str | None = None) -> Norms:
    """Return ``norms`` itself, the preset with that key, or the default preset (``None``).

    Analysis functions accept norms in these three forms; a norms *file* is read by
    :func:`geo.io.norms_file.load_norms` first.

    Raises
    ------
    NormsError
        For an unknown preset key.

    Examples
    --------
    >>> resolve_norms().key, resolve_norms("eigen_beleid").key
    ('landelijk_2030', 'eigen_beleid')
    """
    if isinstance(norms, Norms):
        return norms
    return get_preset(DEFAULT_PRESET if norms is None else str(norms))
