"""PDF handout for councillors: key figures, a map per kerngebied, assumptions.

:func:`make_handout` turns a :class:`geo.analysis.gaps.GapResult` into an A4 PDF (bytes):

1. **Overzicht** — scenario name, region, year and date, what data it rests on (a red box
   when anything is generated — demo — naming those layers, else a line saying what is
   real and what is estimated; :mod:`geo.reporting.provenance`), and a table of the key
   figures per kerngebied and for the municipality — in a region of several
   municipalities the regional overview: one row per municipality and the region total —
   each with a traffic light
   (:mod:`geo.reporting.lights`; a surplus shows "overschot*" with the one-line caveat of
   :func:`geo.reporting.lights.surplus_caveat` below the table) and, when a base result is
   given, the difference with it.
2. **One page per kerngebied** — a vector map of its buurten coloured by the shortage of
   step-free homes (ColorBrewer *PuOr* from :mod:`geo.reporting.style`, colour-blind safe:
   orange = shortage, purple = surplus) with outlines, legend and scale bar; beside it the
   key figures with traffic lights (and the surplus caveat when a figure is a surplus);
   below it the buurten with the largest shortage of step-free homes.
3. **Aannames en bronnen** — norm set, prognosis variant, data sources and data status
   (real, estimated, generated) per layer and how the figures are computed.

Everything is drawn with fpdf2 (no matplotlib, no network); the page, font and map
drawing helpers are in :mod:`geo.reporting._pdf`, the fonts tried are
``geo.config.Config.pdf_fonts``. Numbers are formatted by :mod:`geo.formats`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from geo import vocabulary
from geo.analysis.gaps import GapResult
from geo.config import Config, get_config
from geo.formats import fmt_diff, fmt_distance, fmt_int, fmt_share, fmt_share_diff
from geo.reporting._pdf import (
    CONTENT_W,
    MARGIN,
    PAGE_W,
    HandoutPdf,
    draw_map,
    fit_cell,
    hex_rgb,
    map_legend,
)
from geo.reporting.lights import (
    coverage_light,
    legend_items,
    shortage_light,
    surplus_caveat,
    surplus_products,
)
from geo.reporting.provenance import DEMO_TITLE, DataProvenance
from geo.reporting.style import StepClasses, step_classes

__all__ = ["DEMO_NOTICE", "make_handout"]

DEMO_NOTICE = DEMO_TITLE  # headline of a package that is demo data as a whole

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")
_LAYER_LABELS = {"areas": "Buurtgrenzen", "population": "Bevolking", "homes": "Woningen",
                 "facilities": "Voorzieningen", "villages": "Dorpen en kernen",
                 "reference": "Controlecijfers"}
_GROUP_LABELS = {"65+": "65-plussers", "75+": "75-plussers", "85+": "85-plussers",
                 "total": "inwoners"}


# --- figures ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Figure:
    key: str      # product or facility type
    kind: str     # "shortage" or "coverage"
    label: str    # column header (short)
    long: str     # label on the kerngebied page


def _figures(result: GapResult) -> list[_Figure]:
    short = {"step_free": "Tekort nultreden\u00adwoningen", "clustered": "Tekort geclusterd wonen",
             "nursing_somatic": "Tekort verpleegzorg somatisch",
             "nursing_dementia": "Tekort verpleegzorg PG"}
    figs = [_Figure(p, "shortage", short[p], vocabulary.PRODUCT_LABELS[p])
            for p in ("step_free", "clustered", "nursing_somatic", "nursing_dementia")]
    walking = dict(result.norms.walking)
    for ftype, name in (("gp", "huisarts"), ("supermarket", "supermarkt")):
        dist = f" ≤ {fmt_distance(float(walking[ftype]))}" if ftype in walking else ""
        figs.append(_Figure(ftype, "coverage", f"75+{dist} van {name}",
                            f"75-plussers{dist} van een {name}"))
    return figs


def _num(row, col: str) -> float:
    try:
        value = float(row[col])
    except (KeyError, TypeError, ValueError):
        return math.nan
    return value


def _value(row, fig: _Figure) -> tuple[float, float]:
    """(value, demand) of a figure in one row; demand is NaN for coverage."""
    if fig.kind == "shortage":
        return _num(row, f"shortage_{fig.key}"), _num(row, f"demand_{fig.key}")
    return _num(row, f"cov75_share_{fig.key}"), math.nan


def _light(fig: _Figure, value: float, demand: float) -> str:
    return shortage_light(value, demand) if fig.kind == "shortage" else coverage_light(value)


def _fmt_value(fig: _Figure, value: float) -> str:
    return fmt_int(value) if fig.kind == "shortage" else fmt_share(value)


def _fmt_diff(fig: _Figure, value: float, base: float) -> str:
    """``Δ +12`` / ``Δ -3 pp``, or ``""`` when either figure is missing."""
    if not (math.isfinite(value) and math.isfinite(base)):
        return ""
    diff = fmt_diff(value - base) if fig.kind == "shortage" else fmt_share_diff(value - base)
    return f"Δ {diff}"


def _dutch_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def make_handout(result: GapResult, *, scenario_name: str, base: GapResult | None = None,
                 base_name: str | None = None, generated: date | None = None,
                 config: Config | None = None) -> bytes:
    """Build the A4 PDF handout of one scenario.

    Parameters
    ----------
    result
        The analysed scenario.
    scenario_name
        Name of the scenario, printed as the title.
    base
        Optional base result; when given, every key figure shows its difference (Δ) with
        the same figure in ``base`` (kerngebieden matched by name).
    base_name
        Name of the base scenario in the text; when ``None`` it is described by its year
        and prognosis variant.
    generated
        Date printed as "gemaakt op" and stored as the PDF creation date; today when
        ``None``. Pass a fixed date for byte-identical output.
    config
        Settings (the PDF fonts); :func:`geo.config.get_config` when ``None``.

    Returns
    -------
    bytes
        The PDF document: an overview page, one page per kerngebied, and a page with
        assumptions and sources.
    """
    generated = generated or date.today()
    prov = DataProvenance.from_assumptions(result.assumptions)
    region_name = str(result.assumptions.get("region") or _gemeente_name(result))
    footer = f"Woonzorgatlas · {scenario_name} · {region_name} · {result.year}"
    if prov.known and prov.generated:
        footer += " · DEELS GEGENEREERD (DEMO)"
    elif prov.warn:
        footer += " · DEMODATA"
    pdf = HandoutPdf(footer, (config or get_config()).pdf_fonts)
    pdf.set_creation_date(datetime.combine(generated, time(12, 0), tzinfo=UTC))
    pdf.set_title(pdf.t(f"Woonzorgatlas – {scenario_name}"))
    pdf.set_author("Woonzorgatlas")
    pdf.set_creator("Woonzorgatlas")
    pdf.set_producer("Woonzorgatlas (fpdf2)")
    if base is not None and base_name is None:
        base_name = f"{base.year}, prognose {base.prognosis.name}, normen {base.norms.name}"

    figs = _figures(result)
    base_kerngebied = ({str(k): row
                        for k, row in base.kerngebied.set_index("kerngebied").iterrows()}
                       if base is not None else {})
    classes = step_classes(result.buurt["shortage_step_free"].to_numpy(dtype=float))

    _overview_page(pdf, result, scenario_name, region_name, generated, prov, figs,
                   _overview_rows(result, base, base_kerngebied), base_name)
    for _, row in result.kerngebied.iterrows():
        _kerngebied_page(pdf, result, row, figs, base_kerngebied.get(str(row["kerngebied"])),
                         classes, prov, base_name)
    _assumptions_page(pdf, result, prov, base_name)
    return bytes(pdf.output())


def _overview_rows(result: GapResult, base: GapResult | None,
                   base_kerngebied: dict) -> list[tuple]:
    """Rows of the overview table: ``(name, row, base row, total label or None)``.

    One municipality: its kerngebieden and the municipality ("Gemeente"). Several: one row
    per municipality and the region ("Regio"), matched with ``base`` by code.
    """
    if not result.is_multi_gemeente:
        rows = [(str(r["kerngebied"]), r, base_kerngebied.get(str(r["kerngebied"])), None)
                for _, r in result.kerngebied.iterrows()]
        if len(result.gemeente):
            base_gem = base.gemeente.iloc[0] if base is not None and len(base.gemeente) \
                else None
            rows.append((_gemeente_name(result), result.gemeente.iloc[0], base_gem, "Gemeente"))
        return rows
    base_by_code = ({str(r["gemeente_code"]): r for _, r in base.gemeente.iterrows()}
                    if base is not None else {})
    rows = [(str(r["gemeente"]), r, base_by_code.get(str(r["gemeente_code"])), None)
            for _, r in result.gemeente.iterrows()]
    if result.regio is not None:
        base_regio = base.regio.iloc[0] if base is not None and base.regio is not None \
            else None
        name = str(result.regio["regio"].iloc[0])
        rows.append((name, result.regio.iloc[0], base_regio, "Regio"))
    return rows


def _gemeente_name(result: GapResult) -> str:
    if len(result.gemeente) and "gemeente" in result.gemeente.columns:
        return str(result.gemeente["gemeente"].iloc[0])
    return "gemeente"


def _demo_box(pdf: HandoutPdf, prov: DataProvenance, compact: bool = False) -> None:
    """The red box of data that must not be used for decisions (generated or demo).

    Titled :meth:`DataProvenance.title`; the full box also says per layer what is real,
    estimated or generated (or, without recorded statuses, the package's notice).
    """
    notice = prov.summary() + "." if prov.known else prov.notice
    x, y = MARGIN, pdf.get_y()
    pdf.set_fill_color(*hex_rgb("#fff3cd"))
    pdf.set_draw_color(*hex_rgb("#d73027"))
    pdf.set_line_width(0.6)
    text = "" if compact else notice
    pdf.font(8.5)
    lines = 0 if not text else len(pdf.multi_cell(CONTENT_W - 8, 4, pdf.t(text), dry_run=True,
                                                  output="LINES"))
    h = 9 + lines * 4 + (1 if lines else 0)
    pdf.rect(x, y, CONTENT_W, h, style="DF")
    pdf.light(x + 5, y + 4.7, "red", r=2.2)
    pdf.set_xy(x + 9, y + 1.5)
    pdf.font(11, bold=True, colour="#a50f15")
    pdf.cell(CONTENT_W - 12, 6.5, pdf.t(prov.title()))
    if text:
        pdf.set_xy(x + 4, y + 8.5)
        pdf.font(8.5)
        pdf.multi_cell(CONTENT_W - 8, 4, pdf.t(text), align="L")
    pdf.set_y(y + h + 4)


def _overview_page(pdf: HandoutPdf, result: GapResult, scenario: str, region: str,
                   generated: date, prov: DataProvenance, figs: list[_Figure],
                   rows: list[tuple], base_name: str | None) -> None:
    pdf.add_page()
    pdf.font(9, colour="#666666")
    pdf.cell(CONTENT_W, 5, pdf.t("Woonzorgatlas · handout voor de gemeenteraad"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.font(20, bold=True)
    pdf.multi_cell(CONTENT_W, 9, pdf.t(scenario), new_x="LMARGIN", new_y="NEXT")
    base_year = result.assumptions.get("base_year", "")
    pdf.font(11)
    pdf.multi_cell(CONTENT_W, 6, pdf.t(
        f"{region} · jaar {result.year} (basisjaar data {base_year}) · "
        f"gemaakt op {_dutch_date(generated)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if prov.warn:
        _demo_box(pdf, prov)
    elif prov.known:  # real data: say what is real and what is estimated
        pdf.para(f"{prov.title()}: {prov.summary()}.", size=8.5, h=4.2, colour="#444444")
        pdf.ln(2)

    pdf.font(12, bold=True)
    multi = result.is_multi_gemeente
    pdf.cell(CONTENT_W, 7, pdf.t("Kerncijfers per gemeente en voor de regio" if multi
                                 else "Kerncijfers per kerngebied"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    name_w = 33.0
    col_w = (CONTENT_W - name_w) / len(figs)
    x0, y = MARGIN, pdf.get_y()
    # header
    pdf.set_fill_color(*hex_rgb("#eeeeee"))
    pdf.rect(x0, y, CONTENT_W, 12, style="F")
    pdf.font(7.5, bold=True)
    pdf.set_xy(x0 + 1, y + 4)
    pdf.cell(name_w - 1, 4, pdf.t("Gebied"))
    for i, fig in enumerate(figs):
        lines = pdf.multi_cell(col_w - 2, 3.4, pdf.t(fig.label), dry_run=True, output="LINES")
        pdf.set_xy(x0 + name_w + i * col_w + 1, y + 6 - len(lines) * 1.7)
        pdf.multi_cell(col_w - 2, 3.4, pdf.t(fig.label), align="C")
    y += 12
    diff = base_name is not None
    row_h = 11.0 if diff else 8.5
    for name, row, brow, total in rows:
        if total:
            pdf.set_draw_color(60, 60, 60)
            pdf.set_line_width(0.4)
            pdf.line(x0, y, x0 + CONTENT_W, y)
        pdf.set_xy(x0 + 1, y + (1.2 if total else (row_h - 5) / 2))
        if total:
            pdf.font(9, bold=True)
            pdf.cell(name_w - 2, 4.5, pdf.t(total))
            pdf.set_xy(x0 + 1, y + 5.5)
            fit_cell(pdf, name_w - 2, 4, name, 8.5, bold=False)
        else:
            fit_cell(pdf, name_w - 2, 5, name, 9, bold=True)
        for i, fig in enumerate(figs):
            cx = x0 + name_w + i * col_w
            value, demand = _value(row, fig)
            pdf.light(cx + 4.5, y + (4.2 if diff else row_h / 2), _light(fig, value, demand))
            pdf.set_xy(cx + 7.5, y + (1.5 if diff else (row_h - 5) / 2))
            pdf.font(10, bold=True)
            pdf.cell(col_w - 9, 5, pdf.t(_fmt_value(fig, value)))
            if diff:
                bvalue = _value(brow, fig)[0] if brow is not None else math.nan
                pdf.set_xy(cx + 7.5, y + 6.2)
                fit_cell(pdf, col_w - 9, 3.5, _fmt_diff(fig, value, bvalue) or "Δ –", 7,
                          bold=False, colour="#555555")
        y += row_h
        pdf.set_draw_color(200, 200, 200)
        pdf.set_line_width(0.2)
        pdf.line(x0, y, x0 + CONTENT_W, y)
    pdf.set_y(y + 4)

    # legend of the traffic lights
    pdf.font(10, bold=True)
    pdf.cell(CONTENT_W, 6, pdf.t("Zo lees je de tabel"), new_x="LMARGIN", new_y="NEXT")
    surplus = list(dict.fromkeys(
        p for _, r, _, _ in rows
        for p in surplus_products(r, [f.key for f in figs if f.kind == "shortage"])))
    items = [(c, t) for c, t in legend_items() if surplus or c != "surplus"]
    for colour, text in items:
        yy = pdf.get_y()
        pdf.light(MARGIN + 2.5, yy + 2.5, colour, r=1.8)
        pdf.set_xy(MARGIN + 6, yy)
        pdf.font(8.5)
        pdf.cell(CONTENT_W - 6, 5, pdf.t(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    notes = [
        "Tekort = vraag volgens de normen min het aanbod, in woningen of plaatsen; een "
        "negatief getal is een overschot.",
        f"Dekking = het aandeel 75-plussers dat {_how_far(result)} binnen de loopnorm van een "
        "huisartspraktijk of supermarkt woont.",
        "Verpleegzorg PG = verpleegzorg voor mensen met dementie (psychogeriatrie).",
    ]
    if surplus:
        notes.insert(1, surplus_caveat(surplus))
    if base_name:
        notes.append(f"Δ = verschil met het basisscenario ({base_name}); bij dekking in "
                     "procentpunten (pp).")
    if multi:
        notes.append("Regiocijfers zijn de som van de gemeenten, gemeentecijfers de som van "
                     "hun kerngebieden en buurten; aandelen zijn opnieuw uit die aantallen "
                     "berekend.")
        outside = int(result.assumptions.get("facilities_outside", 0) or 0)
        if outside:
            what = "1 voorziening ligt" if outside == 1 else \
                f"{fmt_int(outside)} voorzieningen liggen"
            notes.append(f"{what} net buiten de regio en telt mee voor loopafstand en "
                         "bereikbaarheid, niet voor het aanbod." if outside == 1 else
                         f"{what} net buiten de regio en tellen mee voor loopafstand en "
                         "bereikbaarheid, niet voor het aanbod.")
    notes.append("Op de volgende pagina's staat per kerngebied een kaart; de laatste pagina "
                 "beschrijft de aannames en bronnen.")
    for note in notes:
        pdf.para(note, size=8.5, h=4.2)
        pdf.ln(0.8)


# --- kerngebied page --------------------------------------------------------------------

def _kerngebied_page(pdf: HandoutPdf, result: GapResult, row, figs: list[_Figure], brow,
               classes: StepClasses, prov: DataProvenance, base_name: str | None) -> None:
    kerngebied = str(row["kerngebied"])
    pdf.add_page()
    pdf.font(18, bold=True)
    title = f"Kerngebied {kerngebied}"
    if result.is_multi_gemeente and isinstance(row.get("gemeente_name"), str):
        title += f" · gemeente {row['gemeente_name']}"
    fit_cell(pdf, CONTENT_W, 9, title, 18, bold=True)
    pdf.ln(9)
    pdf.font(10, colour="#444444")
    n_buurten = int(_num(row, "n_buurten")) if math.isfinite(_num(row, "n_buurten")) else 0
    pdf.cell(CONTENT_W, 5.5, pdf.t(
        f"Jaar {result.year} · {n_buurten} buurten · {fmt_int(_num(row, 'pop_total'))} "
        f"inwoners, van wie {fmt_int(_num(row, 'pop_65plus'))} 65-plussers en "
        f"{fmt_int(_num(row, 'pop_75plus'))} 75-plussers"), new_x="LMARGIN", new_y="NEXT")
    if prov.warn:
        pdf.ln(1)
        _demo_box(pdf, prov, compact=True)
    else:
        pdf.ln(2)

    own = result.buurt[result.buurt["kerngebied"].astype(str) == kerngebied]
    top = own[own["shortage_step_free"] >= 0.5].sort_values(
        ["shortage_step_free", "buurt_code"], ascending=[False, True]).head(5)
    labels = top["buurt_code"].astype(str).tolist()

    map_x, map_y, map_w, map_h = MARGIN, pdf.get_y(), 118.0, 150.0
    draw_map(pdf, result, kerngebied, classes, map_x, map_y, map_w, map_h, labels)

    # key figures beside the map
    fx = map_x + map_w + 5
    fw = PAGE_W - MARGIN - fx
    fy = map_y
    pdf.set_xy(fx, fy)
    pdf.font(10, bold=True)
    pdf.cell(fw, 5, "Kerncijfers")
    fy += 7
    card_h = (map_h - 7) / 5
    for fig in figs[:5]:
        value, demand = _value(row, fig)
        pdf.set_fill_color(*hex_rgb("#f5f5f5"))
        pdf.rect(fx, fy, fw, card_h - 2, style="F")
        pdf.light(fx + 4, fy + 4.5, _light(fig, value, demand), r=2.4)
        pdf.set_xy(fx + 8, fy + 1)
        pdf.font(7.5, colour="#333333")
        pdf.multi_cell(fw - 9, 3.4, pdf.t(fig.long), align="L")
        pdf.set_xy(fx + 8, fy + 8.5)
        pdf.font(14, bold=True)
        if fig.kind == "shortage":
            big = f"overschot {fmt_int(-value)}" if value < -0.5 else f"tekort {fmt_int(value)}"
        else:
            big = fmt_share(value)
        pdf.cell(fw - 9, 6, pdf.t(big))
        detail = ""
        if fig.kind == "shortage":
            supply = _num(row, f"supply_{fig.key}")
            detail = f"vraag {fmt_int(demand)} · aanbod {fmt_int(supply)}"
        else:
            detail = f"{fmt_int(_num(row, f'cov75_{fig.key}'))} van " \
                     f"{fmt_int(_num(row, 'pop_75plus'))} 75-plussers"
        if base_name is not None:
            bvalue = _value(brow, fig)[0] if brow is not None else math.nan
            detail += f" · {_fmt_diff(fig, value, bvalue) or 'Δ –'}"
        pdf.set_xy(fx + 8, fy + 15)
        pdf.font(7, colour="#555555")
        pdf.multi_cell(fw - 9, 3.2, pdf.t(detail), align="L")
        fy += card_h

    y = map_legend(pdf, classes, MARGIN, map_y + map_h + 3, CONTENT_W)
    pdf.set_y(y + 1)
    surplus = surplus_products(row, [f.key for f in figs[:5] if f.kind == "shortage"])
    if surplus:
        pdf.para(surplus_caveat(surplus), size=8, h=3.8, colour="#444444")
    pdf.ln(2)
    _top_table(pdf, top, result, labels)


def _top_table(pdf: HandoutPdf, top, result: GapResult, labels: list[str]) -> None:
    pdf.font(10, bold=True)
    pdf.cell(CONTENT_W, 6, pdf.t("Buurten met het grootste tekort aan nultredenwoningen"),
             new_x="LMARGIN", new_y="NEXT")
    if not labels:
        pdf.para("Geen buurt in dit kerngebied heeft een tekort aan nultredenwoningen.",
                 size=8.5, h=4.5)
        return
    walk = dict(result.norms.walking)
    sup = f"75+ ≤ {fmt_distance(float(walk['supermarket']))} supermarkt" \
        if "supermarket" in walk else "75+ bij supermarkt"
    cols = [("nr", 8, "C"), ("Buurt", 52, "L"), ("65-plussers", 20, "R"),
            ("Vraag", 18, "R"), ("Aanbod", 18, "R"), ("Tekort", 18, "R"), (sup, 46, "R")]
    pdf.font(7.5, bold=True)
    pdf.set_fill_color(*hex_rgb("#eeeeee"))
    for name, w, align in cols:
        pdf.cell(w, 5, pdf.t(name), align=align, fill=True)
    pdf.ln(5)
    pdf.font(8)
    for i, (_, r) in enumerate(top.iterrows(), start=1):
        cells = [str(i), str(r["buurt_name"]), fmt_int(_num(r, "pop_65plus")),
                 fmt_int(_num(r, "demand_step_free")), fmt_int(_num(r, "supply_step_free")),
                 fmt_int(_num(r, "shortage_step_free")),
                 fmt_share(_num(r, "cov75_share_supermarket"))]
        for (_, w, align), text in zip(cols, cells, strict=True):
            pdf.cell(w, 4.8, pdf.t(text), align=align)
        pdf.ln(4.8)


def _how_far(result: GapResult) -> str:
    """'in rechte lijn' or 'over het straatnetwerk (profiel …)' (geo.analysis.distance)."""
    a = result.assumptions
    return f"over het straatnetwerk (profiel {a.get('distance_profile', '')})" \
        if a.get("distance_method") == "network" else "in rechte lijn"


def _unreachable_text(result: GapResult) -> str:
    lost = int(result.assumptions.get("homes_unreachable", 0) or 0)
    return (f" {lost} woning(en) bereiken over het netwerk niet elke soort voorziening "
            "(netwerk in stukken): niet binnen de loopnorm, niet in de gemiddelde afstand."
            ) if lost else ""


# --- assumptions page ---------------------------------------------------------------------

def _heading(pdf: HandoutPdf, text: str) -> None:
    pdf.ln(2)
    pdf.font(11.5, bold=True)
    pdf.set_x(MARGIN)
    pdf.cell(CONTENT_W, 6.5, pdf.t(text), new_x="LMARGIN", new_y="NEXT")


def _assumptions_page(pdf: HandoutPdf, result: GapResult, prov: DataProvenance,
                      base_name: str | None) -> None:
    pdf.add_page()
    norms, prog = result.norms, result.prognosis
    a = result.assumptions
    pdf.font(18, bold=True)
    pdf.cell(CONTENT_W, 9, pdf.t("Aannames en bronnen"), new_x="LMARGIN", new_y="NEXT")
    if prov.warn:
        pdf.ln(1)
        _demo_box(pdf, prov, compact=True)

    _heading(pdf, f"Normenset: {norms.name} ({norms.year})")
    rates = []
    for product in vocabulary.PRODUCTS:
        parts = [f"{fmt_int(rate)} per 1.000 {_GROUP_LABELS.get(group, group)}"
                 for group, rate in dict(norms.demand.get(product, {})).items()]
        if parts:
            rates.append(f"{vocabulary.PRODUCT_LABELS[product]}: {' + '.join(parts)}")
    walk = [f"{vocabulary.FACILITY_LABELS.get(k, k).lower()} {fmt_distance(float(v))}"
            for k, v in dict(norms.walking).items()]
    pdf.para("Vraagnormen: " + "; ".join(rates) + ".", size=8.5, h=4.2)
    if walk:
        pdf.para("Loopnormen: " + ", ".join(walk) + ".", size=8.5, h=4.2)
    pdf.para(f"Bron: {norms.source}", size=8, h=3.9, colour="#444444")
    own = dict(a.get("norms_gemeente") or {})
    if own:
        names = dict(a.get("gemeenten") or [])
        pdf.para("Eigen normen per gemeente (gelden voor de buurten van die gemeente): "
                 + "; ".join(f"{names.get(c, c)}: {n}" for c, n in own.items()) + ".",
                 size=8.5, h=4.2)

    _heading(pdf, f"Prognose: variant {prog.name}")
    pdf.para(f"Jaar {result.year}, basisjaar van de data {a.get('base_year', '')}. "
             f"{prog.description}", size=8.5, h=4.2)
    if prog.source:
        pdf.para(f"Bron: {prog.source}", size=8, h=3.9, colour="#444444")
    if base_name:
        pdf.para(f"Verschillen (Δ) zijn berekend ten opzichte van: {base_name}.", size=8.5,
                 h=4.2)

    _sources(pdf, prov)

    _heading(pdf, "Hoe de cijfers zijn berekend")
    weight = float(norms.adaptable_weight)
    weight_text = "de helft" if weight == 0.5 else f"{weight:g}".replace(".", ",") + " keer"
    cov = ", ".join(f"{vocabulary.FACILITY_LABELS.get(k, k).lower()} "
                    f"{fmt_distance(float(v))}" for k, v in dict(norms.walking).items()
                    if k in ("gp", "supermarket"))
    method = [
        f"De bevolking per buurt in {result.year} is de bevolking van het basisjaar "
        f"{a.get('base_year', '')}, doorgerekend met prognosevariant ‘{prog.name}’ "
        "(sterfte, geboorte, ouder worden en eventueel verhuizingen).",
        "De vraag per product is het aantal 65- of 75-plussers maal de norm per 1.000 uit "
        f"normenset ‘{norms.name}’.",
        "Het aanbod van nultredenwoningen telt geschikte woningen volledig en aanpasbare "
        f"woningen voor {weight_text}; geclusterd wonen en verpleegzorg tellen met de "
        "capaciteit van de voorzieningen in het gebied.",
        "Tekort is vraag min aanbod; een negatief getal is een overschot, en kerngebied- en "
        "gemeentecijfers zijn sommen van de buurten. Het aanbod telt elke geschikte woning of "
        "plaats, wie er ook woont of hem gebruikt: een overschot betekent dat er genoeg zijn, "
        "niet dat ouderen er al wonen of dat er een plaats vrij is.",
        f"Dekking is het aandeel 75-plussers van wie de woning {_how_far(result)} binnen de "
        f"loopnorm van de dichtstbijzijnde voorziening ligt ({cov or 'zie loopnormen'}); "
        "voorzieningen net buiten de gemeente tellen mee. "
        + str(result.assumptions.get("distance_text", "")) + _unreachable_text(result),
        "Inwoners zijn gelijk over de woningen van hun buurt verdeeld, zoals CBS doet voor "
        "nabijheidsstatistieken: de cijfers zijn een vergelijkingsbasis, geen exacte telling.",
    ]
    pdf.para(" ".join(method), size=8.5, h=4.3)


def _sources(pdf: HandoutPdf, prov: DataProvenance) -> None:
    """Per layer its source and, when recorded, whether it is real, estimated or generated."""
    _heading(pdf, "Databronnen per laag" + (": echt, geschat of gegenereerd" if prov.known
                                             else ""))
    rows = prov.rows()
    if not rows:
        pdf.para("Geen bronnen vermeld in het regiopakket.", size=8.5, h=4.2)
    for row in rows:
        pdf.font(8.5, bold=True)
        pdf.set_x(MARGIN)
        label = _LAYER_LABELS.get(row.layer, row.label)
        pdf.cell(32, 4.2, pdf.t(label + ":"))
        pdf.font(8.5)
        text = row.source or "bron niet vermeld"
        if prov.known:
            # The note usually starts with the status ("Echt: …"); say it once.
            said = row.note.casefold().startswith(row.status_label.split(" ")[0].casefold())
            status = "" if said else f"{row.status_label.upper()}."
            text = " ".join(part for part in (status, row.note,
                                              f"Bron: {row.source}" if row.source else "")
                            if part)
        pdf.multi_cell(CONTENT_W - 32, 4.2, pdf.t(text), align="L", new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(0.6)
    if not prov.known and prov.demo and prov.notice:
        pdf.para(prov.notice, size=8.5, bold=True, h=4.2, colour="#a50f15")
    for missing in prov.missing():  # absent layers: unknown, not zero
        pdf.para(missing, size=8.5, bold=True, h=4.2, colour="#a50f15")
