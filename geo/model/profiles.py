"""Mobility profiles: which OpenStreetMap ways a person can use, in which direction, how fast.

Every profile is a documented rule on the OSM tags of a street-network edge
(:data:`TAG_KEYS`) plus a speed. :func:`edge_speeds` evaluates a rule on a table of tags
(one row per edge, ``""`` where a tag is absent) and returns, per edge, the speed in
km/h with the way's direction and against it; ``0`` means "not allowed".

Profiles (:data:`PROFILES`)
---------------------------
``walk`` (1.25 m/s = 4.5 km/h)
    Every pedestrian way: :data:`WALK_HIGHWAYS` (footways, paths, steps, pedestrian
    areas, tracks, cycleways and every road below ``trunk``). Not on motorways and
    ``trunk`` (in the Netherlands an *autoweg*, closed to pedestrians) unless
    ``foot=yes``; not where ``foot=no`` or ``access=no/private`` (unless ``foot`` allows
    it). One-way streets are walked both ways. Speed: general adult walking speed
    (research note §1.3: 1.2–1.3 m/s).
``walk75`` (0.75 m/s = 2.7 km/h)
    The same ways; the mean walking speed of people aged 75–84 (UKSBM 2018, n = 768).
``rollator`` (0.65 m/s = 2.34 km/h)
    The walking ways minus ``highway=steps``, ``wheelchair=no``, rough surfaces
    (:data:`ROUGH_SURFACES`, e.g. gravel, sand, grass, cobblestone) and bad smoothness
    (:data:`ROUGH_SMOOTHNESS`), and tracks that are not paved (``tracktype`` grade2–5,
    or a track without ``surface``: Dutch field tracks are mostly unpaved). A way
    without a ``surface`` tag is otherwise assumed usable (OSM's Dutch streets rarely
    tag it). Speed: frailer older people (SPPB 4–7: 0.64 m/s; research note §1.3).
``scootmobiel``
    Walking and cycling ways and roads, no steps, not on ``motorway``/``trunk`` or
    ``motorroad=yes`` (autosnelweg/autoweg: forbidden, RVV 1990), not on sand, mud or
    grass or ``smoothness`` horrible and worse; ``mobility_scooter=no/yes`` overrides.
    On footways and pedestrian areas the pedestrian rules apply (no one-way); on cycleways
    and roads the cyclist rules (one-way as for bicycles). Legal maxima (SWOV): footway
    6 km/h, woonerf 15, (brom)fietspad 30 in / 40 outside the built-up area, carriageway
    45. OSM has no built-up-area flag and the vehicles are slower than those limits, so
    the speed off the footway is a **cruising cap of 12 km/h** (an assumption: common
    models are sold as 6, 12 or 15 km/h; the research note marks typical speeds
    [VERIFY]). So: footway, path, pedestrian, steps-free sidewalks 6 km/h; elsewhere
    12 km/h.
``bike`` (15 km/h) and ``ebike`` (20 km/h)
    Cycle-allowed ways (:data:`BIKE_HIGHWAYS`: cycleways, paths, tracks and roads below
    ``trunk``; footways and pedestrian areas only with ``bicycle=yes/designated/
    permissive``); not where ``bicycle=no``; one-way respected unless
    ``oneway:bicycle=no`` or ``cycleway=opposite*``. Speeds are planning assumptions
    (typical Dutch averages for everyday cycling and for pedelecs), not measured.
``car``
    Roads open to motor traffic (:data:`CAR_SPEEDS`), not ``motor_vehicle``/
    ``motorcar``/``vehicle``/``access`` ``no`` or ``private``. One-way respected
    (``oneway=yes/1/true`` with the way, ``-1/reverse`` against it; roundabouts and
    motorways are one-way by OSM convention). Speed: a numeric ``maxspeed`` (km/h, or
    ``mph``; ``NL:urban`` 50, ``NL:rural`` 80, ``NL:zone30`` 30) capped at 130, else the
    class default of :data:`CAR_SPEEDS` (own assumption close to Dutch limits).

Shortest paths are shortest by **distance** for every profile (as CBS's nearest-facility
statistics); the speeds turn that route into minutes.

Norms in minutes
----------------
Distances are metres everywhere; a norm given in minutes is converted with the profile's
nominal speed :attr:`Profile.speed_mps` (:func:`minutes_to_metres`,
:func:`metres_to_minutes`). A norms file keeps ``[walking]`` in metres; walking minutes go
in ``[walking_minutes]`` with a ``profile`` key (see :mod:`geo.model.norms`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.errors import AnalysisError

__all__ = [
    "BIKE_HIGHWAYS",
    "CAR_SPEEDS",
    "PROFILES",
    "ROUGH_SMOOTHNESS",
    "ROUGH_SURFACES",
    "TAG_KEYS",
    "WALK_HIGHWAYS",
    "Profile",
    "edge_speeds",
    "get_profile",
    "metres_to_minutes",
    "minutes_to_metres",
]

#: OSM tags kept on every street-network edge (what the profiles read).
TAG_KEYS: tuple[str, ...] = (
    "highway", "foot", "bicycle", "motor_vehicle", "motorcar", "vehicle", "access",
    "mobility_scooter", "wheelchair", "oneway", "oneway:bicycle", "cycleway", "junction",
    "surface", "smoothness", "tracktype", "sidewalk", "maxspeed", "motorroad",
)

#: ``highway`` values a pedestrian may use (subject to access tags).
WALK_HIGHWAYS: frozenset[str] = frozenset({
    "footway", "pedestrian", "path", "steps", "living_street", "residential", "service",
    "unclassified", "tertiary", "tertiary_link", "secondary", "secondary_link", "primary",
    "primary_link", "track", "cycleway", "road", "bridleway", "corridor", "trunk",
    "trunk_link",
})
_NO_WALK_UNLESS_FOOT = frozenset({"trunk", "trunk_link", "motorway", "motorway_link"})
#: ``highway`` values a cyclist may use (footways/pedestrian only with ``bicycle=yes``).
BIKE_HIGHWAYS: frozenset[str] = frozenset({
    "cycleway", "path", "track", "living_street", "residential", "service", "unclassified",
    "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link",
    "road", "bridleway",
})
#: Car default speeds in km/h per ``highway`` class (the roads open to motor traffic).
CAR_SPEEDS: dict[str, float] = {
    "motorway": 100.0, "motorway_link": 60.0, "trunk": 80.0, "trunk_link": 50.0,
    "primary": 70.0, "primary_link": 50.0, "secondary": 60.0, "secondary_link": 50.0,
    "tertiary": 50.0, "tertiary_link": 40.0, "unclassified": 45.0, "residential": 30.0,
    "living_street": 15.0, "service": 15.0, "road": 30.0,
}
#: ``surface`` values a rollator cannot use.
ROUGH_SURFACES: frozenset[str] = frozenset({
    "gravel", "fine_gravel", "compacted", "unpaved", "dirt", "earth", "grass", "sand", "ground",
    "mud", "pebblestone", "cobblestone", "unhewn_cobblestone", "sett", "rock", "stone",
    "woodchips", "grass_paver", "shells",
})
#: ``smoothness`` values a rollator cannot use.
ROUGH_SMOOTHNESS: frozenset[str] = frozenset({
    "bad", "very_bad", "horrible", "very_horrible", "impassable",
})
_SCOOT_BAD_SURFACES = frozenset({"sand", "mud", "grass", "woodchips", "rock"})
_SCOOT_BAD_SMOOTHNESS = frozenset({"horrible", "very_horrible", "impassable"})
_FOOT_ONLY = frozenset({"footway", "pedestrian", "path", "steps", "corridor", "bridleway"})
_NO = frozenset({"no", "private", "agricultural", "forestry", "delivery", "discouraged"})
_YES = frozenset({"yes", "designated", "permissive", "destination", "customers", "official"})
_SCOOTMOBIEL_KMH = 12.0
_SCOOTMOBIEL_FOOT_KMH = 6.0


@dataclass(frozen=True)
class Profile:
    """A mobility profile (see the module docstring for its rule).

    Attributes
    ----------
    name
        Key (``walk``, ``walk75``, ``rollator``, ``scootmobiel``, ``bike``, ``ebike``,
        ``car``).
    label
        Dutch label for the app and reports.
    speed_mps
        Nominal speed in m/s: the speed of every edge for walking profiles, the
        conversion speed of minute norms for all.
    source
        Where the speed comes from (or that it is an assumption).
    """

    name: str
    label: str
    speed_mps: float
    source: str
    rule: Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray]]

    @property
    def constant_speed(self) -> bool:
        """Whether every usable edge has the nominal speed (walking profiles)."""
        return self.name in ("walk", "walk75", "rollator")


# --------------------------------------------------------------------------- tag helpers


def _col(tags: pd.DataFrame, key: str) -> np.ndarray:
    if key not in tags.columns:
        return np.full(len(tags), "", dtype=object)
    return tags[key].fillna("").astype(str).str.strip().str.lower().to_numpy(dtype=object)


def _isin(values: np.ndarray, allowed: frozenset[str] | set[str]) -> np.ndarray:
    return pd.Series(values, dtype=object).isin(allowed).to_numpy(copy=True)


def _allowed(tags: pd.DataFrame, *mode_keys: str) -> np.ndarray:
    """Access by the OSM hierarchy: the most specific of ``mode_keys`` set wins, then access."""
    out = ~_isin(_col(tags, "access"), _NO)
    decided = np.zeros(len(tags), dtype=bool)
    for key in mode_keys:  # most specific first
        value = _col(tags, key)
        has = (value != "") & ~decided
        out = np.where(has, ~_isin(value, _NO) & (value != "use_sidepath"), out)
        decided |= has
    return out


def _direction(tags: pd.DataFrame, *, bicycle: bool) -> tuple[np.ndarray, np.ndarray]:
    """Forward/backward allowed under the one-way tags (for vehicles)."""
    oneway = _col(tags, "oneway")
    highway = _col(tags, "highway")
    implied = (_col(tags, "junction") == "roundabout") | _isin(highway, {"motorway"})
    forward_only = _isin(oneway, {"yes", "1", "true"}) | (implied & (oneway == ""))
    backward_only = _isin(oneway, {"-1", "reverse"})
    if bicycle:
        exempt = (_col(tags, "oneway:bicycle") == "no") | pd.Series(
            _col(tags, "cycleway"), dtype=object).str.startswith("opposite").to_numpy(copy=True)
        forward_only &= ~exempt
        backward_only &= ~exempt
    return ~backward_only, ~forward_only


def _both(ok: np.ndarray, kmh: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    speed = np.where(ok, kmh, 0.0).astype(np.float64)
    return speed, speed.copy()


# --------------------------------------------------------------------------- the rules


def _walk_ok(tags: pd.DataFrame) -> np.ndarray:
    highway = _col(tags, "highway")
    foot = _col(tags, "foot")
    ok = _isin(highway, WALK_HIGHWAYS) & _allowed(tags, "foot")
    closed = _isin(highway, _NO_WALK_UNLESS_FOOT) | (_col(tags, "motorroad") == "yes")
    return ok & ~(closed & ~_isin(foot, _YES))


def _walk_rule(kmh: float) -> Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray]]:
    def rule(tags: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        return _both(_walk_ok(tags), kmh)
    return rule


def _rollator(tags: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    highway = _col(tags, "highway")
    surface = _col(tags, "surface")
    rough = (_isin(surface, ROUGH_SURFACES) | _isin(_col(tags, "smoothness"), ROUGH_SMOOTHNESS)
             | (highway == "steps") | (_col(tags, "wheelchair") == "no"))
    track = highway == "track"
    tracktype = _col(tags, "tracktype")
    rough |= track & (_isin(tracktype, {"grade2", "grade3", "grade4", "grade5"})
                      | ((surface == "") & (tracktype != "grade1")))
    return _both(_walk_ok(tags) & ~rough, 2.34)  # 0.65 m/s


def _bike_ok(tags: pd.DataFrame) -> np.ndarray:
    highway = _col(tags, "highway")
    bicycle = _col(tags, "bicycle")
    ok = (_isin(highway, BIKE_HIGHWAYS) & (highway != "path")) | (
        _isin(highway, _FOOT_ONLY | {"path"}) & _isin(bicycle, _YES))
    # a plain highway=path (no bicycle tag) is a shared path in NL: allowed unless bicycle=no
    ok |= (highway == "path") & (bicycle == "")
    ok |= _isin(highway, {"trunk", "trunk_link"}) & _isin(bicycle, _YES)
    return ok & _allowed(tags, "vehicle", "bicycle") & (_col(tags, "motorroad") != "yes")


def _bike_rule(kmh: float) -> Callable[[pd.DataFrame], tuple[np.ndarray, np.ndarray]]:
    def rule(tags: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        fw, bw = _direction(tags, bicycle=True)
        ok = _bike_ok(tags)
        return np.where(ok & fw, kmh, 0.0), np.where(ok & bw, kmh, 0.0)
    return rule


def _scootmobiel(tags: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    highway = _col(tags, "highway")
    walk, bike = _walk_ok(tags), _bike_ok(tags)
    forbidden = (_isin(highway, {"steps", "motorway", "motorway_link", "trunk", "trunk_link"})
                 | (_col(tags, "motorroad") == "yes")
                 | _isin(_col(tags, "surface"), _SCOOT_BAD_SURFACES)
                 | _isin(_col(tags, "smoothness"), _SCOOT_BAD_SMOOTHNESS))
    road = _isin(highway, set(CAR_SPEEDS)) & ~forbidden
    ok = (walk | bike | road) & ~forbidden
    scooter = _col(tags, "mobility_scooter")
    ok = np.where(_isin(scooter, _YES),
                  ~_isin(highway, {"steps", "motorway", "motorway_link"}), ok)
    ok &= ~_isin(scooter, _NO)
    on_foot = _isin(highway, _FOOT_ONLY) & ~bike  # pedestrian rules: footway speed, no one-way
    fw, bw = _direction(tags, bicycle=True)
    kmh = np.where(on_foot, _SCOOTMOBIEL_FOOT_KMH, _SCOOTMOBIEL_KMH)
    fw, bw = fw | on_foot, bw | on_foot
    return np.where(ok & fw, kmh, 0.0), np.where(ok & bw, kmh, 0.0)


_MAXSPEED_WORDS = {"nl:urban": 50.0, "nl:rural": 80.0, "nl:zone30": 30.0, "nl:zone60": 60.0,
                   "nl:motorway": 130.0, "nl:living_street": 15.0, "walk": 6.0}
_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh)?\s*$")


def _maxspeed(values: np.ndarray) -> np.ndarray:
    out = np.full(len(values), np.nan)
    for value in set(values.tolist()) - {""}:  # few distinct values
        number = _NUMBER.match(value)
        if number:
            kmh = float(number.group(1)) * (1.609344 if number.group(2) == "mph" else 1.0)
        else:
            kmh = _MAXSPEED_WORDS.get(value, np.nan)
        if kmh > 0:
            out[values == value] = min(kmh, 130.0)
    return out


def _car(tags: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    highway = _col(tags, "highway")
    default = pd.Series(highway, dtype=object).map(CAR_SPEEDS).to_numpy(dtype=np.float64)
    ok = np.isfinite(default) & _allowed(tags, "vehicle", "motor_vehicle", "motorcar")
    # access=destination is open for the last stretch; count it as open
    kmh = _maxspeed(_col(tags, "maxspeed"))
    kmh = np.where(np.isfinite(kmh), kmh, default)
    fw, bw = _direction(tags, bicycle=False)
    return np.where(ok & fw, kmh, 0.0), np.where(ok & bw, kmh, 0.0)


PROFILES: dict[str, Profile] = {
    p.name: p for p in (
        Profile("walk", "lopen (1,25 m/s)", 1.25,
                "volwassen loopsnelheid 1,2–1,3 m/s (onderzoeksnotitie §1.3)", _walk_rule(4.5)),
        Profile("walk75", "lopen 75+ (0,75 m/s)", 0.75,
                "75–84 jaar gemiddeld 0,75 m/s (UKSBM 2018, n = 768)", _walk_rule(2.7)),
        Profile("rollator", "rollator (0,65 m/s)", 0.65,
                "kwetsbare ouderen (SPPB 4–7) 0,64 m/s (UKSBM 2018)", _rollator),
        Profile("scootmobiel", "scootmobiel (6–12 km/u)", _SCOOTMOBIEL_KMH / 3.6,
                "wettelijk 6 km/u op het trottoir (SWOV); elders 12 km/u kruissnelheid "
                "(aanname)", _scootmobiel),
        Profile("bike", "fiets (15 km/u)", 15.0 / 3.6, "aanname: gemiddelde fietssnelheid",
                _bike_rule(15.0)),
        Profile("ebike", "e-fiets (20 km/u)", 20.0 / 3.6,
                "aanname: gemiddelde snelheid elektrische fiets", _bike_rule(20.0)),
        Profile("car", "auto", 50.0 / 3.6,
                "maxspeed-tag, anders standaard per wegklasse (aanname)", _car),
    )
}


def get_profile(name: str) -> Profile:
    """The profile called ``name``.

    Raises
    ------
    AnalysisError
        For an unknown name (the message lists the known ones).
    """
    try:
        return PROFILES[str(name).strip().lower()]
    except KeyError:
        raise AnalysisError(
            f"onbekend vervoersprofiel '{name}'; kies uit {', '.join(PROFILES)}.") from None


def edge_speeds(tags: pd.DataFrame, profile: str) -> tuple[np.ndarray, np.ndarray]:
    """Speed per edge with and against the way's direction (km/h, 0 = not allowed).

    Parameters
    ----------
    tags
        One row per edge, columns of :data:`TAG_KEYS` (missing columns count as absent
        tags; values are compared case-insensitively).
    profile
        Profile name.

    Returns
    -------
    tuple of numpy.ndarray
        ``(forward_kmh, backward_kmh)``, float64 arrays of ``len(tags)``.

    Examples
    --------
    >>> tags = pd.DataFrame({"highway": ["steps", "residential"], "oneway": ["", "yes"]})
    >>> [a.tolist() for a in edge_speeds(tags, "rollator")]
    [[0.0, 2.34], [0.0, 2.34]]
    >>> [a.tolist() for a in edge_speeds(tags, "car")]
    [[0.0, 30.0], [0.0, 0.0]]
    """
    fw, bw = get_profile(profile).rule(tags.reset_index(drop=True))
    return np.asarray(fw, dtype=np.float64), np.asarray(bw, dtype=np.float64)


def minutes_to_metres(minutes: float, profile: str) -> float:
    """A norm in minutes as metres at the profile's nominal speed.

    Examples
    --------
    >>> minutes_to_metres(10, "walk75")
    450.0
    """
    value = float(minutes)
    if not math.isfinite(value) or value < 0:
        raise AnalysisError(f"een norm in minuten moet een getal ≥ 0 zijn, kreeg {minutes!r}")
    return value * 60.0 * get_profile(profile).speed_mps


def metres_to_minutes(metres: float | np.ndarray, profile: str) -> float | np.ndarray:
    """Metres as minutes at the profile's nominal speed (``inf`` stays ``inf``).

    Examples
    --------
    >>> metres_to_minutes(450.0, "walk75")
    10.0
    """
    per_minute = 60.0 * get_profile(profile).speed_mps
    if isinstance(metres, np.ndarray):
        return np.asarray(metres, dtype=np.float64) / per_minute
    return float(metres) / per_minute
