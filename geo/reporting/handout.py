"""PDF handout for councillors: key figures, a map per kerngebied, assumptions.

:func:`make_handout` turns a :class:`geo.analysis.gaps.GapResult` into an A4 PDF (bytes):

1. **Overzicht** — scenario name, region, year and date, a demo notice when the data are
   demo data, and a table of the key figures per kerngebied and for the municipality,
   each with a traffic light and, when a base result is given, the difference with it.
2. **One page per kerngebied** — a vector map of its buurten coloured by the shortage of
   step-free homes (ColorBrewer *PuOr*, colour-blind safe: orange = shortage, purple =
   surplus) with outlines, legend and scale bar; beside it the key figures with traffic
   lights; below it the buurten with the largest shortage of step-free homes.
3. **Aannames en bronnen** — norm set, prognosis variant, data sources per layer and how
   the figures are computed.

Everything is drawn with fpdf2 (no matplotlib, no network).

Traffic lights
--------------
Shortages (demand − supply, in homes or places):

- green: shortage ≤ 0 (no shortage);
- orange: shortage ≤ :data:`SHORTAGE_ORANGE_SHARE` (10 %) of demand;
- red: a larger shortage.

Coverage (share of people 75+ within the walking norm of a facility):

- green: ≥ :data:`COVERAGE_GREEN` (80 %);
- orange: ≥ :data:`COVERAGE_ORANGE` (50 %);
- red: less.

A missing figure gets a grey light. Each light also carries a white mark (✓ green,
! orange, × red) so it reads without colour vision.

Font
----
Dutch text needs characters outside Latin-1 (–, ≥, ≈, →). The first TrueType font found of
DejaVu Sans (Debian ``fonts-dejavu-core``) and Liberation Sans (``fonts-liberation``,
which ``scripts/setup.sh`` installs) is embedded as a subset. When neither is present the
core font Helvetica is used and unsupported characters are replaced (``–`` → ``-``,
``≥`` → ``>=`` …), so the handout never fails for lack of a font.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import numpy as np
import shapely
from fpdf import FPDF
from fpdf.enums import PathPaintRule

from geo import vocabulary
from geo.analysis.gaps import GapResult
from geo.analysis.ranking import fmt_int

__all__ = [
    "COVERAGE_GREEN",
    "COVERAGE_ORANGE",
    "DEMO_NOTICE",
    "SHORTAGE_ORANGE_SHARE",
    "coverage_light",
    "make_handout",
    "shortage_light",
]

SHORTAGE_ORANGE_SHARE: float = 0.10
COVERAGE_GREEN: float = 0.80
COVERAGE_ORANGE: float = 0.50
DEMO_NOTICE = "Demodata — niet gebruiken voor besluiten"

# (family, regular file, bold file); the first one present is used.
FONT_CANDIDATES: tuple[tuple[str, str, str], ...] = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("LiberationSans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)
_LATIN1_REPLACEMENTS = {"–": "-", "—": "-", "−": "-", "≥": ">=", "≤": "<=", "≈": "~",
                        "→": "->", "€": "EUR", "Δ": "verschil", "‘": "'", "’": "'",
                        "“": '"', "”": '"', "…": "...", "•": "-"}

# ColorBrewer PuOr (8 classes), from large shortage (dark orange) to large surplus (purple)
PUOR_8: tuple[str, ...] = ("#b35806", "#e08214", "#fdb863", "#fee0b6",
                           "#d8daeb", "#b2abd2", "#8073ac", "#542788")
NO_DATA_COLOUR = "#d9d9d9"
LIGHT_COLOURS = {"green": "#1a9850", "orange": "#f08c00", "red": "#d73027",
                 "grey": "#9e9e9e"}

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december")
_LAYER_LABELS = {"areas": "Buurtgrenzen", "population": "Bevolking", "homes": "Woningen",
                 "facilities": "Voorzieningen", "villages": "Dorpen en kernen"}
_GROUP_LABELS = {"65+": "65-plussers", "75+": "75-plussers", "85+": "85-plussers",
                 "total": "inwoners"}

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 15.0
CONTENT_W = PAGE_W - 2 * MARGIN


# --- traffic lights ---------------------------------------------------------------------

def shortage_light(shortage: float, demand: float) -> str:
    """Traffic light of a shortage (demand − supply).

    Parameters
    ----------
    shortage
        Demand minus supply; negative is a surplus.
    demand
        Demand of the same product and area.

    Returns
    -------
    str
        ``"green"`` (≤ 0), ``"orange"`` (≤ 10 % of demand), ``"red"`` or ``"grey"`` (missing).

    Examples
    --------
    >>> shortage_light(-3, 100), shortage_light(10, 100), shortage_light(11, 100)
    ('green', 'orange', 'red')
    """
    if shortage is None or not math.isfinite(shortage):
        return "grey"
    if shortage <= 0:
        return "green"
    if demand is not None and math.isfinite(demand) and shortage <= SHORTAGE_ORANGE_SHARE * demand:
        return "orange"
    return "red"


def coverage_light(share: float) -> str:
    """Traffic light of a coverage share (0–1).

    Parameters
    ----------
    share
        Share of people 75+ within the walking norm.

    Returns
    -------
    str
        ``"green"`` (≥ 80 %), ``"orange"`` (≥ 50 %), ``"red"`` or ``"grey"`` (missing).

    Examples
    --------
    >>> coverage_light(0.8), coverage_light(0.5), coverage_light(0.49)
    ('green', 'orange', 'red')
    """
    if share is None or not math.isfinite(share):
        return "grey"
    if share >= COVERAGE_GREEN:
        return "green"
    return "orange" if share >= COVERAGE_ORANGE else "red"


# --- figures ------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Figure:
    key: str      # product or facility type
    kind: str     # "shortage" or "coverage"
    label: str    # column header (short)
    long: str     # label on the kerngebied page


def _fmt_metres(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km".replace(".", ",")
    return f"{metres:g} m"


def _figures(result: GapResult) -> list[_Figure]:
    short = {"step_free": "Tekort nultreden\u00adwoningen", "clustered": "Tekort geclusterd wonen",
             "nursing_somatic": "Tekort verpleegzorg somatisch",
             "nursing_dementia": "Tekort verpleegzorg PG"}
    figs = [_Figure(p, "shortage", short[p], vocabulary.PRODUCT_LABELS[p])
            for p in ("step_free", "clustered", "nursing_somatic", "nursing_dementia")]
    walking = dict(result.norms.walking)
    for ftype, name in (("gp", "huisarts"), ("supermarket", "supermarkt")):
        dist = f" ≤ {_fmt_metres(float(walking[ftype]))}" if ftype in walking else ""
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


def _fmt_pct(share: float) -> str:
    return "–" if not math.isfinite(share) else f"{round(share * 100)} %"


def _fmt_value(fig: _Figure, value: float) -> str:
    return fmt_int(value) if fig.kind == "shortage" else _fmt_pct(value)


def _fmt_diff(fig: _Figure, value: float, base: float) -> str:
    if not (math.isfinite(value) and math.isfinite(base)):
        return ""
    if fig.kind == "shortage":
        d = round(value - base)
        text = "±0" if d == 0 else f"{d:+,}".replace(",", ".")
    else:
        d = round((value - base) * 100)
        text = "±0" if d == 0 else f"{d:+d}"
        text += " %-pt"
    return f"Δ {text}"


def _dutch_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


# --- PDF ------------------------------------------------------------------------------------

class _Handout(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.family = "Helvetica"
        self.unicode = False
        for family, regular, bold in FONT_CANDIDATES:
            if Path(regular).is_file() and Path(bold).is_file():
                self.add_font(family, "", regular)
                self.add_font(family, "B", bold)
                self.family, self.unicode = family, True
                break
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=18)

    def t(self, text: str) -> str:
        """Text safe for the font in use (Latin-1 replacements for the core font)."""
        text = str(text)
        if self.unicode:
            return text
        for old, new in _LATIN1_REPLACEMENTS.items():
            text = text.replace(old, new)
        return text.encode("latin-1", errors="replace").decode("latin-1")

    def font(self, size: float, bold: bool = False, colour: str = "#222222") -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*_hex(colour))

    def footer(self) -> None:
        self.set_y(-12)
        self.font(7.5, colour="#666666")
        self.cell(CONTENT_W / 2, 5, self.t(self.footer_text))
        self.cell(CONTENT_W / 2, 5, self.t(f"pagina {self.page_no()} van {{nb}}"), align="R")

    def light(self, x: float, y: float, colour: str, r: float = 2.0) -> None:
        """Traffic light centred at (x, y) with a white mark inside."""
        self.set_fill_color(*_hex(LIGHT_COLOURS[colour]))
        self.set_draw_color(*_hex(LIGHT_COLOURS[colour]))
        self.set_line_width(0.1)
        self.circle(x, y, r, style="F")
        self.set_draw_color(255, 255, 255)
        self.set_line_width(max(0.25, r * 0.18))
        s = r * 0.45
        if colour == "green":
            self.line(x - s, y, x - s * 0.25, y + s * 0.75)
            self.line(x - s * 0.25, y + s * 0.75, x + s, y - s * 0.8)
        elif colour == "orange":
            self.line(x, y - s, x, y + s * 0.3)
            self.line(x, y + s * 0.75, x, y + s * 0.8)
        elif colour == "red":
            self.line(x - s, y - s, x + s, y + s)
            self.line(x - s, y + s, x + s, y - s)
        else:
            self.line(x - s, y, x + s, y)

    def para(self, text: str, size: float = 9, bold: bool = False, h: float | None = None,
             colour: str = "#222222") -> None:
        self.font(size, bold, colour)
        self.set_x(MARGIN)
        self.multi_cell(CONTENT_W, h or size * 0.45, self.t(text), align="L")


def make_handout(result: GapResult, *, scenario_name: str, base: GapResult | None = None,
                 base_name: str | None = None, generated: date | None = None) -> bytes:
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

    Returns
    -------
    bytes
        The PDF document: an overview page, one page per kerngebied, and a page with
        assumptions and sources.
    """
    generated = generated or date.today()
    demo = bool(result.assumptions.get("demo", False))
    region_name = str(result.assumptions.get("region") or _gemeente_name(result))
    footer = f"Woonzorgatlas · {scenario_name} · {region_name} · {result.year}"
    if demo:
        footer += " · DEMODATA"
    pdf = _Handout(footer)
    pdf.set_creation_date(datetime.combine(generated, time(12, 0), tzinfo=UTC))
    pdf.set_title(pdf.t(f"Woonzorgatlas – {scenario_name}"))
    pdf.set_author("Woonzorgatlas")
    pdf.set_creator("Woonzorgatlas")
    pdf.set_producer("Woonzorgatlas (fpdf2)")
    if base is not None and base_name is None:
        base_name = f"{base.year}, prognose {base.prognosis.name}, normen {base.norms.name}"

    figs = _figures(result)
    base_kern = ({str(k): row for k, row in base.kern.set_index("kerngebied").iterrows()}
                 if base is not None else {})
    base_gem = base.gemeente.iloc[0] if base is not None and len(base.gemeente) else None
    classes = _map_classes(result.buurt["shortage_step_free"].to_numpy(dtype=float))

    _overview_page(pdf, result, scenario_name, region_name, generated, demo, figs,
                   base_kern, base_gem, base_name)
    for _, row in result.kern.iterrows():
        _kern_page(pdf, result, row, figs, base_kern.get(str(row["kerngebied"])), classes,
                   demo, base_name)
    _assumptions_page(pdf, result, demo, base_name)
    return bytes(pdf.output())


def _fit_cell(pdf: _Handout, w: float, h: float, text: str, size: float,
              bold: bool, colour: str = "#222222") -> None:
    """One-line cell whose font shrinks (to 5 pt) until the text fits."""
    text = pdf.t(text)
    while size > 5:
        pdf.font(size, bold, colour)
        if pdf.get_string_width(text) <= w:
            break
        size -= 0.5
    pdf.font(size, bold, colour)
    pdf.cell(w, h, text)


def _gemeente_name(result: GapResult) -> str:
    if len(result.gemeente) and "gemeente" in result.gemeente.columns:
        return str(result.gemeente["gemeente"].iloc[0])
    return "gemeente"


def _demo_box(pdf: _Handout, notice: str, compact: bool = False) -> None:
    x, y = MARGIN, pdf.get_y()
    pdf.set_fill_color(*_hex("#fff3cd"))
    pdf.set_draw_color(*_hex("#d73027"))
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
    pdf.cell(CONTENT_W - 12, 6.5, pdf.t(DEMO_NOTICE))
    if text:
        pdf.set_xy(x + 4, y + 8.5)
        pdf.font(8.5)
        pdf.multi_cell(CONTENT_W - 8, 4, pdf.t(text), align="L")
    pdf.set_y(y + h + 4)


def _overview_page(pdf: _Handout, result: GapResult, scenario: str, region: str,
                   generated: date, demo: bool, figs: list[_Figure], base_kern: dict,
                   base_gem, base_name: str | None) -> None:
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
    if demo:
        _demo_box(pdf, str(result.assumptions.get("notice") or ""))

    pdf.font(12, bold=True)
    pdf.cell(CONTENT_W, 7, pdf.t("Kerncijfers per kerngebied"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    name_w = 33.0
    col_w = (CONTENT_W - name_w) / len(figs)
    x0, y = MARGIN, pdf.get_y()
    # header
    pdf.set_fill_color(*_hex("#eeeeee"))
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
    rows = [(str(r["kerngebied"]), r, base_kern.get(str(r["kerngebied"])), False)
            for _, r in result.kern.iterrows()]
    if len(result.gemeente):
        rows.append((_gemeente_name(result), result.gemeente.iloc[0], base_gem, True))
    for name, row, brow, total in rows:
        if total:
            pdf.set_draw_color(60, 60, 60)
            pdf.set_line_width(0.4)
            pdf.line(x0, y, x0 + CONTENT_W, y)
        pdf.set_xy(x0 + 1, y + (1.2 if total else (row_h - 5) / 2))
        if total:
            pdf.font(9, bold=True)
            pdf.cell(name_w - 2, 4.5, "Gemeente")
            pdf.set_xy(x0 + 1, y + 5.5)
            _fit_cell(pdf, name_w - 2, 4, name, 8.5, bold=False)
        else:
            _fit_cell(pdf, name_w - 2, 5, name, 9, bold=True)
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
                _fit_cell(pdf, col_w - 9, 3.5, _fmt_diff(fig, value, bvalue) or "Δ –", 7,
                          bold=False, colour="#555555")
        y += row_h
        pdf.set_draw_color(200, 200, 200)
        pdf.set_line_width(0.2)
        pdf.line(x0, y, x0 + CONTENT_W, y)
    pdf.set_y(y + 4)

    # legend of the traffic lights
    pdf.font(10, bold=True)
    pdf.cell(CONTENT_W, 6, pdf.t("Zo lees je de tabel"), new_x="LMARGIN", new_y="NEXT")
    items = [
        ("green", "Geen tekort (tekort ≤ 0) · dekking ≥ "
                  f"{round(COVERAGE_GREEN * 100)} %"),
        ("orange", f"Tekort ≤ {round(SHORTAGE_ORANGE_SHARE * 100)} % van de vraag · dekking "
                   f"≥ {round(COVERAGE_ORANGE * 100)} %"),
        ("red", f"Tekort > {round(SHORTAGE_ORANGE_SHARE * 100)} % van de vraag · dekking "
                f"< {round(COVERAGE_ORANGE * 100)} %"),
        ("grey", "Geen gegevens"),
    ]
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
        "Dekking = het aandeel 75-plussers dat in rechte lijn binnen de loopnorm van een "
        "huisartspraktijk of supermarkt woont.",
        "Verpleegzorg PG = verpleegzorg voor mensen met dementie (psychogeriatrie).",
    ]
    if base_name:
        notes.append(f"Δ = verschil met het basisscenario ({base_name}); bij dekking in "
                     "procentpunten.")
    notes.append("Op de volgende pagina's staat per kerngebied een kaart; de laatste pagina "
                 "beschrijft de aannames en bronnen.")
    for note in notes:
        pdf.para(note, size=8.5, h=4.2)
        pdf.ln(0.8)


# --- map ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Classes:
    step: float

    def colour(self, value: float) -> str:
        if not math.isfinite(value):
            return NO_DATA_COLOUR
        if value > 0:
            k = min(3, int(math.ceil(value / self.step)) - 1)  # 0..3 for (0,s],(s,2s]...
            return PUOR_8[3 - k]
        k = min(3, int(math.floor(-value / self.step)))  # 0..3 for [-s,0],[-2s,-s)...
        return PUOR_8[4 + k]

    def legend(self) -> list[tuple[str, str]]:
        s = self.step
        f = fmt_int
        return [
            (PUOR_8[0], f"tekort > {f(3 * s)}"),
            (PUOR_8[1], f"tekort {f(2 * s)} – {f(3 * s)}"),
            (PUOR_8[2], f"tekort {f(s)} – {f(2 * s)}"),
            (PUOR_8[3], f"tekort 0 – {f(s)}"),
            (PUOR_8[4], f"overschot 0 – {f(s)}"),
            (PUOR_8[5], f"overschot {f(s)} – {f(2 * s)}"),
            (PUOR_8[6], f"overschot {f(2 * s)} – {f(3 * s)}"),
            (PUOR_8[7], f"overschot > {f(3 * s)}"),
            (NO_DATA_COLOUR, "geen gegevens"),
        ]


def _nice(x: float) -> float:
    """Smallest 1-2-5 number ≥ x (at least 1)."""
    if not math.isfinite(x) or x <= 1:
        return 1.0
    exp = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * exp >= x - 1e-9:
            return float(m * exp)
    return float(10 * exp)


def _map_classes(values: np.ndarray) -> _Classes:
    """Symmetric classes for all buurten of the result (one legend for every map)."""
    finite = np.abs(values[np.isfinite(values)])
    top = float(np.quantile(finite, 0.9)) if len(finite) else 1.0
    return _Classes(step=_nice(top / 3))


def _rings(geom) -> Iterable[tuple[np.ndarray, list[np.ndarray]]]:
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        yield (shapely.get_coordinates(poly.exterior),
               [shapely.get_coordinates(r) for r in poly.interiors])


def _draw_geom(pdf: _Handout, geom, to_page, fill: str | None, stroke: str,
               width: float) -> None:
    for exterior, holes in _rings(geom):
        with pdf.new_path() as path:
            path.style.stroke_color = stroke
            path.style.stroke_width = width
            path.style.stroke_join_style = "round"
            if fill is None:
                path.style.paint_rule = PathPaintRule.STROKE
            else:
                path.style.fill_color = fill
                path.style.paint_rule = PathPaintRule.STROKE_FILL_EVENODD
            for ring in (exterior, *holes):
                pts = to_page(ring)
                path.move_to(*pts[0])
                for px, py in pts[1:]:
                    path.line_to(px, py)
                path.close()


def _simplify(geoms: np.ndarray, tol: float) -> np.ndarray:
    """Simplify polygons that share edges without opening gaps between them."""
    if hasattr(shapely, "coverage_simplify"):  # shapely >= 2.1 with GEOS >= 3.12
        try:
            return np.asarray(shapely.coverage_simplify(geoms, tol))
        except shapely.errors.GEOSException:  # not a valid coverage: plain simplify
            pass
    return np.asarray(shapely.simplify(geoms, tol, preserve_topology=True))


def _draw_map(pdf: _Handout, result: GapResult, kern: str, classes: _Classes, x: float,
              y: float, w: float, h: float, labels: list[str]) -> None:
    buurt = result.buurt
    own = buurt[buurt["kerngebied"].astype(str) == kern]
    minx, miny, maxx, maxy = own.total_bounds
    dx, dy = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    pad = 0.04
    scale = min(w / (dx * (1 + 2 * pad)), h / (dy * (1 + 2 * pad)))  # mm per metre
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    ox, oy = x + w / 2, y + h / 2

    def to_page(coords: np.ndarray) -> list[tuple[float, float]]:
        px = ox + (coords[:, 0] - cx) * scale
        py = oy - (coords[:, 1] - cy) * scale
        return [(round(a, 2), round(b, 2)) for a, b in zip(px, py, strict=True)]

    tol = 0.25 / scale  # 0.25 mm on paper
    view = shapely.box(cx - w / 2 / scale, cy - h / 2 / scale, cx + w / 2 / scale,
                       cy + h / 2 / scale)
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.3)
    pdf.set_fill_color(*_hex("#fbfbfb"))
    pdf.rect(x, y, w, h, style="DF")
    with pdf.rect_clip(x, y, w, h):
        is_own = (buurt["kerngebied"].astype(str) == kern).to_numpy()
        visible = is_own | buurt.geometry.intersects(view).to_numpy()
        simple = _simplify(buurt.geometry.to_numpy()[visible], tol)
        own_simple = simple[is_own[visible]]
        for geom in simple[~is_own[visible]]:
            _draw_geom(pdf, geom, to_page, "#ececec", "#bdbdbd", 0.15)
        values = own["shortage_step_free"].to_numpy(dtype=float)
        for geom, value in zip(own_simple, values, strict=True):
            _draw_geom(pdf, geom, to_page, classes.colour(value), "#4d4d4d", 0.15)
        outline = shapely.union_all(own.geometry.to_numpy()).simplify(tol)
        _draw_geom(pdf, outline, to_page, None, "#000000", 0.6)
        # numbered markers of the buurten in the table below the map
        codes = own["buurt_code"].astype(str).to_numpy()
        for i, code in enumerate(labels, start=1):
            geom = own.geometry.to_numpy()[list(codes).index(code)]
            p = geom.representative_point()
            (mx, my), = to_page(np.array([[p.x, p.y]]))
            gx0, gy0, gx1, gy1 = geom.bounds
            if max(gx1 - gx0, gy1 - gy0) * scale < 6:  # small buurt: marker beside it
                pdf.set_draw_color(0, 0, 0)
                pdf.set_line_width(0.25)
                pdf.line(mx, my, mx + 4, my - 4)
                mx, my = mx + 4 + 1.5, my - 4 - 1.5
            pdf.set_fill_color(255, 255, 255)
            pdf.set_draw_color(0, 0, 0)
            pdf.set_line_width(0.25)
            pdf.circle(mx, my, 2.1, style="DF")
            pdf.font(6.5, bold=True)
            pdf.set_xy(mx - 2.1, my - 2.1)
            pdf.cell(4.2, 4.2, str(i), align="C")
    _scale_bar(pdf, x + 3, y + h - 6, scale, w)
    _north_arrow(pdf, x + w - 6, y + 4)


def _scale_bar(pdf: _Handout, x: float, y: float, scale: float, map_w: float) -> None:
    target = map_w * 0.25 / scale  # metres
    length = 100.0
    for cand in (100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000):
        if cand <= target:
            length = float(cand)
    bar = length * scale
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(255, 255, 255)
    pdf.rect(x - 1.5, y - 4.5, bar + 14, 8, style="F")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    half = bar / 2
    pdf.set_fill_color(0, 0, 0)
    pdf.rect(x, y, half, 1.5, style="DF")
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x + half, y, half, 1.5, style="DF")
    pdf.font(6.5)
    pdf.set_xy(x - 1, y - 4)
    pdf.cell(4, 3.5, "0")
    pdf.set_xy(x + bar - 3, y - 4)
    pdf.cell(14, 3.5, pdf.t(_fmt_metres(length)))


def _north_arrow(pdf: _Handout, x: float, y: float) -> None:
    pdf.set_fill_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.polygon([(x, y), (x - 1.8, y + 5), (x, y + 3.8), (x + 1.8, y + 5)], style="DF")
    pdf.font(7, bold=True)
    pdf.set_xy(x - 2, y + 5.2)
    pdf.cell(4, 3, "N", align="C")


def _legend(pdf: _Handout, classes: _Classes, x: float, y: float, w: float) -> float:
    pdf.set_xy(x, y)
    pdf.font(8, bold=True)
    pdf.cell(w, 4.5, pdf.t("Nultredenwoningen per buurt (vraag − aanbod)"))
    items = classes.legend()
    col_w = w / 3
    per_col = math.ceil(len(items) / 3)
    pdf.font(7)
    for i, (colour, text) in enumerate(items):
        cx = x + (i // per_col) * col_w
        cy = y + 5.5 + (i % per_col) * 4.2
        pdf.set_fill_color(*_hex(colour))
        pdf.set_draw_color(80, 80, 80)
        pdf.set_line_width(0.15)
        pdf.rect(cx, cy, 5, 3, style="DF")
        pdf.set_xy(cx + 6, cy - 0.5)
        pdf.cell(col_w - 6, 4, pdf.t(text))
    return y + 5.5 + per_col * 4.2


# --- kerngebied page --------------------------------------------------------------------

def _kern_page(pdf: _Handout, result: GapResult, row, figs: list[_Figure], brow,
               classes: _Classes, demo: bool, base_name: str | None) -> None:
    kern = str(row["kerngebied"])
    pdf.add_page()
    pdf.font(18, bold=True)
    pdf.cell(CONTENT_W, 9, pdf.t(f"Kerngebied {kern}"), new_x="LMARGIN", new_y="NEXT")
    pdf.font(10, colour="#444444")
    n_buurten = int(_num(row, "n_buurten")) if math.isfinite(_num(row, "n_buurten")) else 0
    pdf.cell(CONTENT_W, 5.5, pdf.t(
        f"Jaar {result.year} · {n_buurten} buurten · {fmt_int(_num(row, 'pop_total'))} "
        f"inwoners, van wie {fmt_int(_num(row, 'pop_65plus'))} 65-plussers en "
        f"{fmt_int(_num(row, 'pop_75plus'))} 75-plussers"), new_x="LMARGIN", new_y="NEXT")
    if demo:
        pdf.ln(1)
        _demo_box(pdf, "", compact=True)
    else:
        pdf.ln(2)

    own = result.buurt[result.buurt["kerngebied"].astype(str) == kern]
    top = own[own["shortage_step_free"] >= 0.5].sort_values(
        ["shortage_step_free", "buurt_code"], ascending=[False, True]).head(5)
    labels = top["buurt_code"].astype(str).tolist()

    map_x, map_y, map_w, map_h = MARGIN, pdf.get_y(), 118.0, 150.0
    _draw_map(pdf, result, kern, classes, map_x, map_y, map_w, map_h, labels)

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
        pdf.set_fill_color(*_hex("#f5f5f5"))
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
            big = _fmt_pct(value)
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

    y = _legend(pdf, classes, MARGIN, map_y + map_h + 3, CONTENT_W)
    pdf.set_y(y + 3)
    _top_table(pdf, top, result, labels)


def _top_table(pdf: _Handout, top, result: GapResult, labels: list[str]) -> None:
    pdf.font(10, bold=True)
    pdf.cell(CONTENT_W, 6, pdf.t("Buurten met het grootste tekort aan nultredenwoningen"),
             new_x="LMARGIN", new_y="NEXT")
    if not labels:
        pdf.para("Geen buurt in dit kerngebied heeft een tekort aan nultredenwoningen.",
                 size=8.5, h=4.5)
        return
    walk = dict(result.norms.walking)
    sup = f"75+ ≤ {_fmt_metres(float(walk['supermarket']))} supermarkt" \
        if "supermarket" in walk else "75+ bij supermarkt"
    cols = [("nr", 8, "C"), ("Buurt", 52, "L"), ("65-plussers", 20, "R"),
            ("Vraag", 18, "R"), ("Aanbod", 18, "R"), ("Tekort", 18, "R"), (sup, 46, "R")]
    pdf.font(7.5, bold=True)
    pdf.set_fill_color(*_hex("#eeeeee"))
    for name, w, align in cols:
        pdf.cell(w, 5, pdf.t(name), align=align, fill=True)
    pdf.ln(5)
    pdf.font(8)
    for i, (_, r) in enumerate(top.iterrows(), start=1):
        cells = [str(i), str(r["buurt_name"]), fmt_int(_num(r, "pop_65plus")),
                 fmt_int(_num(r, "demand_step_free")), fmt_int(_num(r, "supply_step_free")),
                 fmt_int(_num(r, "shortage_step_free")),
                 _fmt_pct(_num(r, "cov75_share_supermarket"))]
        for (_, w, align), text in zip(cols, cells, strict=True):
            pdf.cell(w, 4.8, pdf.t(text), align=align)
        pdf.ln(4.8)


# --- assumptions page ---------------------------------------------------------------------

def _heading(pdf: _Handout, text: str) -> None:
    pdf.ln(2)
    pdf.font(11.5, bold=True)
    pdf.set_x(MARGIN)
    pdf.cell(CONTENT_W, 6.5, pdf.t(text), new_x="LMARGIN", new_y="NEXT")


def _assumptions_page(pdf: _Handout, result: GapResult, demo: bool,
                      base_name: str | None) -> None:
    pdf.add_page()
    norms, prog = result.norms, result.prognosis
    a = result.assumptions
    pdf.font(18, bold=True)
    pdf.cell(CONTENT_W, 9, pdf.t("Aannames en bronnen"), new_x="LMARGIN", new_y="NEXT")
    if demo:
        pdf.ln(1)
        _demo_box(pdf, "", compact=True)

    _heading(pdf, f"Normenset: {norms.name} ({norms.year})")
    rates = []
    for product in vocabulary.PRODUCTS:
        parts = [f"{fmt_int(rate)} per 1.000 {_GROUP_LABELS.get(group, group)}"
                 for group, rate in dict(norms.demand.get(product, {})).items()]
        if parts:
            rates.append(f"{vocabulary.PRODUCT_LABELS[product]}: {' + '.join(parts)}")
    walk = [f"{vocabulary.FACILITY_LABELS.get(k, k).lower()} {_fmt_metres(float(v))}"
            for k, v in dict(norms.walking).items()]
    pdf.para("Vraagnormen: " + "; ".join(rates) + ".", size=8.5, h=4.2)
    if walk:
        pdf.para("Loopnormen: " + ", ".join(walk) + ".", size=8.5, h=4.2)
    pdf.para(f"Bron: {norms.source}", size=8, h=3.9, colour="#444444")

    _heading(pdf, f"Prognose: variant {prog.name}")
    pdf.para(f"Jaar {result.year}, basisjaar van de data {a.get('base_year', '')}. "
             f"{prog.description}", size=8.5, h=4.2)
    if prog.source:
        pdf.para(f"Bron: {prog.source}", size=8, h=3.9, colour="#444444")
    if base_name:
        pdf.para(f"Verschillen (Δ) zijn berekend ten opzichte van: {base_name}.", size=8.5,
                 h=4.2)

    _heading(pdf, "Databronnen per laag")
    sources = dict(a.get("sources") or {})
    if not sources:
        pdf.para("Geen bronnen vermeld in het regiopakket.", size=8.5, h=4.2)
    for layer, text in sources.items():
        pdf.font(8.5, bold=True)
        pdf.set_x(MARGIN)
        label = _LAYER_LABELS.get(layer, layer)
        pdf.cell(32, 4.2, pdf.t(label + ":"))
        pdf.font(8.5)
        pdf.multi_cell(CONTENT_W - 32, 4.2, pdf.t(str(text)), align="L", new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(0.6)
    if demo and a.get("notice"):
        pdf.para(str(a["notice"]), size=8.5, bold=True, h=4.2, colour="#a50f15")

    _heading(pdf, "Hoe de cijfers zijn berekend")
    weight = float(norms.adaptable_weight)
    weight_text = "de helft" if weight == 0.5 else f"{weight:g}".replace(".", ",") + " keer"
    cov = ", ".join(f"{vocabulary.FACILITY_LABELS.get(k, k).lower()} "
                    f"{_fmt_metres(float(v))}" for k, v in dict(norms.walking).items()
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
        "gemeentecijfers zijn sommen van de buurten.",
        "Dekking is het aandeel 75-plussers van wie de woning in rechte lijn binnen de loopnorm "
        f"van de dichtstbijzijnde voorziening ligt ({cov or 'zie loopnormen'}); voorzieningen "
        "net buiten de gemeente tellen mee.",
        "Inwoners zijn gelijk over de woningen van hun buurt verdeeld, zoals CBS doet voor "
        "nabijheidsstatistieken: de cijfers zijn een vergelijkingsbasis, geen exacte telling.",
    ]
    pdf.para(" ".join(method), size=8.5, h=4.3)
