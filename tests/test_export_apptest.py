"""AppTest: the Export page and the export button next to the map (demo region).

Downloads are generated on click (a callable), which AppTest cannot press; the browser test
downloads real files. Here: choices, counts, file names and error messages.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

from geo.analysis.gaps import analyse
from geo.datasets import load_demo_region

APP = Path(__file__).resolve().parents[1] / "app.py"
SMILDE = "example:Voorbeeld: 60 nultredenwoningen Smilde 2028"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> Iterator[mock.MagicMock]:
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    with mock.patch("streamlit_folium.st_folium", return_value={}) as stub:
        yield stub


def _open(page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _download(at: AppTest):
    buttons = at.get("download_button")
    assert len(buttons) == 1
    return buttons[0]


def test_export_page_defaults_to_buurt_geopackage():
    at = _open("export")
    assert at.title[0].value == "Export"
    assert at.selectbox(key="exp_layer").value == "gaps_buurt"
    assert at.radio(key="exp_format").value == "gpkg"
    assert _metric(at, "Rijen") == "48"
    assert "woonzorgatlas_gaps_buurt_2024.gpkg" in _download(at).proto.label
    assert any("Woningen: gegenereerd (demo)" in c.value for c in at.caption)


def test_owner_core_area_and_year_filter_the_homes():
    at = _open("export")
    at.selectbox(key="year").set_value(2030).run()
    at.selectbox(key="kerngebied").set_value("Smilde").run()
    at.selectbox(key="exp_layer").set_value("homes").run()
    at.selectbox(key="exp_owner").set_value("Actium").run()
    at.radio(key="exp_format").set_value("shp").run()
    assert not at.exception, at.exception
    result = analyse(load_demo_region(), year=2030)
    kerngebied_of = result.buurt.set_index("buurt_code")["kerngebied"]
    homes = result.homes
    expected = ((homes["owner"] == "Actium")
                & (homes["buurt_code"].map(kerngebied_of) == "Smilde")).sum()
    assert _metric(at, "Rijen") == f"{expected:,}".replace(",", ".")
    assert _download(at).proto.label.endswith("woonzorgatlas_homes_2030_smilde_actium.zip")
    preview = at.dataframe[0].value
    assert "eigenaar" in preview.columns  # Shapefile short names in the preview


def test_scenario_export_and_empty_selection_message():
    at = _open("export")
    at.selectbox(key="exp_scenario").set_value(SMILDE).run()
    assert _metric(at, "Jaar") == "2030"
    assert "60-nultredenwoningen-smilde-2028" in _download(at).proto.label
    # a core area without homes of this owner: clear message, no button
    at = _open("export")
    at.selectbox(key="exp_layer").set_value("homes").run()
    owners = at.selectbox(key="exp_owner").options
    result = analyse(load_demo_region())
    kerngebied_of = result.buurt.set_index("buurt_code")["kerngebied"]
    by_owner = result.homes.assign(k=result.homes["buurt_code"].map(kerngebied_of)).groupby(
        "owner")["k"].unique()
    owner, kerngebied = next((o, k) for o in by_owner.index if o in owners
                             for k in ("Beilen", "Smilde", "Westerbork")
                             if k not in set(by_owner[o]))
    at.selectbox(key="kerngebied").set_value(kerngebied).run()
    at.selectbox(key="exp_owner").set_value(owner).run()
    assert not at.exception, at.exception
    assert any("selectie is leeg" in e.value for e in at.error)
    assert not at.get("download_button")


def test_map_has_an_export_button_for_what_is_shown():
    at = _open("kaart")
    at.selectbox(key="kerngebied").set_value("Westerbork").run()
    at.radio(key="map_level").set_value("grid").run()
    assert not at.exception, at.exception
    assert at.radio(key="map_export_layer").value == "gaps_grid"
    button = next(b for b in at.get("download_button") if "Download" in b.proto.label)
    assert button.proto.label == "Download"
    result = analyse(load_demo_region())
    n = (result.grid["kerngebied"] == "Westerbork").sum()
    assert any(f"{n} rijen" in c.value or f"{n:,}".replace(",", ".") + " rijen" in c.value
               for c in at.caption)
