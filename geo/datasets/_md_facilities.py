"""Facilities of the default Midden-Drenthe region: the region's own facts.

The rules are generic (:mod:`geo.datasets._facilities`); Midden-Drenthe adds:

- the named care locations of ``data/midden_drenthe_care_locations.csv`` with their
  published capacity (Altingerhof, 't Derkshoes, De Wegwijzer …), ``location_basis``
  ``"dorp bekend"``;
- two community centres in Beilen;
- just outside the municipality: the hospitals of Assen (Wilhelmina Ziekenhuis) and
  Hoogeveen (Treant) with a GP out-of-hours post, and a GP practice, pharmacy and
  supermarket in Assen-Kloosterveen (approximate points).

GP practices come out in Beilen, Smilde, Bovensmilde and Westerbork (the villages whose
core buurt lies within 1.5 km of a GP by road according to CBS).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from geo.datasets._facilities import ASSUMED, KNOWN, Fixed, care_locations
from geo.datasets._facilities import make_facilities as _make

__all__ = ["ASSUMED", "KNOWN", "OUTSIDE", "make_facilities"]

#: Facilities just outside the municipality (approximate points).
OUTSIDE: tuple[Fixed, ...] = (
    ("Assen", 6.5785, 52.9841, "hospital", "Wilhelmina Ziekenhuis Assen", "WZA", None),
    ("Assen", 6.5790, 52.9836, "gp_post", "Huisartsenpost Assen", "", None),
    ("Hoogeveen", 6.4925, 52.7295, "hospital", "Ziekenhuis Hoogeveen", "Treant", None),
    ("Hoogeveen", 6.4930, 52.7290, "gp_post", "Huisartsenpost Hoogeveen", "", None),
    ("Assen", 6.5290, 52.9905, "supermarket", "Supermarkt Assen-Kloosterveen", "", None),
    ("Assen", 6.5335, 52.9930, "gp", "Huisartspraktijk Assen-Kloosterveen", "", 4200.0),
    ("Assen", 6.5320, 52.9920, "pharmacy", "Apotheek Assen-Kloosterveen", "", None),
)


def make_facilities(rng: np.random.Generator, areas: gpd.GeoDataFrame,
                    villages: pd.DataFrame,
                    cores: dict[str, tuple[Point, shapely.Geometry]],
                    kwb: pd.DataFrame, dwellings: dict[str, int]) -> gpd.GeoDataFrame:
    """The facilities of Midden-Drenthe (:func:`geo.datasets._facilities.make_facilities`)."""
    return _make(rng, areas, villages, cores, kwb, dwellings,
                 care=care_locations("midden_drenthe_care_locations"), fixed=OUTSIDE,
                 centres={"Beilen": 2})
