"""Geometry notes of the CBS buurten import: Z/M, GeometryCollections, empty outlines.

Used by :func:`geo.io.importers.cbs.read_cbs_buurten` on the attributes that
:func:`geo.io.uploads.read_vector` leaves in ``attrs`` (``flattened``, ``measured``,
``collection_rows``); every note names the buurt (code and name).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io.import_report import HERSTELD, WEGGELATEN, ImportReport
from geo.io.importers._cbs_common import listing, plural

__all__ = ["drop_empty", "dropped_note", "report_geometry"]


def report_geometry(frame: gpd.GeoDataFrame, raw: gpd.GeoDataFrame,
                    report: ImportReport) -> None:
    """Add notes on Z/M dropped and GeometryCollections reduced to their polygons.

    Parameters
    ----------
    frame
        The selected buurten (``_row``: row position in ``raw``; ``buurt_code``,
        ``buurt_name``, geometry).
    raw
        The layer as read by :func:`geo.io.uploads.read_vector` (its ``attrs``).
    report
        Receives one line per buurt whose collection was reduced ("hersteld").
    """
    flattened = int(raw.attrs.get("flattened", 0))
    if flattened:
        what = "Z- en M-waarden" if raw.attrs.get("measured") else "Z-waarden (hoogte)"
        rows = plural(flattened, "geometrie", "geometrieën")
        report.add(HERSTELD, f"{what} verwijderd bij {rows} in het bestand; de regio is 2D",
                   count=flattened)
    collections = dict(raw.attrs.get("collection_rows", []))
    for row, code, name, geom in zip(frame["_row"], frame["buurt_code"], frame["buurt_name"],
                                     frame.geometry, strict=True):
        if row in collections and geom is not None and not geom.is_empty:
            left = collections[row]
            tail = f", {left} weggelaten" if left else ""
            label = f"{code} {name}" if name != code else code
            report.add(HERSTELD, f"{label}: GeometryCollection (zoals make_valid en "
                                 f"knipgereedschap schrijven); de vlakdelen zijn behouden{tail}")


def drop_empty(frame: gpd.GeoDataFrame, raw: gpd.GeoDataFrame, report: ImportReport
               ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Drop buurten without geometry; report each with its inhabitants.

    A region needs outlines (the region schema refuses rows without geometry), so these
    buurten are left out, never kept without geometry.

    Parameters
    ----------
    frame
        The selected buurten with ``_row``, ``buurt_code``, ``buurt_name``,
        ``inhabitants`` (float, NaN unknown) and geometry.
    raw
        The layer as read (for ``attrs["collection_rows"]``).
    report
        Receives one "weggelaten" line (see :func:`dropped_note`).

    Returns
    -------
    tuple of (GeoDataFrame, DataFrame)
        The buurten with geometry, and the dropped ones (``buurt_code``, ``buurt_name``,
        ``reason``, ``inhabitants``).
    """
    geoms = np.asarray(frame.geometry.values, dtype=object)
    missing = shapely.is_missing(geoms)
    empty = pd.Series(missing | shapely.is_empty(geoms), index=frame.index)
    collections = dict(raw.attrs.get("collection_rows", []))
    reasons = np.where(missing, "geen geometrie (null)", "lege geometrie")
    from_collection = frame["_row"].isin(list(collections)).to_numpy()
    reasons = np.where(from_collection & ~missing,
                       "GeometryCollection zonder vlak (alleen lijnen of punten)", reasons)
    dropped = pd.DataFrame({
        "buurt_code": frame.loc[empty, "buurt_code"].to_numpy(),
        "buurt_name": frame.loc[empty, "buurt_name"].to_numpy(),
        "reason": reasons[empty.to_numpy()],
        "inhabitants": frame.loc[empty, "inhabitants"].to_numpy(dtype=float),
    })
    if empty.any():
        report.add(WEGGELATEN, dropped_note(dropped), count=len(dropped))
    return frame.loc[~empty], dropped


def dropped_note(dropped: pd.DataFrame, source: str = "") -> str:
    """Dutch note on buurten left out for lack of geometry, with their inhabitants.

    Parameters
    ----------
    dropped
        :attr:`CbsBuurten.dropped` (``inhabitants`` NaN where unknown).
    source
        Where the inhabitants come from when not from the map (e.g. the population
        table's name), appended as "(inwoners volgens …)".
    """
    items = []
    for row in dropped.itertuples(index=False):
        label = row.buurt_code if row.buurt_name == row.buurt_code else \
            f"{row.buurt_code} {row.buurt_name}"
        people = "inwoners onbekend" if pd.isna(row.inhabitants) else \
            f"{row.inhabitants:.0f} inwoners"
        items.append(f"{label} ({row.reason}; {people})")
    known = dropped["inhabitants"].dropna()
    total = f"samen {known.sum():.0f} inwoners" if len(known) else "inwoners onbekend"
    origin = f" (inwoners volgens {source})" if source else ""
    return (f"{plural(len(dropped), 'buurt', 'buurten')} zonder bruikbare geometrie "
            f"weggelaten{origin}: {listing(items, 10)}; {total} tellen niet mee in de "
            "analyse. Vul de vlakken aan (bijv. uit de CBS Wijk- en Buurtkaart) om ze mee te "
            "tellen.")
