"""Distances over the street network, per mobility profile.

The engine behind network distances: a sparse graph per profile
(:class:`scipy.sparse.csr_matrix`, shortest paths by
:func:`scipy.sparse.csgraph.dijkstra`, multi-source with ``min_only=True`` and ``limit``).

Attaching points
----------------
Homes and facilities are attached to the **nearest edge** the profile may use (shapely
``STRtree.query_nearest`` and ``line_locate_point``), not to the nearest node (the CBS
method; snapping to nodes gives false "0 m" distances). The edge is split virtually at
the projection: a trip from origin *o* (on edge *(a, b)* at *t* metres from *a*) to
destination *d* (on edge *(c, e)* at *s* metres from *c*) costs

    access leg of o  +  along-edge part to a or b  +  network distance  +
    along-edge part from c or e  +  access leg of d,

the minimum over the allowed directions (a one-way edge can only be left forward). When
*o* and *d* lie on the same edge the direct stretch ``|s − t|`` (if its direction is
allowed) is a candidate as well. The access legs are straight lines (point to its
projection); a point on the street has a leg of 0.

Computation: all destinations become virtual nodes with edges to the ends of their edge
(weights: leg + along-edge part), and one Dijkstra on the **reversed** graph from all of
them gives, for every node, the distance to its nearest destination and which one
(``min_only=True``). Each origin then takes the best of its two edge ends (and the
same-edge case) with numpy. Routes are shortest by distance; ``minutes`` is the travel
time along that route (the profile's speed per edge; walking profiles have one speed),
summed along the Dijkstra predecessor tree by pointer doubling.

Caching: :func:`prepare_network` keeps, per profile, the graph and the STRtree of usable
edges, and the snapping of each set of points (keyed by their coordinates), so repeated
analyses and scenario changes only run Dijkstra: :func:`nearest_with_added` updates the
nearest distances for one new facility by a single-source search limited to the current
worst distance.

Service areas (:func:`network_service_area`) are the streets from which a facility is
reached within the limit, buffered by a street width (default 50 m) to a polygon.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra
from shapely import ops

from geo.analysis.catchment import _as_distance, _as_xy
from geo.errors import NetworkError
from geo.model.network import StreetNetwork
from geo.model.profiles import get_profile

__all__ = [
    "NetworkNearest",
    "PreparedNetwork",
    "nearest_network",
    "nearest_network_distance",
    "nearest_with_added",
    "network_service_area",
    "prepare_network",
    "unreachable_by_area",
]

_MAX_SNAP_SETS = 64
_MIN_WEIGHT = 1e-9  # metres: zero-length edges stay edges (scipy keeps explicit zeros anyway)


@dataclass(frozen=True)
class _Snap:
    """Points attached to edges of one profile graph."""

    edge: np.ndarray  # (k,) index into the profile's usable edges
    t: np.ndarray  # (k,) metres from the edge's start node
    leg: np.ndarray  # (k,) straight access leg in metres


@dataclass(eq=False)
class _ProfileGraph:
    """One profile's graph: reversed CSR (distance and time), usable edges and their tree."""

    name: str
    n: int
    rev: sp.csr_matrix  # reversed graph, metres (duplicate pairs reduced to the shortest)
    rev_time: np.ndarray  # seconds, aligned with rev.data
    keys: np.ndarray  # row * n + col of rev's entries (sorted), to look up an edge's time
    edges: np.ndarray  # indices of usable network edges
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    fw: np.ndarray  # m/s with the line (0: not allowed)
    bw: np.ndarray
    lines: np.ndarray
    tree: shapely.STRtree
    constant_mps: float | None
    snaps: OrderedDict = field(default_factory=OrderedDict)


@dataclass(eq=False)
class PreparedNetwork:
    """A street network with its per-profile graphs and snappings cached (thread-safe)."""

    network: StreetNetwork
    _graphs: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def graph(self, profile: str) -> _ProfileGraph:
        """The (cached) graph of ``profile``.

        Raises
        ------
        NetworkError
            When the profile may use no edge of the network.
        """
        name = get_profile(profile).name
        with self._lock:
            hit = self._graphs.get(name)
        if hit is None:
            hit = _build_graph(self.network, name)
            with self._lock:
                hit = self._graphs.setdefault(name, hit)
        return hit

    def snap(self, profile: str, xy: np.ndarray) -> _Snap:
        """Attach points to the nearest usable edge of ``profile`` (cached per point set)."""
        graph = self.graph(profile)
        key = np.ascontiguousarray(xy, dtype=np.float64).tobytes()
        with self._lock:
            hit = graph.snaps.get(key)
            if hit is not None:
                graph.snaps.move_to_end(key)
                return hit
        hit = _snap(graph, xy)
        with self._lock:
            graph.snaps[key] = hit
            while len(graph.snaps) > _MAX_SNAP_SETS:
                graph.snaps.popitem(last=False)
        return hit


_PREPARED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PREPARED_LOCK = threading.Lock()


def prepare_network(network: StreetNetwork | PreparedNetwork) -> PreparedNetwork:
    """The cached :class:`PreparedNetwork` of ``network`` (one per network object).

    Parameters
    ----------
    network
        A street network (or an already prepared one, returned as is).
    """
    if isinstance(network, PreparedNetwork):
        return network
    with _PREPARED_LOCK:
        hit = _PREPARED.get(network)
        if hit is None:
            hit = _PREPARED[network] = PreparedNetwork(network)
    return hit


def _build_graph(network: StreetNetwork, name: str) -> _ProfileGraph:
    fw_kmh, bw_kmh = network.speeds(name)
    usable = np.flatnonzero((fw_kmh > 0) | (bw_kmh > 0))
    profile = get_profile(name)
    if not len(usable):
        raise NetworkError(
            f"profiel '{name}' ({profile.label}): geen enkele weg in dit netwerk is "
            "bruikbaar. Controleer of het OSM-bestand wegen van dit soort bevat, of kies "
            "een ander profiel.")
    u, v = network.u[usable], network.v[usable]
    length = np.maximum(network.length_m[usable], _MIN_WEIGHT)
    fw, bw = fw_kmh[usable] / 3.6, bw_kmh[usable] / 3.6
    # reversed graph: an allowed move x -> y becomes the entry (y, x)
    f, b = (fw > 0) & (u != v), (bw > 0) & (u != v)
    rows = np.r_[v[f], u[b]]
    cols = np.r_[u[f], v[b]]
    dist = np.r_[length[f], length[b]]
    secs = np.r_[length[f] / np.where(f, fw, 1)[f], length[b] / np.where(b, bw, 1)[b]]
    n = network.n_nodes
    order = np.lexsort((dist, cols, rows))
    rows, cols, dist, secs = rows[order], cols[order], dist[order], secs[order]
    first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])]
    rows, cols, dist, secs = rows[first], cols[first], dist[first], secs[first]
    indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n))]
    rev = sp.csr_matrix((dist, cols, indptr), shape=(n, n))
    lines = network.geometry[usable]
    return _ProfileGraph(
        name=name, n=n, rev=rev, rev_time=secs, keys=rows.astype(np.int64) * n + cols,
        edges=usable, u=u, v=v, length=length, fw=fw, bw=bw, lines=lines,
        tree=shapely.STRtree(lines),
        constant_mps=profile.speed_mps if profile.constant_speed else None)


def _snap(graph: _ProfileGraph, xy: np.ndarray) -> _Snap:
    if not len(xy):
        empty = np.empty(0)
        return _Snap(edge=np.empty(0, dtype=np.int64), t=empty, leg=empty)
    points = shapely.points(xy)
    (which, edge), leg = graph.tree.query_nearest(points, return_distance=True,
                                                  all_matches=False)
    order = np.argsort(which, kind="stable")
    edge, leg = edge[order], leg[order]
    t = shapely.line_locate_point(graph.lines[edge], points)
    t = np.clip(t * graph.length[edge] / np.maximum(shapely.length(graph.lines[edge]),
                                                    _MIN_WEIGHT), 0.0, graph.length[edge])
    return _Snap(edge=edge.astype(np.int64), t=t, leg=leg)


# --------------------------------------------------------------------------- nearest


@dataclass(frozen=True)
class NetworkNearest:
    """Nearest destination of every origin over the network.

    Attributes
    ----------
    distance_m
        ``(n,)`` float64 network distance in metres (access legs included); ``inf`` when
        no destination can be reached (within the limit).
    nearest
        ``(n,)`` int64 index of the nearest destination, ``-1`` when unreachable.
    minutes
        ``(n,)`` float64 travel time along that route (``inf`` when unreachable).
    access_m
        ``(n,)`` float64 straight leg from each origin to its street (how far the origin
        lies from the network: large values mean the network misses its street).
    """

    distance_m: np.ndarray
    nearest: np.ndarray
    minutes: np.ndarray
    access_m: np.ndarray

    @property
    def unreachable(self) -> int:
        """Number of origins without a reachable destination."""
        return int(np.isinf(self.distance_m).sum())


def _augmented(graph: _ProfileGraph, dest: _Snap) -> tuple[sp.csr_matrix, np.ndarray,
                                                            np.ndarray]:
    """The reversed graph plus one virtual node per destination (rows appended)."""
    e = dest.edge
    u, v, length = graph.u[e], graph.v[e], graph.length[e]
    fw, bw = graph.fw[e] > 0, graph.bw[e] > 0  # reach d from u going forward, from v backward
    to_u = np.where(fw, dest.leg + dest.t, np.inf)
    to_v = np.where(bw, dest.leg + length - dest.t, np.inf)
    same = u == v
    to_u = np.where(same, np.minimum(to_u, to_v), to_u)
    to_v = np.where(same, np.inf, to_v)
    k = len(e)
    cols = np.column_stack([u, v]).ravel()
    w = np.maximum(np.column_stack([to_u, to_v]).ravel(), _MIN_WEIGHT)
    keep = np.isfinite(w)
    counts = keep.reshape(k, 2).sum(axis=1)
    rev = graph.rev
    n_total = graph.n + k
    indptr = np.r_[rev.indptr, rev.indptr[-1] + np.cumsum(counts)]
    big = sp.csr_matrix((np.r_[rev.data, w[keep]], np.r_[rev.indices, cols[keep]], indptr),
                        shape=(n_total, n_total))
    return big, to_u, to_v


def _edge_seconds(graph: _ProfileGraph, dest: _Snap, pred: np.ndarray) -> np.ndarray:
    """Seconds of the tree edge from each node to its predecessor (0 at roots)."""
    n = graph.n
    out = np.zeros(len(pred))
    node = np.flatnonzero(pred >= 0)
    real = node[pred[node] < n]  # predecessor is a real node: look the edge up
    pos = np.searchsorted(graph.keys, pred[real].astype(np.int64) * n + real)
    out[real] = graph.rev_time[pos]
    virtual = node[pred[node] >= n]  # first step from a destination onto its edge
    j = pred[virtual] - n
    e = dest.edge[j]
    to_start = virtual == graph.u[e]
    along = np.where(to_start, dest.t[j], graph.length[e] - dest.t[j])
    speed = np.where(to_start, graph.fw[e], graph.bw[e])
    out[virtual] = (dest.leg[j] + along) / np.maximum(speed, _MIN_WEIGHT)
    return out


def _tree_seconds(graph: _ProfileGraph, dest: _Snap, pred: np.ndarray) -> np.ndarray:
    """Seconds from every node to the root of its Dijkstra tree, by pointer doubling."""
    secs = _edge_seconds(graph, dest, pred)
    up = np.where(pred >= 0, pred, -1)
    while True:
        has = np.flatnonzero(up >= 0)
        if not len(has):
            return secs
        secs[has] += secs[up[has]]
        up[has] = up[up[has]]


def _same_edge(graph: _ProfileGraph, orig: _Snap, dest: _Snap
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Direct stretches between origins and destinations on one edge: (origin, dest, metres)."""
    frame = pd.DataFrame({"edge": dest.edge, "j": np.arange(len(dest.edge))})
    pairs = pd.DataFrame({"edge": orig.edge, "i": np.arange(len(orig.edge))}).merge(
        frame, on="edge")
    if pairs.empty:
        return (np.empty(0, dtype=np.int64),) * 2 + (np.empty(0),)
    i, j = pairs["i"].to_numpy(), pairs["j"].to_numpy()
    e = orig.edge[i]
    ahead = dest.t[j] - orig.t[i]
    ok = np.where(ahead >= 0, graph.fw[e] > 0, graph.bw[e] > 0)
    metres = np.where(ok, orig.leg[i] + np.abs(ahead) + dest.leg[j], np.inf)
    return i, j, metres


def _best(via_a: tuple[np.ndarray, np.ndarray], via_b: tuple[np.ndarray, np.ndarray],
          same: tuple[np.ndarray, np.ndarray, np.ndarray]
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per origin the smallest candidate: ``(metres, destination, kind)``.

    ``kind``: 0 via the edge start, 1 via the edge end, 2 along the same edge.
    """
    metres, nearest = via_a[0].copy(), via_a[1].copy()
    kind = np.zeros(len(metres), dtype=np.int64)
    better = via_b[0] < metres
    metres[better], nearest[better], kind[better] = via_b[0][better], via_b[1][better], 1
    i, j, d = same
    if len(i):
        order = np.lexsort((d, i))  # per origin the smallest first
        i, j, d = i[order], j[order], d[order]
        first = np.r_[True, i[1:] != i[:-1]]
        i, j, d = i[first], j[first], d[first]
        better = d < metres[i]
        metres[i[better]], nearest[i[better]], kind[i[better]] = d[better], j[better], 2
    return metres, nearest, kind


def nearest_network(network: StreetNetwork | PreparedNetwork, profile: str,
                    origins_xy: np.ndarray, destinations_xy: np.ndarray,
                    limit_m: float | None = None) -> NetworkNearest:
    """Nearest destination of every origin over the street network (see module docstring).

    Parameters
    ----------
    network
        The street network (prepared and cached on first use).
    profile
        Mobility profile (:data:`geo.model.profiles.PROFILES`).
    origins_xy, destinations_xy
        ``(n, 2)`` and ``(m, 2)`` RD coordinates in metres; ``m`` may be 0.
    limit_m
        Stop searching beyond this many metres (origins further away get ``inf``).

    Returns
    -------
    NetworkNearest

    Raises
    ------
    AnalysisError
        Bad coordinates, an unknown profile or a non-positive limit.
    NetworkError
        When the profile may use no edge of the network.
    """
    prepared = prepare_network(network)
    orig_xy = _as_xy("origins_xy", origins_xy)
    dest_xy = _as_xy("destinations_xy", destinations_xy)
    limit = np.inf if limit_m is None else _as_distance("limit_m", limit_m)
    graph = prepared.graph(profile)
    orig = prepared.snap(profile, orig_xy)
    n = len(orig_xy)
    if not len(dest_xy) or not n:
        return NetworkNearest(np.full(n, np.inf), np.full(n, -1, dtype=np.int64),
                              np.full(n, np.inf), orig.leg)
    dest = prepared.snap(profile, dest_xy)
    big, _, _ = _augmented(graph, dest)
    sources = np.arange(graph.n, graph.n + len(dest_xy))
    need_time = graph.constant_mps is None
    out = dijkstra(big, directed=True, indices=sources, min_only=True, limit=limit,
                   return_predecessors=True)
    node_dist, pred, src = out
    e = orig.edge
    a, b = graph.u[e], graph.v[e]
    via_a = np.where(graph.bw[e] > 0, orig.leg + orig.t + node_dist[a], np.inf)
    via_b = np.where(graph.fw[e] > 0, orig.leg + graph.length[e] - orig.t + node_dist[b],
                     np.inf)
    same_i, same_j, same_d = _same_edge(graph, orig, dest)
    metres, nearest, kind = _best((via_a, np.where(src[a] >= 0, src[a] - graph.n, -1)),
                                  (via_b, np.where(src[b] >= 0, src[b] - graph.n, -1)),
                                  (same_i, same_j, same_d))
    reached = metres <= limit
    metres = np.where(reached, metres, np.inf)
    nearest = np.where(reached, nearest, -1)
    if need_time:
        secs = _tree_seconds(graph, dest, pred)
        speed = np.maximum(np.where(kind == 0, graph.bw[e], graph.fw[e]), _MIN_WEIGHT)
        along = np.where(kind == 0, orig.leg + orig.t, orig.leg + graph.length[e] - orig.t)
        total = along / speed + np.where(kind == 0, secs[a], secs[b])
        direct = metres / np.maximum(np.maximum(graph.fw[e], graph.bw[e]), _MIN_WEIGHT)
        minutes = np.where(kind == 2, direct, total) / 60.0
    else:
        minutes = metres / (60.0 * graph.constant_mps)
    minutes = np.where(reached, minutes, np.inf)
    return NetworkNearest(distance_m=metres, nearest=nearest, minutes=minutes,
                          access_m=orig.leg)


def nearest_network_distance(network: StreetNetwork | PreparedNetwork, profile: str,
                             origins_xy: np.ndarray, destinations_xy: np.ndarray,
                             limit_m: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Network distance from every origin to its nearest destination, and which one.

    The analysis' entry point; see :func:`nearest_network` (same parameters and errors).

    Returns
    -------
    tuple of numpy.ndarray
        ``(distance_m, nearest)``: float64 metres (``inf`` when unreachable) and the
        int64 index of the nearest destination (``-1`` when unreachable).

    Examples
    --------
    A street of 100 m from (0, 0) to (100, 0); a home 10 m beside it at x = 20, a
    shop 5 m beside it at x = 90: 10 + 70 + 5 metres.

    >>> from geo.model.network import StreetNetwork
    >>> net = StreetNetwork(
    ...     node_xy=np.array([[0.0, 0.0], [100.0, 0.0]]), node_osm_id=np.array([1, 2]),
    ...     u=np.array([0]), v=np.array([1]), length_m=np.array([100.0]),
    ...     geometry=np.array([shapely.LineString([(0, 0), (100, 0)])]),
    ...     tags=pd.DataFrame({"highway": ["residential"], "osm_way_id": [7]}))
    >>> d, j = nearest_network_distance(net, "walk", [[20, 10]], [[90, -5]])
    >>> d.tolist(), j.tolist()
    ([85.0], [0])
    """
    result = nearest_network(network, profile, origins_xy, destinations_xy, limit_m)
    return result.distance_m, result.nearest


def nearest_with_added(network: StreetNetwork | PreparedNetwork, profile: str,
                       origins_xy: np.ndarray, base: tuple[np.ndarray, np.ndarray],
                       added_xy: np.ndarray, added_index: int,
                       limit_m: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Nearest distances after one facility opens, from the distances before.

    One search from the new facility, limited to the largest finite current distance
    (no origin further away can gain), then the smaller of old and new per origin.

    Parameters
    ----------
    network, profile, origins_xy, limit_m
        As for :func:`nearest_network_distance` (``origins_xy`` the same as for ``base``).
    base
        ``(distance_m, nearest)`` before the change.
    added_xy
        ``(2,)`` RD coordinates of the new facility.
    added_index
        Its index among the destinations after the change.

    Returns
    -------
    tuple of numpy.ndarray
        ``(distance_m, nearest)`` after the change.
    """
    dist, nearest = (np.asarray(a) for a in base)
    finite = dist[np.isfinite(dist)]
    bound = None if len(finite) < len(dist) or not len(finite) else float(finite.max())
    if limit_m is not None:
        bound = float(limit_m) if bound is None else min(bound, float(limit_m))
    new_d, new_j = nearest_network_distance(network, profile, origins_xy,
                                            np.reshape(added_xy, (1, 2)),
                                            limit_m=bound or None)
    better = new_d < dist
    return np.where(better, new_d, dist), np.where(better, added_index, nearest)


# --------------------------------------------------------------------------- service area


def _reached_parts(graph: _ProfileGraph, node_dist: np.ndarray, limit: float
                   ) -> list[shapely.Geometry]:
    """Pieces of usable edges from which the nearest source is within ``limit``."""
    da, db = node_dist[graph.u], node_dist[graph.v]
    head = np.where(graph.bw > 0, limit - da, -np.inf)  # [0, head] reaches via the start
    tail = np.where(graph.fw > 0, graph.length - (limit - db), np.inf)  # [tail, L] via the end
    full = (head >= graph.length) | (tail <= 0) | (head >= tail)
    parts = list(graph.lines[full])
    for i in np.flatnonzero(~full & ((head > 0) | (tail < graph.length))):
        line, length = graph.lines[i], graph.length[i]
        scale = shapely.length(line) / length
        if head[i] > 0:
            parts.append(ops.substring(line, 0.0, head[i] * scale))
        if tail[i] < length:
            parts.append(ops.substring(line, max(tail[i], 0.0) * scale, length * scale))
    return parts


def network_service_area(network: StreetNetwork | PreparedNetwork, profile: str,
                         facility_xy: np.ndarray, limit_m: float, *,
                         street_width_m: float = 50.0) -> shapely.Geometry:
    """Area from which a facility is reached over the network within ``limit_m``.

    The streets (and parts of streets) from which the facility is reached within the
    limit, including its own access leg, widened by ``street_width_m`` on each side (the
    homes along those streets). An approximation for the map: the homes' own access legs
    are not subtracted from the limit; exact per-home figures come from
    :func:`nearest_network_distance`.

    Parameters
    ----------
    network, profile
        As for :func:`nearest_network_distance`.
    facility_xy
        ``(2,)`` or ``(k, 2)`` RD coordinates; with several, the union of their areas.
    limit_m
        Network distance in metres (> 0).
    street_width_m
        Buffer around the reached streets (metres, ≥ 0).

    Returns
    -------
    shapely.Geometry
        (Multi)polygon in RD New; empty when nothing is reached.
    """
    prepared = prepare_network(network)
    xy = _as_xy("facility_xy", np.atleast_2d(np.asarray(facility_xy, dtype=float)))
    limit = _as_distance("limit_m", limit_m)
    width = _as_distance("street_width_m", street_width_m, allow_zero=True)
    graph = prepared.graph(profile)
    dest = prepared.snap(profile, xy)
    big, to_u, to_v = _augmented(graph, dest)
    sources = np.arange(graph.n, graph.n + len(xy))
    node_dist = dijkstra(big, directed=True, indices=sources, min_only=True, limit=limit)
    parts = _reached_parts(graph, node_dist, limit)
    for j in range(len(xy)):  # the facility's own edge, around its projection
        e, t = dest.edge[j], dest.t[j]
        line, length = graph.lines[e], graph.length[e]
        scale = shapely.length(line) / length
        reach = limit - dest.leg[j]
        if reach <= 0:
            continue
        lo = t - reach if graph.fw[e] > 0 else t
        hi = t + reach if graph.bw[e] > 0 else t
        parts.append(ops.substring(line, max(lo, 0.0) * scale, min(hi, length) * scale))
        parts.append(shapely.LineString([xy[j], line.interpolate(t * scale)]))
    parts = [p for p in parts if p is not None and not p.is_empty]
    if not parts:
        return shapely.Polygon()
    return shapely.buffer(shapely.union_all(np.asarray(parts, dtype=object)),
                          max(width, 0.01))


def unreachable_by_area(distance_m: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
    """Origins and unreachable origins per area code (e.g. buurt), unreachable first.

    Parameters
    ----------
    distance_m
        ``(n,)`` network distances (``inf`` = unreachable).
    codes
        ``(n,)`` area code of every origin (``None``/NaN: outside every area, shown as
        ``"(buiten de regio)"``).

    Returns
    -------
    pandas.DataFrame
        Columns ``code``, ``origins``, ``unreachable``, ``share``; only areas with at least
        one unreachable origin, most unreachable first.
    """
    frame = pd.DataFrame({"code": pd.Series(codes, dtype=object).fillna("(buiten de regio)"),
                          "unreachable": ~np.isfinite(np.asarray(distance_m, dtype=float))})
    table = frame.groupby("code", sort=True)["unreachable"].agg(["size", "sum"]).reset_index()
    table.columns = ["code", "origins", "unreachable"]
    table["share"] = table["unreachable"] / table["origins"]
    table = table[table["unreachable"] > 0]
    return table.sort_values(["unreachable", "code"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)
