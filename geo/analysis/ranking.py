"""Ranked list of where suitable homes and services are most missing.

Two scales, because the products work at two scales:

- **per buurt** (walking scale): the shortage of step-free homes, and for each walking
  norm the number of people 75+ who live beyond it;
- **per kerngebied** (catchment scale): shortages of clustered housing and of
  nursing-care places (somatic and dementia), which serve a whole core area.

Rows are ranked by the number of homes, places or people missing (``missing``), so a
large shortage outranks a small one whatever the product; ties keep a stable order.
Each row carries a one-line Dutch explanation built from its numbers, and the municipality
of its area (``gemeente_code``, ``gemeente_name``); the walking norm in the explanation is
the one of that municipality (:meth:`geo.model.norms.Norms.for_gemeente`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geo import vocabulary
from geo.formats import fmt_int, fmt_km, fmt_share
from geo.model.norms import Norms

__all__ = ["rank_gaps"]

RANKING_COLUMNS = ("rank", "level", "code", "name", "kerngebied", "gemeente_code",
                   "gemeente_name", "topic", "topic_label", "missing", "demand", "supply",
                   "explanation")
_NUMERIC = ("missing", "demand", "supply")
_GROUP_OF = {"step_free": "65-plussers", "clustered": "75-plussers",
             "nursing_somatic": "75-plussers", "nursing_dementia": "75-plussers"}


def _fmt_ints(values: np.ndarray) -> list[str]:
    return [fmt_int(float(v)) for v in values]


def _gemeente(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    n = len(frame)
    codes = frame["gemeente_code"].to_numpy(dtype=object) if "gemeente_code" in frame \
        else np.full(n, None, dtype=object)
    names = frame["gemeente_name"].to_numpy(dtype=object) if "gemeente_name" in frame \
        else np.full(n, None, dtype=object)
    return codes, names


def _product_rows(level: str, codes: np.ndarray, names: np.ndarray, kerngebieden: np.ndarray,
                  product: str, frame: pd.DataFrame) -> dict[str, Any]:
    demand = frame[f"demand_{product}"].to_numpy(dtype=float)
    supply = frame[f"supply_{product}"].to_numpy(dtype=float)
    missing = demand - supply
    keep = missing >= 0.5
    label = vocabulary.PRODUCT_LABELS[product].lower()
    group = _GROUP_OF[product]
    group_pop = frame["pop_65plus" if product == "step_free" else "pop_75plus"].to_numpy()
    sel = {name: arr[keep] for name, arr in (("demand", demand), ("supply", supply),
                                            ("missing", missing), ("pop", group_pop))}
    if product == "step_free":
        suit = _fmt_ints(frame["homes_suitable"].to_numpy()[keep])
        adapt = _fmt_ints(frame["homes_adaptable"].to_numpy()[keep])
        details = [f"aanbod {s} ({a} geschikt + deel van {b} aanpasbaar)" for s, a, b in
                   zip(_fmt_ints(sel["supply"]), suit, adapt, strict=True)]
    else:
        details = [f"aanbod {s}" for s in _fmt_ints(sel["supply"])]
    texts = [f"{n}: vraag {d} {label} voor {g} {group}, {det} → tekort {m}."
             for n, d, g, det, m in zip(names[keep], _fmt_ints(sel["demand"]),
                                        _fmt_ints(sel["pop"]), details,
                                        _fmt_ints(sel["missing"]), strict=True)]
    n = len(texts)
    gm_codes, gm_names = _gemeente(frame)
    return {"level": [level] * n, "code": codes[keep], "name": names[keep],
            "kerngebied": kerngebieden[keep], "gemeente_code": gm_codes[keep],
            "gemeente_name": gm_names[keep], "topic": [product] * n,
            "topic_label": [vocabulary.PRODUCT_LABELS[product]] * n,
            "missing": sel["missing"], "demand": sel["demand"],
            "supply": sel["supply"], "explanation": texts}


def _coverage_rows(codes: np.ndarray, names: np.ndarray, kerngebieden: np.ndarray, ftype: str,
                   metres: np.ndarray, frame: pd.DataFrame) -> dict[str, Any]:
    total = frame["pop_75plus"].to_numpy(dtype=float)
    covered = frame[f"cov75_{ftype}"].to_numpy(dtype=float)
    missing = total - covered
    keep = missing >= 0.5
    total, covered, missing = total[keep], covered[keep], missing[keep]
    dist = frame[f"dist_{ftype}"].to_numpy(dtype=float)[keep]
    share = np.where(total > 0, missing / np.where(total > 0, total, 1.0), 0.0)
    label = vocabulary.FACILITY_LABELS[ftype].lower()
    texts = [f"{n}: {m} van de {t} 75-plussers ({fmt_share(s)}) wonen verder dan {norm} m "
             f"van een {label}; gemiddeld {fmt_km(d)} naar de dichtstbijzijnde."
             for n, m, t, s, d, norm in zip(names[keep], _fmt_ints(missing), _fmt_ints(total),
                                            share, dist, _fmt_ints(metres[keep]), strict=True)]
    n = len(texts)
    gm_codes, gm_names = _gemeente(frame)
    return {"level": ["buurt"] * n, "code": codes[keep], "name": names[keep],
            "kerngebied": kerngebieden[keep], "gemeente_code": gm_codes[keep],
            "gemeente_name": gm_names[keep], "topic": [f"coverage_{ftype}"] * n,
            "topic_label": [f"Loopafstand {label}"] * n, "missing": missing,
            "demand": total, "supply": covered, "explanation": texts}


def rank_gaps(buurt: pd.DataFrame, kerngebied: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Rank shortages and coverage gaps.

    Parameters
    ----------
    buurt
        The buurt gap layer of :func:`geo.analysis.gaps.analyse`.
    kerngebied
        The kerngebied gap layer.
    norms
        Norms in force (walking distances for the explanations).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RANKING_COLUMNS`, best-ranked first; only rows with something
        missing (``missing`` ≥ 0.5).
    """
    # plain DataFrames: column access on a GeoDataFrame is slower and not needed here
    buurt, kerngebied = pd.DataFrame(buurt), pd.DataFrame(kerngebied)
    codes = buurt["buurt_code"].to_numpy(dtype=object)
    names = buurt["buurt_name"].to_numpy(dtype=object)
    kerngebieden = buurt["kerngebied"].to_numpy(dtype=object)
    parts = [_product_rows("buurt", codes, names, kerngebieden, "step_free", buurt)]
    gm = (buurt["gemeente_code"].astype(str).to_numpy() if "gemeente_code" in buurt
          else np.full(len(buurt), "", dtype=object))
    walking = {c: norms.for_gemeente(c).walking for c in dict.fromkeys(gm.tolist())}
    for ftype in norms.walking:
        metres = np.array([float(walking[c][ftype]) for c in gm], dtype=float)
        parts.append(_coverage_rows(codes, names, kerngebieden, ftype, metres, buurt))
    kcodes = kerngebied["kerngebied"].to_numpy(dtype=object)
    knames = np.array([f"Kerngebied {k}" for k in kcodes], dtype=object)
    for product in ("clustered", "nursing_somatic", "nursing_dementia"):
        parts.append(_product_rows("kerngebied", kcodes, knames, kcodes, product, kerngebied))
    columns = RANKING_COLUMNS[1:]
    merged = {c: np.concatenate([np.asarray(p[c], dtype=float if c in _NUMERIC else object)
                                 for p in parts]) for c in columns}
    # stable order: by missing (descending), ties in the order rows were built
    order = np.argsort(-merged["missing"], kind="stable")
    frame = pd.DataFrame({"rank": np.arange(1, len(order) + 1),
                          **{c: merged[c][order] for c in columns}})
    return frame
