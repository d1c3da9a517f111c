"""QGIS layer styles (QML) for the exported layers.

A ``.qml`` file next to a Shapefile with the same base name, or a row in the
``layer_styles`` table of a GeoPackage, makes QGIS open the layer styled. The styles
use the app's colours and class-break rule (:mod:`geo.reporting.style`): a graduated
colour ramp on the chosen figure for area layers (equal intervals in 5 classes; YlOrBr, or
PuOr around 0 for shortages: surplus purple, shortage orange), the Okabe–Ito categories of
the web map for the suitability of homes and the type of facilities, outlines for
catchments. Class labels are Dutch numbers (:func:`geo.formats.fmt_decimal`).

Only the ``Symbology`` style category is written; QGIS 3.x reads it (symbol-layer
properties are written both as ``<Option>`` maps (QGIS ≥ 3.26) and as legacy ``<prop>``
elements).
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from geo import vocabulary
from geo.analysis.supply import SUITABILITY_CLASSES, SUITABILITY_LABELS
from geo.formats import fmt_decimal
from geo.reporting import style

__all__ = ["N_CLASSES", "categorized_qml", "facility_qml", "graduated_qml", "outline_qml",
           "suitability_qml"]

#: Classes of a graduated style (QGIS legends stay short; the app's map has 6 or 7).
N_CLASSES = 5

_GEOMETRY_TYPE = {"point": 0, "line": 1, "polygon": 2}


def _rgba(colour: str, alpha: int = 255) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i:i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{alpha}"


def _props(values: dict[str, str]) -> str:
    options = "".join(f'<Option name={quoteattr(k)} type="QString" value={quoteattr(v)}/>'
                      for k, v in values.items())
    legacy = "".join(f"<prop k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in values.items())
    return f'<Option type="Map">{options}</Option>{legacy}'


def _symbol(name: str, kind: str, colour: str, *, alpha: float = 1.0,
            outline: str = "#505050", fill: bool = True) -> str:
    if kind == "point":
        layer = ('<layer class="SimpleMarker" enabled="1" locked="0" pass="0">' + _props({
            "name": "circle", "color": _rgba(colour), "outline_color": _rgba(outline),
            "outline_width": "0.2", "size": "2.4", "size_unit": "MM"}) + "</layer>")
        symbol_type = "marker"
    else:
        layer = ('<layer class="SimpleFill" enabled="1" locked="0" pass="0">' + _props({
            "color": _rgba(colour), "style": "solid" if fill else "no",
            "outline_color": _rgba(outline), "outline_width": "0.26" if fill else "0.5",
            "outline_style": "solid", "outline_width_unit": "MM"}) + "</layer>")
        symbol_type = "fill"
    return (f'<symbol name={quoteattr(name)} type="{symbol_type}" alpha="{alpha:.2f}" '
            f'clip_to_extent="1" force_rhr="0">{layer}</symbol>')


def _document(renderer: str, geometry: str) -> str:
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
            '<qgis version="3.28.0" styleCategories="Symbology">\n'
            f"{renderer}\n"
            f"<layerGeometryType>{_GEOMETRY_TYPE[geometry]}</layerGeometryType>\n"
            "</qgis>\n")


def _fmt(value: float) -> str:
    """Class-limit label: whole numbers from 10 on, else two decimals (``0,25``)."""
    return fmt_decimal(value, 0 if abs(value) >= 10 else 2)


def graduated_qml(attribute: str, values: Sequence[float] | np.ndarray, *, label: str,
                  diverging: bool = False, geometry: str = "polygon") -> str:
    """QML with a graduated colour renderer on ``attribute``.

    Parameters
    ----------
    attribute
        Field name in the layer as written (the short name in a Shapefile).
    values
        The field's values (class breaks are computed from them).
    label
        What the colours show (Dutch), used in the class labels.
    diverging
        Symmetric classes around 0 (for shortages: negative = surplus).
    geometry
        ``"polygon"`` or ``"point"``.
    """
    edges = style.equal_interval_edges(values, N_CLASSES, diverging=diverging)
    ramp = style.diverging(N_CLASSES) if diverging else style.sequential(N_CLASSES)
    ranges, symbols = [], []
    for i in range(len(edges) - 1):
        lo, hi = edges[i], edges[i + 1]
        ranges.append(f'<range lower="{lo:.6f}" upper="{hi:.6f}" symbol="{i}" '
                      f'label={quoteattr(f"{_fmt(lo)} – {_fmt(hi)}")} render="true"/>')
        symbols.append(_symbol(str(i), geometry, ramp[i % len(ramp)], alpha=0.85))
    renderer = (f'<renderer-v2 type="graduatedSymbol" attr={quoteattr(attribute)} '
                'graduatedMethod="GraduatedColor" symbollevels="0" forceraster="0" '
                'enableorderby="0">'
                f"<ranges>{''.join(ranges)}</ranges><symbols>{''.join(symbols)}</symbols>"
                f"<!-- {escape(label)} --></renderer-v2>")
    return _document(renderer, geometry)


def categorized_qml(attribute: str, categories: Sequence[tuple[str, str, str]], *,
                    geometry: str = "point", fill: bool = True) -> str:
    """QML with a categorized renderer: ``categories`` = (value, label, colour)."""
    cats, symbols = [], []
    for i, (value, label, colour) in enumerate(categories):
        cats.append(f'<category value={quoteattr(value)} symbol="{i}" '
                    f'label={quoteattr(label)} render="true"/>')
        symbols.append(_symbol(str(i), geometry, colour, alpha=0.9 if fill else 1.0,
                               outline=colour if not fill else "#303030", fill=fill))
    renderer = (f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(attribute)} '
                'symbollevels="0" forceraster="0" enableorderby="0">'
                f"<categories>{''.join(cats)}</categories>"
                f"<symbols>{''.join(symbols)}</symbols></renderer-v2>")
    return _document(renderer, geometry)


def suitability_qml(attribute: str) -> str:
    """Categories geschikt / aanpasbaar / ongeschikt for home points (the app's colours)."""
    return categorized_qml(attribute, [(k, SUITABILITY_LABELS[k], style.SUITABILITY_COLOURS[k])
                                       for k in SUITABILITY_CLASSES])


def facility_qml(attribute: str, types: Sequence[str], *, geometry: str = "point") -> str:
    """Categories per facility type (the web map's colours; outlines only for polygons)."""
    order = [t for t in vocabulary.FACILITY_TYPES if t in set(types)]
    order += sorted(set(types) - set(order))
    cats = [(t, vocabulary.FACILITY_LABELS.get(t, t), style.facility_colour(t, i))
            for i, t in enumerate(order)]
    return categorized_qml(attribute, cats, geometry=geometry, fill=geometry == "point")


def outline_qml(colour: str = "#0072B2") -> str:
    """Single-symbol QML: outlines without fill (e.g. catchments)."""
    symbol = _symbol("0", "polygon", colour, outline=colour, fill=False)
    renderer = ('<renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" '
                f'enableorderby="0"><symbols>{symbol}</symbols></renderer-v2>')
    return _document(renderer, "polygon")
