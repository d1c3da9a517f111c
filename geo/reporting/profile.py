"""Profiles of one area: tables behind the Buurtprofiel, Tekorten and Methode pages.

Pure functions on a :class:`geo.analysis.gaps.GapResult` (and, for the trend, a
:class:`geo.model.region.Region`). They never change their inputs: every returned frame is
new, so results shared between sessions stay intact.

- :func:`age_pyramid`: population per age band of one buurt for the result's year;
- :func:`ageing_trend`: 65+, 75+ and 85+ per year, from the base year to the planning
  horizon (2040), for one buurt, a kerngebied or the whole municipality;
- :func:`demand_supply`: demand, supply and shortage per product for a buurt, a
  kerngebied or the municipality;
- :func:`walking_distances`: mean distance of people 75+ to the nearest facility of
  each walking-norm type, next to the norm;
- :func:`comparison`: key indicators of a buurt next to its kerngebied and the
  municipality;
- :func:`explanations`: the ranking's explanations for a buurt and its kerngebied;
- :func:`filter_ranking`, :func:`ranking_totals` and :func:`csv_bytes`: the ranked
  list as filtered on the Tekorten page and its CSV download;
- the assumptions in force (Data & methode) are in :mod:`geo.reporting.assumptions`.

Labels in returned frames are Dutch (they are shown in the app); column names are
English identifiers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from geo import vocabulary
from geo.analysis.gaps import GapResult
from geo.analysis.prognosis import project_series
from geo.config import get_config
from geo.errors import AnalysisError
from geo.formats import fmt_int
from geo.model.prognosis import PrognosisSettings, get_variant
from geo.model.region import Region
from geo.reporting import levels

__all__ = [
    "LEVELS",
    "PRODUCT_UNITS",
    "age_pyramid",
    "ageing_trend",
    "buurt_labels",
    "buurt_row",
    "comparison",
    "csv_bytes",
    "demand_supply",
    "explanations",
    "filter_ranking",
    "md_escape",
    "ranking_totals",
    "topic_unit",
    "trend_years",
    "walking_distances",
]

#: Levels of :func:`demand_supply`.
LEVELS: tuple[str, ...] = ("buurt", "kerngebied", "gemeente", "regio")

#: Unit of each product's demand, supply and shortage (Dutch, for the app).
PRODUCT_UNITS: dict[str, str] = {
    "step_free": "woningen",
    "clustered": "wooneenheden",
    "nursing_somatic": "plaatsen",
    "nursing_dementia": "plaatsen",
}

# --- selection helpers ----------------------------------------------------------------------


def buurt_labels(result: GapResult, kerngebied: str | None = None) -> dict[str, str]:
    """Display names ``"Buurtnaam (BUcode)"`` of the buurten, keyed by buurt code.

    Parameters
    ----------
    result
        Gap analysis result.
    kerngebied
        Only the buurten of this kerngebied; all buurten when ``None``.

    Returns
    -------
    dict
        Buurt code to label, in the order of ``result.buurt``.

    Raises
    ------
    geo.errors.AnalysisError
        If ``kerngebied`` is not a kerngebied of the result.
    """
    frame = result.buurt
    if kerngebied is not None:
        _check_kerngebied(result, kerngebied)
        frame = frame[frame["kerngebied"] == kerngebied]
    return {str(code): f"{name} ({code})"
            for code, name in zip(frame["buurt_code"], frame["buurt_name"], strict=True)}


def buurt_row(result: GapResult, buurt_code: str) -> pd.Series:
    """The buurt layer's row of one buurt (a copy, without geometry).

    Raises
    ------
    geo.errors.AnalysisError
        If the code is not a buurt of the result; the message says where to find codes.
    """
    frame = result.buurt
    hit = frame.index[frame["buurt_code"] == buurt_code]
    if len(hit) == 0:
        raise AnalysisError(
            f"buurtcode '{buurt_code}' komt niet voor in de regio; kies een buurt uit de "
            "lijst (codes beginnen met BU, bijv. uit de kaart of de tabel Tekorten)."
        )
    return pd.Series(frame.loc[hit[0]].drop(labels="geometry", errors="ignore")).copy()


def _check_kerngebied(result: GapResult, kerngebied: str) -> pd.Series:
    frame = result.kerngebied
    hit = frame.index[frame["kerngebied"] == kerngebied]
    if len(hit) == 0:
        raise AnalysisError(
            f"kerngebied '{kerngebied}' bestaat niet; kies uit "
            f"{', '.join(map(str, frame['kerngebied']))}."
        )
    return pd.Series(frame.loc[hit[0]].drop(labels="geometry", errors="ignore")).copy()


def _gemeente_row(result: GapResult, code: str | None = None) -> pd.Series:
    """One municipality's row (``code``); without a code the only one, else the region."""
    rows = levels.gemeente_rows(result)
    if code is not None and code in rows.index:
        return rows.loc[code].copy()
    if code is not None:
        raise AnalysisError(f"gemeente '{code}' ligt niet in deze regio; kies uit "
                            f"{', '.join(rows.index)}.")
    return rows.iloc[0].copy() if len(rows) == 1 else levels.regio_row(result)


def _area_row(result: GapResult, level: str, key: str | None) -> pd.Series:
    if level == "buurt":
        return buurt_row(result, str(key))
    if level == "kerngebied":
        return _check_kerngebied(result, str(key))
    if level == "gemeente":
        return _gemeente_row(result, None if key is None else str(key))
    if level == "regio":
        return levels.regio_row(result)
    raise AnalysisError(f"onbekend niveau '{level}'; kies uit {', '.join(LEVELS)}.")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|$~])")


def md_escape(text: object) -> str:
    r"""Escape Markdown in data text (names, sources) so the app shows it literally.

    Streamlit renders Markdown in titles, captions, help texts and ``st.markdown``; a
    name from a data file could otherwise turn into a link, an image (a request to
    another host), LaTeX (``$…$``), a coloured directive or emphasis.

    Examples
    --------
    >>> md_escape("![x](http://a) $5 *b* Eë-Oost (demo)")
    '!\\[x\\](http://a) \\$5 \\*b\\* Eë-Oost (demo)'
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text))


# --- buurt profile --------------------------------------------------------------------------


def age_pyramid(result: GapResult, buurt_code: str) -> pd.DataFrame:
    """Population per age band of one buurt in the result's year.

    Parameters
    ----------
    result
        Gap analysis result (its ``year`` is the year of the counts).
    buurt_code
        Code of the buurt.

    Returns
    -------
    pandas.DataFrame
        One row per band, youngest first: ``band`` (``"0_14"`` …), ``label``
        (``"0–14"`` …), ``count`` (float, unrounded), ``share`` (of the buurt's
        population; NaN for an empty buurt), ``group`` (``"65+"`` for bands from 65,
        else ``"jonger dan 65"``) and ``year``.

    Raises
    ------
    geo.errors.AnalysisError
        If the code is not a buurt of the result.
    """
    row = buurt_row(result, buurt_code)
    bands = list(vocabulary.AGE_BANDS)
    counts = np.array([float(row[f"pop_{b}"]) for b in bands])
    total = counts.sum()
    old = set(vocabulary.AGE_GROUPS["65+"])
    return pd.DataFrame({
        "band": bands,
        "label": [vocabulary.AGE_BAND_LABELS[b] for b in bands],
        "count": counts,
        "share": counts / total if total > 0 else np.full(len(bands), np.nan),
        "group": ["65+" if b in old else "jonger dan 65" for b in bands],
        "year": result.year,
    })


def trend_years(base_year: int, until: int | None = None) -> list[int]:
    """Every year from ``base_year`` to ``until`` (at least the base year itself).

    ``until`` defaults to the planning horizon (``geo.config.Config.planning_horizon``,
    2040).

    Examples
    --------
    >>> trend_years(2037)
    [2037, 2038, 2039, 2040]
    >>> trend_years(2045)
    [2045]
    """
    end = get_config().planning_horizon if until is None else int(until)
    return list(range(int(base_year), max(end, int(base_year)) + 1))


def ageing_trend(
    region: Region,
    buurt_codes: Iterable[str] | None = None,
    years: Sequence[int] | None = None,
    prognosis: PrognosisSettings | str | None = None,
) -> pd.DataFrame:
    """Number of people 65+, 75+ and 85+ per year for a set of buurten.

    Parameters
    ----------
    region
        The region (its ``population`` layer holds the base-year counts).
    buurt_codes
        The buurten to total: one buurt, the buurten of a kerngebied, or ``None`` for
        the whole municipality.
    years
        Years to report; default :func:`trend_years` of the base year (to the planning
        horizon).
    prognosis
        Prognosis settings or variant name; ``"basis"`` when ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per year: ``year``, ``pop_total``, ``pop_65plus``, ``pop_75plus``,
        ``pop_85plus`` (floats, totals over the buurten, unrounded).

    Raises
    ------
    geo.errors.AnalysisError
        If a code is unknown, no buurt is given, or a year lies outside the
        prognosis range.
    """
    prog = prognosis if isinstance(prognosis, PrognosisSettings) else get_variant(
        prognosis or "basis")
    pop = region.population
    if buurt_codes is not None:
        codes = list(dict.fromkeys(str(c) for c in buurt_codes))
        if not codes:
            raise AnalysisError("kies minstens één buurt voor de trend.")
        unknown = [c for c in codes if c not in set(pop["buurt_code"])]
        if unknown:
            raise AnalysisError(
                f"buurtcode(s) {', '.join(unknown[:5])} komen niet voor in de bevolkingsgegevens."
            )
        pop = pop[pop["buurt_code"].isin(codes)]
    wanted = list(years) if years is not None else trend_years(region.base_year)
    series = project_series(pop, region.base_year, wanted, prog)
    out = pd.DataFrame({"year": series["year"].to_numpy(),
                        "pop_total": series["pop_total"].to_numpy()})
    for group, col in (("65+", "pop_65plus"), ("75+", "pop_75plus"), ("85+", "pop_85plus")):
        out[col] = series[vocabulary.band_columns(vocabulary.AGE_GROUPS[group])].sum(axis=1)
    return out


def demand_supply(result: GapResult, level: str, key: str | None = None) -> pd.DataFrame:
    """Demand, supply and shortage per product for one area.

    Parameters
    ----------
    result
        Gap analysis result.
    level
        ``"buurt"``, ``"kerngebied"``, ``"gemeente"`` or ``"regio"`` (the whole region).
    key
        Buurt code, kerngebied name or municipality code; for ``"gemeente"`` ``None`` is
        the only municipality (the whole region when there are several); ignored for
        ``"regio"``.

    Returns
    -------
    pandas.DataFrame
        One row per product (:data:`geo.vocabulary.PRODUCTS` order): ``product``,
        ``label``, ``unit``, ``demand``, ``supply``, ``shortage`` (= demand − supply,
        negative is a surplus; floats, unrounded).

    Raises
    ------
    geo.errors.AnalysisError
        If the level is unknown or the area does not exist.
    """
    row = _area_row(result, level, key)
    products = list(vocabulary.PRODUCTS)
    return pd.DataFrame({
        "product": products,
        "label": [vocabulary.PRODUCT_LABELS[p] for p in products],
        "unit": [PRODUCT_UNITS[p] for p in products],
        "demand": [float(row[f"demand_{p}"]) for p in products],
        "supply": [float(row[f"supply_{p}"]) for p in products],
        "shortage": [float(row[f"shortage_{p}"]) for p in products],
    })


def walking_distances(result: GapResult, level: str, key: str | None = None) -> pd.DataFrame:
    """Distance of people 75+ to the nearest facility of each walking-norm type.

    Parameters
    ----------
    result
        Gap analysis result.
    level
        ``"buurt"``, ``"kerngebied"``, ``"gemeente"`` or ``"regio"`` (the whole region).
    key
        Buurt code, kerngebied name or municipality code; for ``"gemeente"`` ``None`` is
        the only municipality (the whole region when there are several); ignored for
        ``"regio"``.

    Returns
    -------
    pandas.DataFrame
        One row per facility type with a walking norm: ``facility_type``, ``label``,
        ``mean_distance_m`` (mean distance of people 75+ by the analysis' method, weighted by
        their number; NaN when none lives there), ``norm_m``, ``within_norm`` (people
        75+ within the norm), ``beyond_norm`` and ``share_within`` (NaN without 75+).
    """
    row = _area_row(result, level, key)
    total = float(row["pop_75plus"])
    rows = []
    for ftype, metres in result.norms.walking.items():
        within = float(row[f"cov75_{ftype}"])
        rows.append({
            "facility_type": ftype,
            "label": vocabulary.FACILITY_LABELS[ftype],
            "mean_distance_m": float(row[f"dist_{ftype}"]),
            "norm_m": float(metres),
            "within_norm": within,
            "beyond_norm": total - within,
            "share_within": within / total if total > 0 else math.nan,
        })
    return pd.DataFrame(rows, columns=["facility_type", "label", "mean_distance_m", "norm_m",
                                       "within_norm", "beyond_norm", "share_within"])


def _indicators(result: GapResult) -> list[tuple[str, str, str]]:
    """(key, Dutch label, kind) of the comparison indicators (kinds of fmt_indicator)."""
    items = [
        ("pop_total", "Inwoners", "count"),
        ("share_65plus", "Aandeel 65-plussers", "share"),
        ("share_75plus", "Aandeel 75-plussers", "share"),
        ("share_85plus", "Aandeel 85-plussers", "share"),
        ("step_free_per_1000_65plus", "Nultredenaanbod per 1.000 65-plussers (woningen)",
         "rate"),
        ("step_free_supply_share", "Nultredenaanbod als deel van de vraag", "share"),
    ]
    for ftype, metres in result.norms.walking.items():
        label = vocabulary.FACILITY_LABELS[ftype].lower()
        items.append((f"cov75_share_{ftype}",
                      f"75-plussers binnen {fmt_int(metres)} m van {label}", "share"))
    for ftype in result.norms.walking:
        label = vocabulary.FACILITY_LABELS[ftype].lower()
        items.append((f"dist_{ftype}", f"Gemiddelde afstand 75-plussers tot {label} (m)",
                      "metres"))
    for key, spec in result.norms.access.items():
        if f"acc_{key}" in result.buurt.columns:
            items.append((f"acc_{key}", spec.label or key, "rate"))
    return items


def _indicator_values(row: pd.Series, keys: list[str]) -> list[float]:
    def ratio(num: float, den: float, scale: float = 1.0) -> float:
        return num / den * scale if den > 0 else math.nan

    derived = {
        "share_65plus": ratio(float(row["pop_65plus"]), float(row["pop_total"])),
        "share_75plus": ratio(float(row["pop_75plus"]), float(row["pop_total"])),
        "share_85plus": ratio(float(row["pop_85plus"]), float(row["pop_total"])),
        "step_free_per_1000_65plus": ratio(float(row["supply_step_free"]),
                                           float(row["pop_65plus"]), 1000.0),
        "step_free_supply_share": ratio(float(row["supply_step_free"]),
                                        float(row["demand_step_free"])),
    }
    return [derived[k] if k in derived else float(row[k]) for k in keys]


def comparison(result: GapResult, buurt_code: str) -> pd.DataFrame:
    """Key indicators of a buurt next to its kerngebied and the municipality.

    Parameters
    ----------
    result
        Gap analysis result.
    buurt_code
        Code of the buurt.

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator`` (key), ``label`` (Dutch, with unit),
        ``kind`` (``"count"``, ``"share"`` as a fraction, ``"metres"`` or ``"rate"``;
        see :func:`geo.formats.fmt_indicator`) and the values ``buurt``, ``kerngebied`` and
        ``gemeente`` (the buurt's municipality), plus ``regio`` when the result holds
        several municipalities (floats; NaN where undefined, e.g. a share of nobody). Shares and
        rates of the kerngebied and municipality are computed from their totals, so
        they are weighted by population, not means of buurt shares.

    Raises
    ------
    geo.errors.AnalysisError
        If the code is not a buurt of the result.
    """
    brow = buurt_row(result, buurt_code)
    krow = _check_kerngebied(result, str(brow["kerngebied"]))
    rows = levels.gemeente_rows(result)
    multi = len(rows) > 1
    grow = _gemeente_row(result, str(brow["gemeente_code"]) if multi else None)
    items = _indicators(result)
    keys = [k for k, _, _ in items]
    out = pd.DataFrame({
        "indicator": keys,
        "label": [label for _, label, _ in items],
        "kind": [kind for _, _, kind in items],
        "buurt": _indicator_values(brow, keys),
        "kerngebied": _indicator_values(krow, keys),
        "gemeente": _indicator_values(grow, keys),
    })
    if multi:
        out["regio"] = _indicator_values(levels.regio_row(result), keys)
    return out


def explanations(result: GapResult, buurt_code: str) -> list[str]:
    """The ranking's explanations for a buurt and for its kerngebied's care rows.

    Parameters
    ----------
    result
        Gap analysis result.
    buurt_code
        Code of the buurt.

    Returns
    -------
    list of str
        First the buurt's own rows (step-free homes, walking norms), then the
        kerngebied rows (clustered housing, nursing care), each in ranking order.
        Empty when nothing is missing.

    Raises
    ------
    geo.errors.AnalysisError
        If the code is not a buurt of the result.
    """
    kerngebied = str(buurt_row(result, buurt_code)["kerngebied"])
    ranking = result.ranking
    own = ranking[(ranking["level"] == "buurt") & (ranking["code"] == buurt_code)]
    core = ranking[(ranking["level"] == "kerngebied") & (ranking["code"] == kerngebied)]
    return [*map(str, own["explanation"]), *map(str, core["explanation"])]


# --- ranked list (Tekorten) -----------------------------------------------------------------


def topic_unit(topic: str) -> str:
    """Unit of a ranking topic's ``missing`` value (Dutch).

    Examples
    --------
    >>> topic_unit("step_free"), topic_unit("coverage_gp")
    ('woningen', '75-plussers')
    """
    if topic.startswith("coverage_"):
        return "75-plussers"
    return PRODUCT_UNITS.get(topic, "")


def filter_ranking(
    ranking: pd.DataFrame,
    *,
    kerngebied: str | None = None,
    topic_labels: Iterable[str] | None = None,
    level: str | None = None,
    search: str = "",
) -> pd.DataFrame:
    """Filter the ranked list; ranks stay those of the full list.

    Parameters
    ----------
    ranking
        ``GapResult.ranking``.
    kerngebied
        Only rows of this kerngebied; all when ``None``.
    topic_labels
        Only rows with one of these ``topic_label`` values; all when ``None`` or empty.
    level
        ``"buurt"`` or ``"kerngebied"``; both when ``None``.
    search
        Case-insensitive text that the row's ``name`` or ``code`` must contain.

    Returns
    -------
    pandas.DataFrame
        A filtered copy with an extra column ``unit`` (see :func:`topic_unit`).
    """
    keep = pd.Series(True, index=ranking.index)
    if kerngebied is not None:
        keep &= ranking["kerngebied"] == kerngebied
    labels = list(topic_labels or [])
    if labels:
        keep &= ranking["topic_label"].isin(labels)
    if level is not None:
        keep &= ranking["level"] == level
    text = search.strip().lower()
    if text:
        keep &= (ranking["name"].astype(str).str.lower().str.contains(text, regex=False)
                 | ranking["code"].astype(str).str.lower().str.contains(text, regex=False))
    out = ranking.loc[keep].copy()
    out["unit"] = [topic_unit(str(t)) for t in out["topic"]]
    return out


def ranking_totals(ranking: pd.DataFrame) -> dict[str, float]:
    """Totals of a (filtered) ranked list for the big numbers on the Tekorten page.

    Returns
    -------
    dict
        ``rows`` (number of rows), ``areas`` (distinct buurten/kerngebieden),
        ``step_free`` (sum of step-free shortages of the buurten listed; surpluses
        elsewhere are not offset), ``clustered``, ``nursing`` (somatic + PG, kerngebied
        rows) and ``beyond_<type>`` (people 75+ beyond each walking norm).

    Examples
    --------
    >>> frame = pd.DataFrame({"level": ["buurt", "buurt"], "code": ["BU1", "BU1"],
    ...     "topic": ["step_free", "coverage_gp"], "missing": [10.0, 4.0]})
    >>> t = ranking_totals(frame)
    >>> t["rows"], t["areas"], t["step_free"], t["beyond_gp"]
    (2, 1, 10.0, 4.0)
    """
    def total(mask: pd.Series) -> float:
        return float(ranking.loc[mask, "missing"].sum())

    topic = ranking["topic"].astype(str)
    out: dict[str, float] = {
        "rows": len(ranking),
        "areas": int(ranking[["level", "code"]].drop_duplicates().shape[0]),
        "step_free": total(topic == "step_free"),
        "clustered": total(topic == "clustered"),
        "nursing": total(topic.isin(["nursing_somatic", "nursing_dementia"])),
    }
    for ftype in vocabulary.FACILITY_TYPES:
        mask = topic == f"coverage_{ftype}"
        if mask.any():
            out[f"beyond_{ftype}"] = total(mask)
    return out


def csv_bytes(frame: pd.DataFrame, *, decimals: int = 1) -> bytes:
    r"""A table as CSV for Dutch Excel: UTF-8 with BOM, ``;`` separator, decimal comma.

    Excel with Dutch regional settings expects ``;`` between fields and ``,`` as the
    decimal mark, and only detects UTF-8 (ë, –, →) when the file starts with a BOM.
    Floats are rounded to ``decimals``; lines end in CRLF.

    Examples
    --------
    >>> data = csv_bytes(pd.DataFrame({"naam": ["Eë"], "x": [1.26]}))
    >>> data[:3] == b"\xef\xbb\xbf"
    True
    >>> data.decode("utf-8-sig")
    'naam;x\r\nEë;1,3\r\n'
    """
    out = frame.copy()
    floats = out.select_dtypes(include="float").columns
    out[floats] = out[floats].round(decimals)
    text = out.to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")
