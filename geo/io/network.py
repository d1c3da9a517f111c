"""Building a street network from an OpenStreetMap extract (offline).

:func:`build_network` reads a local ``.osm.pbf``/``.osm`` file through the upload gate
(:func:`geo.io.uploads.load_osm_bytes`) with the atlas' one OSM reader
(:func:`geo.io.osm_reader.read_osm`, any element order), keeps the ``highway=*`` ways
that carry traffic (not :data:`SKIPPED_HIGHWAYS`), and

1. checks that the extract covers the region (:func:`coverage`): its roads must reach
   every side of the region's outline, and the share of the region without any road
   within about a kilometre is reported;
2. projects the nodes to RD New (EPSG:28992) and clips to the outline plus a buffer
   (default 5 km, at least the largest catchment radius, so facilities just outside the
   municipality are reached over the road): a way is cut at its last node inside, and
   a node missing from the file (extract border) cuts a way the same way;
3. splits the ways at junctions (every node used twice or more, including a way's own
   loop) and at way ends, giving edges with their RD line and length in metres.

The result is a :class:`geo.model.network.StreetNetwork`; :func:`attach_network` puts it
on a region (written with the region package by :func:`geo.io.region_package.write_region`).
Downloading (osmnx/Overpass) is not offered: download an extract (e.g. Geofabrik's
``drenthe-latest.osm.pbf``) once and build from the file. The NWB is not read.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from geo.config import Config
from geo.errors import ImportDataError, NetworkError
from geo.formats import fmt_int
from geo.io._osm_gate import osm_format
from geo.io.osm_reader import OsmSelection, OsmWays, read_osm, tag_table
from geo.io.progress import Progress, report
from geo.io.tables import read_table, to_number
from geo.io.uploads import InputData, load_osm_bytes
from geo.model.crs import in_rd_bounds, to_rd
from geo.model.network import StreetNetwork
from geo.model.profiles import PROFILES, TAG_KEYS
from geo.model.region import Region

__all__ = ["SKIPPED_HIGHWAYS", "NetworkBuild", "attach_network", "build_network", "coverage",
           "read_points_csv"]

#: ``highway`` values that are not travelled ways (planned, closed, or a point feature).
SKIPPED_HIGHWAYS: frozenset[str] = frozenset({
    "proposed", "construction", "abandoned", "disused", "razed", "no", "platform",
    "raceway", "bus_stop", "elevator", "emergency_bay", "rest_area", "services",
    "street_lamp", "crossing", "traffic_signals", "turning_circle", "stop", "give_way",
    "milestone", "speed_camera", "motorway_junction", "escape", "bus_guideway",
})
_CELL_M = 1_000.0  # coverage grid
_MAX_UNCOVERED = 0.25  # share of the region without any road nearby: refuse above this
_NOTE_UNCOVERED = 0.02
_SIDE_SLACK_M = 1_500.0


@dataclass(frozen=True)
class NetworkBuild:
    """A built network and what happened.

    Attributes
    ----------
    network
        The street network.
    stats
        ``ways_read``, ``ways_used``, ``nodes``, ``edges``, ``km`` and ``km_<profile>``
        (length usable by each profile), ``uncovered_share`` (share of the region without
        a road within about a kilometre; NaN without an outline).
    notes
        Dutch notes for the user (e.g. part of the buffer is not in the file).
    """

    network: StreetNetwork
    stats: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def _fail(label: str, problem: str) -> NetworkError:
    return NetworkError(f"'{label}': {problem}")


def _travelled(ways: OsmWays) -> np.ndarray:
    highway = np.array([t.get("highway", "").strip().lower() for t in ways.tags], dtype=object)
    return ~pd.Series(highway, dtype=object).isin(SKIPPED_HIGHWAYS | {""}).to_numpy()


def coverage(node_x: np.ndarray, node_y: np.ndarray, outline: shapely.Geometry
             ) -> tuple[float, dict[str, float]]:
    """How well network nodes cover a region outline.

    Parameters
    ----------
    node_x, node_y
        Node coordinates (RD metres) of every road in the file.
    outline
        The region outline (RD).

    Returns
    -------
    tuple
        ``(uncovered_share, short_sides)``: the share of the outline's 1-km cells with no
        node in that cell or its eight neighbours, and per side (``west``, ``east``,
        ``south``, ``north``) how many metres of the outline lie beyond the nodes' extent
        (only sides short by more than 1.5 km).
    """
    xmin, ymin, xmax, ymax = outline.bounds
    if not len(node_x):
        return 1.0, {"west": xmax - xmin}
    short = {"west": node_x.min() - xmin, "east": xmax - node_x.max(),
             "south": node_y.min() - ymin, "north": ymax - node_y.max()}
    short = {k: float(v) for k, v in short.items() if v > _SIDE_SLACK_M}
    nx = int(math.ceil((xmax - xmin) / _CELL_M)) + 1
    ny = int(math.ceil((ymax - ymin) / _CELL_M)) + 1
    cx = xmin + (np.arange(nx) + 0.5) * _CELL_M
    cy = ymin + (np.arange(ny) + 0.5) * _CELL_M
    gx, gy = np.meshgrid(cx, cy)
    inside = shapely.contains_xy(outline, gx, gy)
    if not inside.any():
        return 0.0, short
    occupied = np.zeros((ny + 2, nx + 2), dtype=bool)
    ix = np.floor((node_x - xmin) / _CELL_M).astype(np.int64) + 1
    iy = np.floor((node_y - ymin) / _CELL_M).astype(np.int64) + 1
    ok = (ix >= 0) & (ix < nx + 2) & (iy >= 0) & (iy < ny + 2)
    occupied[iy[ok], ix[ok]] = True
    near = np.zeros((ny, nx), dtype=bool)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            near |= occupied[dy:dy + ny, dx:dx + nx]
    return float((inside & ~near).sum() / inside.sum()), short


def _check_coverage(label: str, x: np.ndarray, y: np.ndarray, outline: shapely.Geometry,
                    clip: shapely.Geometry) -> tuple[float, list[str]]:
    located = np.isfinite(x)
    uncovered, short = coverage(x[located], y[located], outline)
    sides = {"west": "west", "east": "oost", "south": "zuid", "north": "noord"}
    if short or uncovered > _MAX_UNCOVERED:
        parts = [f"{sides[k]}kant {v / 1000:.1f} km" for k, v in short.items()]
        km2 = uncovered * outline.area / 1e6
        raise _fail(label, "het OSM-bestand dekt de regio niet: "
                    + (f"er ontbreekt aan de {', '.join(parts)}; " if parts else "")
                    + f"{uncovered:.0%} van de regio (ca. {km2:.0f} km²) heeft geen enkele weg "
                    "binnen 1 km. Gebruik een uittreksel van de hele provincie (bijv. "
                    "drenthe-latest.osm.pbf van Geofabrik) of een grotere uitsnede. "
                    "Er is niets gewijzigd.")
    notes = []
    if uncovered > _NOTE_UNCOVERED:
        notes.append(f"{uncovered:.0%} van de regio heeft geen weg binnen 1 km in het "
                     "OSM-bestand (water, natuur of een onvolledig uittreksel?).")
    outside = clip.difference(shapely.convex_hull(shapely.multipoints(
        np.column_stack([x[located], y[located]]))))
    if outside.area > 0.01 * clip.area:
        notes.append(f"{outside.area / clip.area:.0%} van de regio plus buffer valt buiten het "
                     "OSM-bestand: voorzieningen daar zijn over de weg niet bereikbaar.")
    return uncovered, notes


def _runs(ways: OsmWays, keep_ref: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Runs of consecutive kept refs within a way: ``(run id per kept ref, kept ref index)``."""
    n_refs = ways.n_refs
    way_start = np.zeros(len(ways.refs), dtype=bool)
    way_start[ways.offsets[:-1][n_refs > 0]] = True
    brk = way_start.copy()
    brk[1:] |= ~keep_ref[:-1]
    run = np.cumsum(brk) - 1
    idx = np.flatnonzero(keep_ref)
    run = run[idx]
    counts = np.bincount(run, minlength=run.max() + 1 if len(run) else 0)
    ok = counts[run] >= 2
    return run[ok], idx[ok]


def _edges(refs: np.ndarray, run: np.ndarray, xy: np.ndarray) -> dict[str, np.ndarray]:
    """Split runs at junctions and ends: edge start/end positions, lines and lengths."""
    _, inverse, counts = np.unique(refs, return_inverse=True, return_counts=True)
    split = counts[inverse] >= 2
    first = np.r_[True, run[1:] != run[:-1]]
    last = np.r_[run[1:] != run[:-1], True]
    split |= first | last
    pos = np.flatnonzero(split)
    same = run[pos[:-1]] == run[pos[1:]]
    start, end = pos[:-1][same], pos[1:][same]
    lens = end - start + 1
    edge_of_pt = np.repeat(np.arange(len(start)), lens)
    point = np.arange(int(lens.sum())) - np.repeat(np.cumsum(lens) - lens, lens) \
        + np.repeat(start, lens)
    lines = shapely.linestrings(xy[point], indices=edge_of_pt)
    step = np.r_[np.hypot(*np.diff(xy, axis=0).T), 0.0]
    cum = np.r_[0.0, np.cumsum(step)]
    return {"start": start, "end": end, "lines": np.asarray(lines, dtype=object),
            "length": cum[end] - cum[start]}


def build_network(data: InputData, name: str | None = None, *,
                  outline: shapely.Geometry | None = None, buffer_m: float = 5_000.0,
                  config: Config | None = None, progress: Progress | None = None
                  ) -> NetworkBuild:
    """Build the street network of an OSM extract, clipped to a region plus a buffer.

    Parameters
    ----------
    data
        ``.osm.pbf``, ``.osm`` or ``.osm.gz``/``.osm.bz2``: bytes, binary file object or
        local path (through the upload gate and its size limit).
    name
        File name for messages.
    outline
        Region outline in RD New; ``None`` keeps the whole file (no coverage check).
    buffer_m
        Metres around the outline that are kept (≥ 0).
    config
        Settings (upload size limit).
    progress
        Optional ``(fraction, message)`` callback.

    Returns
    -------
    NetworkBuild
        The network with statistics and notes.

    Raises
    ------
    ImportDataError
        When the file is not OSM, too large or unreadable.
    NetworkError
        When the file has no roads, does not cover the region, or no road lies in the
        region plus buffer.
    """
    raw, label = load_osm_bytes(data, name, config=config)
    report(progress, 0.05, f"{label} lezen")
    extract = read_osm(raw, osm_format(raw) or "pbf", OsmSelection(way_keys=("highway",)),
                       label=label)
    del raw
    ways = extract.ways
    travelled = _travelled(ways)
    if not travelled.any():
        raise _fail(label, "bevat geen wegen of paden (highway=*). Gebruik een volledig "
                    "OSM-uittreksel, bijv. drenthe-latest.osm.pbf van Geofabrik.")
    report(progress, 0.6, "wegen projecteren en knippen")
    x, y = to_rd(ways.lon, ways.lat)
    keep_ref = np.repeat(travelled, ways.n_refs) & np.isfinite(ways.lon)
    notes: list[str] = []
    uncovered = np.nan
    if outline is not None:
        clip = shapely.buffer(outline, max(float(buffer_m), 0.0))
        uncovered, notes = _check_coverage(label, x[keep_ref], y[keep_ref], outline, clip)
        shapely.prepare(clip)
        keep_ref &= shapely.contains_xy(clip, np.nan_to_num(x), np.nan_to_num(y))
    run, idx = _runs(ways, keep_ref)
    if not len(run):
        raise _fail(label, "er ligt geen enkele weg in de regio plus buffer. Kies het "
                    "uittreksel van de provincie van deze regio.")
    report(progress, 0.8, "splitsen op kruispunten")
    refs = ways.refs[idx]
    xy = np.column_stack([x[idx], y[idx]])
    edges = _edges(refs, run, xy)
    node_ids, node_of_end = np.unique(np.r_[refs[edges["start"]], refs[edges["end"]]],
                                      return_inverse=True)
    m = len(edges["start"])
    u, v = node_of_end[:m], node_of_end[m:]
    node_xy = np.empty((len(node_ids), 2))
    node_xy[u] = xy[edges["start"]]
    node_xy[v] = xy[edges["end"]]
    way_of_ref = np.repeat(np.arange(len(ways)), ways.n_refs)
    way_of_edge = way_of_ref[idx[edges["start"]]]
    used, local = np.unique(way_of_edge, return_inverse=True)
    table = pd.DataFrame(tag_table([ways.tags[i] for i in used.tolist()], TAG_KEYS))
    tags = table.iloc[local].reset_index(drop=True)
    tags["osm_way_id"] = ways.ids[way_of_edge]
    network = StreetNetwork(node_xy=node_xy, node_osm_id=node_ids, u=u.astype(np.int64),
                            v=v.astype(np.int64), length_m=edges["length"],
                            geometry=edges["lines"], tags=tags,
                            source=f"OpenStreetMap: {Path(label).name}")
    stats: dict[str, float] = {"ways_read": len(ways), "ways_used": len(used),
                               "nodes": network.n_nodes, "edges": network.n_edges,
                               "km": float(network.length_m.sum() / 1000),
                               "uncovered_share": uncovered}
    for profile in PROFILES:
        stats[f"km_{profile}"] = float(network.length_m[network.usable(profile)].sum() / 1000)
    report(progress, 1.0, f"netwerk: {fmt_int(network.n_edges)} wegvakken")
    return NetworkBuild(network=network, stats=stats, notes=tuple(notes))


def attach_network(region: Region, build: NetworkBuild, *, buffer_m: float) -> Region:
    """The region with the network (replacing any earlier one) and its provenance.

    Parameters
    ----------
    region
        The region (not changed).
    build
        From :func:`build_network`.
    buffer_m
        The buffer used, recorded in the metadata (``network_buffer_m``).

    Returns
    -------
    Region
        A copy with ``network`` set and metadata ``source_network``,
        ``network_buffer_m``.
    """
    metadata = {**region.metadata, "source_network": build.network.source
                + " (© OpenStreetMap-bijdragers, ODbL 1.0)",
                "network_buffer_m": f"{float(buffer_m):g}"}
    return dataclasses.replace(region, network=build.network, metadata=metadata)


def read_points_csv(data: InputData, name: str | None = None, *,
                    config: Config | None = None) -> pd.DataFrame:
    """Read a CSV of points ``id,x,y`` in RD New metres (EPSG:28992).

    Delimiter (``,``, ``;``, tab), encoding and decimal comma are detected
    (:func:`geo.io.tables.read_table`); column names are case-insensitive. An optional
    ``buurt_code`` column is kept (unreachable origins are then reported per buurt).

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (text), ``x``, ``y`` (float) and ``buurt_code`` when present.

    Raises
    ------
    ImportDataError
        Missing columns, duplicate or empty ids, coordinates that are not numbers (naming
        the rows) or that are not in the Netherlands in RD (e.g. lon/lat degrees).
    """
    frame = read_table(data, name, config=config)
    label = frame.attrs.get("source", name or "upload")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("id", "x", "y") if c not in frame.columns]
    if missing:
        raise ImportDataError(
            f"'{label}': kolom(men) {', '.join(missing)} ontbreken; verwacht id,x,y "
            f"(RD-coördinaten in meters, EPSG:28992). Gevonden: {', '.join(frame.columns)}.")
    try:
        x, y = to_number(frame["x"]), to_number(frame["y"])
    except ImportDataError as exc:
        raise ImportDataError(f"'{label}': {exc} Verwacht RD-meters (EPSG:28992).") from exc
    out = pd.DataFrame({"id": frame["id"].astype(str).str.strip(), "x": x, "y": y})
    if "buurt_code" in frame.columns:
        out["buurt_code"] = frame["buurt_code"].astype(str).str.strip().replace("", None)

    def rows(mask: pd.Series) -> str:  # CSV line numbers (header is line 1)
        return ", ".join(str(i + 2) for i in np.flatnonzero(mask)[:5])

    bad = out["x"].isna() | out["y"].isna()
    if bad.any():
        raise ImportDataError(f"'{label}': x of y is leeg of geen getal in {int(bad.sum())} "
                              f"rij(en) (regel {rows(bad)}).")
    if (out["id"] == "").any() or out["id"].duplicated().any():
        dup = out["id"].duplicated(keep=False) | (out["id"] == "")
        raise ImportDataError(f"'{label}': kolom id moet gevuld en uniek zijn (regel "
                              f"{rows(dup)}).")
    outside = ~in_rd_bounds(out["x"].to_numpy(), out["y"].to_numpy())
    if outside.any():
        hint = (" Het lijken graden (lengte/breedte); zet ze om naar RD (EPSG:28992)."
                if (out["x"].abs().max() < 400) else "")
        raise ImportDataError(f"'{label}': {int(outside.sum())} punt(en) liggen niet in "
                              f"Nederland in RD New (regel {rows(outside)}).{hint}")
    return out
