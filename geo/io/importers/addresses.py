"""Dutch addresses: the one canonical address key, and matching lists to BAG addresses.

Every list that names places by address (corporation lists, facility lists without
coordinates) is matched to the BAG through the same key, built by :func:`parse_addresses`
on **both** sides:

``postcode | huisnummer | suffix``

- **postcode**: upper case, spaces and dashes removed (``"9411 ac"`` → ``"9411AC"``); valid
  is four digits without a leading zero and two letters (PostNL; the BAG uses the same form).
- **huisnummer**: the number without leading zeros (``"020"`` and Excel's ``"20.0"`` → ``20``).
- **suffix**: huisletter and huisnummertoevoeging together, upper case, with every space,
  dash, slash and dot removed. A number cell may carry them (``"14A"``, ``"14 a"``,
  ``"14-A"``, ``"20-1"``, ``"20 4"``, ``"20 bis"``, ``"14A-1"``); so may separate columns
  ``Huisletter`` and ``Toevoeging``. Letter and toevoeging are joined, so a letter written in
  the Toevoeging column matches the BAG huisletter (``14`` + toevoeging ``A`` ≡ ``14A``).
  When a number cell and a column give the same suffix it counts once.

Matching (:meth:`AddressIndex.match`), per row, in this order:

1. the exact key, when it names one BAG object → ``exact``;
2. otherwise postcode + huisnummer, when exactly one BAG object has them → the weaker
   ``postcode_huisnummer`` match, with a note on the row;
3. otherwise no match, with a reason (:data:`REASONS`): invalid or missing postcode or
   number, postcode not in the BAG file, number not at this postcode, several addresses at
   postcode + number and no letter/toevoeging to choose, letter/toevoeging not found.

A row whose postcode is missing or invalid is matched on street + place instead (compared
without case, accents, spaces and punctuation; the BAG's ``openbare_ruimte_naam`` and
``woonplaats_naam``) when the list has them and the BAG table carries ``straat`` and
``woonplaats``: the exact street key, else street + number when unique; the row says so.

BAG objects whose status says they do not (or no longer) exist (*niet gerealiseerd*,
*ingetrokken*, *ten onrechte opgevoerd*) are only used when no other object has the address,
because the BAG keeps such an address next to the object that replaced it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

__all__ = [
    "REASONS",
    "RETIRED_STATUSES",
    "AddressIndex",
    "count_matches",
    "display_number",
    "parse_addresses",
    "reason_summary",
    "row_lines",
    "street_key",
]

#: Short Dutch label of every reason a row is not matched (keys are the reason codes).
REASONS: dict[str, str] = {
    "postcode_missing": "postcode ontbreekt",
    "postcode_invalid": "ongeldige postcode",
    "number_missing": "huisnummer ontbreekt",
    "number_invalid": "ongeldig huisnummer",
    "postcode_unknown": "postcode niet in het BAG-bestand",
    "number_unknown": "huisnummer niet bij deze postcode",
    "ambiguous": "meerdere adressen op postcode + huisnummer, geen letter/toevoeging",
    "suffix_unknown": "huisletter/toevoeging niet gevonden",
    "duplicate_in_bag": "adres meermaals in het BAG-bestand",
    "no_location": "verblijfsobject zonder locatie",
}

#: Verblijfsobject statuses (lower case, without "verblijfsobject ") of objects that do
#: not or no longer exist; their addresses are used only when nothing else has them.
RETIRED_STATUSES: frozenset[str] = frozenset(
    {"niet gerealiseerd", "niet gerealiseerd verblijfsobject", "ingetrokken",
     "ten onrechte opgevoerd"})

_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
_MAX_NUMBER = 99999  # BAG: huisnummer 1 … 99999
_SHOWN = 8  # values listed in a reason ("wel: …")
_TEXT = "string[pyarrow]"  # vectorised string kernels (pyarrow is a dependency)


def _clean(values: pd.Series | Iterable[object] | None, index: pd.Index) -> pd.Series:
    """Stripped text (``""`` for missing) aligned with ``index``."""
    if values is None:
        return pd.Series("", index=index, dtype=_TEXT)
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), index=index)
    series = series.set_axis(index)
    text = series.astype(_TEXT).str.strip().fillna("")
    return text.mask(text.str.lower().isin(["nan", "none", "<na>"]), "")


def _alnum(values: pd.Series) -> pd.Series:
    return values.str.upper().str.replace(r"[^0-9A-Z]", "", regex=True)


def parse_addresses(postcode: pd.Series, huisnummer: pd.Series,
                    huisletter: pd.Series | None = None,
                    toevoeging: pd.Series | None = None) -> pd.DataFrame:
    """Canonical address parts and key of every row (see the module docstring).

    Parameters
    ----------
    postcode, huisnummer
        Cells as written (text or numbers), one per row.
    huisletter, toevoeging
        Optional columns of the same length (``None``: not in the file).

    Returns
    -------
    pandas.DataFrame
        Same index, columns ``postcode`` (``"9411AC"`` or ``""``), ``huisnummer`` (digits
        or ``""``), ``suffix`` (letter + toevoeging, ``""`` for none or an unusable
        number), ``key``
        (``"9411AC|20|1"``; ``""`` when the row has a problem), ``problem`` (a
        :data:`REASONS` code or ``""``), ``detail`` (Dutch text of the problem) and
        ``address`` (the address as written, for messages).

    Examples
    --------
    >>> rows = parse_addresses(pd.Series(["9411 ac", "9411AC", "1234"]),
    ...                        pd.Series(["20-1", "14", "3"]),
    ...                        toevoeging=pd.Series(["", "a", ""]))
    >>> rows["key"].tolist(), rows["problem"].tolist()
    (['9411AC|20|1', '9411AC|14|A', ''], ['', '', 'postcode_invalid'])
    """
    index = postcode.index
    pc_raw = _clean(postcode, index)
    nr_raw = _clean(huisnummer, index)
    letter_raw = _clean(huisletter, index)
    toev_raw = _clean(toevoeging, index)
    pc = _alnum(pc_raw)
    # leading digits are the number; what follows (less Excel's ".0") is letter/toevoeging
    number = nr_raw.str.replace(r"\D.*$", "", regex=True).str.lstrip("0")
    rest = nr_raw.str.upper().str.replace(r"^\d+(?:[.,]0+$)?", "", regex=True)
    value = pd.to_numeric(number.where(number != ""), errors="coerce")
    number_ok = value.between(1, _MAX_NUMBER).fillna(False).astype(bool)
    in_cell = _alnum(rest)
    in_columns = _alnum(letter_raw) + _alnum(toev_raw)
    suffix = in_cell.where((in_columns == "") | (in_columns == in_cell), in_cell + in_columns)

    pc_ok = pc.str.match(_POSTCODE)
    conditions = [pc == "", ~pc_ok, nr_raw == "", ~number_ok]
    codes = ["postcode_missing", "postcode_invalid", "number_missing", "number_invalid"]
    problem = pd.Series(np.select(conditions, codes, default=""), index=index)
    detail = pd.Series(np.select(conditions, [
        "postcode ontbreekt",
        "ongeldige postcode '" + pc_raw + "' (verwacht 4 cijfers en 2 letters, bijv. 9411 AB)",
        "huisnummer ontbreekt",
        "ongeldig huisnummer '" + nr_raw + "' (verwacht een getal van 1 tot 99999, "
        "eventueel met letter of toevoeging, bijv. 14A of 20-1)",
    ], default=""), index=index)
    number = value.where(number_ok).astype("Int64").astype("string").fillna("")
    ok = problem == ""
    key = (pc + "|" + number + "|" + suffix).where(ok, "")
    written = pc_raw + " " + nr_raw
    for extra in (letter_raw, toev_raw):
        written = written + (" " + extra).where(extra != "", "")
    return pd.DataFrame({
        "postcode": pc.where(pc_ok, ""), "huisnummer": number,
        "suffix": suffix.where(number_ok, ""),
        "key": key, "problem": problem, "detail": detail,
        "address": written.str.strip(),
    }, index=index)


def street_key(values: pd.Series) -> pd.Series:
    """Street or place name as a comparison key (ASCII letters and digits, lower case).

    Examples
    --------
    >>> street_key(pd.Series(["Burg. de Withstraat", "Exloërmond"])).tolist()
    ['burgdewithstraat', 'exloermond']
    """
    text = values.astype("string").fillna("").str.normalize("NFKD")
    return text.str.lower().str.replace(r"[^a-z0-9]", "", regex=True).astype(object)


def display_number(number: str, suffix: str) -> str:
    """House number as people write it: ``20`` + ``1`` → ``"20-1"``, ``14`` + ``A`` → ``"14A"``."""
    if not suffix:
        return number
    return f"{number}{suffix}" if suffix[0].isalpha() else f"{number}-{suffix}"


def _listing(values: list[str]) -> str:
    shown = ", ".join(values[:_SHOWN])
    return shown + (f" en nog {len(values) - _SHOWN}" if len(values) > _SHOWN else "")


class AddressIndex:
    """The BAG side of address matching: canonical keys of BAG objects.

    Parameters
    ----------
    bag
        Output of :func:`parse_addresses` for the BAG objects (one row per object;
        duplicate objects must already be removed), index 0…n-1.
    retired
        Optional boolean array: the object's status is one of :data:`RETIRED_STATUSES`
        (such objects are used only when no other object has the address).
    """

    def __init__(self, bag: pd.DataFrame, retired: np.ndarray | None = None) -> None:
        self._bag = bag.reset_index(drop=True)
        self._retired = (np.zeros(len(bag), dtype=bool) if retired is None
                         else np.asarray(retired, dtype=bool))
        usable = self._bag[self._bag["key"] != ""]
        self._by_key = usable.groupby("key").indices
        self._by_number = usable.groupby(["postcode", "huisnummer"]).indices
        self._by_postcode = usable.groupby("postcode").indices
        self._by_street: dict = {}
        self._by_street_number: dict = {}
        if {"straat", "woonplaats"} <= set(usable.columns):
            place = street_key(usable["straat"]) + "|" + street_key(usable["woonplaats"])
            place = place.where((usable["straat"] != "") & (usable["woonplaats"] != ""), "")
            located = usable.assign(_place=place.to_numpy())[place.to_numpy() != ""]
            self._by_street = located.groupby(["_place", "huisnummer", "suffix"]).indices
            self._by_street_number = located.groupby(["_place", "huisnummer"]).indices
            # positions within `located`: translate to positions within `usable`
            within = usable.index.get_indexer(located.index)
            self._by_street = {k: within[v] for k, v in self._by_street.items()}
            self._by_street_number = {k: within[v] for k, v in self._by_street_number.items()}
        # groupby().indices holds positions within `usable`; map back to bag positions
        self._pos = usable.index.to_numpy()

    def _candidates(self, groups: dict, key: object) -> np.ndarray:
        found = groups.get(key)
        if found is None:
            return np.empty(0, dtype=np.int64)
        positions = self._pos[found]
        live = positions[~self._retired[positions]]
        return live if len(live) else positions

    def match(self, rows: pd.DataFrame, street: pd.Series | None = None,
              place: pd.Series | None = None) -> pd.DataFrame:
        """Match list rows (from :func:`parse_addresses`) to BAG objects.

        Parameters
        ----------
        rows
            Parsed list rows.
        street, place
            Optional street name and place of every row (same index): used for rows
            whose postcode is missing or invalid.

        Returns
        -------
        pandas.DataFrame
            Same index, columns ``target`` (row position in the BAG table, -1 when not
            matched), ``match`` (``"exact"``, ``"postcode_huisnummer"`` or ``""``),
            ``reason`` (a :data:`REASONS` code, ``""`` when matched) and ``detail`` (Dutch:
            why the row is not matched, or the note on a weaker match).
        """
        fallback = pd.Series("", index=rows.index)
        if street is not None and place is not None and self._by_street:
            fallback = street_key(street) + "|" + street_key(place)
            fallback = fallback.where((_clean(street, rows.index) != "")
                                      & (_clean(place, rows.index) != ""), "")
        out = [self._match_one(row, on_street)
               for row, on_street in zip(rows.itertuples(index=False), fallback, strict=True)]
        frame = pd.DataFrame(out, columns=["target", "match", "reason", "detail"],
                             index=rows.index)
        frame["target"] = frame["target"].astype("int64")
        return frame

    def _match_one(self, row: object, on_street: str) -> tuple[int, str, str, str]:
        if row.problem.startswith("postcode") and on_street and row.huisnummer:
            found = self._street_match(row, on_street)
            if found is not None:
                return found
            return (-1, "", row.problem,
                    f"{row.detail}, en op straat + plaats is het adres niet (eenduidig) "
                    "gevonden")
        if row.problem:
            return -1, "", row.problem, row.detail
        exact = self._candidates(self._by_key, row.key)
        if len(exact) == 1:
            return int(exact[0]), "exact", "", ""
        if len(exact) > 1:
            return (-1, "", "duplicate_in_bag",
                    f"het adres komt {len(exact)} keer voor in het BAG-bestand (verschillende "
                    "verblijfsobjecten); geef het BAG-id om te kiezen")
        same_number = self._candidates(self._by_number, (row.postcode, row.huisnummer))
        written = f"{row.postcode} {display_number(row.huisnummer, row.suffix)}"
        if len(same_number) == 1:
            found = self._bag.iloc[int(same_number[0])]
            note = (f"gekoppeld op postcode + huisnummer: het enige adres op {row.postcode} "
                    f"{row.huisnummer} is {display_number(found.huisnummer, found.suffix)}")
            return int(same_number[0]), "postcode_huisnummer", "", note
        if len(same_number) > 1:
            others = self._numbers_at(same_number)
            if not row.suffix:
                return (-1, "", "ambiguous",
                        f"op {row.postcode} {row.huisnummer} liggen {len(same_number)} adressen "
                        f"({_listing(others)}) en de regel heeft geen huisletter of "
                        "toevoeging om te kiezen")
            return (-1, "", "suffix_unknown",
                    f"{written} staat niet in het BAG-bestand; op {row.postcode} "
                    f"{row.huisnummer} wel: {_listing(others)}")
        at_postcode = self._candidates(self._by_postcode, row.postcode)
        if not len(at_postcode):
            return (-1, "", "postcode_unknown",
                    f"postcode {row.postcode} komt niet voor in het BAG-bestand (buiten de "
                    "uitsnede, of een tikfout)")
        numbers = sorted(set(self._bag["huisnummer"].to_numpy()[at_postcode]), key=int)
        return (-1, "", "number_unknown",
                f"huisnummer {row.huisnummer} niet gevonden bij postcode {row.postcode} "
                f"(wel: {_listing(numbers)})")

    def _street_match(self, row: object, on_street: str) -> tuple[int, str, str, str] | None:
        """Match on street + place + number (postcode unusable); ``None`` if not unique."""
        exact = self._candidates(self._by_street, (on_street, row.huisnummer, row.suffix))
        kind = "exact"
        if len(exact) != 1:
            exact = self._candidates(self._by_street_number, (on_street, row.huisnummer))
            kind = "postcode_huisnummer"
        if len(exact) != 1:
            return None
        found = self._bag.iloc[int(exact[0])]
        note = (f"{row.detail}; gekoppeld op straat + plaats: {found.straat} "
                f"{display_number(found.huisnummer, found.suffix)}, {found.postcode} "
                f"{found.woonplaats}")
        return int(exact[0]), kind, "", note

    def _numbers_at(self, positions: np.ndarray) -> list[str]:
        part = self._bag.iloc[positions]
        shown = sorted(zip(part["suffix"], part["huisnummer"], strict=True),
                       key=lambda t: (len(t[0]), t[0]))
        return [display_number(nr, sfx) for sfx, nr in shown]


def count_matches(matches: pd.DataFrame, prefix: str) -> dict[str, int]:
    """Counts of a :meth:`AddressIndex.match` result, for a result's ``stats``.

    Returns ``{prefix}_exact``, ``{prefix}_postcode_huisnummer``, ``{prefix}_unmatched``
    and ``{prefix}_unmatched_<reason>`` for every reason that occurs.
    """
    stats = {
        f"{prefix}_exact": int((matches["match"] == "exact").sum()),
        f"{prefix}_postcode_huisnummer": int((matches["match"] == "postcode_huisnummer").sum()),
        f"{prefix}_unmatched": int((matches["reason"] != "").sum()),
    }
    for reason, n in matches.loc[matches["reason"] != "", "reason"].value_counts().items():
        stats[f"{prefix}_unmatched_{reason}"] = int(n)
    return stats


def reason_summary(reasons: pd.Series) -> str:
    """``"2× postcode niet in het BAG-bestand, 1× huisnummer ontbreekt"`` (most first)."""
    counts = reasons[reasons != ""].value_counts()
    return ", ".join(f"{n}× {REASONS.get(code, code)}" for code, n in counts.items())


def row_lines(rows: pd.Series, texts: pd.Series, details: pd.Series, *,
              limit: int = 100) -> list[str]:
    """Dutch lines ``"regel 5 (9411 AC 20-5): <detail>"`` for rows with a detail.

    Parameters
    ----------
    rows
        Line number in the file per row.
    texts
        What identifies the row for the user (address as written, or name + address).
    details
        The reason or note; rows with ``""`` are skipped.
    limit
        At most this many lines; one more line says how many were left out.
    """
    keep = details != ""
    lines = [f"regel {r} ({t}): {d}" for r, t, d in
             zip(rows[keep], texts[keep], details[keep], strict=True)]
    if len(lines) > limit:
        lines = [*lines[:limit], f"… en nog {len(lines) - limit} regel(s)"]
    return lines
