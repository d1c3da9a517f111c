"""Generated homes of the default Midden-Drenthe region: the region's own facts.

The placement and attributes are region-agnostic (:mod:`geo.datasets._homes`); this module
adds what is particular to Midden-Drenthe:

- the neighbouring towns that end the derived road lines (:data:`NEIGHBOUR_TOWNS`);
- social rent (corporation homes) in the village cores, calibrated to Woonservice's
  published stock (2,139 homes, 1,384 of them in Beilen) in the Beilen and Westerbork
  areas; in the Smilde area the corporation is Actium with the same share of rented homes
  as Woonservice outside Beilen (an assumption, after Actium's building plans for Smilde,
  Bovensmilde and Hoogersmilde).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from geo.datasets import _homes
from geo.datasets._homes import buurt_roads, dwelling_plan

__all__ = ["NEIGHBOUR_TOWNS", "buurt_roads", "dwelling_plan", "make_homes", "road_lines"]

#: Towns just outside the municipality (approximate centre, WGS84 lon/lat); used only as
#: end points of the derived road lines.
NEIGHBOUR_TOWNS: dict[str, tuple[float, float]] = {
    "Assen": (6.5627, 52.9925), "Rolde": (6.6480, 52.9830), "Grolloo": (6.6790, 52.9350),
    "Schoonloo": (6.7170, 52.9050), "Zweeloo": (6.7270, 52.7950),
    "Geesbrug": (6.6178, 52.7233), "Hoogeveen": (6.4764, 52.7225),
    "Tiendeveen": (6.5338, 52.7367), "Pesse": (6.4530, 52.7730),
    "Dwingeloo": (6.3700, 52.8340), "Diever": (6.3186, 52.8547),
    "Appelscha": (6.3500, 52.9550), "Hijkersmilde": (6.4250, 52.9680),
}

#: Published stock of Woonservice (gemeente Midden-Drenthe, interview "Woonservice", 15 May,
#: middendrenthe.nl): 2,139 rented homes, 1,384 of them in Beilen.
WOONSERVICE_TOTAL, WOONSERVICE_BEILEN = 2139, 1384
_BEILEN = "BU17310000"


def road_lines(areas: gpd.GeoDataFrame, villages: pd.DataFrame) -> shapely.Geometry:
    """Derived road lines of Midden-Drenthe (:func:`geo.datasets._homes.road_lines`)."""
    return _homes.road_lines(areas, villages, NEIGHBOUR_TOWNS)


def _social_shares(plan: pd.DataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    """Share of rented homes that is social rent, per buurt (Woonservice calibration)."""
    info = areas.set_index("buurt_code")
    rented = plan["dwellings"] - np.round(plan["dwellings"] * plan["pct_owner"] / 100)
    core = info["buurt_type"].reindex(plan.index) == "kern"
    woonservice = core & info["kerngebied"].reindex(plan.index).isin(["Beilen", "Westerbork"])
    other = woonservice & (plan.index != _BEILEN)
    beilen_share = min(0.95, WOONSERVICE_BEILEN / max(rented.get(_BEILEN, 0), 1))
    rest_share = min(0.95, (WOONSERVICE_TOTAL - WOONSERVICE_BEILEN)
                     / max(float(rented[other].sum()), 1.0))
    shares = pd.Series(np.where(core, rest_share, 0.0), index=plan.index)
    shares[_BEILEN] = beilen_share
    return shares


def make_homes(rng: np.random.Generator, areas: gpd.GeoDataFrame, plan: pd.DataFrame,
               villages: pd.DataFrame,
               ) -> tuple[gpd.GeoDataFrame, dict[str, tuple[Point, shapely.Geometry]]]:
    """The homes of Midden-Drenthe (see :func:`geo.datasets._homes.make_homes`)."""
    codes = areas["buurt_code"].to_numpy()
    corporation = pd.Series(np.where(areas["kerngebied"] == "Smilde", "Actium",
                                     "Woonservice"), index=codes)
    return _homes.make_homes(rng, areas, plan, villages, towns=NEIGHBOUR_TOWNS,
                             social_share=_social_shares(plan, areas),
                             corporation=corporation,
                             id_prefix=pd.Series("1731010", index=codes))
