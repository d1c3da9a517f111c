"""Benchmark the analysis of regions of several municipalities (issue 13).

Prints figures; it is not a timed test. Targets:

- the three-municipality region Zuidoost-Drenthe (Borger-Odoorn, Coevorden, Emmen: 209
  buurten, 171,000 inhabitants, about 80,000 homes) analyses in ≤ 1 s;
- a region of all 12 Drenthe municipalities (about 650 buurten, 500,000 inhabitants,
  230,000 homes) analyses in ≤ 3 s.

Both regions are synthetic, built here in code in the real region-package schema (no data
files are read): every municipality is a block of square buurten with kerngebieden of ten
buurten, homes clustered around the buurt centres, facilities among the homes (about 3.4
per 1,000 inhabitants, as in the Midden-Drenthe demo) plus 10 % in a 5 km buffer around the
region (``outside_region``). Timings: a cold analysis (the structures of
:func:`geo.analysis.prepared.prepare_region` computed inside, as a first page load), warm
analyses of other years, and a scenario recompute with ``prepared=``.

Usage::

    python benchmarks/bench_regions.py            # both regions
    python benchmarks/bench_regions.py --only boce
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.analysis.gaps import analyse
from geo.analysis.prepared import prepare_region
from geo.analysis.scenario import analyse_scenario
from geo.model.region import Region, validate_region
from geo.model.scenario import scenario_from_dict

BUURT_M = 2000.0  # edge of a square buurt
BUFFER_M = 5000.0
X0, Y0 = 220_000.0, 520_000.0

#: name, code, buurten, inhabitants, homes (rounded CBS 2024 orders of magnitude)
BOCE = [("Borger-Odoorn", "GM1681", 56, 25_800, 12_200),
        ("Coevorden", "GM0109", 67, 35_800, 16_600),
        ("Emmen", "GM0114", 86, 109_500, 51_200)]
DRENTHE = BOCE + [("Aa en Hunze", "GM1680", 45, 25_900, 11_800),
                  ("Assen", "GM0106", 60, 69_600, 32_500),
                  ("De Wolden", "GM1690", 40, 24_600, 10_900),
                  ("Hoogeveen", "GM0118", 55, 56_500, 25_600),
                  ("Meppel", "GM0119", 35, 35_600, 16_000),
                  ("Midden-Drenthe", "GM1731", 51, 33_900, 15_300),
                  ("Noordenveld", "GM1699", 45, 32_900, 15_000),
                  ("Tynaarlo", "GM1730", 50, 35_000, 15_600),
                  ("Westerveld", "GM1701", 40, 19_900, 9_000)]


def synthetic_region(municipalities: list[tuple[str, str, int, int, int]], name: str,
                     seed: int = 0) -> Region:
    """A region of the given municipalities in the real schema (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n_buurten = sum(m[2] for m in municipalities)
    side = int(np.ceil(np.sqrt(n_buurten)))
    ix, iy = np.divmod(np.arange(n_buurten), side)  # municipalities are consecutive blocks
    x0, y0 = X0 + ix * BUURT_M, Y0 + iy * BUURT_M
    gm_of = np.repeat(np.arange(len(municipalities)), [m[2] for m in municipalities])
    local = np.concatenate([np.arange(m[2]) for m in municipalities])
    codes = np.array([f"BU{int(municipalities[g][1][2:]):04d}{k:04d}"
                      for g, k in zip(gm_of, local, strict=True)], dtype=object)
    gm_code = np.array([municipalities[g][1] for g in gm_of], dtype=object)
    gm_name = np.array([municipalities[g][0] for g in gm_of], dtype=object)
    areas = gpd.GeoDataFrame(
        {"buurt_code": codes, "buurt_name": codes,
         "wijk_code": [f"WK{c[2:6]}{k // 10:02d}" for c, k in zip(codes, local, strict=True)],
         "wijk_name": "w", "gemeente_code": gm_code, "gemeente_name": gm_name,
         "kerngebied": [f"{n} {k // 10 + 1}" for n, k in zip(gm_name, local, strict=True)]},
        geometry=shapely.box(x0, y0, x0 + BUURT_M, y0 + BUURT_M), crs=vocabulary.METRIC_CRS)
    # homes and people per municipality, lognormal buurt sizes
    per_homes = np.zeros(n_buurten, dtype=np.int64)
    per_people = np.zeros(n_buurten)
    for g, (_, _, n_bu, people, homes) in enumerate(municipalities):
        sel = np.flatnonzero(gm_of == g)
        w = rng.lognormal(0, 1.0, n_bu)
        per_homes[sel] = rng.multinomial(homes, w / w.sum())
        per_people[sel] = per_homes[sel] * people / homes
    n_homes = int(per_homes.sum())
    owner = np.repeat(np.arange(n_buurten), per_homes)
    hx = x0[owner] + np.clip(rng.normal(BUURT_M / 2, BUURT_M / 5, n_homes), 1, BUURT_M - 1)
    hy = y0[owner] + np.clip(rng.normal(BUURT_M / 2, BUURT_M / 5, n_homes), 1, BUURT_M - 1)
    multi = rng.random(n_homes) < 0.25
    homes = gpd.GeoDataFrame(
        {"home_id": np.arange(n_homes), "construction_year": rng.integers(1900, 2024, n_homes),
         "dwelling_type": np.where(multi, "multi_family", "single_family"),
         "step_free": rng.random(n_homes) < 0.2, "lift": multi & (rng.random(n_homes) < 0.5),
         "floor_area": rng.normal(115, 30, n_homes).clip(30, 400),
         "tenure": "owner_occupied", "owner": "eigenaar-bewoner", "buurt_code": codes[owner]},
        geometry=gpd.points_from_xy(hx, hy), crs=vocabulary.METRIC_CRS)
    shares = np.array([0.145, 0.11, 0.21, 0.28, 0.14, 0.085, 0.03])  # Drenthe-like, older
    pop = pd.DataFrame(np.round(per_people[:, None] * shares).astype(np.int64),
                       columns=vocabulary.band_columns())
    pop.insert(0, "buurt_code", codes)
    facilities = _facilities(rng, hx, hy, int(per_people.sum()), areas)
    gemeenten = [{"code": c, "name": n} for n, c, *_ in municipalities]
    meta = {"region_name": name, "gemeente_code": ",".join(g["code"] for g in gemeenten),
            "gemeenten": json.dumps(gemeenten), "base_year": "2024", "demo": "true"}
    return validate_region(Region(areas=areas, population=pop, homes=homes,
                                  facilities=facilities, metadata=meta))


def _facilities(rng: np.random.Generator, hx: np.ndarray, hy: np.ndarray, people: int,
                areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Facilities among the homes, plus 10 % in the buffer around the region."""
    n_in = int(people * 3.4 / 1000)
    n_out = n_in // 10
    types = np.array(vocabulary.FACILITY_TYPES)
    p = np.full(len(types), 1.0)
    p[types == "bus_stop"] = 6.0
    p[types == "supermarket"] = 2.0
    ftype = types[rng.choice(len(types), n_in + n_out, p=p / p.sum())]
    at = rng.choice(len(hx), n_in)
    xmin, ymin, xmax, ymax = areas.total_bounds
    ring_x = np.where(rng.random(n_out) < 0.5, xmin - rng.random(n_out) * BUFFER_M,
                      xmax + rng.random(n_out) * BUFFER_M)
    ring_y = rng.uniform(ymin - BUFFER_M, ymax + BUFFER_M, n_out)
    fx = np.concatenate([hx[at] + 20, ring_x])
    fy = np.concatenate([hy[at] + 20, ring_y])
    cap = np.where(ftype == "gp", 2100.0, np.where(np.isin(ftype, [
        "nursing_somatic", "nursing_dementia", "clustered_housing", "day_care"]), 40.0, np.nan))
    return gpd.GeoDataFrame(
        {"facility_id": [f"F{i}" for i in range(len(ftype))], "facility_type": ftype,
         "name": "f", "operator": "", "capacity": cap,
         "outside_region": np.arange(len(ftype)) >= n_in},
        geometry=gpd.points_from_xy(fx, fy), crs=vocabulary.METRIC_CRS)


def bench(label: str, municipalities: list, target: float, repeat: int = 5) -> bool:
    t0 = time.perf_counter()
    region = synthetic_region(municipalities, label)
    build = time.perf_counter() - t0
    people = int(region.population[vocabulary.band_columns()].to_numpy().sum())
    print(f"== {label}: {len(municipalities)} gemeenten, {len(region.areas)} buurten, "
          f"{people:,} inwoners, {len(region.homes):,} woningen, "
          f"{len(region.facilities):,} voorzieningen "
          f"({int(region.facilities['outside_region'].sum())} buiten de regio)")
    print(f"  synthetic build + validate: {build:.2f} s")
    t0 = time.perf_counter()
    result = analyse(region)
    cold = time.perf_counter() - t0
    times = []
    for year in [2030, 2035, 2040, 2024, 2030][:repeat]:
        t0 = time.perf_counter()
        analyse(region, year=year)
        times.append(time.perf_counter() - t0)
    median = float(np.median(times))
    ok = cold <= target and median <= target
    print(f"  analyse: first {cold:.3f} s, then median {median:.3f} s (best {min(times):.3f}) "
          f"over {len(times)} years (target ≤ {target:g} s) -> {'PASS' if ok else 'FAIL'}")
    print(f"  layers: gaps_kern {len(result.kerngebied)}, gaps_gemeente {len(result.gemeente)}, "
          f"gaps_regio {len(result.regio)}, gaps_grid {len(result.grid):,}, "
          f"ranking {len(result.ranking):,}")
    gap = abs(result.regio["pop_total"].iloc[0] - result.buurt["pop_total"].sum())
    print(f"  region total − sum of buurten (inhabitants): {gap:.2e}")
    prep = prepare_region(region)
    b0 = region.areas.geometry.iloc[len(region.areas) - 1].centroid  # in the last municipality
    scenario = scenario_from_dict({
        "name": "bench", "year": 2030,
        "facility_changes": [{"action": "close", "id": "F3"}],
        "projects": [{"name": "P", "x": b0.x, "y": b0.y, "ready": 2028,
                      "units": {"step_free": 60, "clustered": 20}}]})
    analyse_scenario(region, scenario, prepared=prep)  # warm the distance cache
    rec = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        analyse_scenario(region, scenario, prepared=prep)
        rec.append(time.perf_counter() - t0)
    print(f"  scenario recompute (prepared): median {float(np.median(rec)) * 1000:.0f} ms")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["boce", "drenthe"])
    args = parser.parse_args(argv)
    ok = True
    if args.only in (None, "boce"):
        ok &= bench("Zuidoost-Drenthe (synthetisch)", BOCE, 1.0)
    if args.only in (None, "drenthe"):
        ok &= bench("Drenthe, 12 gemeenten (synthetisch)", DRENTHE, 3.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
