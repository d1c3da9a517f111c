"""Ranked list of where suitable homes and services are most missing.

Two scales, because the products work at two scales:

- **per buurt** (walking scale): the shortage of step-free homes, and for each walking
  norm the number of people 75+ who live beyond it;
- **per kerngebied** (catchment scale): shortages of clustered housing and of
  nursing-care places (somatic and dementia), which serve a whole core area.

Rows are ranked by the number of homes, places or people missing (``missing``), so a
large shortage outranks a small one whatever the product; ties keep a stable order.
Each row carries a one-line Dutch explanation built from its numbers.
"""

from __future__ import annotations

import math

import pandas as pd

from geo import settings
from geo.norms import Norms

__all__ = ["fmt_int", "fmt_km", "rank_gaps"]

RANKING_COLUMNS = ("rank", "level", "code", "name", "kerngebied", "topic", "topic_label",
                   "missing", "demand", "supply", "explanation")
_GROUP_OF = {"step_free": "65-plussers", "clustered": "75-plussers",
             "nursing_somatic": "75-plussers", "nursing_dementia": "75-plussers"}


def fmt_int(value: float) -> str:
    """Format a number as a Dutch whole number (``12.345``).

    Examples
    --------
    >>> fmt_int(12345.4)
    '12.345'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{round(value):,}".replace(",", ".")


def fmt_km(metres: float) -> str:
    """Format a distance in metres as Dutch kilometres with one decimal (``2,4 km``)."""
    if metres is None or not math.isfinite(metres):
        return "geen binnen bereik"
    return f"{metres / 1000:.1f} km".replace(".", ",")


def _product_row(level: str, code: str, name: str, kern: str, product: str,
                 row: pd.Series) -> dict[str, object]:
    demand = float(row[f"demand_{product}"])
    supply = float(row[f"supply_{product}"])
    missing = demand - supply
    label = settings.PRODUCT_LABELS[product].lower()
    if product == "step_free":
        detail = (f"aanbod {fmt_int(supply)} ({fmt_int(row['homes_suitable'])} geschikt + "
                  f"deel van {fmt_int(row['homes_adaptable'])} aanpasbaar)")
        group_pop = row["pop_65plus"]
    else:
        detail = f"aanbod {fmt_int(supply)}"
        group_pop = row["pop_75plus"]
    text = (f"{name}: vraag {fmt_int(demand)} {label} voor {fmt_int(group_pop)} "
            f"{_GROUP_OF[product]}, {detail} → tekort {fmt_int(missing)}.")
    return {"level": level, "code": code, "name": name, "kerngebied": kern, "topic": product,
            "topic_label": settings.PRODUCT_LABELS[product], "missing": missing,
            "demand": demand, "supply": supply, "explanation": text}


def _coverage_row(code: str, name: str, kern: str, ftype: str, metres: float,
                  row: pd.Series) -> dict[str, object]:
    total = float(row["pop_75plus"])
    covered = float(row[f"cov75_{ftype}"])
    missing = total - covered
    share = missing / total if total > 0 else 0.0
    label = settings.FACILITY_LABELS[ftype].lower()
    text = (f"{name}: {fmt_int(missing)} van de {fmt_int(total)} 75-plussers "
            f"({share:.0%}) wonen verder dan {fmt_int(metres)} m van een {label}; "
            f"gemiddeld {fmt_km(float(row[f'dist_{ftype}']))} naar de dichtstbijzijnde.")
    return {"level": "buurt", "code": code, "name": name, "kerngebied": kern,
            "topic": f"coverage_{ftype}", "topic_label": f"Loopafstand {label}",
            "missing": missing, "demand": total, "supply": covered, "explanation": text}


def rank_gaps(buurt: pd.DataFrame, kern: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Rank shortages and coverage gaps.

    Parameters
    ----------
    buurt
        The buurt gap layer of :func:`geo.gaps.analyse`.
    kern
        The kerngebied gap layer.
    norms
        Norms in force (walking distances for the explanations).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RANKING_COLUMNS`, best-ranked first; only rows with something
        missing (``missing`` ≥ 0.5).
    """
    rows: list[dict[str, object]] = []
    for _, row in buurt.iterrows():
        code, name, kern_name = row["buurt_code"], row["buurt_name"], row["kerngebied"]
        rows.append(_product_row("buurt", code, name, kern_name, "step_free", row))
        for ftype, metres in norms.walking.items():
            rows.append(_coverage_row(code, name, kern_name, ftype, float(metres), row))
    for _, row in kern.iterrows():
        for product in ("clustered", "nursing_somatic", "nursing_dementia"):
            rows.append(_product_row("kerngebied", row["kerngebied"],
                                     f"Kerngebied {row['kerngebied']}", row["kerngebied"],
                                     product, row))
    frame = pd.DataFrame(rows, columns=[c for c in RANKING_COLUMNS if c != "rank"])
    frame = frame[frame["missing"] >= 0.5]
    frame = frame.sort_values("missing", ascending=False, kind="stable").reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame
