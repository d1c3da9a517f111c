"""Housing-corporation lists (CSV) → tenure ``social_rent`` and owner of BAG dwellings.

:func:`read_corporation_list` reads the list (BAG id or address per row, and the owner);
:func:`apply_corporations` marks the matching dwellings while
:func:`geo.io.importers.bag.read_bag_homes` builds the ``homes`` layer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.errors import ImportDataError
from geo.io.importers._bag_fields import (
    bag_ids,
    canonical,
    house_numbers,
    postcodes,
    suffix,
    text,
)
from geo.io.tables import read_table
from geo.io.uploads import InputData, load_bytes

__all__ = ["CORPORATION_TENURE", "apply_corporations", "read_corporation_list"]

#: Tenure of a dwelling on a corporation list.
CORPORATION_TENURE = "social_rent"

_CORP_ALIASES: dict[str, tuple[str, ...]] = {
    "home_id": ("identificatie", "vbo_id", "bag_id", "verblijfsobject_id",
                "verblijfsobject_identificatie", "vbo_identificatie", "home_id"),
    "postcode": ("postcode",),
    "huisnummer": ("huisnummer", "huisnr"),
    "huisletter": ("huisletter",),
    "toevoeging": ("toevoeging", "huisnummertoevoeging", "huisnummer_toevoeging"),
    "owner": ("owner", "corporatie", "eigenaar", "woningcorporatie"),
}


def read_corporation_list(data: InputData, name: str | None = None) -> pd.DataFrame:
    """Read a housing-corporation list (CSV) for :func:`geo.io.importers.bag.read_bag_homes`.

    Each row names one dwelling, by BAG id or by address, and its owner.

    Parameters
    ----------
    data
        CSV bytes or path (UTF-8, delimiter ``;`` or ``,``; see
        :func:`geo.io.tables.read_table`).
    name
        File name for messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``home_id`` (16-digit text or ``NA``), ``postcode``, ``huisnummer``,
        ``owner`` and, when the file has them, ``huisletter`` and ``toevoeging``; all text
        (postcode upper case without spaces, huisnummer without leading zeros).

    Raises
    ------
    ImportDataError
        When neither a BAG-id column nor postcode + huisnummer are present, the owner
        column is missing, or a row has no usable id/address or no owner.
    """
    buf, label = load_bytes(data, name)
    table = read_table(buf, label)
    found = canonical(table, _CORP_ALIASES)
    has_id = "home_id" in found
    has_address = "postcode" in found and "huisnummer" in found
    if not (has_id or has_address) or "owner" not in found:
        accepted = (
            "BAG-id: " + ", ".join(_CORP_ALIASES["home_id"][:4])
            + "; of adres: postcode + huisnummer (+ huisletter, toevoeging)"
            + "; eigenaar: " + ", ".join(_CORP_ALIASES["owner"][:3])
        )
        raise ImportDataError(
            f"corporatielijst '{label}': kolommen niet herkend (gevonden: "
            f"{', '.join(map(str, table.columns)) or 'geen'}). Nodig is een kolom met het "
            f"BAG-id of het adres, en een kolom met de eigenaar. Herkende namen: {accepted}."
        )
    out = pd.DataFrame(index=table.index)
    out["home_id"] = bag_ids(table[found["home_id"]]) if has_id else pd.Series(
        pd.NA, index=table.index, dtype="string")
    for col, parse in (("postcode", postcodes), ("huisnummer", house_numbers),
                       ("huisletter", suffix), ("toevoeging", suffix)):
        if col in found:
            out[col] = parse(table[found[col]])
        elif col in ("postcode", "huisnummer"):
            out[col] = ""
    out["owner"] = text(table[found["owner"]])
    no_key = out["home_id"].isna() & ((out["postcode"] == "") | (out["huisnummer"] == ""))
    no_owner = out["owner"] == ""
    for mask, problem in ((no_key, "geen bruikbaar BAG-id (16 cijfers) of adres (postcode + "
                                   "huisnummer)"),
                          (no_owner, "geen eigenaar")):
        if mask.any():
            rows = ", ".join(str(i + 2) for i in np.flatnonzero(mask.to_numpy())[:8])
            raise ImportDataError(
                f"corporatielijst '{label}': {int(mask.sum())} regel(s) hebben {problem} "
                f"(regel {rows}). Vul ze aan of verwijder die regels."
            )
    return out.reset_index(drop=True)


def _address_keys(frame: pd.DataFrame, suffix_columns: list[str]) -> pd.Series:
    key = frame["postcode"] + "|" + frame["huisnummer"]
    for col in suffix_columns:
        key = key + "|" + frame[col]
    return key


def apply_corporations(homes: pd.DataFrame, address: pd.DataFrame | None,
                        corporations: pd.DataFrame, label: str,
                          warnings: list[str], stats: dict[str, int]) -> None:
    """Give the homes on a corporation list tenure ``social_rent`` and their owner, in place.

    Rows match by BAG id first, then by address (postcode + huisnummer, and huisletter /
    toevoeging when the list has them).

    Parameters
    ----------
    homes
        Dwellings with ``home_id``, ``tenure`` and ``owner`` (changed in place).
    address
        ``postcode``, ``huisnummer``, ``huisletter``, ``toevoeging`` per home (same rows),
        or ``None`` when the BAG file has no addresses.
    corporations
        The list from :func:`read_corporation_list`.
    label
        BAG file name for messages.
    warnings, stats
        Appended to / updated with the matching counts (``corporation_rows``,
        ``corporation_matched``, ``corporation_unmatched``, ``social_rent``).

    Raises
    ------
    ImportDataError
        When the list lacks the expected columns, or needs addresses the BAG file lacks.
    """
    needed = {"home_id", "postcode", "huisnummer", "owner"}
    if not needed <= set(corporations.columns):
        raise ImportDataError(
            "de corporatielijst heeft niet de verwachte kolommen "
            f"({', '.join(sorted(needed))}); lees hem in met read_corporation_list."
        )
    corp = corporations.reset_index(drop=True)
    owner = pd.Series(pd.NA, index=homes.index, dtype="string")
    by_id = corp[corp["home_id"].notna()].drop_duplicates("home_id")
    id_owner = pd.Series(by_id["owner"].to_numpy(), index=by_id["home_id"].to_numpy())
    owner = owner.fillna(homes["home_id"].map(id_owner).astype("string"))
    row_matched = corp["home_id"].isin(homes["home_id"]) & corp["home_id"].notna()
    n_by_id = int(row_matched.sum())

    addr_rows = corp[~row_matched & (corp["postcode"] != "") & (corp["huisnummer"] != "")]
    n_by_address = 0
    if len(addr_rows) and address is None:
        if addr_rows["home_id"].isna().any():
            raise ImportDataError(
                f"de corporatielijst koppelt {len(addr_rows)} woning(en) op adres, maar "
                f"'{label}' heeft geen kolommen postcode en huisnummer. Gebruik BAG-id's "
                "(kolom 'identificatie') of een BAG-bestand met adressen."
            )
        addr_rows = addr_rows.iloc[0:0]
    if len(addr_rows):
        suffixes = [col for col in ("huisletter", "toevoeging") if col in corp.columns]
        list_keys = _address_keys(addr_rows, suffixes)
        addr_owner = pd.Series(addr_rows["owner"].to_numpy(), index=list_keys.to_numpy())
        addr_owner = addr_owner[~addr_owner.index.duplicated()]
        home_keys = _address_keys(address, suffixes)
        from_address = home_keys.map(addr_owner).astype("string")
        owner = owner.fillna(from_address)
        found_keys = set(home_keys[from_address.notna()])
        addr_hit = list_keys.isin(found_keys)
        n_by_address = int(addr_hit.sum())
        row_matched = row_matched.copy()
        row_matched.loc[addr_rows.index[addr_hit.to_numpy()]] = True
        if not suffixes:
            per_key = home_keys[from_address.notna()].value_counts()
            if (per_key > 1).any():
                warnings.append(
                    f"Corporatielijst: {int((per_key > 1).sum())} adres(sen) zonder huisletter/"
                    "toevoeging passen op meer dan één woning; alle passende woningen zijn als "
                    "corporatiebezit geteld. Voeg kolommen huisletter en toevoeging toe voor "
                    "een exacte koppeling."
                )
    matched_homes = owner.notna()
    homes.loc[matched_homes, "tenure"] = CORPORATION_TENURE
    homes.loc[matched_homes, "owner"] = owner[matched_homes].astype(str)
    unmatched = corp[~row_matched]
    stats.update(corporation_rows=len(corp), corporation_matched=int(row_matched.sum()),
                 corporation_unmatched=len(unmatched), social_rent=int(matched_homes.sum()))
    message = (
        f"Corporatielijst: {int(row_matched.sum())} van {len(corp)} regels gekoppeld "
        f"({n_by_id} via BAG-id, {n_by_address} via adres); {int(matched_homes.sum())} "
        "woningen zijn als sociale huur van de corporatie gemarkeerd."
    )
    if len(unmatched):
        examples = ", ".join(
            row.home_id if pd.notna(row.home_id) else f"{row.postcode} {row.huisnummer}".strip()
            for row in unmatched.head(5).itertuples()
        )
        message += (
            f" {len(unmatched)} regel(s) niet gevonden (bijv. {examples}): die liggen buiten "
            "het gebied, zijn geen woning in gebruik of hebben een ander id/adres."
        )
    warnings.append(message)
