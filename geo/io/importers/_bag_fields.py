"""BAG field helpers shared by the BAG and corporation-list importers.

Column matching through alias tables (:func:`canonical`), BAG identifiers
(:func:`bag_ids`) and the address parts used to link a corporation list to dwellings.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo.io.tables import normalise_name

__all__ = ["bag_ids", "canonical", "house_numbers", "postcodes", "suffix", "text"]


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


def postcodes(values: pd.Series) -> pd.Series:
    """Postcodes in upper case without spaces (``"9411 AB"`` → ``"9411AB"``)."""
    return text(values).str.upper().str.replace(r"\s+", "", regex=True)


def house_numbers(values: pd.Series) -> pd.Series:
    """House numbers as digits without leading zeros (``""`` when not a plain number)."""
    plain = text(values).str.replace(r"\.0+$", "", regex=True)
    digits = plain.str.extract(r"^0*(\d+)$", expand=False)
    return digits.fillna("")


def suffix(values: pd.Series) -> pd.Series:
    """Huisletter/toevoeging in upper case, without a leading ``-``."""
    return text(values).str.upper().str.lstrip("-").str.strip()
