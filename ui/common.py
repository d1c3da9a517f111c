"""Shared widgets: the demo notice and the analysis choices in the sidebar."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from geo import settings
from geo.norms import PRESETS
from geo.prognosis import VARIANTS
from geo.region import Region


@dataclass(frozen=True)
class Choices:
    """What the user picked in the sidebar."""

    year: int
    norms_key: str
    prognosis: str


def demo_notice(region: Region) -> None:
    """Say plainly that demo data is shown (on every page that shows data)."""
    if region.is_demo:
        st.warning(f"**{region.name}** — {region.metadata.get('notice', 'Demodata.')}",
                   icon="⚠️")


def sidebar_choices(region: Region) -> Choices:
    """Year, norm preset and prognosis variant, kept in session state across pages."""
    years = [region.base_year, *[y for y in settings.PROGNOSIS_YEARS if y > region.base_year]]
    with st.sidebar:
        st.header("Keuzes")
        year = st.selectbox("Jaar", years, key="year",
                            format_func=lambda y: f"{y} (basisjaar)" if y == years[0] else str(y))
        norms_key = st.selectbox("Normset", list(PRESETS), key="norms",
                                 format_func=lambda k: PRESETS[k].name)
        prognosis = st.selectbox("Prognosevariant", list(VARIANTS), key="prognosis",
                                 format_func=lambda k: k.replace("_", " "))
        st.caption(VARIANTS[prognosis].description)
    return Choices(year=int(year), norms_key=norms_key, prognosis=prognosis)
