"""Generated homes of a built-in region: one point per CBS dwelling (region-agnostic).

Used by the built-in regions (:mod:`geo.datasets.midden_drenthe`,
:mod:`geo.datasets.zuidoost_drenthe`); their own facts (neighbouring towns, corporations,
the social-rent calibration) are passed in. Counts are real, positions and attributes
generated (fixed seed):

- **How many.** The CBS dwelling stock per wijk (woningvoorraad) is distributed over the
  wijk's buurten in proportion to their CBS households (largest-remainder rounding), so the
  wijk totals are exact.
- **Where, in the village cores** (every buurt that is not "Verspreide huizen"): a compact
  built-up area around the village point (the buurt's pole of inaccessibility where the
  village list has no village), an irregular disc grown inside the buurt until it holds the
  dwellings at a typical gross density of village housing areas (:data:`DENSITY_PER_HA`:
  20 dwellings/ha from 1,000 dwellings, 15 from 250, 10 below; an assumption). Homes sit on
  a jittered grid filling that area from the centre outwards.
- **Where, in the "Verspreide huizen" buurten**: in ribbons along roads. No road data ships
  with the app, so the roads are derived: the straight links of a Delaunay triangulation
  (links up to 9 km) between the village points, the centres of the other buurten and
  neighbouring towns outside the region (approximate points, given by the caller), clipped
  to the buurt. Homes stand in small clusters (farmsteads) 15–60 m beside those lines, never
  spread uniformly over farmland.
- **Attributes.** Per buurt the number of single-family and owner-occupied homes equals
  the CBS percentage × dwellings (a buurt CBS keeps secret uses its wijk's percentages).
  Multi-family homes are placed towards the village centre; rented homes are mostly the
  multi-family ones; the share of rented homes that is social rent, and its corporation,
  per buurt come from the caller. Construction year, lift, step-free flag and floor area
  are drawn from distributions that depend on the dwelling type and core/countryside
  (:func:`_attributes`).
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import polylabel

from geo import vocabulary
from geo.model.crs import transformer

__all__ = [
    "DENSITY_PER_HA",
    "buurt_roads",
    "built_up_area",
    "dwelling_plan",
    "grid_points",
    "make_homes",
    "ribbon_points",
    "road_lines",
]

#: Gross dwellings per hectare of a village's built-up area, by its number of dwellings
#: (threshold, density); an assumption for Dutch village housing areas.
DENSITY_PER_HA: tuple[tuple[int, float], ...] = ((1000, 20.0), (250, 15.0), (0, 10.0))

_ROAD_MAX_M = 9000.0



# --------------------------------------------------------------------------- counts


def _largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        out = np.zeros(len(weights), dtype=np.int64)
        if total > 0:
            out[0] = total
        return out
    scaled = weights / weights.sum() * total
    base = np.floor(scaled).astype(np.int64)
    order = np.argsort(-(scaled - base), kind="stable")
    base[order[: total - int(base.sum())]] += 1
    return base


def dwelling_plan(areas: gpd.GeoDataFrame, kwb: pd.DataFrame) -> pd.DataFrame:
    """Dwellings, % single-family and % owner-occupied per buurt (CBS-based).

    Parameters
    ----------
    areas
        The region's buurten (``buurt_code``, ``wijk_code``).
    kwb
        The CBS key figures (:func:`geo.datasets.midden_drenthe.kerncijfers`).

    Returns
    -------
    pandas.DataFrame
        Index ``buurt_code`` (areas order): ``wijk_code``, ``households``, ``dwellings``
        (int), ``pct_single_family``, ``pct_owner`` (the wijk's value where CBS gives none
        for the buurt, else the gemeente's). A wijk's woningvoorraad is split over all its
        buurten in ``kwb`` by households, so the dwellings sum to it exactly when every
        buurt is in ``areas``; the share of a buurt left out of the region (e.g. for lack
        of geometry) is left out with it.
    """
    fig = kwb.set_index("gwb_code")

    def num(col: str) -> pd.Series:
        return pd.to_numeric(fig[col].replace("", np.nan), errors="coerce")

    plan = pd.DataFrame({"wijk_code": areas["wijk_code"].to_numpy()},
                        index=pd.Index(areas["buurt_code"], name="buurt_code"))
    households = num("aantal_huishoudens")
    plan["households"] = households.reindex(plan.index).fillna(0).to_numpy()
    gemeente = plan["wijk_code"].str.replace(r"^WK(\d{4})\d*$", r"GM\1", regex=True)
    for out, col in (("pct_single_family", "percentage_eengezinswoning"),
                     ("pct_owner", "percentage_koopwoningen")):
        own = num(col).reindex(plan.index)
        plan[out] = own.fillna(plan["wijk_code"].map(num(col))).fillna(
            gemeente.map(num(col))).to_numpy()
    stock = num("woningvoorraad")
    level = fig["soort_regio"].str.lower() if "soort_regio" in fig else pd.Series(dtype=str)
    listed = fig.loc[level.reindex(fig.index).eq("buurt").to_numpy(), "wijkcode"] \
        if "wijkcode" in fig else pd.Series(dtype=str)
    plan["dwellings"] = 0
    for wijk, rows in plan.groupby("wijk_code", sort=True):
        codes = sorted(set(rows.index) | set(listed.index[listed == wijk]))
        split = pd.Series(_largest_remainder(
            households.reindex(codes).fillna(0).to_numpy(), int(stock[wijk])), index=codes)
        plan.loc[rows.index, "dwellings"] = split.reindex(rows.index).to_numpy()
    plan["dwellings"] = plan["dwellings"].astype("int64")
    return plan


# --------------------------------------------------------------------------- placement


def _density(n: int) -> float:
    """Dwellings per m² for a built-up area of ``n`` dwellings."""
    return next(d for threshold, d in DENSITY_PER_HA if n >= threshold) / 10_000.0


def _blob(noise: np.ndarray, x: float, y: float, radius: float) -> Polygon:
    angles = np.linspace(0, 2 * np.pi, len(noise), endpoint=False)
    r = radius * (1.0 + noise)
    return Polygon(np.column_stack([x + r * np.cos(angles), y + r * np.sin(angles)]))


def built_up_area(rng: np.random.Generator, buurt: shapely.Geometry, centre: Point,
                  n: int) -> shapely.Geometry:
    """A compact irregular area around ``centre`` inside ``buurt`` for ``n`` dwellings."""
    target = n / _density(n)
    angles = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    noise = np.zeros(36)
    for k, amp in ((2, 0.12), (3, 0.08), (5, 0.04)):
        noise += amp * np.cos(k * angles + rng.uniform(0, 2 * np.pi))
    if buurt.area <= target * 1.05:
        return buurt
    lo, hi = 0.0, 2.0 * math.sqrt(buurt.area)
    for _ in range(40):
        mid = (lo + hi) / 2
        if _blob(noise, centre.x, centre.y, mid).intersection(buurt).area < target:
            lo = mid
        else:
            hi = mid
    area = _blob(noise, centre.x, centre.y, hi).intersection(buurt)
    parts = [p for p in shapely.get_parts(area) if p.area > 0.02 * target]
    return shapely.union_all(parts) if parts else area


def grid_points(rng: np.random.Generator, area: shapely.Geometry, centre: Point,
                n: int) -> np.ndarray:
    """``n`` points on a jittered grid filling ``area`` from ``centre`` outwards."""
    if n <= 0:
        return np.empty((0, 2))
    minx, miny, maxx, maxy = area.bounds
    shapely.prepare(area)
    step = math.sqrt(area.area / n)
    while True:
        xs = np.arange(minx + step / 2, maxx, step)
        ys = np.arange(miny + step / 2, maxy, step * 0.87)
        gx, gy = np.meshgrid(xs, ys)
        gx = gx + (np.arange(len(ys))[:, None] % 2) * step / 2
        pts = np.column_stack([gx.ravel(), gy.ravel()])
        pts = pts + rng.uniform(-0.3, 0.3, pts.shape) * step
        pts = pts[shapely.contains_xy(area, pts[:, 0], pts[:, 1])]
        if len(pts) >= n:
            dist = np.hypot(pts[:, 0] - centre.x, pts[:, 1] - centre.y)
            return np.round(pts[np.argsort(dist, kind="stable")[:n]], 1)
        step *= 0.93


def road_lines(areas: gpd.GeoDataFrame, villages: pd.DataFrame,
               towns_lonlat: dict[str, tuple[float, float]]) -> shapely.Geometry:
    """Derived road lines: Delaunay links (≤ 9 km) between villages, buurt centres, towns.

    Parameters
    ----------
    areas
        The buurten (``buurt_code``, geometry in RD New).
    villages
        ``village``, ``x_rd``, ``y_rd``, ``core_buurt``.
    towns_lonlat
        Towns just outside the region: name → (lon, lat) in WGS84 (approximate points).
    """
    to_rd = transformer(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS)
    towns = np.column_stack(to_rd.transform(*np.array(list(towns_lonlat.values())).T))
    village_xy = villages[["x_rd", "y_rd"]].to_numpy(dtype=float)
    own = set(villages["core_buurt"])
    centres = [shapely.get_coordinates(
                   polylabel(max(shapely.get_parts(g), key=lambda p: p.area), 10.0))[0]
               for code, g in zip(areas["buurt_code"], areas.geometry, strict=True)
               if code not in own]
    nodes = shapely.multipoints(np.vstack([village_xy, np.array(centres), towns]))
    edges = shapely.get_parts(shapely.delaunay_triangles(nodes, only_edges=True))
    return shapely.union_all(edges[shapely.length(edges) <= _ROAD_MAX_M])


def _spokes(buurt: shapely.Geometry) -> shapely.Geometry:
    """A local access cross through the buurt's centre (when no derived road reaches it)."""
    c = polylabel(max(shapely.get_parts(buurt), key=lambda g: g.area), 10.0)
    r = 2 * math.sqrt(buurt.area)
    return shapely.intersection(shapely.multilinestrings(
        [[(c.x - r, c.y), (c.x + r, c.y)], [(c.x, c.y - r), (c.x, c.y + r)]]), buurt)


def buurt_roads(buurt: shapely.Geometry, roads: shapely.Geometry) -> shapely.Geometry:
    """The derived road lines inside ``buurt`` (plus an access cross when they are short).

    Returns
    -------
    shapely.MultiLineString
        The parts of ``roads`` inside the buurt longer than 1 m; when they add up to less
        than 500 m, also a north–south and an east–west line through the buurt's centre.
    """
    lines = [g for g in shapely.get_parts(shapely.intersection(roads, buurt))
             if isinstance(g, LineString) and g.length > 1]
    if sum(g.length for g in lines) < 500.0:
        lines += [g for g in shapely.get_parts(_spokes(buurt))
                  if isinstance(g, LineString) and g.length > 1]
    return shapely.multilinestrings(lines)


def ribbon_points(rng: np.random.Generator, buurt: shapely.Geometry,
                  roads: shapely.Geometry, n: int) -> np.ndarray:
    """``n`` points in small clusters 15–60 m beside the road lines inside ``buurt``."""
    if n <= 0:
        return np.empty((0, 2))
    lines_arr = shapely.get_parts(buurt_roads(buurt, roads))
    lengths = shapely.length(lines_arr)
    ends = np.cumsum(lengths)
    shapely.prepare(buurt)
    clusters = rng.uniform(0, ends[-1], max(1, n // 3))
    out = np.empty((0, 2))
    while len(out) < n:
        m = 2 * (n - len(out)) + 16
        d = np.clip(clusters[rng.integers(len(clusters), size=m)] + rng.normal(0, 40.0, m),
                    0, ends[-1] - 1e-6)
        idx = np.searchsorted(ends, d, side="right")
        local = d - (ends[idx] - lengths[idx])
        geoms = lines_arr[idx]
        p = shapely.get_coordinates(shapely.line_interpolate_point(geoms, local))
        a = shapely.get_coordinates(shapely.line_interpolate_point(
            geoms, np.clip(local - 2, 0, None)))
        b = shapely.get_coordinates(shapely.line_interpolate_point(
            geoms, np.minimum(local + 2, lengths[idx])))
        t = b - a
        t /= np.maximum(np.hypot(t[:, 0], t[:, 1]), 1e-9)[:, None]
        side = np.where(rng.random(m) < 0.5, -1.0, 1.0) * rng.uniform(15, 60, m)
        pts = p + np.column_stack([-t[:, 1], t[:, 0]]) * side[:, None]
        out = np.vstack([out, pts[shapely.contains_xy(buurt, pts[:, 0], pts[:, 1])]])
    return np.round(out[:n], 1)


# --------------------------------------------------------------------------- attributes


def _pick(rng: np.random.Generator, k: int, weights: np.ndarray) -> np.ndarray:
    """Boolean mask of ``k`` items drawn without replacement with ``weights``."""
    mask = np.zeros(len(weights), dtype=bool)
    k = int(min(max(k, 0), len(weights)))
    if k:
        p = weights / weights.sum()
        mask[rng.choice(len(weights), size=k, replace=False, p=p)] = True
    return mask


def _attributes(rng: np.random.Generator, multi: np.ndarray, countryside: bool,
                ) -> dict[str, np.ndarray]:
    """Construction year, lift, step-free flag and floor area (generated)."""
    n = len(multi)
    single_p = np.array([0.35 if countryside else 0.12, 0.18, 0.30, 0.25, 0.15])
    single_p = single_p / single_p.sum()
    multi_p = np.array([0.02, 0.08, 0.40, 0.32, 0.18])
    starts = np.array([1880, 1945, 1970, 1990, 2010])
    ends = np.array([1944, 1969, 1989, 2009, 2024])
    cls = np.where(multi, rng.choice(5, n, p=multi_p), rng.choice(5, n, p=single_p))
    year = rng.integers(starts[cls], ends[cls] + 1)
    lift = multi & (rng.random(n) < np.where(year >= 1990, 0.85, 0.25))
    ground_floor = rng.random(n) < 0.30
    step_free = np.where(multi, lift | ground_floor,
                         rng.random(n) < np.where(year >= 2010, 0.15, 0.05))
    area = np.where(multi, rng.normal(72, 15, n).clip(35, 150),
                    rng.normal(125 + (25 if countryside else 0), 30, n).clip(50, 350)).round()
    return {"construction_year": year.astype("int64"), "step_free": step_free.astype(bool),
            "lift": lift.astype(bool), "floor_area": area.astype("float64")}


def _buurt_homes(rng: np.random.Generator, xy: np.ndarray, row: pd.Series,
                 countryside: bool, social_share: float, corporation: str) -> pd.DataFrame:
    n = len(xy)
    n_multi = n - round(n * row["pct_single_family"] / 100)
    if countryside:
        multi = _pick(rng, n_multi, np.ones(n))
    else:  # points are ordered from the centre outwards: flats towards the centre
        multi = _pick(rng, n_multi, 1.0 / (1.0 + np.arange(n) / max(n_multi, 1)) ** 2)
    n_rent = n - round(n * row["pct_owner"] / 100)
    rented = _pick(rng, n_rent, np.where(multi, 6.0, 1.0))
    n_social = round(n_rent * social_share)
    social = np.zeros(n, dtype=bool)
    social[np.flatnonzero(rented)] = _pick(rng, n_social,
                                           np.where(multi[rented], 2.0, 1.0))
    tenure = np.where(social, "social_rent",
                      np.where(rented, "private_rent", "owner_occupied"))
    owner = np.select([social, rented], [corporation, "particuliere verhuurder"],
                      "eigenaar-bewoner")
    return pd.DataFrame({
        **_attributes(rng, multi, countryside),
        "dwelling_type": np.where(multi, "multi_family", "single_family"),
        "tenure": tenure, "owner": owner, "x": xy[:, 0], "y": xy[:, 1],
    })


def _centre(code: str, geom: shapely.Geometry, villages: pd.DataFrame,
            ) -> tuple[Point, str | None]:
    """Centre of a core buurt's built-up area and the village it belongs to (if any)."""
    hit = villages[villages["core_buurt"] == code]
    if len(hit):
        return Point(hit["x_rd"].iloc[0], hit["y_rd"].iloc[0]), str(hit["village"].iloc[0])
    poly = max(shapely.get_parts(geom), key=lambda g: g.area)
    return polylabel(poly, 10.0), None


def make_homes(rng: np.random.Generator, areas: gpd.GeoDataFrame, plan: pd.DataFrame,
               villages: pd.DataFrame, *, towns: dict[str, tuple[float, float]],
               social_share: pd.Series, corporation: pd.Series, id_prefix: pd.Series,
               ) -> tuple[gpd.GeoDataFrame, dict[str, tuple[Point, shapely.Geometry]]]:
    """Generate the homes layer.

    Parameters
    ----------
    rng
        The generator's random state; the same state gives the same homes.
    areas
        The buurten (``buurt_code``, ``kerngebied``, ``buurt_type``, geometry in RD New).
    plan
        :func:`dwelling_plan` (index ``buurt_code``).
    villages
        ``village`` (unique), ``x_rd``, ``y_rd`` and ``core_buurt`` (the buurt whose
        built-up area is the village's).
    towns
        Towns just outside the region, name → (lon, lat) WGS84: end points of the derived
        road lines.
    social_share
        Per ``buurt_code``: the share (0–1) of the rented homes that is social rent.
    corporation
        Per ``buurt_code``: the owner name of its social-rent homes.
    id_prefix
        Per ``buurt_code``: the first 7 characters of the home ids (BAG style: 4-digit
        municipality code + ``010``); ids are numbered through the whole region.

    Returns
    -------
    homes, cores
        The homes (``home_id``, attributes, ``buurt_code``, ``woonplaats``, Point in RD
        New), and per village its centre and built-up area (for placing facilities).
    """
    roads = road_lines(areas, villages, towns)
    main_village = {c[:8]: v for c, v in zip(villages["core_buurt"], villages["village"],
                                             strict=True) if c.endswith("00")}
    v_xy = villages[["x_rd", "y_rd"]].to_numpy(dtype=float)
    own_buurten = set(villages["core_buurt"])
    frames, cores = [], {}
    for area in areas.itertuples(index=False):
        row = plan.loc[area.buurt_code]
        n = int(row["dwellings"])
        countryside = area.buurt_type == "verspreide_huizen"
        if countryside:
            xy = ribbon_points(rng, area.geometry, roads, n)
        else:
            centre, village = _centre(area.buurt_code, area.geometry, villages)
            built = built_up_area(rng, area.geometry, centre, max(n, 1))
            xy = grid_points(rng, built, centre, n)
            if village is not None:
                cores[village] = (centre, built)
        frame = _buurt_homes(rng, xy, row, countryside,
                             float(social_share[area.buurt_code]),
                             str(corporation[area.buurt_code]))
        fallback = main_village.get(area.buurt_code[:8])
        if countryside or (area.buurt_code not in own_buurten and fallback is None):
            near = np.argmin(((v_xy[None, :, :] - xy[:, None, :]) ** 2).sum(2), axis=1) \
                if len(xy) else np.empty(0, dtype=int)
            frame["woonplaats"] = villages["village"].to_numpy()[near]
        elif area.buurt_code not in own_buurten:
            frame["woonplaats"] = fallback
        else:
            frame["woonplaats"] = villages.loc[villages["core_buurt"] == area.buurt_code,
                                               "village"].iloc[0]
        frame["buurt_code"] = area.buurt_code
        frame["_prefix"] = str(id_prefix[area.buurt_code])
        frames.append(frame)
    homes = pd.concat(frames, ignore_index=True)
    homes.insert(0, "home_id", [f"{p}{i:09d}" for i, p in
                                enumerate(homes["_prefix"], start=1)])
    cols = ["home_id", "construction_year", "dwelling_type", "step_free", "lift",
            "floor_area", "tenure", "owner", "buurt_code", "woonplaats"]
    return gpd.GeoDataFrame(homes[cols], geometry=gpd.points_from_xy(homes["x"], homes["y"]),
                            crs=vocabulary.METRIC_CRS), cores
