"""Shared UI: the demo notice, the sidebar choices and the page context.

Session-state keys used across pages: ``year``, ``norms``, ``prognosis``, ``kerngebied``
(core area or :data:`ALL`), ``product`` and ``buurt`` (the selected buurt code). The
active region is kept in the data directory (:mod:`geo.io.saved_regions`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from geo import vocabulary
from geo.analysis.gaps import GapResult
from geo.errors import WoonzorgError
from geo.io.saved_regions import active_region_path
from geo.model.norms import PRESETS
from geo.model.prognosis import VARIANTS
from geo.model.region import Region
from geo.reporting.profile import md_escape
from geo.reporting.provenance import DataProvenance
from ui.cache import default_region, gap_result, region_from_file
from ui.navigation import ensure_navigation

ALL = "Hele gemeente"


@dataclass(frozen=True)
class Choices:
    """What the user picked in the sidebar."""

    year: int
    norms_key: str
    prognosis: str
    kerngebied: str
    product: str


@dataclass(frozen=True)
class Context:
    """Everything a page needs: the active region, the choices and the analysis."""

    region: Region
    choices: Choices
    result: GapResult

    def buurten(self) -> list[str]:
        """Buurt codes in the chosen core area (all for the whole municipality)."""
        frame = self.result.buurt
        if self.choices.kerngebied != ALL:
            frame = frame[frame["kerngebied"] == self.choices.kerngebied]
        return list(frame["buurt_code"])


def active_region() -> tuple[Region, str]:
    """The region in use and a key that identifies it.

    The demo, unless a saved region was activated on the Data laden page
    (:func:`geo.io.saved_regions.active_region_path`). A saved region that can no longer be read
    falls back to the demo with a message.
    """
    try:
        path = active_region_path()
    except WoonzorgError:
        path = None
    if path is not None:
        try:
            mtime = os.path.getmtime(path)
            return region_from_file(str(path), mtime), f"file:{path}:{mtime}"
        except (OSError, WoonzorgError) as exc:
            st.error(f"De actieve regio {path.name} kan niet worden gelezen ({exc}); de demo "
                     "wordt getoond. Kies of laad een regio op de pagina Data laden.")
    region = default_region()
    return region, f"demo:{region.source_path}"


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
        st.info(f"**{region.name}** ({region.metadata.get('gemeente_code', '')}, basisjaar "
                f"{region.base_year}) — {region.metadata.get('notice', 'echte data.')}",
                icon=":material/database:")
    for notice in region.notices:  # e.g. a package of an earlier version was migrated
        st.info(notice, icon=":material/update:")


def sidebar_choices(region: Region) -> Choices:
    """Render the shared sidebar filters (kept in session state across pages)."""
    years = [region.base_year, *[y for y in vocabulary.PROGNOSIS_YEARS if y > region.base_year]]
    kerngebieden = [ALL, *region.kerngebieden]
    # after switching regions an earlier choice may not exist any more
    if st.session_state.get("kerngebied") not in (None, *kerngebieden):
        st.session_state["kerngebied"] = ALL
    if st.session_state.get("year") not in (None, *years):
        st.session_state["year"] = years[0]
    with st.sidebar:
        st.caption(f"Regio: **{region.name}** · wisselen op de pagina Data laden")
        st.header("Keuzes")
        kerngebied = st.selectbox("Kerngebied", kerngebieden, key="kerngebied")
        year = st.selectbox("Jaar", years, key="year",
                            format_func=lambda y: f"{y} (basisjaar)" if y == years[0] else str(y))
        norms_key = st.selectbox("Normset", list(PRESETS), key="norms",
                                 format_func=lambda k: PRESETS[k].name)
        product = st.selectbox("Product", list(vocabulary.PRODUCTS), key="product",
                               format_func=lambda p: vocabulary.PRODUCT_LABELS[p])
        prognosis = st.selectbox("Prognosevariant", list(VARIANTS), key="prognosis",
                                 format_func=lambda k: k.replace("_", " "))
        st.caption(VARIANTS[prognosis].description)
    return Choices(year=int(year), norms_key=norms_key, prognosis=prognosis, kerngebied=kerngebied,
                   product=product)


def page_context() -> Context:
    """Load region and analysis for the current choices; on bad input show why and stop.

    Starts with :func:`ui.navigation.ensure_navigation` (see that module's docstring).
    """
    ensure_navigation()
    try:
        region, key = active_region()
        choices = sidebar_choices(region)
        result = gap_result(region, key, choices.year, choices.norms_key, choices.prognosis)
    except WoonzorgError as exc:
        st.error(f"De analyse kan niet worden uitgevoerd: {exc}")
        st.stop()
    demo_notice(region)
    return Context(region=region, choices=choices, result=result)
