"""Small helpers shared by the CBS importers.

Used by :mod:`geo.io.importers.cbs` and :mod:`geo.io.importers.cbs_population`.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["PCT_COLUMNS", "listing", "plural"]

#: The five CBS age percentages per buurt (0–15, 15–25, 25–45, 45–65, 65+).
PCT_COLUMNS: tuple[str, ...] = ("pct_0_14", "pct_15_24", "pct_25_44", "pct_45_64",
                                "pct_65_plus")


def plural(n: int, one: str, many: str) -> str:
    """``"1 buurt"`` or ``"3 buurten"``."""
    return f"{n} {one if n == 1 else many}"


def listing(items: Iterable[str], limit: int = 10) -> str:
    """At most ``limit`` items, comma-separated, with "… en N meer" for the rest."""
    items = list(items)
    text = ", ".join(items[:limit])
    return text + (f" … en {len(items) - limit} meer" if len(items) > limit else "")
