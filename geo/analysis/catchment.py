"""Catchments: every (demand point, supply point) pair within a radius, by a grid search.

All coordinates are metric, as ``(n, 2)`` arrays of x/y in metres (EPSG:28992 in this
project); distances are straight-line (Euclidean). :func:`build_catchment` returns a
:class:`Catchment` that :func:`geo.analysis.fca.fca_from_catchment` turns into 2SFCA
scores for any demand, capacity and weights, so scenario re-runs do not search again.

Distances are computed as ``sqrt(dx**2 + dy**2)`` in float64, and a pair is in a
catchment exactly when that distance is ``<= radius``. The same rule is used by
:func:`geo.analysis.fca.two_step_fca`, :func:`build_catchment` and
:func:`geo.analysis.fca.fca_from_catchment`, so
``fca_from_catchment(build_catchment(...), ...)`` equals ``two_step_fca`` bit for bit.

Implementation: the demand points are sorted into a row-major grid of square cells
(edge ``radius / 8``); for every supply point and every grid row within reach, the
cells that can hold points within the radius form one contiguous run of the sorted
demand points, and the cells wholly inside the radius form an inner part of that run
that needs no distance test. Candidate pairs are expanded, tested and filtered with
vectorised numpy in blocks of about 65,000, so temporaries stay small. The pairs then
form a sparse ``m x n`` matrix ``W`` and both steps are sparse mat-vecs:
``R = S / (W @ P)`` and ``A = W.T @ R``. Cost is ``O(n log n + m + k)`` for ``k``
pairs within reach (about 1.15 candidates per pair), against ``O(n m)`` for all pairs.
:func:`geo.analysis.fca.two_step_fca` keeps no distances; :func:`build_catchment` stores them for
scenario re-runs.

The input checks and the pair search (``_as_xy``, ``_as_distance``, ``_squared_limit``,
``_grid``, ``_pairs``) are shared with :mod:`geo.analysis.fca`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from geo.errors import AnalysisError

__all__ = ["Catchment", "build_catchment"]

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]

_CELLS_PER_RADIUS = 8  # grid cell edge = radius / 8 (about 1.15 candidates per pair)
_CHUNK = 1 << 16  # candidate pairs handled per vectorised block


# --------------------------------------------------------------------------- validation


def _as_xy(name: str, value: ArrayLike) -> FloatArray:
    """Return ``value`` as a finite float64 ``(n, 2)`` array (a copy if needed)."""
    try:
        xy = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{name} moet een numerieke (n, 2)-array zijn: {exc}") from exc
    if xy.size == 0:
        return np.empty((0, 2), dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise AnalysisError(
            f"{name} moet een (n, 2)-array zijn met x/y in meters, kreeg vorm {xy.shape}"
        )
    if not np.isfinite(xy).all():
        raise AnalysisError(f"{name} bevat NaN of oneindige coördinaten")
    return xy


def _as_distance(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a finite float that is positive (or ``>= 0``)."""
    try:
        distance = float(value)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{name} moet een getal zijn (meters), kreeg {value!r}") from exc
    if not math.isfinite(distance) or distance < 0 or (distance == 0 and not allow_zero):
        bound = "0 of groter" if allow_zero else "groter dan 0"
        raise AnalysisError(f"{name} moet een eindig getal {bound} zijn (meters), kreeg {value!r}")
    return distance


def _squared_limit(limit: float) -> float:
    """Largest float ``t`` with ``sqrt(t) <= limit`` (so ``d2 <= t`` iff ``sqrt(d2) <= limit``)."""
    t = limit * limit
    while math.sqrt(t) > limit:
        t = math.nextafter(t, 0.0)
    while math.sqrt(math.nextafter(t, math.inf)) <= limit:
        t = math.nextafter(t, math.inf)
    return t


# --------------------------------------------------------------------------- pair search


class _Grid(NamedTuple):
    """Demand points sorted into grid cells, with every supply's candidate runs."""

    order: IndexArray  # sorted position -> original demand index
    z: NDArray[np.complex128]  # sorted demand coordinates as x + iy
    run_start: NDArray[np.int64]  # (m, rows): first sorted position of each run
    run_length: NDArray[np.int64]  # (m, rows): run length (0 where unused)
    inner_start: NDArray[np.int64]  # (m, rows): the run's cells wholly within the
    inner_stop: NDArray[np.int64]  # radius are inner_start:inner_stop (may be empty)


class _Pairs(NamedTuple):
    """Pairs within reach, grouped by supply point (in supply order)."""

    position: NDArray[np.int64]  # (k,) sorted demand position of every pair
    dist2: FloatArray | None  # (k,) squared distance of every pair, if asked for
    starts: NDArray[np.int64]  # (m + 1,) supply j's pairs are starts[j]:starts[j + 1]


def _grid(demand_xy: FloatArray, supply_xy: FloatArray, radius: float) -> _Grid:
    """Sort the demand points into cells and find the candidate runs of every supply.

    A run is one grid row's range of cells that may hold demand points within
    ``radius`` of the supply point: a superset of the true pairs, widened by a small
    slack so rounding can never drop a pair. Needs ``n >= 1`` and ``m >= 1``.
    """
    n = demand_xy.shape[0]
    dx, dy = demand_xy[:, 0], demand_xy[:, 1]
    x0, y0 = float(dx.min()), float(dy.min())
    ext_x, ext_y = float(dx.max()) - x0, float(dy.max()) - y0
    cell = radius / _CELLS_PER_RADIUS
    max_cells = max(4 * n, 1 << 16)
    # Cap the number of cells (sparse points, small radius): rows*cols <= ~max_cells/2 + 1.
    cell = max(cell, 2.0 * math.sqrt(ext_x * ext_y / max_cells), 4.0 * (ext_x + ext_y) / max_cells)
    inv = 1.0 / cell
    ncols, nrows = int(ext_x * inv) + 1, int(ext_y * inv) + 1
    ncells = ncols * nrows

    col = np.floor((dx - x0) * inv).astype(np.int64)
    key = np.floor((dy - y0) * inv).astype(np.int64)
    np.minimum(col, ncols - 1, out=col)
    np.minimum(key, nrows - 1, out=key)
    key *= ncols
    key += col  # row-major cell number
    if ncells <= 1 << 16:
        order = np.argsort(key.astype(np.uint16), kind="stable")  # radix sort
    else:
        order = np.argsort(key)
    cell_start = np.zeros(ncells + 1, dtype=np.int64)
    np.cumsum(np.bincount(key, minlength=ncells), out=cell_start[1:])
    z = np.ascontiguousarray(demand_xy).view(np.complex128)[:, 0].take(order)

    # Runs of every supply point: one per grid row within reach.
    sx, sy = supply_xy[:, 0:1], supply_xy[:, 1:2]
    slack = 1e-9 * (ext_x + ext_y + radius + abs(x0) + abs(y0))
    reach = radius + slack
    row_lo = np.clip(np.floor((sy - reach - y0) * inv), 0, nrows)
    row_hi = np.clip(np.floor((sy + reach - y0) * inv), -1, nrows - 1)
    nrow = int(math.ceil(2.0 * reach * inv)) + 2
    rows = row_lo + np.arange(nrow)
    valid = rows <= row_hi
    np.minimum(rows, nrows - 1, out=rows)
    band = rows * cell + y0  # lower edge of the row band
    gap = np.maximum(np.maximum(band - sy, sy - (band + cell)) - slack, 0.0)
    half = radius * radius - gap * gap
    valid &= half >= 0
    half = np.sqrt(np.maximum(half, 0.0)) + slack  # half-width of the disc in the row
    col_lo = np.clip(np.floor((sx - half - x0) * inv), 0, ncols)
    col_hi = np.clip(np.floor((sx + half - x0) * inv), -1, ncols - 1)
    valid &= col_hi >= col_lo
    row_base = rows.astype(np.int64) * ncols
    start = cell_start[row_base + np.minimum(col_lo, ncols - 1).astype(np.int64)]
    stop = cell_start[row_base + np.maximum(col_hi, -1).astype(np.int64) + 1]
    length = np.where(valid, stop - start, 0)

    # Inner part of every run: cells whose every point lies within the radius (with
    # the slack as safety margin), so those pairs need no distance test.
    far = np.maximum(np.abs(band - sy), np.abs(band + cell - sy)) + slack
    inner = radius * radius - far * far
    inner = np.sqrt(np.maximum(inner, 0.0)) - slack  # inner half-width in the row
    in_lo = np.maximum(np.ceil((sx - inner - x0) * inv), col_lo)
    in_hi = np.minimum(np.floor((sx + inner - x0) * inv) - 1.0, col_hi)
    has_inner = valid & (inner > 0) & (in_hi >= in_lo)
    end = start + length
    inner_start = np.where(
        has_inner, cell_start[row_base + np.clip(in_lo, 0, ncols - 1).astype(np.int64)], end
    )
    inner_stop = np.where(
        has_inner, cell_start[row_base + np.clip(in_hi, -1, ncols - 1).astype(np.int64) + 1], end
    )
    return _Grid(order, z, start, length, inner_start, inner_stop)


def _dist2(z: NDArray[np.complex128], out: FloatArray) -> FloatArray:
    """``real(z)**2 + imag(z)**2`` into ``out`` (``z`` is overwritten)."""
    parts = z.view(np.float64)
    np.multiply(parts, parts, out=parts)
    return np.add(parts[0::2], parts[1::2], out=out)


def _pairs(grid: _Grid, supply_xy: FloatArray, limit2: float, *, with_dist2: bool) -> _Pairs:
    """All pairs with squared distance ``<= limit2``, found block by block of supplies.

    Within a supply point the pairs are in sorted demand order. Blocks hold about
    ``_CHUNK`` candidates so the temporaries stay small and are reused.
    """
    m = supply_xy.shape[0]
    sz = np.ascontiguousarray(supply_xy).view(np.complex128)[:, 0]
    per_supply = grid.run_length.sum(axis=1)
    offset = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(per_supply, out=offset[1:])
    total = int(offset[-1])
    position = np.empty(total, dtype=np.int64)
    dist2 = np.empty(total, dtype=np.float64) if with_dist2 else None
    starts = np.zeros(m + 1, dtype=np.int64)
    if total == 0:
        return _Pairs(position, dist2, starts)
    cuts = np.searchsorted(offset, np.arange(0, total, _CHUNK), side="right")
    bounds = np.unique(np.concatenate(([0], cuts, [m])))
    size = int(np.diff(offset[bounds]).max())
    if not with_dist2:  # per run: candidates before / after its inner part, laid out
        # as (supply, run, left/right); "edge_at" is their first candidate's offset
        run_end = grid.run_start + grid.run_length
        edge_len = np.stack([grid.inner_start - grid.run_start, run_end - grid.inner_stop], -1)
        run_offset = np.cumsum(grid.run_length).reshape(grid.run_length.shape)
        run_offset -= grid.run_length
        edge_at = np.stack([run_offset, run_offset + (grid.inner_stop - grid.run_start)], -1)
        edge_len, edge_at = edge_len.reshape(m, -1), edge_at.reshape(m, -1)
        edge_per_supply = edge_len.sum(axis=1)
    pos_buf = np.empty(size, dtype=np.int64)
    z_buf = np.empty(size, dtype=np.complex128)
    d2_buf = np.empty(size, dtype=np.float64)
    in_buf = np.empty(size, dtype=bool)
    counter = np.arange(size, dtype=np.int64)
    k = 0
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        first = int(offset[lo])
        count = int(offset[hi]) - first
        if count == 0:
            starts[lo + 1 : hi + 1] = k
            continue
        # sorted demand position of every candidate: the runs laid end to end
        run_start = grid.run_start[lo:hi].ravel()
        lengths = grid.run_length[lo:hi].ravel()
        run_offset = np.cumsum(lengths)
        run_offset -= lengths
        pos = pos_buf[:count]
        np.add(counter[:count], np.repeat(run_start - run_offset, lengths), out=pos)
        if with_dist2:  # distances of all candidates
            z = z_buf[:count]
            np.take(grid.z, pos, out=z, mode="clip")
            z -= np.repeat(sz[lo:hi], per_supply[lo:hi])
            d2 = _dist2(z, d2_buf[:count])
            hit = np.flatnonzero(np.less_equal(d2, limit2, out=in_buf[:count]))
        else:  # only candidates outside the runs' inner parts need a distance test
            lens = edge_len[lo:hi].ravel()
            n_edge = int(lens.sum())
            edge_offset = np.cumsum(lens)
            edge_offset -= lens
            edge_offset += first
            edge = np.add(counter[:n_edge], np.repeat(edge_at[lo:hi].ravel() - edge_offset, lens))
            z = z_buf[:n_edge]
            np.take(grid.z, pos.take(edge, mode="clip"), out=z, mode="clip")
            z -= np.repeat(sz[lo:hi], edge_per_supply[lo:hi])
            d2 = _dist2(z, d2_buf[:n_edge])
            inside = in_buf[:count]
            inside.fill(True)
            inside[edge] = d2 <= limit2
            hit = np.flatnonzero(inside)
        kept = hit.shape[0]
        np.take(pos, hit, out=position[k : k + kept], mode="clip")
        if dist2 is not None:
            np.take(d2_buf[:count], hit, out=dist2[k : k + kept], mode="clip")
        starts[lo + 1 : hi + 1] = k + np.searchsorted(hit, offset[lo + 1 : hi + 1] - first)
        k += kept
    return _Pairs(position[:k], None if dist2 is None else dist2[:k], starts)


# --------------------------------------------------------------------------- catchments


@dataclass(frozen=True, eq=False)
class Catchment:
    """All (demand point, supply point) pairs within a radius, with their distances.

    Build it with :func:`build_catchment` once and pass it to
    :func:`fca_from_catchment` for every scenario (other demand, capacity or weights),
    so distances are not searched again. The arrays are read-only. Instances compare
    by identity.

    Attributes
    ----------
    n_demand
        Number of demand points the catchment was built for.
    n_supply
        Number of supply points.
    demand_index
        ``(k,)`` index of the demand point of every pair.
    supply_index
        ``(k,)`` index of the supply point of every pair. :func:`build_catchment`
        groups the pairs by supply point in increasing order, which spares
        :func:`fca_from_catchment` a sort; any order is accepted.
    distance
        ``(k,)`` distance in metres of every pair.
    """

    n_demand: int
    n_supply: int
    demand_index: IndexArray
    supply_index: IndexArray
    distance: FloatArray
    _starts: NDArray[np.int64] | None = field(init=False, repr=False, default=None)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("n_demand", "n_supply"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
                raise AnalysisError(
                    f"Catchment.{name} moet een geheel getal >= 0 zijn, kreeg {value!r}"
                )
            set_(self, name, int(value))
        arrays = {}
        for name, dtype in (
            ("demand_index", np.intp),
            ("supply_index", np.intp),
            ("distance", np.float64),
        ):
            raw = getattr(self, name)
            try:
                arr = np.asarray(raw, dtype=dtype)
            except (TypeError, ValueError) as exc:
                raise AnalysisError(f"Catchment.{name} heeft een ongeldig type: {exc}") from exc
            if arr.ndim != 1:
                raise AnalysisError(f"Catchment.{name} moet 1-D zijn, kreeg vorm {arr.shape}")
            if np.may_share_memory(arr, raw):
                arr = arr.view()  # read-only view; the caller's array stays writeable
            arr.flags.writeable = False
            arrays[name] = arr
            set_(self, name, arr)
        k = arrays["distance"].shape[0]
        if arrays["demand_index"].shape[0] != k or arrays["supply_index"].shape[0] != k:
            raise AnalysisError(
                "Catchment.demand_index, supply_index en distance moeten even lang zijn"
            )
        if k == 0:
            set_(self, "_starts", np.zeros(self.n_supply + 1, dtype=np.int64))
            return
        for name, limit in (("demand_index", self.n_demand), ("supply_index", self.n_supply)):
            idx = arrays[name]
            if idx.min() < 0 or idx.max() >= limit:
                raise AnalysisError(f"Catchment.{name} valt buiten 0..{limit - 1}")
        dist = arrays["distance"]
        if not (dist.min() >= 0 and math.isfinite(dist.max())):
            raise AnalysisError("Catchment.distance moet eindig en niet-negatief zijn")
        sup = arrays["supply_index"]
        if not (sup[1:] < sup[:-1]).any():  # grouped by supply: remember where groups start
            set_(self, "_starts", np.searchsorted(sup, np.arange(self.n_supply + 1)))

    @property
    def n_pairs(self) -> int:
        """Number of pairs ``k``."""
        return int(self.distance.shape[0])


def build_catchment(demand_xy: ArrayLike, supply_xy: ArrayLike, radius: float) -> Catchment:
    """Find every (demand point, supply point) pair within ``radius`` metres.

    Parameters
    ----------
    demand_xy
        ``(n, 2)`` demand point coordinates in metres.
    supply_xy
        ``(m, 2)`` supply point coordinates in metres.
    radius
        Catchment radius in metres (``> 0``); a pair is included when its distance is
        ``<= radius``.

    Returns
    -------
    Catchment
        The pairs, grouped by supply point in increasing order.

    Raises
    ------
    AnalysisError
        If an input has the wrong shape, holds NaN or the radius is not positive.

    Examples
    --------
    >>> c = build_catchment([[0, 0], [1000, 0], [2000, 0]], [[0, 0], [2000, 0]], 1000)
    >>> c.n_pairs, c.demand_index.tolist(), c.supply_index.tolist()
    (4, [0, 1, 1, 2], [0, 0, 1, 1])
    >>> c.distance.tolist()
    [0.0, 1000.0, 1000.0, 0.0]
    """
    dxy = _as_xy("demand_xy", demand_xy)
    sxy = _as_xy("supply_xy", supply_xy)
    r = _as_distance("radius", radius)
    n, m = dxy.shape[0], sxy.shape[0]
    if n == 0 or m == 0:
        empty = np.empty(0, dtype=np.intp)
        return Catchment(n, m, empty, empty, np.empty(0, dtype=np.float64))
    grid = _grid(dxy, sxy, r)
    pairs = _pairs(grid, sxy, _squared_limit(r), with_dist2=True)
    assert pairs.dist2 is not None
    demand_index = grid.order.take(pairs.position)
    supply_index = np.repeat(np.arange(m, dtype=np.intp), np.diff(pairs.starts))
    return Catchment(n, m, demand_index, supply_index, np.sqrt(pairs.dist2))
