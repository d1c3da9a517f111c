"""Benchmark the BAG import: ``geo.io.importers.bag.read_bag_homes`` on 25,000 dwellings.

Builds a synthetic bag-light GeoPackage in a temporary directory (layers
``verblijfsobject`` and ``pand`` in the real column names) with ``--n-homes`` dwellings
— one in three panden an apartment block of 2–40 dwellings, the rest houses — plus 10 %
non-residential and 3 % withdrawn verblijfsobjecten, and a grid of buurten (``areas``)
over 10 × 10 km in Drenthe. Times ``read_bag_homes(path, areas=areas)`` end to end (file
reading included), best of ``--repeat`` runs. It is not a timed test.

Target (issue 6): ≤ 20 s for 25,000 dwellings.

Usage::

    python benchmarks/bench_import_bag.py                 # 25,000 dwellings
    python benchmarks/bench_import_bag.py --n-homes 100000 --repeat 1

Exit code 0 when the target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geo import vocabulary
from geo.io.importers.bag import read_bag_homes

TARGET_S = 20.0
ORIGIN = (230_000.0, 540_000.0)  # RD New, Drenthe
SIDE_M = 10_000.0
BUURT_M = 1_000.0


def synthetic_bag(n_homes: int, seed: int) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Verblijfsobjecten and panden in the bag-light schema."""
    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    total = 0
    while total < n_homes:
        size = int(rng.integers(2, 41)) if rng.random() < 1 / 3 else 1
        size = min(size, n_homes - total)
        sizes.append(size)
        total += size
    counts = np.array(sizes)
    n_pand = len(counts)
    px = ORIGIN[0] + rng.uniform(50, SIDE_M - 50, n_pand)
    py = ORIGIN[1] + rng.uniform(50, SIDE_M - 50, n_pand)
    years = rng.integers(1850, 2025, n_pand)
    years[rng.random(n_pand) < 0.01] = 9999
    pand_ids = np.char.add("1731100000", np.char.zfill(np.arange(n_pand).astype(str), 6))
    half = np.where(counts > 1, 15.0, 6.0)
    pand = gpd.GeoDataFrame(
        {"identificatie": pand_ids, "bouwjaar": years, "status": "Pand in gebruik",
         "gebruiksdoel": "woonfunctie", "oppervlakte_min": 40, "oppervlakte_max": 200,
         "aantal_verblijfsobjecten": counts},
        geometry=shapely.box(px - half, py - half, px + half, py + half),
        crs=vocabulary.METRIC_CRS)

    n_other = n_homes // 10
    n_withdrawn = n_homes * 3 // 100
    of_pand = np.concatenate([np.repeat(np.arange(n_pand), counts),
                              rng.integers(0, n_pand, n_other + n_withdrawn)])
    n = len(of_pand)
    doel = np.array(["woonfunctie"] * n_homes + ["winkelfunctie"] * n_other
                    + ["woonfunctie"] * n_withdrawn, dtype=object)
    doel[rng.random(n) < 0.02] = "woonfunctie,gezondheidszorgfunctie"
    status = np.array(["Verblijfsobject in gebruik"] * (n_homes + n_other)
                      + ["Verblijfsobject ingetrokken"] * n_withdrawn, dtype=object)
    area = rng.integers(30, 250, n).astype(float)
    area[rng.random(n) < 0.005] = 999999
    vbo_ids = np.char.add("1731010000", np.char.zfill(np.arange(n).astype(str), 6))
    vbo = gpd.GeoDataFrame(
        {"identificatie": vbo_ids, "oppervlakte": area, "status": status,
         "gebruiksdoel": doel, "openbare_ruimte_naam": "Dorpsstraat",
         "huisnummer": np.arange(n) % 200 + 1, "huisletter": None, "toevoeging": None,
         "postcode": "9411AB", "woonplaats_naam": "Beilen", "bouwjaar": years[of_pand],
         "pand_identificatie": pand_ids[of_pand], "pand_status": "Pand in gebruik"},
        geometry=shapely.points(px[of_pand] + rng.uniform(-5, 5, n),
                                py[of_pand] + rng.uniform(-5, 5, n)),
        crs=vocabulary.METRIC_CRS)
    return vbo, pand


def synthetic_areas() -> gpd.GeoDataFrame:
    """Square buurten of BUURT_M over the south-west 90 % of the BAG extent."""
    steps = int(0.9 * SIDE_M / BUURT_M)
    cells = [(i, j) for i in range(steps) for j in range(steps)]
    return gpd.GeoDataFrame(
        {"buurt_code": [f"BU1731{i:02d}{j:02d}" for i, j in cells]},
        geometry=[shapely.box(ORIGIN[0] + i * BUURT_M, ORIGIN[1] + j * BUURT_M,
                              ORIGIN[0] + (i + 1) * BUURT_M, ORIGIN[1] + (j + 1) * BUURT_M)
                  for i, j in cells],
        crs=vocabulary.METRIC_CRS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-homes", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bag-light-synthetic.gpkg"
        t0 = time.perf_counter()
        vbo, pand = synthetic_bag(args.n_homes, args.seed)
        pyogrio.write_dataframe(vbo, path, layer="verblijfsobject", driver="GPKG")
        pyogrio.write_dataframe(pand, path, layer="pand", driver="GPKG")
        areas = synthetic_areas()
        build = time.perf_counter() - t0
        size_mb = path.stat().st_size / 2**20
        print(f"synthetic BAG: {len(vbo):,} verblijfsobjecten ({args.n_homes:,} dwellings), "
              f"{len(pand):,} panden, {size_mb:.1f} MB, {len(areas)} buurten "
              f"(built in {build:.1f} s)")
        times = []
        result = None
        for _ in range(max(1, args.repeat)):
            t0 = time.perf_counter()
            result = read_bag_homes(path, areas=areas)
            times.append(time.perf_counter() - t0)
    assert result is not None
    best = min(times)
    stats = result.stats
    print(f"read_bag_homes (with areas): best {best:.2f} s, runs "
          f"{', '.join(f'{t:.2f}' for t in times)} s")
    print(f"  kept {stats['kept']:,} homes; dropped: not residential "
          f"{stats['dropped_not_residential']:,}, status {stats['dropped_status']:,}, "
          f"outside buurten {stats.get('dropped_outside_areas', 0):,}; "
          f"multi-family {int((result.homes['dwelling_type'] == 'multi_family').sum()):,}")
    ok = best <= TARGET_S
    print(f"target <= {TARGET_S:.0f} s: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
