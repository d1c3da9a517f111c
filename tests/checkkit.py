"""A small region with a ``reference`` layer whose check verdicts are computed by hand.

Built on :func:`regionkit.tiny_region` (buurten Alfa and Bravo in wijk WK999900, Charlie in
WK999901; 1000 / 800 / 200 inhabitants, 65+ 400 / 200 / 80). The homes are replaced so that
the figures are easy to follow:

* Alfa 60 homes (30 single-family) all at (500, 1500); Bravo 40 single-family homes at
  (1500, 1500); Charlie 100 single-family homes at (500, 500) (offsets from X0, Y0);
* a GP at (1500, 1500) and a supermarket at (100, 1100) (tiny_region's F2 and F1).

Straight-line distances, hence the model: GP Alfa 1.0 km, Bravo 0.0, Charlie √2 = 1.414 km;
gemeente (weighted by inhabitants) (1000·1 + 200·1.414) / 2000 = 0.641 km. Supermarket Alfa
√(400²+400²) = 0.566 km, Bravo √(1400²+400²) = 1.456 km, Charlie √(400²+600²) = 0.721 km;
gemeente (1000·0.566 + 800·1.456 + 200·0.721) / 2000 = 0.937 km.
"""

from __future__ import annotations

import dataclasses
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from regionkit import X0, Y0, tiny_region

from geo import vocabulary
from geo.model.region import LAYER_COLUMNS, Region, validate_region

GP_KM = {"BU99990000": 1.0, "BU99990001": 0.0, "BU99990100": math.sqrt(2)}
SUPERMARKET_KM = {"BU99990000": math.hypot(400, 400) / 1000,
                  "BU99990001": math.hypot(1400, 400) / 1000,
                  "BU99990100": math.hypot(400, 600) / 1000}
POP = {"BU99990000": 1000, "BU99990001": 800, "BU99990100": 200}
GM_GP_KM = sum(POP[c] * GP_KM[c] for c in POP) / 2000
GM_SUPERMARKET_KM = sum(POP[c] * SUPERMARKET_KM[c] for c in POP) / 2000


def _homes() -> gpd.GeoDataFrame:
    # buurt, number, single-family, x, y
    spec = [("BU99990000", 30, True, 500, 1500), ("BU99990000", 30, False, 500, 1500),
            ("BU99990001", 40, True, 1500, 1500), ("BU99990100", 100, True, 500, 500)]
    rows = [(code, sf, x, y) for code, n, sf, x, y in spec for _ in range(n)]
    n = len(rows)
    return gpd.GeoDataFrame(
        {"home_id": [f"H{i}" for i in range(n)], "construction_year": np.full(n, 1980),
         "dwelling_type": ["single_family" if r[1] else "multi_family" for r in rows],
         "step_free": np.zeros(n, bool), "lift": np.zeros(n, bool),
         "floor_area": np.full(n, 100.0),
         "tenure": ["owner_occupied" if r[0] != "BU99990100" else "social_rent" for r in rows],
         "owner": ["eigenaar-bewoner"] * n, "buurt_code": [r[0] for r in rows]},
        geometry=[shapely.Point(X0 + r[2], Y0 + r[3]) for r in rows], crs=vocabulary.METRIC_CRS)


def reference_frame(rows: list[dict]) -> pd.DataFrame:
    """A reference layer from partial rows (missing figures NaN)."""
    cols = LAYER_COLUMNS["reference"]
    full = [{c: r.get(c, "" if c in ("name", "source") else np.nan) for c in cols}
            for r in rows]
    return pd.DataFrame(full, columns=list(cols))


def check_reference() -> pd.DataFrame:
    """Published figures chosen so that each verdict is known (see the test module)."""
    src = {"year": 2024, "source": "test: CBS-achtige cijfers"}
    return reference_frame([
        {"level": "gemeente", "code": "GM9999", "name": "Testgemeente", "inhabitants": 2000,
         "pop_65plus": 680, "dwellings": 200, "share_single_family": 78,
         "dist_gp_km": 0.8, "dist_supermarket_km": 1.7, **src},
        {"level": "wijk", "code": "WK999900", "name": "Noord", "inhabitants": 1803,
         "dwellings": 101, "share_single_family": 72, **src},
        {"level": "wijk", "code": "WK999901", "name": "Zuid", "inhabitants": 200,
         "dwellings": 97, "share_single_family": 100, **src},
        {"level": "buurt", "code": "BU99990000", "name": "Alfa", "inhabitants": 1000,
         "pop_65plus": 400, "households": 450, "dist_gp_km": 1.5, "dist_supermarket_km": 2.0,
         **src},
        {"level": "buurt", "code": "BU99990001", "name": "Bravo", "inhabitants": 805,
         "pop_65plus": 200, "dist_gp_km": 0.4, "dist_supermarket_km": 1.0, **src},
        {"level": "buurt", "code": "BU99990100", "name": "Charlie", "inhabitants": 200,
         "pop_65plus": 80, "dist_gp_km": 2.0, "dist_supermarket_km": 3.0, **src},
    ])


def check_region_fixture(*, households: bool = False) -> Region:
    """tiny_region with the homes above and :func:`check_reference`."""
    base = tiny_region()
    population = base.population.copy()
    if households:
        population["households"] = [450.0, 330.0, np.nan]
    region = dataclasses.replace(base, homes=_homes(), population=population,
                                 reference=check_reference(),
                                 metadata={**base.metadata,
                                           "source_reference": "test: CBS-achtige cijfers"})
    return validate_region(region)
