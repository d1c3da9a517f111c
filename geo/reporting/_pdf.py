"""Drawing helpers of the PDF handout (:mod:`geo.reporting.handout`): page, fonts, map.

:class:`HandoutPdf` is an fpdf2 A4 document with the handout's footer, a font that can
write Dutch text, traffic lights and paragraphs; :func:`draw_map` draws the buurten of a
kerngebied as vector shapes with a scale bar and a north arrow; :func:`map_legend` draws
the legend of its classes (:class:`geo.reporting.style.StepClasses`).

Dutch text needs characters outside Latin-1 (–, ≥, ≈, →). The first TrueType font found of
``geo.config.Config.pdf_fonts`` (DejaVu Sans, Liberation Sans) is embedded as a subset.
When none is present the core font Helvetica is used and unsupported characters are
replaced (``–`` → ``-``, ``≥`` → ``>=`` …), so the handout never fails for lack of a font.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import shapely
from fpdf import FPDF
from fpdf.enums import PathPaintRule

from geo.analysis.gaps import GapResult
from geo.formats import fmt_distance
from geo.reporting.lights import LIGHT_COLOURS
from geo.reporting.style import StepClasses

__all__ = ["CONTENT_W", "MARGIN", "PAGE_H", "PAGE_W", "HandoutPdf", "draw_map", "fit_cell",
           "hex_rgb", "map_legend"]

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 15.0
CONTENT_W = PAGE_W - 2 * MARGIN

_LATIN1_REPLACEMENTS = {"–": "-", "—": "-", "−": "-", "≥": ">=", "≤": "<=", "≈": "~",
                        "→": "->", "€": "EUR", "Δ": "verschil", "‘": "'", "’": "'",
                        "“": '"', "”": '"', "…": "...", "•": "-"}


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` as an (r, g, b) tuple of 0–255."""
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class HandoutPdf(FPDF):
    """An A4 page with the handout's footer, fonts, traffic lights and paragraphs.

    ``fonts`` are tried in order: (family, regular file, bold file); the first whose two
    files exist is embedded, else the core font Helvetica is used (see :meth:`t`).
    """

    def __init__(self, footer_text: str, fonts: Iterable[tuple[str, str, str]]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.footer_text = footer_text
        self.family = "Helvetica"
        self.unicode = False
        for family, regular, bold in fonts:
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
        """Set the font size (pt), weight and text colour."""
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*hex_rgb(colour))

    def footer(self) -> None:  # noqa: D102 - FPDF hook
        self.set_y(-12)
        self.font(7.5, colour="#666666")
        page_w = 24.0  # "pagina 12 van 12" at 7.5 pt
        text, size = self.t(self.footer_text), 7.5
        while size > 5.5 and self.get_string_width(text) > CONTENT_W - page_w - 2:
            size -= 0.5  # a long region or scenario name never runs into the page number
            self.font(size, colour="#666666")
        self.cell(CONTENT_W - page_w, 5, text)
        self.font(7.5, colour="#666666")
        self.cell(page_w, 5, self.t(f"pagina {self.page_no()} van {{nb}}"), align="R")

    def light(self, x: float, y: float, colour: str, r: float = 2.0) -> None:
        """Traffic light centred at (x, y) with a white mark inside."""
        self.set_fill_color(*hex_rgb(LIGHT_COLOURS[colour]))
        self.set_draw_color(*hex_rgb(LIGHT_COLOURS[colour]))
        self.set_line_width(0.1)
        self.circle(x, y, r, style="F")
        self.set_draw_color(255, 255, 255)
        self.set_line_width(max(0.25, r * 0.18))
        s = r * 0.45
        if colour == "green":
            self.line(x - s, y, x - s * 0.25, y + s * 0.75)
            self.line(x - s * 0.25, y + s * 0.75, x + s, y - s * 0.8)
        elif colour == "surplus":  # a plus: more than the norm asks
            self.line(x - s, y, x + s, y)
            self.line(x, y - s, x, y + s)
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
        """A left-aligned paragraph over the content width."""
        self.font(size, bold, colour)
        self.set_x(MARGIN)
        self.multi_cell(CONTENT_W, h or size * 0.45, self.t(text), align="L")


def fit_cell(pdf: HandoutPdf, w: float, h: float, text: str, size: float,
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


def _rings(geom) -> Iterable[tuple[np.ndarray, list[np.ndarray]]]:
    for poly in getattr(geom, "geoms", [geom]):
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        yield (shapely.get_coordinates(poly.exterior),
               [shapely.get_coordinates(r) for r in poly.interiors])


def _draw_geom(pdf: HandoutPdf, geom, to_page, fill: str | None, stroke: str,
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


def draw_map(pdf: HandoutPdf, result: GapResult, kerngebied: str, classes: StepClasses, x: float,
              y: float, w: float, h: float, labels: list[str]) -> None:
    """Map of kerngebied ``kerngebied`` in the box (x, y, w, h) mm, buurten coloured by class.

    Neighbouring buurten are drawn grey, the kerngebied outlined; ``labels`` (buurt
    codes) get numbered markers 1, 2, … . Ends with a scale bar and a north arrow.
    """
    buurt = result.buurt
    own = buurt[buurt["kerngebied"].astype(str) == kerngebied]
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
    pdf.set_fill_color(*hex_rgb("#fbfbfb"))
    pdf.rect(x, y, w, h, style="DF")
    with pdf.rect_clip(x, y, w, h):
        is_own = (buurt["kerngebied"].astype(str) == kerngebied).to_numpy()
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


def _scale_bar(pdf: HandoutPdf, x: float, y: float, scale: float, map_w: float) -> None:
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
    pdf.cell(14, 3.5, pdf.t(fmt_distance(length)))


def _north_arrow(pdf: HandoutPdf, x: float, y: float) -> None:
    pdf.set_fill_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.polygon([(x, y), (x - 1.8, y + 5), (x, y + 3.8), (x + 1.8, y + 5)], style="DF")
    pdf.font(7, bold=True)
    pdf.set_xy(x - 2, y + 5.2)
    pdf.cell(4, 3, "N", align="C")


def map_legend(pdf: HandoutPdf, classes: StepClasses, x: float, y: float, w: float) -> float:
    """Legend of the map classes in three columns from (x, y); returns the y below it."""
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
        pdf.set_fill_color(*hex_rgb(colour))
        pdf.set_draw_color(80, 80, 80)
        pdf.set_line_width(0.15)
        pdf.rect(cx, cy, 5, 3, style="DF")
        pdf.set_xy(cx + 6, cy - 0.5)
        pdf.cell(col_w - 6, 4, pdf.t(text))
    return y + 5.5 + per_col * 4.2
