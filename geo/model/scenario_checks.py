"""Checks of a scenario against a region: :func:`validate_scenario`, one named check per item.

Rules checked by :func:`validate_scenario` (each message names the item): known keys only
(typos are reported with a suggestion), a name for the scenario, every project and every
opened facility, a year from the region's base year to the planning horizon
(:attr:`geo.config.Config.planning_horizon`), known
products and facility types, no negative units or capacities, exactly one of ``x``/``y``
or ``lon``/``lat``, projects inside the municipality, new facilities within
:data:`NEW_FACILITY_MAX_DISTANCE_M` of it, and facility ids that exist (in the base
region, or opened earlier in the list). A facility change with ``from_year`` applies only
when ``from_year <= year`` (without it: always); changes apply in the order given, before
the projects. A capacity change of a facility that is not open in the scenario year
(opened later in the list with a later ``from_year``) changes nothing.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

import shapely

from geo import vocabulary
from geo.config import get_config
from geo.errors import ScenarioError, WoonzorgError
from geo.model.crs import transformer
from geo.model.region import Region
from geo.model.scenario import (
    ACTION_KEYS,
    ACTIONS,
    FacilityChange,
    Project,
    Scenario,
    is_int,
    is_number,
    scenario_norms,
    scenario_prognosis,
)

__all__ = ["NEW_FACILITY_MAX_DISTANCE_M", "rd_location", "validate_scenario"]

#: How far outside the municipality a scenario may open a facility, in metres.
NEW_FACILITY_MAX_DISTANCE_M: float = 10_000.0


def rd_location(item: Project | FacilityChange, where: str = "",
                problems: list[str] | None = None) -> tuple[float, float] | None:
    """RD New coordinates (metres) of a project or an opened facility.

    Parameters
    ----------
    item
        The project or facility change, located by ``x``/``y`` or ``lon``/``lat``.
    where
        Name of the item in messages.
    problems
        List the message is appended to when the location is missing or invalid.

    Returns
    -------
    tuple of float or None
        ``(x, y)``, or ``None`` (with a message in ``problems``) for a bad combination.
    """
    if problems is None:
        problems = []
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
    x, y = transformer(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS).transform(
        float(a), float(b))
    return float(x), float(y)


def _check_amount(value: object, what: str, where: str, problems: list[str]) -> bool:
    if not is_number(value) or not math.isfinite(value):  # type: ignore[arg-type]
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


def _hint(value: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f" Bedoelt u '{close[0]}'?" if close else ""


# --------------------------------------------------------------------------- validation

def _check_header(scenario: Scenario, region: Region) -> list[str]:
    """Problems with the scenario's name, year, prognosis and norms."""
    problems: list[str] = []
    if not isinstance(scenario.name, str) or not scenario.name.strip():
        problems.append("scenario: 'name' ontbreekt of is leeg; geef het scenario een naam.")
    base, horizon = region.base_year, get_config().planning_horizon
    if not is_int(scenario.year) or not base <= scenario.year <= horizon:
        problems.append(f"scenario: jaar {scenario.year!r} valt buiten het bereik "
                        f"{base}–{horizon} (basisjaar van de regio t/m {horizon}).")
    try:
        scenario_prognosis(scenario)
    except WoonzorgError as exc:
        problems.append(f"scenario: prognose: {exc}")
    try:
        scenario_norms(scenario)
    except WoonzorgError as exc:
        problems.append(f"scenario: normen: {exc}")
    return problems


def _check_units(project: Project, where: str, problems: list[str]) -> None:
    """Known products, non-negative amounts, whole step-free homes."""
    if not project.units:
        problems.append(f"{where}: geen eenheden; geef bijv. units = {{ step_free = 60 }}.")
    for product, amount in project.units.items():
        if product not in vocabulary.PRODUCTS:
            hint = _hint(product, vocabulary.PRODUCTS)
            problems.append(f"{where}: onbekend product '{product}'.{hint} Kies uit "
                            f"{', '.join(vocabulary.PRODUCTS)}.")
        elif _check_amount(amount, f"aantal {product}", where, problems) and (
                product == "step_free" and float(amount) != int(amount)):
            problems.append(f"{where}: step_free is een aantal woningen en moet een "
                            f"geheel getal zijn ({amount}).")


def _check_project(i: int, project: Project, tree: shapely.STRtree) -> list[str]:
    """Problems of one project: name, year, units and a location inside the region."""
    where = _project_where(i, project)
    problems: list[str] = []
    if not isinstance(project.name, str) or not project.name.strip():
        problems.append(f"{where}: 'name' ontbreekt of is leeg.")
    if not is_int(project.ready):
        problems.append(f"{where}: 'ready' moet een jaartal zijn, niet {project.ready!r}.")
    _check_units(project, where, problems)
    xy = rd_location(project, where, problems)
    if xy is not None and not len(tree.query(shapely.Point(xy), predicate="intersects")):
        problems.append(f"{where}: locatie ({xy[0]:.0f}, {xy[1]:.0f}) RD ligt buiten de "
                        "buurten van de regio; een project moet binnen de gemeente "
                        "liggen.")
    return problems


def _check_existing(change: FacilityChange, where: str, ids: set[str],
                    problems: list[str]) -> None:
    """``close`` / ``capacity``: the facility exists (a closed one leaves ``ids``)."""
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


def _check_opening(i: int, change: FacilityChange, where: str, ids: set[str],
                   tree: shapely.STRtree, problems: list[str]) -> None:
    """``open``: type, name, capacity, a new id (added to ``ids``), a location near the region."""
    if change.facility_type not in vocabulary.FACILITY_TYPES:
        problems.append(f"{where}: onbekend voorzieningstype {change.facility_type!r}."
                        f"{_hint(str(change.facility_type), vocabulary.FACILITY_TYPES)} "
                        f"Kies uit {', '.join(vocabulary.FACILITY_TYPES)}.")
    if not change.name or not change.name.strip():
        problems.append(f"{where}: 'name' van de nieuwe voorziening ontbreekt.")
    if change.capacity is not None:
        _check_amount(change.capacity, "capacity", where, problems)
    new_id = change.id or f"S{i}"
    if new_id in ids:
        problems.append(f"{where}: id '{new_id}' bestaat al; kies een ander id.")
    ids.add(new_id)
    xy = rd_location(change, where, problems)
    if xy is not None and not len(tree.query(
            shapely.Point(xy), predicate="dwithin", distance=NEW_FACILITY_MAX_DISTANCE_M)):
        problems.append(
            f"{where}: locatie ({xy[0]:.0f}, {xy[1]:.0f}) RD ligt meer dan "
            f"{NEW_FACILITY_MAX_DISTANCE_M / 1000:.0f} km buiten de regio.")


def _check_change(i: int, change: FacilityChange, ids: set[str],
                  tree: shapely.STRtree) -> list[str]:
    """Problems of one facility change; updates ``ids`` (closed and opened facilities)."""
    where = _change_where(i, change)
    if change.action not in ACTIONS:
        return [f"{where}: onbekende actie {change.action!r}; kies uit {', '.join(ACTIONS)}."]
    problems: list[str] = []
    if change.from_year is not None and not is_int(change.from_year):
        problems.append(f"{where}: 'from_year' moet een jaartal zijn, niet "
                        f"{change.from_year!r}.")
    allowed = ACTION_KEYS[change.action]
    extra = [k for k, v in change.to_dict().items() if k not in allowed and v is not None]
    if extra:
        problems.append(f"{where}: sleutel(s) {', '.join(extra)} horen niet bij "
                        f"action = \"{change.action}\"; toegestaan: {', '.join(allowed)}.")
    if change.action in ("close", "capacity"):
        _check_existing(change, where, ids, problems)
    else:
        _check_opening(i, change, where, ids, tree, problems)
    return problems


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
    problems = _check_header(scenario, region)
    tree = shapely.STRtree(region.areas.geometry.values)
    for i, project in enumerate(scenario.projects, start=1):
        problems += _check_project(i, project, tree)
    ids = set(region.facilities["facility_id"].astype(str))
    for i, change in enumerate(scenario.facility_changes, start=1):
        problems += _check_change(i, change, ids, tree)
    if problems:
        raise ScenarioError(problems)
