"""QGIS layer styles (QML) for the exported layers.

A ``.qml`` file next to a Shapefile with the same base name, or a row in the
``layer_styles`` table of a GeoPackage, makes QGIS open the layer styled. The styles
follow the app: a graduated colour ramp on the chosen figure for area layers
(diverging around 0 for shortages: surplus blue, shortage brown), categories for the
suitability of homes and the type of facilities, outlines for catchments.

Only the ``Symbology`` style category is written; QGIS 3.x reads it (symbol-layer
properties are written both as ``<Option>`` maps (QGIS ≥ 3.26) and as legacy ``<prop>``
elements).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from geo import vocabulary

__all__ = ["breaks", "categorized_qml", "facility_qml", "graduated_qml", "outline_qml",
           "suitability_qml"]

# ColorBrewer-derived ramps (colour-blind safe), as in the app's map themes
SEQUENTIAL = ("#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404")
DIVERGING = ("#2166ac", "#92c5de", "#f7f7f7", "#f4a582", "#8c510a")
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
             "#000000", "#999999", "#882255", "#44AA99")
SUITABILITY = {"suitable": ("#1a9850", "geschikt"), "adaptable": ("#fee08b", "aanpasbaar"),
               "unsuitable": ("#d73027", "ongeschikt")}

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
    text = f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def breaks(values: Sequence[float] | np.ndarray, *, diverging: bool,
           n: int = 5) -> list[float]:
    """Equal-interval class breaks (``n + 1`` edges); symmetric around 0 when diverging.

    Examples
    --------
    >>> breaks([-10, 0, 30], diverging=True)
    [-30.0, -18.0, -6.0, 6.0, 18.0, 30.0]
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return [0.0, 1.0]
    lo, hi = float(v.min()), float(v.max())
    if diverging:
        top = max(abs(lo), abs(hi)) or 1.0
        lo, hi = -top, top
    if math.isclose(lo, hi):
        hi = lo + 1.0
    return [float(x) for x in np.linspace(lo, hi, n + 1)]


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
    edges = breaks(values, diverging=diverging)
    ramp = DIVERGING if diverging else SEQUENTIAL
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
    """Categories geschikt / aanpasbaar / ongeschikt for home points."""
    return categorized_qml(attribute, [(k, label, colour)
                                       for k, (colour, label) in SUITABILITY.items()])


def facility_qml(attribute: str, types: Sequence[str], *, geometry: str = "point") -> str:
    """Categories per facility type (Okabe–Ito colours; outlines only for polygons)."""
    order = [t for t in vocabulary.FACILITY_TYPES if t in set(types)]
    order += sorted(set(types) - set(order))
    cats = [(t, vocabulary.FACILITY_LABELS.get(t, t), OKABE_ITO[i % len(OKABE_ITO)])
            for i, t in enumerate(order)]
    return categorized_qml(attribute, cats, geometry=geometry, fill=geometry == "point")


def outline_qml(colour: str = "#0072B2") -> str:
    """Single-symbol QML: outlines without fill (e.g. catchments)."""
    symbol = _symbol("0", "polygon", colour, outline=colour, fill=False)
    renderer = ('<renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" '
                f'enableorderby="0"><symbols>{symbol}</symbols></renderer-v2>')
    return _document(renderer, "polygon")
