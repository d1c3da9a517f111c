"""AppTest: a region per session (``?regio=``) and regions of several municipalities.

The two-municipality region is :func:`regionkit.two_gemeente_region_app` (GM9999 Testgemeente
with kerngebieden Noord and Zuid, GM9998 Buurgemeente with Oostdorp and Veld), saved in a
temporary data directory; the map component is stubbed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from regionkit import tiny_region, two_gemeente_region_app
from streamlit.testing.v1 import AppTest

from geo.analysis.gaps import analyse
from geo.formats import fmt_int
from geo.io.saved_regions import active_region_path, save_region, set_active_region
from geo.reporting import levels
from ui.common import REGIO_ALL

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGES = ("kaart", "buurtprofiel", "tekorten", "overzicht", "scenarios", "vergelijken",
         "presentatie", "export", "methode", "data")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WOONZORGATLAS_DEFAULT_REGION", raising=False)
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        yield


@pytest.fixture()
def two() -> str:
    """Id of the saved two-municipality region."""
    return save_region(two_gemeente_region_app()).stem


def _open(page: str | None = None, regio: str | None = None, gemeente: str | None = None,
          state: dict[str, object] | None = None) -> AppTest:
    """Open a page (``?regio=``), pick a municipality in the sidebar, set other state."""
    at = AppTest.from_file(str(APP), default_timeout=90)
    if regio is not None:
        at.query_params["regio"] = regio
    at.run()
    assert not at.exception, at.exception
    if page is not None:
        at.switch_page(f"pages/{page}.py")
        for key, value in (state or {}).items():
            at.session_state[key] = value
        at.run()
        assert not at.exception, at.exception
    if gemeente is not None:
        at.selectbox(key="gemeente").set_value(gemeente).run()
        assert not at.exception, at.exception
    return at


def _region_shown(at: AppTest) -> str:
    return " ".join(m.value for m in at.sidebar.caption if m.value.startswith("Regio:"))


# --- a region per session ------------------------------------------------------------------


def test_the_url_chooses_the_region_and_other_sessions_keep_theirs(two):
    mine = _open(regio=two)
    assert "Testregio Twee" in _region_shown(mine)
    assert mine.session_state["regio"] == two and mine.query_params["regio"] == two
    other = _open()  # a new session without ?regio=: the server default (built-in)
    assert "Midden-Drenthe" in _region_shown(other)
    assert other.query_params["regio"] == "demo"
    mine.switch_page("pages/tekorten.py").run()  # a page change keeps the region
    assert "Testregio Twee" in _region_shown(mine)
    assert mine.query_params["regio"] == two
    assert active_region_path() is None  # nothing server-wide was written


def test_a_region_name_in_the_link_works_and_becomes_the_id(two):
    at = _open(regio="testregio twee")
    assert "Testregio Twee" in _region_shown(at)
    assert at.query_params["regio"] == two


def test_unknown_region_in_the_link_says_so_and_shows_the_default(two):
    at = _open(regio="bestaat-niet")
    assert any("bestaat-niet" in w.value and "bestaat niet" in w.value for w in at.warning)
    assert "Midden-Drenthe" in _region_shown(at)
    assert at.query_params["regio"] == "demo"


def test_server_default_from_config_then_from_the_cli_marker(two, monkeypatch):
    monkeypatch.setenv("WOONZORGATLAS_DEFAULT_REGION", two)
    assert "Testregio Twee" in _region_shown(_open())
    monkeypatch.setenv("WOONZORGATLAS_DEFAULT_REGION", "nergens")
    at = _open()
    assert any("standaardregio" in w.value and "nergens" in w.value for w in at.warning)
    assert "Midden-Drenthe" in _region_shown(at)
    # without the variable, the marker set with `python -m geo regions --default` counts
    monkeypatch.delenv("WOONZORGATLAS_DEFAULT_REGION")
    single = save_region(tiny_region())
    set_active_region(single)
    assert "Testregio" in _region_shown(_open())
    assert "Testregio Twee" in _region_shown(_open(regio=two))  # a link still wins


# --- the municipality choice ---------------------------------------------------------------


def test_municipality_choice_only_for_regions_of_several(two):
    single = save_region(tiny_region()).stem
    at = _open(regio=single)
    assert not [s for s in at.sidebar.selectbox if s.key == "gemeente"]
    at = _open(regio=two)
    gemeente = at.selectbox(key="gemeente")
    assert gemeente.options == ["Hele regio (2 gemeenten)", "Testgemeente", "Buurgemeente"]
    assert at.selectbox(key="kerngebied").options == ["Hele regio", "Noord", "Zuid",
                                                     "Oostdorp", "Veld"]
    at.selectbox(key="kerngebied").set_value("Noord").run()
    gemeente.set_value("GM9998").run()  # the kerngebied list follows; Noord is not in it
    assert at.selectbox(key="kerngebied").options == ["Hele gemeente", "Oostdorp", "Veld"]
    assert at.selectbox(key="kerngebied").value == "Hele gemeente"


@pytest.mark.parametrize("gemeente", [None, "GM9998"])
def test_every_page_works_for_the_region_and_one_municipality(two, gemeente):
    at = _open("overzicht", regio=two, gemeente=gemeente)
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        if page not in ("presentatie", "data"):  # pages without the sidebar choices
            assert "Testregio Twee" in _region_shown(at), page
            assert at.selectbox(key="gemeente").value == (gemeente or REGIO_ALL), page


def test_kerngebieden_page_adds_up_municipalities_to_the_region(two):
    result = analyse(two_gemeente_region_app())
    rows = levels.gemeente_rows(result)
    regio = levels.regio_row(result)
    assert rows["pop_total"].sum() == regio["pop_total"] == result.buurt["pop_total"].sum()
    assert rows.loc["GM9998", "pop_total"] == 1670  # Delta 1060 + Echo 500 + Foxtrot 110
    at = _open("overzicht", regio=two)
    heads = [m.value for m in at.markdown if m.value.startswith("####")]
    assert heads[:3] == ["#### Regio Testregio Twee", "#### Gemeente Testgemeente",
                         "#### Gemeente Buurgemeente"]
    step_free = [m.value for m in at.metric if m.label == "Nultredenwoningen"]
    assert step_free[:3] == [fmt_int(regio["shortage_step_free"]),
                             fmt_int(rows.loc["GM9999", "shortage_step_free"]),
                             fmt_int(rows.loc["GM9998", "shortage_step_free"])]
    at = _open("overzicht", regio=two, gemeente="GM9998")
    heads = [m.value for m in at.markdown if m.value.startswith("####")]
    assert heads == ["#### Regio Testregio Twee", "#### Gemeente Buurgemeente",
                     "#### Oostdorp", "#### Veld"]


def test_buurtprofiel_compares_buurt_kerngebied_municipality_and_region(two):
    at = _open("buurtprofiel", regio=two, state={"buurt": "BU99980000"})
    table = next(d.value for d in at.dataframe if "Kenmerk" in d.value.columns)
    inhabitants = table.set_index("Kenmerk").loc["Inwoners"]
    assert list(inhabitants.index) == ["Delta", "Kerngebied Oostdorp", "Gemeente Buurgemeente",
                                       "Regio Testregio Twee"]
    assert list(inhabitants) == ["1.060", "1.560", "1.670", "3.670"]
    scale = at.radio(key="buurtprofiel_schaal")
    assert scale.options[-1] == "Regio Testregio Twee"
    scale.set_value("gemeente").run()
    assert not at.exception, at.exception
    assert any("gemeente Buurgemeente" in s.value for s in at.subheader)


def test_buurtprofiel_single_municipality_is_unchanged():
    at = _open("buurtprofiel", state={"buurt": "BU17310900"})
    table = next(d.value for d in at.dataframe if "Kenmerk" in d.value.columns)
    assert len(table.columns) == 4 and not any(c.startswith("Regio") for c in table.columns)
    assert len(at.radio(key="buurtprofiel_schaal").options) == 3


def test_tekorten_follows_the_municipality_and_links_keep_the_region(two):
    at = _open("tekorten", regio=two, gemeente="GM9998")
    table = at.dataframe[0].value
    assert set(table["kerngebied"]) <= {"Oostdorp", "Veld"} and len(table)
    assert set(table["gemeente"]) == {"Buurgemeente"}
    assert all(link.startswith(f"./?regio={two}&") for link in table["kaart"])


def test_presentation_has_a_screen_for_the_region_and_each_municipality(two):
    at = _open("presentatie", regio=two)
    titles = []
    for _ in range(7):
        titles.append(next(m.value for m in at.markdown if m.value.startswith("## ")))
        if at.button(key="present_next").disabled:
            break
        at.button(key="present_next").click().run()
    assert titles == ["## Regio Testregio Twee (1/7)", "## Gemeente Testgemeente (2/7)",
                      "## Noord (Testgemeente) (3/7)", "## Zuid (Testgemeente) (4/7)",
                      "## Gemeente Buurgemeente (5/7)", "## Oostdorp (Buurgemeente) (6/7)",
                      "## Veld (Buurgemeente) (7/7)"]
    one = _open("presentatie", regio=two, gemeente="GM9998")
    assert any(m.value == "## Gemeente Buurgemeente (1/3)" for m in one.markdown)


def test_export_filters_on_the_municipality(two):
    at = _open("export", regio=two, gemeente="GM9998")
    rows = next(m for m in at.metric if m.label == "Rijen")
    assert rows.value == "3"  # the three buurten of Buurgemeente
    assert any("gemeente Buurgemeente" in c.value for c in at.caption)


# --- the second built-in region ------------------------------------------------------------


def test_builtin_zuidoost_drenthe_by_url_alias_and_data_page():
    at = _open(regio="boce")  # an alias is rewritten to the id
    assert "Zuidoost-Drenthe" in _region_shown(at)
    assert at.query_params["regio"] == "zuidoost-drenthe"
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    choice = at.selectbox(key="data_region_choice")
    assert choice.value == "zuidoost-drenthe"
    assert {"demo", "zuidoost-drenthe"} <= set(choice.options) or \
        any("Zuidoost-Drenthe" in o for o in choice.options)
    other = _open()  # another session stays in the server default
    assert "Midden-Drenthe" in _region_shown(other)
    assert active_region_path() is None
