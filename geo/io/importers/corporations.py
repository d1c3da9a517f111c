"""Housing-corporation lists (CSV) → tenure ``social_rent`` and owner of BAG dwellings.

:func:`read_corporation_list` reads the list (BAG id or address per row, and the owner);
:func:`apply_corporations` marks the matching dwellings while
:func:`geo.io.importers.bag.read_bag_homes` builds the ``homes`` layer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.errors import ImportDataError
from geo.io.importers._bag_fields import bag_ids, canonical, text
from geo.io.importers.addresses import (
    AddressIndex,
    count_matches,
    parse_addresses,
    reason_summary,
    row_lines,
)
from geo.io.tables import read_table
from geo.io.uploads import InputData, load_bytes

__all__ = ["CORPORATION_TENURE", "UNKNOWN_CORPORATION", "apply_corporations",
           "read_corporation_list"]

#: Tenure of a dwelling on a corporation list.
CORPORATION_TENURE = "social_rent"
#: Owner of a listed dwelling whose row names no corporation.
UNKNOWN_CORPORATION = "corporatie (onbekend)"

_CORP_ALIASES: dict[str, tuple[str, ...]] = {
    "home_id": ("identificatie", "vbo_id", "bag_id", "verblijfsobject_id",
                "verblijfsobject_identificatie", "vbo_identificatie", "home_id", "bagid",
                "adresseerbaar_object_id", "adresseerbaarobject"),
    "postcode": ("postcode", "pc6", "postcode6"),
    "huisnummer": ("huisnummer", "huisnr", "hnr", "nummer", "huis_nummer"),
    "huisletter": ("huisletter", "letter"),
    "toevoeging": ("toevoeging", "huisnummertoevoeging", "huisnummer_toevoeging", "toev",
                   "hnr_toevoeging", "huisnr_toevoeging"),
    "owner": ("owner", "corporatie", "eigenaar", "woningcorporatie", "verhuurder"),
}
# reasons of the corporation list next to addresses.REASONS
_REASONS = {
    "no_key": "geen BAG-id of adres",
    "id_unknown": "BAG-id niet in het BAG-bestand",
    "not_dwelling": "geen woning van de gemeente",
    "bag_without_addresses": "BAG-bestand zonder adressen",
}


def read_corporation_list(data: InputData, name: str | None = None) -> pd.DataFrame:
    """Read a housing-corporation list (CSV) for :func:`geo.io.importers.bag.read_bag_homes`.

    Each row names one dwelling, by BAG id or by address, and its owner. Addresses get the
    canonical key of :func:`geo.io.importers.addresses.parse_addresses` (``20-1``,
    ``20 4``, ``14A``, a letter in the Toevoeging column … all understood). A row that is
    unusable (no id, invalid postcode, empty number) does not refuse the list: it keeps its
    reason in ``problem``/``detail`` and is reported when the list is applied.

    Parameters
    ----------
    data
        CSV bytes or path (delimiter ``;`` or ``,``; see :func:`geo.io.tables.read_table`).
    name
        File name for messages.

    Returns
    -------
    pandas.DataFrame
        One row per list row: ``row`` (line number in the file, header = 1), ``home_id``
        (16-digit text or ``NA``), the address columns of
        :func:`~geo.io.importers.addresses.parse_addresses` (``postcode``, ``huisnummer``,
        ``suffix``, ``key``, ``problem``, ``detail``, ``address``) and ``owner`` (text,
        ``""`` when empty). Without address columns, the address columns are empty.

    Raises
    ------
    ImportDataError
        When neither a BAG-id column nor postcode + huisnummer are present, or the owner
        column is missing.
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
    table = table.reset_index(drop=True)
    empty = pd.Series("", index=table.index)
    if has_address:
        address = parse_addresses(*(table[found[c]] if c in found else None
                                    for c in ("postcode", "huisnummer", "huisletter",
                                              "toevoeging")))
    else:
        address = parse_addresses(empty, empty)
        address["problem"] = "no_key"
        address["detail"] = "geen geldig BAG-id (16 cijfers)"
        address["address"] = ""
    out = pd.DataFrame({"row": table.index + 2})
    out["home_id"] = (bag_ids(table[found["home_id"]]) if has_id
                      else pd.Series(pd.NA, index=table.index, dtype="string"))
    out = out.join(address)
    out["owner"] = text(table[found["owner"]])
    no_key = out["home_id"].isna() & (out["problem"] != "")
    if has_id and has_address:
        out.loc[no_key, "detail"] = "geen geldig BAG-id en " + out.loc[no_key, "detail"]
    return out


def _by_id(corp: pd.DataFrame, bag: pd.DataFrame | None,
           homes: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """BAG-table position (or -1) of rows with an id, and whether the id is known at all."""
    if bag is not None:
        position = pd.Series(np.arange(len(bag)), index=bag["object_id"].to_numpy())
    else:  # no address table: the homes are all we know
        position = pd.Series(np.arange(len(homes)), index=homes["home_id"].to_numpy())
    target = corp["home_id"].map(position)
    return target.fillna(-1).astype("int64"), target.notna()


def _match_rows(corp: pd.DataFrame, bag: pd.DataFrame | None,
                homes: pd.DataFrame) -> pd.DataFrame:
    """Target BAG row, kind of match, reason and detail of every list row."""
    target, known = _by_id(corp, bag, homes)
    matches = pd.DataFrame({"target": target, "match": np.where(known, "id", ""),
                            "reason": "", "detail": ""}, index=corp.index)
    by_address = ~known
    if bag is not None:
        index = AddressIndex(bag, bag["retired"].to_numpy())
        matches.loc[by_address] = index.match(corp[by_address]).to_numpy()
    else:
        matches.loc[by_address, "reason"] = np.where(
            corp.loc[by_address, "problem"] != "", corp.loc[by_address, "problem"],
            "bag_without_addresses")
        matches.loc[by_address, "detail"] = np.where(
            corp.loc[by_address, "problem"] != "", corp.loc[by_address, "detail"],
            "het BAG-bestand heeft geen kolommen postcode en huisnummer")
    id_unknown = corp["home_id"].notna() & ~known & (matches["match"] == "")
    matches.loc[id_unknown, "reason"] = "id_unknown"
    matches.loc[id_unknown, "detail"] = (
        "BAG-id " + corp.loc[id_unknown, "home_id"].astype(str)
        + " staat niet in het BAG-bestand")
    matches["target"] = matches["target"].astype("int64")
    return matches


def _dwellings(matches: pd.DataFrame, bag: pd.DataFrame | None) -> pd.Series:
    """Position in ``homes`` of every matched row (-1: not matched or not a dwelling)."""
    target = matches["target"].to_numpy()
    hit = target >= 0
    if bag is None:
        return pd.Series(np.where(hit, target, -1), index=matches.index)
    home = np.full(len(target), -1, dtype=np.int64)
    home[hit] = bag["home"].to_numpy()[target[hit]]
    not_home = hit & (home < 0)
    if not_home.any():
        fate = bag["fate"].to_numpy()[target[not_home]]
        matches.loc[not_home, "detail"] = [
            f"gevonden in de BAG, maar {f}" + (f" ({note})" if note else "")
            for f, note in zip(fate, matches.loc[not_home, "detail"], strict=True)]
        matches.loc[not_home, "reason"] = "not_dwelling"
        matches.loc[not_home, "match"] = ""
    return pd.Series(home, index=matches.index)


def apply_corporations(homes: pd.DataFrame, addresses: pd.DataFrame | None,
                       corporations: pd.DataFrame, label: str,
                       warnings: list[str], stats: dict[str, int]) -> pd.DataFrame:
    """Give the homes on a corporation list tenure ``social_rent`` and their owner, in place.

    A row with a BAG id that is in the BAG file matches by id; every other row matches by
    its canonical address (:class:`geo.io.importers.addresses.AddressIndex`: the exact key,
    else postcode + huisnummer when unique). A matched object that is not a dwelling of the
    region (shop, status *gevormd*, outside the buurten) is reported with that reason.
    Rows without an owner mark the dwelling with :data:`UNKNOWN_CORPORATION`.

    Parameters
    ----------
    homes
        Dwellings with ``home_id``, ``tenure`` and ``owner`` (changed in place).
    addresses
        Every BAG address with ``home`` = position in ``homes``
        (:func:`geo.io.importers._bag_fields.bag_address_table`), or ``None`` when the BAG
        file has no addresses.
    corporations
        The list from :func:`read_corporation_list`.
    label
        BAG file name for messages.
    warnings, stats
        Appended to: a summary and one line per row that is not matched or matched on
        postcode + huisnummer only; updated with ``corporation_rows``,
        ``corporation_matched``, ``corporation_matched_id``, ``corporation_exact``,
        ``corporation_postcode_huisnummer``, ``corporation_unmatched``,
        ``corporation_unmatched_<reason>`` and ``social_rent``.

    Returns
    -------
    pandas.DataFrame
        One row per list row: ``row``, ``address``, ``home_id``, ``match`` (``"id"``,
        ``"exact"``, ``"postcode_huisnummer"`` or ``""``), ``reason`` (code, ``""`` when
        matched), ``detail`` (Dutch) and ``home`` (position in ``homes`` or -1).

    Raises
    ------
    ImportDataError
        When the list lacks the expected columns, or matches only by address and the BAG
        file has no addresses.
    """
    needed = {"row", "home_id", "key", "problem", "detail", "owner"}
    if not needed <= set(corporations.columns):
        raise ImportDataError(
            "de corporatielijst heeft niet de verwachte kolommen "
            f"({', '.join(sorted(needed))}); lees hem in met read_corporation_list."
        )
    corp = corporations.reset_index(drop=True)
    if addresses is None and corp["home_id"].isna().all():
        raise ImportDataError(
            f"de corporatielijst koppelt woningen op adres, maar '{label}' heeft geen "
            "kolommen postcode en huisnummer. Gebruik BAG-id's (kolom 'identificatie') of "
            "een BAG-bestand met adressen (bag-light van PDOK)."
        )
    matches = _match_rows(corp, addresses, homes)
    home = _dwellings(matches, addresses)
    owners = corp["owner"].where(corp["owner"] != "", UNKNOWN_CORPORATION)
    hit = home >= 0
    first = ~home.where(hit).duplicated() & hit
    homes_pos = home[first].to_numpy()
    owner_col = homes.columns.get_loc("owner")
    tenure_col = homes.columns.get_loc("tenure")
    homes.iloc[homes_pos, tenure_col] = CORPORATION_TENURE
    homes.iloc[homes_pos, owner_col] = owners[first].to_numpy()
    _report(corp, matches, hit, first, warnings, stats)
    return pd.DataFrame({"row": corp["row"], "address": corp["address"],
                         "home_id": corp["home_id"], "match": matches["match"],
                         "reason": matches["reason"], "detail": matches["detail"],
                         "home": home})


def _report(corp: pd.DataFrame, matches: pd.DataFrame, hit: pd.Series, first: pd.Series,
            warnings: list[str], stats: dict[str, int]) -> None:
    """Counts, a summary and one line per row that needs the user's attention."""
    by_id = int((hit & (matches["match"] == "id")).sum())
    counts = count_matches(matches.assign(reason=matches["reason"].where(~hit, "")),
                           "corporation")
    stats.update(counts, corporation_rows=len(corp), corporation_matched=int(hit.sum()),
                 corporation_matched_id=by_id, social_rent=int(first.sum()))
    message = (
        f"Corporatielijst: {int(hit.sum())} van {len(corp)} regels gekoppeld ({by_id} via "
        f"BAG-id, {counts['corporation_exact']} exact op adres, "
        f"{counts['corporation_postcode_huisnummer']} alleen op postcode + huisnummer); "
        f"{int(first.sum())} woningen zijn als sociale huur van de corporatie gemarkeerd."
    )
    unmatched = matches["reason"].where(~hit, "")
    if (unmatched != "").any():
        labels = unmatched.map(lambda code: code if code in _REASONS else "")
        summary = reason_summary(unmatched.where(labels == "", ""))
        extra = ", ".join(f"{n}× {_REASONS[c]}"
                          for c, n in labels[labels != ""].value_counts().items())
        message += (f" Niet gekoppeld: {int((unmatched != '').sum())} regel(s) ("
                    + ", ".join(part for part in (extra, summary) if part) + ").")
    doubles = int((hit & ~first).sum())
    if doubles:
        message += f" {doubles} regel(s) wijzen een woning aan die al eerder op de lijst stond."
    no_owner = hit & (corp["owner"] == "")
    if no_owner.any():
        message += (f" {int(no_owner.sum())} regel(s) zonder eigenaar: eigenaar "
                    f"'{UNKNOWN_CORPORATION}'.")
    warnings.append(message)
    shown = corp["address"].where(corp["address"] != "", corp["home_id"].astype("string")
                                  .fillna(""))
    details = matches["detail"].where(~hit | (matches["match"] == "postcode_huisnummer"), "")
    warnings.extend(f"Corporatielijst, {line}"
                    for line in row_lines(corp["row"], shown, details))
