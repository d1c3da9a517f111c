"""Kaart: one interactive map of ageing, housing stock, facilities and gaps."""

from __future__ import annotations

import dataclasses

import streamlit as st
from streamlit_folium import st_folium

from geo import vocabulary
from geo.errors import WoonzorgError
from geo.formats import fmt_int, fmt_km
from geo.model.profiles import PROFILES
from geo.reporting.export import (
    FORMATS,
    LAYERS,
    ExportSelection,
    export_bytes,
    export_filename,
    select_layer,
)
from ui.cache import map_layers, service_areas
from ui.common import REGIO_ALL, active_region, distance_caption, page_context
from ui.maps import BASEMAPS, MapOptions, build_map, legend_html, locate_click, themes
from ui.navigation import ensure_navigation

ensure_navigation()  # before anything is drawn; see the ui.navigation docstring
# A link from another page (?kerngebied=…) selects a core area: set it before the sidebar exists.
# ?kern=… is the parameter's earlier name: links that use it keep working (the new name wins).
for qp_name in ("kern", "kerngebied"):
    qp_kerngebied = st.query_params.get(qp_name)
    if qp_kerngebied:
        linked_region = active_region()[0]
        if qp_kerngebied in linked_region.kerngebieden:
            st.session_state["kerngebied"] = qp_kerngebied
            if linked_region.is_multi_gemeente:  # the municipality list must hold it
                st.session_state["gemeente"] = REGIO_ALL
        del st.query_params[qp_name]

ctx = page_context()
result, region, choices = ctx.result, ctx.region, ctx.choices

# … and ?buurt=… selects a buurt.
qp_buurt = st.query_params.get("buurt")
if qp_buurt and qp_buurt in set(result.buurt["buurt_code"]):
    st.session_state["buurt"] = qp_buurt

st.title("Kaart")
all_themes = themes(list(result.norms.walking))
default_theme = f"shortage_{choices.product}"

with st.sidebar:
    st.header("Kaartlagen")
    theme_key = st.selectbox("Kleur gebieden op", list(all_themes), key="map_theme",
                             index=list(all_themes).index(default_theme),
                             format_func=lambda k: all_themes[k].label)
    level = st.radio("Gebiedsniveau", ["buurt", "grid"], key="map_level", horizontal=True,
                     format_func=lambda v: "Buurten" if v == "buurt" else "500 m-raster")
    homes_mode = st.radio(
        "Woningvoorraad", ["grid", "points", "off"], key="map_homes", horizontal=True, index=2,
        format_func={"grid": "Per 250 m", "points": "Losse woningen", "off": "Uit"}.get,
        help="Losse woningen alleen binnen één kerngebied (kies hierboven een kerngebied).")
    owners = sorted(region.homes["owner"].unique())
    owner = st.selectbox("Eigenaar woningen", ["(alle)", *owners], key="map_owner")
    fac_types = st.multiselect(
        "Voorzieningen", list(vocabulary.FACILITY_TYPES), key="map_facilities",
        default=["gp", "pharmacy", "supermarket", "nursing_somatic", "nursing_dementia",
                 "clustered_housing"],
        format_func=lambda t: vocabulary.FACILITY_LABELS[t])
    circles = st.selectbox("Loopafstandcirkels", ["(geen)", *result.norms.walking],
                           key="map_circles",
                           format_func=lambda t: t if t == "(geen)" else
                           f"{vocabulary.FACILITY_LABELS[t]} "
                           f"({fmt_int(result.norms.walking[t])} m)")
    labels = st.checkbox("Namen van kernen en dorpen", value=True, key="map_labels")
    basemap = st.selectbox("Achtergrondkaart", list(BASEMAPS), key="map_basemap",
                           format_func=lambda k: BASEMAPS[k][0],
                           help="Zonder internet: 'Geen achtergrond'. PDOK is de Nederlandse "
                                "standaard, OpenStreetMap een alternatief.")

kerngebied = ctx.kerngebied
scope = ctx.scope_label()
if homes_mode == "points" and kerngebied is None:
    st.info("Losse woningen worden alleen binnen één kerngebied getoond; hieronder staan ze "
            "per 250 m-cel. Kies een kerngebied in de zijbalk.")
options = MapOptions(
    theme=theme_key, level=level, kerngebied=kerngebied, facility_types=tuple(fac_types),
    kerngebieden=tuple(ctx.kerngebieden()) if ctx.gemeente else (),
    norm_circles=None if circles == "(geen)" else circles, homes=homes_mode,
    owner=None if owner == "(alle)" else owner, labels=labels, basemap=basemap)
profile = result.assumptions.get("distance_profile", "")
if options.norm_circles and result.assumptions.get("distance_method") == "network":
    # network service areas instead of circles (one union per type, cached, simplified)
    norm_xy = result.facilities[result.facilities["facility_type"] == options.norm_circles]
    xy_key = tuple(zip(norm_xy.geometry.x.round(1), norm_xy.geometry.y.round(1), strict=True))
    options = dataclasses.replace(options, service_profile=PROFILES[profile].label,
                                  service_areas=service_areas(
                                      region, ctx.region_key, profile, xy_key,
                                      float(result.norms.walking[options.norm_circles])))

key = (ctx.region_key, result.year, result.norms.key, result.prognosis.name,
       result.assumptions.get("distance_method"), profile)
layers = map_layers(region, result, key)
fmap, legends = build_map(result, layers, options)


map_col, side_col = st.columns([3, 1])
with map_col:
    event = st_folium(fmap, height=620, use_container_width=True, key="kaart",
                      returned_objects=["last_object_clicked"])
    st.caption(f"{region.name} · {scope} · {result.year} · {result.norms.name}. "
               "Klik op een buurt voor het profiel. Lagen aan/uit met het lagenicoon rechtsboven. "
               + distance_caption(result))
clicked = locate_click(event, layers["buurt"])
if clicked and clicked != st.session_state.get("buurt_clicked"):
    st.session_state["buurt_clicked"] = clicked
    st.session_state["buurt"] = clicked

with side_col:
    st.subheader("Legenda")
    for legend in legends:
        st.html(legend_html(legend))
    with st.popover("Exporteren", icon=":material/download:", width="stretch"):
        export_layer = "gaps_buurt" if level == "buurt" else "gaps_grid"
        what = {export_layer: LAYERS[export_layer], "homes": LAYERS["homes"]
                + (f" ({owner})" if owner != "(alle)" else "")}
        picked_layer = st.radio("Wat", list(what), key="map_export_layer",
                                format_func=what.get)
        picked_fmt = st.selectbox("Formaat", list(FORMATS), key="map_export_format",
                                  format_func=lambda k: FORMATS[k][0])
        theme_col = all_themes[theme_key].column
        export_sel = ExportSelection(
            kerngebied=kerngebied, gemeente=ctx.gemeente,
            owner=None if owner == "(alle)" or picked_layer != "homes" else owner,
            theme=theme_col if theme_col in result.buurt.columns else None)
        try:
            n_rows = len(select_layer(result, picked_layer, export_sel))
        except WoonzorgError as exc:
            st.error(str(exc))
        else:
            file_name = export_filename(result, picked_layer, picked_fmt, export_sel)
            st.caption(f"{fmt_int(n_rows)} rijen, zoals op de kaart ({result.year}, "
                       f"{scope}).")
            st.download_button(
                "Download", key="map_export",
                data=lambda: export_bytes(result, picked_layer, picked_fmt, export_sel)[0],
                file_name=file_name, mime=FORMATS[picked_fmt][2], on_click="ignore",
                icon=":material/download:")
    code = st.session_state.get("buurt")
    if code and code in set(result.buurt["buurt_code"]):
        row = result.buurt.set_index("buurt_code").loc[code]
        st.subheader(row["buurt_name"])
        place = (f" · gemeente {row['gemeente_name']}" if region.is_multi_gemeente
                 and "gemeente_name" in row.index else "")
        st.caption(f"{code} · kerngebied {row['kerngebied']}{place} · {result.year}")
        st.metric("Inwoners 75+", fmt_int(row["pop_75plus"]))
        st.metric(f"Tekort {vocabulary.PRODUCT_LABELS[choices.product].lower()}",
                  fmt_int(row[f"shortage_{choices.product}"]))
        st.markdown(f"Huisarts gem. {fmt_km(row['dist_gp'])}, supermarkt gem. "
                    f"{fmt_km(row['dist_supermarket'])} (75-plussers).")
        st.page_link("pages/buurtprofiel.py", label="Open buurtprofiel",
                     icon=":material/home_work:")
