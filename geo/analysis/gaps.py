"""Gap analysis: demand, supply, shortage, coverage and accessibility per area.

:func:`analyse` is the one entry point; it returns a :class:`GapResult` with layers per
buurt, per kerngebied, per municipality, for the whole region and per grid cell, plus a
ranked list of where suitable homes and services are most missing. A region may hold
several municipalities: every level adds up (:mod:`geo.analysis.levels`) and each
municipality may apply its own norms (:mod:`geo.analysis.area_norms`).

Method (distances in EPSG:28992 metres: over the region's street network for a mobility
profile when it has one, else straight lines; see :mod:`geo.analysis.distance`, which also
says how homes that reach no facility over a network in pieces are counted):

1. **Population for the year**: the base-year population per buurt, projected per
   municipality with :func:`geo.analysis.prognosis.project_by_gemeente`.
2. **Locating people**: each buurt's population is spread evenly over its homes (the
   address points), as CBS does for its proximity statistics; a buurt without homes
   keeps its people at its representative point.
3. **Demand** per product from norms (:mod:`geo.analysis.demand`); **supply** from suitable
   homes and facility capacities (:mod:`geo.analysis.supply`) located in the area. Shortage =
   demand − supply (negative = surplus).
4. **Coverage**: the number and share of people 75+ whose home lies within the walking
   norm (of their municipality) of the nearest facility of each type, and their mean
   distance to it. Facilities in another municipality or outside the region count: a
   region package holds the facilities within :attr:`geo.model.norms.Norms.max_reach`
   around the region (flagged ``outside_region``).
5. **Accessibility**: 2SFCA/E2SFCA (:mod:`geo.analysis.fca`) of facility capacity
   against the population group of each measure, with people grouped by grid cell and
   buurt; an area's score is the population-weighted mean, per ``per`` people. A
   catchment divides a facility's capacity over all people of the region in reach,
   whatever their municipality; people outside the region are not in the data, so a
   facility outside the region shares its capacity with the region only (an edge effect
   that overstates access near the outer border a little).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.analysis.area_norms import (
    AreaNorms,
    area_norms,
    classify_region_homes,
    demand_per_row,
    walking_limits,
)
from geo.analysis.distance import (
    DistanceMethod,
    describe_distance,
    resolve_distance,
    unreachable_points,
)
from geo.analysis.fca import fca_from_catchment
from geo.analysis.levels import area_levels, finish, grid_layer, majority, weighted_mean
from geo.analysis.prepared import PreparedRegion, prepare_region
from geo.analysis.prognosis import project_by_gemeente
from geo.analysis.ranking import rank_gaps
from geo.analysis.supply import PRODUCT_FACILITY
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
        Gap layers (EPSG:28992) with the same count columns; see the README. ``gemeente``
        has one row per municipality of the region.
    ranking
        Ranked rows of where homes and services are most missing, with an explanation.
    homes
        Home points with their ``suitability`` class and ``buurt_code``.
    facilities
        The facilities the analysis used (a scenario's openings and closures included),
        with ``outside_region`` (bool).
    assumptions
        Everything the numbers depend on: year, base year, norms, prognosis variant,
        sources of the region layers, the demo flag and the recorded data status and note
        per layer (``data_status``, ``data_notes``; empty when the package has none),
        the municipalities (``gemeenten``: list of ``[code, name]``), the number of
        facilities outside the region (``facilities_outside``) and the municipalities with
        their own norms (``norms_gemeente``: ``{code: name}``), the distance method
        (``distance_method``: ``network`` or ``straight``; ``distance_profile``: the
        mobility profile or ``""``; ``distance_text``: one Dutch sentence) and the number
        of homes that cannot reach every facility type over the network
        (``homes_unreachable``; per area the column ``homes_unreachable``).
    regio
        One row for the whole region (sums of the municipalities).
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
    regio: gpd.GeoDataFrame | None = None

    @property
    def is_multi_gemeente(self) -> bool:
        """Whether the analysed region holds more than one municipality."""
        return len(self.gemeente) > 1

    def layers(self) -> dict[str, pd.DataFrame]:
        """The layers written by ``python -m geo analyse``."""
        layers = {
            "gaps_buurt": self.buurt,
            "gaps_kern": self.kerngebied,
            "gaps_gemeente": self.gemeente,
            "gaps_regio": self.regio,
            "gaps_grid": self.grid,
            "ranking": self.ranking,
        }
        return {k: v for k, v in layers.items() if v is not None}


def analyse(
    region: Region,
    *,
    year: int | None = None,
    norms: Norms | str | None = None,
    prognosis: PrognosisSettings | str | None = None,
    grid_size: float | None = None,
    prepared: PreparedRegion | None = None,
    distance: str | None = None,
    profile: str | None = None,
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
    distance
        ``"network"`` (over :attr:`Region.network <geo.model.region.Region.network>`) or
        ``"straight"`` (straight lines); ``None``: network when the region has one.
        Applies to walking-norm coverage, nearest-facility distances and (E)2SFCA.
    profile
        Mobility profile of network distances (default ``"walk75"``).

    Returns
    -------
    GapResult
        Gap layers, ranking and assumptions.

    Raises
    ------
    AnalysisError
        A year out of range, an unknown distance method or profile, or ``"network"`` for
        a region without a street network.
    NetworkError
        When the profile may use no way of the region's network.
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
    method = resolve_distance(region, distance, profile)
    home_xy = shapely.get_coordinates(region.homes.geometry.values)
    prep = prepared if prepared is not None and prepared.extends(region, home_xy) \
        else prepare_region(region, cache_distances=False, home_xy=home_xy)

    an = area_norms(norms, prep.area_gemeente, prep.gemeente_codes)
    people = _locate_people(region, prep, an, prog, year, home_xy)
    groups = _group_people(people, region.facilities, size)
    supply = _supply_per_area(region.facilities, people, prep.areas)
    cells = _grid_cells(groups, supply)
    coverage = _coverage(people, supply, cells, prep, an, method)
    access = _accessibility(groups, supply, cells, norms, prep, method)
    per_area = {**supply.per_area, **coverage.per_area, **access.per_area}
    per_cell = {**coverage.per_cell, **access.per_cell}
    layers = _layers(region, prep, people, groups, supply, cells, per_area, per_cell,
                     an, year, size)

    ranking = rank_gaps(layers.buurt, layers.kerngebied, norms)
    homes_out = region.homes.assign(suitability=people.classes)
    facilities = _flag_outside(region.facilities, supply.area)
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
        "gemeenten": [[str(c), str(n)] for c, n in zip(prep.gemeente_codes,
                                                       prep.gemeente_names, strict=True)],
        "facilities_outside": int(facilities["outside_region"].sum()),
        "n_homes": len(region.homes),
        "facility_types": sorted(set(region.facilities["facility_type"])),
        "norms_gemeente": dict(an.applied),
        "distance_method": method.method,
        "distance_profile": method.profile,
        "distance_text": describe_distance(method.method, method.profile),
        "homes_unreachable": int(layers.buurt["homes_unreachable"].sum()),
    }
    return GapResult(year=year, norms=norms, prognosis=prog, buurt=layers.buurt,
                     kerngebied=layers.kerngebied, gemeente=layers.gemeente, grid=layers.grid,
                     ranking=ranking, homes=homes_out, facilities=facilities,
                     assumptions=assumptions, regio=layers.regio)


def _flag_outside(facilities: gpd.GeoDataFrame, fac_area: np.ndarray) -> gpd.GeoDataFrame:
    """The facilities with ``outside_region``: as recorded, else from the buurten."""
    computed = fac_area < 0
    if "outside_region" in facilities.columns:
        given = facilities["outside_region"]
        known = given.notna().to_numpy()
        values = np.where(known, given.to_numpy(dtype=object), computed).astype(bool)
    else:
        values = computed
    return facilities.assign(outside_region=values)


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


def _locate_people(region: Region, prep: PreparedRegion, an: AreaNorms,
                   prog: PrognosisSettings, year: int, home_xy: np.ndarray) -> _People:
    """1. population for the year per buurt; 2. spread over homes (or a buurt's point)."""
    bands = vocabulary.band_columns()
    areas = prep.areas
    pop = region.population.set_index("buurt_code")[bands].reindex(areas.index).fillna(0)
    pop = project_by_gemeente(pop, areas["gemeente_code"], region.base_year, year, prog)
    # homes beyond the prepared (base) homes are a scenario's new homes
    homes = region.homes
    extra_codes = homes["buurt_code"].iloc[prep.n_homes:]
    inside = np.concatenate([prep.home_area, pd.Index(areas.index).get_indexer(extra_codes)])
    in_region = inside >= 0
    classes, units = classify_region_homes(
        homes, np.where(in_region, an.area[np.maximum(inside, 0)], 0), an)
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
              an: AreaNorms, method: DistanceMethod) -> _Measures:
    """4. coverage (75+ within walking norms), aggregated per buurt and cell at once.

    An unreachable point (``inf``: network in pieces) is not covered, has no distance in
    the means and is counted in ``homes_unreachable`` (homes only). Without any facility of
    a type (none loaded, none within the buffer) its coverage and distance are NaN
    ("geen gegevens") in every area: nothing is known, which is not the same as 0 %.
    """
    n_area, n_cell = len(people.pop), len(cells.keys)
    per_area: dict[str, np.ndarray] = {}
    per_cell: dict[str, np.ndarray] = {}
    w_dist = people.pop75 + 1e-9 * people.share  # weights for mean distances
    point_norm = an.area[people.area]
    reach: list[np.ndarray] = []
    for facility_type in an.norms[0].walking:
        targets = supply.xy[supply.ftype == facility_type]
        d = np.concatenate([prep.base_distances(targets, method),
                            prep.extra_distances(people.xy[people.n_base_pts:], targets,
                                                 method)])
        if len(targets) and method.is_network:
            reach.append(d)
        covered = people.pop75 * (d <= walking_limits(an, facility_type, point_norm))
        if not len(targets):  # no facility of this type at all: coverage is unknown, not 0
            covered = np.full(len(people.xy), np.nan)
        per_area[f"cov75_{facility_type}"] = np.bincount(people.area, weights=covered,
                                                         minlength=n_area)
        per_area[f"dist_{facility_type}"] = weighted_mean(people.area, d, w_dist, n_area)
        per_cell[f"cov75_{facility_type}"] = np.bincount(cells.point_cell, weights=covered,
                                                         minlength=n_cell)
        per_cell[f"dist_{facility_type}"] = weighted_mean(cells.point_cell, d, w_dist,
                                                           n_cell)
    n_homes = int(people.in_region.sum())  # the first points are homes
    lost = unreachable_points(reach, len(people.xy))[:n_homes].astype(float)
    per_area["homes_unreachable"] = np.bincount(people.area[:n_homes], weights=lost,
                                                minlength=n_area)
    per_cell["homes_unreachable"] = np.bincount(cells.point_cell[:n_homes], weights=lost,
                                                minlength=n_cell)
    return _Measures(per_area, per_cell)


def _accessibility(groups: _Groups, supply: _Supply, cells: _Cells, norms: Norms,
                   prep: PreparedRegion, method: DistanceMethod) -> _Measures:
    """5. accessibility (2SFCA/E2SFCA) with the groups as demand points."""
    bands = vocabulary.band_columns()
    n_area = len(prep.areas)
    n_cell = len(cells.keys)
    per_area: dict[str, np.ndarray] = {}
    per_cell: dict[str, np.ndarray] = {}
    for key, spec in norms.access.items():
        group = vocabulary.AGE_GROUPS[spec.population]
        cols = [bands.index(c) for c in vocabulary.band_columns(group)]
        demand_g = groups.pop[:, cols].sum(axis=1)
        sel = (supply.ftype == spec.facility_type) & (supply.capacity > 0)
        radius = max([spec.radius, *[d for d, _ in spec.steps]]) if spec.steps else spec.radius
        catchment = prep.catchment(method, groups.xy, supply.xy[sel], radius)
        score = fca_from_catchment(catchment, demand_g, supply.capacity[sel],
                                   weights=list(spec.steps) or None) * spec.per
        per_area[f"acc_{key}"] = weighted_mean(groups.area, score, demand_g + 1e-12, n_area)
        per_cell[f"acc_{key}"] = weighted_mean(cells.group_cell, score, demand_g + 1e-12,
                                                n_cell)
    return _Measures(per_area, per_cell)


class _Layers(NamedTuple):
    """The gap layers."""

    buurt: gpd.GeoDataFrame
    kerngebied: gpd.GeoDataFrame
    gemeente: gpd.GeoDataFrame
    regio: gpd.GeoDataFrame
    grid: gpd.GeoDataFrame


def _layers(region: Region, prep: PreparedRegion, people: _People, groups: _Groups,
            supply: _Supply, cells: _Cells, per_area: dict[str, np.ndarray],
            per_cell: dict[str, np.ndarray], an: AreaNorms, year: int,
            size: float) -> _Layers:
    """Per buurt, per kerngebied, per municipality, for the region and per grid cell."""
    bands = vocabulary.band_columns()
    areas, crs, n_area = prep.areas, region.areas.crs, len(prep.areas)
    norms = an.norms[0]
    # --- per buurt (demand with each municipality's rates)
    band_cols = {c: people.pop[c].to_numpy() for c in bands}
    bcols = finish({**band_cols, **demand_per_row(band_cols, an.area, an), **per_area}, norms)
    meta = {"buurt_code": areas.index.array}
    for col in ("buurt_name", "wijk_code", "wijk_name", "gemeente_code", "gemeente_name",
                "kerngebied", "buurt_type"):
        if col in areas.columns:
            meta[col] = areas[col].array
    buurt = gpd.GeoDataFrame({**meta, **bcols, "year": np.full(n_area, year)},
                             geometry=areas.geometry.array, crs=crs)
    # --- per kerngebied, municipality and region: sums of counts, weighted means of scores
    levels = area_levels(bcols, prep, region.name, norms, year, crs)

    # --- per grid cell
    per_cell = {**per_cell, **_cell_counts(people, groups, supply, cells)}
    if not an.uniform:  # demand of every group with its municipality's rates
        n_cell = len(cells.keys)
        grp = demand_per_row({c: groups.pop[:, b] for b, c in enumerate(bands)},
                             an.area[groups.area], an)
        per_cell.update({c: np.bincount(cells.group_cell, weights=v, minlength=n_cell)
                         for c, v in grp.items()})
    main_area = majority(cells.group_cell, groups.area,
                         groups.pop.sum(axis=1) + 1e-9 * groups.n, len(cells.keys))
    cells_xy = np.column_stack([cells.keys // groups.span + groups.origin[0],
                                cells.keys % groups.span + groups.origin[1]])
    grid = grid_layer(cells_xy, per_cell, main_area, areas, size, norms, year, crs)
    return _Layers(buurt, levels.kerngebied, levels.gemeente, levels.regio, grid)


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
