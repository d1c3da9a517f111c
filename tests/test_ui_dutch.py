"""Dutch presentation details: page titles match the navigation, chart axes write
thousands with a dot, the map scale bar is metric only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pandas as pd
import pytest
from regionkit import tiny_region
from streamlit.testing.v1 import AppTest

from geo.analysis.gaps import analyse
from ui.charts import DUTCH_INTEGER_LABEL
from ui.maps import MapOptions, build_map, display_layers, project_pick_map
from ui.navigation import PAGES

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture(autouse=True)
def _stub_map() -> Iterator[None]:
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        yield


def _open(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, at.exception
    return at


def test_kerngebieden_page_is_titled_like_its_menu_item():
    label = next(label for path, label, *_ in PAGES if path == "pages/overzicht.py")
    assert _open("overzicht").title[0].value == label == "Kerngebieden"


def _axes(spec: dict) -> list[dict]:
    found = []
    for layer in [spec, *spec.get("layer", [])]:
        for channel in ("x", "y"):
            enc = layer.get("encoding", {}).get(channel, {})
            if enc.get("type") == "quantitative" and enc.get("field") != "year":
                found.append(enc.get("axis", {}))
    return found


def test_buurtprofiel_count_axes_use_dutch_thousands():
    at = _open("buurtprofiel")
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    axes = [axis for spec in specs for axis in _axes(spec)]
    assert len(axes) == 3  # pyramid, trend, demand and supply
    assert all(axis.get("labelExpr") == DUTCH_INTEGER_LABEL for axis in axes)
    assert all(axis.get("format") != "d" for axis in axes)


def test_dutch_integer_label_expression():
    # d3 ',d' groups with commas; every comma (regexp with g) becomes a dot
    assert "format(datum.value, ',d')" in DUTCH_INTEGER_LABEL
    assert "regexp(',', 'g')" in DUTCH_INTEGER_LABEL and DUTCH_INTEGER_LABEL.endswith("'.')")


def test_map_scale_bars_are_metric_only():
    region = tiny_region()
    result = analyse(region)
    layers = display_layers(region, result)
    fmap, _ = build_map(result, layers, MapOptions(theme="pop_75plus"))
    page = fmap.get_root().render()
    assert "L.control.scale({metric: true, imperial: false})" in page
    assert "L.control.scale()" not in page
    projects = pd.DataFrame({"name": ["Nieuw"], "x": [236200.0], "y": [542200.0]})
    pick = project_pick_map(layers, projects).get_root().render()
    assert "imperial: false" in pick and "L.control.scale()" not in pick
