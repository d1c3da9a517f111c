"""Vergelijken: two or three scenarios side by side — maps on one colour scale, key figures.

Sources: "Basis" (no changes), every scenario saved on the Scenario's page, and two
built-in examples. By default the basis is computed in the year, norms and prognosis of the
first other scenario picked, so the differences show only the effect of the changes; a
toggle switches it to the sidebar's choices. Cached results are never changed.
"""

from __future__ import annotations

from contextlib import suppress

import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.analysis.gaps import GapResult
from geo.analysis.scenario import compare
from geo.analysis.supply import PRODUCT_FACILITY
from geo.errors import WoonzorgError
from geo.formats import fmt_diff, fmt_int, fmt_share, fmt_share_diff
from geo.model.scenario import without_changes
from geo.model.scenario_text import dumps_scenario, loads_scenario
from geo.vocabulary import FACILITY_LABELS
from ui.cache import distance_of, map_layers, scenario_result
from ui.common import ALL, page_context
from ui.examples import BASIS, resolve_result, scenario_choices
from ui.maps import Legend, MapOptions, build_map, legend_html, themes

MAX_PICK = 3


def _has_changes(toml_text: str) -> bool:
    try:
        scenario = loads_scenario(toml_text)
    except (WoonzorgError, ValueError):
        return False
    return bool(scenario.projects or scenario.facility_changes)


ctx = page_context()
region, region_key = ctx.region, ctx.region_key
base_result, choices = ctx.result, ctx.choices

st.title("Scenario's vergelijken")


# --- sources ----------------------------------------------------------------------------

labels, tomls, n_saved = scenario_choices("Basis (zonder wijzigingen)", region)
if not n_saved:
    st.info("Er zijn nog geen opgeslagen scenario's. Maak er een op de pagina "
            "**Scenario's** (nieuw scenario → projecten en voorzieningen → Opslaan). "
            "Tot die tijd kunt u de basis vergelijken met de voorbeelden.")

options = list(labels)
# default: the basis against the first saved scenario, else the first example with changes
with_changes = [k for k in options[1:] if k in tomls and _has_changes(tomls[k])]
default = [BASIS, *(with_changes or options[1:])[:1]]
picked = st.multiselect(
    "Scenario's (twee of drie; het eerste is de referentie voor de verschillen)", options,
    default=default, max_selections=MAX_PICK, key="cmp_pick", format_func=labels.get)
if len(picked) < 2:
    st.info("Kies ten minste twee scenario's om te vergelijken.")
    st.stop()


follow = st.toggle(
    "Basis in het jaar en met de normen en prognose van het eerste scenario", value=True,
    key="cmp_follow",
    help="Aan: de verschillen tonen alleen het effect van de bouwprojecten en "
         "voorzieningen. Uit: de basis volgt de keuzes in de zijbalk.")
first_other = next((k for k in picked if k != BASIS), None)
# TOML of "no changes" with the first scenario's year, norms and prognosis (None: sidebar)
basis_toml = None
if follow and first_other is not None:
    with suppress(WoonzorgError, ValueError):  # the scenario itself reports its error below
        basis_toml = dumps_scenario(without_changes(loads_scenario(tomls[first_other])))


def _result(key: str) -> GapResult | None:
    if key == BASIS and basis_toml is not None:
        return scenario_result(region, region_key, basis_toml, *distance_of(base_result))
    return resolve_result(key, labels, tomls, base_result, region, region_key)


results: dict[str, GapResult] = {}
for key in picked:
    res = _result(key)
    if res is not None:
        results[key] = res
if len(results) < 2:
    st.stop()
if BASIS in picked and follow and first_other in tomls and not _has_changes(tomls[first_other]):
    st.caption(f"'{labels[first_other]}' heeft geen bouwprojecten of voorzieningswijzigingen: "
               "in hetzelfde jaar is er dus geen verschil met de basis. Zet de schakelaar uit "
               "om het met de keuzes in de zijbalk (bijv. het basisjaar) te vergelijken.")

years = {res.year for res in results.values()}
if len(years) > 1:
    st.caption("Let op: de gekozen scenario's gaan over verschillende jaren; de verschillen "
               "bevatten dan ook de vergrijzing tussen die jaren.")

# --- maps -----------------------------------------------------------------------------------

common = None
for res in results.values():
    keys = {k for k in themes(list(res.norms.walking))
            if k.startswith(("shortage_", "uncov_"))}
    common = keys if common is None else common & keys
all_themes = themes(list(base_result.norms.walking))
for res in results.values():
    all_themes |= themes(list(res.norms.walking))
theme_keys = [k for k in all_themes if k in (common or set())]
default_theme = f"shortage_{choices.product}"
theme_key = st.selectbox(
    "Kleur de buurten op", theme_keys, key="cmp_theme",
    index=theme_keys.index(default_theme) if default_theme in theme_keys else 0,
    format_func=lambda k: all_themes[k].label)
theme = all_themes[theme_key]
kerngebied = None if choices.kerngebied == ALL else choices.kerngebied
in_scope = ctx.kerngebieden()  # the chosen municipality's kerngebieden (all: whole region)
if theme_key.startswith("shortage_"):
    default_fac = [PRODUCT_FACILITY.get(theme_key[len("shortage_"):])]
else:
    default_fac = [theme_key[len("uncov_"):]]
fac_types = st.multiselect(
    "Voorzieningen op de kaart", list(FACILITY_LABELS),
    default=[t for t in default_fac if t in FACILITY_LABELS], key=f"cmp_fac_{theme_key}",
    format_func=FACILITY_LABELS.get,
    help="Een scenario kan voorzieningen openen of sluiten; elke kaart toont die van het "
         "eigen scenario.")


def _layers(key: str, res: GapResult) -> dict:
    if key == BASIS and basis_toml is not None:
        cache_key = (region_key, "scenario", basis_toml, *distance_of(res))
    elif key == BASIS:
        cache_key = (region_key, res.year, res.norms.key, res.prognosis.name,
                     *distance_of(res))
    else:
        cache_key = (region_key, "scenario", tomls[key], *distance_of(res))
    return map_layers(region, res, cache_key)


layers = {key: _layers(key, res) for key, res in results.items()}
values = []
for layer in layers.values():
    frame = layer["buurt"]
    if kerngebied is not None:
        frame = frame[frame["kerngebied"] == kerngebied]
    elif ctx.gemeente is not None:
        frame = frame[frame["kerngebied"].isin(in_scope)]
    values.append(frame[theme.column].to_numpy(dtype=float))
joined = np.concatenate(values) if values else np.array([])
finite = joined[np.isfinite(joined)]
limits = (float(finite.min()), float(finite.max())) if len(finite) else None
map_options = MapOptions(theme=theme_key, level="buurt", kerngebied=kerngebied, homes="off",
                         kerngebieden=tuple(in_scope) if ctx.gemeente else (),
                         labels=True, value_limits=limits, facility_types=tuple(fac_types))

legend: Legend | None = None
for i, (col, (key, res)) in enumerate(zip(st.columns(len(results)), results.items(),
                                         strict=True)):
    with col:
        st.markdown(f"**{labels[key]}** · {res.year}")
        fmap, legends = build_map(res, layers[key], map_options)
        legend = legend or legends[0]
        st_folium(fmap, height=430, use_container_width=True, key=f"cmp-{i}",
                  returned_objects=[])
if legend is not None:
    st.html(legend_html(legend, inline=True, note="zelfde kleurschaal voor alle kaarten"))
st.caption(f"{region.name} · {ctx.scope_label()}. "
           + ("De gemeente en het kerngebied kiest u in de zijbalk." if region.is_multi_gemeente
              else "Het kerngebied kiest u in de zijbalk."))

# --- key figures ------------------------------------------------------------------------

st.subheader("Kengetallen per kerngebied")
named = {(f"{labels[key]} {res.year}" if key == BASIS else labels[key]): res
         for key, res in results.items()}
try:
    table = compare(named)
except WoonzorgError as exc:
    st.error(f"De vergelijking kan niet worden gemaakt: {exc}")
    st.stop()
ref = next(iter(named))
others = list(named)[1:]


def _fmt(value: float, share: bool) -> str:
    return fmt_share(value) if share else fmt_int(value)


def _fmt_diff(value: float, share: bool) -> str:
    return fmt_share_diff(value) if share else fmt_diff(value)


shares = table["kengetal"].str.startswith("cov75_share_")
show = pd.DataFrame({"Gebied": table["gebied"], "Kengetal": table["omschrijving"]})
for label in named:
    show[label] = [_fmt(v, s) for v, s in zip(table[label], shares, strict=True)]
for label in others:
    show[f"Verschil {label}"] = [_fmt_diff(v, s) for v, s in
                                 zip(table[f"verschil {label}"], shares, strict=True)]
all_kerngebieden = set(map(str, base_result.kerngebied["kerngebied"]))
if ctx.gemeente is not None:  # only the chosen municipality's kerngebieden (and totals)
    keep = ~table["gebied"].isin(all_kerngebieden) | table["gebied"].isin(in_scope)
    table, shares = table[keep].reset_index(drop=True), shares[keep].reset_index(drop=True)
    show = show[keep.to_numpy()].reset_index(drop=True)
kerngebied_filter = st.segmented_control(
    "Gebied", ["Alle", *dict.fromkeys(table["gebied"])], default="Alle", key="cmp_area")
if kerngebied_filter and kerngebied_filter != "Alle":
    show = show[show["Gebied"] == kerngebied_filter]
st.dataframe(show, hide_index=True, width="stretch", height=min(36 * len(show) + 40, 1100))
st.caption(f"Verschil = scenario − {ref}. Tekort = vraag − aanbod (negatief = overschot); "
           "aandelen in procentpunten (pp).")

csv = pd.DataFrame({"gebied": table["gebied"], "kengetal": table["omschrijving"]})
for label in named:
    csv[label] = table[label]
for label in others:
    csv[f"verschil {label}"] = table[f"verschil {label}"]
st.download_button(
    "Vergelijking downloaden (CSV)",
    csv.to_csv(sep=";", decimal=",", index=False, float_format="%.3f").encode("utf-8-sig"),
    file_name="woonzorgatlas-vergelijking.csv", mime="text/csv", key="cmp_csv",
    icon=":material/download:")
