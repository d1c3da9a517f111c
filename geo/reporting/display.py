"""Preparing layers for display on a web map (WGS84, light geometry).

Metric work stays in EPSG:28992; this module only makes display copies: simplify in
metres (shared borders stay shared), project to WGS84 and round coordinates (~1 m).
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo import vocabulary

__all__ = ["to_display"]


def to_display(gdf: gpd.GeoDataFrame, *, tolerance: float = 10.0,
               precision: float = 1e-5, columns: list[str] | None = None) -> gpd.GeoDataFrame:
    """Return a light WGS84 copy of a layer for web maps.

    Parameters
    ----------
    gdf
        Layer in a metric CRS (EPSG:28992).
    tolerance
        Simplification tolerance in metres (polygons only; 0 disables). Polygon layers
        are simplified as a coverage, so neighbours keep a shared border.
    precision
        Coordinate grid in degrees after projection (1e-5° ≈ 1 m).
    columns
        Attribute columns to keep (all when ``None``).

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame in EPSG:4326; the input is not changed.
    """
    out = gdf if columns is None else gdf[[*columns, gdf.geometry.name]]
    out = out.copy()
    geoms = out.geometry.values
    polygonal = shapely.get_type_id(geoms) >= 3
    if tolerance > 0 and len(out) and polygonal.all():
        try:
            simplified = shapely.coverage_simplify(geoms, tolerance)
        except Exception:  # not a valid coverage (overlaps): simplify one by one
            simplified = shapely.simplify(geoms, tolerance, preserve_topology=True)
        out = out.set_geometry(gpd.GeoSeries(simplified, index=out.index, crs=gdf.crs))
    out = out.to_crs(vocabulary.DISPLAY_CRS)
    out = out.set_geometry(
        gpd.GeoSeries(shapely.set_precision(out.geometry.values, precision), index=out.index,
                      crs=vocabulary.DISPLAY_CRS)
    )
    return out
