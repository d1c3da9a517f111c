"""AppTest: the Vergelijken and Presentatie pages on the demo region.

The saved scenarios live in a temporary data directory (``WOONZORGATLAS_DATA_DIR``), so the
store starts empty and the pages offer the base and the two built-in examples. The map
component is stubbed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
SMILDE = "example:Voorbeeld: 60 nultredenwoningen Smilde 2028"
AGEING = "example:Voorbeeld: Vergrijzing 2040, huidige voorraad"
CLOSURE = "example:Voorbeeld: Sluiting dagbesteding 't Derkshoes 2027"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> Iterator[mock.MagicMock]:
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    with mock.patch("streamlit_folium.st_folium", return_value={}) as stub:
        yield stub


def _open(page: str, state: dict[str, object] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _comparison(at: AppTest):
    tables = [d.value for d in at.dataframe if "Kengetal" in d.value.columns]
    assert len(tables) == 1, "comparison table missing"
    return tables[0]


# --- Vergelijken ----------------------------------------------------------------------------


def test_compare_defaults_and_empty_store_hint(_isolated):
    at = _open("vergelijken")
    assert at.title[0].value == "Scenario's vergelijken"
    pick = at.multiselect(key="cmp_pick")
    assert pick.value == ["basis", SMILDE]  # store empty: base + first example with changes
    assert any("Scenario's" in i.value for i in at.info)  # how to make one
    calls = [c for c in _isolated.call_args_list if c.kwargs["key"].startswith("cmp-")]
    assert [c.kwargs["key"] for c in calls] == ["cmp-0", "cmp-1"]
    assert all(c.kwargs["returned_objects"] == [] for c in calls)
    csv = at.get("download_button")
    assert csv and "CSV" in csv[0].label


def test_smilde_project_lowers_step_free_shortage_by_60(_isolated):
    # the basis follows the scenario's year (2030): the difference is the project only
    at = _open("vergelijken")
    at.multiselect(key="cmp_pick").set_value(["basis", SMILDE]).run()
    assert not at.exception, at.exception
    table = _comparison(at)
    diff = [c for c in table.columns if c.startswith("Verschil ")]
    assert diff == ["Verschil Voorbeeld: 60 nultredenwoningen Smilde 2028"]
    assert "Basis (zonder wijzigingen) 2030" in table.columns
    step_free = table[table["Kengetal"] == "Tekort nultredenwoningen"].set_index("Gebied")
    assert step_free.loc["Smilde", diff[0]] == "-60"
    assert step_free.loc["Beilen", diff[0]] == "±0"  # issue 10: zero is "±0" (was "0")
    assert step_free.loc["Gemeente", diff[0]] == "-60"
    assert list(step_free.index) == ["Beilen", "Smilde", "Westerbork", "Gemeente"]


def test_basis_can_follow_the_sidebar_instead(_isolated):
    at = _open("vergelijken")
    at.multiselect(key="cmp_pick").set_value(["basis", SMILDE]).run()
    at.toggle(key="cmp_follow").set_value(False).run()
    assert not at.exception, at.exception
    table = _comparison(at)
    assert "Basis (zonder wijzigingen) 2024" in table.columns
    step_free = table[table["Kengetal"] == "Tekort nultredenwoningen"].set_index("Gebied")
    diff = "Verschil Voorbeeld: 60 nultredenwoningen Smilde 2028"
    assert step_free.loc["Beilen", diff] != "0"  # 2024 → 2030 ageing is in the difference
    assert any("verschillende jaren" in c.value for c in at.caption)


def test_scenario_without_changes_explains_the_toggle(_isolated):
    at = _open("vergelijken")
    at.multiselect(key="cmp_pick").set_value(["basis", AGEING]).run()
    assert any("geen bouwprojecten" in c.value for c in at.caption)


def test_maps_show_each_scenarios_own_facilities(_isolated):
    at = _open("vergelijken")
    at.multiselect(key="cmp_pick").set_value(["basis", CLOSURE]).run()
    at.selectbox(key="cmp_theme").set_value("shortage_clustered").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="cmp_fac_shortage_clustered").value == ["clustered_housing"]
    at.multiselect(key="cmp_fac_shortage_clustered").set_value(["day_care"]).run()
    basis_map, scenario_map = (c.args[0] for c in _isolated.call_args_list[-2:])
    # the example closes the day care of 't Derkshoes from 2027 (scenario year 2030)
    name = "t Derkshoes dagbesteding"  # the map escapes the apostrophe
    assert name in basis_map.get_root().render()
    assert name not in scenario_map.get_root().render()
    assert "Het Berkenhofje" in scenario_map.get_root().render()  # the other day care stays


def test_three_maps_share_one_colour_scale(_isolated):
    at = _open("vergelijken")
    at.multiselect(key="cmp_pick").set_value(["basis", AGEING, SMILDE]).run()
    assert not at.exception, at.exception
    calls = _isolated.call_args_list[-3:]
    assert [c.kwargs["key"] for c in calls] == ["cmp-0", "cmp-1", "cmp-2"]
    assert {"Basis (zonder wijzigingen)", "Voorbeeld: Vergrijzing 2040, huidige voorraad",
            "Voorbeeld: 60 nultredenwoningen Smilde 2028"} <= {
                m.value.split(" · ")[0].strip("*") for m in at.markdown}
    # one shared legend (class breaks fixed over all maps)
    legends = [h for h in at.get("html") if "zelfde kleurschaal" in h.proto.body]
    assert len(legends) == 1
    table = _comparison(at)
    assert len([c for c in table.columns if c.startswith("Verschil ")]) == 2


# --- Presentatie --------------------------------------------------------------------------


def _screen(at: AppTest) -> str:
    heads = [m.value for m in at.markdown if m.value.startswith("## ")]
    assert heads, "screen heading missing"
    return heads[0][3:]


def test_presentation_steps_through_kerngebieden_and_stops_at_ends():
    at = _open("presentatie")
    assert at.selectbox(key="present_scenario").value == AGEING
    assert at.title[0].value == "Vergrijzing 2040, huidige voorraad · 2040"
    assert _screen(at) == "Beilen (1/3)"
    assert at.button(key="present_prev").disabled
    labels = {m.label for m in at.metric}
    assert {"Tekort nultredenwoningen", "Tekort geclusterd wonen", "Tekort verpleegzorg PG",
            "75+ nabij huisarts", "75+ nabij supermarkt"} == labels
    assert all(m.proto.delta for m in at.metric)  # reference = Basis by default
    lights = [h for h in at.get("html") if 'class="wza-light ' in h.proto.body]
    assert len(lights) == 5
    seen = [_screen(at)]
    for _ in range(2):
        at.button(key="present_next").click().run()
        assert not at.exception, at.exception
        seen.append(_screen(at))
    assert seen == ["Beilen (1/3)", "Smilde (2/3)", "Westerbork (3/3)"]
    assert at.button(key="present_next").disabled
    at.button(key="present_prev").click().run()
    assert _screen(at) == "Smilde (2/3)"
    assert any("gegenereerd" in c.value for c in at.caption)


def test_presentation_without_reference_and_handout_pdf():
    recorded: list[bytes] = []
    original = st.download_button

    def spy(label, data, *args, **kwargs):
        recorded.append(data)
        return original(label, data, *args, **kwargs)

    with mock.patch("streamlit.download_button", side_effect=spy):
        at = _open("presentatie")
        at.selectbox(key="present_scenario").set_value(SMILDE).run()
        at.selectbox(key="present_ref").set_value("(geen)").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "60 nultredenwoningen Smilde 2028 · 2030"
    assert not any(m.proto.delta for m in at.metric)
    buttons = at.get("download_button")
    assert buttons and buttons[0].label == "Handout (PDF)"
    assert recorded and recorded[-1].startswith(b"%PDF")
