"""The scenario model: a named, declarative change set against the base region.

A scenario says *what would change* — new homes and care places from building projects,
facilities that close, open or change capacity — and for which year, norms and prognosis
the gaps are computed. This module holds the dataclasses and :func:`scenario_from_dict`
(plain data → scenario); the file format and its TOML text are
:mod:`geo.model.scenario_text`, the checks against a region
:func:`geo.model.scenario_checks.validate_scenario`, files :mod:`geo.io.scenario_toml`.
The base region is never changed: :func:`geo.analysis.scenario.apply_scenario` returns a
new, validated :class:`~geo.model.region.Region` and
:func:`geo.analysis.scenario.analyse_scenario` its :class:`~geo.analysis.gaps.GapResult`.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from geo.errors import ScenarioError
from geo.model.norms import Norms, norms_from_dict, resolve_norms
from geo.model.prognosis import PrognosisSettings, get_variant

__all__ = [
    "ACTIONS",
    "ACTION_KEYS",
    "RENAMED_CHANGE_KEYS",
    "FacilityChange",
    "Project",
    "Scenario",
    "ScenarioError",
    "is_int",
    "is_number",
    "scenario_from_dict",
    "scenario_norms",
    "scenario_prognosis",
    "thaw",
    "without_changes",
]

ACTIONS: tuple[str, ...] = ("close", "open", "capacity")

_SCENARIO_KEYS = ("name", "description", "year", "prognosis", "norms", "projects",
                  "facility_changes")
_PROJECT_KEYS = ("name", "description", "x", "y", "lon", "lat", "ready", "owner", "units")
_CHANGE_KEYS = ("action", "id", "from_year", "facility_type", "name", "operator", "capacity",
                "x", "y", "lon", "lat")
#: Earlier names of facility-change keys, still read (renamed on read): old → current.
RENAMED_CHANGE_KEYS: dict[str, str] = {"type": "facility_type"}
#: Keys allowed per action of a facility change.
ACTION_KEYS: dict[str, tuple[str, ...]] = {
    "close": ("action", "id", "from_year"),
    "open": ("action", "id", "from_year", "facility_type", "name", "operator", "capacity", "x",
             "y", "lon", "lat"),
    "capacity": ("action", "id", "from_year", "capacity"),
}

# --------------------------------------------------------------------------- data model

def _freeze(value: Any) -> Any:
    """Deep read-only copy: mappings become mapping proxies, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Plain (TOML-serialisable) deep copy of a frozen value."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


def _compact(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {k: thaw(v) for k, v in pairs if v is not None}


@dataclass(frozen=True)
class Project:
    """A building project that adds homes and/or care places from year ``ready``.

    Attributes
    ----------
    name
        Project name (also the name of facilities it adds).
    ready
        Year of completion; the project counts when ``ready <= scenario.year``.
    units
        ``{product: number}``; products of :data:`geo.vocabulary.PRODUCTS`.
    x, y
        Location in RD New metres (EPSG:28992), or ``None`` when given as lon/lat.
    lon, lat
        Location in WGS84 degrees, or ``None`` when given as x/y.
    owner
        Owner of the new homes (``None``: ``"onbekend"``).
    description
        Optional free text.
    """

    name: str
    ready: int
    units: Mapping[str, float] = field(default_factory=dict)
    x: float | None = None
    y: float | None = None
    lon: float | None = None
    lat: float | None = None
    owner: str | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "units", _freeze(self.units))

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (keys that are ``None`` are left out)."""
        return _compact((f.name, getattr(self, f.name)) for f in _ordered(self, _PROJECT_KEYS))


@dataclass(frozen=True)
class FacilityChange:
    """One change to the facilities: ``close``, ``open`` or ``capacity``.

    Attributes
    ----------
    action
        ``"close"`` (remove facility ``id``), ``"open"`` (add a facility) or
        ``"capacity"`` (set the capacity of facility ``id``).
    id
        Facility id (``close`` / ``capacity``); optional id of an opened facility.
    facility_type, name, operator
        Type (:data:`geo.vocabulary.FACILITY_TYPES`), name and operator of an opened
        facility (``facility_type`` was ``type`` in older scenario files; see
        :data:`RENAMED_CHANGE_KEYS`).
    capacity
        New capacity (``capacity``) or capacity of an opened facility.
    x, y, lon, lat
        Location of an opened facility: RD New metres or WGS84 degrees.
    from_year
        First year in which the change applies (``None``: every year).
    """

    action: str
    id: str | None = None
    facility_type: str | None = None
    name: str | None = None
    operator: str | None = None
    capacity: float | None = None
    x: float | None = None
    y: float | None = None
    lon: float | None = None
    lat: float | None = None
    from_year: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (keys that are ``None`` are left out)."""
        return _compact((f.name, getattr(self, f.name)) for f in _ordered(self, _CHANGE_KEYS))

    def applies_in(self, year: int) -> bool:
        """Whether the change is in force in ``year``."""
        return self.from_year is None or self.from_year <= year


def _ordered(obj: object, keys: tuple[str, ...]) -> list[dataclasses.Field]:
    fields = {f.name: f for f in dataclasses.fields(obj)}  # type: ignore[arg-type]
    return [fields[k] for k in keys]


@dataclass(frozen=True)
class Scenario:
    """A named, declarative change set against the base region.

    Attributes
    ----------
    name
        Scenario name (recorded in every output).
    year
        Year of the analysis (region base year … the planning horizon).
    description
        Optional free text.
    prognosis
        A variant name of :data:`geo.model.prognosis.VARIANTS` or a mapping with the fields of
        :meth:`geo.model.prognosis.PrognosisSettings.to_dict`.
    norms
        Norms as in a norms file (``preset`` plus overrides); empty: the default preset.
    projects
        Building projects.
    facility_changes
        Facility changes, applied in order.
    notices
        Dutch notices for the user from reading the scenario, e.g. that an older file was
        migrated (:func:`scenario_from_dict`); not part of the scenario's data (not written,
        not compared).
    """

    name: str
    year: int
    description: str = ""
    prognosis: str | Mapping[str, Any] = "basis"
    norms: Mapping[str, Any] = field(default_factory=dict)
    projects: tuple[Project, ...] = ()
    facility_changes: tuple[FacilityChange, ...] = ()
    notices: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prognosis", _freeze(self.prognosis))
        object.__setattr__(self, "norms", _freeze(self.norms))
        object.__setattr__(self, "projects", tuple(self.projects))
        object.__setattr__(self, "facility_changes", tuple(self.facility_changes))
        object.__setattr__(self, "notices", tuple(self.notices))

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, the inverse of :func:`scenario_from_dict`."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["year"] = self.year
        out["prognosis"] = thaw(self.prognosis)
        if self.norms:
            out["norms"] = thaw(self.norms)
        if self.projects:
            out["projects"] = [p.to_dict() for p in self.projects]
        if self.facility_changes:
            out["facility_changes"] = [c.to_dict() for c in self.facility_changes]
        return out


# --------------------------------------------------------------------------- parsing

def _check_keys(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> list[str]:
    problems = []
    for key in data:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f" Bedoelt u '{close[0]}'?" if close else ""
        problems.append(f"{where}: onbekende sleutel '{key}'.{hint} Toegestaan: "
                        f"{', '.join(allowed)}.")
    return problems


def is_int(value: object) -> bool:
    """Whether ``value`` is an integer (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """Whether ``value`` is an int or float (not a bool)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _typed(data: Mapping[str, Any], key: str, kind: str, where: str,
           problems: list[str]) -> Any:
    """Value of ``key`` if present and of the right kind (text, int, number), else None."""
    if key not in data:
        return None
    value = data[key]
    ok = {"text": isinstance(value, str), "int": is_int(value),
          "number": is_number(value)}[kind]
    if not ok:
        what = {"text": "tekst", "int": "een geheel getal", "number": "een getal"}[kind]
        problems.append(f"{where}: '{key}' moet {what} zijn, niet {value!r}.")
        return None
    return value


def _project_from_dict(data: object, i: int, problems: list[str]) -> Project | None:
    where = f"project {i}"
    if not isinstance(data, Mapping):
        problems.append(f"{where}: verwacht een tabel [[projects]], niet {data!r}.")
        return None
    name = data.get("name")
    if isinstance(name, str) and name.strip():
        where = f"project {i} ('{name}')"
    n_before = len(problems)
    problems += _check_keys(data, _PROJECT_KEYS, where)
    values = {k: _typed(data, k, "text", where, problems) for k in ("name", "owner",
                                                                      "description")}
    values |= {k: _typed(data, k, "number", where, problems) for k in ("x", "y", "lon", "lat")}
    ready = _typed(data, "ready", "int", where, problems)
    if "ready" not in data:
        problems.append(f"{where}: 'ready' (opleverjaar) ontbreekt.")
    units = data.get("units", {})
    if not isinstance(units, Mapping):
        problems.append(f"{where}: 'units' moet een tabel zijn, bijv. "
                        "units = { step_free = 60 }.")
        units = {}
    if len(problems) > n_before:
        return None
    return Project(name=values["name"] or "", ready=ready, units=units,
                   x=values["x"], y=values["y"], lon=values["lon"], lat=values["lat"],
                   owner=values["owner"], description=values["description"])


def _renamed_keys(data: Mapping[str, Any], where: str,
                  problems: list[str]) -> tuple[Mapping[str, Any], bool]:
    """Rename earlier key names (:data:`RENAMED_CHANGE_KEYS`); also say whether any was."""
    old = [key for key in RENAMED_CHANGE_KEYS if key in data]
    if not old:
        return data, False
    out = dict(data)
    for key in old:
        new = RENAMED_CHANGE_KEYS[key]
        if new in out:
            problems.append(f"{where}: '{key}' en '{new}' staan er allebei; '{key}' is de oude "
                            f"naam van '{new}', gebruik alleen '{new}'.")
        else:
            out[new] = out[key]
        del out[key]
    return out, True


def _change_from_dict(data: object, i: int, problems: list[str],
                      renamed: list[str]) -> FacilityChange | None:
    where = f"voorzieningswijziging {i}"
    if not isinstance(data, Mapping):
        problems.append(f"{where}: verwacht een tabel [[facility_changes]], niet {data!r}.")
        return None
    n_before = len(problems)
    data, was_renamed = _renamed_keys(data, where, problems)
    if was_renamed:
        renamed.append(where)
    problems += _check_keys(data, _CHANGE_KEYS, where)
    action = _typed(data, "action", "text", where, problems)
    if "action" not in data:
        problems.append(f"{where}: 'action' ontbreekt; kies uit {', '.join(ACTIONS)}.")
    texts = {k: _typed(data, k, "text", where, problems)
             for k in ("id", "facility_type", "name", "operator")}
    nums = {k: _typed(data, k, "number", where, problems)
            for k in ("capacity", "x", "y", "lon", "lat")}
    from_year = _typed(data, "from_year", "int", where, problems)
    if len(problems) > n_before:
        return None
    return FacilityChange(action=action, **texts, **nums, from_year=from_year)


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """Build a scenario from plain data (a parsed TOML file).

    Only the structure is checked here (known keys, value kinds, required ``year``,
    ``ready`` and ``action``); :func:`geo.model.scenario_checks.validate_scenario`
    checks the rest against a region. Scenarios written by an earlier version still load:
    a facility change's ``type`` is read as ``facility_type``
    (:data:`RENAMED_CHANGE_KEYS`), and the scenario then carries one Dutch notice in
    :attr:`Scenario.notices` for the caller to show.

    Parameters
    ----------
    data
        Mapping in the file format of this module.

    Returns
    -------
    Scenario
        The scenario; ``data`` is not changed.

    Raises
    ------
    ScenarioError
        Listing every structural problem, each naming the item.

    Examples
    --------
    >>> s = scenario_from_dict({"name": "Test", "year": 2030})
    >>> (s.name, s.year, s.prognosis, s.projects)
    ('Test', 2030, 'basis', ())
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(f"scenario: verwacht een tabel, niet {type(data).__name__}.")
    problems = _check_keys(data, _SCENARIO_KEYS, "scenario")
    name = _typed(data, "name", "text", "scenario", problems)
    description = _typed(data, "description", "text", "scenario", problems)
    year = _typed(data, "year", "int", "scenario", problems)
    if "year" not in data:
        problems.append("scenario: 'year' (het analysejaar, bijv. 2030) ontbreekt.")
    prognosis = data.get("prognosis", "basis")
    if not isinstance(prognosis, str | Mapping):
        problems.append("scenario: 'prognosis' moet een variantnaam of een tabel zijn.")
    norms = data.get("norms", {})
    if not isinstance(norms, Mapping):
        problems.append("scenario: 'norms' moet een tabel [norms] zijn.")
    lists = {}
    for key in ("projects", "facility_changes"):
        items = data.get(key, [])
        if not isinstance(items, list | tuple):
            problems.append(f"scenario: '{key}' moet een lijst van tabellen [[{key}]] zijn.")
            items = []
        lists[key] = items
    projects = [_project_from_dict(p, i, problems)
                for i, p in enumerate(lists["projects"], start=1)]
    renamed: list[str] = []
    changes = [_change_from_dict(c, i, problems, renamed)
               for i, c in enumerate(lists["facility_changes"], start=1)]
    if problems:
        raise ScenarioError(problems)
    return Scenario(name=name or "", year=year, description=description or "",
                    prognosis=prognosis, norms=norms, projects=tuple(projects),
                    facility_changes=tuple(changes),
                    notices=(_migration_notice(name, len(renamed)),) if renamed else ())


def _migration_notice(name: str | None, n_changes: int) -> str:
    """The one notice for a scenario whose facility changes used an earlier key name."""
    return (f"Scenario '{name or 'zonder naam'}' is gemaakt met een eerdere versie: bij "
            f"{n_changes} voorzieningswijziging(en) heet de sleutel 'type' nu "
            "'facility_type'. Het scenario is bij het inlezen omgezet; bewaar of exporteer "
            "het om de nieuwe naam vast te leggen.")


# --------------------------------------------------------------------------- settings

def scenario_norms(scenario: Scenario) -> Norms:
    """Norms of a scenario: its ``[norms]`` table, or the default preset when empty."""
    return norms_from_dict(thaw(scenario.norms)) if scenario.norms else resolve_norms(None)


def scenario_prognosis(scenario: Scenario) -> PrognosisSettings:
    """Prognosis settings of a scenario (a variant name or a table of parameters)."""
    if isinstance(scenario.prognosis, str):
        return get_variant(scenario.prognosis)
    return PrognosisSettings.from_dict(thaw(scenario.prognosis))


def without_changes(scenario: Scenario, name: str = "basis (zonder wijzigingen)") -> Scenario:
    """The same year, norms and prognosis as ``scenario``, without projects or changes.

    Useful as the reference in :func:`compare`: the differences then show only the
    effect of the projects and facility changes.
    """
    return dataclasses.replace(
        scenario, name=name, projects=(), facility_changes=(), notices=(),
        description=f"Basisregio zonder wijzigingen (jaar, normen en prognose van "
                    f"'{scenario.name}').")
