"""The model beside the published facts: one tidy table of figures, differences and verdicts.

:func:`check_region` compares a region and its analysis with the region's ``reference``
layer (published CBS figures, see :mod:`geo.model.region`). Every row is one measure of one
unit (or one target of the whole check) with the model figure, the published figure, the
difference and a Dutch verdict:

``gelijk``
    the same figure at the precision CBS publishes (counts whole, percentages whole,
    distances in tenths of a km);
``binnen marge``
    within the margin of the measure (below);
``wijkt af``
    outside the margin;
``geen gegevens``
    no published figure, or the model has none (the row's ``note`` says which).

Margins. The targets of issue 12: inhabitants, 0–14, 65+ and households per **buurt**
exact; dwellings within 2 %; the mean distance to a GP practice and to a large supermarket
within 25 % (for the gemeente — and, as the same yardstick, per wijk and buurt); the rank
correlation of the per-buurt distances (Spearman, :func:`scipy.stats.spearmanr`) at least
0.6. For a **wijk or gemeente**, a count equals the sum of its buurten, and CBS rounds buurt
counts to multiples of 5 (Kerncijfers wijken en buurten, toelichting), so a sum of *n*
buurten may differ from the published total by up to 2.5·*n*: that is its margin. The
shares of single-family and owner-occupied homes have no target; their margin is 5
percentage points (own choice, :data:`SHARE_MARGIN_PP`).

Distances. The model's distance is what the analysis computes (``dist_<type>`` of
:attr:`geo.analysis.gaps.GapResult.buurt`: today straight lines from every address point,
people spread evenly over the homes of their buurt); CBS publishes the mean distance over
the road of all inhabitants. Wijk and gemeente means are weighted by inhabitants, as CBS
does. A straight line is shorter than the road, so the check also shows what a detour
factor gives: :data:`DETOUR_FACTOR` (1.4, the top of the 1.2–1.4 quoted for *dense urban*
networks in the Object Vision AccessibilityModelling wiki, "Euclidean versus network
distance", which says rural networks detour more — so for Midden-Drenthe it is a lower
bound), and the factor that would make the gemeente mean equal to CBS's — **fitted** to
this comparison, not a sourced figure. A factor does not change the rank correlation.

Over the network. When the analysis measures over the region's street network
(:mod:`geo.analysis.distance`), the distance rows use the **car** profile whatever profile
the analysis chose — CBS measures over the road by car — from every address point (homes
no car road reaches are left out of the means and the method line says how many), and
the detour-factor rows are left out (the model distance is already a road distance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from geo.analysis.gaps import GapResult, analyse
from geo.formats import fmt_decimal
from geo.model.region import Region

__all__ = [
    "CHECK_COLUMNS",
    "DETOUR_FACTOR",
    "DETOUR_SOURCE",
    "DISTANCE_MARGIN",
    "DWELLINGS_MARGIN",
    "MEASURES",
    "SHARE_MARGIN_PP",
    "SPEARMAN_MIN",
    "VERDICTS",
    "check_region",
]

VERDICTS: tuple[str, ...] = ("gelijk", "binnen marge", "wijkt af", "geen gegevens")
DWELLINGS_MARGIN = 0.02
DISTANCE_MARGIN = 0.25
SPEARMAN_MIN = 0.6
SHARE_MARGIN_PP = 5.0
ROUNDING_PER_BUURT = 2.5
DETOUR_FACTOR = 1.4
DETOUR_SOURCE = ("Object Vision, AccessibilityModelling-wiki 'Euclidean versus network "
                 "distance': omrijfactor 1,2–1,4 in dichte stedelijke netwerken, groter op "
                 "het platteland; 1,4 is dus een ondergrens voor landelijk gebied")

#: Columns of the table :func:`check_region` returns.
CHECK_COLUMNS: tuple[str, ...] = (
    "part", "level", "code", "name", "measure", "label", "unit", "model", "reference",
    "difference", "relative", "verdict", "target", "method", "note")


@dataclass(frozen=True)
class _Measure:
    label: str
    unit: str          # "aantal", "%", "km", "rho", "factor"
    kind: str          # "count", "dwellings", "share", "distance"


#: Measure key → Dutch label, unit and kind (the kind decides the margin).
MEASURES: dict[str, _Measure] = {
    "inhabitants": _Measure("inwoners", "aantal", "count"),
    "pop_0_14": _Measure("0–14 jaar", "aantal", "count"),
    "pop_65plus": _Measure("65-plussers", "aantal", "count"),
    "households": _Measure("huishoudens", "aantal", "count"),
    "dwellings": _Measure("woningen", "aantal", "dwellings"),
    "share_single_family": _Measure("aandeel eengezinswoningen", "%", "share"),
    "share_owner_occupied": _Measure("aandeel koopwoningen", "%", "share"),
    "dist_gp_km": _Measure("afstand tot huisartspraktijk", "km", "distance"),
    "dist_supermarket_km": _Measure("afstand tot grote supermarkt", "km", "distance"),
}
_DISTANCE_TYPES = {"dist_gp_km": "gp", "dist_supermarket_km": "supermarket"}
_LEVEL_ORDER = {"gemeente": 0, "wijk": 1, "buurt": 2}


# --------------------------------------------------------------------------- model side


def _car_result(region: Region, result: GapResult) -> GapResult:
    """The analysis whose distances the check uses: car over the network, or as given."""
    a = result.assumptions
    if a.get("distance_method") != "network" or a.get("distance_profile") == "car":
        return result
    return analyse(region, year=result.year, norms=result.norms, prognosis=result.prognosis,
                   distance="network", profile="car")


def _model_per_buurt(region: Region, result: GapResult,
                     distances: GapResult) -> pd.DataFrame:
    """Model figures per buurt (counts, sums for shares, distances in km, weights)."""
    buurt = pd.DataFrame(result.buurt.drop(columns="geometry")).set_index("buurt_code")
    dist = pd.DataFrame(distances.buurt.drop(columns="geometry")).set_index("buurt_code")
    out = pd.DataFrame(index=buurt.index)
    out["wijk_code"] = buurt["wijk_code"]
    out["gemeente_code"] = buurt["gemeente_code"]
    out["inhabitants"] = buurt["pop_total"]
    out["pop_0_14"] = buurt["pop_0_14"]
    out["pop_65plus"] = buurt["pop_65plus"]
    pop = region.population.set_index("buurt_code")
    out["households"] = pop["households"].reindex(out.index) \
        if "households" in pop.columns else np.nan
    homes = pd.DataFrame(result.homes.drop(columns="geometry"))
    homes = homes[homes["buurt_code"].isin(out.index)]
    flags = pd.DataFrame({"dwellings": 1.0,
                          "n_single_family": (homes["dwelling_type"] == "single_family"),
                          "n_owner_occupied": (homes["tenure"] == "owner_occupied")},
                         index=homes.index).astype(float)
    sums = flags.groupby(homes["buurt_code"].to_numpy()).sum()
    for col in flags.columns:
        out[col] = sums[col].reindex(out.index, fill_value=0.0) if len(sums) else 0.0
    for measure, ftype in _DISTANCE_TYPES.items():
        col = f"dist_{ftype}"
        out[measure] = dist[col].reindex(out.index) / 1000.0 if col in dist.columns \
            else np.nan
    return out


def _aggregate(per_buurt: pd.DataFrame, key: str | None) -> pd.DataFrame:
    """Sum counts and take inhabitant-weighted distance means per wijk / gemeente."""
    groups = per_buurt.groupby(key) if key else per_buurt.groupby(lambda _: "all")
    counts = ["inhabitants", "pop_0_14", "pop_65plus", "households", "dwellings",
              "n_single_family", "n_owner_occupied"]
    out = groups[counts].sum(min_count=1)
    out["n_buurten"] = groups.size()
    for measure in _DISTANCE_TYPES:
        values = per_buurt[measure]
        weight = per_buurt["inhabitants"].where(values.notna(), 0.0)
        num = (values.fillna(0.0) * weight).groupby(per_buurt[key] if key else
                                                    np.zeros(len(per_buurt))).sum()
        den = weight.groupby(per_buurt[key] if key else np.zeros(len(per_buurt))).sum()
        out[measure] = np.where(den.to_numpy() > 0, num.to_numpy() / np.where(
            den.to_numpy() > 0, den.to_numpy(), 1.0), np.nan)
    return out


def _with_shares(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    has_homes = frame["dwellings"] > 0
    for share, count in (("share_single_family", "n_single_family"),
                         ("share_owner_occupied", "n_owner_occupied")):
        frame[share] = np.where(has_homes, 100.0 * frame[count] /
                                frame["dwellings"].where(has_homes, 1.0), np.nan)
    return frame


def _model_levels(region: Region, result: GapResult,
                  distances: GapResult) -> dict[str, pd.DataFrame]:
    per_buurt = _model_per_buurt(region, result, distances)
    buurt = per_buurt.assign(n_buurten=1)
    gemeente = _aggregate(per_buurt, "gemeente_code")  # one row per municipality
    return {"buurt": _with_shares(buurt), "wijk": _with_shares(_aggregate(per_buurt,
                                                                           "wijk_code")),
            "gemeente": _with_shares(gemeente)}


# --------------------------------------------------------------------------- verdicts


def _round_equal(kind: str, model: float, ref: float) -> bool:
    if kind == "distance":
        return round(model, 1) == round(ref, 1)
    return round(model) == round(ref)


def _verdict(kind: str, level: str, model: float, ref: float, n_buurten: int) -> str:
    if not (math.isfinite(model) and math.isfinite(ref)):
        return "geen gegevens"
    if _round_equal(kind, model, ref):
        return "gelijk"
    diff = abs(model - ref)
    if kind == "count":
        margin = 0.0 if level == "buurt" else ROUNDING_PER_BUURT * n_buurten
        ok = diff <= margin
    elif kind == "share":
        ok = diff <= SHARE_MARGIN_PP
    else:
        rel = DWELLINGS_MARGIN if kind == "dwellings" else DISTANCE_MARGIN
        ok = ref > 0 and diff <= rel * ref
    return "binnen marge" if ok else "wijkt af"


def _g(number: float) -> str:
    """A margin without trailing zeros, with a decimal comma (``7,5``)."""
    return f"{number:g}".replace(".", ",")


def _target(kind: str, level: str, n_buurten: int) -> str:
    if kind == "count":
        return "exact" if level == "buurt" else (
            f"± {_g(ROUNDING_PER_BUURT * n_buurten)} (CBS rondt {n_buurten} buurten af op 5)")
    if kind == "share":
        return f"± {_g(SHARE_MARGIN_PP)} procentpunt (eigen keuze)"
    rel = DWELLINGS_MARGIN if kind == "dwellings" else DISTANCE_MARGIN
    return f"± {_g(rel * 100)} %"


def _method(measure: str, region: Region, result: GapResult) -> str:
    year = f"model {result.year}"
    if measure in ("inhabitants", "pop_0_14", "pop_65plus"):
        return f"{year}: bevolkingslaag (basisjaar {region.base_year}) via de prognose"
    if measure == "households":
        return f"bevolkingslaag, kolom households (basisjaar {region.base_year})"
    if measure == "dwellings":
        return "woningen (adrespunten) geteld per gebied"
    if measure.startswith("share_"):
        col = "dwelling_type" if measure == "share_single_family" else "tenure"
        return f"aandeel van de woningen per gebied (kolom {col})"
    where = "elk adrespunt" if len(region.homes) else "één punt per buurt (geen woningen)"
    if result.assumptions.get("distance_method") == "network":
        lost = int(result.assumptions.get("homes_unreachable", 0))
        return (f"over het straatnetwerk (OpenStreetMap, profiel car: wegen open voor "
                f"motorverkeer, eenrichting gevolgd) vanaf {where} naar de dichtstbijzijnde "
                "voorziening, gemiddeld over de inwoners"
                + (f"; {lost} woning(en) zonder route per auto tellen niet mee" if lost
                   else "") + "; CBS: over de weg")
    return (f"rechte lijn vanaf {where} naar de dichtstbijzijnde voorziening, gemiddeld "
            "over de inwoners; CBS: over de weg")


def _missing_note(measure: str, region: Region, model: float, ref: float) -> str:
    if math.isfinite(ref) and not math.isfinite(model):
        if measure == "households":
            return "niet in model: de bevolkingslaag heeft geen kolom households"
        if measure in ("dwellings", "share_single_family", "share_owner_occupied") and \
                not len(region.homes):
            return "niet in model: geen woningen geladen"
        if measure in _DISTANCE_TYPES:
            return ("niet in model: geen voorziening van dit type, geen inwoners of geen "
                    "loopnorm voor dit type")
        return "niet in model"
    if not math.isfinite(ref):
        return "geen gepubliceerd cijfer"
    return ""


# --------------------------------------------------------------------------- rows


def _unit_rows(region: Region, result: GapResult,
               models: dict[str, pd.DataFrame]) -> list[dict]:
    rows: list[dict] = []
    ref = region.reference
    assert ref is not None
    methods = {m: _method(m, region, result) for m in MEASURES}
    published = {(level, m) for level, part in ref.groupby("level")
                 for m in MEASURES if part[m].notna().any()}
    for unit in ref.itertuples(index=False):
        model = models[unit.level]
        known = unit.code in model.index
        n_buurten = int(model.at[unit.code, "n_buurten"]) if known else 1
        for measure, spec in MEASURES.items():
            if (unit.level, measure) not in published:
                continue  # e.g. CBS publishes dwellings per wijk and gemeente only
            ref_value = float(getattr(unit, measure))
            model_value = float(model.at[unit.code, measure]) if known else math.nan
            if known and measure == "dwellings" and not len(region.homes):
                model_value = math.nan
            if known and measure.startswith("share_") and not len(region.homes):
                model_value = math.nan
            if not (math.isfinite(ref_value) or math.isfinite(model_value)):
                continue
            verdict = _verdict(spec.kind, unit.level, model_value, ref_value, n_buurten)
            note = "niet in model: code staat niet in de buurtindeling" if not known else \
                _missing_note(measure, region, model_value, ref_value)
            diff = model_value - ref_value
            rows.append({
                "part": unit.level, "level": unit.level, "code": unit.code,
                "name": unit.name, "measure": measure, "label": spec.label,
                "unit": spec.unit, "model": model_value, "reference": ref_value,
                "difference": diff,
                "relative": diff / ref_value if ref_value else math.nan,
                "verdict": verdict, "target": _target(spec.kind, unit.level, n_buurten),
                "method": methods[measure], "note": f"CBS {unit.year}" + (
                    f"; {note}" if note else ""),
            })
    return rows


def _summary(rows: pd.DataFrame, measure: str, level: str, label: str,
             target: str) -> dict | None:
    """One target row: how many units of a level meet the margin."""
    sel = rows[(rows["measure"] == measure) & (rows["level"] == level)]
    sel = sel[sel["verdict"] != "geen gegevens"]
    if sel.empty:
        return {"part": "doel", "level": level, "code": "", "name": "", "measure": measure,
                "label": label, "unit": "aantal", "model": math.nan, "reference": math.nan,
                "difference": math.nan, "relative": math.nan, "verdict": "geen gegevens",
                "target": target, "method": "", "note": "geen vergelijkbare cijfers"}
    ok = int(sel["verdict"].isin(("gelijk", "binnen marge")).sum())
    equal = int((sel["verdict"] == "gelijk").sum())
    verdict = "gelijk" if equal == len(sel) else (
        "binnen marge" if ok == len(sel) else "wijkt af")
    plural = {"buurt": "buurten", "wijk": "wijken", "gemeente": "gemeente"}[level]
    return {"part": "doel", "level": level, "code": "", "name": "", "measure": measure,
            "label": label, "unit": "aantal", "model": float(ok), "reference": float(len(sel)),
            "difference": float(ok - len(sel)), "relative": math.nan, "verdict": verdict,
            "target": target,
            "method": sel["method"].iloc[0],
            "note": f"{ok} van {len(sel)} {plural} binnen het doel ({equal} gelijk)"}


def _spearman_row(rows: pd.DataFrame, measure: str) -> dict:
    sel = rows[(rows["measure"] == measure) & (rows["level"] == "buurt")]
    both = sel[np.isfinite(sel["model"]) & np.isfinite(sel["reference"])]
    label = f"rangcorrelatie {MEASURES[measure].label} per buurt (Spearman)"
    rho = math.nan
    if len(both) >= 3 and both["model"].nunique() > 1 and both["reference"].nunique() > 1:
        rho = float(stats.spearmanr(both["model"], both["reference"]).statistic)
    verdict = "geen gegevens" if not math.isfinite(rho) else (
        "binnen marge" if rho >= SPEARMAN_MIN else "wijkt af")
    return {"part": "doel", "level": "buurt", "code": "", "name": "", "measure":
            f"spearman_{measure}", "label": label, "unit": "rho", "model": rho,
            "reference": SPEARMAN_MIN, "difference": rho - SPEARMAN_MIN, "relative": math.nan,
            "verdict": verdict, "target": f"≥ {fmt_decimal(SPEARMAN_MIN, 1)}",
            "method": sel["method"].iloc[0] if len(sel) else "",
            "note": f"{len(both)} buurten met een modelafstand en een CBS-afstand"}


def _detour_row(rows: pd.DataFrame, measure: str) -> dict | None:
    gm = rows[(rows["measure"] == measure) & (rows["level"] == "gemeente")]
    if gm.empty or not (math.isfinite(gm["model"].iloc[0]) and
                        math.isfinite(gm["reference"].iloc[0])) or gm["model"].iloc[0] <= 0:
        return None
    model, ref = float(gm["model"].iloc[0]), float(gm["reference"].iloc[0])
    adjusted = model * DETOUR_FACTOR
    fitted = ref / model
    buurt = rows[(rows["measure"] == measure) & (rows["level"] == "buurt")]
    buurt = buurt[np.isfinite(buurt["model"]) & np.isfinite(buurt["reference"])
                  & (buurt["reference"] > 0)]
    within = int((abs(buurt["model"] * fitted - buurt["reference"])
                  <= DISTANCE_MARGIN * buurt["reference"]).sum())
    fitted_text = fmt_decimal(fitted, 2)
    factor = fmt_decimal(DETOUR_FACTOR, 1)
    return {"part": "doel", "level": "gemeente", "code": gm["code"].iloc[0],
            "name": gm["name"].iloc[0], "measure": f"detour_{measure}",
            "label": f"{MEASURES[measure].label} × omrijfactor {factor}",
            "unit": "km", "model": adjusted, "reference": ref, "difference": adjusted - ref,
            "relative": (adjusted - ref) / ref if ref else math.nan,
            "verdict": _verdict("distance", "gemeente", adjusted, ref, 1),
            "target": f"± {_g(DISTANCE_MARGIN * 100)} %",
            "method": f"rechte lijn × {factor}; bron: {DETOUR_SOURCE}",
            "note": (f"de factor die de gemeente precies op CBS brengt is {fitted_text} "
                     f"(gefit op deze vergelijking, geen bron); daarmee liggen {within} van "
                     f"{len(buurt)} buurten binnen {_g(DISTANCE_MARGIN * 100)} %")}


def _target_rows(units: pd.DataFrame, *, detour: bool = True) -> list[dict]:
    out: list[dict] = []
    specs = [("inhabitants", "buurt", "inwoners per buurt", "exact"),
             ("pop_65plus", "buurt", "65-plussers per buurt", "exact"),
             ("dwellings", "wijk", "woningen per wijk", f"± {DWELLINGS_MARGIN * 100:g} %")]
    for measure, level, label, target in specs:
        row = _summary(units, measure, level, label, target)
        if row is not None:
            out.append(row)
    for measure in _DISTANCE_TYPES:
        gm = units[(units["measure"] == measure) & (units["level"] == "gemeente")]
        if len(gm):
            row = gm.iloc[0].to_dict()
            row.update(part="doel", label=f"gemiddelde {MEASURES[measure].label}, gemeente")
            out.append(row)
        out.append(_spearman_row(units, measure))
        row = _detour_row(units, measure) if detour else None
        if row is not None:
            out.append(row)
    return out


def check_region(region: Region, result: GapResult) -> pd.DataFrame:
    """Compare the model with the published figures of ``region.reference``.

    Parameters
    ----------
    region
        A validated region; its ``reference`` layer holds the published figures.
    result
        The analysis of ``region`` (:func:`geo.analysis.gaps.analyse`), normally for the
        base year (the model's population of another year is a projection).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CHECK_COLUMNS`, one row per measure and unit; ``part`` is ``doel``
        for the target summary (first), then ``gemeente``, ``wijk`` and ``buurt``.
        ``model``/``reference``/``difference`` are in ``unit`` (counts, whole percentages,
        km, a rank correlation); ``relative`` is the difference as a fraction of the
        published figure. Empty (with these columns) when the region has no reference
        layer.
    """
    if region.reference is None or region.reference.empty:
        return pd.DataFrame(columns=list(CHECK_COLUMNS))
    distances = _car_result(region, result)
    units = pd.DataFrame(_unit_rows(region, distances, _model_levels(region, result,
                                                                     distances)),
                         columns=list(CHECK_COLUMNS))
    units = units.sort_values(["level", "code"], key=lambda s: s.map(_LEVEL_ORDER)
                              if s.name == "level" else s, kind="stable")
    straight = distances.assumptions.get("distance_method") != "network"
    targets = pd.DataFrame(_target_rows(units, detour=straight), columns=list(CHECK_COLUMNS))
    table = pd.concat([targets, units], ignore_index=True) if len(targets) else units
    return table.reset_index(drop=True)[list(CHECK_COLUMNS)]
