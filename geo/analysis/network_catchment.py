"""2SFCA catchments over the street network: every (home, facility) pair within a radius.

:func:`network_catchment` returns the same :class:`geo.analysis.catchment.Catchment` as the
straight-line :func:`geo.analysis.catchment.build_catchment`, with network distances, so
:func:`geo.analysis.fca.fca_from_catchment` computes (E)2SFCA on it unchanged.

Per batch of facilities one Dijkstra on the reversed profile graph (from the facilities'
virtual nodes, see :mod:`geo.analysis.network`, ``limit`` = the radius) gives the distance
from every node to each facility; a home takes the better of its edge's two ends (plus its
access leg and along-edge part), or the direct stretch when home and facility share an edge.
Memory per batch: ``batch × nodes`` float64 (64 × 60,000 ≈ 31 MB).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse.csgraph import dijkstra

from geo.analysis.catchment import Catchment, _as_distance, _as_xy
from geo.analysis.network import PreparedNetwork, _augmented, _same_edge, prepare_network
from geo.model.network import StreetNetwork

__all__ = ["network_catchment"]


def network_catchment(network: StreetNetwork | PreparedNetwork, profile: str,
                      demand_xy: ArrayLike, supply_xy: ArrayLike, radius: float, *,
                      batch: int = 64) -> Catchment:
    """Every (demand point, supply point) pair within ``radius`` metres over the network.

    Parameters
    ----------
    network
        The street network (prepared and cached on first use).
    profile
        Mobility profile.
    demand_xy, supply_xy
        ``(n, 2)`` and ``(m, 2)`` RD coordinates in metres.
    radius
        Network distance in metres (> 0); a pair is included when its distance is
        ``<= radius``.
    batch
        Facilities per Dijkstra run (memory: ``batch × nodes × 8`` bytes).

    Returns
    -------
    Catchment
        Pairs grouped by supply point in increasing order, distances in metres.

    Raises
    ------
    AnalysisError
        Bad coordinates or radius.
    NetworkError
        When the profile may use no edge of the network.
    """
    prepared = prepare_network(network)
    dxy, sxy = _as_xy("demand_xy", demand_xy), _as_xy("supply_xy", supply_xy)
    r = _as_distance("radius", radius)
    n, m = len(dxy), len(sxy)
    if not n or not m:
        empty = np.empty(0, dtype=np.intp)
        return Catchment(n, m, empty, empty, np.empty(0))
    graph = prepared.graph(profile)
    orig, dest = prepared.snap(profile, dxy), prepared.snap(profile, sxy)
    big, _, _ = _augmented(graph, dest)
    e = orig.edge
    a, b = graph.u[e], graph.v[e]
    base_a = np.where(graph.bw[e] > 0, orig.leg + orig.t, np.inf)
    base_b = np.where(graph.fw[e] > 0, orig.leg + graph.length[e] - orig.t, np.inf)
    parts_i, parts_j, parts_d = [], [], []
    for start in range(0, m, max(int(batch), 1)):
        stop = min(m, start + max(int(batch), 1))
        node_dist = dijkstra(big, directed=True, indices=np.arange(graph.n + start,
                                                                   graph.n + stop), limit=r)
        dist = np.minimum(base_a + node_dist[:, a], base_b + node_dist[:, b])
        jj, ii = np.nonzero(dist <= r)
        parts_i.append(ii)
        parts_j.append(jj + start)
        parts_d.append(dist[jj, ii])
    si, sj, sd = _same_edge(graph, orig, dest)
    near = sd <= r
    i = np.concatenate([*parts_i, si[near]])
    j = np.concatenate([*parts_j, sj[near]])
    d = np.concatenate([*parts_d, sd[near]])
    order = np.lexsort((d, i, j))  # by supply, then demand, the shortest first
    i, j, d = i[order], j[order], d[order]
    first = np.r_[True, (i[1:] != i[:-1]) | (j[1:] != j[:-1])] if len(i) else np.empty(0, bool)
    return Catchment(n, m, i[first].astype(np.intp), j[first].astype(np.intp), d[first])
