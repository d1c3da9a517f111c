"""Benchmark scenario recomputation on the default (demo) region.

Prints figures; it is not a timed test. Target (scenario issue): recomputing a scenario
takes ≤ 100 ms "after the first analysis". The scenario here: a project of 60 step-free
homes in Smilde centrum (ready 2028) plus closing one facility (F0002, Altingerhof
somatisch, Beilen), analysed for 2030.

``analyse_scenario`` applies the scenario to a copy of the region (validating the scenario
and the rows it adds) and runs :func:`geo.analysis.gaps.analyse`; with ``prepared=`` (made once per
region by :func:`geo.analysis.prepared.prepare_region`, as the app does) the outlines, people
points and nearest-facility distances of the base region are reused. The breakdown shows
where the time goes.

Usage::

    python benchmarks/bench_scenario.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from geo.analysis.gaps import analyse
from geo.analysis.prepared import prepare_region
from geo.analysis.scenario import analyse_scenario, apply_scenario
from geo.datasets import load_demo_region
from geo.model.scenario import scenario_from_dict, scenario_norms, scenario_prognosis
from geo.model.scenario_checks import validate_scenario

TARGET_S = 0.100

SCENARIO = {
    "name": "60 nultredenwoningen Smilde + sluiting F0002",
    "year": 2030,
    "projects": [{"name": "Nieuwbouw Smilde", "x": 226600.0, "y": 552400.0, "ready": 2028,
                  "units": {"step_free": 60}}],
    "facility_changes": [{"action": "close", "id": "F0002"}],
}


def _median(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), min(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    t0 = time.perf_counter()
    region = load_demo_region()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    analyse(region, year=2030)
    first_s = time.perf_counter() - t0
    scenario = scenario_from_dict(SCENARIO)

    print("== scenario recomputation, default region (Midden-Drenthe demo)")
    print(f"  buurten {len(region.areas)}, homes {len(region.homes)}, "
          f"facilities {len(region.facilities)}")
    print(f"  load + validate region:      {load_s * 1000:7.1f} ms")
    print(f"  first default analysis:      {first_s * 1000:7.1f} ms (cold: imports, caches)")

    prepared = prepare_region(region)
    analyse_scenario(region, scenario, prepared=prepared)  # warm-up (pyproj, tomli_w, caches)
    med, best = _median(lambda: analyse(region, year=2030), args.repeat)
    print(f"  analyse (no scenario, nothing reused): {med * 1000:7.1f} ms median, "
          f"best {best * 1000:.1f}")
    med_p, _ = _median(lambda: prepare_region(region), args.repeat)
    print(f"  prepare_region (once per region):      {med_p * 1000:7.1f} ms median")
    med_v, _ = _median(lambda: validate_scenario(scenario, region), args.repeat)
    print(f"    validate_scenario:         {med_v * 1000:7.1f} ms median")
    med_a, _ = _median(lambda: apply_scenario(region, scenario), args.repeat)
    print(f"    apply_scenario (incl. validate_scenario): {med_a * 1000:.1f} ms median")
    applied = apply_scenario(region, scenario)
    norms, prog = scenario_norms(scenario), scenario_prognosis(scenario)
    med_g, _ = _median(lambda: analyse(applied, year=2030, norms=norms, prognosis=prog,
                                       prepared=prepared), args.repeat)
    print(f"    analyse of applied region (prepared): {med_g * 1000:7.1f} ms median")
    med_n, _ = _median(lambda: analyse_scenario(region, scenario), args.repeat)
    print(f"  analyse_scenario without prepared:     {med_n * 1000:7.1f} ms median")
    med_s, best_s = _median(lambda: analyse_scenario(region, scenario, prepared=prepared),
                            args.repeat)
    ok = med_s <= TARGET_S
    print(f"  analyse_scenario (prepared, total):    {med_s * 1000:7.1f} ms median, best "
          f"{best_s * 1000:.1f} ms over {args.repeat} runs (target ≤ {TARGET_S * 1000:.0f} ms)"
          f" -> {'PASS' if ok else 'FAIL'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
