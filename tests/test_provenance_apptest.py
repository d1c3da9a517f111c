"""AppTest (issue 12): the pages say what is real, estimated or generated, and explain a surplus.

The active region is the tiny region with a data status per layer (``regionkit.DATA_STATUS``:
boundaries real, population mixed, homes generated) and 300 extra step-free flats, so Noord
and the municipality have a surplus of step-free homes. The map component is stubbed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import regionkit
from streamlit.testing.v1 import AppTest

from geo.io.saved_regions import save_region, set_active_region
from geo.reporting.lights import surplus_caveat

APP = Path(__file__).resolve().parents[1] / "app.py"
HOMES_TITLE = "Woningen gegenereerd (demo) — uitkomsten niet gebruiken voor besluiten"
SUMMARY = "Buurtgrenzen: echt · Bevolking: gemengd · Woningen: gegenereerd (demo)"
CAVEAT = surplus_caveat(["step_free"])


def _activate(metadata: dict[str, str], extra_step_free: int = 0) -> None:
    region = regionkit.tiny_region(metadata, extra_step_free=extra_step_free)
    set_active_region(save_region(region))


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> Iterator[mock.MagicMock]:
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    with mock.patch("streamlit_folium.st_folium", return_value={}) as stub:
        yield stub


def _open(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html")]


def test_every_page_notice_names_generated_layers():
    _activate(regionkit.DATA_STATUS)
    for page in ("kaart", "tekorten", "buurtprofiel", "methode"):
        at = _open(page)
        warnings = [w.value for w in at.warning]
        assert any(HOMES_TITLE in w and SUMMARY in w for w in warnings), (page, warnings)
        assert not any("Demodata" in w for w in warnings), page


def test_methode_table_per_layer():
    _activate(regionkit.DATA_STATUS)
    at = _open("methode")
    tables = [t.value for t in at.table if "Status" in t.value.columns]
    assert len(tables) == 1
    table = tables[0]
    table.index = table.index.str.replace(r" \(laag \w+\)$", "", regex=True)  # label (laag x)
    assert table.loc["Buurten (grenzen, wijk, kerngebied)", "Status"] == "echt"
    assert table.loc["Bevolking per buurt en leeftijdsklasse (basisjaar)", "Status"] == "gemengd"
    homes = table.loc["Woningen (adrespunten met kenmerken)"]
    assert homes["Status"] == "gegenereerd (demo)"
    assert homes["Toelichting"].startswith("Eén punt per woning")
    reference = table.loc["Gepubliceerde cijfers (controle)"]
    assert reference["Status"] == "echt" and reference["Bron"].startswith("CBS Kerncijfers")
    assert {m.label: m.value for m in at.metric}["Soort data"] == "Deels gegenereerd"
    assert not any("Demodata" in e.value for e in at.error)


def test_real_data_is_an_info_not_a_warning():
    _activate({"data_status_areas": "real", "data_status_population": "mixed",
               "data_status_homes": "mixed", "data_status_facilities": "real"})
    at = _open("kaart")
    assert not at.warning
    assert any("Echte data, deels geschat" in i.value for i in at.info)
    assert not any("demo" in i.value.lower() for i in at.info)


def test_region_without_keys_as_before():
    _activate({"demo": "true", "notice": "Alles is gegenereerd."})
    at = _open("methode")
    assert [w.value for w in at.warning] == ["**Testregio** — Alles is gegenereerd."]
    assert any(e.value.startswith("**Demodata — niet gebruiken") for e in at.error)
    assert {m.label: m.value for m in at.metric}["Soort data"] == "Demodata"
    assert not [t for t in at.table if "Status" in t.value.columns]


# --- surplus --------------------------------------------------------------------------------


def test_kaart_legend_explains_surplus():
    _activate(regionkit.DATA_STATUS, extra_step_free=300)
    at = _open("kaart")
    assert at.selectbox(key="map_theme").value == "shortage_step_free"
    legends = [h for h in _html(at) if "Tekort nultredenwoningen" in h]
    assert len(legends) == 1 and CAVEAT in legends[0]


def test_tekorten_explains_surplus():
    _activate(regionkit.DATA_STATUS, extra_step_free=300)
    at = _open("tekorten")
    infos = [i.value.replace("\\", "") for i in at.info]  # Markdown escapes removed
    line = [i for i in infos if i.startswith("Overschot* in de gemeente")]
    assert len(line) == 1 and CAVEAT in line[0]
    assert "nultredenwoningen 143" in line[0]


def test_tekorten_without_surplus_has_no_caveat():
    _activate(regionkit.DATA_STATUS)
    at = _open("tekorten")
    assert not any("Overschot" in i.value for i in at.info)


def test_presentatie_surplus_light_with_caveat():
    _activate(regionkit.DATA_STATUS, extra_step_free=300)
    at = _open("presentatie")
    lights = [h for h in _html(at) if 'class="wza-light' in h]
    assert lights[0] == ('<div class="wza-light wza-surplus"><span class="dot">+</span>'
                         "overschot*</div>")  # step-free homes in Noord: not a bare "goed"
    assert any(CAVEAT in m.value for m in at.markdown)
    captions = [c.value for c in at.caption]
    assert any(HOMES_TITLE in c and SUMMARY in c for c in captions)
