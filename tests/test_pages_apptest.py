"""AppTest: the Buurtprofiel, Tekorten and Data & methode pages on the demo region.

Each test starts the real navigation (app.py, whose default page is the map), then switches
to the page under test. The map component is not under test here, so ``st_folium`` is
replaced by a stub that reports no click.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
SMILDE_CENTRUM = "BU17310600"


@pytest.fixture(autouse=True)
def _stub_map() -> Iterator[None]:
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        yield


def _open(page: str, *, query: dict[str, str] | None = None,
          state: dict[str, object] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(f"pages/{page}.py")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption",
                                  "warning", "error", "info", "success", "code")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def _ranking_table(at: AppTest):
    tables = [d.value for d in at.dataframe if "explanation" in d.value.columns]
    assert len(tables) == 1, "the ranked table is missing"
    return tables[0]


def _metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"metric {label!r} missing; have {[m.label for m in at.metric]}"
    return values[0]


# --- Buurtprofiel ---------------------------------------------------------------------------


def test_buurtprofiel_from_query_param():
    at = _open("buurtprofiel", query={"buurt": SMILDE_CENTRUM})
    assert at.title[0].value == "Buurtprofiel Smilde-Centrum"
    assert at.selectbox(key="buurtprofiel_buurt").value == SMILDE_CENTRUM
    assert at.session_state["buurt"] == SMILDE_CENTRUM
    text = _texts(at)
    assert "kerngebied Smilde" in text
    assert "Data & methode" in text
    assert {"Inwoners 2024", "65-plussers", "75-plussers"} <= {m.label for m in at.metric}
    # the comparison table has the buurt, its kerngebied and the municipality side by side
    comp = [d.value for d in at.dataframe if "Kenmerk" in d.value.columns][0]
    assert list(comp.columns) == ["Kenmerk", "Smilde-Centrum", "Kerngebied Smilde",
                                  "Midden-Drenthe"]
    assert comp["Kenmerk"].str.contains("huisartspraktijk").any()
    links = at.get("page_link")
    kaart = [pl for pl in links if pl.proto.label == "Toon op de kaart"]
    assert kaart and kaart[0].proto.query_string == f"buurt={SMILDE_CENTRUM}"


def test_buurtprofiel_from_session_state():
    at = _open("buurtprofiel", state={"buurt": SMILDE_CENTRUM})
    assert at.title[0].value == "Buurtprofiel Smilde-Centrum"
    assert at.query_params["buurt"] == SMILDE_CENTRUM  # shareable link


def test_buurtprofiel_default_and_change():
    at = _open("buurtprofiel")
    first = at.selectbox(key="buurtprofiel_buurt")
    assert first.value == "BU17310000"  # first buurt of the municipality
    assert at.title[0].value == "Buurtprofiel Beilen"
    first.set_value("BU17310900").run()
    assert not at.exception
    assert at.title[0].value == "Buurtprofiel Westerbork"
    assert at.session_state["buurt"] == "BU17310900"
    assert at.query_params["buurt"] == "BU17310900"


def test_buurtprofiel_lists_the_buurten_of_the_chosen_kerngebied():
    at = _open("buurtprofiel")
    at.selectbox(key="kerngebied").set_value("Westerbork").run()
    assert not at.exception
    options = at.selectbox(key="buurtprofiel_buurt").options
    # the current buurt (Beilen) is kept selectable: all buurten are listed
    assert "Beilen (BU17310000)" in options
    at.selectbox(key="buurtprofiel_buurt").set_value("BU17310900").run()
    options = at.selectbox(key="buurtprofiel_buurt").options
    assert all("Beilen" not in o for o in options)
    assert "Westerbork (BU17310900)" in options


def test_buurtprofiel_bad_code_in_link():
    at = _open("buurtprofiel", query={"buurt": "BU00000000"})
    assert any("BU00000000" in w.value for w in at.warning)
    assert at.title[0].value.startswith("Buurtprofiel ")


def test_buurtprofiel_scale_and_year():
    at = _open("buurtprofiel", query={"buurt": SMILDE_CENTRUM})
    at.radio(key="buurtprofiel_schaal").set_value("gemeente").run()
    assert not at.exception
    assert any("gemeente Midden-Drenthe" in s.value for s in at.subheader)
    at.selectbox(key="year").set_value(2040).run()
    assert not at.exception
    assert "Inwoners 2040" in {m.label for m in at.metric}


# --- Tekorten -------------------------------------------------------------------------------


def test_tekorten_filters():
    at = _open("tekorten")
    full = _ranking_table(at)
    assert len(full) > 50
    assert _metric(at, "Rijen") == str(len(full))
    at.selectbox(key="kerngebied").set_value("Smilde").run()
    assert not at.exception
    smilde = _ranking_table(at)
    assert 0 < len(smilde) < len(full)
    assert set(smilde["kerngebied"]) == {"Smilde"}
    # every row links to its place on the map
    buurt_rows = smilde[smilde["level"] == "buurt"]
    # the link opens a new tab (a new session): it names the region of this session
    assert (buurt_rows["kaart"] == "./?regio=demo&buurt=" + buurt_rows["code"]).all()
    kerngebied_rows = smilde[smilde["level"] == "kerngebied"]
    assert (kerngebied_rows["kaart"] == "./?regio=demo&kerngebied=Smilde").all() \
        and len(kerngebied_rows)
    at.radio(key="tekorten_level").set_value("kerngebied").run()
    assert set(_ranking_table(at)["level"]) == {"kerngebied"}
    at.radio(key="tekorten_level").set_value("alle").run()
    at.multiselect(key="tekorten_topics").set_value(["Loopafstand supermarkt"]).run()
    supermarket = _ranking_table(at)
    assert set(supermarket["topic_label"]) == {"Loopafstand supermarkt"}
    at.text_input(key="tekorten_search").input("bovensmilde").run()
    found = _ranking_table(at)
    assert len(found) >= 1
    assert found["name"].str.contains("Bovensmilde").all()
    at.text_input(key="tekorten_search").input("zzz").run()
    assert not at.exception
    assert any("Geen rijen" in i.value for i in at.info)


def test_tekorten_download_and_numbers():
    at = _open("tekorten")
    buttons = at.get("download_button")
    assert buttons and "CSV" in buttons[0].label
    assert _metric(at, "Tekort nultreden") != ""
    assert "75+ > 500 m supermarkt" in {m.label for m in at.metric}


# --- Data & methode -------------------------------------------------------------------------


def test_methode_shows_data_norms_and_method():
    at = _open("methode")
    text = _texts(at)
    assert "gegenereerd (demo)" in text  # per layer: what is real, estimated, generated
    assert "Deels gegenereerd" in {m.value for m in at.metric}
    assert "Midden-Drenthe (CBS 2024, woningen gegenereerd)" in text
    assert "WOZO-doelen" in text  # source of the default norm set
    assert "Landelijke doelen 2030 naar rato" in text
    assert "--norms" in text and 'preset = "landelijk_2030"' in text
    assert "2SFCA" in text and "Geroscoop" in text
    shown = text + "\n".join(t.value.to_csv() for t in at.table)
    for layer in ("areas", "population", "homes", "facilities"):
        assert f"laag {layer}" in shown
    assert "CBS Wijk- en Buurtkaart" in shown  # the recorded source of the areas layer
    at.selectbox(key="norms").set_value("eigen_beleid").run()
    assert not at.exception
    text = _texts(at)
    assert "Eigen beleid (leeftijdsgedifferentieerd, voorbeeld)" in text
    rates = [d.value for d in at.dataframe if "Product" in d.value.columns][0]
    assert {"65–74", "75–84", "85+"} <= set(rates.columns)
    at.selectbox(key="prognosis").set_value("groei").run()
    assert "Variant groei" in _texts(at)
