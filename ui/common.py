"""Shared UI: the demo notice, the sidebar choices and the page context.

Session-state keys used across pages: ``regio`` (this session's region, also in the URL;
see :mod:`ui.regions`), ``gemeente`` (a municipality code or :data:`REGIO_ALL`; only
offered when the region has several municipalities), ``year``, ``norms``, ``prognosis``,
``kerngebied`` (core area or :data:`ALL`), ``product`` and ``buurt`` (the selected buurt
code), ``distance`` (``network``/``straight``) and ``profile`` (mobility profile; both
only offered when the region has a street network).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from geo import vocabulary
from geo.analysis.distance import DEFAULT_PROFILE, DISTANCE_LABELS
from geo.analysis.gaps import GapResult
from geo.errors import WoonzorgError
from geo.model.norms import PRESETS
from geo.model.profiles import PROFILES
from geo.model.prognosis import VARIANTS
from geo.model.region import Region
from geo.reporting import levels
from geo.reporting.profile import md_escape
from geo.reporting.provenance import DataProvenance
from ui import regions
from ui.cache import gap_result
from ui.navigation import ensure_navigation

ALL = "Hele gemeente"  # the kerngebied choice "all" (shown as "Hele regio" where that fits)
REGIO_ALL = "__regio__"  # the municipality choice "the whole region"


@dataclass(frozen=True)
class Choices:
    """What the user picked in the sidebar."""

    year: int
    norms_key: str
    prognosis: str
    kerngebied: str
    product: str
    gemeente: str | None = None  # municipality code; None = the whole region
    distance: str = "straight"  # "network" (only for a region with a street network)
    profile: str = ""  # mobility profile of network distances ("" for straight lines)


@dataclass(frozen=True)
class Context:
    """Everything a page needs: the active region, the choices and the analysis."""

    region: Region
    choices: Choices
    result: GapResult
    region_key: str = ""  # identifies the region in the caches (see ui.cache)

    @property
    def kerngebied(self) -> str | None:
        """The chosen core area, ``None`` for all (of the chosen municipality)."""
        return None if self.choices.kerngebied == ALL else self.choices.kerngebied

    @property
    def gemeente(self) -> str | None:
        """The chosen municipality code, ``None`` for the whole region."""
        return self.choices.gemeente

    def kerngebieden(self, result: GapResult | None = None) -> list[str]:
        """Core areas of the chosen municipality (all for the whole region), in order."""
        return levels.kerngebieden_of(result or self.result, self.choices.gemeente)

    def buurten(self) -> list[str]:
        """Buurt codes in the chosen core area (or municipality, or the whole region)."""
        frame = self.result.buurt
        if self.choices.kerngebied != ALL:
            frame = frame[frame["kerngebied"] == self.choices.kerngebied]
        elif self.choices.gemeente is not None:
            frame = frame[frame["gemeente_code"].astype(str) == self.choices.gemeente]
        return list(frame["buurt_code"])

    def scope_label(self) -> str:
        """Dutch name of what is shown: a kerngebied, a municipality or the whole area."""
        return scope_label(self.region, self.choices)


def gemeente_name(region: Region, code: str | None) -> str:
    """Name of a municipality of the region (the region's name for ``None``)."""
    if code is None:
        return region.name
    return dict(region.gemeenten).get(code, code)


def scope_label(region: Region, choices: Choices) -> str:
    """``kerngebied X``, ``gemeente Y``, ``hele regio`` or ``hele gemeente``."""
    if choices.kerngebied != ALL:
        return f"kerngebied {choices.kerngebied}"
    if choices.gemeente is not None:
        return f"gemeente {gemeente_name(region, choices.gemeente)}"
    return "hele regio" if region.is_multi_gemeente else "hele gemeente"


def active_region() -> tuple[Region, str]:
    """The region of this session and a key that identifies it (see :mod:`ui.regions`).

    The region in the URL (``?regio=…``) or chosen earlier in this session, else the server
    default. A saved region that can no longer be read falls back to the built-in region
    with a message.
    """
    return regions.load(regions.current_choice())


def demo_notice(region: Region) -> None:
    """Say plainly what data is shown, on every page.

    When the package records a data status per layer (:mod:`geo.reporting.provenance`):
    which layers are real, estimated or generated — a warning when anything is generated
    (the word "demo" only for those layers), else an info line. Without those keys as
    before: demo data (warning) or real data with its notice.
    """
    data = DataProvenance.from_region(region)
    if data.known:
        text = (f"**{md_escape(region.name)}** — {data.title()}. {data.summary()}. "
                "Meer op Data & methode.")
        if data.warn:
            st.warning(text, icon="⚠️")
        else:
            st.info(text, icon=":material/database:")
    elif region.is_demo:
        st.warning(f"**{region.name}** — {region.metadata.get('notice', 'Demodata.')}",
                   icon="⚠️")
    else:
        where = (", ".join(name for _, name in region.gemeenten) if region.is_multi_gemeente
                 else region.metadata.get("gemeente_code", ""))
        st.info(f"**{region.name}** ({md_escape(where)}, basisjaar "
                f"{region.base_year}) — {region.metadata.get('notice', 'echte data.')}",
                icon=":material/database:")
    for missing in data.missing():  # unknown, not zero: a whole layer (warning) or a type
        whole = missing.startswith(("Geen woningen geladen", "Geen voorzieningen geladen"))
        (st.warning if whole else st.info)(missing, icon=":material/help:")
    for notice in region.notices:  # e.g. a package of an earlier version was migrated
        st.info(notice, icon=":material/update:")


def _kerngebied_of(region: Region) -> dict[str, str]:
    first = region.areas.drop_duplicates("kerngebied")
    return dict(zip(first["kerngebied"].astype(str), first["gemeente_code"].astype(str),
                    strict=True))


def _gemeente_choice(region: Region) -> str | None:
    """The municipality selectbox (only for regions of several municipalities)."""
    gemeenten = dict(region.gemeenten)
    if len(gemeenten) < 2:
        st.session_state.pop("gemeente", None)
        return None
    options = [REGIO_ALL, *gemeenten]
    if st.session_state.get("gemeente") not in options:
        st.session_state["gemeente"] = REGIO_ALL
    picked = st.selectbox(
        "Gemeente", options, key="gemeente",
        format_func=lambda c: f"Hele regio ({len(gemeenten)} gemeenten)" if c == REGIO_ALL
        else gemeenten[c],
        help="De hele regio of één gemeente; de kerngebieden hieronder volgen de keuze.")
    return None if picked == REGIO_ALL else picked


#: Session-state keys of the shared sidebar widgets.
SIDEBAR_KEYS = ("gemeente", "kerngebied", "year", "norms", "product", "prognosis",
                "distance", "profile")


def _keep_sidebar_state() -> None:
    """Carry the sidebar choices over a page change.

    Each page draws its own copy of the sidebar widgets; on a page change Streamlit would
    drop the values of the previous page's widgets. Writing the values back into session
    state before the widgets exist keeps them (Streamlit's documented work-around).
    """
    for key in SIDEBAR_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def sidebar_choices(region: Region) -> Choices:
    """Render the shared sidebar filters (kept in session state across pages)."""
    _keep_sidebar_state()
    years = [region.base_year, *[y for y in vocabulary.PROGNOSIS_YEARS if y > region.base_year]]
    with st.sidebar:
        st.caption(f"Regio: **{md_escape(region.name)}** · wisselen op de pagina Data laden")
        st.header("Keuzes")
        gemeente = _gemeente_choice(region)
        owner = _kerngebied_of(region)
        kerngebieden = [ALL, *[k for k in region.kerngebieden
                               if gemeente is None or owner.get(k) == gemeente]]
        # after switching regions or municipalities an earlier choice may not exist any more
        if st.session_state.get("kerngebied") not in (None, *kerngebieden):
            st.session_state["kerngebied"] = ALL
        if st.session_state.get("year") not in (None, *years):
            st.session_state["year"] = years[0]
        all_label = ("Hele regio" if region.is_multi_gemeente and gemeente is None
                     else "Hele gemeente")
        kerngebied = st.selectbox("Kerngebied", kerngebieden, key="kerngebied",
                                  format_func=lambda k: all_label if k == ALL else k)
        year = st.selectbox("Jaar", years, key="year",
                            format_func=lambda y: f"{y} (basisjaar)" if y == years[0] else str(y))
        norms_key = st.selectbox("Normset", list(PRESETS), key="norms",
                                 format_func=lambda k: PRESETS[k].name)
        product = st.selectbox("Product", list(vocabulary.PRODUCTS), key="product",
                               format_func=lambda p: vocabulary.PRODUCT_LABELS[p])
        prognosis = st.selectbox("Prognosevariant", list(VARIANTS), key="prognosis",
                                 format_func=lambda k: k.replace("_", " "))
        st.caption(VARIANTS[prognosis].description)
        distance, profile = _distance_choice(region)
    return Choices(year=int(year), norms_key=norms_key, prognosis=prognosis, kerngebied=kerngebied,
                   product=product, gemeente=gemeente, distance=distance, profile=profile)


def _distance_choice(region: Region) -> tuple[str, str]:
    """"Afstand: rechte lijn / over het netwerk" and the profile (regions with a network)."""
    if region.network is None:
        st.session_state.pop("distance", None)
        st.caption("Afstanden: rechte lijnen (hemelsbreed) — deze regio heeft geen "
                   "straatnetwerk.")
        return "straight", ""
    if st.session_state.get("distance") not in DISTANCE_LABELS:
        st.session_state["distance"] = "network"
    if st.session_state.get("profile") not in PROFILES:
        st.session_state["profile"] = DEFAULT_PROFILE
    distance = st.radio("Afstand", ["straight", "network"], key="distance", horizontal=True,
                        format_func=DISTANCE_LABELS.get,
                        help="Over het straatnetwerk (OpenStreetMap) voor het gekozen "
                             "vervoersprofiel, of in rechte lijn. Geldt voor loopnormen, "
                             "afstanden en bereikbaarheid (E2SFCA).")
    profile = st.selectbox("Profiel", list(PROFILES), key="profile",
                           format_func=lambda p: PROFILES[p].label,
                           disabled=distance != "network")
    return distance, profile if distance == "network" else ""


def page_context() -> Context:
    """Load region and analysis for the current choices; on bad input show why and stop.

    Starts with :func:`ui.navigation.ensure_navigation` (see that module's docstring).
    """
    ensure_navigation()
    try:
        region, key = active_region()
        choices = sidebar_choices(region)
        result = gap_result(region, key, choices.year, choices.norms_key, choices.prognosis,
                            choices.distance, choices.profile)
    except WoonzorgError as exc:
        st.error(f"De analyse kan niet worden uitgevoerd: {exc}")
        st.stop()
    demo_notice(region)
    return Context(region=region, choices=choices, result=result, region_key=key)


def distance_caption(result: GapResult) -> str:
    """How distances were measured, and unreachable homes, in one Dutch line (Markdown)."""
    a = result.assumptions
    text = a.get("distance_text") or "Afstanden zijn rechte lijnen (hemelsbreed)."
    lost = int(a.get("homes_unreachable", 0))
    if lost:
        n_buurten = int((result.buurt["homes_unreachable"] > 0).sum())
        text += (f" **{lost} woning(en) in {n_buurten} buurt(en)** kunnen over het netwerk niet "
                 "elke soort voorziening bereiken (netwerk in stukken): ze tellen als niet "
                 "binnen de loopnorm en niet mee in de gemiddelde afstand (kolom "
                 "homes_unreachable).")
    return text
