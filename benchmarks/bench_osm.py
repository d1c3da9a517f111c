"""Benchmark reading a province-size OpenStreetMap extract for facilities.

Writes a synthetic ``.osm.pbf`` of about 40 MB (Geofabrik's Drenthe extract is of that
order) with pyosmium's own ``SimpleWriter`` into a temporary directory, in Drenthe's
lon/lat range (6.1–7.1 E, 52.6–53.2 N): streets (``highway=*`` ways of 6–16 nodes,
names, surfaces), houses and farms (closed ``building=*`` ways with address tags),
farmland/forest areas, a few hundred multipolygons, and a few thousand facility tags on
nodes, building ways and multipolygon relations (doctors, pharmacies, supermarkets,
``healthcare=*``, ``social_facility=*``, bus stops) next to unused ones (benches,
bakeries, physiotherapists). Objects carry version, changeset and timestamp, as in
Geofabrik extracts. Nodes are written in id order, then ways, then relations.

It then times :func:`geo.io.importers.osm.read_osm_facilities` on the file (upload gate
included) in a fresh child process (this checkout's ``geo``) and prints wall seconds, the
peak RSS of that process (``VmHWM``) and the peak after the imports, so the difference is
the read alone. It is not a timed test.

Target (issue 11): well under a minute and a few hundred MB.

Usage::

    python benchmarks/bench_osm.py                   # about 40 MB
    python benchmarks/bench_osm.py --scale 0.25      # about 10 MB
    python benchmarks/bench_osm.py --keep /tmp/x.osm.pbf

Exit code 0 when the target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 60.0
TARGET_MB = 400.0
LON = (6.1, 7.1)
LAT = (52.6, 53.2)
#: Objects at ``--scale 1`` (about 40 MB of PBF).
STREETS = 240_000
BUILDINGS = 1_240_000
LANDUSE = 24_000
FACILITY_NODES = 3_000
UNUSED_NODES = 6_000
FACILITY_BUILDINGS = 1_200
MULTIPOLYGONS = 400

HIGHWAYS = ("residential", "unclassified", "track", "service", "footway", "cycleway",
            "tertiary", "secondary", "path")
FACILITY_TAGS = (
    {"amenity": "doctors", "healthcare": "doctor", "name": "Huisartsenpraktijk"},
    {"amenity": "pharmacy", "healthcare": "pharmacy", "name": "Apotheek"},
    {"healthcare": "doctor", "healthcare:speciality": "general", "name": "Huisarts"},
    {"shop": "supermarket", "name": "Supermarkt"},
    {"highway": "bus_stop", "name": "Bushalte"},
    {"public_transport": "platform", "bus": "yes"},
    {"amenity": "community_centre", "name": "Dorpshuis"},
    {"social_facility": "nursing_home", "name": "Zorgcentrum", "beds": "40"},
    {"social_facility": "assisted_living", "name": "Aanleunwoningen"},
    {"amenity": "social_facility", "social_facility": "day_care",
     "social_facility:for": "senior", "name": "Dagbesteding"},
)
BUILDING_FACILITY_TAGS = tuple(t for t in FACILITY_TAGS if "highway" not in t)
UNUSED_TAGS = (
    {"amenity": "bench"}, {"amenity": "waste_basket"}, {"shop": "bakery", "name": "Bakker"},
    {"healthcare": "physiotherapist", "name": "Fysio"}, {"amenity": "restaurant"},
    {"amenity": "post_box"}, {"highway": "street_lamp"}, {"highway": "crossing"},
)
META = {"version": 3, "changeset": 123_456_789, "timestamp": "2025-06-01T12:00:00Z"}


class _Ids:
    def __init__(self) -> None:
        self.next = 1

    def take(self, n: int) -> np.ndarray:
        out = np.arange(self.next, self.next + n, dtype=np.int64)
        self.next += n
        return out


def _walk(rng: np.random.Generator, n: int, lengths: np.ndarray, step: float
          ) -> tuple[np.ndarray, np.ndarray]:
    """Random-walk polylines: coordinates of ``lengths.sum()`` points."""
    start_lon = rng.uniform(*LON, n)
    start_lat = rng.uniform(*LAT, n)
    total = int(lengths.sum())
    dlon = rng.normal(0, step * 1.6, total)
    dlat = rng.normal(0, step, total)
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    dlon[first] = 0
    dlat[first] = 0
    way = np.repeat(np.arange(n), lengths)
    lon = np.repeat(start_lon, lengths) + _segment_cumsum(dlon, first, way)
    lat = np.repeat(start_lat, lengths) + _segment_cumsum(dlat, first, way)
    return lon, lat


def _segment_cumsum(values: np.ndarray, first: np.ndarray, way: np.ndarray) -> np.ndarray:
    cum = np.cumsum(values)
    return cum - cum[first][way] + values[first][way]


def _rings(rng: np.random.Generator, n: int, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Four corners per ring (closed by repeating the first ref)."""
    lon0 = rng.uniform(*LON, n)
    lat0 = rng.uniform(*LAT, n)
    w = size * rng.uniform(0.5, 1.5, n) * 1.6
    h = size * rng.uniform(0.5, 1.5, n)
    lon = np.column_stack([lon0, lon0 + w, lon0 + w, lon0]).ravel()
    lat = np.column_stack([lat0, lat0, lat0 + h, lat0 + h]).ravel()
    return lon, lat


def write_extract(path: Path, scale: float, seed: int = 11) -> dict[str, int]:
    """Write the synthetic extract; returns object counts."""
    import osmium
    from osmium.osm.mutable import Node, Relation, Way

    rng = np.random.default_rng(seed)
    ids = _Ids()
    n_streets, n_buildings = int(STREETS * scale), int(BUILDINGS * scale)
    n_landuse, n_mp = int(LANDUSE * scale), max(int(MULTIPOLYGONS * scale), 10)
    n_fac, n_unused = int(FACILITY_NODES * scale), int(UNUSED_NODES * scale)
    n_fac_bld = int(FACILITY_BUILDINGS * scale)
    street_len = rng.integers(6, 17, n_streets)
    s_lon, s_lat = _walk(rng, n_streets, street_len, 0.0004)
    s_ids = ids.take(len(s_lon))
    b_lon, b_lat = _rings(rng, n_buildings, 0.0001)
    b_ids = ids.take(len(b_lon))
    l_lon, l_lat = _rings(rng, n_landuse + 2 * n_mp, 0.004)
    l_ids = ids.take(len(l_lon))
    p_lon = rng.uniform(*LON, n_fac + n_unused)
    p_lat = rng.uniform(*LAT, n_fac + n_unused)
    p_ids = ids.take(len(p_lon))
    counts = {"nodes": int(ids.next - 1)}

    writer = osmium.SimpleWriter(str(path), overwrite=True)
    try:
        for block_ids, lon, lat in ((s_ids, s_lon, s_lat), (b_ids, b_lon, b_lat),
                                    (l_ids, l_lon, l_lat)):
            for nid, x, y in zip(block_ids.tolist(), lon.tolist(), lat.tolist(), strict=True):
                writer.add_node(Node(id=nid, location=(x, y), **META))
        for i, (nid, x, y) in enumerate(zip(p_ids.tolist(), p_lon.tolist(), p_lat.tolist(),
                                            strict=True)):
            tags = (FACILITY_TAGS[i % len(FACILITY_TAGS)] if i < n_fac
                    else UNUSED_TAGS[i % len(UNUSED_TAGS)])
            writer.add_node(Node(id=nid, location=(x, y), tags=tags, **META))
        way_id = 1
        offsets = np.concatenate([[0], np.cumsum(street_len)])
        kinds = rng.integers(0, len(HIGHWAYS), n_streets)
        for i in range(n_streets):
            tags = {"highway": HIGHWAYS[kinds[i]], "surface": "asphalt"}
            if kinds[i] < 3:
                tags["name"] = f"Straat {i}"
            refs = s_ids[offsets[i]:offsets[i + 1]].tolist()
            writer.add_way(Way(id=way_id, nodes=refs, tags=tags, **META))
            way_id += 1
        for i in range(n_buildings):
            refs = b_ids[4 * i:4 * i + 4].tolist()
            if i < n_fac_bld:  # highway=bus_stop belongs on a node, not on a building
                tags = {"building": "yes", **BUILDING_FACILITY_TAGS[i % 9]}
            else:
                tags = {"building": "house" if i % 7 else "farm",
                        "addr:housenumber": str(i % 200 + 1), "addr:street": f"Straat {i % 997}",
                        "addr:postcode": "9411AB", "addr:city": "Beilen"}
            writer.add_way(Way(id=way_id, nodes=[*refs, refs[0]], tags=tags, **META))
            way_id += 1
        first_member = way_id
        for i in range(n_landuse + 2 * n_mp):
            refs = l_ids[4 * i:4 * i + 4].tolist()
            tags = {} if i < 2 * n_mp else {"landuse": ("farmland", "forest", "meadow")[i % 3]}
            writer.add_way(Way(id=way_id, nodes=[*refs, refs[0]], tags=tags, **META))
            way_id += 1
        for i in range(n_mp):
            tags = {"type": "multipolygon", **(FACILITY_TAGS[i % len(FACILITY_TAGS)]
                                               if i % 2 else {"landuse": "farmland"})}
            members = [("w", first_member + 2 * i, "outer"),
                       ("w", first_member + 2 * i + 1, "outer")]
            writer.add_relation(Relation(id=i + 1, members=members, tags=tags, **META))
    finally:
        writer.close()
    counts.update(ways=way_id - 1, relations=n_mp,
                  facility_tags=n_fac + n_fac_bld + n_mp // 2)
    return counts


def _peak_mb() -> float:
    """Peak resident memory of this process in MB: ``VmHWM`` (Linux), else ``ru_maxrss``.

    ``ru_maxrss`` survives ``exec`` on Linux (it would report the writer's peak), ``VmHWM``
    belongs to the new process image.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024


def _child(path: str) -> None:
    """Read the extract in this (fresh) process; print JSON figures."""
    import geo
    from geo.io.importers.osm import read_osm_facilities

    assert Path(geo.__file__).resolve().parents[1] == ROOT, geo.__file__  # this checkout

    base = _peak_mb()
    start = time.perf_counter()
    result = read_osm_facilities(path)
    seconds = time.perf_counter() - start
    peak = _peak_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "base_mb": base,
                      "kept": result.stats["kept"], "unused": result.stats["unused"],
                      "merged": result.stats["merged"], "polygons": result.stats["polygons"]}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = about 40 MB")
    parser.add_argument("--keep", type=Path, help="write the extract here and keep it")
    parser.add_argument("--read", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.read:
        _child(args.read)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "synthetisch-drenthe.osm.pbf"
        start = time.perf_counter()
        counts = write_extract(path, args.scale)
        written = time.perf_counter() - start
        size_mb = path.stat().st_size / 2**20
        print(f"written {path.name}: {size_mb:.1f} MB, {counts['nodes']:,} nodes, "
              f"{counts['ways']:,} ways, {counts['relations']:,} relations, "
              f"{counts['facility_tags']:,} facility-tagged ways/relations and "
              f"{int(FACILITY_NODES * args.scale):,} facility nodes ({written:.1f} s)")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        proc = subprocess.run([sys.executable, __file__, "--read", str(path)],
                              capture_output=True, text=True, check=False, env=env)
    if proc.returncode:
        print(proc.stderr, file=sys.stderr)
        return 1
    fig = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"read_osm_facilities: {fig['seconds']:.1f} s, peak RSS {fig['peak_mb']:.0f} MB "
          f"(after imports {fig['base_mb']:.0f} MB); {fig['kept']:,} facilities "
          f"({fig['polygons']:,} ways/relations, {fig['merged']:,} merged), "
          f"{fig['unused']:,} tagged objects not used")
    ok = fig["seconds"] <= TARGET_S and fig["peak_mb"] <= TARGET_MB
    print(f"target ≤ {TARGET_S:.0f} s and ≤ {TARGET_MB:.0f} MB: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
