"""Gap analysis: demand, supply, shortage, coverage and accessibility per area.

:func:`analyse` is the one entry point; it returns a :class:`GapResult` with layers per
buurt, per kerngebied, for the municipality and per grid cell, plus a ranked list of
where suitable homes and services are most missing.

Method (all distances straight lines in EPSG:28992):

1. **Population for the year**: the base-year population per buurt, projected with
   :func:`geo.analysis.prognosis.project_population`.
2. **Locating people**: each buurt's population is spread evenly over its homes (the
   address points), as CBS does for its proximity statistics; a buurt without homes
   keeps its people at its representative point.
3. **Demand** per product from norms (:mod:`geo.analysis.demand`); **supply** from suitable
   homes and facility capacities (:mod:`geo.analysis.supply`) located in the area. Shortage =
   demand − supply (negative = surplus).
4. **Coverage**: the number and share of people 75+ whose home lies within the walking
   norm of the nearest facility of each type (facilities outside the municipality
   count), and their mean distance to it.
5. **Accessibility**: 2SFCA/E2SFCA (:mod:`geo.analysis.accessibility`) of facility capacity
   against the population group of each measure, with people grouped by grid cell and
   buurt; an area's score is the population-weighted mean, per ``per`` people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.analysis.accessibility import build_catchment, fca_from_catchment, nearest_distance
from geo.analysis.prepared import PreparedRegion, prepare_region
from geo.analysis.prognosis import project_population
from geo.analysis.supply import PRODUCT_FACILITY, classify_homes, step_free_units
from geo.config import get_config
from geo.errors import AnalysisError
from geo.model.norms import Norms, resolve_norms
from geo.model.prognosis import PrognosisSettings, get_variant
from geo.model.region import Region, locate_points

__all__ = ["GapResult", "analyse"]

COVERAGE_GROUP = "75+"


@dataclass(frozen=True)
class GapResult:
    """Result of :func:`analyse`.

    Attributes
    ----------
    buurt, kern, gemeente, grid
        Gap layers (EPSG:28992) with the same count columns; see the README.
    ranking
        Ranked rows of where homes and services are most missing, with an explanation.
    homes
        Home points with their ``suitability`` class and ``buurt_code``.
    facilities
        The facilities the analysis used (a scenario's openings and closures included).
    assumptions
        Everything the numbers depend on: year, base year, norms, prognosis variant,
        sources of the region layers and the demo flag.
    """

    year: int
    norms: Norms
    prognosis: PrognosisSettings
    buurt: gpd.GeoDataFrame
    kern: gpd.GeoDataFrame
    gemeente: gpd.GeoDataFrame
    grid: gpd.GeoDataFrame
    ranking: pd.DataFrame
    homes: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame | None = None
    assumptions: dict[str, Any] = field(default_factory=dict)

    def layers(self) -> dict[str, pd.DataFrame]:
        """The layers written by ``python -m geo analyse``."""
        return {
            "gaps_buurt": self.buurt,
            "gaps_kern": self.kern,
            "gaps_gemeente": self.gemeente,
            "gaps_grid": self.grid,
            "ranking": self.ranking,
        }


def _count_columns(norms: Norms) -> list[str]:
    cols = ["pop_total", "pop_65plus", "pop_75plus", "pop_85plus", *vocabulary.band_columns(),
            "homes_total", "homes_suitable", "homes_adaptable", "homes_unsuitable"]
    for product in vocabulary.PRODUCTS:
        cols += [f"demand_{product}", f"supply_{product}"]
    for ftype in norms.walking:
        cols.append(f"cov75_{ftype}")
    return cols


def analyse(
    region: Region,
    *,
    year: int | None = None,
    norms: Norms | str | None = None,
    prognosis: PrognosisSettings | str | None = None,
    grid_size: float | None = None,
    prepared: PreparedRegion | None = None,
) -> GapResult:
    """Run the gap analysis for one year.

    Parameters
    ----------
    region
        A validated region.
    year
        Year of the analysis (base year … ``get_config().max_year``); base year when
        ``None``.
    norms
        Norms, a preset key or a norms file; the default preset when ``None``.
    prognosis
        Prognosis settings or a variant name; ``"basis"`` when ``None``.
    grid_size
        Grid cell size in metres; :data:`geo.vocabulary.GRID_SIZE_M` when ``None``.
    prepared
        Structures of this region, or of the base region it was derived from by
        :func:`geo.analysis.scenario.apply_scenario`
        (:func:`geo.analysis.prepared.prepare_region`); reused
        when they fit, otherwise computed anew (same numbers either way).

    Returns
    -------
    GapResult
        Gap layers, ranking and assumptions.
    """
    norms = resolve_norms(norms)
    prog = prognosis if isinstance(prognosis, PrognosisSettings) else get_variant(
        prognosis or "basis")
    base_year = region.base_year
    year = base_year if year is None else int(year)
    max_year = get_config().max_year
    if year < base_year or year > max_year:
        raise AnalysisError(
            f"jaar {year} valt buiten het bereik {base_year}–{max_year} "
            f"(basisjaar van de data is {base_year})."
        )
    size = float(grid_size or vocabulary.GRID_SIZE_M)
    bands = vocabulary.band_columns()

    # 1. population for the year, per buurt
    pop = region.population.set_index("buurt_code")[bands]
    pop = project_population(pop, base_year, year, prog)
    homes = region.homes
    home_xy = shapely.get_coordinates(homes.geometry.values)
    prep = prepared if prepared is not None and prepared.extends(region, home_xy) \
        else prepare_region(region, cache_distances=False, home_xy=home_xy)
    areas = prep.areas
    crs = region.areas.crs
    pop = pop.reindex(areas.index).fillna(0.0)

    # 2. locate people on homes (or the buurt's representative point); homes beyond the
    # prepared (base) homes are a scenario's new homes
    classes = classify_homes(homes, norms)
    units = step_free_units(classes, norms).to_numpy()
    extra_codes = homes["buurt_code"].iloc[prep.n_homes:]
    inside = np.concatenate([prep.home_area, pd.Index(areas.index).get_indexer(extra_codes)])
    in_region = inside >= 0
    n_base_pts = int((prep.home_area >= 0).sum())  # people points reusing cached distances
    n_homes = np.bincount(inside[in_region], minlength=len(areas))
    empty = np.flatnonzero(n_homes == 0)
    rep_xy = shapely.get_coordinates(areas.geometry.values[empty].representative_point()) \
        if len(empty) else np.empty((0, 2))
    # people points: homes in the region plus one point per buurt without homes
    pts_xy = np.vstack([home_xy[in_region], rep_xy])
    pts_area = np.concatenate([inside[in_region], empty])
    share = 1.0 / np.maximum(n_homes, 1)[pts_area]  # each point's share of its buurt
    pop_arr = pop.to_numpy(dtype=float)
    grp75 = [bands.index(c) for c in vocabulary.band_columns(vocabulary.AGE_GROUPS["75+"])]
    pts_75 = pop_arr[:, grp75].sum(axis=1)[pts_area] * share
    n_area = len(areas)

    # people grouped by (grid cell, buurt): all members share one buurt, so a group's
    # population is its buurt's population times the group's share of the buurt's homes
    cell_ix = np.floor(pts_xy / size).astype(np.int64)
    fac_cells_all = np.floor(shapely.get_coordinates(region.facilities.geometry.values)
                             / size).astype(np.int64)
    origin = np.minimum(cell_ix.min(axis=0, initial=0), fac_cells_all.min(axis=0, initial=0))
    span = int(max(cell_ix[:, 1].max(initial=0), fac_cells_all[:, 1].max(initial=0))
               - origin[1] + 1)
    cell_key = (cell_ix[:, 0] - origin[0]) * span + (cell_ix[:, 1] - origin[1])
    cell_uniq, cell_inv = np.unique(cell_key, return_inverse=True)
    del cell_ix
    uniq, grp = np.unique(cell_inv * n_area + pts_area, return_inverse=True)
    n_grp = len(uniq)
    grp_area, grp_cell = uniq % n_area, uniq // n_area
    grp_n = np.bincount(grp, minlength=n_grp).astype(float)
    grp_xy = np.column_stack([np.bincount(grp, weights=pts_xy[:, 0], minlength=n_grp),
                              np.bincount(grp, weights=pts_xy[:, 1], minlength=n_grp)])
    grp_xy /= grp_n[:, None]
    grp_pop = pop_arr[grp_area] * np.bincount(grp, weights=share, minlength=n_grp)[:, None]

    # 3. supply per buurt
    home_area = inside[in_region]
    cls_codes = classes.cat.codes.to_numpy()[in_region]
    per_area: dict[str, np.ndarray] = {
        "homes_total": np.bincount(home_area, minlength=n_area).astype(float),
        "homes_suitable": np.bincount(home_area, weights=cls_codes == 0, minlength=n_area),
        "homes_adaptable": np.bincount(home_area, weights=cls_codes == 1, minlength=n_area),
        "homes_unsuitable": np.bincount(home_area, weights=cls_codes == 2, minlength=n_area),
        "supply_step_free": np.bincount(home_area, weights=units[in_region], minlength=n_area),
    }
    fac = region.facilities
    fac_xy = shapely.get_coordinates(fac.geometry.values)
    fac_area = locate_points(fac_xy, areas)
    cap = fac["capacity"].fillna(0.0).to_numpy(dtype=float)
    ftype = fac["type"].to_numpy(dtype=object)
    for product, facility_type in PRODUCT_FACILITY.items():
        sel = (ftype == facility_type) & (fac_area >= 0)
        per_area[f"supply_{product}"] = np.bincount(fac_area[sel], weights=cap[sel],
                                                    minlength=n_area)

    # grid cells: cells with people, plus cells with a facility inside the region
    fac_in = fac_area >= 0
    fac_cells = fac_cells_all[fac_in]
    fac_key = (fac_cells[:, 0] - origin[0]) * span + (fac_cells[:, 1] - origin[1])
    all_cells = np.unique(np.concatenate([cell_uniq, fac_key]))
    n_cell = len(all_cells)
    cell_of_cell = np.searchsorted(all_cells, cell_uniq)
    grp_ci = cell_of_cell[grp_cell]
    pt_ci = cell_of_cell[cell_inv]
    per_cell: dict[str, np.ndarray] = {}

    # 4. coverage (75+ within walking norms), aggregated per buurt and cell at once
    w_dist = pts_75 + 1e-9 * share  # weights for mean distances (people 75+, else homes)
    for facility_type, metres in norms.walking.items():
        targets = fac_xy[ftype == facility_type]
        d = np.concatenate([prep.base_distances(targets),
                            nearest_distance(pts_xy[n_base_pts:], targets)])
        covered = pts_75 * (d <= float(metres))
        per_area[f"cov75_{facility_type}"] = np.bincount(pts_area, weights=covered,
                                                         minlength=n_area)
        per_area[f"dist_{facility_type}"] = _weighted_mean(pts_area, d, w_dist, n_area)
        per_cell[f"cov75_{facility_type}"] = np.bincount(pt_ci, weights=covered,
                                                         minlength=n_cell)
        per_cell[f"dist_{facility_type}"] = _weighted_mean(pt_ci, d, w_dist, n_cell)
    del pts_xy, pts_75, w_dist

    # 5. accessibility (2SFCA/E2SFCA) with the groups as demand points
    for key, spec in norms.access.items():
        group = vocabulary.AGE_GROUPS[spec.population]
        cols = [bands.index(c) for c in vocabulary.band_columns(group)]
        demand_g = grp_pop[:, cols].sum(axis=1)
        sel = (ftype == spec.facility_type) & (cap > 0)
        radius = max([spec.radius, *[d for d, _ in spec.steps]]) if spec.steps else spec.radius
        catchment = build_catchment(grp_xy, fac_xy[sel], radius)
        score = fca_from_catchment(catchment, demand_g, cap[sel],
                                   weights=list(spec.steps) or None) * spec.per
        per_area[f"acc_{key}"] = _weighted_mean(grp_area, score, demand_g + 1e-12, n_area)
        per_cell[f"acc_{key}"] = _weighted_mean(grp_ci, score, demand_g + 1e-12, n_cell)

    # --- per buurt
    bcols = _finish({**{c: pop[c].to_numpy() for c in bands}, **per_area}, norms)
    meta = {"buurt_code": areas.index.array}
    for col in ("buurt_name", "wijk_code", "wijk_name", "gemeente_code", "gemeente_name",
                "kerngebied", "buurt_type"):
        if col in areas.columns:
            meta[col] = areas[col].array
    buurt = gpd.GeoDataFrame({**meta, **bcols, "year": np.full(n_area, year)},
                             geometry=areas.geometry.array, crs=crs)

    # --- per kerngebied and municipality (sums of counts; weighted means of scores)
    n_kern = len(prep.kern_names)
    kcols = _aggregate(bcols, prep.kern_codes, n_kern, norms)
    kern = gpd.GeoDataFrame(
        {"kerngebied": prep.kern_names, **kcols,
         "n_buurten": np.bincount(prep.kern_codes, minlength=n_kern),
         "year": np.full(n_kern, year)}, geometry=prep.kern_geoms, crs=crs)
    # sums and weighted means are associative: aggregate the (few) kerngebieden again
    gcols = _aggregate(kcols, np.zeros(n_kern, dtype=np.int64), 1, norms)
    gemeente = gpd.GeoDataFrame(
        {"gemeente_code": [region.areas["gemeente_code"].iloc[0]],
         "gemeente": [region.areas["gemeente_name"].iloc[0]], **gcols,
         "n_buurten": [n_area], "year": [year]},
        geometry=[prep.gemeente_geom], crs=crs)

    # --- per grid cell
    home_ci = pt_ci[: int(in_region.sum())]
    for b, col in enumerate(bands):
        per_cell[col] = np.bincount(grp_ci, weights=grp_pop[:, b], minlength=n_cell)
    per_cell["homes_total"] = np.bincount(home_ci, minlength=n_cell).astype(float)
    per_cell["homes_suitable"] = np.bincount(home_ci, weights=cls_codes == 0, minlength=n_cell)
    per_cell["homes_adaptable"] = np.bincount(home_ci, weights=cls_codes == 1, minlength=n_cell)
    per_cell["homes_unsuitable"] = np.bincount(home_ci, weights=cls_codes == 2,
                                               minlength=n_cell)
    per_cell["supply_step_free"] = np.bincount(home_ci, weights=units[in_region],
                                               minlength=n_cell)
    fac_ci = np.searchsorted(all_cells, fac_key)
    for product, facility_type in PRODUCT_FACILITY.items():
        sel = ftype[fac_in] == facility_type
        per_cell[f"supply_{product}"] = np.bincount(fac_ci[sel], weights=cap[fac_in][sel],
                                                    minlength=n_cell)
    main_area = _majority(grp_ci, grp_area, grp_pop.sum(axis=1) + 1e-9 * grp_n, n_cell)
    cells_xy = np.column_stack([all_cells // span + origin[0], all_cells % span + origin[1]])
    grid = _grid_layer(cells_xy, per_cell, main_area, areas, size, norms, year, crs)

    from geo.analysis.ranking import (
        rank_gaps,  # local import: ranking depends on this module's layout
    )

    ranking = rank_gaps(buurt, kern, norms)
    homes_out = homes.assign(suitability=classes)
    assumptions = {
        "region": region.name,
        "demo": region.is_demo,
        "base_year": base_year,
        "year": year,
        "norms": norms.to_dict(),
        "prognosis": prog.to_dict(),
        "grid_size_m": size,
        "sources": {k[len("source_"):]: v for k, v in region.metadata.items()
                    if k.startswith("source_")},
        "notice": region.metadata.get("notice", ""),
    }
    return GapResult(year=year, norms=norms, prognosis=prog, buurt=buurt, kern=kern,
                     gemeente=gemeente, grid=grid, ranking=ranking, homes=homes_out,
                     facilities=region.facilities,
                     assumptions=assumptions)


def _weighted_mean(index: np.ndarray, values: np.ndarray, weights: np.ndarray,
                   n: int) -> np.ndarray:
    finite = np.isfinite(values)
    w = np.where(finite, weights, 0.0)
    num = np.bincount(index, weights=np.where(finite, values, 0.0) * w, minlength=n)
    den = np.bincount(index, weights=w, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _group_sum(cols: dict[str, np.ndarray], group: str) -> np.ndarray:
    return np.sum([cols[c] for c in vocabulary.band_columns(vocabulary.AGE_GROUPS[group])], axis=0)


def _finish(counts: dict[str, np.ndarray], norms: Norms) -> dict[str, np.ndarray]:
    """Add totals, demand, shortage and coverage shares to counts.

    Returns the columns in layer order (counts, then distances and scores if given).
    """
    bands = vocabulary.band_columns()
    cols = dict(counts)
    band_arrays = [np.asarray(cols[b], dtype=float) for b in bands]
    cols["pop_total"] = np.sum(band_arrays, axis=0)
    for group, col in (("65+", "pop_65plus"), ("75+", "pop_75plus"), ("85+", "pop_85plus")):
        cols[col] = _group_sum(cols, group).astype(float)
    for product in vocabulary.PRODUCTS:
        demand = np.zeros(len(cols["pop_total"]))
        for group, rate in norms.demand[product].items():
            demand = demand + _group_sum(cols, group) * (float(rate) / 1000.0)
        cols[f"demand_{product}"] = demand
        cols[f"shortage_{product}"] = demand - np.asarray(cols[f"supply_{product}"], float)
    old = cols["pop_75plus"]
    with np.errstate(invalid="ignore", divide="ignore"):
        for ftype in norms.walking:
            cols[f"cov75_share_{ftype}"] = np.where(
                old > 0, np.asarray(cols[f"cov75_{ftype}"], float) / np.where(old > 0, old, 1),
                np.nan)
    order = ["pop_total", "pop_65plus", "pop_75plus", "pop_85plus", *bands,
             "homes_total", "homes_suitable", "homes_adaptable", "homes_unsuitable"]
    for product in vocabulary.PRODUCTS:
        order += [f"demand_{product}", f"supply_{product}", f"shortage_{product}"]
    for ftype in norms.walking:
        order += [f"cov75_{ftype}", f"cov75_share_{ftype}", f"dist_{ftype}"]
    order += [f"acc_{k}" for k in norms.access]
    return {c: cols[c] for c in order if c in cols}


def _aggregate(cols: dict[str, np.ndarray], codes: np.ndarray, n: int,
               norms: Norms) -> dict[str, np.ndarray]:
    """Sum counts and take weighted means of distances and scores per code (0 … n-1).

    Returns finished columns (see :func:`_finish`).
    """
    counts = [c for c in _count_columns(norms) if c in cols and not c.startswith(
        ("demand_", "pop_total", "pop_65plus", "pop_75plus", "pop_85plus"))]
    out: dict[str, np.ndarray] = {
        c: np.bincount(codes, weights=np.asarray(cols[c], dtype=float), minlength=n)
        for c in counts
    }
    w75 = cols["pop_75plus"]
    for ftype in norms.walking:
        out[f"dist_{ftype}"] = _weighted_mean(codes, cols[f"dist_{ftype}"], w75, n)
    for key, spec in norms.access.items():
        out[f"acc_{key}"] = _weighted_mean(codes, cols[f"acc_{key}"],
                                           _group_sum(cols, spec.population), n)
    return _finish(out, norms)


def _grid_layer(cells: np.ndarray, per_cell: dict[str, np.ndarray], main_area: np.ndarray,
                areas: gpd.GeoDataFrame, size: float, norms: Norms,
                year: int, crs: object) -> gpd.GeoDataFrame:
    """Grid-cell layer from per-cell sums (``cells``: integer cell indices x, y)."""
    cols = _finish(per_cell, norms)
    cols.update({k: v for k, v in per_cell.items() if k.startswith(("dist_", "acc_"))
                 and k not in cols})
    cx, cy = cells[:, 0], cells[:, 1]
    east = np.round(cx * size).astype(np.int64).astype(str).astype(object)
    north = np.round(cy * size).astype(np.int64).astype(str).astype(object)
    has_area = main_area >= 0
    idx = np.maximum(main_area, 0)
    frame = {
        "cell_id": "E" + east + "N" + north,
        "buurt_code": np.where(has_area, areas.index.to_numpy()[idx], None),
        "kerngebied": np.where(has_area, areas["kerngebied"].to_numpy()[idx], None),
        **cols, "year": np.full(len(cx), year),
    }
    boxes = shapely.box(cx * size, cy * size, (cx + 1) * size, (cy + 1) * size)
    return gpd.GeoDataFrame(frame, geometry=boxes, crs=crs)


def _majority(cell: np.ndarray, area: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    """Per cell, the area index with the largest total weight (-1 for empty cells)."""
    out = np.full(n, -1, dtype=np.int64)
    if len(cell) == 0:
        return out
    pair = cell.astype(np.int64) * 1_000_000 + area
    uniq, inv = np.unique(pair, return_inverse=True)
    w = np.bincount(inv, weights=weight)
    pc, pa = uniq // 1_000_000, uniq % 1_000_000
    order = np.lexsort((-w, pc))
    first = np.unique(pc[order], return_index=True)[1]
    out[pc[order][first]] = pa[order][first]
    return out
