"""Benchmark exports of a national-size grid layer (≈150,000 cells of 500 m) per format.

Prints figures; it is not a timed test. Target (export issue): each format ≤ 10 s.

The grid layer has the real schema: the demo analysis's ``gaps_grid`` columns, tiled over
≈150,000 cells covering the Netherlands' RD extent with random values (a national run has
about 130,000 populated cells; see ``bench_analysis.py``).

Usage::

    python benchmarks/bench_export.py [--cells 150000]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis.gaps import analyse
from geo.datasets import load_demo_region
from geo.reporting.export import FORMATS, write_export

TARGET_S = 10.0


def national_grid(template: gpd.GeoDataFrame, n: int, size: float = 500.0,
                  seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` grid cells with the columns of ``template`` and random values."""
    rng = np.random.default_rng(seed)
    nx = int(np.ceil(np.sqrt(n * 1.3)))
    ix = np.arange(n) % nx
    iy = np.arange(n) // nx
    x0, y0 = 13_000 + ix * size, 306_000 + iy * size
    data: dict[str, object] = {}
    for col in template.columns:
        if col == "geometry":
            continue
        src = template[col]
        if col == "cell_id":
            data[col] = [f"E{int(x)}N{int(y)}" for x, y in zip(x0, y0, strict=True)]
        elif pd.api.types.is_numeric_dtype(src.dtype):
            values = rng.gamma(1.5, max(float(np.nanmean(np.abs(src))), 1.0), n)
            data[col] = values.astype(src.dtype) if src.dtype.kind == "i" else values
        else:
            data[col] = rng.choice(src.dropna().astype(str).unique(), n)
    return gpd.GeoDataFrame(data, geometry=shapely.box(x0, y0, x0 + size, y0 + size),
                            crs=template.crs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cells", type=int, default=150_000)
    args = parser.parse_args()
    result = analyse(load_demo_region())
    t0 = time.perf_counter()
    grid = national_grid(result.grid, args.cells)
    big = dataclasses.replace(result, grid=grid)
    print(f"== export of a national-size grid: {len(grid):,} cells, "
          f"{grid.shape[1] - 1} fields (built in {time.perf_counter() - t0:.1f} s)")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, (label, suffix, _) in FORMATS.items():
            path = Path(tmp) / f"grid{suffix}"
            t0 = time.perf_counter()
            write_export(big, "gaps_grid", fmt, path)
            seconds = time.perf_counter() - t0
            ok &= seconds <= TARGET_S
            print(f"  {label:<26} {seconds:6.2f} s  {path.stat().st_size / 1e6:7.1f} MB  "
                  f"-> {'PASS' if seconds <= TARGET_S else 'FAIL'} (≤ {TARGET_S:.0f} s)")
    print("all formats within target" if ok else "SOME FORMATS EXCEED THE TARGET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
