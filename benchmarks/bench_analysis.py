"""Benchmark the gap analysis: the default region and a synthetic national-size run.

Prints figures; it is not a timed test. Targets (issue 2):

- default (demo) analysis ≤ 0.5 s;
- national run (≈14,500 buurten, 8 million homes, 10,000 facilities) ≤ 60 s and
  ≤ 6 GB peak memory on a 2-core machine.

Usage::

    python benchmarks/bench_analysis.py               # both
    python benchmarks/bench_analysis.py --default     # only the demo region
    python benchmarks/bench_analysis.py --national --homes 1000000   # smaller national run
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.datasets import load_demo_region
from geo.model.region import Region


def peak_rss_gb() -> float:
    """Peak resident memory of this process so far, in GB (Linux: ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def bench_default(repeat: int = 7) -> bool:
    t0 = time.perf_counter()
    region = load_demo_region()
    load_s = time.perf_counter() - t0
    analyse(region)  # warm-up (imports, KD-tree code paths)
    times = []
    for year in [2024, 2030, 2035, 2040, 2024, 2030, 2040][:repeat]:
        t0 = time.perf_counter()
        analyse(region, year=year)
        times.append(time.perf_counter() - t0)
    best, median = min(times), float(np.median(times))
    ok = median <= 0.5
    print("== default region (Midden-Drenthe demo)")
    print(f"  buurten {len(region.areas)}, homes {len(region.homes)}, "
          f"facilities {len(region.facilities)}")
    print(f"  load + validate: {load_s:.3f} s")
    print(f"  analyse: best {best:.3f} s, median {median:.3f} s over {len(times)} runs "
          f"(target ≤ 0.5 s) -> {'PASS' if ok else 'FAIL'}")
    return ok


def synthetic_national(n_buurten: int, n_homes: int, n_facilities: int,
                       seed: int = 0) -> Region:
    """A national-size region in the real schema (square buurten on a 2-D grid)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_buurten)))
    size = 1500.0  # 14,500 × 2.25 km² ≈ 33,000 km², about the Dutch land area
    ix, iy = np.divmod(np.arange(n_buurten), side)
    x0, y0 = 20_000.0 + ix * size, 300_000.0 + iy * size
    codes = np.array([f"BU{i:08d}" for i in range(n_buurten)], dtype=object)
    kerngebied = np.array([f"K{i // 40:04d}" for i in range(n_buurten)], dtype=object)
    areas = gpd.GeoDataFrame(
        {"buurt_code": codes, "buurt_name": codes, "wijk_code": [f"WK{i // 10:06d}" for i in
                                                                 range(n_buurten)],
         "wijk_name": "w", "gemeente_code": "GM0000", "gemeente_name": "Nederland",
         "kerngebied": kerngebied},
        geometry=shapely.box(x0, y0, x0 + size, y0 + size), crs=vocabulary.METRIC_CRS)
    # homes: lognormal buurt sizes, points clustered around the buurt centre
    weights = rng.lognormal(0, 1.0, n_buurten)
    per = rng.multinomial(n_homes, weights / weights.sum())
    owner = np.repeat(np.arange(n_buurten), per)
    hx = x0[owner] + np.clip(rng.normal(size / 2, size / 5, n_homes), 1, size - 1)
    hy = y0[owner] + np.clip(rng.normal(size / 2, size / 5, n_homes), 1, size - 1)
    multi = rng.random(n_homes) < 0.3
    homes = gpd.GeoDataFrame(
        {"home_id": np.arange(n_homes), "construction_year": rng.integers(1900, 2024, n_homes),
         "dwelling_type": np.where(multi, "multi_family", "single_family"),
         "step_free": rng.random(n_homes) < 0.2, "lift": multi & (rng.random(n_homes) < 0.5),
         "floor_area": rng.normal(110, 30, n_homes).clip(30, 400),
         "tenure": "owner_occupied", "owner": "eigenaar-bewoner",
         "buurt_code": codes[owner]},
        geometry=gpd.points_from_xy(hx, hy), crs=vocabulary.METRIC_CRS)
    inhabitants = per * 2.2
    shares = np.array([0.155, 0.12, 0.245, 0.265, 0.12, 0.07, 0.025])
    pop = pd.DataFrame(np.round(inhabitants[:, None] * shares).astype(np.int64),
                       columns=vocabulary.band_columns())
    pop.insert(0, "buurt_code", codes)
    types = np.array(vocabulary.FACILITY_TYPES)
    ftype = types[rng.choice(len(types), n_facilities,
                             p=[0.15, 0.1, 0.15, 0.1, 0.05, 0.05, 0.05, 0.05, 0.27, 0.015,
                                0.015])]
    at = rng.choice(n_homes, n_facilities)
    cap = np.where(np.isin(ftype, ["gp"]), 2100.0,
                   np.where(np.isin(ftype, ["nursing_somatic", "nursing_dementia",
                                            "clustered_housing", "day_care"]), 40.0, np.nan))
    facilities = gpd.GeoDataFrame(
        {"facility_id": [f"F{i}" for i in range(n_facilities)], "facility_type": ftype,
         "name": "f", "operator": "", "capacity": cap},
        geometry=gpd.points_from_xy(hx[at] + 20, hy[at] + 20), crs=vocabulary.METRIC_CRS)
    meta = {"region_name": "Synthetisch Nederland", "base_year": "2024", "demo": "true"}
    return Region(areas=areas, population=pop, homes=homes, facilities=facilities,
                  metadata=meta)


def bench_national(n_buurten: int, n_homes: int, n_facilities: int) -> bool:
    print(f"== synthetic national run: {n_buurten} buurten, {n_homes:,} homes, "
          f"{n_facilities:,} facilities")
    t0 = time.perf_counter()
    region = synthetic_national(n_buurten, n_homes, n_facilities)
    print(f"  build synthetic data: {time.perf_counter() - t0:.1f} s, "
          f"peak memory so far {peak_rss_gb():.2f} GB")
    t0 = time.perf_counter()
    result = analyse(region, year=2030)
    elapsed = time.perf_counter() - t0
    peak = peak_rss_gb()
    ok = elapsed <= 60 and peak <= 6
    print(f"  analyse (year 2030): {elapsed:.1f} s (target ≤ 60 s); peak memory {peak:.2f} GB "
          f"(target ≤ 6 GB) -> {'PASS' if ok else 'FAIL'}")
    print(f"  output: {len(result.buurt)} buurten, {len(result.kerngebied)} kerngebieden, "
          f"{len(result.grid):,} grid cells, {len(result.ranking):,} ranking rows")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--default", action="store_true", help="only the demo region")
    parser.add_argument("--national", action="store_true", help="only the national run")
    parser.add_argument("--buurten", type=int, default=14_500)
    parser.add_argument("--homes", type=int, default=8_000_000)
    parser.add_argument("--facilities", type=int, default=10_000)
    args = parser.parse_args()
    both = not (args.default or args.national)
    ok = True
    if args.default or both:
        ok &= bench_default()
    if args.national or both:
        ok &= bench_national(args.buurten, args.homes, args.facilities)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
