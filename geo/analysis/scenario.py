"""Scenarios: a named, declarative change set against the base region, as a TOML file.

A scenario says *what would change* — new homes and care places from building projects,
facilities that close, open or change capacity — and for which year, norms and prognosis
the gaps are computed. The base region is never changed: :func:`apply_scenario` returns a
new, validated :class:`~geo.model.region.Region` and :func:`analyse_scenario` its
:class:`~geo.analysis.gaps.GapResult`, which records the scenario (``scenario_name``,
``scenario_toml``) so :func:`geo.reporting.output.write_result` writes it into the ``provenance``
layer.

File format (UTF-8 TOML; keys are English, texts may be Dutch; ``#`` starts a comment)::

    name = "60 nultredenwoningen Smilde 2028"    # verplicht: naam van het scenario
    description = "Nieuwbouw Smilde-Noord en sluiting van een dorpshuis"   # optioneel
    year = 2030                # analysejaar: basisjaar van de regio t/m 2040
    prognosis = "basis"        # prognosevariant: basis, vergrijzing_plus of groei ...
                               # ... of een tabel [prognosis] met eigen parameters
                               # (survival, birth_rate_per_1000, migration_rate, name)

    [norms]                    # optioneel: normset, zelfde vorm als een normbestand
    preset = "landelijk_2030"
    [norms.demand.clustered]
    "75+" = 160

    [[projects]]               # een bouwproject; herhaal het blok per project
    name = "Nieuwbouw Smilde-Noord"
    x = 226600.0               # RD New in meters (EPSG:28992) ...
    y = 552400.0
    # lon = 6.45               # ... óf lengte-/breedtegraad (WGS84), niet allebei
    # lat = 52.95
    ready = 2028               # opleverjaar; na het scenariojaar telt het project niet mee
    owner = "Actium"           # optioneel: eigenaar van de woningen (standaard "onbekend")
    units = { step_free = 60, clustered = 12 }

    [[facility_changes]]       # een voorziening sluiten
    action = "close"
    id = "F0042"
    from_year = 2027           # optioneel: geldt vanaf dit jaar (standaard: altijd)

    [[facility_changes]]       # een nieuwe voorziening openen
    action = "open"
    type = "day_care"
    name = "Dagbesteding Hooghalen"
    operator = ""              # optioneel
    capacity = 20.0            # optioneel
    x = 232100.0               # of lon/lat; mag tot 10 km buiten de gemeente liggen
    y = 547300.0
    # id = "N-DAG1"            # optioneel; standaard "S<volgnummer>"

    [[facility_changes]]       # capaciteit van een bestaande voorziening wijzigen
    action = "capacity"
    id = "F0012"
    capacity = 40.0

Meaning of ``units`` (products of :data:`geo.vocabulary.PRODUCTS`):

- ``step_free`` — that many new step-free homes (whole number) at the project point:
  home ids ``P<project>-<n>``, ``multi_family`` with a lift, 70 m², ``social_rent``,
  construction year = ``ready``, ``buurt_code`` by location;
- ``clustered``, ``nursing_somatic``, ``nursing_dementia`` — one new facility of type
  ``clustered_housing`` / ``nursing_somatic`` / ``nursing_dementia`` with that capacity,
  named after the project (id ``P<project>-<product>``).

Rules checked by :func:`validate_scenario` (each message names the item): known keys only
(typos are reported with a suggestion), a name for the scenario, every project and every
opened facility, a year from the region's base year to :data:`MAX_SCENARIO_YEAR`, known
products and facility types, no negative units or capacities, exactly one of ``x``/``y``
or ``lon``/``lat``, projects inside the municipality, new facilities within
:data:`NEW_FACILITY_MAX_DISTANCE_M` of it, and facility ids that exist (in the base
region, or opened earlier in the list). A facility change with ``from_year`` applies only
when ``from_year <= year`` (without it: always); changes apply in the order given, before
the projects. A capacity change of a facility that is not open in the scenario year
(opened later in the list with a later ``from_year``) changes nothing.

Modelling notes: new homes do not bring new residents (the prognosis has no
housing-led migration), so demand stays the same and the shortage falls by exactly the
added supply. Because people are spread evenly over the homes of their buurt, new homes
do move part of the buurt's population to the project point, which can change the
walking-norm coverage of that buurt.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import tomli_w

from geo import vocabulary
from geo.analysis.gaps import GapResult, analyse
from geo.analysis.prepared import PreparedRegion
from geo.analysis.prognosis import PrognosisSettings, get_variant
from geo.analysis.supply import PRODUCT_FACILITY
from geo.errors import ScenarioError, WoonzorgError
from geo.io._atomic import atomic_path
from geo.model.norms import Norms, load_norms, norms_from_dict
from geo.model.region import Region, buurt_codes_at

__all__ = [
    "ACTIONS",
    "COMPARE_METRICS",
    "MAX_SCENARIO_YEAR",
    "NEW_FACILITY_MAX_DISTANCE_M",
    "FacilityChange",
    "Project",
    "Scenario",
    "ScenarioError",
    "analyse_scenario",
    "apply_scenario",
    "compare",
    "dumps_scenario",
    "load_scenario",
    "loads_scenario",
    "save_scenario",
    "scenario_from_dict",
    "scenario_norms",
    "scenario_prognosis",
    "validate_scenario",
    "without_changes",
]

MAX_SCENARIO_YEAR: int = 2040
NEW_FACILITY_MAX_DISTANCE_M: float = 10_000.0
ACTIONS: tuple[str, ...] = ("close", "open", "capacity")

# Attributes of the homes a project adds (besides location, owner and construction year).
_PROJECT_HOME = {"dwelling_type": "multi_family", "step_free": True, "lift": True,
                 "floor_area": 70.0, "tenure": "social_rent"}
_DEFAULT_OWNER = "onbekend"

_SCENARIO_KEYS = ("name", "description", "year", "prognosis", "norms", "projects",
                  "facility_changes")
_PROJECT_KEYS = ("name", "description", "x", "y", "lon", "lat", "ready", "owner", "units")
_CHANGE_KEYS = ("action", "id", "from_year", "type", "name", "operator", "capacity", "x",
                "y", "lon", "lat")
_ACTION_KEYS: dict[str, tuple[str, ...]] = {
    "close": ("action", "id", "from_year"),
    "open": ("action", "id", "from_year", "type", "name", "operator", "capacity", "x", "y",
             "lon", "lat"),
    "capacity": ("action", "id", "from_year", "capacity"),
}
_HEADER = "# Woonzorgatlas-scenario (formaat: zie geo/analysis/scenario.py)\n"

#: Key figures of :func:`compare`: column of the gap layers → Dutch label.
COMPARE_METRICS: dict[str, str] = {
    "shortage_step_free": "Tekort nultredenwoningen",
    "shortage_clustered": "Tekort geclusterd wonen",
    "shortage_nursing_somatic": "Tekort verpleegzorg somatisch",
    "shortage_nursing_dementia": "Tekort verpleegzorg PG",
    "cov75_share_supermarket": "Aandeel 75+ ≤ loopnorm supermarkt",
    "cov75_share_gp": "Aandeel 75+ ≤ loopnorm huisarts",
    "pop_75plus": "Inwoners 75+",
}


# --------------------------------------------------------------------------- data model

def _freeze(value: Any) -> Any:
    """Deep read-only copy: mappings become mapping proxies, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    """Plain (TOML-serialisable) deep copy of a frozen value."""
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_thaw(v) for v in value]
    return value


def _compact(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return {k: _thaw(v) for k, v in pairs if v is not None}


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
    type, name, operator
        Type (:data:`geo.vocabulary.FACILITY_TYPES`), name and operator of an opened
        facility.
    capacity
        New capacity (``capacity``) or capacity of an opened facility.
    x, y, lon, lat
        Location of an opened facility: RD New metres or WGS84 degrees.
    from_year
        First year in which the change applies (``None``: every year).
    """

    action: str
    id: str | None = None
    type: str | None = None
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
        Year of the analysis (region base year … :data:`MAX_SCENARIO_YEAR`).
    description
        Optional free text.
    prognosis
        A variant name of :data:`geo.analysis.prognosis.VARIANTS` or a mapping with the fields of
        :meth:`geo.analysis.prognosis.PrognosisSettings.to_dict`.
    norms
        Norms as in a norms file (``preset`` plus overrides); empty: the default preset.
    projects
        Building projects.
    facility_changes
        Facility changes, applied in order.
    """

    name: str
    year: int
    description: str = ""
    prognosis: str | Mapping[str, Any] = "basis"
    norms: Mapping[str, Any] = field(default_factory=dict)
    projects: tuple[Project, ...] = ()
    facility_changes: tuple[FacilityChange, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "prognosis", _freeze(self.prognosis))
        object.__setattr__(self, "norms", _freeze(self.norms))
        object.__setattr__(self, "projects", tuple(self.projects))
        object.__setattr__(self, "facility_changes", tuple(self.facility_changes))

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, the inverse of :func:`scenario_from_dict`."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        out["year"] = self.year
        out["prognosis"] = _thaw(self.prognosis)
        if self.norms:
            out["norms"] = _thaw(self.norms)
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


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _typed(data: Mapping[str, Any], key: str, kind: str, where: str,
           problems: list[str]) -> Any:
    """Value of ``key`` if present and of the right kind (text, int, number), else None."""
    if key not in data:
        return None
    value = data[key]
    ok = {"text": isinstance(value, str), "int": _is_int(value),
          "number": _is_number(value)}[kind]
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


def _change_from_dict(data: object, i: int, problems: list[str]) -> FacilityChange | None:
    where = f"voorzieningswijziging {i}"
    if not isinstance(data, Mapping):
        problems.append(f"{where}: verwacht een tabel [[facility_changes]], niet {data!r}.")
        return None
    n_before = len(problems)
    problems += _check_keys(data, _CHANGE_KEYS, where)
    action = _typed(data, "action", "text", where, problems)
    if "action" not in data:
        problems.append(f"{where}: 'action' ontbreekt; kies uit {', '.join(ACTIONS)}.")
    texts = {k: _typed(data, k, "text", where, problems) for k in ("id", "type", "name",
                                                                     "operator")}
    nums = {k: _typed(data, k, "number", where, problems)
            for k in ("capacity", "x", "y", "lon", "lat")}
    from_year = _typed(data, "from_year", "int", where, problems)
    if len(problems) > n_before:
        return None
    return FacilityChange(action=action, **texts, **nums, from_year=from_year)


def scenario_from_dict(data: Mapping[str, Any]) -> Scenario:
    """Build a scenario from plain data (a parsed TOML file).

    Only the structure is checked here (known keys, value kinds, required ``year``,
    ``ready`` and ``action``); :func:`validate_scenario` checks the rest against a region.

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
    changes = [_change_from_dict(c, i, problems)
               for i, c in enumerate(lists["facility_changes"], start=1)]
    if problems:
        raise ScenarioError(problems)
    return Scenario(name=name or "", year=year, description=description or "",
                    prognosis=prognosis, norms=norms, projects=tuple(projects),
                    facility_changes=tuple(changes))


def loads_scenario(text: str) -> Scenario:
    """Parse a scenario from TOML text.

    Raises
    ------
    ScenarioError
        When the text is not valid TOML or not a valid scenario.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"scenario: geen geldige TOML: {exc}.") from exc
    return scenario_from_dict(data)


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.toml`` file.

    Raises
    ------
    ScenarioError
        When the file is missing or unreadable, or not a valid scenario; the message
        starts with the file name.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"scenariobestand '{path}' bestaat niet.")
    try:
        text = path.read_bytes().decode("utf-8")
        return loads_scenario(text)
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"scenariobestand '{path.name}' is geen UTF-8-tekst.") from exc
    except ScenarioError as exc:
        raise ScenarioError([f"scenariobestand '{path.name}': {p}" for p in exc.problems]
                            ) from exc


def _scalar_toml(value: Any) -> str:
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def _key_toml(key: str) -> str:
    return tomli_w.dumps({key: 0}).rsplit("=", 1)[0].strip()


def dumps_scenario(scenario: Scenario) -> str:
    """Write a scenario as readable TOML (``[[projects]]`` blocks, inline ``units``).

    ``loads_scenario(dumps_scenario(s)) == s`` for every scenario.

    Examples
    --------
    >>> s = Scenario(name="Test", year=2030,
    ...              projects=(Project("P", 2028, {"step_free": 60}, x=1.0, y=2.0),))
    >>> print(dumps_scenario(s), end="")
    # Woonzorgatlas-scenario (formaat: zie geo/analysis/scenario.py)
    name = "Test"
    year = 2030
    prognosis = "basis"
    <BLANKLINE>
    [[projects]]
    name = "P"
    x = 1.0
    y = 2.0
    ready = 2028
    units = { step_free = 60 }
    >>> loads_scenario(dumps_scenario(s)) == s
    True
    """
    data = scenario.to_dict()
    top = {k: v for k, v in data.items() if k in ("name", "description", "year")}
    if isinstance(data["prognosis"], str):
        top["prognosis"] = data["prognosis"]
    parts = [_HEADER + tomli_w.dumps(top, multiline_strings=True)]
    if not isinstance(data["prognosis"], str):
        parts.append(tomli_w.dumps({"prognosis": data["prognosis"]}, multiline_strings=True))
    if "norms" in data:
        parts.append(tomli_w.dumps({"norms": data["norms"]}, multiline_strings=True))
    for project in data.get("projects", []):
        units = project.pop("units")
        text = "[[projects]]\n" + tomli_w.dumps(project, multiline_strings=True)
        inner = ", ".join(f"{_key_toml(k)} = {_scalar_toml(v)}" for k, v in units.items())
        text += f"units = {{ {inner} }}\n" if inner else "units = {}\n"
        parts.append(text)
    for change in data.get("facility_changes", []):
        parts.append("[[facility_changes]]\n" + tomli_w.dumps(change, multiline_strings=True))
    return "\n".join(parts)


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario file atomically (temporary file in the same folder, then rename).

    Returns
    -------
    Path
        The written path.

    Raises
    ------
    ScenarioError
        When the folder does not exist or is not writable.
    """
    path = Path(path)
    text = dumps_scenario(scenario)
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="\n")
    except ScenarioError:
        raise
    except WoonzorgError as exc:
        raise ScenarioError(f"kan niet schrijven: {exc}") from exc
    return path


# --------------------------------------------------------------------------- validation

@lru_cache(maxsize=1)
def _wgs84_to_rd():  # noqa: ANN202 - pyproj.Transformer, imported lazily
    from pyproj import Transformer

    return Transformer.from_crs(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS, always_xy=True)


def _location(item: Project | FacilityChange, where: str,
              problems: list[str]) -> tuple[float, float] | None:
    """RD coordinates of an item, or None (with a problem) for a bad combination."""
    has_xy = item.x is not None or item.y is not None
    has_ll = item.lon is not None or item.lat is not None
    if has_xy and has_ll:
        problems.append(f"{where}: geef x/y (RD) óf lon/lat (WGS84), niet allebei.")
        return None
    if not has_xy and not has_ll:
        problems.append(f"{where}: locatie ontbreekt; geef x en y (RD New, meters) of lon "
                        "en lat (WGS84, graden).")
        return None
    a, b = (item.x, item.y) if has_xy else (item.lon, item.lat)
    names = ("x", "y") if has_xy else ("lon", "lat")
    if a is None or b is None:
        problems.append(f"{where}: geef zowel {names[0]} als {names[1]}.")
        return None
    if not (math.isfinite(a) and math.isfinite(b)):
        problems.append(f"{where}: coördinaten moeten eindige getallen zijn.")
        return None
    if has_xy:
        return float(a), float(b)
    if not (-180 <= a <= 180 and -90 <= b <= 90):
        problems.append(f"{where}: lon/lat ({a}, {b}) zijn geen WGS84-graden.")
        return None
    x, y = _wgs84_to_rd().transform(float(a), float(b))
    return float(x), float(y)


def _check_amount(value: object, what: str, where: str, problems: list[str]) -> bool:
    if not _is_number(value) or not math.isfinite(value):  # type: ignore[arg-type]
        problems.append(f"{where}: {what} moet een getal zijn, niet {value!r}.")
        return False
    if value < 0:  # type: ignore[operator]
        problems.append(f"{where}: {what} mag niet negatief zijn ({value}).")
        return False
    return True


def _project_where(i: int, project: Project) -> str:
    return f"project {i} ('{project.name}')" if project.name.strip() else f"project {i}"


def _change_where(i: int, change: FacilityChange) -> str:
    what = change.id or change.name or ""
    return f"voorzieningswijziging {i} ({change.action}{' ' + what if what else ''})"


def validate_scenario(scenario: Scenario, region: Region) -> None:
    """Check a scenario against a region.

    Parameters
    ----------
    scenario
        The scenario.
    region
        The base region it changes.

    Raises
    ------
    ScenarioError
        Listing every problem (unknown product, facility id or type, location outside
        the region, year out of range, negative units or capacity, missing name, both or
        neither of x/y and lon/lat, keys that do not belong to an action), each naming
        the item.
    """
    problems: list[str] = []
    if not isinstance(scenario.name, str) or not scenario.name.strip():
        problems.append("scenario: 'name' ontbreekt of is leeg; geef het scenario een naam.")
    base = region.base_year
    if not _is_int(scenario.year) or not base <= scenario.year <= MAX_SCENARIO_YEAR:
        problems.append(f"scenario: jaar {scenario.year!r} valt buiten het bereik "
                        f"{base}–{MAX_SCENARIO_YEAR} (basisjaar van de regio t/m "
                        f"{MAX_SCENARIO_YEAR}).")
    try:
        scenario_prognosis(scenario)
    except WoonzorgError as exc:
        problems.append(f"scenario: prognose: {exc}")
    try:
        scenario_norms(scenario)
    except WoonzorgError as exc:
        problems.append(f"scenario: normen: {exc}")

    areas = region.areas.geometry.values
    tree = shapely.STRtree(areas)
    for i, project in enumerate(scenario.projects, start=1):
        where = _project_where(i, project)
        if not isinstance(project.name, str) or not project.name.strip():
            problems.append(f"{where}: 'name' ontbreekt of is leeg.")
        if not _is_int(project.ready):
            problems.append(f"{where}: 'ready' moet een jaartal zijn, niet {project.ready!r}.")
        if not project.units:
            problems.append(f"{where}: geen eenheden; geef bijv. units = {{ step_free = 60 }}.")
        for product, amount in project.units.items():
            if product not in vocabulary.PRODUCTS:
                close = difflib.get_close_matches(product, vocabulary.PRODUCTS, n=1)
                hint = f" Bedoelt u '{close[0]}'?" if close else ""
                problems.append(f"{where}: onbekend product '{product}'.{hint} Kies uit "
                                f"{', '.join(vocabulary.PRODUCTS)}.")
            elif _check_amount(amount, f"aantal {product}", where, problems) and (
                    product == "step_free" and float(amount) != int(amount)):
                problems.append(f"{where}: step_free is een aantal woningen en moet een "
                                f"geheel getal zijn ({amount}).")
        xy = _location(project, where, problems)
        if xy is not None and not len(tree.query(shapely.Point(xy), predicate="intersects")):
            problems.append(f"{where}: locatie ({xy[0]:.0f}, {xy[1]:.0f}) RD ligt buiten de "
                            "buurten van de regio; een project moet binnen de gemeente "
                            "liggen.")

    ids = set(region.facilities["facility_id"].astype(str))
    for i, change in enumerate(scenario.facility_changes, start=1):
        where = _change_where(i, change)
        if change.action not in ACTIONS:
            problems.append(f"{where}: onbekende actie {change.action!r}; kies uit "
                            f"{', '.join(ACTIONS)}.")
            continue
        if change.from_year is not None and not _is_int(change.from_year):
            problems.append(f"{where}: 'from_year' moet een jaartal zijn, niet "
                            f"{change.from_year!r}.")
        allowed = _ACTION_KEYS[change.action]
        extra = [k for k, v in change.to_dict().items() if k not in allowed and v is not None]
        if extra:
            problems.append(f"{where}: sleutel(s) {', '.join(extra)} horen niet bij "
                            f"action = \"{change.action}\"; toegestaan: {', '.join(allowed)}.")
        if change.action in ("close", "capacity"):
            if not change.id:
                problems.append(f"{where}: 'id' van de voorziening ontbreekt.")
            elif change.id not in ids:
                problems.append(f"{where}: onbekende voorziening '{change.id}' (niet in de "
                                "regio, of al gesloten).")
            elif change.action == "close":
                ids.discard(change.id)
        if change.action == "capacity":
            if change.capacity is None:
                problems.append(f"{where}: 'capacity' ontbreekt.")
            else:
                _check_amount(change.capacity, "capacity", where, problems)
        if change.action == "open":
            if change.type not in vocabulary.FACILITY_TYPES:
                close = difflib.get_close_matches(str(change.type), vocabulary.FACILITY_TYPES,
                                                  n=1)
                hint = f" Bedoelt u '{close[0]}'?" if close else ""
                problems.append(f"{where}: onbekend voorzieningstype {change.type!r}.{hint} "
                                f"Kies uit {', '.join(vocabulary.FACILITY_TYPES)}.")
            if not change.name or not change.name.strip():
                problems.append(f"{where}: 'name' van de nieuwe voorziening ontbreekt.")
            if change.capacity is not None:
                _check_amount(change.capacity, "capacity", where, problems)
            new_id = change.id or f"S{i}"
            if new_id in ids:
                problems.append(f"{where}: id '{new_id}' bestaat al; kies een ander id.")
            ids.add(new_id)
            xy = _location(change, where, problems)
            if xy is not None and not len(tree.query(
                    shapely.Point(xy), predicate="dwithin",
                    distance=NEW_FACILITY_MAX_DISTANCE_M)):
                problems.append(
                    f"{where}: locatie ({xy[0]:.0f}, {xy[1]:.0f}) RD ligt meer dan "
                    f"{NEW_FACILITY_MAX_DISTANCE_M / 1000:.0f} km buiten de regio.")
    if problems:
        raise ScenarioError(problems)


# --------------------------------------------------------------------------- applying

def scenario_norms(scenario: Scenario) -> Norms:
    """Norms of a scenario: its ``[norms]`` table, or the default preset when empty."""
    return norms_from_dict(_thaw(scenario.norms)) if scenario.norms else load_norms(None)


def scenario_prognosis(scenario: Scenario) -> PrognosisSettings:
    """Prognosis settings of a scenario (a variant name or a table of parameters)."""
    if isinstance(scenario.prognosis, str):
        return get_variant(scenario.prognosis)
    return PrognosisSettings.from_dict(_thaw(scenario.prognosis))


def without_changes(scenario: Scenario, name: str = "basis (zonder wijzigingen)") -> Scenario:
    """The same year, norms and prognosis as ``scenario``, without projects or changes.

    Useful as the reference in :func:`compare`: the differences then show only the
    effect of the projects and facility changes.
    """
    return dataclasses.replace(
        scenario, name=name, projects=(), facility_changes=(),
        description=f"Basisregio zonder wijzigingen (jaar, normen en prognose van "
                    f"'{scenario.name}').")


def _append(frame: gpd.GeoDataFrame, rows: list[dict[str, Any]],
            xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    if not rows:
        return frame
    new = gpd.GeoDataFrame(
        pd.DataFrame(rows).reindex(columns=[c for c in frame.columns
                                            if c != frame.geometry.name]),
        geometry=shapely.points(np.asarray(xy, dtype=float)), crs=frame.crs)
    new = new.rename_geometry(frame.geometry.name) if frame.geometry.name != "geometry" \
        else new
    for col in new.columns:
        if col != frame.geometry.name and new[col].isna().all():
            new[col] = new[col].astype(object)
    return pd.concat([frame, new[frame.columns]], ignore_index=True)


def apply_scenario(region: Region, scenario: Scenario) -> Region:
    """Return a new validated region with the scenario's changes; ``region`` is unchanged.

    Facility changes are applied in order (close removes the facility, open appends one,
    capacity sets the value); then every project ready in the scenario year adds its
    step-free homes and its care facilities (see the module docstring).

    Parameters
    ----------
    region
        The base region.
    scenario
        The scenario; it is validated first.

    Returns
    -------
    Region
        The changed region (new homes appended after the base homes, so a
        :class:`geo.analysis.prepared.PreparedRegion` of the base still fits); its metadata records
        ``scenario_name`` and ``scenario_toml``.

    Raises
    ------
    ScenarioError
        When the scenario does not validate against the region.
    """
    validate_scenario(scenario, region)
    fac = region.facilities.copy()
    fac_rows: list[dict[str, Any]] = []
    fac_xy: list[tuple[float, float]] = []
    for i, change in enumerate(scenario.facility_changes, start=1):
        if not change.applies_in(scenario.year):
            continue
        if change.action == "close":
            fac = fac[fac["facility_id"] != change.id]
            fac_rows = [r for r in fac_rows if r["facility_id"] != change.id]
        elif change.action == "capacity":
            if (fac["facility_id"] == change.id).any():
                fac.loc[fac["facility_id"] == change.id, "capacity"] = float(change.capacity)
            for row in fac_rows:  # opened earlier in this scenario (and open this year)
                if row["facility_id"] == change.id:
                    row["capacity"] = float(change.capacity)
        else:  # open
            fac_rows.append({
                "facility_id": change.id or f"S{i}", "type": change.type,
                "name": change.name, "operator": change.operator or "",
                "capacity": np.nan if change.capacity is None else float(change.capacity),
                "woonplaats": "",
            })
            fac_xy.append(_location(change, "", []))  # validated above
    home_rows: list[dict[str, Any]] = []
    home_xy: list[tuple[float, float]] = []
    for i, project in enumerate(scenario.projects, start=1):
        if project.ready > scenario.year:
            continue
        xy = _location(project, "", [])
        for product, amount in project.units.items():
            if product == "step_free":
                for n in range(1, int(amount) + 1):
                    home_rows.append({
                        "home_id": f"P{i}-{n}", "construction_year": project.ready,
                        **_PROJECT_HOME, "owner": project.owner or _DEFAULT_OWNER,
                        "woonplaats": "",
                    })
                    home_xy.append(xy)
            elif amount > 0:
                fac_rows.append({
                    "facility_id": f"P{i}-{product}", "type": PRODUCT_FACILITY[product],
                    "name": project.name, "operator": project.owner or "",
                    "capacity": float(amount), "woonplaats": "",
                })
                fac_xy.append(xy)
    if home_rows:
        codes = buurt_codes_at(np.asarray(home_xy), region.areas)
        for row, code in zip(home_rows, codes, strict=True):
            row["buurt_code"] = code
    homes = _append(region.homes, home_rows, home_xy)
    fac = _append(fac, fac_rows, fac_xy).reset_index(drop=True)
    # The base region is valid and the added rows come from a validated scenario; only
    # what the additions can break is checked (validating the whole region again would
    # cost more than the analysis of a scenario).
    dup = fac["facility_id"].duplicated()
    if dup.any():
        raise ScenarioError(
            "faciliteit-id komt dubbel voor na het toepassen van het scenario: "
            + ", ".join(sorted(set(fac.loc[dup, "facility_id"].astype(str))))
            + ". Kies een andere id voor de nieuwe faciliteit.")
    metadata = {**region.metadata, "scenario_name": scenario.name,
                "scenario_toml": dumps_scenario(scenario)}
    return dataclasses.replace(region, homes=homes, facilities=fac, metadata=metadata)


def analyse_scenario(
    region: Region,
    scenario: Scenario,
    *,
    year: int | None = None,
    norms: Norms | str | None = None,
    prognosis: PrognosisSettings | str | None = None,
    prepared: PreparedRegion | None = None,
) -> GapResult:
    """Apply a scenario and run the gap analysis with its year, norms and prognosis.

    Parameters
    ----------
    region
        The base region.
    scenario
        The scenario.
    year, norms, prognosis
        Explicit overrides of the scenario's settings (``None``: use the scenario's). A
        year override also decides which projects are ready. Overrides are recorded in
        ``assumptions["scenario_overrides"]``.
    prepared
        :func:`geo.analysis.prepared.prepare_region` of ``region``: recomputing a scenario then
        reuses the base region's structures (see :mod:`geo.analysis.prepared`).

    Returns
    -------
    GapResult
        The result, with ``assumptions["scenario_name"]`` and
        ``assumptions["scenario_toml"]`` (the effective scenario as TOML).
    """
    overrides = []
    if year is not None and year != scenario.year:
        overrides.append(f"year={year} (scenariobestand: {scenario.year})")
        scenario = dataclasses.replace(scenario, year=int(year))
    if norms is not None:
        overrides.append(f"norms={norms.key if isinstance(norms, Norms) else norms}")
    if prognosis is not None:
        overrides.append("prognosis=" + (prognosis.name if isinstance(
            prognosis, PrognosisSettings) else str(prognosis)))
    applied = apply_scenario(region, scenario)
    result = analyse(applied, year=scenario.year,
                     norms=norms if norms is not None else scenario_norms(scenario),
                     prognosis=prognosis if prognosis is not None
                     else scenario_prognosis(scenario),
                     prepared=prepared)
    assumptions = {**result.assumptions, "scenario_name": scenario.name,
                   "scenario_toml": applied.metadata["scenario_toml"]}
    if overrides:
        assumptions["scenario_overrides"] = "; ".join(overrides)
    return dataclasses.replace(result, assumptions=assumptions)


# --------------------------------------------------------------------------- comparing

def _key_figures(result: GapResult) -> pd.DataFrame:
    """Rows per kerngebied plus "Gemeente", columns the key figures."""
    kern = pd.DataFrame(result.kern.drop(columns="geometry")).set_index("kerngebied")
    gem = pd.DataFrame(result.gemeente.drop(columns="geometry"))
    gem.index = pd.Index(["Gemeente"])
    both = pd.concat([kern.reindex(columns=list(COMPARE_METRICS)),
                      gem.reindex(columns=list(COMPARE_METRICS))])
    return both.astype(float)


def compare(results: Mapping[str, GapResult]) -> pd.DataFrame:
    """Key figures of several scenario results side by side, with differences.

    Parameters
    ----------
    results
        ``{scenario label: result}``; the first is the reference ("basis").

    Returns
    -------
    pandas.DataFrame
        One row per area and key figure: columns ``gebied`` (kerngebied or
        ``"Gemeente"``), ``kengetal`` (column name, see :data:`COMPARE_METRICS`),
        ``omschrijving`` (Dutch label), one value column per scenario label, and
        ``verschil <label>`` = value − reference for every other scenario. Areas follow
        the reference result's order, ``"Gemeente"`` last.

    Raises
    ------
    ScenarioError
        When ``results`` is empty.
    """
    if not results:
        raise ScenarioError("vergelijken: geen scenario's gegeven.")
    labels = list(results)
    figures = {label: _key_figures(res) for label, res in results.items()}
    areas = list(figures[labels[0]].index)
    for frame in figures.values():
        areas += [a for a in frame.index if a not in areas]
    areas = [a for a in areas if a != "Gemeente"] + ["Gemeente"]
    index = pd.MultiIndex.from_product([areas, list(COMPARE_METRICS)],
                                       names=["gebied", "kengetal"])
    out = pd.DataFrame(index=index)
    for label in labels:
        out[label] = figures[label].reindex(areas).stack(future_stack=True).reindex(
            index).to_numpy()
    for label in labels[1:]:
        out[f"verschil {label}"] = out[label] - out[labels[0]]
    out = out.reset_index()
    out.insert(2, "omschrijving", out["kengetal"].map(COMPARE_METRICS))
    return out
