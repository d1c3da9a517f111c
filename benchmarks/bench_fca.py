"""Benchmark 2SFCA: ``geo.analysis.fca.two_step_fca`` against PySAL access.

Prints a table; it is not a timed test. Targets:

- identical results: max relative difference <= 1e-9;
- ``two_step_fca`` >= 5x faster than ``access.fca.two_stage_fca``.

Fair play: access gets its natural input, a cost DataFrame of the (demand, supply)
pairs within the radius, prepared outside the timing; it is timed both with
``max_cost=radius`` and without (the cost table is already cut to the radius), and
the faster of the two is the baseline. ``two_step_fca`` is timed end to end, from
coordinates (pair search included). Each is the best of ``--repeat`` runs,
interleaved so machine noise hits both alike.

The synthetic region is a square (default 40 x 40 km, in RD New metres) with
towns of different sizes (Gaussian clusters) holding most demand and supply points,
plus scattered rural points, so catchments in towns hold many pairs.

Usage::

    python benchmarks/bench_fca.py                    # 100,000 x 2,000, radius 1,500 m
    python benchmarks/bench_fca.py --n-demand 200000 --n-supply 5000 --seed 1
    python benchmarks/bench_fca.py --quick            # tiny smoke run (speed not judged)

Exit code 0 when every judged target passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geo.analysis.fca import two_step_fca

TARGET_SPEEDUP = 5.0
TARGET_REL_DIFF = 1e-9
RD_ORIGIN = (215_000.0, 530_000.0)  # south-west corner, RD New metres (Drenthe)


def synthetic_problem(
    n_demand: int, n_supply: int, side: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Demand and supply points in a ``side`` x ``side`` m square with towns.

    Returns demand_xy, demand, supply_xy, capacity and the number of towns.
    """
    rng = np.random.default_rng(seed)
    n_towns = max(3, round(side * side / 40e6))  # one town per 40 km^2
    centres = rng.uniform(0.1 * side, 0.9 * side, size=(n_towns, 2))
    size = rng.pareto(1.2, n_towns) + 1.0
    size /= size.sum()
    spread = 600.0 + 2500.0 * np.sqrt(size / size.max())  # metres

    def points(count: int, rural_share: float) -> np.ndarray:
        rural = int(round(count * rural_share))
        town = rng.choice(n_towns, size=count - rural, p=size)
        xy = np.vstack(
            [
                centres[town] + rng.normal(size=(count - rural, 2)) * spread[town, None],
                rng.uniform(0.0, side, size=(rural, 2)),
            ]
        )
        return np.clip(xy, 0.0, side) + np.asarray(RD_ORIGIN)

    demand_xy = points(n_demand, 0.15)
    supply_xy = points(n_supply, 0.10)
    demand = rng.integers(1, 9, n_demand).astype(float)  # e.g. residents per address
    capacity = rng.integers(5, 121, n_supply).astype(float)  # e.g. places per facility
    return demand_xy, demand, supply_xy, capacity, n_towns


def best_time(fn: Callable[[], object], times: list[float]) -> object:
    """Run ``fn`` once, append its wall time to ``times`` and return its result."""
    t0 = time.perf_counter()
    out = fn()
    times.append(time.perf_counter() - t0)
    return out


def max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Largest ``|a - b| / max(|a|, |b|)`` (0 where both are 0; inf for NaN)."""
    if np.isnan(a).any() or np.isnan(b).any():
        return float("inf")
    denom = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    rel = np.divide(diff, denom, out=np.zeros_like(diff), where=denom > 0)
    return float(rel.max()) if rel.size else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-demand", type=int, default=100_000)
    parser.add_argument("--n-supply", type=int, default=2_000)
    parser.add_argument("--radius", type=float, default=1_500.0, help="metres")
    parser.add_argument("--side", type=float, default=40_000.0, help="region side, metres")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument(
        "--quick", action="store_true", help="tiny problem for a smoke test; speed not judged"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.n_demand, args.n_supply, args.side = 3_000, 60, 10_000.0

    logging.getLogger("access").setLevel(logging.ERROR)  # access logs at INFO by default
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from access.fca import two_stage_fca
        except ImportError:
            print("PySAL access is not installed (pip install access)", file=sys.stderr)
            return 1

    demand_xy, demand, supply_xy, capacity, n_towns = synthetic_problem(
        args.n_demand, args.n_supply, args.side, args.seed
    )
    n, m, radius = len(demand_xy), len(supply_xy), args.radius

    # access's natural input, prepared outside the timing: pairs within the radius
    pairs = cKDTree(demand_xy).sparse_distance_matrix(
        cKDTree(supply_xy), radius, output_type="ndarray"
    )
    cost_df = pd.DataFrame({"origin": pairs["i"], "dest": pairs["j"], "cost": pairs["v"]})
    demand_df = pd.DataFrame({"geoid": np.arange(n), "demand": demand})
    supply_df = pd.DataFrame({"supply": capacity}, index=pd.Index(np.arange(m), name="geoid"))
    k = len(cost_df)

    def run_access(max_cost: float | None) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            series = two_stage_fca(demand_df, supply_df, cost_df, max_cost=max_cost)
        # demand points without a supply in reach are missing from access's output
        return series.reindex(np.arange(n), fill_value=0.0).to_numpy(dtype=float)

    def run_ours() -> np.ndarray:
        return two_step_fca(demand_xy, demand, supply_xy, capacity, radius)

    run_ours()  # warm-up: imports and first-touch memory
    t_cap: list[float] = []
    t_all: list[float] = []
    t_ours: list[float] = []
    for _ in range(max(1, args.repeat)):
        ref_cap = best_time(lambda: run_access(radius), t_cap)
        ref_all = best_time(lambda: run_access(None), t_all)
        ours = best_time(run_ours, t_ours)

    diff = max(max_rel_diff(ours, ref_cap), max_rel_diff(ours, ref_all))
    access_best = min(min(t_cap), min(t_all))
    speedup = access_best / min(t_ours)
    same_ok = diff <= TARGET_REL_DIFF
    speed_ok = args.quick or speedup >= TARGET_SPEEDUP
    reps = max(1, args.repeat)

    print(
        f"2SFCA benchmark: {n:,} demand x {m:,} supply points, radius {radius:,.0f} m, "
        f"seed {args.seed}"
    )
    print(
        f"  region {args.side / 1000:g} x {args.side / 1000:g} km, {n_towns} towns; "
        f"pairs within radius: {k:,} ({k / n:.1f} per demand point, {k / m:.1f} per supply point)"
    )
    print()
    print(f"  {'method':<48}{'best of ' + str(reps):>12}")
    print(f"  {'access.fca.two_stage_fca, max_cost=radius':<48}{min(t_cap) * 1e3:>9.1f} ms")
    print(f"  {'access.fca.two_stage_fca, max_cost=None':<48}{min(t_all) * 1e3:>9.1f} ms")
    print(f"  {'two_step_fca (end to end)':<48}{min(t_ours) * 1e3:>9.1f} ms")
    print()
    speed_note = "not judged (--quick)" if args.quick else ("PASS" if speed_ok else "FAIL")
    print(
        f"  {'speed-up vs faster access call':<36}{speedup:>10.1f}x  "
        f"(target >= {TARGET_SPEEDUP:g}x)   {speed_note}"
    )
    print(
        f"  {'max relative difference':<36}{diff:>11.1e}  "
        f"(target <= {TARGET_REL_DIFF:g})  {'PASS' if same_ok else 'FAIL'}"
    )
    ok = same_ok and speed_ok
    print(f"  RESULT: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
