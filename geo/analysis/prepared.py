"""Structures of a region that do not change between analyses, computed once.

A scenario changes a few homes and facilities; the buurt outlines, the address points of
the base region and the distances from those points to facilities it leaves alone stay
the same. :func:`prepare_region` computes them once; :func:`geo.analysis.gaps.analyse` and
:func:`geo.analysis.scenario.analyse_scenario` accept the result as ``prepared=`` and then only
compute what is new:

- the buurt index, the representative points of buurten and the merged outlines of every
  kerngebied, every municipality and the whole region, with the municipality of every
  kerngebied (a kerngebied lies in one municipality: otherwise :func:`prepare_region`
  raises :class:`geo.errors.AnalysisError`);
- the coordinates and buurt of every base home (the people points);
- nearest-facility distances from those points, per distance method (straight or network
  with a profile, :mod:`geo.analysis.distance`) and set of facility locations (keyed by
  the coordinates, so a scenario that closes one GP post recomputes only the GP
  distances; over the network a set that is a cached set plus one facility appended — a
  scenario opening one — is updated by :func:`geo.analysis.network.nearest_with_added`,
  a single search limited to the current worst distance);
- over the network, the 2SFCA pairs of every facility (per demand points, profile and
  radius), so a scenario that opens or closes one facility searches from that one only.

A region that does not extend the prepared one (other buurten, or homes that are not the
base homes followed by new ones) is detected and analysed from scratch, so passing a
stale ``prepared`` can cost time but never gives wrong numbers.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis.catchment import Catchment
from geo.analysis.distance import DistanceMethod
from geo.analysis.fca import nearest_distance
from geo.analysis.network import nearest_with_added
from geo.errors import AnalysisError
from geo.model.region import Region

__all__ = ["PreparedRegion", "prepare_region"]

_MAX_DISTANCE_SETS = 64
_MAX_PAIR_SETS = 8
_STRAIGHT = DistanceMethod("straight")


@dataclass(eq=False)
class PreparedRegion:
    """Reusable structures of one base region (see the module docstring).

    Attributes
    ----------
    areas_frame
        The region's ``areas`` frame (identity is used to recognise derived regions).
    areas
        The same, indexed by ``buurt_code``.
    home_xy, home_codes
        Coordinates and buurt codes of the base homes, in order.
    home_area
        Index into ``areas`` of every base home (-1 outside the region's buurten).
    kerngebied_codes, kerngebied_names, kerngebied_geoms
        Kerngebied index of every buurt, the kerngebied names (first-seen order) and their
        merged outlines.
    gemeente_codes, gemeente_names, gemeente_geoms
        The municipalities (region order, see :attr:`geo.model.region.Region.gemeenten`)
        and their merged outlines.
    kerngebied_gemeente, area_gemeente
        Municipality index of every kerngebied and of every buurt.
    gemeente_geom
        Outline of the whole region.
    """

    areas_frame: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    home_xy: np.ndarray
    home_codes: pd.Series
    home_area: np.ndarray
    kerngebied_codes: np.ndarray
    kerngebied_names: np.ndarray
    kerngebied_geoms: np.ndarray
    gemeente_codes: np.ndarray
    gemeente_names: np.ndarray
    gemeente_geoms: np.ndarray
    kerngebied_gemeente: np.ndarray
    area_gemeente: np.ndarray
    gemeente_geom: shapely.Geometry
    cache_distances: bool = True
    _distances: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _pairs: OrderedDict = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def n_homes(self) -> int:
        """Number of base homes."""
        return len(self.home_xy)

    def extends(self, region: Region, home_xy: np.ndarray) -> bool:
        """Whether ``region`` is this base region, possibly with homes appended.

        Parameters
        ----------
        region
            The region to analyse.
        home_xy
            Its home coordinates (already extracted by the caller).
        """
        n = self.n_homes
        if region.areas is not self.areas_frame or len(home_xy) < n:
            return False
        codes = region.homes["buurt_code"].iloc[:n].reset_index(drop=True)
        return bool(np.array_equal(home_xy[:n], self.home_xy)
                    and codes.equals(self.home_codes))

    def base_distances(self, targets_xy: np.ndarray,
                       method: DistanceMethod | None = None) -> np.ndarray:
        """Nearest distance from every base home *inside the region* to ``targets_xy``.

        Parameters
        ----------
        targets_xy
            ``(m, 2)`` RD coordinates of the facilities.
        method
            Straight lines (``None``) or network distances for a profile.

        Returns
        -------
        numpy.ndarray
            ``(n,)`` metres, ``inf`` where no target can be reached. Results are kept per
            method and set of target coordinates (at most 64 sets); safe to call from
            several threads (Streamlit sessions share one prepared region).
        """
        return self._nearest(targets_xy, method or _STRAIGHT)[0]

    def extra_distances(self, points_xy: np.ndarray, targets_xy: np.ndarray,
                        method: DistanceMethod) -> np.ndarray:
        """Nearest distance from other points (a buurt's point, a project) to ``targets_xy``.

        Straight lines are computed anew (cheap); over the network the result is kept per
        point set too (each is a Dijkstra over the whole network).
        """
        if not method.is_network or not len(points_xy):
            return method.nearest(points_xy, targets_xy)[0]
        return self._nearest(targets_xy, method, points_xy)[0]

    def _nearest(self, targets_xy: np.ndarray, method: DistanceMethod,
                 points_xy: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        targets = np.ascontiguousarray(targets_xy, dtype=float).reshape(-1, 2)
        origins = self.home_xy[self.home_area >= 0] if points_xy is None else \
            np.ascontiguousarray(points_xy, dtype=float)
        which = "" if points_xy is None else hashlib.blake2b(origins.tobytes()).hexdigest()
        key = (method.key, which, targets.tobytes())
        with self._lock:
            hit = self._distances.get(key)
            if hit is not None:
                self._distances.move_to_end(key)
                return hit
            # over the network, one facility added to a cached set: update that set
            prev = self._distances.get((method.key, which, targets[:-1].tobytes())) \
                if method.is_network and len(targets) > 1 else None
        if prev is not None:
            hit = nearest_with_added(method.network, method.profile, origins, prev,
                                     targets[-1], len(targets) - 1)
        elif method.is_network:
            hit = method.nearest(origins, targets)
        else:
            hit = (nearest_distance(origins, targets), np.empty(0, dtype=np.int64))
        if not self.cache_distances:
            return hit
        for part in hit:
            part.setflags(write=False)
        with self._lock:
            self._distances[key] = hit
            while len(self._distances) > _MAX_DISTANCE_SETS:
                self._distances.popitem(last=False)
        return hit

    def catchment(self, method: DistanceMethod, demand_xy: np.ndarray, supply_xy: np.ndarray,
                  radius: float) -> Catchment:
        """Every (demand, supply) pair within ``radius`` metres for ``method``.

        Straight lines are searched anew (a KD-tree query takes milliseconds). Over the
        network the pairs of each facility are kept per profile, demand points and radius,
        so only facilities not seen before are searched (one limited Dijkstra per batch).

        Parameters
        ----------
        method
            The distance method.
        demand_xy, supply_xy
            ``(n, 2)`` and ``(m, 2)`` RD coordinates in metres.
        radius
            Metres (> 0).

        Returns
        -------
        Catchment
        """
        if not method.is_network or not self.cache_distances:
            return method.catchment(demand_xy, supply_xy, radius)
        demand = np.ascontiguousarray(demand_xy, dtype=float)
        supply = np.ascontiguousarray(supply_xy, dtype=float).reshape(-1, 2)
        key = (method.key, float(radius), hashlib.blake2b(demand.tobytes()).hexdigest())
        with self._lock:
            known = self._pairs.setdefault(key, {})
            self._pairs.move_to_end(key)
            while len(self._pairs) > _MAX_PAIR_SETS:
                self._pairs.popitem(last=False)
            fkeys = [row.tobytes() for row in supply]
            missing = sorted({k: j for j, k in enumerate(fkeys) if k not in known}.values())
        if missing:
            found = method.catchment(demand, supply[missing], radius)
            order = np.argsort(found.supply_index, kind="stable")
            bounds = np.searchsorted(found.supply_index[order], np.arange(len(missing) + 1))
            with self._lock:
                for k, j in enumerate(missing):
                    sel = order[bounds[k]:bounds[k + 1]]
                    known[fkeys[j]] = (found.demand_index[sel], found.distance[sel])
        parts = [known[k] for k in fkeys]
        sizes = [len(p[0]) for p in parts]
        return Catchment(
            len(demand), len(supply),
            np.concatenate([p[0] for p in parts]).astype(np.intp) if parts
            else np.empty(0, dtype=np.intp),
            np.repeat(np.arange(len(supply), dtype=np.intp), sizes),
            np.concatenate([p[1] for p in parts]) if parts else np.empty(0))


def prepare_region(region: Region, *, cache_distances: bool = True,
                   home_xy: np.ndarray | None = None) -> PreparedRegion:
    """Compute the reusable structures of ``region`` (see the module docstring).

    Parameters
    ----------
    region
        A validated region.
    cache_distances
        Keep nearest-facility distances for reuse (``False`` for a one-off analysis: a
        national region holds 64 MB per facility type).
    home_xy
        The home coordinates, if the caller has them already.

    Returns
    -------
    PreparedRegion
        Pass it as ``prepared=`` to :func:`geo.analysis.gaps.analyse` or
        :func:`geo.analysis.scenario.analyse_scenario` for this region and regions derived from it
        by :func:`geo.analysis.scenario.apply_scenario`.
    """
    areas = region.areas.set_index("buurt_code")
    if home_xy is None:
        home_xy = shapely.get_coordinates(region.homes.geometry.values)
    home_xy.setflags(write=False)
    # the codes stay a (compact, Arrow-backed) Series: no 8 million Python strings
    codes = region.homes["buurt_code"].reset_index(drop=True)
    home_area = pd.Index(areas.index).get_indexer(codes)
    kerngebied_codes, kerngebied_names = pd.factorize(areas["kerngebied"], sort=False)
    geoms = areas.geometry.to_numpy()
    kerngebied_geoms = np.array([shapely.union_all(geoms[kerngebied_codes == i])
                                 for i in range(len(kerngebied_names))], dtype=object)
    gm = _gemeenten(region, areas)
    area_gemeente = pd.Index(gm[0]).get_indexer(areas["gemeente_code"].astype(str))
    kern_gm = _kerngebied_gemeente(kerngebied_codes, kerngebied_names, area_gemeente, gm)
    gemeente_geoms = np.array([shapely.union_all(kerngebied_geoms[kern_gm == i])
                               for i in range(len(gm[0]))], dtype=object)
    return PreparedRegion(
        areas_frame=region.areas, areas=areas, home_xy=home_xy, home_codes=codes,
        home_area=home_area, kerngebied_codes=kerngebied_codes,
        kerngebied_names=np.asarray(kerngebied_names, dtype=object),
        kerngebied_geoms=kerngebied_geoms, gemeente_codes=gm[0], gemeente_names=gm[1],
        gemeente_geoms=gemeente_geoms, kerngebied_gemeente=kern_gm,
        area_gemeente=area_gemeente,
        gemeente_geom=shapely.union_all(gemeente_geoms), cache_distances=cache_distances)


def _gemeenten(region: Region, areas: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Codes and names of the municipalities with buurten, in region order."""
    present = dict(zip(areas["gemeente_code"].astype(str), areas["gemeente_name"].astype(str),
                       strict=True))
    listed = [(c, n) for c, n in region.gemeenten if c in present]
    listed += [(c, n) for c, n in present.items() if c not in dict(listed)]
    return (np.array([c for c, _ in listed], dtype=object),
            np.array([n for _, n in listed], dtype=object))


def _kerngebied_gemeente(kern_codes: np.ndarray, kern_names: pd.Index,
                         area_gemeente: np.ndarray,
                         gm: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Municipality index of every kerngebied; a kerngebied in two municipalities is an error."""
    n_kern = len(kern_names)
    first = np.full(n_kern, -1, dtype=np.int64)
    first[kern_codes[::-1]] = area_gemeente[::-1]  # the first buurt's municipality
    mixed = np.flatnonzero(np.bincount(kern_codes, weights=area_gemeente != first[kern_codes],
                                       minlength=n_kern) > 0)
    if len(mixed):
        k = int(mixed[0])
        names = sorted({str(gm[1][g]) for g in area_gemeente[kern_codes == k]})
        raise AnalysisError(
            f"kerngebied '{kern_names[k]}' ligt in meer dan één gemeente ({', '.join(names)}); "
            "een kerngebied hoort bij één gemeente. Geef de buurten per gemeente een eigen "
            f"kerngebied, bijv. '{kern_names[k]} ({names[0]})'.")
    return first
