"""AppTest: the Scenario's page — effect, import, save and persistence across restarts."""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

from geo.io.scenario_store import ScenarioStore

APP = Path(__file__).resolve().parents[1] / "app.py"
SMILDE_TOML = """name = "60 nultredenwoningen Smilde 2028"
year = 2030
prognosis = "basis"
[[projects]]
name = "Nieuwbouw Smilde"
x = 226579.0
y = 552027.0
ready = 2028
units = { step_free = 60 }
"""


@pytest.fixture(autouse=True)
def _env(tmp_path, monkeypatch):
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path))
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        yield


def _open() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception, at.exception
    return at


def test_import_shows_effect_and_saves(tmp_path):
    at = _open()
    at.file_uploader[0].upload("smilde.toml", SMILDE_TOML.encode(), "application/toml").run()
    assert not at.exception, at.exception
    assert any("geïmporteerd" in s.value for s in at.success)
    # kerngebieden in order Beilen, Smilde, Westerbork; 4 products each; step-free first
    smilde_step_free = at.metric[4]
    assert smilde_step_free.label == "Tekort nultredenwoningen"
    assert smilde_step_free.delta == "-60"
    assert not at.metric[0].delta  # Beilen unchanged
    next(b for b in at.button if b.label == "Bewaren").click().run()
    assert not at.exception, at.exception
    stored = ScenarioStore(tmp_path / "scenarios.sqlite3").list()
    assert [s.name for s in stored] == ["60 nultredenwoningen Smilde 2028"]
    # a new session (as after a restart) finds it and opens it
    again = _open()
    box = again.selectbox[0]
    assert "60 nultredenwoningen Smilde 2028" in box.options
    box.set_value("60 nultredenwoningen Smilde 2028").run()
    assert not again.exception
    assert again.metric[4].delta == "-60"


def test_invalid_scenario_gets_clear_message():
    at = _open()
    bad = SMILDE_TOML.replace("step_free", "castles")
    at.file_uploader[0].upload("bad.toml", bad.encode(), "application/toml").run()
    assert not at.exception
    assert any("geen geldig scenario" in e.value and "castles" in e.value for e in at.error)
