"""Supply: suitability of homes and capacities of facilities.

Suitability rule (after the Geroscoop/Doorzonscan rule, ``norms-and-facts`` C3):

- **geschikt** (suitable): the home is step-free (*nultreden*: living room, kitchen,
  bedroom, bathroom and toilet reachable without stairs — ground-floor apartments,
  apartments with a lift, bungalows and life-course-proof homes);
- **aanpasbaar** (adaptable): not step-free, a single-family home whose ground floor is
  larger than ``norms.adaptable_min_area`` (75 m²): room for a stairlift or a bedroom and
  bathroom on the ground floor. The ground-floor area is the optional ``ground_floor_area``
  column; without it, ``floor_area × norms.ground_floor_share`` (½: two storeys);
- **ongeschikt** (unsuitable): everything else (upper-floor apartments without a lift,
  small single-family homes).

Step-free supply counts suitable homes fully and adaptable homes with weight
``norms.adaptable_weight`` (½ in Geroscoop: "nultreden + ½ × potentially suitable").
Clustered housing and nursing-care supply are the ``capacity`` of facilities of type
``clustered_housing``, ``nursing_somatic`` and ``nursing_dementia``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.model.norms import Norms

__all__ = [
    "PRODUCT_FACILITY",
    "SUITABILITY_CLASSES",
    "SUITABILITY_LABELS",
    "classify_homes",
    "step_free_units",
]

SUITABILITY_CLASSES: tuple[str, ...] = ("suitable", "adaptable", "unsuitable")
SUITABILITY_LABELS: dict[str, str] = {
    "suitable": "geschikt",
    "adaptable": "aanpasbaar",
    "unsuitable": "ongeschikt",
}
# Facility type whose capacity supplies a product (step-free homes come from `homes`).
PRODUCT_FACILITY: dict[str, str] = {
    "clustered": "clustered_housing",
    "nursing_somatic": "nursing_somatic",
    "nursing_dementia": "nursing_dementia",
}


def classify_homes(homes: pd.DataFrame, norms: Norms) -> pd.Series:
    """Suitability class of every home.

    Parameters
    ----------
    homes
        Frame with ``step_free``, ``dwelling_type``, ``floor_area`` and optionally
        ``ground_floor_area``.
    norms
        Supplies ``adaptable_min_area`` and ``ground_floor_share``.

    Returns
    -------
    pandas.Series
        Categorical with categories :data:`SUITABILITY_CLASSES`, aligned with ``homes``.
    """
    step_free = homes["step_free"].to_numpy(dtype=bool)
    estimated = homes["floor_area"].to_numpy(dtype=float) * float(norms.ground_floor_share)
    if "ground_floor_area" in homes.columns:
        known = pd.to_numeric(homes["ground_floor_area"], errors="coerce").to_numpy(dtype=float)
        ground = np.where(np.isfinite(known), known, estimated)
    else:
        ground = estimated
    adaptable = (
        ~step_free
        & (homes["dwelling_type"].to_numpy() == "single_family")
        & (ground > float(norms.adaptable_min_area))
    )
    codes = np.where(step_free, 0, np.where(adaptable, 1, 2))
    return pd.Series(
        pd.Categorical.from_codes(codes, categories=list(SUITABILITY_CLASSES)),
        index=homes.index,
        name="suitability",
    )


def step_free_units(classes: pd.Series, norms: Norms) -> pd.Series:
    """Step-free supply per home: 1 if suitable, ``adaptable_weight`` if adaptable, else 0."""
    weights = np.array([1.0, float(norms.adaptable_weight), 0.0])
    return pd.Series(weights[classes.cat.codes.to_numpy()], index=classes.index,
                     name="step_free_units")


def facilities_of(facilities: gpd.GeoDataFrame, facility_type: str) -> gpd.GeoDataFrame:
    """Facilities of one type (a view-safe copy)."""
    return facilities[facilities["facility_type"] == facility_type]
