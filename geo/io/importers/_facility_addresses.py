"""Facility lists with addresses instead of coordinates: placed at the BAG verblijfsobject.

A facility list that has postcode + huisnummer (or an ``Adres`` column such as
``"Brink 12"``) but no coordinates is placed at the verblijfsobject of its address when a
BAG file is loaded in the same build (:func:`place_by_address`); the address is matched
with the canonical key of :mod:`geo.io.importers.addresses`. Rows whose address is not
found are left out and listed (row, name, address, reason). Without a BAG file the list
cannot be placed, and :func:`needs_bag_error` says how to fix that.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import shapely

from geo.errors import ImportDataError
from geo.io.importers.addresses import (
    AddressIndex,
    count_matches,
    parse_addresses,
    reason_summary,
    row_lines,
)
from geo.io.tables import normalise_name

__all__ = ["AddressPlacement", "address_columns", "needs_bag_error", "place_by_address"]

_ALIASES: dict[str, tuple[str, ...]] = {
    "postcode": ("postcode", "pc6", "postcode6"),
    "huisnummer": ("huisnummer", "huisnr", "hnr", "huis_nummer"),
    "huisletter": ("huisletter",),
    "toevoeging": ("toevoeging", "huisnummertoevoeging", "huisnummer_toevoeging", "toev"),
    "straat": ("straat", "straatnaam", "openbare_ruimte", "openbare_ruimte_naam"),
    "adres": ("adres", "address", "straat_en_huisnummer", "straat_huisnummer", "adresregel"),
    "plaats": ("plaats", "woonplaats", "plaatsnaam"),
}


def address_columns(columns: list[str]) -> dict[str, str]:
    """Address columns of a facility table (canonical name → column); ``{}`` if unusable.

    Usable is a house number (``Huisnummer``, or an address line ``Adres`` such as
    ``"Brink 12"`` with the number at the end) with a postcode, or with street + place
    (matched on street + place when the postcode is missing).
    """
    present: dict[str, str] = {}
    for col in columns:
        present.setdefault(normalise_name(col), col)
    found = {}
    for canon, names in _ALIASES.items():
        actual = next((present[normalise_name(n)] for n in names
                       if normalise_name(n) in present), None)
        if actual is not None:
            found[canon] = actual
    has_number = bool({"huisnummer", "adres"} & set(found))
    has_street = bool({"straat", "adres"} & set(found)) and "plaats" in found
    if not has_number or not ("postcode" in found or has_street):
        return {}
    return found


def _number_cells(table: pd.DataFrame, found: dict[str, str]) -> tuple[pd.Series, pd.Series]:
    """House-number cells and street names (from ``huisnummer`` or the address line)."""
    street = (table[found["straat"]].astype("string").fillna("").str.strip()
              if "straat" in found else pd.Series("", index=table.index))
    if "huisnummer" in found:
        return table[found["huisnummer"]], street
    line = table[found["adres"]].astype("string").fillna("").str.strip()
    parts = line.str.extract(r"^(.*?)\s*(\d+\D{0,8})$")
    return parts[1].fillna(""), street.where(street != "", parts[0].fillna(""))


def _written(part: pd.DataFrame, found: dict[str, str], names: pd.Series,
             numbers: pd.Series, street: pd.Series) -> pd.Series:
    """``"Apotheek Beilen, Brink 14, 9411 AB Beilen"`` per row, as written in the file."""

    def cell(col: str) -> pd.Series:
        if col not in found:
            return pd.Series("", index=part.index)
        return part[found[col]].astype("string").fillna("").str.strip()

    number = numbers.astype("string").fillna("").str.strip()
    parts = [names.loc[part.index].astype(str),
             street + " " + number + " " + cell("huisletter") + " " + cell("toevoeging"),
             cell("postcode") + " " + cell("plaats")]
    parts = [p.str.replace(r"\s+", " ", regex=True).str.strip() for p in parts]
    return pd.Series([", ".join(x for x in row if x) for row in zip(*parts, strict=True)],
                     index=part.index, dtype=object)


class AddressPlacement(NamedTuple):
    """Points of the rows placed by address, and what was reported."""

    points: np.ndarray  # RD points of all rows (None where not placed)
    placed: np.ndarray  # bool per row
    warnings: list[str]
    stats: dict[str, int]


def place_by_address(table: pd.DataFrame, found: dict[str, str], names: pd.Series,
                     addresses: pd.DataFrame, label: str,
                     rows: np.ndarray | None = None, *,
                     must_place: bool = True) -> AddressPlacement:
    """Place facility rows at the BAG verblijfsobject of their address.

    Parameters
    ----------
    table
        The facility table (index 0…n-1; line number = index + 2).
    found
        Its address columns (:func:`address_columns`).
    names
        Facility name per row (for the list of addresses not found).
    addresses
        BAG addresses (:func:`geo.io.importers._bag_fields.bag_address_table`).
    label
        File name for messages.
    rows
        Optional mask of the rows to place (default: all).
    must_place
        Raise when no row could be placed (the list is addresses only).

    Returns
    -------
    AddressPlacement
        Points (EPSG:28992) of the placed rows; a summary warning and one line per row
        not found or matched on postcode + huisnummer only; stats ``address_rows``,
        ``address_exact``, ``address_postcode_huisnummer``, ``address_unmatched`` and
        ``address_unmatched_<reason>``.

    Raises
    ------
    ImportDataError
        With ``must_place``, when no address is found; the message lists the reasons.
    """
    todo = np.ones(len(table), dtype=bool) if rows is None else rows
    part = table[todo]
    numbers, street = _number_cells(part, found)
    postcode = part[found["postcode"]] if "postcode" in found else pd.Series("", index=part.index)
    parsed = parse_addresses(postcode, numbers,
                             part[found["huisletter"]] if "huisletter" in found else None,
                             part[found["toevoeging"]] if "toevoeging" in found else None)
    place = (part[found["plaats"]] if "plaats" in found
             else pd.Series("", index=part.index))
    matches = AddressIndex(addresses, addresses["retired"].to_numpy()).match(
        parsed, street, place)
    target = matches["target"].to_numpy()
    xy = np.full((len(part), 2), np.nan)
    hit = target >= 0
    xy[hit] = addresses[["x", "y"]].to_numpy()[target[hit]]
    no_location = hit & np.isnan(xy[:, 0])
    matches.loc[no_location, ["match", "reason", "detail"]] = [
        "", "no_location", "het verblijfsobject van dit adres heeft geen locatie in de BAG"]
    placed_part = hit & ~no_location
    stats = {"address_rows": len(part), **count_matches(matches, "address")}
    written = _written(part, found, names, numbers, street)
    lines = row_lines(pd.Series(part.index + 2, index=part.index), written,
                      matches["detail"])
    warnings = [
        f"{int(placed_part.sum())} van {len(part)} voorziening(en) op adres geplaatst bij het "
        f"BAG-verblijfsobject ({stats['address_exact']} exact, "
        f"{stats['address_postcode_huisnummer']} alleen op postcode/straat + huisnummer)"
        + (f"; {stats['address_unmatched']} adres(sen) niet gevonden en weggelaten ("
           f"{reason_summary(matches['reason'])})" if stats["address_unmatched"] else "")
        + ".",
        *(f"Adres {line}" for line in lines),
    ]
    points = np.full(len(table), None, dtype=object)
    placed = np.zeros(len(table), dtype=bool)
    where = np.flatnonzero(todo)
    placed[where[placed_part]] = True
    points[where[placed_part]] = shapely.points(xy[placed_part])
    if must_place and not placed.any():
        raise ImportDataError(
            f"'{label}': geen enkel adres gevonden in het BAG-bestand, dus geen voorziening "
            "geplaatst. " + "; ".join(lines[:10])
            + ". Controleer of het BAG-bestand hetzelfde gebied dekt als de lijst."
        )
    return AddressPlacement(points, placed, warnings, stats)


def needs_bag_error(label: str, found: dict[str, str], bag_name: str | None,
                    rows: str | None = None) -> ImportDataError:
    """The Dutch message for an address list without coordinates and without BAG addresses.

    Parameters
    ----------
    label
        File name of the facility list.
    found
        Its address columns.
    bag_name
        The BAG file of the build when one was loaded (it then lacks addresses).
    rows
        The line numbers without coordinates, when only some rows lack them.
    """
    columns = ", ".join(found.values())
    what = (f"regel {rows} heeft geen coördinaten" if rows
            else "de lijst heeft geen coördinaten")
    if bag_name is not None:
        return ImportDataError(
            f"'{label}': {what}, alleen adressen ({columns}), en het BAG-bestand "
            f"'{bag_name}' heeft geen kolommen postcode en huisnummer. Gebruik de "
            "BAG-GeoPackage van PDOK (bag-light, met adressen), of voeg kolommen lon/lat "
            "(WGS84) of x/y (RD New) toe."
        )
    return ImportDataError(
        f"'{label}': {what}, alleen adressen ({columns}). Om ze op de kaart te zetten is "
        "een BAG-bestand nodig: laad het in dezelfde build (python -m geo build … --bag "
        "bag-light.gpkg --facilities " + label + "; in de app: het veld 'BAG (GeoPackage)' "
        "naast de voorzieningenlijst), dan komt elke voorziening op het verblijfsobject van "
        "haar adres. Of voeg kolommen lon en lat (WGS84) of x en y (RD New, EPSG:28992) toe."
    )
