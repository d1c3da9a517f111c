"""A small region WITH a street network: a canal with one bridge and an island.

Offsets from (X0, Y0) of :mod:`regionkit`, metres in RD New::

    y
    2600 ┌───────────────── Eiland (BU99990100) ─────────────────┐
    2300 │   E1 ●━━━━━━━━━━━ island street (no link) ━━━━━━━ ● E2  │
    2000 ├────────── West (BU99990000) ──┬──── Oost (BU99990001) ──┤
    1900 │                    ┏━━━━ bridge ━━━━┓                   │
    1700 │                    ┃       ~        ● O2                │
    1400 │                 W2 ●       ~        ┃                   │
    1000 │                 GP ■       ~        ● O1                │
     900 │                 W1 ●       ~        ┃                   │
       0 └────────────────────┸── canal x=1000 ┸───────────────────┘
                             950              1050

Homes and the GP lie ON the bank streets (access legs 0), so over the network:

* West (W1, W2: 100 m and 400 m from the GP) — the same as the straight line;
* Oost (O1: 100 m straight, 900 + 100 + 900 = 1900 m over the bridge; O2: √(100² + 700²)
  = 707 m straight, 200 + 100 + 900 = 1200 m) — within the GP's walking norm of 1,000 m by
  straight line, beyond it over the network;
* Eiland (E1, E2 on a street that is not linked to the rest) — about 1.4 km straight, no
  route over the network: unreachable.

Each buurt has 20 people 75+ (and 100 inhabitants), spread evenly over its two homes.
"""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from regionkit import X0, Y0

from geo import vocabulary
from geo.model.network import StreetNetwork
from geo.model.profiles import TAG_KEYS
from geo.model.region import Region, validate_region

WEST, OOST, EILAND = "BU99990000", "BU99990001", "BU99990100"
GP = (950.0, 1000.0)
HOMES = {  # home id: (buurt, x, y)
    "W1": (WEST, 950.0, 900.0), "W2": (WEST, 950.0, 1400.0),
    "O1": (OOST, 1050.0, 1000.0), "O2": (OOST, 1050.0, 1700.0),
    "E1": (EILAND, 500.0, 2300.0), "E2": (EILAND, 1500.0, 2300.0),
}
#: Nearest GP per home: straight line and over the network (inf: unreachable).
STRAIGHT_M = {"W1": 100.0, "W2": 400.0, "O1": 100.0, "O2": math.hypot(100, 700),
              "E1": math.hypot(450, 1300), "E2": math.hypot(550, 1300)}
NETWORK_M = {"W1": 100.0, "W2": 400.0, "O1": 1900.0, "O2": 1200.0,
             "E1": math.inf, "E2": math.inf}


def canal_network() -> StreetNetwork:
    """The streets: both banks (0 … 1900), the bridge at 1900 and the island street."""
    local = np.array([[950, 0], [950, 1900], [1050, 0], [1050, 1900], [200, 2300],
                      [1800, 2300]], dtype=float)
    node_xy = local + [X0, Y0]
    u, v = np.array([0, 2, 1, 4]), np.array([1, 3, 3, 5])
    geometry = np.array([shapely.LineString([node_xy[a], node_xy[b]])
                         for a, b in zip(u, v, strict=True)], dtype=object)
    tags = pd.DataFrame({key: [""] * 4 for key in TAG_KEYS})
    tags["highway"] = ["residential", "residential", "residential", "footway"]
    tags = tags[list(TAG_KEYS)].assign(osm_way_id=np.arange(1, 5, dtype=np.int64))
    return StreetNetwork(node_xy=node_xy, node_osm_id=np.arange(1, 7, dtype=np.int64),
                         u=u, v=v, length_m=shapely.length(geometry), geometry=geometry,
                         tags=tags, source="testkanaal.osm")


def _box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def canal_region(*, network: bool = True, metadata: dict[str, str] | None = None) -> Region:
    """The region of the module docstring (``network=False``: the same without streets)."""
    areas = gpd.GeoDataFrame(
        {"buurt_code": [WEST, OOST, EILAND], "buurt_name": ["West", "Oost", "Eiland"],
         "wijk_code": ["WK999900", "WK999900", "WK999901"],
         "wijk_name": ["Kanaal", "Kanaal", "Eiland"],
         "gemeente_code": ["GM9999"] * 3, "gemeente_name": ["Kanaalgemeente"] * 3,
         "kerngebied": ["Kanaal", "Kanaal", "Eiland"],
         "buurt_type": ["kern", "kern", "verspreide_huizen"]},
        geometry=[_box(0, 0, 1000, 2000), _box(1000, 0, 2000, 2000), _box(0, 2000, 2000, 2600)],
        crs=vocabulary.METRIC_CRS)
    bands = vocabulary.band_columns()
    population = pd.DataFrame([{"buurt_code": code, **dict(zip(bands, [20, 10, 20, 10, 20,
                                                                       15, 5], strict=True))}
                               for code in (WEST, OOST, EILAND)])
    ids = list(HOMES)
    homes = gpd.GeoDataFrame(
        {"home_id": ids, "construction_year": [1980] * 6,
         "dwelling_type": ["single_family"] * 6, "step_free": [False] * 6,
         "lift": [False] * 6, "floor_area": [100.0] * 6, "tenure": ["owner_occupied"] * 6,
         "owner": ["eigenaar-bewoner"] * 6, "buurt_code": [HOMES[h][0] for h in ids]},
        geometry=[shapely.Point(X0 + HOMES[h][1], Y0 + HOMES[h][2]) for h in ids],
        crs=vocabulary.METRIC_CRS)
    facilities = gpd.GeoDataFrame(
        {"facility_id": ["G1"], "facility_type": ["gp"], "name": ["Huisarts West"],
         "operator": ["Test"], "capacity": [2000.0]},
        geometry=[shapely.Point(X0 + GP[0], Y0 + GP[1])], crs=vocabulary.METRIC_CRS)
    meta = {"region_name": "Kanaalregio", "gemeente_code": "GM9999", "base_year": "2024",
            "demo": "false", "source_areas": "test", **(metadata or {})}
    region = validate_region(Region(areas=areas, population=population, homes=homes,
                                    facilities=facilities, metadata=meta))
    if not network:
        return region
    import dataclasses

    return dataclasses.replace(region, network=canal_network(),
                               metadata={**region.metadata,
                                         "source_network": "testkanaal.osm (test)",
                                         "network_buffer_m": "0"})
