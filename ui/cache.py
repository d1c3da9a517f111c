"""The one place with Streamlit caching.

Large read-only objects (the region, analysis results) use ``st.cache_resource``:
the same object is shared by all sessions, so callers must never mutate it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.analysis.gaps import GapResult, analyse
from geo.analysis.prepared import PreparedRegion, prepare_region
from geo.datasets import load_builtin_region, load_demo_region
from geo.io.region_package import load_region
from geo.model.region import Region


@st.cache_resource(show_spinner="Ingebouwde regio laden…")
def default_region() -> Region:
    """The embedded demo region (loaded once per server)."""
    return load_demo_region()


@st.cache_resource(max_entries=4, show_spinner="Ingebouwde regio laden…")
def builtin_region(name: str) -> Region:
    """Another built-in region by id (``zuidoost-drenthe``), loaded once per server."""
    return load_builtin_region(name)


@st.cache_resource(max_entries=4, show_spinner="Regio laden…")
def region_from_file(
    path: str,
    mtime: float,  # noqa: ARG001 - part of the cache key: a rewritten file is loaded again
) -> Region:
    """A saved region package (see ``geo.io.saved_regions``), loaded and validated once."""
    return load_region(path)


def distance_of(result: GapResult) -> tuple[str | None, str | None]:
    """``(distance, profile)`` an analysis used, to analyse scenarios the same way."""
    a = result.assumptions
    return a.get("distance_method"), a.get("distance_profile") or None


@st.cache_resource(max_entries=8, show_spinner=False)
def prepared_region(
    _region: Region,
    region_key: str,  # noqa: ARG001 - part of the cache key, identifies _region
) -> PreparedRegion:
    """Structures of the region reused by every analysis and scenario of it.

    The object keeps an internal cache of nearest-facility distances (bounded); it is
    shared by all sessions, which only ever read the numbers it hands out.
    """
    return prepare_region(_region)


@st.cache_resource(max_entries=64, show_spinner="Tekorten berekenen…")
def gap_result(
    _region: Region,
    region_key: str,  # noqa: ARG001 - part of the cache key, identifies _region
    year: int,
    norms_key: str,
    prognosis: str,
    distance: str | None = None,
    profile: str | None = None,
) -> GapResult:
    """Gap analysis of ``_region`` for a year, preset, prognosis variant and distance.

    ``region_key`` identifies the region (the underscore argument is not hashed);
    ``distance``/``profile`` as for :func:`geo.analysis.gaps.analyse` (``None``: network
    when the region has one).
    """
    return analyse(_region, year=year, norms=norms_key, prognosis=prognosis,
                   prepared=prepared_region(_region, region_key), distance=distance,
                   profile=profile or None)


@st.cache_resource(max_entries=32, show_spinner=False)
def map_layers(
    _region: Region,
    _result: GapResult,
    result_key: tuple,  # noqa: ARG001 - cache key: (region key, year, norms, prognosis)
) -> dict:
    """WGS84 display copies of the layers of one analysis (see ``ui.maps.display_layers``)."""
    from ui.maps import display_layers

    return display_layers(_region, _result)


@st.cache_resource(max_entries=32, show_spinner="Scenario doorrekenen…")
def scenario_result(
    _region: Region,
    region_key: str,  # noqa: ARG001 - part of the cache key, identifies _region
    toml_text: str,
    distance: str | None = None,
    profile: str | None = None,
) -> GapResult:
    """Gap analysis of a scenario given as TOML text (the text is the cache key).

    Raises :class:`geo.errors.WoonzorgError` (e.g. ``ScenarioError``) for invalid scenarios.
    """
    from geo.analysis.scenario import analyse_scenario
    from geo.model.scenario_checks import validate_scenario
    from geo.model.scenario_text import loads_scenario

    scenario = loads_scenario(toml_text)
    validate_scenario(scenario, _region)
    return analyse_scenario(_region, scenario,
                            prepared=prepared_region(_region, region_key), distance=distance,
                            profile=profile or None)



@st.cache_resource(max_entries=8, show_spinner="Model naast de CBS-cijfers zetten…")
def check_table(
    _region: Region,
    region_key: str,  # noqa: ARG001 - part of the cache key, identifies _region
    norms_key: str,
    distance: str | None = None,
    profile: str | None = None,
) -> pd.DataFrame:
    """The check of the region against its ``reference`` layer, in the base year.

    See :func:`geo.analysis.check.check_region`; empty when the region has no reference.
    """
    from geo.analysis.check import check_region

    result = gap_result(_region, region_key, _region.base_year, norms_key, "basis",
                        distance, profile)
    return check_region(_region, result)


@st.cache_resource(max_entries=32, show_spinner="Bereik over het netwerk berekenen…")
def service_areas(
    _region: Region,
    region_key: str,  # noqa: ARG001 - part of the cache key, identifies _region
    profile: str,
    facility_xy: tuple[tuple[float, float], ...],
    metres: float,
    tolerance_m: float = 10.0,
) -> str:
    """GeoJSON (WGS84) of the area from which the facilities are reached within ``metres``.

    The union of :func:`geo.analysis.network.network_service_area` of the facilities over
    the region's street network, simplified by ``tolerance_m`` metres for display (a map
    payload of kilobytes, not the street geometry). Empty collection without facilities.
    """
    import geopandas as gpd
    import numpy as np

    from geo import vocabulary
    from geo.analysis.network import network_service_area

    if not facility_xy or _region.network is None:
        return '{"type": "FeatureCollection", "features": []}'
    area = network_service_area(_region.network, profile, np.asarray(facility_xy), metres)
    frame = gpd.GeoDataFrame(geometry=[area.simplify(tolerance_m)], crs=vocabulary.METRIC_CRS)
    return frame.to_crs(vocabulary.DISPLAY_CRS).to_json(drop_id=True)
