"""Folium map construction for the Kaart page (no Streamlit here: unit-testable).

Rules that keep the map fast, safe and offline:

- one ``GeoJson`` per layer with precomputed colours and only the tooltip columns;
- every text from data is HTML-escaped before it reaches a tooltip or popup;
- legends are drawn by the page (Streamlit), not by branca, so no d3 from a CDN;
- only Leaflet core (GeoJson, Circle, CircleMarker, DivIcon); see ``ui/assets.py``.
"""

from __future__ import annotations

import dataclasses
import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import JsCode

from geo import vocabulary
from geo.analysis.gaps import GapResult
from geo.analysis.supply import SUITABILITY_CLASSES, SUITABILITY_LABELS
from geo.formats import fmt_int, fmt_share
from geo.model.crs import to_wgs84
from geo.model.region import Region
from geo.reporting import lights, style
from geo.reporting.display import to_display
from geo.reporting.style import FACILITY_STYLE, HOME_SHADES, NO_DATA_COLOUR, SUITABILITY_COLOURS

# Colours and class breaks: geo.reporting.style (shared with the PDF and the QGIS styles).
# New building projects on the Scenario's map: the darkest shortage colour.
PROJECT_COLOUR = style.diverging(7)[-1]
# Village labels: plain text over the map (Leaflet tooltip class "wza-label").
LABEL_CSS = (".wza-label{background:transparent;border:none;box-shadow:none;padding:0 2px;"
             "font:12px sans-serif;color:#111;text-shadow:0 0 3px #fff,0 0 3px #fff}"
             ".wza-label:before{display:none}")

# JavaScript that binds `m` to the live Leaflet map inside the st_folium iframe (window.map
# can point at a map that a remount replaced). Used by the browser tests and benchmarks.
LIVE_MAP_JS = """const m = (() => {
    const live = v => v && window.L && v instanceof window.L.Map && v._container
                      && v._container.isConnected;
    if (live(window.map)) return window.map;
    for (const k of Object.keys(window)) {
      let v = null; try { v = window[k]; } catch (e) { continue; }
      if (live(v)) return v;
    }
    return null;
  })();"""


BASEMAPS: dict[str, tuple[str, str | None, str]] = {
    "none": ("Geen achtergrond (offline)", None, ""),
    "pdok": (
        "PDOK BRT-Achtergrondkaart",
        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png",
        "Kaartgegevens &copy; Kadaster (PDOK, BRT-Achtergrondkaart)",
    ),
    "osm": (
        "OpenStreetMap",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "&copy; OpenStreetMap-bijdragers (ODbL)",
    ),
}


@dataclass(frozen=True)
class Theme:
    """A choropleth theme: which column colours the areas and how."""

    key: str
    label: str
    column: str
    kind: str  # "sequential", "ageing", "diverging"
    unit: str
    share: bool = False



class MetricScale(MacroElement):
    """Leaflet's scale bar in metres and kilometres only (``control_scale`` also draws miles)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)


def themes(norms_walking: Sequence[str]) -> dict[str, Theme]:
    """All choropleth themes, keyed for widgets."""
    out: dict[str, Theme] = {}
    for group, label in (("65plus", "65+"), ("75plus", "75+"), ("85plus", "85+")):
        out[f"pop_{group}"] = Theme(f"pop_{group}", f"Aantal {label}", f"pop_{group}",
                                    "ageing", "personen")
        out[f"share_{group}"] = Theme(f"share_{group}", f"Aandeel {label}",
                                      f"share_{group}", "ageing", "% van inwoners", share=True)
    for product in vocabulary.PRODUCTS:
        out[f"shortage_{product}"] = Theme(
            f"shortage_{product}", f"Tekort {vocabulary.PRODUCT_LABELS[product].lower()}",
            f"shortage_{product}", "diverging", "eenheden (negatief = overschot)")
    for ftype in norms_walking:
        out[f"uncov_{ftype}"] = Theme(
            f"uncov_{ftype}",
            f"75+ buiten loopafstand {vocabulary.FACILITY_LABELS[ftype].lower()}",
            f"uncov_share_{ftype}", "sequential", "% van 75-plussers", share=True)
    return out


@dataclass(frozen=True)
class Legend:
    """Colour classes of a map layer, for the page to draw."""

    title: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (colour, label)
    note: str = ""  # one line below the items (e.g. what a surplus means)


def legend_html(legend: Legend, *, inline: bool = False, note: str = "") -> str:
    """HTML of a legend (all text escaped); ``inline`` puts the items on one line."""
    if inline:
        items = "".join(
            f'<span style="display:inline-flex;align-items:center;gap:4px;margin-right:14px;'
            f'font-size:13px"><span style="display:inline-block;width:14px;height:14px;'
            f'background:{c};border:1px solid #777"></span>{html.escape(text)}</span>'
            for c, text in legend.items)
        extra = f" — {html.escape(note)}" if note else ""
        return (f'<div><b style="font-size:13px">{html.escape(legend.title)}</b>{extra}'
                f"<br>{items}{_legend_note(legend)}</div>")
    rows = "".join(
        f'<div style="display:flex;align-items:center;gap:6px;font-size:13px">'
        f'<span style="display:inline-block;width:14px;height:14px;background:{c};'
        f'border:1px solid #777"></span>{html.escape(text)}</div>'
        for c, text in legend.items)
    return (f'<div style="margin-bottom:8px"><b style="font-size:13px">'
            f"{html.escape(legend.title)}</b>{rows}{_legend_note(legend)}</div>")


def _legend_note(legend: Legend) -> str:
    if not legend.note:
        return ""
    return (f'<div class="wza-legend-note" style="font-size:12px;color:#3f007d;'
            f'margin-top:4px">{html.escape(legend.note)}</div>')


def add_derived_columns(frame: pd.DataFrame, walking: Sequence[str]) -> pd.DataFrame:
    """Shares used by themes (a new frame)."""
    out = frame.copy()
    total = out["pop_total"].where(out["pop_total"] > 0)
    for group in ("65plus", "75plus", "85plus"):
        out[f"share_{group}"] = out[f"pop_{group}"] / total
    for ftype in walking:
        out[f"uncov_share_{ftype}"] = 1.0 - out[f"cov75_share_{ftype}"]
    return out


def _fmt_value(value: float, share: bool) -> str:
    return fmt_share(value) if share else fmt_int(value)


def classify(values: pd.Series, theme: Theme,
             limits: tuple[float, float] | None = None) -> tuple[list[str], Legend]:
    """Colour per value and the legend (equal intervals; symmetric around 0 if diverging).

    ``limits`` = (lowest, highest) value fixes the class breaks instead of deriving them
    from ``values`` (so several maps share one colour scale); values outside fall in the
    first or last class.
    """
    v = values.to_numpy(dtype=float)
    finite = v[np.isfinite(v)]
    if limits is not None:
        finite = np.asarray([float(limits[0]), float(limits[1])], dtype=float)
        finite = finite[np.isfinite(finite)]
    if theme.kind == "diverging":
        palette = style.diverging(7)
    else:
        palette = style.AGEING if theme.kind == "ageing" else style.sequential(6)
    edges = style.equal_interval_edges(finite, len(palette), diverging=theme.kind == "diverging",
                                       min_span=0.01 if theme.share else 1.0)
    idx = style.class_index(v, edges)
    colours = [palette[i] if np.isfinite(x) else NO_DATA_COLOUR
               for i, x in zip(idx, v, strict=True)]
    # surplus classes (wholly below 0 on a diverging scale) only when a value is a surplus
    surplus = theme.kind != "diverging" or bool((v[np.isfinite(v)] < 0).any())
    items = []
    for i, colour in enumerate(palette):
        if not surplus and edges[i + 1] <= 0:
            continue
        items.append((colour, f"{_fmt_value(edges[i], theme.share)} – "
                              f"{_fmt_value(edges[i + 1], theme.share)}"))
    items.append((NO_DATA_COLOUR, "geen gegevens"))
    return colours, Legend(f"{theme.label} ({theme.unit})", items)


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bounds(gdf: gpd.GeoDataFrame) -> list[list[float]]:
    minx, miny, maxx, maxy = gdf.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


@dataclass(frozen=True)
class MapOptions:
    """What to draw (set by the page's widgets)."""

    theme: str
    level: str = "buurt"  # "buurt" or "grid"
    kerngebied: str | None = None  # None = every kerngebied of ``kerngebieden``
    kerngebieden: tuple[str, ...] = ()  # a municipality's kerngebieden; () = whole region
    facility_types: tuple[str, ...] = ()
    norm_circles: str | None = None  # facility type whose walking norm is drawn
    homes: str = "grid"  # "off", "grid" (aggregated), "points" (only within one kerngebied)
    owner: str | None = None  # filter homes by owner
    labels: bool = True
    basemap: str = "none"
    value_limits: tuple[float, float] | None = None  # fixed colour scale, see classify()
    # network service areas (GeoJSON, WGS84) drawn instead of the norm circles, and the
    # profile label for the legend (see ui.cache.service_areas)
    service_areas: str | None = None
    service_profile: str = ""


def in_scope(frame: pd.DataFrame, options: MapOptions) -> pd.DataFrame:
    """Rows of ``frame`` (with a ``kerngebied`` column) in the chosen kerngebied or area."""
    if options.kerngebied is not None:
        return frame[frame["kerngebied"] == options.kerngebied]
    if options.kerngebieden:
        return frame[frame["kerngebied"].isin(options.kerngebieden)]
    return frame


def build_map(result: GapResult, display: dict[str, gpd.GeoDataFrame],
              options: MapOptions) -> tuple[folium.Map, list[Legend]]:
    """Build the Kaart map.

    Parameters
    ----------
    result
        The gap analysis for the chosen year and norms.
    display
        Display copies (WGS84) of the layers (see :func:`display_layers`).
    options
        What to draw.

    Returns
    -------
    tuple
        The folium map and the legends of the visible layers.
    """
    legends: list[Legend] = []
    all_themes = themes(list(result.norms.walking))
    theme = all_themes[options.theme]
    base = BASEMAPS.get(options.basemap, BASEMAPS["none"])
    fmap = folium.Map(tiles=None, prefer_canvas=True, zoom_snap=0.5)
    MetricScale().add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(f"<style>{LABEL_CSS}</style>"))
    if base[1]:
        folium.TileLayer(tiles=base[1], attr=base[2], name=base[0], max_zoom=19).add_to(fmap)

    kerngebied_display = display["kerngebied"]
    focus = in_scope(kerngebied_display, options)
    fmap.fit_bounds(_bounds(focus if len(focus) else kerngebied_display))

    # --- choropleth (buurt or grid)
    layer = in_scope(display["grid" if options.level == "grid" else "buurt"], options).copy()
    colours, legend = classify(layer[theme.column], theme, limits=options.value_limits)
    product = theme.column[len("shortage_"):] if theme.column.startswith("shortage_") else ""
    if product and (layer[theme.column] <= -lights.SURPLUS_MIN).any():
        # purple = a surplus: say once what it does and does not mean
        legend = dataclasses.replace(legend, note=lights.surplus_caveat([product]))
    legends.append(legend)
    layer["_fill"] = colours
    layer["_tip"] = [
        _area_tooltip(row, theme, options.level) for _, row in layer.iterrows()
    ]
    keep = ["_fill", "_tip", "geometry"] + (["buurt_code"] if "buurt_code" in layer else [])
    folium.GeoJson(
        layer[keep].to_json(drop_id=True),
        name=f"{theme.label} per {'buurt' if options.level == 'buurt' else '500 m-cel'}",
        style_function=lambda f: {"fillColor": f["properties"]["_fill"], "color": "#555555",
                                  "weight": 0.6, "fillOpacity": 0.7},
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
        smooth_factor=1.0,
    ).add_to(fmap)

    # --- kerngebied outlines
    folium.GeoJson(
        kerngebied_display[["kerngebied", "geometry"]].assign(
            kerngebied=kerngebied_display["kerngebied"].map(_esc)).to_json(drop_id=True),
        name="Kerngebieden (grenzen)",
        style_function=lambda _f: {"fill": False, "color": "#111111", "weight": 2.5},
        interactive=False,
    ).add_to(fmap)
    if len(display.get("gemeente", ())) > 1:  # municipality borders of a regional package
        folium.GeoJson(
            display["gemeente"][["geometry"]].to_json(drop_id=True),
            name="Gemeentegrenzen",
            style_function=lambda _f: {"fill": False, "color": "#6a3d9a", "weight": 4,
                                       "dashArray": "8 4"},
            interactive=False,
        ).add_to(fmap)

    # --- homes
    if options.homes != "off":
        homes_group = folium.FeatureGroup(name="Woningvoorraad", show=True)
        homes = display["homes"]
        if options.owner:
            homes = homes[homes["owner"] == options.owner]
        homes = in_scope(homes, options)
        if options.homes == "points" and options.kerngebied is not None:
            _add_home_points(homes_group, homes)
            legends.append(Legend("Woningen naar geschiktheid", [
                (SUITABILITY_COLOURS[c], SUITABILITY_LABELS[c]) for c in SUITABILITY_CLASSES]))
        else:
            _add_home_cells(homes_group, homes)
            legends.append(Legend("Woningen per 250 m-cel (kleur: aandeel geschikt, "
                                  "grootte: aantal)", [
                                      (HOME_SHADES[0], "< 10 % geschikt"),
                                      (HOME_SHADES[1], "10–25 % geschikt"),
                                      (HOME_SHADES[2], "≥ 25 % geschikt")]))
        homes_group.add_to(fmap)

    # --- walking-norm circles
    fac = display["facilities"]
    if options.norm_circles:
        metres = float(result.norms.walking.get(options.norm_circles, 500.0))
        circles = folium.FeatureGroup(
            name=f"Loopafstand {fmt_int(metres)} m: "
                 f"{vocabulary.FACILITY_LABELS[options.norm_circles].lower()}")
        colour = FACILITY_STYLE[options.norm_circles][0]
        label = vocabulary.FACILITY_LABELS[options.norm_circles].lower()
        if options.service_areas is not None:  # over the street network
            folium.GeoJson(options.service_areas, interactive=False,
                           style_function=lambda _f: {"color": colour, "weight": 1.5,
                                                      "fillOpacity": 0.15}).add_to(circles)
            entry = (f"{fmt_int(metres)} m over het netwerk ({options.service_profile}) "
                     f"naar {label}")
        else:
            for _, f in fac[fac["facility_type"] == options.norm_circles].iterrows():
                folium.Circle(location=[f.geometry.y, f.geometry.x], radius=metres,
                              color=colour, weight=1.5, fill=True, fill_opacity=0.08,
                              interactive=False).add_to(circles)
            entry = f"{fmt_int(metres)} m rond {label} (rechte lijn)"
        circles.add_to(fmap)
        legends.append(Legend("Loopafstandnorm", [(colour, entry)]))

    # --- facilities: one GeoJson layer per type (Leaflet core only, no jQuery popups)
    present = []  # the legend lists only types with at least one facility on the map
    for ftype in options.facility_types:
        shown = fac[fac["facility_type"] == ftype]
        if not shown.empty:
            _add_facility_layer(fmap, ftype, shown)
            present.append(ftype)
    if present:
        legends.append(Legend("Voorzieningen", [
            (FACILITY_STYLE[t][0], f"{FACILITY_STYLE[t][1]} — {vocabulary.FACILITY_LABELS[t]}")
            for t in present]))

    # --- labels: one layer, names as permanent tooltips on invisible points
    if options.labels and len(display["villages"]):
        villages = display["villages"]
        features = [
            {"type": "Feature",
             "geometry": {"type": "Point", "coordinates": [round(g.x, 5), round(g.y, 5)]},
             "properties": {"name": _esc(n) if k < 3000 else f"<b>{_esc(n)}</b>"}}
            for g, n, k in zip(villages.geometry, villages["name"], villages["inhabitants"],
                               strict=True)
        ]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name="Namen van kernen en dorpen",
            marker=folium.CircleMarker(radius=2, weight=0, fill=True, fill_color="#111",
                                       fill_opacity=0.8, interactive=False),
            # one permanent tooltip per village (a tooltip bound to the layer would be one)
            on_each_feature=JsCode(
                "function(feature, layer) { layer.bindTooltip(feature.properties.name, "
                "{permanent: true, direction: 'right', className: 'wza-label', "
                "interactive: false}); }"),
        ).add_to(fmap)

    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap, legends


def _area_tooltip(row: pd.Series, theme: Theme, level: str) -> str:
    value = _fmt_value(row[theme.column], theme.share)
    if level == "grid":
        head = f"500 m-cel {_esc(row['cell_id'])}"
    else:
        head = f"<b>{_esc(row['buurt_name'])}</b> ({_esc(row['buurt_code'])})"
    return (f"{head}<br>{_esc(theme.label)}: <b>{value}</b><br>"
            f"Inwoners {fmt_int(row['pop_total'])}, 75+ {fmt_int(row['pop_75plus'])}")


def _add_facility_layer(fmap: folium.Map, ftype: str, shown: gpd.GeoDataFrame) -> None:
    colour, symbol = FACILITY_STYLE[ftype]
    text_colour = "#000" if colour in ("#F0E442", "#56B4E9", "#E69F00") else "#fff"
    icon = folium.DivIcon(
        html=(f'<div style="background:{colour};color:{text_colour};'
              "border:1.5px solid #fff;border-radius:50%;width:20px;height:20px;"
              "font:bold 11px/20px sans-serif;text-align:center;"
              f'box-shadow:0 0 2px #000">{symbol}</div>'),
        icon_size=(20, 20), icon_anchor=(10, 10), class_name=f"wza-fac wza-fac-{ftype}")
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [round(f.geometry.x, 5),
                                                       round(f.geometry.y, 5)]},
         "properties": {"_tip": _facility_tooltip(f), "_pop": _facility_popup(f)}}
        for _, f in shown.iterrows()
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=f"{vocabulary.FACILITY_LABELS[ftype]} ({len(features)})",
        marker=folium.Marker(icon=icon),
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["_pop"], labels=False),
    ).add_to(fmap)


def _facility_tooltip(f: pd.Series) -> str:
    return f"{_esc(vocabulary.FACILITY_LABELS[f['facility_type']])}: {_esc(f['name'])}"


def _facility_popup(f: pd.Series) -> str:
    cap = f["capacity"]
    parts = [f"<b>{_esc(f['name'])}</b>", _esc(vocabulary.FACILITY_LABELS[f["facility_type"]])]
    if str(f.get("operator", "")).strip():
        parts.append(f"Exploitant: {_esc(f['operator'])}")
    if cap is not None and not (isinstance(cap, float) and math.isnan(cap)):
        parts.append(f"Capaciteit: {fmt_int(cap)}")
    if str(f.get("woonplaats", "") or "").strip():
        parts.append(f"Plaats: {_esc(f['woonplaats'])}")
    if f.get("outside_region") is True or f.get("outside_region") == 1:
        parts.append("<i>Buiten de regio; telt mee voor afstand en bereikbaarheid</i>")
    return "<br>".join(parts)


def _add_home_cells(group: folium.FeatureGroup, homes: pd.DataFrame) -> None:
    """Aggregate homes into 250 m cells; one circle per cell (vectorised)."""
    if homes.empty:
        return
    inv, _ = pd.factorize(homes["cell250"], sort=True)
    n = np.bincount(inv).astype(float)
    suit = homes["suitability"].to_numpy()
    counts = {c: np.bincount(inv, weights=suit == c, minlength=len(n)).astype(int)
              for c in SUITABILITY_CLASSES}
    lat = np.bincount(inv, weights=homes["lat"].to_numpy()) / n
    lon = np.bincount(inv, weights=homes["lon"].to_numpy()) / n
    share = counts["suitable"] / n
    colours = np.where(share >= 0.25, HOME_SHADES[2],
                       np.where(share >= 0.10, HOME_SHADES[1], HOME_SHADES[0]))
    radius = np.round(1.0 + 0.6 * np.sqrt(n), 1)
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [round(x, 5), round(y, 5)]},
         "properties": {"_tip": f"{int(k)} woningen: {s} geschikt, {a} aanpasbaar, "
                                f"{u} ongeschikt", "_c": c, "_r": float(r)}}
        for x, y, k, s, a, u, c, r in zip(lon, lat, n, counts["suitable"], counts["adaptable"],
                                          counts["unsuitable"], colours, radius, strict=True)
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Woningen (250 m)",
        marker=folium.CircleMarker(radius=4, weight=0.5, color="#333", fill=True,
                                   fill_opacity=0.6),
        style_function=lambda f: {"fillColor": f["properties"]["_c"],
                                  "radius": f["properties"]["_r"]},
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
    ).add_to(group)


def _add_home_points(group: folium.FeatureGroup, homes: gpd.GeoDataFrame) -> None:
    """Individual homes (one kerngebied at most), with short properties to stay small."""
    owners = {"eigenaar-bewoner": "koop", "particuliere verhuurder": "part. huur"}
    homes = homes.assign(dwelling_label=homes["dwelling_label"].map(
        {"eengezins": "egw", "meergezins": "mgw"}).fillna(homes["dwelling_label"]))
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
         "properties": {"c": SUITABILITY_CLASSES.index(s),
                        "t": f"{SUITABILITY_LABELS[s]} {t} {int(y)}, {int(a)} m2, "
                             f"{_esc(owners.get(o, o))}"}}
        for lon, lat, s, t, y, a, o in zip(
            homes["lon"], homes["lat"], homes["suitability"], homes["dwelling_label"],
            homes["construction_year"], homes["floor_area"], homes["owner"], strict=True)
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Woningen",
        marker=folium.CircleMarker(radius=3, weight=0, fill=True, fill_opacity=0.85),
        style_function=lambda f: {
            "fillColor": SUITABILITY_COLOURS[SUITABILITY_CLASSES[f["properties"]["c"]]]},
        tooltip=folium.GeoJsonTooltip(fields=["t"], labels=False),
    ).add_to(group)


def project_pick_map(display: dict[str, gpd.GeoDataFrame],
                     projects: pd.DataFrame) -> folium.Map:
    """Map of the Scenario's page to place building projects (click to pick a spot).

    Parameters
    ----------
    display
        Display copies (WGS84) of the layers (see :func:`display_layers`); uses
        ``buurt`` (grey areas) and ``kerngebied`` (outlines).
    projects
        The projects being edited: ``name`` and RD coordinates ``x``, ``y`` (metres);
        rows without coordinates are skipped.

    Returns
    -------
    folium.Map
        Fitted to the kerngebieden, projects as orange dots with their name (escaped) as
        tooltip.
    """
    kerngebied = display["kerngebied"]
    pick = folium.Map(tiles=None, prefer_canvas=True)
    MetricScale().add_to(pick)
    pick.fit_bounds(_bounds(kerngebied))
    folium.GeoJson(display["buurt"][["buurt_name", "geometry"]].to_json(drop_id=True),
                   style_function=lambda _f: {"fillColor": "#eeeeee", "color": "#888",
                                              "weight": 0.7, "fillOpacity": 0.5},
                   interactive=False).add_to(pick)
    folium.GeoJson(kerngebied[["geometry"]].to_json(drop_id=True),
                   style_function=lambda _f: {"fill": False, "color": "#111", "weight": 2},
                   interactive=False).add_to(pick)
    placed = projects.dropna(subset=["x", "y"])
    if len(placed):
        lons, lats = to_wgs84(placed["x"].to_numpy(dtype=float),
                              placed["y"].to_numpy(dtype=float))
        for name, lon, lat in zip(placed["name"], lons, lats, strict=True):
            folium.CircleMarker([float(lat), float(lon)], radius=7, color=PROJECT_COLOUR,
                                fill=True, fill_opacity=0.9,
                                tooltip=folium.Tooltip(_esc(name or "project"))
                                ).add_to(pick)
    return pick


def display_layers(region: Region, result: GapResult) -> dict[str, gpd.GeoDataFrame]:
    """WGS84 display copies of the layers the map draws (compute once per analysis)."""
    walking = list(result.norms.walking)
    buurt = add_derived_columns(result.buurt, walking)
    grid = add_derived_columns(result.grid, walking)
    cols = [c for c in buurt.columns if c != "geometry"]
    gcols = [c for c in grid.columns if c != "geometry"]
    homes = result.homes
    xy = shapely.get_coordinates(homes.geometry.values)
    lon, lat = to_wgs84(xy[:, 0], xy[:, 1])
    kerngebied_of = result.buurt.set_index("buurt_code")["kerngebied"]
    cell = (np.floor(xy[:, 0] / 250).astype(np.int64) * 10_000_000
            + np.floor(xy[:, 1] / 250).astype(np.int64))
    homes_display = pd.DataFrame({
        "lon": lon, "lat": lat, "cell250": cell,
        "suitability": homes["suitability"].astype(str).to_numpy(),
        "owner": homes["owner"].to_numpy(),
        "dwelling_label": np.where(homes["dwelling_type"] == "multi_family", "meergezins",
                                   "eengezins"),
        "construction_year": homes["construction_year"].to_numpy(),
        "floor_area": homes["floor_area"].to_numpy(),
        "kerngebied": kerngebied_of.reindex(homes["buurt_code"]).to_numpy(),
    })
    facilities = result.facilities if result.facilities is not None else region.facilities
    fac = to_display(facilities, tolerance=0)
    villages = (to_display(region.villages, tolerance=0) if region.villages is not None
                else gpd.GeoDataFrame({"name": [], "inhabitants": []}, geometry=[],
                                      crs=vocabulary.DISPLAY_CRS))
    gemeente = gpd.GeoDataFrame(geometry=[], crs=vocabulary.DISPLAY_CRS)
    if "gemeente_code" in result.buurt.columns and result.buurt["gemeente_code"].nunique() > 1:
        borders = result.buurt[["gemeente_code", "geometry"]].dissolve("gemeente_code")
        gemeente = to_display(borders.reset_index(), tolerance=30, columns=["gemeente_code"])
    return {
        "gemeente": gemeente,
        "buurt": to_display(buurt, columns=cols),
        "grid": to_display(grid, tolerance=0, columns=gcols),
        "kerngebied": to_display(result.kerngebied, tolerance=20, columns=["kerngebied"]),
        "homes": homes_display,
        "facilities": fac,
        "villages": villages,
    }


def locate_click(event: dict | None, buurt_display: gpd.GeoDataFrame) -> str | None:
    """Buurt code at the clicked point of an ``st_folium`` event (``None`` if none)."""
    if not event:
        return None
    clicked = event.get("last_object_clicked") or event.get("last_clicked")
    if not clicked or "lat" not in clicked or "lng" not in clicked:
        return None
    try:
        point = shapely.Point(float(clicked["lng"]), float(clicked["lat"]))
    except (TypeError, ValueError):
        return None
    hits = buurt_display[buurt_display.geometry.contains(point)]
    if hits.empty:
        near = shapely.distance(buurt_display.geometry.values, point)  # degrees
        if near.min() > 0.001:  # ~100 m outside every buurt
            return None
        hits = buurt_display.iloc[[int(np.argmin(near))]]
    return str(hits["buurt_code"].iloc[0])
