"""The street network of a region: nodes and edges in RD New, with the tags profiles need.

A :class:`StreetNetwork` is built from OpenStreetMap by :func:`geo.io.network.build_network`
(ways split at junctions, projected to EPSG:28992) and stored in the region package as two
optional layers (:func:`network_frames`, :func:`network_from_frames`):

``network_nodes`` (Point)
    ``node_id`` (0 … n−1, the row position), ``osm_id`` (the OSM node id).
``network_edges`` (LineString, drawn from node ``u`` to node ``v``)
    ``edge_id`` (0 … m−1), ``u``, ``v`` (``node_id``), ``length_m`` (metres along the
    line in RD), ``osm_way_id``, the OSM tags of :data:`geo.model.profiles.TAG_KEYS`
    (``oneway:bicycle`` is written as ``oneway_bicycle``; ``""`` where absent) and, per
    profile ``p``, ``p_fw_kmh`` / ``p_bw_kmh``: the speed with and against the line's
    direction, ``0`` where the profile may not use the edge that way. ``oneway`` is the
    way's own one-way tag.

The per-profile columns are written for GIS users (style the layer by profile); on
reading, the access and speeds are computed again from the tags with the current rules
(:func:`geo.model.profiles.edge_speeds`), so a package keeps working when a rule is
improved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import RegionError
from geo.model.profiles import PROFILES, TAG_KEYS, edge_speeds, get_profile

__all__ = [
    "EDGE_COLUMNS",
    "NETWORK_LAYERS",
    "NODE_COLUMNS",
    "StreetNetwork",
    "network_frames",
    "network_from_frames",
]

NETWORK_LAYERS: tuple[str, str] = ("network_nodes", "network_edges")
NODE_COLUMNS: tuple[str, ...] = ("node_id", "osm_id")
_TAG_COLUMNS = {key: key.replace(":", "_") for key in TAG_KEYS}
EDGE_COLUMNS: tuple[str, ...] = ("edge_id", "u", "v", "length_m", "osm_way_id",
                                 *_TAG_COLUMNS.values())


@dataclass(frozen=True, eq=False)
class StreetNetwork:
    """Nodes and edges of a street network (RD New metres).

    Attributes
    ----------
    node_xy
        ``(n, 2)`` float64 node coordinates.
    node_osm_id
        ``(n,)`` int64 OSM node ids.
    u, v
        ``(m,)`` int64 node indices of every edge's start and end.
    length_m
        ``(m,)`` float64 length of every edge along its line.
    geometry
        ``(m,)`` object array of ``LineString`` from ``node_xy[u]`` to ``node_xy[v]``.
    tags
        ``m`` rows: the OSM tags of :data:`geo.model.profiles.TAG_KEYS` (text, ``""``
        where absent) and ``osm_way_id``.
    source
        Where the network comes from (file name, date), for provenance.
    """

    node_xy: np.ndarray
    node_osm_id: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length_m: np.ndarray
    geometry: np.ndarray
    tags: pd.DataFrame
    source: str = ""
    _speeds: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_xy)

    @property
    def n_edges(self) -> int:
        """Number of edges."""
        return len(self.u)

    def speeds(self, profile: str) -> tuple[np.ndarray, np.ndarray]:
        """``(forward_kmh, backward_kmh)`` per edge for ``profile`` (cached; 0 = not allowed).

        Raises
        ------
        AnalysisError
            For an unknown profile.
        """
        name = get_profile(profile).name
        hit = self._speeds.get(name)
        if hit is None:
            codes, first = self._tag_kinds()
            fw, bw = (speeds[codes] for speeds in edge_speeds(self.tags.iloc[first], name))
            fw.setflags(write=False)
            bw.setflags(write=False)
            hit = self._speeds[name] = (fw, bw)
        return hit

    def _tag_kinds(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct tag combinations: (code per edge, first edge of each code), cached.

        Rules are evaluated once per combination (a region has a few thousand, against
        tens of thousands of edges).
        """
        hit = self._speeds.get("_kinds")
        if hit is None:
            joined = pd.Series("", index=self.tags.index, dtype=object)
            for key in (k for k in TAG_KEYS if k in self.tags.columns):
                joined = joined + "\x1f" + self.tags[key].astype(str)
            codes, _ = pd.factorize(joined, sort=False)
            _, first = np.unique(codes, return_index=True)
            hit = self._speeds["_kinds"] = (codes, first)
        return hit

    def usable(self, profile: str) -> np.ndarray:
        """``(m,)`` bool: the profile may use the edge in at least one direction."""
        fw, bw = self.speeds(profile)
        return (fw > 0) | (bw > 0)

    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the nodes (metres)."""
        if not self.n_nodes:
            return (np.nan,) * 4
        lo, hi = self.node_xy.min(axis=0), self.node_xy.max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def network_frames(network: StreetNetwork) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """The two region-package layers of a network (see the module docstring).

    Returns
    -------
    tuple of geopandas.GeoDataFrame
        ``(network_nodes, network_edges)`` in EPSG:28992.
    """
    crs = vocabulary.METRIC_CRS
    nodes = gpd.GeoDataFrame(
        {"node_id": np.arange(network.n_nodes, dtype=np.int64),
         "osm_id": network.node_osm_id.astype(np.int64)},
        geometry=shapely.points(network.node_xy), crs=crs)
    columns: dict[str, object] = {
        "edge_id": np.arange(network.n_edges, dtype=np.int64),
        "u": network.u.astype(np.int64), "v": network.v.astype(np.int64),
        "length_m": network.length_m.astype(np.float64),
        "osm_way_id": network.tags["osm_way_id"].to_numpy(dtype=np.int64),
    }
    for key, column in _TAG_COLUMNS.items():
        columns[column] = network.tags[key].to_numpy(dtype=object)
    for name in PROFILES:
        fw, bw = network.speeds(name)
        columns[f"{name}_fw_kmh"] = np.round(fw, 2)
        columns[f"{name}_bw_kmh"] = np.round(bw, 2)
    edges = gpd.GeoDataFrame(columns, geometry=network.geometry, crs=crs)
    return nodes, edges


def _fail(layer: str, problem: str) -> RegionError:
    return RegionError(layer, problem + " Bouw het netwerk opnieuw met `python -m geo network`.")


def _check_frame(layer: str, frame: pd.DataFrame, columns: tuple[str, ...], kind: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise _fail(layer, f"kolom(men) ontbreken: {', '.join(missing)}.")
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None \
            or not frame.crs.equals(vocabulary.METRIC_CRS):
        raise _fail(layer, "moet een ruimtelijke laag in EPSG:28992 (RD New) zijn.")
    geoms = frame.geometry.values
    bad = shapely.is_missing(geoms) | (shapely.get_type_id(geoms) != {"Point": 0,
                                                                       "LineString": 1}[kind])
    if bad.any():
        raise _fail(layer, f"{int(bad.sum())} rij(en) zonder {kind}-geometrie.")


def network_from_frames(nodes: pd.DataFrame, edges: pd.DataFrame, *,
                        source: str = "") -> StreetNetwork:
    """A :class:`StreetNetwork` from the two region-package layers, checked.

    Parameters
    ----------
    nodes, edges
        The ``network_nodes`` and ``network_edges`` layers.
    source
        Provenance text.

    Raises
    ------
    RegionError
        Naming the layer: a missing column, wrong CRS or geometry type, node ids that are
        not 0 … n−1, an edge end that is not a node, or a negative or missing length.
    """
    _check_frame("network_nodes", nodes, NODE_COLUMNS, "Point")
    _check_frame("network_edges", edges, EDGE_COLUMNS, "LineString")
    nodes = nodes.sort_values("node_id", kind="stable")
    node_id = pd.to_numeric(nodes["node_id"], errors="coerce").to_numpy()
    if not np.array_equal(node_id, np.arange(len(nodes))):
        raise _fail("network_nodes", "'node_id' moet 0 … n−1 zijn, elk één keer.")
    edges = edges.sort_values("edge_id", kind="stable").reset_index(drop=True)
    u = pd.to_numeric(edges["u"], errors="coerce").to_numpy(dtype=np.float64)
    v = pd.to_numeric(edges["v"], errors="coerce").to_numpy(dtype=np.float64)
    outside = ~((u >= 0) & (u < len(nodes)) & (v >= 0) & (v < len(nodes)))
    if outside.any():
        raise _fail("network_edges", f"{int(outside.sum())} lijn(en) met een begin- of "
                                     "eindknoop (u, v) die niet in 'network_nodes' staat.")
    length = pd.to_numeric(edges["length_m"], errors="coerce").to_numpy(dtype=np.float64)
    if not (np.isfinite(length) & (length >= 0)).all():
        raise _fail("network_edges", "'length_m' moet overal een getal ≥ 0 (meter) zijn.")
    tags = pd.DataFrame({key: edges[col].fillna("").astype(str).to_numpy(dtype=object)
                         for key, col in _TAG_COLUMNS.items()})
    tags["osm_way_id"] = pd.to_numeric(edges["osm_way_id"], errors="coerce").fillna(0).astype(
        np.int64).to_numpy()
    return StreetNetwork(
        node_xy=shapely.get_coordinates(nodes.geometry.values),
        node_osm_id=pd.to_numeric(nodes["osm_id"], errors="coerce").fillna(0).to_numpy(
            dtype=np.int64),
        u=u.astype(np.int64), v=v.astype(np.int64), length_m=length,
        geometry=np.asarray(edges.geometry.values, dtype=object), tags=tags, source=source)
