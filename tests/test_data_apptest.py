"""AppTest: the Data laden page — activate a saved region, fetch from (local) PDOK/CBS servers.

Uploads need a browser (tests/browser/test_data.py); fetching goes to a real HTTP server on
127.0.0.1 that serves PDOK, CBS, BAG and Overpass responses (tests/fetchkit.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from fetchkit import EXPECTED_FACILITIES, EXPECTED_HOMES, serve
from regionkit import tiny_region
from streamlit.testing.v1 import AppTest

from geo.io.saved_regions import active_region_path, list_saved_regions, save_region

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        yield


@pytest.fixture()
def server(monkeypatch):
    for srv in serve():
        monkeypatch.setenv("WOONZORGATLAS_PDOK_URL", srv.base())
        monkeypatch.setenv("WOONZORGATLAS_CBS_ODATA_URL", srv.base() + "/odata")
        monkeypatch.setenv("WOONZORGATLAS_BAG_URL", srv.base() + "/bag")
        monkeypatch.setenv("WOONZORGATLAS_OVERPASS_URL", srv.base() + "/overpass")
        yield srv


def _open() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    return at


def test_activate_a_saved_region_and_back_to_the_demo():
    path = save_region(tiny_region())
    at = _open()
    assert at.title[0].value == "Data laden"
    choice = at.selectbox(key="data_region_choice")
    assert "Testregio (GM9999, 2024)" in choice.options
    assert at.query_params["regio"] == "demo"  # the server default, in the URL
    choice.set_value(path.stem).run()
    at.button(key="data_activate").click().run()
    assert not at.exception, at.exception
    # this session (and its URL) shows the region; the server default is untouched
    assert at.session_state["regio"] == path.stem
    assert at.query_params["regio"] == path.stem
    assert active_region_path() is None
    assert any("Testregio" in i.value for i in at.info)
    other = AppTest.from_file(str(APP), default_timeout=90)  # a second user: still the demo
    other.run()
    assert any("gegenereerd" in w.value for w in other.warning)
    at.selectbox(key="data_region_choice").set_value("demo").run()
    at.button(key="data_activate").click().run()
    assert at.session_state["regio"] == "demo"
    assert any("gegenereerd" in w.value for w in at.warning)


def test_fetch_then_save_and_activate(server):
    at = _open()
    at.text_input(key="fetch_code").input("1731")
    at.button(key="fetch_go").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    done = " ".join(s.value for s in at.success)
    assert "Opgehaald voor GM1731 (2024)" in done and "bag (10)" in done and "osm (5)" in done
    assert any("/bag/collections/verblijfsobject/" in r for r in server.requests)
    at.button(key="fetch_build").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    homes = next(m for m in at.metric if m.label == "Woningen")
    assert homes.value == str(len(EXPECTED_HOMES))
    facilities = next(m for m in at.metric if m.label == "Voorzieningen")
    assert facilities.value == str(sum(EXPECTED_FACILITIES.values()))
    heads = [h.value for h in at.subheader]
    assert any(h.startswith("Voorbeeld:") and "GM1731" in h for h in heads), heads
    at.button(key="data_save").click().run()
    assert not at.exception, at.exception
    saved = list_saved_regions()
    assert len(saved) == 1 and at.session_state["regio"] == saved[0].id
    assert active_region_path() is None  # other sessions keep the server default


def test_fetch_offline_leaves_the_demo_active(monkeypatch):
    monkeypatch.setenv("WOONZORGATLAS_PDOK_URL", "http://127.0.0.1:9")  # nothing listens
    at = _open()
    at.text_input(key="fetch_code").input("GM1731")
    at.button(key="fetch_go").click().run()
    assert not at.exception, at.exception
    assert any("Ophalen mislukt" in e.value for e in at.error)
    assert active_region_path() is None
    assert any("gegenereerd" in w.value for w in at.warning)


def test_preview_shows_the_import_report(server):
    at = _open()
    at.text_input(key="fetch_code").input("GM1731")
    at.button(key="fetch_go").click().run()
    assert not at.exception, at.exception
    at.button(key="fetch_build").click().run()
    assert not at.exception, at.exception
    report = [e for e in at.expander if e.label.startswith("Importverslag")]
    assert len(report) == 1, [e.label for e in at.expander]
    shown = " ".join(m.value for m in report[0].markdown)
    assert "**Herkend**" in shown and "CBS-buurten:" in shown and "**Geschat**" in shown


def test_upload_form_offers_regions_of_several_municipalities():
    at = _open()
    preset = at.selectbox(key="up_preset")
    assert ("Zuidoost-Drenthe (woonzorgakkoord): Borger-Odoorn, Coevorden, Emmen"
            in preset.options)  # the options as shown, with their municipalities
    preset.set_value("Zuidoost-Drenthe (woonzorgakkoord)")
    submit = next(b for b in at.button if b.label == "Voorbeeld maken")
    submit.click().run()
    assert not at.exception, at.exception
    assert any("of kies een regio" in e.value for e in at.error)  # no CBS file yet
    at.text_input(key="fetch_code").input("GM12345")
    at.button(key="fetch_go").click().run()
    assert not at.exception, at.exception
    assert any("ongeldig" in e.value for e in at.error)
