"""Reading OpenStreetMap extracts with pyosmium, in any element order.

The one OSM reader of the atlas: facilities (:mod:`geo.io.importers.osm`) use it, and the
street-network builder can share it (ways with node refs and locations in flat arrays).
Content comes as bytes from the upload gate (:func:`geo.io.uploads.load_osm_bytes`);
:func:`read_osm` writes them to a private temporary file (:func:`geo.io._osm_gate.private_copy`,
as libosmium's threaded file reader is about five times faster than reading from memory)
and never opens a user path itself.

Formats: ``.osm.pbf``, ``.osm`` XML (also Overpass ``out geom`` with coordinates on the way
nodes) and gzip/bzip2-compressed XML (``.osm.gz``, ``.osm.bz2``), all read by libosmium.
libosmium refuses XML entities by itself.

Unsorted files
--------------
Overpass Turbo (``out qt``: quadtile order) and JOSM do not write nodes sorted by id, and
a file may list nodes after the ways that use them. A node-location cache filled while
streaming (``FileProcessor.with_locations``) then misses locations. :func:`read_osm`
therefore never relies on order; it reads the content in up to four streaming passes:

1. multipolygon relations with a selected key → member way ids (only when areas are asked);
2. tagged nodes and ways with a selected key (C++ key filters, so untagged data is skipped
   without Python work);
3. member ways of those relations not read in pass 2 (C++ id filter);
4. the locations of every node the kept ways refer to (C++ id filter).

Memory is proportional to the selected objects, not to the file.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import reduce

import numpy as np
import osmium
import osmium.filter
import shapely

from geo.errors import ImportDataError
from geo.io._osm_gate import private_copy

__all__ = [
    "AREA_PROBLEMS",
    "OsmAreas",
    "OsmExtract",
    "OsmNodes",
    "OsmSelection",
    "OsmWays",
    "read_osm",
    "tag_table",
]

#: Dutch description of why a relation gave no area (keys of :attr:`OsmAreas.problem`).
AREA_PROBLEMS: dict[str, str] = {
    "not_multipolygon": "relatie is geen multipolygoon",
    "missing_members": "niet alle lidwegen staan in het bestand",
    "missing_nodes": "niet alle knopen van de lidwegen staan in het bestand",
    "open_rings": "de lidwegen vormen geen gesloten ring",
}

_FORMATS = ("pbf", "osm", "osm.gz", "osm.bz2")


@dataclass(frozen=True)
class OsmSelection:
    """What :func:`read_osm` keeps.

    Attributes
    ----------
    node_keys
        Nodes carrying any of these tag keys (``()``: no nodes).
    way_keys
        Ways carrying any of these tag keys (``()``: no ways).
    area_keys
        Relations carrying any of these tag keys (``()``: no relations). Those of
        ``type=multipolygon`` are assembled into areas, the others are listed with problem
        ``"not_multipolygon"`` so that a caller can report them.
    """

    node_keys: tuple[str, ...] = ()
    way_keys: tuple[str, ...] = ()
    area_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class OsmNodes:
    """Selected nodes.

    Attributes
    ----------
    ids
        ``int64`` array (n,), OSM node ids.
    lon, lat
        ``float64`` arrays (n,), WGS84 degrees; NaN when the node has no valid location.
    tags
        One ``dict`` of all tags per node.
    """

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    tags: list[dict[str, str]]


@dataclass(frozen=True)
class OsmWays:
    """Selected ways with their node refs and locations (CSR layout).

    Attributes
    ----------
    ids
        ``int64`` array (n,), OSM way ids.
    tags
        One ``dict`` of all tags per way.
    offsets
        ``int64`` array (n + 1,): the nodes of way ``i`` are ``refs[offsets[i]:offsets[i+1]]``.
    refs
        ``int64`` array (m,), node ids in way order.
    lon, lat
        ``float64`` arrays (m,), WGS84 degrees of each ref; NaN when the node is not in the
        file (extract cut at a border, Overpass ``out body`` without ``>;``).
    """

    ids: np.ndarray
    tags: list[dict[str, str]]
    offsets: np.ndarray
    refs: np.ndarray
    lon: np.ndarray
    lat: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def n_refs(self) -> np.ndarray:
        """``int64`` array (n,): number of node refs per way."""
        return np.diff(self.offsets)

    @property
    def missing(self) -> np.ndarray:
        """``int64`` array (n,): refs per way whose node location is not in the file."""
        return _per_way_sum(np.isnan(self.lon), self.offsets)

    @property
    def closed(self) -> np.ndarray:
        """``bool`` array (n,): at least four refs and the first equals the last."""
        n = self.n_refs
        ok = n >= 4
        first = self.refs[self.offsets[:-1][ok]]
        last = self.refs[self.offsets[1:][ok] - 1]
        out = np.zeros(len(self), dtype=bool)
        out[ok] = first == last
        return out

    def geometries(self) -> np.ndarray:
        """Shapely geometries (WGS84), one per way.

        A closed way with all nodes becomes a ``Polygon`` (as drawn; not repaired), any
        other way with all nodes (and at least two) a ``LineString``; a way with a missing
        node gives ``None``.

        Returns
        -------
        numpy.ndarray
            Object array (n,).
        """
        out = np.full(len(self), None, dtype=object)
        complete = (self.missing == 0) & (self.n_refs >= 2)
        closed = self.closed & complete
        way_of_ref = np.repeat(np.arange(len(self)), self.n_refs)
        coords = np.column_stack([self.lon, self.lat])
        for mask, make in ((closed, _polygons), (complete & ~closed, shapely.linestrings)):
            idx = np.flatnonzero(mask)
            if not len(idx):
                continue
            keep = mask[way_of_ref]
            local = np.searchsorted(idx, way_of_ref[keep])  # consecutive 0..len(idx)-1
            out[idx] = np.asarray(make(coords[keep], indices=local)).reshape(-1)
        return out


@dataclass(frozen=True)
class OsmAreas:
    """Selected relations; multipolygons assembled.

    Attributes
    ----------
    ids
        ``int64`` array (n,), OSM relation ids.
    tags
        One ``dict`` of all tags per relation.
    geometry
        Object array (n,): ``Polygon``/``MultiPolygon`` in WGS84, or ``None`` when
        ``problem`` is set.
    problem
        One key of :data:`AREA_PROBLEMS` per relation, ``""`` when the area is complete.
    """

    ids: np.ndarray
    tags: list[dict[str, str]]
    geometry: np.ndarray
    problem: list[str]


@dataclass(frozen=True)
class OsmExtract:
    """Everything :func:`read_osm` selected from one file.

    Attributes
    ----------
    nodes, ways, areas
        The selected objects (:class:`OsmNodes`, :class:`OsmWays`, :class:`OsmAreas`).
    passes
        Streaming passes made over the file (2–4).
    counts
        ``located``: nodes whose location was looked up for the ways.
    """

    nodes: OsmNodes
    ways: OsmWays
    areas: OsmAreas
    passes: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _polygons(coords: np.ndarray, indices: np.ndarray) -> np.ndarray:
    return shapely.polygons(shapely.linearrings(coords, indices=indices))


def _per_way_sum(values: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    n = len(offsets) - 1
    if not len(values):
        return np.zeros(n, dtype=np.int64)
    cum = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
    return cum[offsets[1:]] - cum[offsets[:-1]]


def _processor(path: str, fmt: str, entities, *filters) -> osmium.FileProcessor:
    proc = osmium.FileProcessor(osmium.io.File(path, fmt), entities)
    for filt in filters:
        proc.with_filter(filt)
    return proc


def _location(loc) -> tuple[float, float]:
    if loc.valid():
        return loc.lon, loc.lat
    return np.nan, np.nan


class _WayCollector:
    """Ways in CSR form while streaming (refs and any inline locations, as in ``out geom``)."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.tags: list[dict[str, str]] = []
        self.sizes: list[int] = []
        self.refs: list[int] = []
        self.lon: list[float] = []
        self.lat: list[float] = []

    def add(self, way) -> None:
        self.ids.append(way.id)
        self.tags.append(dict(way.tags))
        nodes = way.nodes
        self.sizes.append(len(nodes))
        if len(nodes) and not nodes[0].location.valid():
            # no inline locations (PBF, plain XML): refs only; pass 4 fills the locations
            self.refs.extend([node.ref for node in nodes])
            self.lon.extend([np.nan] * len(nodes))
            self.lat.extend([np.nan] * len(nodes))
            return
        for node in nodes:
            self.refs.append(node.ref)
            lon, lat = _location(node.location)
            self.lon.append(lon)
            self.lat.append(lat)

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            "ids": np.asarray(self.ids, dtype=np.int64),
            "offsets": np.concatenate([[0], np.cumsum(self.sizes, dtype=np.int64)]),
            "refs": np.asarray(self.refs, dtype=np.int64),
            "lon": np.asarray(self.lon, dtype=np.float64),
            "lat": np.asarray(self.lat, dtype=np.float64),
        }


def _fill_locations(path: str, fmt: str, refs: np.ndarray, lon: np.ndarray,
                    lat: np.ndarray) -> int:
    """Pass 4: locations of refs without one, in place. Returns the number of nodes found."""
    need = np.isnan(lon)
    wanted = np.unique(refs[need])
    if not len(wanted):
        return 0
    ids, xs, ys = [], [], []
    for node in _processor(path, fmt, osmium.osm.NODE,
                           osmium.filter.IdFilter(wanted.tolist())):
        x, y = _location(node.location)
        ids.append(node.id)
        xs.append(x)
        ys.append(y)
    if not ids:
        return 0
    found = np.asarray(ids, dtype=np.int64)
    order = np.argsort(found, kind="stable")
    found, fx, fy = found[order], np.asarray(xs)[order], np.asarray(ys)[order]
    idx = np.flatnonzero(need)
    pos = np.minimum(np.searchsorted(found, refs[idx]), len(found) - 1)
    hit = found[pos] == refs[idx]
    lon[idx[hit]] = fx[pos[hit]]
    lat[idx[hit]] = fy[pos[hit]]
    return len(found)


def _rings(lines: list[shapely.LineString]) -> tuple[list[shapely.Polygon], bool]:
    """Closed rings (as polygons) of member lines; whether every line was used."""
    merged = shapely.line_merge(shapely.multilinestrings(lines))
    parts = shapely.get_parts(merged)
    rings = [shapely.Polygon(p.coords) for p in parts
             if p.is_closed and len(p.coords) >= 4]
    return rings, len(rings) == len(parts)


def _assemble(members: list[int], way_geoms: dict[int, np.ndarray | None]) -> tuple:
    """Area of one multipolygon by the even-odd rule over its member rings.

    Roles (outer/inner) are not trusted, as in libosmium's assembler: a region covered by
    an odd number of rings is inside. Returns ``(geometry or None, problem)``.
    """
    if any(ref not in way_geoms for ref in members):
        return None, "missing_members"
    coords = [way_geoms[ref] for ref in members]
    if any(c is None for c in coords):
        return None, "missing_nodes"
    lines = [shapely.LineString(c) for c in coords if len(c) >= 2]
    if not lines:
        return None, "open_rings"
    rings, complete = _rings(lines)
    if not rings or not complete:
        return None, "open_rings"
    valid = [shapely.make_valid(r) if not r.is_valid else r for r in rings]
    area = reduce(shapely.symmetric_difference, valid)
    area = shapely.normalize(shapely.make_valid(area))
    if area.is_empty or area.area == 0:
        return None, "open_rings"
    return area, ""


def _read_relations(path: str, fmt: str, keys: tuple[str, ...]) -> list[tuple]:
    """Pass 1: ``(id, tags, member way ids)`` of relations with one of ``keys``."""
    out = []
    for rel in _processor(path, fmt, osmium.osm.RELATION, osmium.filter.KeyFilter(*keys)):
        members = [m.ref for m in rel.members if m.type == "w"]
        out.append((rel.id, dict(rel.tags), members))
    return out


def _read_tagged(path: str, fmt: str, selection: OsmSelection, ways: _WayCollector
                 ) -> OsmNodes:
    """Pass 2: tagged nodes and ways of the selection."""
    entities = osmium.osm.NODE if selection.node_keys else osmium.osm.NOTHING
    filters = []
    if selection.node_keys:
        filters.append(osmium.filter.KeyFilter(*selection.node_keys)
                       .enable_for(osmium.osm.NODE))
    if selection.way_keys:
        entities |= osmium.osm.WAY
        filters.append(osmium.filter.KeyFilter(*selection.way_keys)
                       .enable_for(osmium.osm.WAY))
    ids, lon, lat, tags = [], [], [], []
    if entities != osmium.osm.NOTHING:
        for obj in _processor(path, fmt, entities, *filters):
            if obj.is_node():
                x, y = _location(obj.location)
                ids.append(obj.id)
                lon.append(x)
                lat.append(y)
                tags.append(dict(obj.tags))
            else:
                ways.add(obj)
    return OsmNodes(ids=np.asarray(ids, dtype=np.int64), lon=np.asarray(lon, dtype=float),
                    lat=np.asarray(lat, dtype=float), tags=tags)


def _areas(relations: list[tuple], members: OsmWays) -> OsmAreas:
    if not relations:
        return OsmAreas(ids=np.empty(0, dtype=np.int64), tags=[],
                        geometry=np.empty(0, dtype=object), problem=[])
    member_coords: dict[int, np.ndarray | None] = {}
    missing = members.missing
    for i, wid in enumerate(members.ids.tolist()):
        lo, hi = members.offsets[i], members.offsets[i + 1]
        member_coords[wid] = (None if missing[i] else
                              np.column_stack([members.lon[lo:hi], members.lat[lo:hi]]))
    geoms, problems = [], []
    for _, tags, way_ids in relations:
        if tags.get("type") != "multipolygon":
            geoms.append(None)
            problems.append("not_multipolygon")
            continue
        geom, problem = _assemble(way_ids, member_coords)
        geoms.append(geom)
        problems.append(problem)
    geometry = np.empty(len(geoms), dtype=object)
    geometry[:] = geoms
    return OsmAreas(ids=np.asarray([r[0] for r in relations], dtype=np.int64),
                    tags=[r[1] for r in relations], geometry=geometry, problem=problems)


def _subset(ways: dict[str, np.ndarray], keep: np.ndarray) -> dict[str, np.ndarray]:
    sizes = np.diff(ways["offsets"])
    ref_keep = np.repeat(keep, sizes)
    return {
        "ids": ways["ids"][keep],
        "offsets": np.concatenate([[0], np.cumsum(sizes[keep], dtype=np.int64)]),
        "refs": ways["refs"][ref_keep],
        "lon": ways["lon"][ref_keep],
        "lat": ways["lat"][ref_keep],
    }


def read_osm(raw: bytes, fmt: str, selection: OsmSelection, *, label: str = "upload"
             ) -> OsmExtract:
    """Read the selected nodes, ways and multipolygon areas of an OSM extract.

    Element order does not matter (see the module docstring): unsorted Overpass and JOSM
    files give the same result as sorted Geofabrik extracts.

    Parameters
    ----------
    raw
        File content, already through the upload gate
        (:func:`geo.io.uploads.load_osm_bytes`).
    fmt
        ``"pbf"``, ``"osm"``, ``"osm.gz"`` or ``"osm.bz2"`` (:func:`geo.io.uploads.osm_format`).
    selection
        Which tagged objects to keep.
    label
        File name for messages.

    Returns
    -------
    OsmExtract
        Nodes, ways (node locations filled from anywhere in the file) and areas, with
        ``counts`` of the nodes located in the last pass (``located``).

    Raises
    ------
    ImportDataError
        When libosmium cannot parse the content (truncated, not OSM, XML entities) or the
        private copy cannot be written.
    """
    if fmt not in _FORMATS:
        raise ValueError(f"unknown OSM format {fmt!r}; expected one of {_FORMATS}")
    try:
        with private_copy(raw, fmt) as path:
            return _read(path, fmt, selection)
    except OSError as exc:
        raise ImportDataError(
            f"'{label}' kon niet tijdelijk worden opgeslagen om te lezen ({exc.strerror or exc}). "
            "Controleer de vrije schijfruimte in de map voor tijdelijke bestanden."
        ) from exc
    except (RuntimeError, ValueError) as exc:  # libosmium reports parse errors so
        detail = str(exc).strip() or type(exc).__name__
        raise ImportDataError(
            f"'{label}' kan niet als OpenStreetMap gelezen worden ({detail}). Controleer of "
            "het bestand compleet is: download of exporteer het opnieuw, bijv. als .osm.pbf."
        ) from exc


def _read(path: str, fmt: str, selection: OsmSelection) -> OsmExtract:
    passes = 0
    relations: list[tuple] = []
    if selection.area_keys:
        relations = _read_relations(path, fmt, selection.area_keys)
        passes += 1
    collector = _WayCollector()
    nodes = _read_tagged(path, fmt, selection, collector)
    passes += 1
    n_selected = len(collector.ids)
    member_ids = {wid for _, tags, members in relations if tags.get("type") == "multipolygon"
                  for wid in members}
    extra = member_ids - set(collector.ids)
    if extra:
        for way in _processor(path, fmt, osmium.osm.WAY, osmium.filter.IdFilter(extra)):
            collector.add(way)
        passes += 1
    arrays = collector.arrays()
    located = _fill_locations(path, fmt, arrays["refs"], arrays["lon"], arrays["lat"])
    passes += 1 if len(arrays["refs"]) else 0
    all_ways = OsmWays(tags=collector.tags, **arrays)
    selected = np.zeros(len(all_ways), dtype=bool)
    selected[:n_selected] = True
    ways = OsmWays(tags=collector.tags[:n_selected], **_subset(arrays, selected))
    members = all_ways
    if member_ids:
        is_member = np.isin(all_ways.ids, np.fromiter(member_ids, dtype=np.int64))
        members = OsmWays(tags=[t for t, m in zip(collector.tags, is_member, strict=True) if m],
                          **_subset(arrays, is_member))
    areas = _areas(relations, members)
    return OsmExtract(nodes=nodes, ways=ways, areas=areas, passes=passes,
                      counts={"located": located})


def tag_table(tags: Iterable[dict[str, str]], keys: Collection[str]) -> dict[str, list[str]]:
    """Column-wise view of selected tag values (``""`` when absent).

    Parameters
    ----------
    tags
        Tag dicts, e.g. :attr:`OsmNodes.tags`.
    keys
        Tag keys to extract.

    Returns
    -------
    dict
        ``key → list of values`` (stripped), aligned with ``tags``.
    """
    rows = list(tags)
    return {key: [t.get(key, "").strip() for t in rows] for key in keys}
