"""BAG field helpers shared by the BAG, corporation-list and facility importers.

Column matching through alias tables (:func:`canonical`), BAG identifiers
(:func:`bag_ids`), verblijfsobject statuses (:func:`vbo_status`) and the table of BAG
addresses (:func:`bag_address_table`) that corporation and facility lists are matched to.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely

from geo.io.importers.addresses import RETIRED_STATUSES, parse_addresses
from geo.io.tables import normalise_name

__all__ = ["bag_address_table", "bag_ids", "canonical", "text", "vbo_status"]


def canonical(frame: pd.DataFrame, aliases: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Map canonical column names to the frame's actual column names (first alias wins)."""
    present = {}
    for col in frame.columns:
        if col == "geometry":
            continue
        present.setdefault(normalise_name(col), col)
    found: dict[str, str] = {}
    used: set[str] = set()
    for canon, names in aliases.items():
        for alias in names:
            actual = present.get(normalise_name(alias))
            if actual is not None and actual not in used:
                found[canon] = actual
                used.add(actual)
                break
    return found


def bag_ids(values: pd.Series) -> pd.Series:
    """16-digit BAG identifiers as text (``NA`` where none can be read).

    Accepts plain ids, ids that lost their leading zeros (integer columns), float text
    (``"1.0"``), URIs/prefixed ids (``NL.IMBAG.Verblijfsobject.0106…``) and list text
    (``["0106…"]``, OGC API); the first 16-digit number wins.
    """
    text = values.astype("string").str.strip()
    full = text.str.extract(r"(?<!\d)(\d{16})(?!\d)", expand=False)
    short = text.str.replace(r"\.0+$", "", regex=True).str.extract(
        r"^(\d{1,15})$", expand=False).str.zfill(16)
    return full.fillna(short).astype("string")


def text(values: pd.Series) -> pd.Series:
    """Values as stripped text, ``""`` for missing."""
    return values.astype("string").str.strip().fillna("")


def vbo_status(values: pd.Series) -> pd.Series:
    """Statuses in lower case without the leading ``"verblijfsobject "`` (spaces collapsed)."""
    return (text(values).str.lower().str.replace(r"\s+", " ", regex=True)
            .str.replace(r"^verblijfsobject ", "", regex=True))


def bag_address_table(vbo: pd.DataFrame, cols: Mapping[str, str], points: np.ndarray,
                      homes: np.ndarray, outside: np.ndarray,
                      active_statuses: frozenset[str]) -> pd.DataFrame | None:
    """Every verblijfsobject address of a BAG layer, with what became of the object.

    Parameters
    ----------
    vbo
        The verblijfsobject layer; ``cols`` maps canonical names (``identificatie``,
        ``postcode``, ``huisnummer``, ``huisletter``, ``toevoeging``, ``gebruiksdoel``,
        ``status``, ``straat``, ``woonplaats``) to its columns.
    points
        2D point per row (EPSG:28992; missing/empty where the object has no location).
    homes
        Row positions of the dwellings kept, in the order of the ``homes`` layer.
    outside
        Row positions of dwellings dropped because they lie outside the buurten.
    active_statuses
        Statuses that count as a dwelling (see :data:`geo.io.importers.bag.ACTIVE_STATUSES`).

    Returns
    -------
    pandas.DataFrame or None
        ``None`` when the layer has no postcode or huisnummer. Otherwise one row per BAG id
        (first occurrence), index 0…n-1: the :func:`~geo.io.importers.addresses.parse_addresses`
        columns plus ``object_id``, ``home`` (position in ``homes``, -1 if not a kept
        dwelling), ``fate`` (Dutch: why the object is no dwelling of the region, ``""`` for
        a kept one), ``retired`` (status in
        :data:`~geo.io.importers.addresses.RETIRED_STATUSES`), ``x``, ``y`` (RD, NaN without
        location), ``straat`` and ``woonplaats``.
    """
    if "postcode" not in cols or "huisnummer" not in cols:
        return None
    column = {canon: vbo[name] for canon, name in cols.items()}
    table = parse_addresses(column["postcode"], column["huisnummer"],
                            column.get("huisletter"), column.get("toevoeging"))
    ids = bag_ids(column["identificatie"])
    doel = text(column["gebruiksdoel"])
    status = vbo_status(column["status"])
    home = np.full(len(vbo), -1, dtype=np.int64)
    home[homes] = np.arange(len(homes))
    is_outside = np.zeros(len(vbo), dtype=bool)
    is_outside[outside] = True
    residential = doel.str.lower().str.contains("woonfunctie", regex=False).to_numpy()
    fate = np.select(
        [home >= 0, ~residential, ~status.isin(active_statuses).to_numpy(), is_outside],
        ["", "geen woning (gebruiksdoel: " + doel + ")",
         "geen woning in gebruik (status: " + text(column["status"]) + ")",
         "ligt buiten de buurten van de gemeente"],
        default="woning zonder locatie in het BAG-bestand")
    located = ~(shapely.is_missing(points) | shapely.is_empty(points))
    xy = np.full((len(vbo), 2), np.nan)
    xy[located] = shapely.get_coordinates(points[located])
    table = table.assign(
        object_id=ids.to_numpy(), home=home, fate=fate,
        retired=status.isin(RETIRED_STATUSES).to_numpy(), x=xy[:, 0], y=xy[:, 1],
        straat=text(column["straat"]).to_numpy() if "straat" in column else "",
        woonplaats=text(column["woonplaats"]).to_numpy() if "woonplaats" in column else "",
    )
    table = table[ids.notna().to_numpy()]
    table = table.sort_values("home", ascending=False, kind="stable")
    table = table[~table["object_id"].duplicated()].sort_index()
    return table.reset_index(drop=True)
