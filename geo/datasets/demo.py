"""Deterministic generator of the embedded Midden-Drenthe demo region.

Public facts in, generated detail out. The facts (``data/midden_drenthe_villages.csv``):
25 village names, a point in each village, inhabitants per village and its CBS core
buurt code; the municipality's land area (345.87 km², CBS) and its code GM1731.
Everything else is generated with a fixed seed and documented here:

- **Outline**: the convex hull of the village points, buffered so that its area equals
  the municipality's 345.87 km². Not the real border (real borders cannot ship).
- **Wijken and buurten**: the outline is split into Voronoi cells around the village
  points; a wijk (``WK1731ww``) is the union of the cells of the villages sharing its
  code. Each village gets a core buurt (``BU1731wwbb`` from the facts file): a
  slightly irregular disc sized by its core population, clipped to its cell. Beilen's
  core is split into Centrum/Noord/Oost/Zuid/West; Smilde, Bovensmilde and
  Hoogersmilde (canal villages, drawn north–south) into centrum/noord/zuid. The rest
  of each wijk is its ``BU1731ww09`` "Verspreide huizen" buurt, as in CBS's layout.
- **Population**: each village's inhabitants are split between its core (70–94 %,
  larger villages keep more in the core) and its countryside, which goes to the wijk's
  verspreide-huizen buurt; so village totals match the facts exactly. Age shares are
  interpolated between a town profile (65+ ≈ 23.5 %) and a small-village profile
  (65+ ≈ 30 %), with small random variation; Drenthe's 65+ share is 24.5 % (2023).
- **Homes**: one point per dwelling, ``round(inhabitants / 2.1)`` per village part,
  scattered around the village point inside the buurt. Type, construction year, lift,
  step-free flag, floor area and tenure are drawn from distributions that depend on
  village size and core/countryside (see ``_home_profile``). Corporation homes are
  owned by Woonservice in the Westerbork core area and by Actium elsewhere (an
  assumption for the demo).
- **Facilities**: a plan per village (``_FACILITY_PLAN``) of GP practices, pharmacies,
  supermarkets, meeting places, nursing homes (somatic and dementia), clustered housing,
  day care and bus stops, plus facilities just outside the municipality in Assen and
  Hoogeveen (hospitals, GP out-of-hours posts, shops). Names and capacities are
  generated, except De Wegwijzer in Westerbork (28 senior apartments, Woonservice).

Run ``python -m geo generate-demo`` to rebuild ``data/midden_drenthe_demo.gpkg``.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, Polygon

from geo import vocabulary
from geo.model.crs import transformer
from geo.model.region import Region, validate_region

__all__ = ["DEMO_NOTICE", "SEED", "generate_demo_region", "load_villages", "villages_path"]

SEED = 20241101
BASE_YEAR = 2024
MUNICIPAL_AREA_M2 = 345.87e6  # CBS, gemeente Midden-Drenthe, total area
PERSONS_PER_HOME = 2.1
GEMEENTE_CODE = "GM1731"
GEMEENTE_NAME = "Midden-Drenthe"
DEMO_NOTICE = (
    "Demodata: gebouwd uit openbare feiten (dorpsnamen, ligging, inwonertallen) met "
    "gegenereerde details (buurtgrenzen, leeftijdsopbouw, woningen, voorzieningen). "
    "Niet gebruiken voor echte besluiten; laad echte data voor planning."
)

# Age profiles (shares of the bands in vocabulary.AGE_BANDS, each sums to 1).
_TOWN_PROFILE = np.array([0.160, 0.115, 0.220, 0.270, 0.125, 0.080, 0.030])
_VILLAGE_PROFILE = np.array([0.120, 0.100, 0.170, 0.310, 0.170, 0.100, 0.030])

_SPLIT3 = ("centrum", "noord", "zuid")
_BEILEN_PARTS = (("Centrum", "00"), ("Noord", "04"), ("Oost", "05"), ("Zuid", "06"),
                 ("West", "07"))

# village -> list of (facility type, capacity or None); capacity in patients for GPs,
# places for nursing homes, units for clustered housing.
_FACILITY_PLAN: dict[str, list[tuple[str, float | None]]] = {
    "Beilen": [("gp", 4200), ("gp", 4200), ("gp", 2100), ("pharmacy", None),
               ("pharmacy", None), ("supermarket", None), ("supermarket", None),
               ("supermarket", None), ("supermarket", None), ("community_centre", None),
               ("community_centre", None), ("nursing_somatic", 64), ("nursing_dementia", 32),
               ("nursing_dementia", 24), ("clustered_housing", 40), ("clustered_housing", 32),
               ("clustered_housing", 24), ("day_care", 30), ("day_care", 20)]
    + [("bus_stop", None)] * 10,
    "Westerbork": [("gp", 4200), ("gp", 2100), ("pharmacy", None), ("supermarket", None),
                   ("supermarket", None), ("community_centre", None), ("nursing_somatic", 40),
                   ("nursing_dementia", 24), ("clustered_housing", 20), ("day_care", 20)]
    + [("bus_stop", None)] * 4,
    "Smilde": [("gp", 4200), ("pharmacy", None), ("supermarket", None), ("supermarket", None),
               ("community_centre", None), ("nursing_somatic", 36), ("clustered_housing", 24),
               ("day_care", 15)] + [("bus_stop", None)] * 4,
    "Bovensmilde": [("gp", 4200), ("supermarket", None), ("community_centre", None),
                    ("nursing_dementia", 16), ("clustered_housing", 18)]
    + [("bus_stop", None)] * 3,
    "Hoogersmilde": [("gp", 2100), ("supermarket", None), ("community_centre", None),
                     ("bus_stop", None), ("bus_stop", None)],
    "Hooghalen": [("gp", 2100), ("supermarket", None), ("community_centre", None),
                  ("clustered_housing", 12), ("day_care", 12), ("bus_stop", None),
                  ("bus_stop", None)],
    "Wijster": [("community_centre", None), ("day_care", 12), ("bus_stop", None),
                ("bus_stop", None)],
    "Nieuw-Balinge": [("gp", 2100), ("supermarket", None), ("community_centre", None),
                      ("day_care", 10), ("bus_stop", None), ("bus_stop", None)],
    "Hijken": [("community_centre", None), ("bus_stop", None), ("bus_stop", None)],
    "Witteveen": [("community_centre", None), ("bus_stop", None)],
    "Drijber": [("community_centre", None), ("bus_stop", None)],
    "Zwiggelte": [("bus_stop", None)],
    "Elp": [("community_centre", None), ("bus_stop", None)],
    "Spier": [("community_centre", None), ("bus_stop", None)],
    "Orvelte": [("community_centre", None), ("bus_stop", None)],
    "Mantinge": [("community_centre", None), ("bus_stop", None)],
    "Laaghalen": [("bus_stop", None)],
    "Oranje": [("bus_stop", None)],
    "Holthe": [("bus_stop", None)],
}

# Facilities just outside the municipality: (place, lon, lat, type, name, operator, capacity).
_OUTSIDE: list[tuple[str, float, float, str, str, str, float | None]] = [
    ("Assen", 6.5785, 52.9841, "hospital", "Wilhelmina Ziekenhuis Assen", "WZA", None),
    ("Assen", 6.5790, 52.9836, "gp_post", "Huisartsenpost Assen", "Dokterswacht Drenthe", None),
    ("Hoogeveen", 6.4925, 52.7295, "hospital", "Ziekenhuis Hoogeveen", "Treant", None),
    ("Hoogeveen", 6.4930, 52.7290, "gp_post", "Huisartsenpost Hoogeveen",
     "Dokterswacht Drenthe", None),
    ("Assen", 6.5290, 52.9905, "supermarket", "Supermarkt Assen-Kloosterveen", "", None),
    ("Assen", 6.5335, 52.9930, "gp", "Huisartsenpraktijk Kloosterveen", "", 4200),
    ("Assen", 6.5320, 52.9920, "pharmacy", "Apotheek Kloosterveen", "", None),
    ("Assen", 6.5520, 52.9870, "nursing_somatic", "Verpleeghuis Assen-Zuid", "Interzorg", 80),
    ("Assen", 6.5540, 52.9880, "nursing_dementia", "Zorgcentrum Assen-Zuid (PG)", "Interzorg",
     48),
    ("Hoogeveen", 6.4800, 52.7330, "nursing_dementia", "Zorgcentrum Hoogeveen (PG)",
     "Zorggroep Drenthe", 40),
]

_CARE_OPERATORS = ("Zorggroep Drenthe", "Icare", "Interzorg")
_NAME_PREFIX = {
    "gp": "Huisartspraktijk",
    "pharmacy": "Apotheek",
    "supermarket": "Supermarkt",
    "community_centre": "Dorpshuis",
    "nursing_somatic": "Zorgcentrum",
    "nursing_dementia": "Kleinschalig wonen (PG)",
    "clustered_housing": "Seniorencomplex",
    "day_care": "Dagbesteding",
    "bus_stop": "Bushalte",
}


@dataclass(frozen=True)
class _Village:
    name: str
    inhabitants: int
    x: float
    y: float
    core_buurt: str
    kerngebied: str

    @property
    def wijk(self) -> str:
        return self.core_buurt[6:8]

    @property
    def core_share(self) -> float:
        if self.inhabitants >= 4000:
            return 0.94
        if self.inhabitants >= 1000:
            return 0.88
        if self.inhabitants >= 300:
            return 0.80
        return 0.70

    @property
    def oldness(self) -> float:
        """0 for a town, towards 1 for the smallest villages."""
        return float(np.clip(1.0 - math.log10(self.inhabitants) / 4.0, 0.0, 0.8)) / 0.8


def villages_path() -> Path:
    """Path of the embedded village facts file."""
    from geo.datasets import get_path

    return get_path("midden_drenthe_villages")


def load_villages(path: str | Path | None = None) -> pd.DataFrame:
    """Read the village facts file (comment lines start with ``#``)."""
    path = Path(path) if path else villages_path()
    with open(path, encoding="utf-8") as fh:
        rows = [line for line in fh if not line.startswith("#")]
    records = list(csv.DictReader(rows))
    frame = pd.DataFrame(records)
    for col in ("inhabitants",):
        frame[col] = frame[col].astype("int64")
    for col in ("lon", "lat", "x_rd", "y_rd"):
        frame[col] = frame[col].astype("float64")
    return frame


def _to_villages(frame: pd.DataFrame) -> list[_Village]:
    return [
        _Village(r.village, int(r.inhabitants), float(r.x_rd), float(r.y_rd), r.core_buurt,
                 r.kerngebied_default)
        for r in frame.itertuples(index=False)
    ]


def _outline(villages: list[_Village]) -> Polygon:
    hull = MultiPoint([(v.x, v.y) for v in villages]).convex_hull
    lo, hi = 0.0, 10_000.0
    for _ in range(50):  # bisection on the buffer distance to match the area
        mid = (lo + hi) / 2
        if hull.buffer(mid, quad_segs=16).area < MUNICIPAL_AREA_M2:
            lo = mid
        else:
            hi = mid
    return shapely.set_precision(hull.buffer(lo, quad_segs=16), 1.0)


def _blob(rng: np.random.Generator, x: float, y: float, radius: float,
          aspect: float = 1.0) -> Polygon:
    """An irregular, smooth disc (``aspect`` > 1 stretches it north–south)."""
    n = 36
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    noise = np.zeros(n)
    for k, amp in ((2, 0.10), (3, 0.07), (5, 0.04)):
        noise += amp * np.cos(k * angles + rng.uniform(0, 2 * np.pi))
    r = radius * (1.0 + noise)
    return Polygon(np.column_stack([x + r * np.cos(angles) / math.sqrt(aspect),
                                    y + r * np.sin(angles) * math.sqrt(aspect)]))


def _core_radius(core_population: float) -> float:
    density = 1800e-6 if core_population > 2000 else 1200e-6  # inhabitants per m²
    return max(250.0, math.sqrt(core_population / density / math.pi))


def _round_preserving(values: np.ndarray, total: int) -> np.ndarray:
    """Largest-remainder rounding of non-negative ``values`` to integers summing to ``total``."""
    scaled = values / values.sum() * total
    floor = np.floor(scaled).astype(np.int64)
    rest = total - int(floor.sum())
    order = np.argsort(-(scaled - floor), kind="stable")
    floor[order[:rest]] += 1
    return floor


def _sample_in(rng: np.random.Generator, poly: Polygon, n: int, cx: float, cy: float,
               sigma: float) -> np.ndarray:
    """``n`` points inside ``poly``, normally scattered around (cx, cy) (rejection sampling)."""
    out = np.empty((0, 2))
    minx, miny, maxx, maxy = poly.bounds
    shapely.prepare(poly)
    tries = 0
    while len(out) < n:
        tries += 1
        m = max(64, 3 * (n - len(out)))
        if tries < 20:
            pts = rng.normal((cx, cy), sigma, size=(m, 2))
        else:  # fall back to uniform within the bounds for awkward shapes
            pts = rng.uniform((minx, miny), (maxx, maxy), size=(m, 2))
        pts = pts[shapely.contains_xy(poly, pts[:, 0], pts[:, 1])]
        out = np.vstack([out, pts])
    return np.round(out[:n], 1)


def _split_parts(village: _Village, blob: Polygon) -> list[tuple[str, str, Polygon, float]]:
    """Split a core into named buurten: (buurt code, name, polygon, population share)."""
    code = village.core_buurt
    if village.name == "Beilen":
        r = math.sqrt(blob.area / math.pi)
        centre = Point(village.x, village.y).buffer(0.45 * r, quad_segs=16).intersection(blob)
        ring = blob.difference(centre)
        parts = [(code[:8] + "00", "Beilen-Centrum", centre, 0.16)]
        big = 4 * r
        for (label, suffix), angle in zip(_BEILEN_PARTS[1:], (90, 0, 270, 180), strict=True):
            a0, a1 = math.radians(angle - 45), math.radians(angle + 45)
            wedge = Polygon([(village.x, village.y),
                             (village.x + big * math.cos(a0), village.y + big * math.sin(a0)),
                             (village.x + big * math.cos((a0 + a1) / 2),
                              village.y + big * math.sin((a0 + a1) / 2)),
                             (village.x + big * math.cos(a1), village.y + big * math.sin(a1))])
            parts.append((code[:8] + suffix, f"Beilen-{label}", ring.intersection(wedge), 0.21))
        return parts
    if village.name in ("Smilde", "Bovensmilde", "Hoogersmilde"):
        minx, miny, maxx, maxy = blob.bounds
        third = (maxy - miny) / 3
        bands = {
            "centrum": shapely.box(minx, miny + third, maxx, maxy - third),
            "noord": shapely.box(minx, maxy - third, maxx, maxy),
            "zuid": shapely.box(minx, miny, maxx, miny + third),
        }
        shares = {"centrum": 0.40, "noord": 0.30, "zuid": 0.30}
        return [(code[:8] + f"0{i}", f"{village.name} {label}", blob.intersection(bands[label]),
                 shares[label]) for i, label in enumerate(_SPLIT3)]
    return [(code, village.name, blob, 1.0)]


def _home_profile(village: _Village, part_name: str, countryside: bool) -> dict[str, float]:
    """Probabilities that drive the home attributes of one village part."""
    size = village.inhabitants
    if countryside:
        multi = 0.0
    elif part_name == "Beilen-Centrum":
        multi = 0.45
    elif size >= 4000:
        multi = 0.16
    elif size >= 1000:
        multi = 0.08
    else:
        multi = 0.03
    if countryside:
        social = 0.02
    elif size >= 4000:
        social = 0.22
    elif size >= 1000:
        social = 0.18
    else:
        social = 0.10
    return {"multi": multi, "social_single": social, "old_stock": 0.35 if countryside else 0.12}


def _make_homes(rng: np.random.Generator, xy: np.ndarray, village: _Village, part_name: str,
                countryside: bool) -> pd.DataFrame:
    n = len(xy)
    prof = _home_profile(village, part_name, countryside)
    multi = rng.random(n) < prof["multi"]
    # construction year: decade classes, older stock more common in the countryside
    old = prof["old_stock"]
    single_p = np.array([old, 0.18, 0.30, 0.25, 0.15])
    single_p = single_p / single_p.sum()
    multi_p = np.array([0.02, 0.08, 0.40, 0.32, 0.18])
    starts = np.array([1880, 1945, 1970, 1990, 2010])
    ends = np.array([1944, 1969, 1989, 2009, 2024])
    cls = np.where(multi, rng.choice(5, n, p=multi_p), rng.choice(5, n, p=single_p))
    year = rng.integers(starts[cls], ends[cls] + 1)
    lift = multi & (rng.random(n) < np.where(year >= 1990, 0.85, 0.25))
    ground_floor = rng.random(n) < 0.30
    step_free = np.where(
        multi, lift | ground_floor, rng.random(n) < np.where(year >= 2010, 0.15, 0.05)
    )
    area = np.where(multi, rng.normal(72, 15, n).clip(35, 150),
                    rng.normal(125 + (25 if countryside else 0), 30, n).clip(50, 350)).round()
    p_social = np.where(multi, 0.65, prof["social_single"])
    u = rng.random(n)
    tenure = np.where(u < p_social, "social_rent",
                      np.where(u < p_social + np.where(multi, 0.15, 0.06), "private_rent",
                               "owner_occupied"))
    corporation = "Woonservice" if village.kerngebied == "Westerbork" else "Actium"
    owner = np.select([tenure == "social_rent", tenure == "private_rent"],
                      [corporation, "particuliere verhuurder"], "eigenaar-bewoner")
    return pd.DataFrame({
        "construction_year": year.astype("int64"),
        "dwelling_type": np.where(multi, "multi_family", "single_family"),
        "step_free": step_free.astype(bool),
        "lift": lift.astype(bool),
        "floor_area": area.astype("float64"),
        "tenure": tenure,
        "owner": owner,
        "woonplaats": village.name,
        "x": xy[:, 0],
        "y": xy[:, 1],
    })


def _age_counts(rng: np.random.Generator, total: int, oldness: float) -> np.ndarray:
    shares = (1 - oldness) * _TOWN_PROFILE + oldness * _VILLAGE_PROFILE
    shares = shares * rng.normal(1.0, 0.04, size=shares.shape).clip(0.85, 1.15)
    return _round_preserving(shares, total)


def generate_demo_region(villages: pd.DataFrame | None = None, *, seed: int = SEED) -> Region:
    """Generate the Midden-Drenthe demo region.

    Parameters
    ----------
    villages
        Village facts (columns of ``data/midden_drenthe_villages.csv``); the embedded
        file when ``None``.
    seed
        Seed of the random generator; the same seed gives the same region.

    Returns
    -------
    Region
        A validated region with ``metadata['demo'] == 'true'``.
    """
    rng = np.random.default_rng(seed)
    vills = _to_villages(load_villages() if villages is None else villages)
    outline = _outline(vills)
    points = MultiPoint([(v.x, v.y) for v in vills])
    cells_raw = shapely.voronoi_polygons(points, extend_to=outline.envelope.buffer(5000))
    cells: dict[str, Polygon] = {}
    for cell in shapely.get_parts(cells_raw):
        for v in vills:
            if cell.contains(Point(v.x, v.y)):
                cells[v.name] = cell.intersection(outline)
    wijken: dict[str, list[_Village]] = {}
    for v in vills:
        wijken.setdefault(v.wijk, []).append(v)

    area_rows: list[dict[str, object]] = []
    pop_rows: list[dict[str, object]] = []
    home_frames: list[pd.DataFrame] = []
    core_polys: dict[str, Polygon] = {}

    for wijk, members in sorted(wijken.items()):
        main = members[0] if members[0].core_buurt.endswith("00") else min(
            members, key=lambda v: v.core_buurt)
        wijk_code = f"WK1731{wijk}"
        wijk_poly = shapely.union_all([cells[v.name] for v in members])
        cores = []
        for v in members:
            core_pop = round(v.inhabitants * v.core_share)
            aspect = 2.2 if v.name in ("Smilde", "Bovensmilde", "Hoogersmilde") else 1.0
            blob = _blob(rng, v.x, v.y, _core_radius(core_pop), aspect).intersection(cells[v.name])
            blob = shapely.set_precision(blob, 1.0)
            core_polys[v.name] = blob
            parts = _split_parts(v, blob)
            counts = _round_preserving(np.array([p[3] for p in parts]), core_pop)
            for (code, name, poly, _), count in zip(parts, counts, strict=True):
                poly = shapely.set_precision(poly, 1.0)
                cores.append(poly)
                area_rows.append({"buurt_code": code, "buurt_name": name,
                                  "wijk_code": wijk_code, "wijk_name": main.name,
                                  "kerngebied": v.kerngebied, "buurt_type": "kern",
                                  "geometry": poly})
                oldness = 0.5 if name == "Beilen-Centrum" else v.oldness
                pop_rows.append({"buurt_code": code,
                                 **dict(zip(vocabulary.band_columns(),
                                            _age_counts(rng, int(count), oldness), strict=True))})
                n_homes = round(count / PERSONS_PER_HOME)
                c = poly.centroid if len(parts) > 1 else Point(v.x, v.y)
                sigma = max(120.0, math.sqrt(poly.area) / 3)
                xy = _sample_in(rng, poly, n_homes, c.x, c.y, sigma)
                frame = _make_homes(rng, xy, v, name, countryside=False)
                frame["buurt_code"] = code
                home_frames.append(frame)
        vh_poly = shapely.set_precision(wijk_poly.difference(shapely.union_all(cores)), 1.0)
        vh_code = f"BU1731{wijk}09"
        area_rows.append({"buurt_code": vh_code, "buurt_name": f"Verspreide huizen {main.name}",
                          "wijk_code": wijk_code, "wijk_name": main.name,
                          "kerngebied": main.kerngebied, "buurt_type": "verspreide_huizen",
                          "geometry": vh_poly})
        vh_total = 0
        for v in members:
            rural = v.inhabitants - round(v.inhabitants * v.core_share)
            vh_total += rural
            zone = vh_poly.intersection(cells[v.name])
            zone = zone if zone.area > 1e5 else vh_poly
            xy = _sample_in(rng, zone, round(rural / PERSONS_PER_HOME), v.x, v.y, 2000.0)
            frame = _make_homes(rng, xy, v, vh_code, countryside=True)
            frame["buurt_code"] = vh_code
            home_frames.append(frame)
        pop_rows.append({"buurt_code": vh_code,
                         **dict(zip(vocabulary.band_columns(),
                                    _age_counts(rng, vh_total, 0.3 + 0.3 * main.oldness),
                                    strict=True))})

    areas = gpd.GeoDataFrame(pd.DataFrame(area_rows), geometry="geometry",
                             crs=vocabulary.METRIC_CRS)
    areas.insert(4, "gemeente_code", GEMEENTE_CODE)
    areas.insert(5, "gemeente_name", GEMEENTE_NAME)
    areas = areas.sort_values("buurt_code", kind="stable").reset_index(drop=True)
    population = pd.DataFrame(pop_rows).sort_values("buurt_code", kind="stable")
    population["estimated"] = False
    population = population.reset_index(drop=True)

    homes = pd.concat(home_frames, ignore_index=True)
    homes.insert(0, "home_id", [f"1731010{i:09d}" for i in range(1, len(homes) + 1)])
    homes = gpd.GeoDataFrame(homes.drop(columns=["x", "y"]),
                             geometry=gpd.points_from_xy(homes["x"], homes["y"]),
                             crs=vocabulary.METRIC_CRS)

    facilities = _make_facilities(rng, vills, core_polys)
    village_layer = gpd.GeoDataFrame(
        {"name": [v.name for v in vills], "inhabitants": [v.inhabitants for v in vills],
         "kerngebied": [v.kerngebied for v in vills],
         "core_buurt": [v.core_buurt for v in vills],
         "core_share": [v.core_share for v in vills]},
        geometry=gpd.points_from_xy([v.x for v in vills], [v.y for v in vills]),
        crs=vocabulary.METRIC_CRS,
    )
    metadata = {
        "format_version": "1",
        "region_name": "Midden-Drenthe (demo)",
        "gemeente_code": GEMEENTE_CODE,
        "base_year": str(BASE_YEAR),
        "reference_date": f"{BASE_YEAR}-01-01",
        "demo": "true",
        "notice": DEMO_NOTICE,
        "licence": "Demodata: CC0. Gebruikte feiten: CBS (CC BY 4.0), Wikipedia (CC BY-SA).",
        "generator": f"geo.datasets.demo.generate_demo_region(seed={seed})",
        "source_areas": "Gegenereerd: Voronoi-cellen rond dorpspunten binnen een omtrek met de "
                        "oppervlakte van Midden-Drenthe (345,87 km², CBS); buurtcodes in "
                        "CBS-stijl. Geen echte grenzen.",
        "source_population": "Inwoners per dorp: lijst van kernen (de.wikipedia, CBS-kerncijfers); "
                             "leeftijdsopbouw gegenereerd (65+ ≈ 25 %, Drenthe 24,5 % in 2023, "
                             "trendbureaudrenthe.nl).",
        "source_homes": "Gegenereerd: één punt per woning, aantal = inwoners / 2,1 (≈ 16.300; "
                        "gemeente ≈ 17.000 woningen, rtvdrenthe 2021). Kenmerken gegenereerd.",
        "source_facilities": "Gegenereerd per dorp naar plausibele voorzieningen; namen en "
                             "capaciteiten fictief, behalve De Wegwijzer Westerbork (28 "
                             "seniorenappartementen, Woonservice). Ziekenhuizen en "
                             "huisartsenposten Assen en Hoogeveen op hun ligging.",
        "source_villages": "Dorpsnamen, ligging en inwonertallen: lijst van kernen "
                           "(de.wikipedia); kerngebied = dichtstbijzijnde van Beilen, Smilde, "
                           "Westerbork (aanname).",
    }
    return validate_region(Region(areas=areas, population=population, homes=homes,
                                  facilities=facilities, metadata=metadata,
                                  villages=village_layer))


def _make_facilities(rng: np.random.Generator, vills: list[_Village],
                     core_polys: dict[str, Polygon]) -> gpd.GeoDataFrame:
    rows: list[dict[str, object]] = []
    by_name = {v.name: v for v in vills}
    counter: dict[tuple[str, str], int] = {}
    for village_name, plan in _FACILITY_PLAN.items():
        v = by_name[village_name]
        poly = core_polys[village_name]
        r = math.sqrt(poly.area / math.pi)
        for ftype, capacity in plan:
            key = (village_name, ftype)
            counter[key] = counter.get(key, 0) + 1
            k = counter[key]
            # services near the centre; bus stops spread along the village
            sigma = 0.6 * r if ftype == "bus_stop" else 0.25 * r
            x, y = _sample_in(rng, poly, 1, v.x, v.y, sigma)[0]
            name = f"{_NAME_PREFIX[ftype]} {village_name}" + (f" {k}" if k > 1 else "")
            operator = ""
            if ftype in ("nursing_somatic", "nursing_dementia", "day_care"):
                operator = _CARE_OPERATORS[int(rng.integers(len(_CARE_OPERATORS)))]
            elif ftype == "clustered_housing":
                operator = "Woonservice" if v.kerngebied == "Westerbork" else "Actium"
            elif ftype == "bus_stop":
                operator = "Qbuzz"
            rows.append({"facility_type": ftype, "name": name, "operator": operator,
                         "capacity": capacity, "woonplaats": village_name, "x": x, "y": y})
    # A known fact: De Wegwijzer, Zuidbrink Westerbork, 28 senior apartments (Woonservice).
    wb = by_name["Westerbork"]
    rows.append({"facility_type": "clustered_housing", "name": "De Wegwijzer",
                 "operator": "Woonservice", "capacity": 28.0, "woonplaats": "Westerbork",
                 "x": wb.x + 150.0, "y": wb.y - 120.0})
    to_rd = transformer(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS)
    for place, lon, lat, ftype, name, operator, capacity in _OUTSIDE:
        x, y = to_rd.transform(lon, lat)
        rows.append({"facility_type": ftype, "name": name, "operator": operator,
                     "capacity": capacity, "woonplaats": place, "x": round(x, 1), "y": round(y, 1)})
    frame = pd.DataFrame(rows)
    frame.insert(0, "facility_id", [f"F{i:04d}" for i in range(1, len(frame) + 1)])
    frame["capacity"] = pd.to_numeric(frame["capacity"]).astype("float64")
    return gpd.GeoDataFrame(frame.drop(columns=["x", "y"]),
                            geometry=gpd.points_from_xy(frame["x"], frame["y"]),
                            crs=vocabulary.METRIC_CRS)
