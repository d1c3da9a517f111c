"""Presentatie: one big, readable screen per kerngebied for meetings (beamer).

A region of several municipalities gets a screen for the region and one per municipality,
each followed by its kerngebieden (only the chosen municipality's when one is chosen in the
sidebar of the other pages). Pick a scenario and optionally a reference; step through the
screens with the
"Vorige" / "Volgende" buttons (the position is kept in ``st.session_state``; the buttons
stop at the first and last screen). The sidebar is hidden on this page only.
"""

from __future__ import annotations

import hashlib
import html
import math

import streamlit as st

from geo.analysis.gaps import GapResult
from geo.errors import WoonzorgError
from geo.formats import fmt_diff, fmt_int, fmt_share, fmt_share_diff
from geo.model.scenario_text import loads_scenario
from geo.reporting import levels
from geo.reporting.handout import make_handout
from geo.reporting.lights import (
    LIGHT_COLOURS,
    LIGHT_MARKS,
    LIGHT_WORDS,
    coverage_light,
    shortage_light,
    surplus_caveat,
)
from geo.reporting.provenance import DataProvenance
from ui.cache import gap_result
from ui.common import active_region, sidebar_choices
from ui.examples import BASIS, resolve_result, scenario_choices
from ui.navigation import ensure_navigation

NONE = "(geen)"
POS = "present_pos"

# Static CSS (no data): big figures, no sidebar, traffic-light circles.
CSS = ("""<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], [data-testid="stSidebarNav"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding-top: 2rem;}
[data-testid="stMetricValue"] {font-size: 4.2rem !important; font-weight: 700; line-height: 1.1;}
[data-testid="stMetricLabel"] p {font-size: 1.35rem !important;}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important;}
[data-testid="stMetricLabel"] {min-height: 3.6rem; align-items: flex-start !important;}
[data-testid="stMetricDelta"] {font-size: 1.3rem !important;}
.wza-light {display: flex; align-items: center; gap: .5rem; font-size: 1.3rem; font-weight: 600;}
.wza-light .dot {display: inline-block; width: 1.6rem; height: 1.6rem; border-radius: 50%;
  color: #fff; font-size: 1rem; line-height: 1.6rem; text-align: center;}
[data-testid="stHeadingWithActionElements"] h2 {text-align: center; font-size: 2.6rem;}
.wza-caveat {font-size: 1.25rem; color: #3f007d;}
""" + "".join(f".wza-{light} .dot {{background: {colour};}}\n"
              for light, colour in LIGHT_COLOURS.items()) + "</style>")
# (column, kind, label): kind "shortage" (lower is better) or "coverage" (higher is better)
FIGURES = (
    ("step_free", "shortage", "Tekort nultredenwoningen"),
    ("clustered", "shortage", "Tekort geclusterd wonen"),
    ("nursing_dementia", "shortage", "Tekort verpleegzorg PG"),
    ("gp", "coverage", "75+ nabij huisarts"),
    ("supermarket", "coverage", "75+ nabij supermarkt"),
)

ensure_navigation()  # before anything is drawn; see the ui.navigation docstring
st.html(CSS)
try:
    region, region_key = active_region()
    choices = sidebar_choices(region)  # hidden; keeps norms/prognosis of the other pages
    base_result = gap_result(region, region_key, region.base_year, choices.norms_key,
                             choices.prognosis, choices.distance, choices.profile)
except WoonzorgError as exc:
    st.error(f"De analyse kan niet worden uitgevoerd: {exc}")
    st.stop()

# --- sources ------------------------------------------------------------------------------
labels, tomls, _ = scenario_choices(f"Basis (huidige situatie, {region.base_year})", region)


def _result(key: str) -> GapResult | None:
    return resolve_result(key, labels, tomls, base_result, region, region_key)


def _name(key: str) -> str:
    if key == BASIS:
        return "Huidige situatie"
    if key in tomls:
        try:
            return loads_scenario(tomls[key]).name or labels[key]
        except WoonzorgError:
            pass
    return labels[key]


screen = st.container()  # the slide; the settings are drawn below it
with st.container(), st.expander("Instellingen presentatie", expanded=False):
    c1, c2 = st.columns(2)
    options = list(labels)
    with c1:
        chosen = st.selectbox("Scenario", options, index=1 if len(options) > 1 else 0,
                              key="present_scenario", format_func=labels.get)
    with c2:
        refs = [NONE, *[k for k in options if k != chosen]]
        ref_key = st.selectbox("Vergelijk met (verschil)", refs,
                               index=1 if chosen != BASIS else 0, key="present_ref",
                               format_func=lambda k: k if k == NONE else labels[k])
    if not any(k.startswith("store:") for k in tomls):
        st.caption("Nog geen eigen scenario's: maak er een op de pagina Scenario's. "
                   "Tot die tijd staan hier de voorbeelden.")

result = _result(chosen)
if result is None:
    st.stop()
reference = None if ref_key == NONE else _result(ref_key)

def _screens(res: GapResult) -> list[tuple[str, str | None, str]]:
    """``(level, key, title)`` of every screen, in order."""
    kern = [str(k) for k in res.kerngebied["kerngebied"]]
    if not region.is_multi_gemeente:
        return [("kerngebied", k, k) for k in kern]
    owner = levels.kerngebied_gemeente(res)
    out: list[tuple[str, str | None, str]] = []
    if choices.gemeente is None:
        out.append(("regio", None, f"Regio {region.name}"))
    for code, name in region.gemeenten:
        if choices.gemeente in (None, code):
            out.append(("gemeente", code, f"Gemeente {name}"))
            out += [("kerngebied", k, f"{k} ({name})") for k in kern if owner.get(k) == code]
    return out


def _row(res: GapResult, level: str, key: str | None):  # noqa: ANN202 - a row or None
    if level == "regio":
        return levels.regio_row(res)
    if level == "gemeente":
        rows = levels.gemeente_rows(res)
        return rows.loc[key] if key in rows.index else None
    frame = res.kerngebied.set_index("kerngebied")
    return frame.loc[key] if key in frame.index else None


screens = _screens(result)
pos = min(max(int(st.session_state.get(POS, 0)), 0), len(screens) - 1)
st.session_state[POS] = pos


def _step(delta: int) -> None:
    st.session_state[POS] = min(max(st.session_state.get(POS, 0) + delta, 0), len(screens) - 1)


# --- screen -----------------------------------------------------------------------------
level, area_key, area_title = screens[pos]
screen.title(f"{_name(chosen)} · {result.year}")
nav_prev, nav_label, nav_next = screen.columns([1, 4, 1], vertical_alignment="center")
with nav_prev:
    st.button("◀ Vorige", key="present_prev", on_click=_step, args=(-1,),
              disabled=pos == 0, width="stretch")
with nav_label:
    st.markdown(f"## {area_title} ({pos + 1}/{len(screens)})")
with nav_next:
    st.button("Volgende ▶", key="present_next", on_click=_step, args=(1,),
              disabled=pos == len(screens) - 1, width="stretch")

row = _row(result, level, area_key)
ref_row = None if reference is None else _row(reference, level, area_key)


def _num(frame_row, col: str) -> float:
    try:
        return float(frame_row[col])
    except (KeyError, TypeError, ValueError):
        return math.nan


figure_cols = screen.columns(len(FIGURES), gap="medium")
surplus: list[str] = []  # products shown with the "overschot*" light
for col, (key, kind, label) in zip(figure_cols, FIGURES, strict=True):
    if kind == "shortage":
        value = _num(row, f"shortage_{key}")
        light = shortage_light(value, _num(row, f"demand_{key}"))
        text = fmt_int(value)
    else:
        value = _num(row, f"cov75_share_{key}")
        light = coverage_light(value)
        text = fmt_share(value)
    delta, delta_color = None, "off"
    if ref_row is not None:
        ref = _num(ref_row, f"{'shortage' if kind == 'shortage' else 'cov75_share'}_{key}")
        if math.isfinite(value) and math.isfinite(ref):
            delta = fmt_diff(value - ref) if kind == "shortage" else fmt_share_diff(value - ref)
            zero = delta.startswith("±")
            delta_color = "off" if zero else ("inverse" if kind == "shortage" else "normal")
    if light == "surplus":
        surplus.append(key)
    with col:
        st.metric(label, text, delta=delta, delta_color=delta_color,
                  delta_arrow="off" if delta and delta.startswith("±0") else "auto",
                  help=None if kind == "shortage" else
                  f"Aandeel 75-plussers binnen de loopnorm "
                  f"({fmt_int(result.norms.walking.get(key, math.nan))} m).")
        mark, word = LIGHT_MARKS[light], LIGHT_WORDS[light]
        st.html(f'<div class="wza-light wza-{light}"><span class="dot">{mark}</span>'
                f"{word}</div>")

screen.write("")
if surplus:  # the * of "overschot*": what a surplus does not mean
    screen.markdown(f'<p class="wza-caveat">{html.escape(surplus_caveat(surplus))}</p>',
                    unsafe_allow_html=True)
screen.caption("Tekort = vraag − aanbod (negatief = overschot). "
           + (f"Verschil t.o.v. {labels[ref_key]}." if ref_row is not None else ""))

# --- handout ------------------------------------------------------------------------------
handout_key = hashlib.sha256("\x1f".join([
    region_key, chosen, tomls.get(chosen, ""), ref_key, tomls.get(ref_key, ""),
    choices.norms_key, choices.prognosis]).encode()).hexdigest()
cached = st.session_state.get("present_handout")
if not cached or cached[0] != handout_key:
    try:
        pdf = make_handout(result, scenario_name=_name(chosen), base=reference,
                           base_name=None if reference is None else labels[ref_key])
    except WoonzorgError as exc:
        st.error(f"De handout kan niet worden gemaakt: {exc}")
        pdf = None
    cached = (handout_key, pdf)
    st.session_state["present_handout"] = cached
if cached[1]:
    st.download_button("Handout (PDF)", cached[1], file_name="woonzorgatlas-handout.pdf",
                       mime="application/pdf", key="present_pdf",
                       icon=":material/picture_as_pdf:")
st.page_link("pages/vergelijken.py", label="Terug naar Vergelijken (zijbalk weer zichtbaar)",
             icon=":material/arrow_back:")
data = DataProvenance.from_region(region)
if data.known:
    st.caption(f"{region.name}, basisjaar {region.base_year}. {data.title()}. "
               f"{data.summary()}.")
elif region.is_demo:
    st.caption(region.metadata.get("notice", "Demodata — niet gebruiken voor besluiten."))
else:
    st.caption(f"{region.name} ({region.metadata.get('gemeente_code', '')}, basisjaar "
               f"{region.base_year}). {region.metadata.get('notice', '')}")
