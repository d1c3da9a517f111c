"""The levels of a result above the kerngebied: municipality and region.

A region package may hold several municipalities (``areas.gemeente_code``). Every page
and output that shows "the municipality" or "the region" takes its row from here, so
they agree:

- :func:`gemeente_rows`: one row per municipality, from ``GapResult.gemeente`` when it
  has one row per municipality of the buurten; otherwise (results of an analysis that
  reports the whole region as a single ``gemeente`` row) aggregated from the kerngebied
  rows of each municipality;
- :func:`regio_row`: one row for the whole region, from ``GapResult.regio`` when the
  result has it, else the only municipality row or the aggregate of all of them;
- :func:`kerngebied_gemeente`: the municipality of each kerngebied (each kerngebied lies
  in one municipality).

Counts add up (sums); shares are recomputed from the summed counts and mean distances and
accessibility scores are weighted means, exactly as :mod:`geo.analysis.gaps` aggregates
buurten into kerngebieden.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.analysis.gaps import GapResult
from geo.analysis.gaps import _aggregate as aggregate_counts

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


def _aggregate_rows(frame: pd.DataFrame, codes: np.ndarray, n: int,
                    result: GapResult) -> dict[str, np.ndarray]:
    cols = {c: frame[c].to_numpy() for c in frame.columns}
    return aggregate_counts(cols, codes, n, result.norms)


def gemeente_rows(result: GapResult) -> pd.DataFrame:
    """One row per municipality, indexed by ``gemeente_code`` (no geometry).

    Parameters
    ----------
    result
        Gap analysis result.

    Returns
    -------
    pandas.DataFrame
        Columns ``gemeente`` (name) and the count, share, distance and score columns of
        the gap layers; one row per municipality of ``result.buurt``, in buurt order.
        Counts are sums over the municipality's kerngebieden, shares are recomputed
        from them.
    """
    names = gemeente_names(result)
    gem = _plain(result.gemeente)
    if "gemeente_code" in gem.columns and names and \
            set(gem["gemeente_code"].astype(str)) == set(names):
        out = gem.assign(gemeente_code=gem["gemeente_code"].astype(str))
        return out.set_index("gemeente_code").reindex(list(names))
    if len(names) <= 1:  # one municipality (or no codes): the result's own row
        code = next(iter(names), str(gem.get("gemeente_code", pd.Series([""])).iloc[0]))
        return gem.assign(gemeente_code=[code]).set_index("gemeente_code")
    kern = _plain(result.kerngebied)
    owner = kerngebied_gemeente(result)
    order = list(names)
    codes = np.array([order.index(owner[str(k)]) for k in kern["kerngebied"]], dtype=np.int64)
    cols = _aggregate_rows(kern.drop(columns=["kerngebied"]), codes, len(order), result)
    out = pd.DataFrame({"gemeente": [names[c] for c in order], **cols,
                        "n_buurten": np.bincount(
                            [order.index(c) for c in result.buurt["gemeente_code"].astype(str)],
                            minlength=len(order)),
                        "year": result.year}, index=pd.Index(order, name="gemeente_code"))
    return out


def regio_row(result: GapResult) -> pd.Series:
    """The whole region as one row (``gemeente``: the region's name when known).

    ``result.regio`` when the result has it; else the only municipality's row, or the
    municipality rows aggregated (counts summed, shares recomputed).
    """
    regio = getattr(result, "regio", None)
    if regio is not None and len(regio):
        return pd.Series(_plain(regio).iloc[0]).copy()
    rows = gemeente_rows(result)
    if len(rows) == 1:
        return rows.reset_index().iloc[0].copy()
    codes = np.zeros(len(rows), dtype=np.int64)
    cols = _aggregate_rows(rows.drop(columns=["gemeente"]), codes, 1, result)
    return pd.Series({"gemeente_code": ",".join(rows.index),
                      "gemeente": str(result.assumptions.get("region", "regio")),
                      **{k: float(v[0]) for k, v in cols.items()},
                      "n_buurten": int(rows["n_buurten"].sum()), "year": result.year},
                     dtype=object)
