"""Content checks of a vector layer as read from an upload (rule 6 of :mod:`geo.io.uploads`).

Coordinates against the CRS the file claims (:func:`check_coordinates`, with the
Netherlands' bounds of :mod:`geo.model.crs`), text that did not decode as UTF-8, the
geometry type family, and the repair of invalid geometries.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import ImportDataError
from geo.io._vetting import UTF8_HINT as _UTF8_HINT
from geo.io._vetting import display_name
from geo.io._vetting import file_error as _fail
from geo.model.crs import NL_LONLAT_BOUNDS, NL_RD_BOUNDS

__all__ = [
    "all_polygonal",
    "check_coordinates",
    "check_family",
    "check_text",
    "drop_zm",
    "polygonal_collections",
    "repair",
]

_POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})
_POINT_TYPES = frozenset({"Point", "MultiPoint"})
_PART_WORDS = {"Point": ("punt", "punten"), "LineString": ("lijn", "lijnen"),
               "LinearRing": ("lijn", "lijnen")}
_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


def _crs_label(crs: Any) -> str:
    epsg = crs.to_epsg()
    if epsg == 28992:
        return "RD New (EPSG:28992)"
    if epsg == 4326 or crs.to_string() == "OGC:CRS84":
        return "WGS84 (graden)"
    return f"EPSG:{epsg}" if epsg else str(crs.name)


def check_coordinates(gdf: gpd.GeoDataFrame, name: str | None = None) -> None:
    """Check that the coordinates match the CRS the file claims.

    Catches the two classic mix-ups: WGS84 degrees in a layer labelled RD New (or any
    projected CRS), and RD metres in a layer labelled WGS84; also RD coordinates outside
    the Netherlands and swapped latitude/longitude.

    Parameters
    ----------
    gdf
        The layer as read, in its own CRS.
    name
        File name for the message.

    Raises
    ------
    ImportDataError
        When the CRS is missing or the coordinates contradict it.

    Examples
    --------
    >>> pts = gpd.GeoDataFrame(geometry=[shapely.Point(6.5, 52.8)], crs="EPSG:28992")
    >>> check_coordinates(pts, "x.gpkg")
    Traceback (most recent call last):
    ...
    geo.errors.ImportDataError: bestand 'x.gpkg': coördinaten lijken graden (WGS84) maar ...
    """
    label = display_name(name, "upload")
    if gdf.crs is None:
        raise _fail(label, "heeft geen coördinatenstelsel (CRS); geef de laag een projectie "
                           "(QGIS: Projectie toekennen, meestal EPSG:28992 RD New) en "
                           "exporteer opnieuw.")
    geoms = gdf.geometry.values
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms[present])
    crs = gdf.crs
    said = _crs_label(crs)
    if crs.is_geographic:
        if max(abs(xmin), abs(xmax)) > 180 or max(abs(ymin), abs(ymax)) > 90:
            raise _fail(label, f"coördinaten lijken meters (bijv. RD New) maar het bestand zegt "
                               f"{said}: ({xmin:.0f}, {ymin:.0f}) – ({xmax:.0f}, {ymax:.0f}). "
                               "Ken de juiste projectie toe (QGIS: Projectie toekennen "
                               "EPSG:28992; ogr2ogr -a_srs EPSG:28992), niet omzetten.")
        lo_x, lo_y, hi_x, hi_y = NL_LONLAT_BOUNDS
        inside = lo_x <= xmin and xmax <= hi_x and lo_y <= ymin and ymax <= hi_y
        swapped = lo_x <= ymin and ymax <= hi_x and lo_y <= xmin and xmax <= hi_y
        if swapped and not inside:
            raise _fail(label, "lengte- en breedtegraad lijken verwisseld (x ≈ 52, y ≈ 6); "
                               "GeoJSON heeft de volgorde lengtegraad, breedtegraad. Exporteer "
                               "opnieuw met de juiste asvolgorde.")
        return
    if max(abs(xmin), abs(xmax)) <= 180 and max(abs(ymin), abs(ymax)) <= 90:
        raise _fail(label, f"coördinaten lijken graden (WGS84) maar het bestand zegt {said}: "
                           f"({xmin:.4f}, {ymin:.4f}) – ({xmax:.4f}, {ymax:.4f}). Ken de juiste "
                           "projectie toe (QGIS: Projectie toekennen EPSG:4326; ogr2ogr -a_srs "
                           "EPSG:4326) en exporteer opnieuw.")
    if crs.to_epsg() == 28992:
        bxmin, bymin, bxmax, bymax = NL_RD_BOUNDS
        if xmin < bxmin or ymin < bymin or xmax > bxmax or ymax > bymax:
            raise _fail(label, f"coördinaten ({xmin:.0f}, {ymin:.0f}) – ({xmax:.0f}, "
                               f"{ymax:.0f}) liggen niet in Nederland in RD New (EPSG:28992); "
                               "controleer welke projectie de gegevens echt hebben.")


def check_text(gdf: pd.DataFrame, label: str) -> None:
    """Refuse text columns holding U+FFFD (bytes that were not UTF-8); raise ImportDataError."""
    for col in gdf.columns:
        if col == getattr(gdf, "_geometry_column_name", None):
            continue
        series = gdf[col]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            text = series.dropna().astype(str)
            bad = text.str.contains("\ufffd", regex=False)
            if bad.any():
                raise _fail(label, f"tekst in het bestand is geen UTF-8 (kolom '{col}', bijv. "
                                   f"'{text[bad].iloc[0][:40]}'); {_UTF8_HINT}.")


def _flat_parts(geom: shapely.Geometry) -> list[shapely.Geometry]:
    """Single parts of a geometry, nested collections and multi-geometries unpacked."""
    if geom.geom_type in ("GeometryCollection", "MultiPolygon", "MultiLineString",
                          "MultiPoint"):
        return [q for p in shapely.get_parts(geom) for q in _flat_parts(p)]
    return [geom]


def _polygon_of(polys: list[shapely.Geometry]) -> shapely.Geometry:
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.multipolygons(polys)


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts of each geometry (empty when nothing is left)."""
    out = np.empty(len(geoms), dtype=object)
    for i, geom in enumerate(geoms):
        if geom.geom_type in _POLYGON_TYPES:
            out[i] = geom
            continue
        out[i] = _polygon_of([p for p in _flat_parts(geom) if p.geom_type == "Polygon"
                              and not p.is_empty])
    return out


def drop_zm(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop Z and M coordinates (``shapely.force_2d``); outputs are always 2D.

    Parameters
    ----------
    geoms
        Object array of shapely geometries (``None`` allowed), shape ``(n,)``.

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        The 2D geometries and a boolean mask, shape ``(n,)``, of the rows that had Z or M.
    """
    geoms = geoms.copy()
    had = shapely.has_z(geoms) | shapely.has_m(geoms)
    if had.any():
        geoms[had] = shapely.force_2d(geoms[had])
    return geoms, had


def _part_words(counts: dict[str, int]) -> str:
    words = []
    for kind, n in counts.items():
        one, many = _PART_WORDS.get(kind, ("deel", "delen"))
        words.append(f"{n} {one if n == 1 else many}")
    return " en ".join(words)


def polygonal_collections(geoms: np.ndarray) -> tuple[np.ndarray, dict[int, str]]:
    """Keep the polygonal parts of GeometryCollections in a polygon layer.

    ``shapely.make_valid``, GDAL's MakeValid and clip tools write a GeometryCollection
    when repairing or cutting a polygon leaves a stray line or point; the polygons are the
    area, the rest is an artefact. A collection without any polygon becomes an empty
    polygon (the caller reports it as a feature without geometry).

    Parameters
    ----------
    geoms
        Object array of shapely geometries (``None`` allowed), shape ``(n,)``.

    Returns
    -------
    tuple of (numpy.ndarray, dict)
        The geometries with every collection replaced by a Polygon/MultiPolygon, and per
        changed row position a Dutch description of what was left out (``"1 lijn"``, or
        ``""`` when the collection held polygons only).
    """
    geoms = geoms.copy()
    notes: dict[int, str] = {}
    rows = np.flatnonzero(shapely.get_type_id(geoms) == 7)
    for i in rows.tolist():
        parts = [p for p in _flat_parts(geoms[i]) if not p.is_empty]
        polys = [p for p in parts if p.geom_type == "Polygon"]
        dropped: dict[str, int] = {}
        for part in parts:
            if part.geom_type != "Polygon":
                dropped[part.geom_type] = dropped.get(part.geom_type, 0) + 1
        geoms[i] = _polygon_of(polys)
        notes[i] = _part_words(dropped)
    return geoms, notes


def repair(geoms: np.ndarray, polygon_layer: bool) -> tuple[np.ndarray, np.ndarray]:
    """Repair invalid geometries; return the new array and the mask of repaired rows."""
    geoms = geoms.copy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    invalid = present & ~shapely.is_valid(geoms)
    if not invalid.any():
        return geoms, invalid
    if polygon_layer:
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        fixed = _polygonal(fixed)
    else:
        fixed = shapely.make_valid(geoms[invalid])
    geoms[invalid] = fixed
    return geoms, invalid


def check_family(gdf: gpd.GeoDataFrame, expect: str | None, label: str) -> None:
    """Refuse geometry types outside ``expect`` (``"polygon"``, ``"point"`` or ``None``).

    Raises
    ------
    ImportDataError
        When a present geometry is of another family, or ``expect`` is unknown.
    """
    if expect is None:
        return
    allowed = {"polygon": _POLYGON_TYPES, "point": _POINT_TYPES}.get(expect)
    if allowed is None:
        raise ImportDataError(f"expect must be 'polygon', 'point' or None, not {expect!r}")
    geoms = np.asarray(gdf.geometry.values)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    names = {_TYPE_NAMES.get(t, "onbekend") for t in shapely.get_type_id(geoms[present]).tolist()}
    if not names <= allowed:
        what = "vlakken (polygonen)" if expect == "polygon" else "punten"
        raise _fail(label, f"bevat geometrietypen {', '.join(sorted(names))}; verwacht "
                           f"{what}. Kies de juiste laag of exporteer opnieuw.")


def all_polygonal(geoms: np.ndarray) -> bool:
    """Whether every present geometry is polygonal (and there is at least one).

    A GeometryCollection counts as polygonal when it holds a polygon (see
    :func:`polygonal_collections`).
    """
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    kinds = shapely.get_type_id(present)
    collections = present[kinds == 7]
    if not all(any(p.geom_type == "Polygon" for p in _flat_parts(g)) for g in collections):
        return False
    return len(present) > 0 and set(kinds.tolist()) <= {3, 6, 7}

