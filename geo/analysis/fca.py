"""Floating-catchment accessibility (2SFCA, E2SFCA) and distance helpers on points.

All coordinates are metric, as ``(n, 2)`` arrays of x/y in metres (EPSG:28992 in this
project); distances are straight-line (Euclidean).

Two-step floating catchment area (2SFCA, Luo & Wang 2003). With demand ``P_i`` at
demand point *i*, capacity ``S_j`` at supply point *j* and distance ``d_ij``:

1. every supply gets a supply-to-demand ratio ``R_j = S_j / sum(P_i for d_ij <= r)``;
2. every demand point sums the ratios in reach: ``A_i = sum(R_j for d_ij <= r)``.

A supply with no demand in reach gets ``R_j = 0`` (never a division by zero or a NaN),
and a demand point with no supply in reach gets ``A_i = 0``.

The enhanced variant (E2SFCA, Luo & Qi 2009) weights both steps with a distance-decay
step function ``W``: ``R_j = S_j / sum(W(d_ij) P_i)`` and ``A_i = sum(W(d_ij) R_j)``.
Steps are given as ``[(max_distance, weight), ...]`` with increasing distances;
``W(d)`` is the weight of the first step with ``d <= max_distance`` and 0 beyond the
last step. Weighted and unweighted versions agree exactly for ``[(r, 1.0)]``.

Catchments (the pairs within reach and the grid search that finds them, with the exact
distance rule) are :mod:`geo.analysis.catchment`; :func:`two_step_fca` equals
``fca_from_catchment(build_catchment(...), ...)`` bit for bit.

References
----------
Luo, W. & Wang, F. (2003). Measures of spatial accessibility to health care in a GIS
environment. *Environment and Planning B* 30(6), 865-884.

Luo, W. & Qi, Y. (2009). An enhanced two-step floating catchment area (E2SFCA) method
for measuring spatial accessibility to primary care physicians. *Health & Place*
15(4), 1100-1107.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.sparse import csr_array
from scipy.spatial import cKDTree

from geo.analysis.catchment import (
    Catchment,
    FloatArray,
    IndexArray,
    _as_distance,
    _as_xy,
    _grid,
    _pairs,
    _squared_limit,
)
from geo.errors import AnalysisError

__all__ = [
    "fca_from_catchment",
    "nearest_distance",
    "two_step_fca",
    "within_distance",
]


# --------------------------------------------------------------------------- validation


def _as_amounts(name: str, value: ArrayLike, n: int, points: str) -> FloatArray:
    """Return ``value`` as a finite, non-negative float64 array of length ``n``."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(f"{name} moet numeriek zijn: {exc}") from exc
    if arr.ndim != 1 or arr.shape[0] != n:
        raise AnalysisError(
            f"{name} moet een 1-D-array zijn met {n} waarden (één per punt in {points}), "
            f"kreeg vorm {arr.shape}"
        )
    if not np.isfinite(arr).all():
        raise AnalysisError(f"{name} bevat NaN of oneindige waarden")
    if n and arr.min() < 0:
        first = int(np.flatnonzero(arr < 0)[0])
        raise AnalysisError(f"{name} mag niet negatief zijn (positie {first} heeft {arr[first]:g})")
    return arr


class _Steps(NamedTuple):
    """Validated E2SFCA steps: upper distances and weights (with a trailing 0)."""

    distance: FloatArray
    weight: FloatArray  # len(distance) + 1; the last entry (0) is "beyond the last step"


def _as_steps(weights: Sequence[tuple[float, float]]) -> _Steps:
    """Validate ``[(max_distance, weight), ...]`` steps."""
    try:
        table = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AnalysisError(
            f"weights moet een lijst van (max_afstand, gewicht)-paren zijn: {exc}"
        ) from exc
    if table.ndim != 2 or table.shape[1] != 2 or table.shape[0] == 0:
        raise AnalysisError(
            "weights moet een niet-lege lijst van (max_afstand, gewicht)-paren zijn, "
            f"kreeg vorm {table.shape}"
        )
    if not np.isfinite(table).all():
        raise AnalysisError("weights bevat NaN of oneindige waarden")
    dist, weight = table[:, 0].copy(), table[:, 1].copy()
    if dist[0] <= 0 or (np.diff(dist) <= 0).any():
        raise AnalysisError(
            "de afstanden in weights moeten groter dan 0 zijn en strikt oplopen, "
            f"kreeg {dist.tolist()}"
        )
    if (weight < 0).any():
        raise AnalysisError(
            f"de gewichten in weights mogen niet negatief zijn, kreeg {weight.tolist()}"
        )
    return _Steps(dist, np.append(weight, 0.0))


def _step_weights(steps: _Steps, distance: FloatArray) -> FloatArray:
    """Weight of every distance: the first step with ``d <= max_distance``, else 0."""
    if steps.distance.shape[0] > 8:
        index = np.searchsorted(steps.distance, distance, side="left")
    else:  # a few comparisons beat a binary search per element
        index = np.zeros(distance.shape[0], dtype=np.intp)
        for limit in steps.distance:
            index += distance > limit
    return steps.weight.take(index)


# --------------------------------------------------------------------------- 2SFCA core


def _fca(
    column: IndexArray,
    starts: NDArray[np.int64],
    weight: FloatArray | None,
    demand: FloatArray,
    capacity: FloatArray,
) -> FloatArray:
    """2SFCA on pairs grouped by supply: sparse ``W`` (m x n), ``R = S / (W P)``, ``A = W.T R``.

    ``column`` holds the demand index of every pair and ``starts`` (m + 1) delimits
    each supply's pairs; ``weight`` is the pair weight (``None``: 1). Sums run in pair
    order, so equal inputs give bit-identical results.
    """
    data = np.ones(column.shape[0], dtype=np.float64) if weight is None else weight
    matrix = csr_array((data, column, starts), shape=(capacity.shape[0], demand.shape[0]))
    total = np.asarray(matrix @ demand, dtype=np.float64)
    ratio = np.zeros_like(total)
    np.divide(capacity, total, out=ratio, where=total > 0)
    return np.asarray(matrix.T @ ratio, dtype=np.float64)


def fca_from_catchment(
    catchment: Catchment,
    demand: ArrayLike,
    capacity: ArrayLike,
    weights: Sequence[tuple[float, float]] | None = None,
) -> FloatArray:
    """2SFCA (or E2SFCA with ``weights``) on a prebuilt :class:`Catchment`.

    Parameters
    ----------
    catchment
        Pairs from :func:`build_catchment`; its radius bounds the catchment.
    demand
        ``(n,)`` non-negative demand per demand point (e.g. people).
    capacity
        ``(m,)`` non-negative capacity per supply point (e.g. places).
    weights
        Optional E2SFCA steps ``[(max_distance, weight), ...]`` with strictly
        increasing distances; pairs beyond the last step get weight 0.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` float64 accessibility ``A_i`` (capacity per unit of demand).

    Raises
    ------
    AnalysisError
        If an input does not match the catchment, is negative or holds NaN.

    Examples
    --------
    >>> from geo.analysis.catchment import build_catchment
    >>> c = build_catchment([[0, 0], [1000, 0], [2000, 0]], [[0, 0], [2000, 0]], 1000)
    >>> fca_from_catchment(c, [100, 200, 100], [10, 20]).round(4).tolist()
    [0.0333, 0.1, 0.0667]
    """
    if not isinstance(catchment, Catchment):
        raise AnalysisError(
            "catchment moet een Catchment zijn (zie build_catchment), "
            f"kreeg {type(catchment).__name__}"
        )
    n, m = catchment.n_demand, catchment.n_supply
    p = _as_amounts("demand", demand, n, "de catchment (n_demand)")
    s = _as_amounts("capacity", capacity, m, "de catchment (n_supply)")
    steps = _as_steps(weights) if weights is not None else None
    column, distance, starts = catchment.demand_index, catchment.distance, catchment._starts
    if starts is None:  # not grouped by supply: group it (stable, keeps pair order)
        order = np.argsort(catchment.supply_index, kind="stable")
        column, distance = column.take(order), distance.take(order)
        starts = np.searchsorted(catchment.supply_index.take(order), np.arange(m + 1))
    weight = _step_weights(steps, distance) if steps is not None else None
    return _fca(column, starts, weight, p, s)


def two_step_fca(
    demand_xy: ArrayLike,
    demand: ArrayLike,
    supply_xy: ArrayLike,
    capacity: ArrayLike,
    radius: float,
    weights: Sequence[tuple[float, float]] | None = None,
) -> FloatArray:
    """Two-step floating catchment area accessibility (2SFCA, or E2SFCA with steps).

    Equals ``fca_from_catchment(build_catchment(demand_xy, supply_xy, r), demand,
    capacity, weights)`` bit for bit (``r`` is the catchment described under
    ``radius``), without keeping the pairs' distances.

    Parameters
    ----------
    demand_xy
        ``(n, 2)`` demand point coordinates in metres.
    demand
        ``(n,)`` non-negative demand per demand point (e.g. people).
    supply_xy
        ``(m, 2)`` supply point coordinates in metres.
    capacity
        ``(m,)`` non-negative capacity per supply point (e.g. places).
    radius
        Catchment radius in metres (``> 0``); pairs with distance ``<= radius`` are
        in reach. With ``weights`` it is an upper cap: the catchment is
        ``min(radius, last step distance)``.
    weights
        Optional E2SFCA steps ``[(max_distance, weight), ...]``, e.g.
        ``[(400, 1.0), (800, 0.68), (1200, 0.22)]``: distances strictly increasing,
        weights non-negative; ``W(d)`` is the weight of the first step with
        ``d <= max_distance`` and 0 beyond the last step.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` float64 accessibility ``A_i`` (capacity per unit of demand); 0 for
        demand points with no supply in reach.

    Raises
    ------
    AnalysisError
        On shape mismatches, NaN or infinite values, negative demand or capacity,
        ``radius <= 0``, or steps that are empty, negative or not increasing.

    Examples
    --------
    Three demand points and two supply points on a line, radius 1 km:

    >>> xy = [[0, 0], [1000, 0], [2000, 0]]
    >>> two_step_fca(xy, [100, 200, 100], [[0, 0], [2000, 0]], [10, 20], 1000).round(4).tolist()
    [0.0333, 0.1, 0.0667]

    With distance decay, the middle point (1 km from both) counts half:

    >>> two_step_fca(xy, [100, 200, 100], [[0, 0], [2000, 0]], [10, 20], 1000,
    ...              weights=[(500, 1.0), (1000, 0.5)]).round(4).tolist()
    [0.05, 0.075, 0.1]
    """
    dxy = _as_xy("demand_xy", demand_xy)
    sxy = _as_xy("supply_xy", supply_xy)
    n, m = dxy.shape[0], sxy.shape[0]
    p = _as_amounts("demand", demand, n, "demand_xy")
    s = _as_amounts("capacity", capacity, m, "supply_xy")
    r = _as_distance("radius", radius)
    steps = _as_steps(weights) if weights is not None else None
    if steps is not None:
        r = min(r, float(steps.distance[-1]))
    if n == 0 or m == 0:
        return np.zeros(n, dtype=np.float64)
    grid = _grid(dxy, sxy, r)
    pairs = _pairs(grid, sxy, _squared_limit(r), with_dist2=steps is not None)
    weight = None
    if steps is not None and pairs.dist2 is not None:
        weight = _step_weights(steps, np.sqrt(pairs.dist2))
    # Work in sorted demand order (the pairs' columns), then put results back.
    access_sorted = _fca(pairs.position, pairs.starts, weight, p.take(grid.order), s)
    access = np.empty(n, dtype=np.float64)
    access[grid.order] = access_sorted
    return access


# --------------------------------------------------------------------------- distances


def nearest_distance(points_xy: ArrayLike, targets_xy: ArrayLike) -> FloatArray:
    """Distance from every point to its nearest target (``inf`` without targets).

    Parameters
    ----------
    points_xy
        ``(n, 2)`` point coordinates in metres.
    targets_xy
        ``(m, 2)`` target coordinates in metres; may be empty.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` float64 distances in metres.

    Examples
    --------
    >>> nearest_distance([[0, 0], [300, 400]], [[0, 100]]).tolist()
    [100.0, 424.26406871192853]
    >>> nearest_distance([[0, 0]], np.empty((0, 2))).tolist()
    [inf]
    """
    pts = _as_xy("points_xy", points_xy)
    tgt = _as_xy("targets_xy", targets_xy)
    if tgt.shape[0] == 0 or pts.shape[0] == 0:
        return np.full(pts.shape[0], np.inf, dtype=np.float64)
    # threads only pay off for many points (starting them costs ~1 ms)
    workers = -1 if pts.shape[0] > 50_000 else 1
    dist, _ = cKDTree(tgt).query(pts, k=1, workers=workers)
    return np.asarray(dist, dtype=np.float64)


def within_distance(
    points_xy: ArrayLike, targets_xy: ArrayLike, max_distance: float
) -> NDArray[np.bool_]:
    """Whether every point has a target within ``max_distance`` metres (inclusive).

    Parameters
    ----------
    points_xy
        ``(n, 2)`` point coordinates in metres.
    targets_xy
        ``(m, 2)`` target coordinates in metres; may be empty (all ``False``).
    max_distance
        Distance in metres (``>= 0``).

    Returns
    -------
    numpy.ndarray
        ``(n,)`` booleans.

    Examples
    --------
    >>> within_distance([[0, 0], [300, 400]], [[0, 0]], 500).tolist()
    [True, True]
    >>> within_distance([[0, 0], [300, 400]], [[0, 0]], 499.9).tolist()
    [True, False]
    """
    pts = _as_xy("points_xy", points_xy)
    tgt = _as_xy("targets_xy", targets_xy)
    limit = _as_distance("max_distance", max_distance, allow_zero=True)
    if tgt.shape[0] == 0 or pts.shape[0] == 0:
        return np.zeros(pts.shape[0], dtype=bool)
    bound = limit * (1.0 + 1e-9) + 1e-6  # prunes the search; the exact test follows
    dist, _ = cKDTree(tgt).query(pts, k=1, distance_upper_bound=bound, workers=-1)
    return np.asarray(dist <= limit, dtype=bool)
