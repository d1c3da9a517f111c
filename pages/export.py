"""Export: gap layers, housing stock, facilities and catchments for QGIS and other tools.

The export is cut from the same cached analysis the other pages show (sidebar year, norm
set, prognosis and core area), or from a scenario; ``geo.reporting.export`` writes the file.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.errors import WoonzorgError
from geo.formats import fmt_int
from geo.reporting.export import (
    FORMATS,
    LAYERS,
    ExportSelection,
    export_bytes,
    export_filename,
    select_layer,
)
from geo.reporting.fields import field_table, short_names
from geo.reporting.provenance import DataProvenance
from ui.common import ALL, page_context
from ui.examples import BASIS, resolve_result, scenario_choices
from ui.maps import themes

ctx = page_context()
region, region_key = ctx.region, ctx.region_key
choices = ctx.choices

st.title("Export")
st.caption("Download de tekortenkaarten, de woningvoorraad of de voorzieningen voor QGIS of "
           "andere software. **GeoPackage** is aanbevolen (volledige veldnamen, stijlen en "
           "herkomst in één bestand); **Shapefile** komt als zip met een veldenlijst, een "
           "QGIS-stijl en een leesmij. Jaar, normset, prognose"
           + (", gemeente" if region.is_multi_gemeente else "") + " en kerngebied kiest u in "
           "de zijbalk.")

left, right = st.columns(2)
with left:
    layer = st.selectbox("Laag", list(LAYERS), key="exp_layer", format_func=LAYERS.get)
    fmt = st.radio("Formaat", list(FORMATS), key="exp_format", horizontal=True,
                   format_func=lambda k: FORMATS[k][0])
with right:
    labels, tomls, _ = scenario_choices(f"Basis ({ctx.result.year}, zijbalk)", region)
    scenario_key = st.selectbox("Scenario", list(labels), key="exp_scenario",
                                format_func=labels.get)
    owner = None
    if layer == "homes":
        owners = sorted(region.homes["owner"].dropna().astype(str).unique())
        picked = st.selectbox("Eigenaar", ["(alle)", *owners], key="exp_owner",
                              help="Bijvoorbeeld alleen de woningen van uw corporatie.")
        owner = None if picked == "(alle)" else picked

result = resolve_result(scenario_key, labels, tomls, ctx.result, region, region_key)
if result is None:
    st.stop()
theme = None
if layer.startswith("gaps_"):
    area_themes = {k: t for k, t in themes(list(result.norms.walking)).items()
                   if t.column in result.buurt.columns}
    default = f"shortage_{choices.product}"
    theme_key = st.selectbox(
        "Stijl in QGIS: kleur op", list(area_themes), key="exp_theme",
        index=list(area_themes).index(default) if default in area_themes else 0,
        format_func=lambda k: area_themes[k].label)
    theme = area_themes[theme_key].column

kerngebied = None if choices.kerngebied == ALL else choices.kerngebied
selection = ExportSelection(kerngebied=kerngebied, owner=owner, theme=theme,
                            gemeente=ctx.gemeente)
try:
    frame = select_layer(result, layer, selection)
except WoonzorgError as exc:
    st.error(f"Deze export kan niet worden gemaakt: {exc}")
    st.stop()

columns = [c for c in frame.columns if c != "geometry"]
st.subheader("Wat u downloadt")
m1, m2, m3 = st.columns(3)
m1.metric("Rijen", fmt_int(len(frame)))
m2.metric("Velden", len(columns))
m3.metric("Jaar", result.year)
_data = DataProvenance.from_region(region)
_data_mark = (" · " + _data.summary() if _data.known
              else " · DEMODATA" if region.is_demo else "")
scope = ctx.scope_label()
st.caption(
    f"{LAYERS[layer]} · {scope}" + (f" · eigenaar {owner}" if owner else "")
    + f" · {labels[scenario_key]} · {result.norms.name} · prognose {result.prognosis.name} · "
    + ("WGS84 (RFC 7946)" if fmt == "geojson" else "EPSG:28992 (RD New)")
    + _data_mark)

name = export_filename(result, layer, fmt, selection)


def _make() -> bytes:
    return export_bytes(result, layer, fmt, selection)[0]


st.download_button(f"Download {name}", data=_make, file_name=name, mime=FORMATS[fmt][2],
                   key="exp_download", type="primary", icon=":material/download:",
                   on_click="ignore")

preview = pd.DataFrame(frame[columns].head(8))
if fmt == "shp":
    preview = preview.rename(columns=short_names(columns))
st.dataframe(preview, hide_index=True, width="stretch")
with st.expander("Veldenlijst (korte naam in Shapefile, volledige naam, eenheid)"):
    fields = field_table(columns)
    if _data.known:  # as in the exported field dictionary
        fields["origin"] = [_data.field_origin(c) for c in fields["full_name"]]
    st.dataframe(fields.rename(columns={
        "short_name": "Shapefile", "full_name": "Veld", "unit": "Eenheid",
        "description": "Omschrijving", "origin": "Herkomst"}), hide_index=True,
        width="stretch")
st.caption("Dezelfde export kan ook zonder app: `python -m geo export --layer "
           f"{layer} --format {fmt} --out {name}`"
           + (f" --kerngebied {kerngebied}" if kerngebied else "")
           + (" --scenario BESTAND.toml" if scenario_key != BASIS else "")
           + (f" --year {result.year}" if scenario_key == BASIS else ""))
