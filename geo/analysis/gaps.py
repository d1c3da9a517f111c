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
5. **Accessibility**: 2SFCA/E2SFCA (:mod:`geo.analysis.fca`) of facility capacity
   against the population group of each measure, with people grouped by grid cell and
   buurt; an area's score is the population-weighted mean, per ``per`` people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.analysis.catchment import build_catchment
from geo.analysis.demand import demand_columns, group_total
from geo.analysis.fca import fca_from_catchment, nearest_distance
from geo.analysis.prepared import PreparedRegion, prepare_region
from geo.analysis.prognosis import project_population
from geo.analysis.ranking import rank_gaps
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
    buurt, kerngebied, gemeente, grid
        Gap layers (EPSG:28992) with the same count columns; see the README.
    ranking
        Ranked rows of where homes and services are most missing, with an explanation.
    homes
        Home points with their ``suitability`` class and ``buurt_code``.
    facilities
        The facilities the analysis used (a scenario's openings and closures included).
    assumptions
        Everything the numbers depend on: year, base year, norms, prognosis variant,
        sources of the region layers, the demo flag and the recorded data status and note
        per layer (``data_status``, ``data_notes``; empty when the package has none).
    """

    year: int
    norms: Norms
    prognosis: PrognosisSettings
    buurt: gpd.GeoDataFrame
    kerngebied: gpd.GeoDataFrame
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
            "gaps_kern": self.kerngebied,
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
    home_xy = shapely.get_coordinates(region.homes.geometry.values)
    prep = prepared if prepared is not None and prepared.extends(region, home_xy) \
        else prepare_region(region, cache_distances=False, home_xy=home_xy)

    people = _locate_people(region, prep, norms, prog, year, home_xy)
    groups = _group_people(people, region.facilities, size)
    supply = _supply_per_area(region.facilities, people, prep.areas)
    cells = _grid_cells(groups, supply)
    coverage = _coverage(people, supply, cells, prep, norms)
    access = _accessibility(groups, supply, cells, norms, len(prep.areas))
    per_area = {**supply.per_area, **coverage.per_area, **access.per_area}
    per_cell = {**coverage.per_cell, **access.per_cell}
    layers = _layers(region, prep, people, groups, supply, cells, per_area, per_cell,
                     norms, year, size)

    ranking = rank_gaps(layers.buurt, layers.kerngebied, norms)
    homes_out = region.homes.assign(suitability=people.classes)
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
        "import_report": region.metadata.get("import_report", ""),
        "data_status": region.data_statuses(),
        "data_notes": {k: n for k in region.data_statuses() if (n := region.data_note(k))},
    }
    return GapResult(year=year, norms=norms, prognosis=prog, buurt=layers.buurt,
                     kerngebied=layers.kerngebied, gemeente=layers.gemeente, grid=layers.grid,
                     ranking=ranking, homes=homes_out, facilities=region.facilities,
                     assumptions=assumptions)


# --------------------------------------------------------------------------- steps

class _People(NamedTuple):
    """Steps 1–2: the population of the year, located on people points."""

    pop: pd.DataFrame           # projected band counts per buurt (index: buurt_code)
    classes: pd.Series          # suitability class per home
    units: np.ndarray           # step-free units per home
    inside: np.ndarray          # area position per home (-1 outside the region)
    in_region: np.ndarray       # bool per home
    n_base_pts: int             # people points that reuse the prepared distances
    xy: np.ndarray              # (n, 2) people points: homes in the region, then buurten
    area: np.ndarray            # area position per people point
    share: np.ndarray           # each point's share of its buurt
    pop75: np.ndarray           # people 75+ per point


def _locate_people(region: Region, prep: PreparedRegion, norms: Norms,
                   prog: PrognosisSettings, year: int, home_xy: np.ndarray) -> _People:
    """1. population for the year per buurt; 2. spread over homes (or a buurt's point)."""
    bands = vocabulary.band_columns()
    areas = prep.areas
    pop = region.population.set_index("buurt_code")[bands]
    pop = project_population(pop, region.base_year, year, prog)
    pop = pop.reindex(areas.index).fillna(0.0)
    # homes beyond the prepared (base) homes are a scenario's new homes
    homes = region.homes
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
    return _People(pop, classes, units, inside, in_region, n_base_pts, pts_xy, pts_area,
                   share, pts_75)


class _Groups(NamedTuple):
    """People grouped by (grid cell, buurt), with the grid's integer frame."""

    origin: np.ndarray          # lowest cell index (x, y) of people and facilities
    span: int                   # cells per grid column of the cell key
    cell_keys: np.ndarray       # sorted keys of the cells with people
    point_cell: np.ndarray      # per people point: position in ``cell_keys``
    fac_cells: np.ndarray       # (m, 2) cell index of every facility
    area: np.ndarray            # per group: area position
    cell: np.ndarray            # per group: position in ``cell_keys``
    n: np.ndarray               # per group: number of people points
    xy: np.ndarray              # per group: mean point
    pop: np.ndarray             # per group: band counts (groups × bands)


def _group_people(people: _People, facilities: gpd.GeoDataFrame, size: float) -> _Groups:
    """Group people points by (grid cell, buurt).

    All members share one buurt, so a group's population is its buurt's population
    times the group's share of the buurt's homes.
    """
    n_area = len(people.pop)
    pts_xy = people.xy
    cell_ix = np.floor(pts_xy / size).astype(np.int64)
    fac_cells_all = np.floor(shapely.get_coordinates(facilities.geometry.values)
                             / size).astype(np.int64)
    origin = np.minimum(cell_ix.min(axis=0, initial=0), fac_cells_all.min(axis=0, initial=0))
    span = int(max(cell_ix[:, 1].max(initial=0), fac_cells_all[:, 1].max(initial=0))
               - origin[1] + 1)
    cell_key = (cell_ix[:, 0] - origin[0]) * span + (cell_ix[:, 1] - origin[1])
    cell_uniq, cell_inv = np.unique(cell_key, return_inverse=True)
    del cell_ix
    uniq, grp = np.unique(cell_inv * n_area + people.area, return_inverse=True)
    n_grp = len(uniq)
    grp_area, grp_cell = uniq % n_area, uniq // n_area
    grp_n = np.bincount(grp, minlength=n_grp).astype(float)
    grp_xy = np.column_stack([np.bincount(grp, weights=pts_xy[:, 0], minlength=n_grp),
                              np.bincount(grp, weights=pts_xy[:, 1], minlength=n_grp)])
    grp_xy /= grp_n[:, None]
    pop_arr = people.pop.to_numpy(dtype=float)
    grp_pop = pop_arr[grp_area] * np.bincount(grp, weights=people.share,
                                              minlength=n_grp)[:, None]
    return _Groups(origin, span, cell_uniq, cell_inv, fac_cells_all, grp_area, grp_cell,
                   grp_n, grp_xy, grp_pop)


class _Supply(NamedTuple):
    """3. Supply per buurt, with the facility arrays the later steps use."""

    per_area: dict[str, np.ndarray]  # homes_* and supply_* per area
    xy: np.ndarray              # (m, 2) facility points
    area: np.ndarray            # area position per facility (-1 outside)
    capacity: np.ndarray        # capacity per facility (0 where empty)
    ftype: np.ndarray           # facility type per facility
    home_classes: np.ndarray    # class code per home in the region (0 suitable, 1, 2)


def _supply_per_area(facilities: gpd.GeoDataFrame, people: _People,
                     areas: gpd.GeoDataFrame) -> _Supply:
    """3. Suitable homes and facility capacity located in each buurt."""
    n_area = len(areas)
    home_area = people.inside[people.in_region]
    cls_codes = people.classes.cat.codes.to_numpy()[people.in_region]
    per_area: dict[str, np.ndarray] = {
        "homes_total": np.bincount(home_area, minlength=n_area).astype(float),
        "homes_suitable": np.bincount(home_area, weights=cls_codes == 0, minlength=n_area),
        "homes_adaptable": np.bincount(home_area, weights=cls_codes == 1, minlength=n_area),
        "homes_unsuitable": np.bincount(home_area, weights=cls_codes == 2, minlength=n_area),
        "supply_step_free": np.bincount(home_area, weights=people.units[people.in_region],
                                        minlength=n_area),
    }
    fac_xy = shapely.get_coordinates(facilities.geometry.values)
    fac_area = locate_points(fac_xy, areas)
    cap = facilities["capacity"].fillna(0.0).to_numpy(dtype=float)
    ftype = facilities["facility_type"].to_numpy(dtype=object)
    for product, facility_type in PRODUCT_FACILITY.items():
        sel = (ftype == facility_type) & (fac_area >= 0)
        per_area[f"supply_{product}"] = np.bincount(fac_area[sel], weights=cap[sel],
                                                    minlength=n_area)
    return _Supply(per_area, fac_xy, fac_area, cap, ftype, cls_codes)


class _Cells(NamedTuple):
    """The grid cells: cells with people, plus cells with a facility inside the region."""

    keys: np.ndarray            # sorted cell keys
    group_cell: np.ndarray      # per group: position in ``keys``
    point_cell: np.ndarray      # per people point: position in ``keys``
    fac_in: np.ndarray          # bool per facility: inside the region
    fac_key: np.ndarray         # cell key per facility inside the region


def _grid_cells(groups: _Groups, supply: _Supply) -> _Cells:
    """Cells with people, plus cells with a facility inside the region."""
    fac_in = supply.area >= 0
    fac_cells = groups.fac_cells[fac_in]
    fac_key = (fac_cells[:, 0] - groups.origin[0]) * groups.span \
        + (fac_cells[:, 1] - groups.origin[1])
    all_cells = np.unique(np.concatenate([groups.cell_keys, fac_key]))
    cell_of_cell = np.searchsorted(all_cells, groups.cell_keys)
    return _Cells(all_cells, cell_of_cell[groups.cell], cell_of_cell[groups.point_cell],
                  fac_in, fac_key)


class _Measures(NamedTuple):
    """Columns of one step per area and per grid cell."""

    per_area: dict[str, np.ndarray]
    per_cell: dict[str, np.ndarray]


def _coverage(people: _People, supply: _Supply, cells: _Cells, prep: PreparedRegion,
              norms: Norms) -> _Measures:
    """4. coverage (75+ within walking norms), aggregated per buurt and cell at once."""
    n_area, n_cell = len(people.pop), len(cells.keys)
    per_area: dict[str, np.ndarray] = {}
    per_cell: dict[str, np.ndarray] = {}
    w_dist = people.pop75 + 1e-9 * people.share  # weights for mean distances
    for facility_type, metres in norms.walking.items():
        targets = supply.xy[supply.ftype == facility_type]
        d = np.concatenate([prep.base_distances(targets),
                            nearest_distance(people.xy[people.n_base_pts:], targets)])
        covered = people.pop75 * (d <= float(metres))
        per_area[f"cov75_{facility_type}"] = np.bincount(people.area, weights=covered,
                                                         minlength=n_area)
        per_area[f"dist_{facility_type}"] = _weighted_mean(people.area, d, w_dist, n_area)
        per_cell[f"cov75_{facility_type}"] = np.bincount(cells.point_cell, weights=covered,
                                                         minlength=n_cell)
        per_cell[f"dist_{facility_type}"] = _weighted_mean(cells.point_cell, d, w_dist,
                                                           n_cell)
    return _Measures(per_area, per_cell)


def _accessibility(groups: _Groups, supply: _Supply, cells: _Cells, norms: Norms,
                   n_area: int) -> _Measures:
    """5. accessibility (2SFCA/E2SFCA) with the groups as demand points."""
    bands = vocabulary.band_columns()
    n_cell = len(cells.keys)
    per_area: dict[str, np.ndarray] = {}
    per_cell: dict[str, np.ndarray] = {}
    for key, spec in norms.access.items():
        group = vocabulary.AGE_GROUPS[spec.population]
        cols = [bands.index(c) for c in vocabulary.band_columns(group)]
        demand_g = groups.pop[:, cols].sum(axis=1)
        sel = (supply.ftype == spec.facility_type) & (supply.capacity > 0)
        radius = max([spec.radius, *[d for d, _ in spec.steps]]) if spec.steps else spec.radius
        catchment = build_catchment(groups.xy, supply.xy[sel], radius)
        score = fca_from_catchment(catchment, demand_g, supply.capacity[sel],
                                   weights=list(spec.steps) or None) * spec.per
        per_area[f"acc_{key}"] = _weighted_mean(groups.area, score, demand_g + 1e-12, n_area)
        per_cell[f"acc_{key}"] = _weighted_mean(cells.group_cell, score, demand_g + 1e-12,
                                                n_cell)
    return _Measures(per_area, per_cell)


class _Layers(NamedTuple):
    """The gap layers."""

    buurt: gpd.GeoDataFrame
    kerngebied: gpd.GeoDataFrame
    gemeente: gpd.GeoDataFrame
    grid: gpd.GeoDataFrame


def _layers(region: Region, prep: PreparedRegion, people: _People, groups: _Groups,
            supply: _Supply, cells: _Cells, per_area: dict[str, np.ndarray],
            per_cell: dict[str, np.ndarray], norms: Norms, year: int,
            size: float) -> _Layers:
    """Per buurt, per kerngebied, for the municipality and per grid cell."""
    bands = vocabulary.band_columns()
    areas, crs, n_area = prep.areas, region.areas.crs, len(prep.areas)
    # --- per buurt
    bcols = _finish({**{c: people.pop[c].to_numpy() for c in bands}, **per_area}, norms)
    meta = {"buurt_code": areas.index.array}
    for col in ("buurt_name", "wijk_code", "wijk_name", "gemeente_code", "gemeente_name",
                "kerngebied", "buurt_type"):
        if col in areas.columns:
            meta[col] = areas[col].array
    buurt = gpd.GeoDataFrame({**meta, **bcols, "year": np.full(n_area, year)},
                             geometry=areas.geometry.array, crs=crs)

    # --- per kerngebied and municipality (sums of counts; weighted means of scores)
    n_kerngebieden = len(prep.kerngebied_names)
    kcols = _aggregate(bcols, prep.kerngebied_codes, n_kerngebieden, norms)
    kerngebied = gpd.GeoDataFrame(
        {"kerngebied": prep.kerngebied_names, **kcols,
         "n_buurten": np.bincount(prep.kerngebied_codes, minlength=n_kerngebieden),
         "year": np.full(n_kerngebieden, year)}, geometry=prep.kerngebied_geoms, crs=crs)
    # sums and weighted means are associative: aggregate the (few) kerngebieden again
    gcols = _aggregate(kcols, np.zeros(n_kerngebieden, dtype=np.int64), 1, norms)
    gemeente = gpd.GeoDataFrame(
        {"gemeente_code": [region.areas["gemeente_code"].iloc[0]],
         "gemeente": [region.areas["gemeente_name"].iloc[0]], **gcols,
         "n_buurten": [n_area], "year": [year]},
        geometry=[prep.gemeente_geom], crs=crs)

    # --- per grid cell
    per_cell = {**per_cell, **_cell_counts(people, groups, supply, cells)}
    main_area = _majority(cells.group_cell, groups.area,
                          groups.pop.sum(axis=1) + 1e-9 * groups.n, len(cells.keys))
    cells_xy = np.column_stack([cells.keys // groups.span + groups.origin[0],
                                cells.keys % groups.span + groups.origin[1]])
    grid = _grid_layer(cells_xy, per_cell, main_area, areas, size, norms, year, crs)
    return _Layers(buurt, kerngebied, gemeente, grid)


def _cell_counts(people: _People, groups: _Groups, supply: _Supply,
                 cells: _Cells) -> dict[str, np.ndarray]:
    """Population, homes and supply per grid cell."""
    n_cell = len(cells.keys)
    per_cell: dict[str, np.ndarray] = {}
    home_ci = cells.point_cell[: int(people.in_region.sum())]
    cls_codes = supply.home_classes
    for b, col in enumerate(vocabulary.band_columns()):
        per_cell[col] = np.bincount(cells.group_cell, weights=groups.pop[:, b],
                                    minlength=n_cell)
    per_cell["homes_total"] = np.bincount(home_ci, minlength=n_cell).astype(float)
    per_cell["homes_suitable"] = np.bincount(home_ci, weights=cls_codes == 0, minlength=n_cell)
    per_cell["homes_adaptable"] = np.bincount(home_ci, weights=cls_codes == 1, minlength=n_cell)
    per_cell["homes_unsuitable"] = np.bincount(home_ci, weights=cls_codes == 2,
                                               minlength=n_cell)
    per_cell["supply_step_free"] = np.bincount(home_ci, weights=people.units[people.in_region],
                                               minlength=n_cell)
    fac_ci = np.searchsorted(cells.keys, cells.fac_key)
    cap_in, type_in = supply.capacity[cells.fac_in], supply.ftype[cells.fac_in]
    for product, facility_type in PRODUCT_FACILITY.items():
        sel = type_in == facility_type
        per_cell[f"supply_{product}"] = np.bincount(fac_ci[sel], weights=cap_in[sel],
                                                    minlength=n_cell)
    return per_cell


def _weighted_mean(index: np.ndarray, values: np.ndarray, weights: np.ndarray,
                   n: int) -> np.ndarray:
    finite = np.isfinite(values)
    w = np.where(finite, weights, 0.0)
    num = np.bincount(index, weights=np.where(finite, values, 0.0) * w, minlength=n)
    den = np.bincount(index, weights=w, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def _finish(counts: dict[str, np.ndarray], norms: Norms) -> dict[str, np.ndarray]:
    """Add totals, demand, shortage and coverage shares to counts.

    Returns the columns in layer order (counts, then distances and scores if given).
    """
    bands = vocabulary.band_columns()
    cols = dict(counts)
    band_arrays = [np.asarray(cols[b], dtype=float) for b in bands]
    cols["pop_total"] = np.sum(band_arrays, axis=0)
    for group, col in (("65+", "pop_65plus"), ("75+", "pop_75plus"), ("85+", "pop_85plus")):
        cols[col] = group_total(cols, group).astype(float)
    cols.update(demand_columns(cols, norms))
    for product in vocabulary.PRODUCTS:
        cols[f"shortage_{product}"] = (cols[f"demand_{product}"]
                                       - np.asarray(cols[f"supply_{product}"], float))
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
                                           group_total(cols, spec.population), n)
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
