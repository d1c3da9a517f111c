"""The result type shared by the facility importers (own lists and OpenStreetMap)."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import vocabulary

__all__ = ["Facilities", "finish_facilities"]


@dataclass(frozen=True)
class Facilities:
    """Result of :func:`read_facilities` / :func:`read_osm_facilities`.

    Attributes
    ----------
    facilities
        Points in EPSG:28992 in the region ``facilities`` schema (``facility_id``,
        ``facility_type``, ``name``, ``operator``, ``capacity`` and optionally ``woonplaats``).
    warnings
        Dutch messages for the user.
    stats
        Counts: ``read``, ``kept`` and per-step counts (``ids_generated``,
        ``names_filled``; for OSM ``points``, ``polygons``, ``matched``, ``merged``).
    source
        Dutch source description for the region metadata.
    """

    facilities: gpd.GeoDataFrame
    warnings: tuple[str, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    source: str = ""


def finish_facilities(attrs: pd.DataFrame, points: np.ndarray, warnings: list[str],
                       stats: dict[str, int], source: str) -> Facilities:
    """The :class:`Facilities` of attribute rows and their points (EPSG:28992).

    Parameters
    ----------
    attrs
        One row per facility in the ``facilities`` schema (index is dropped).
    points
        Point geometries in RD New, aligned with ``attrs``.
    warnings, stats, source
        As in :class:`Facilities`; ``stats["kept"]`` is set here.
    """
    gdf = gpd.GeoDataFrame(attrs.reset_index(drop=True), geometry=points,
                           crs=vocabulary.METRIC_CRS)
    stats["kept"] = len(gdf)
    return Facilities(facilities=gdf, warnings=tuple(warnings), stats=stats, source=source)
