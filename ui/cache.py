"""The one place with Streamlit caching.

Large read-only objects (the region, analysis results) use ``st.cache_resource``:
the same object is shared by all sessions, so callers must never mutate it.
"""

from __future__ import annotations

import streamlit as st

from geo.gaps import GapResult, analyse
from geo.region import Region, load_default_region


@st.cache_resource(show_spinner="Demoregio laden…")
def default_region() -> Region:
    """The embedded demo region (loaded once per server)."""
    return load_default_region()


@st.cache_resource(max_entries=64, show_spinner="Tekorten berekenen…")
def gap_result(
    _region: Region,
    region_key: str,  # noqa: ARG001 - part of the cache key, identifies _region
    year: int,
    norms_key: str,
    prognosis: str,
) -> GapResult:
    """Gap analysis of ``_region`` for a year, preset and prognosis variant.

    ``region_key`` identifies the region (the underscore argument is not hashed).
    """
    return analyse(_region, year=year, norms=norms_key, prognosis=prognosis)
