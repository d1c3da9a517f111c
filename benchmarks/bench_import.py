"""Benchmark the real-data import (issue 6): national CBS buurten and a region build.

Prints figures; it is not a timed test. Targets:

- importing a national CBS buurten GeoPackage (≈14,500 buurten, the WBK 2022+ schema with
  ~40 attribute fields; synthetic) and selecting one municipality ≤ 10 s;
- building a region from a BAG extract of 25,000 dwellings (plus that municipality's CBS
  buurten and a facility list) with ``geo.io.build.build_region`` ≤ 20 s.

Usage::

    python benchmarks/bench_import.py [--buurten 14500] [--homes 25000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
from bench_import_bag import synthetic_bag

from geo import vocabulary
from geo.io.build import build_region
from geo.io.importers.cbs import read_cbs_buurten

CBS_TARGET_S = 10.0
BUILD_TARGET_S = 20.0
EXTRA_FIELDS = 30  # further numeric kerncijfers (income, energy, distances …)


def national_cbs(n_buurten: int, path: Path, vertices: int = 400, seed: int = 7) -> str:
    """Write a synthetic national WBK GeoPackage; return the code of the municipality whose
    buurten cover the BAG benchmark's 10 × 10 km square in Drenthe."""
    rng = np.random.default_rng(seed)
    n_gm = 342
    side = int(np.ceil(np.sqrt(n_buurten)))
    cell = 2000.0
    i = np.arange(n_buurten)
    x0 = 30_000 + (i % side) * cell
    y0 = 310_000 + (i // side) * cell
    # municipalities as blocks of the grid; one block of 5 × 5 buurten over the BAG square
    gm = (i % side) // 6 + ((i // side) // 6) * (side // 6 + 1)
    gm = gm % n_gm
    target = (230_000.0, 540_000.0)
    in_target = ((x0 >= target[0]) & (x0 < target[0] + 10_000) & (y0 >= target[1])
                 & (y0 < target[1] + 10_000))
    gm = np.where(in_target, n_gm, gm)
    codes = [f"GM{g:04d}" for g in gm]
    frame = {
        "buurtcode": [f"BU{g:04d}{k % 10000:04d}"[:10] for g, k in zip(gm, i, strict=True)],
        "buurtnaam": [f"Buurt {k}" for k in i],
        "wijkcode": [f"WK{g:04d}{(k // 50) % 100:02d}" for g, k in zip(gm, i, strict=True)],
        "wijknaam": [f"Wijk {(k // 50) % 100}" for k in i],
        "gemeentecode": codes,
        "gemeentenaam": [f"Gemeente {g}" for g in gm],
        "water": np.where(rng.random(n_buurten) < 0.02, "JA", "NEE"),
        "aantal_inwoners": rng.integers(0, 4000, n_buurten),
        "percentage_personen_0_tot_15_jaar": rng.integers(10, 20, n_buurten),
        "percentage_personen_15_tot_25_jaar": rng.integers(8, 15, n_buurten),
        "percentage_personen_25_tot_45_jaar": rng.integers(18, 30, n_buurten),
        "percentage_personen_45_tot_65_jaar": rng.integers(22, 32, n_buurten),
        "percentage_personen_65_jaar_en_ouder": rng.integers(12, 35, n_buurten),
        "aantal_huishoudens": rng.integers(0, 2000, n_buurten),
        "woningvoorraad": np.where(rng.random(n_buurten) < 0.05, -99997,
                                   rng.integers(0, 2000, n_buurten)),
    }
    for k in range(EXTRA_FIELDS):
        frame[f"kerncijfer_{k}"] = np.where(rng.random(n_buurten) < 0.1, -99995.0,
                                            rng.random(n_buurten) * 100)
    # detailed outlines: the WBK is not generalised (hundreds of vertices per buurt)
    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    ring = np.column_stack([np.cos(angles), np.sin(angles)]) * cell * 0.7
    ring = np.clip(ring, -cell / 2, cell / 2)
    geoms = [shapely.Polygon(ring + (x + cell / 2, y + cell / 2)) for x, y in zip(x0, y0,
                                                                               strict=True)]
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs=vocabulary.METRIC_CRS)
    pyogrio.write_dataframe(gdf, path, layer="buurten", driver="GPKG")
    return f"GM{n_gm:04d}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--buurten", type=int, default=14_500)
    parser.add_argument("--homes", type=int, default=25_000)
    parser.add_argument("--vertices", type=int, default=400, help="vertices per buurt outline")
    args = parser.parse_args()
    os.environ.setdefault("WOONZORGATLAS_MAX_UPLOAD_MB", "4096")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        cbs = Path(tmp) / "wijkenbuurten_2023_v2.gpkg"
        t0 = time.perf_counter()
        code = national_cbs(args.buurten, cbs, args.vertices)
        print(f"== national CBS GeoPackage: {args.buurten:,} buurten, "
              f"{cbs.stat().st_size / 1e6:.0f} MB (written in {time.perf_counter() - t0:.1f} s)")
        t0 = time.perf_counter()
        result = read_cbs_buurten(cbs, gemeente=code)
        seconds = time.perf_counter() - t0
        ok &= seconds <= CBS_TARGET_S
        print(f"  read + select {code}: {seconds:.2f} s, {len(result.areas)} buurten -> "
              f"{'PASS' if seconds <= CBS_TARGET_S else 'FAIL'} (≤ {CBS_TARGET_S:.0f} s)")

        vbo, pand = synthetic_bag(args.homes, seed=3)
        bag = Path(tmp) / "bag-uitsnede.gpkg"
        pyogrio.write_dataframe(vbo, bag, layer="verblijfsobject", driver="GPKG")
        pyogrio.write_dataframe(pand, bag, layer="pand", driver="GPKG")
        fac = Path(tmp) / "voorzieningen.csv"
        xy = shapely.get_coordinates(vbo.geometry.values[:: max(len(vbo) // 40, 1)])
        fac.write_text("naam;type;x;y;capaciteit\n" + "".join(
            f"Voorziening {k};{'gp' if k % 2 else 'supermarket'};{x:.0f};{y:.0f};\n"
            for k, (x, y) in enumerate(xy)), encoding="utf-8")
        print(f"== region build: BAG extract {bag.stat().st_size / 1e6:.0f} MB "
              f"({int((vbo['gebruiksdoel'] == 'woonfunctie').sum()):,} dwellings)")
        t0 = time.perf_counter()
        built = build_region(cbs=cbs, gemeente=code, bag=bag, facilities=[fac])
        seconds = time.perf_counter() - t0
        ok &= seconds <= BUILD_TARGET_S
        print(f"  build_region (CBS national file + BAG + facilities): {seconds:.2f} s, "
              f"{built.stats['homes']:,} homes in {built.stats['buurten']} buurten -> "
              f"{'PASS' if seconds <= BUILD_TARGET_S else 'FAIL'} (≤ {BUILD_TARGET_S:.0f} s)")
    print("all targets met" if ok else "SOME TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
