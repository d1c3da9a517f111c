"""The check table for people: Dutch text for the CLI, display columns for the app, a CSV.

The table itself is :func:`geo.analysis.check.check_region`; this module only formats it
(numbers with :mod:`geo.formats`) and writes it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from geo.formats import (
    MISSING,
    fmt_decimal,
    fmt_diff,
    fmt_int,
    fmt_km,
    fmt_share,
    fmt_share_diff,
)
from geo.io._atomic import atomic_path

__all__ = ["NO_REFERENCE", "check_text", "display_table", "fmt_value", "write_check_csv"]

#: The line shown for a region without a ``reference`` layer.
NO_REFERENCE = ("Deze regio heeft geen controlecijfers (laag 'reference'): er is niets om het "
                "model mee te vergelijken. Bouw de regio met een CBS-kaart met cijfers of geef "
                "een kerncijfertabel mee: python -m geo build … --reference "
                "kerncijfers.csv.")
_SUMMARY_MEASURES = ("inhabitants", "pop_65plus", "dwellings")


def fmt_value(value: float, unit: str, *, diff: bool = False) -> str:
    """One figure of the check table in Dutch (``diff``: signed, as a difference).

    Examples
    --------
    >>> fmt_value(2.55, "km"), fmt_value(-0.4, "km", diff=True), fmt_value(81.0, "%")
    ('2,5 km', '-0,4 km', '81 %')
    >>> fmt_value(3.2, "%", diff=True), fmt_value(12, "aantal", diff=True)
    ('+3,2 pp', '+12')
    """
    if value is None or not math.isfinite(float(value)):
        return MISSING
    value = float(value)
    if unit == "km":
        if not diff:
            return fmt_km(value * 1000.0, missing=MISSING)
        text = fmt_decimal(value, 1)
        return "±0 km" if text.strip("-0,") == "" else (
            f"{'+' if value > 0 else ''}{text} km")
    if unit == "%":
        if diff:
            return fmt_share_diff(value / 100.0, 1)
        return fmt_share(value / 100.0, 0 if float(value).is_integer() else 1)
    if unit == "rho":
        return fmt_decimal(value, 2)
    return fmt_diff(value) if diff else fmt_int(value)


def _relative(row: pd.Series) -> str:
    rel = row["relative"]
    if row["unit"] not in ("aantal", "km") or not math.isfinite(float(rel)):
        return ""
    return f"({fmt_share(rel, 1, signed=True)})"


def display_table(table: pd.DataFrame, part: str) -> pd.DataFrame:
    """Rows of one ``part`` (``doel``, ``gemeente``, ``wijk``, ``buurt``) as Dutch text."""
    rows = table[table["part"] == part]
    if part == "doel":
        summary = rows["measure"].isin(_SUMMARY_MEASURES) & (rows["code"] == "")
        return pd.DataFrame({
            "Doel": rows["label"],
            "Norm": rows["target"],
            "Model": [note if s else fmt_value(v, u) for s, note, v, u in
                      zip(summary, rows["note"], rows["model"], rows["unit"], strict=True)],
            "CBS": [_target_reference(r) for _, r in rows.iterrows()],
            "Oordeel": rows["verdict"],
            "Toelichting": rows["note"].where(~summary, ""),
        })
    return pd.DataFrame({
        "Code": rows["code"], "Gebied": rows["name"], "Kenmerk": rows["label"],
        "Model": [fmt_value(v, u) for v, u in zip(rows["model"], rows["unit"], strict=True)],
        "CBS": [fmt_value(v, u) for v, u in zip(rows["reference"], rows["unit"], strict=True)],
        "Verschil": [f"{fmt_value(r['difference'], r['unit'], diff=True)} {_relative(r)}".strip()
                     for _, r in rows.iterrows()],
        "Oordeel": rows["verdict"], "Marge": rows["target"], "Toelichting": rows["note"],
    })


def _target_reference(row: pd.Series) -> str:
    if (row["measure"] in _SUMMARY_MEASURES and row["code"] == "") \
            or row["measure"].startswith("spearman_"):
        return ""
    return fmt_value(row["reference"], row["unit"])


def check_text(table: pd.DataFrame, region_name: str, *, detail: bool = False) -> str:
    """The check as plain text: targets, the gemeente, per wijk and (``detail``) per buurt."""
    if table.empty:
        return NO_REFERENCE
    lines = [f"Controle {region_name}: het model naast de gepubliceerde CBS-cijfers", ""]
    targets = display_table(table, "doel")
    lines.append("Doelen")
    width = max([len(t) for t in targets["Doel"]] + [10]) + 2
    for _, r in targets.iterrows():
        figures = r["Model"] + (f" (CBS {r['CBS']})" if r["CBS"] else "")
        lines.append(f"  {r['Doel']:<{width}}{r['Oordeel']:<15}{figures}; norm {r['Norm']}")
        if r["Toelichting"]:
            lines.append(f"  {'':<{width}}{r['Toelichting']}")
    methods = table.loc[table["part"] != "doel", ["label", "method"]].drop_duplicates("label")
    lines += ["", "Methode van het model"]
    lines += [f"  {label}: {method}" for label, method in methods.itertuples(index=False)]
    parts = [("gemeente", "Gemeente"), ("wijk", "Per wijk")]
    if detail:
        parts.append(("buurt", "Per buurt"))
    for part, title in parts:
        rows = display_table(table, part)
        if rows.empty:
            continue
        lines += ["", f"{title}: kenmerk, model, CBS, verschil, oordeel"]
        for code, block in rows.groupby("Code", sort=False):
            lines.append(f"  {code} {block['Gebied'].iloc[0]}")
            for _, r in block.iterrows():
                lines.append(f"    {r['Kenmerk']:<30}{r['Model']:>12}{r['CBS']:>12}"
                             f"  {r['Verschil']:<20}{r['Oordeel']}")
    if not detail and (table["part"] == "buurt").any():
        lines += ["", "Per buurt: gebruik --detail of --out controle.csv."]
    return "\n".join(lines)


def write_check_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the whole table (every part) as CSV: UTF-8, comma, decimal point.

    Raises
    ------
    geo.errors.WriteError
        When the folder is missing or not writable.
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        table.to_csv(tmp, index=False, encoding="utf-8")
    return path
