"""The levels of a result above the kerngebied: municipality and region.

A region package may hold several municipalities (``areas.gemeente_code``). Every page
and output that shows "the municipality" or "the region" takes its row from here, so
they agree:

- :func:`gemeente_rows`: one row per municipality (``GapResult.gemeente``);
- :func:`regio_row`: one row for the whole region (``GapResult.regio``);
- :func:`kerngebied_gemeente`: the municipality of each kerngebied (each kerngebied lies
  in one municipality).

The analysis (:mod:`geo.analysis.gaps`) builds both levels from the buurten: counts add
up, shares are recomputed from the summed counts.
"""

from __future__ import annotations

import pandas as pd

from geo.analysis.gaps import GapResult

__all__ = ["gemeente_names", "gemeente_rows", "kerngebied_gemeente", "kerngebieden_of",
           "regio_row"]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))


def gemeente_names(result: GapResult) -> dict[str, str]:
    """``{gemeente_code: gemeente_name}`` of the buurten, in the order they appear."""
    buurt = result.buurt
    if "gemeente_code" not in buurt.columns:
        return {}
    names = buurt["gemeente_name"] if "gemeente_name" in buurt.columns \
        else buurt["gemeente_code"]
    return dict(zip(buurt["gemeente_code"].astype(str), names.astype(str), strict=True))


def kerngebied_gemeente(result: GapResult) -> dict[str, str]:
    """``{kerngebied: gemeente_code}``: the municipality of each kerngebied.

    From ``result.kerngebied['gemeente_code']`` when present, else from the first buurt
    of each kerngebied (a kerngebied lies in one municipality).
    """
    frame = result.kerngebied
    if "gemeente_code" in frame.columns:
        return dict(zip(frame["kerngebied"].astype(str), frame["gemeente_code"].astype(str),
                        strict=True))
    buurt = result.buurt
    if "gemeente_code" not in buurt.columns:
        return {}
    first = buurt.drop_duplicates("kerngebied")
    return dict(zip(first["kerngebied"].astype(str), first["gemeente_code"].astype(str),
                    strict=True))


def kerngebieden_of(result: GapResult, gemeente_code: str | None) -> list[str]:
    """Kerngebieden of one municipality (all of them for ``None``), in result order."""
    names = [str(k) for k in result.kerngebied["kerngebied"]]
    if gemeente_code is None:
        return names
    owner = kerngebied_gemeente(result)
    return [k for k in names if owner.get(k) == gemeente_code]


def gemeente_rows(result: GapResult) -> pd.DataFrame:
    """One row per municipality, indexed by ``gemeente_code`` (no geometry).

    Parameters
    ----------
    result
        Gap analysis result (``result.gemeente`` has one row per municipality).

    Returns
    -------
    pandas.DataFrame
        Columns ``gemeente`` (name) and the count, share, distance and score columns of
        the gap layers, in buurt order of the municipalities.
    """
    gem = _plain(result.gemeente)
    gem = gem.assign(gemeente_code=gem["gemeente_code"].astype(str)).set_index("gemeente_code")
    order = [c for c in gemeente_names(result) if c in gem.index]
    return gem.reindex(order + [c for c in gem.index if c not in order])


def regio_row(result: GapResult) -> pd.Series:
    """The whole region as one row (``result.regio``; its ``gemeente`` is the region name)."""
    row = pd.Series(_plain(result.regio).iloc[0]).copy()
    if "gemeente" not in row.index:
        row["gemeente"] = row.get("regio", str(result.assumptions.get("region", "regio")))
    return row
