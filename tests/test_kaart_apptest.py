"""AppTest: the Kaart page logic with ``st_folium`` replaced by a stub (no browser)."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest
from streamlit_folium import _get_map_string

from geo.datasets import load_demo_region
from geo.reporting.display import to_display

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture(scope="module")
def region():
    return load_demo_region()


def _run(event: dict | None = None, query: dict[str, str] | None = None):
    stub = mock.MagicMock(return_value=event or {})
    with mock.patch("streamlit_folium.st_folium", stub):
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
    assert not at.exception, at.exception
    return at, stub


def test_map_gets_every_buurt_and_narrow_returns(region):
    at, stub = _run()
    fmap = stub.call_args.args[0]
    assert _get_map_string(fmap).count('"buurt_code"') == len(region.areas)
    assert stub.call_args.kwargs["returned_objects"] == ["last_object_clicked"]
    assert any("gegenereerd" in w.value for w in at.warning)
    assert at.selectbox(key="map_theme").value == "shortage_step_free"


def test_click_selects_buurt_and_shows_key_figures(region):
    code = "BU17310700"  # Bovensmilde-Centrum
    point = to_display(region.areas).set_index("buurt_code").geometry[code]
    inner = point.representative_point()
    at, _ = _run({"last_object_clicked": {"lat": inner.y, "lng": inner.x}})
    assert at.session_state["buurt"] == code
    assert "Bovensmilde-Centrum" in [s.value for s in at.subheader]
    assert any(m.label == "Inwoners 75+" for m in at.metric)


def test_year_change_changes_map():
    stub = mock.MagicMock(return_value={})
    with mock.patch("streamlit_folium.st_folium", stub):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        before = _get_map_string(stub.call_args.args[0])
        at.selectbox(key="map_theme").set_value("pop_85plus").run()
        at.selectbox(key="year").set_value(2040).run()
        after = _get_map_string(stub.call_args.args[0])
    assert not at.exception
    assert "Aantal 85+" in after and before != after


@pytest.mark.parametrize("param", ["kerngebied", "kern"])  # ?kern= is the earlier name
def test_kerngebied_link_filters_map(region, param):
    at, stub = _run(query={param: "Westerbork"})
    assert at.selectbox(key="kerngebied").value == "Westerbork"
    n = int((region.areas["kerngebied"] == "Westerbork").sum())
    assert _get_map_string(stub.call_args.args[0]).count('"buurt_code"') == n
