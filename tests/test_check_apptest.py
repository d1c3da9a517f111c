"""AppTest: the "Controle" section of Data & methode, with and without reference figures."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from checkkit import check_region_fixture
from streamlit.testing.v1 import AppTest

from geo.io.saved_regions import save_region, set_active_region
from geo.reporting.check_report import NO_REFERENCE

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        yield


def _methode() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page("pages/methode.py").run()
    assert not at.exception, at.exception
    return at


def test_controle_section_with_reference():
    set_active_region(save_region(check_region_fixture()))
    at = _methode()
    assert "Controle: het model naast de CBS-cijfers" in [h.value for h in at.header]
    targets = [d.value for d in at.dataframe if "Doel" in d.value.columns]
    assert len(targets) == 1
    verdicts = dict(zip(targets[0]["Doel"], targets[0]["Oordeel"], strict=True))
    assert verdicts["inwoners per buurt"] == "wijkt af"
    assert verdicts["65-plussers per buurt"] == "gelijk"
    assert verdicts["woningen per wijk"] == "wijkt af"
    gemeente = [d.value for d in at.dataframe
                if "Kenmerk" in d.value.columns and "GM9999" in set(d.value["Code"])][0]
    row = gemeente.set_index("Kenmerk").loc["afstand tot huisartspraktijk"]
    assert (row["Model"], row["CBS"], row["Oordeel"]) == ("0,6 km", "0,8 km", "binnen marge")
    assert "rechte lijn" in "\n".join(m.value for m in at.markdown)


def test_controle_section_without_reference():
    set_active_region(save_region(dataclasses.replace(check_region_fixture(), reference=None)))
    at = _methode()
    assert NO_REFERENCE in [i.value for i in at.info]


def test_controle_section_on_the_default_region():
    """The embedded default carries the CBS 2024 figures: every per-buurt target is met."""
    at = _methode()
    targets = [d.value for d in at.dataframe if "Doel" in d.value.columns]
    assert len(targets) == 1
    verdicts = dict(zip(targets[0]["Doel"], targets[0]["Oordeel"], strict=True))
    assert verdicts["inwoners per buurt"] == "gelijk"
    assert verdicts["65-plussers per buurt"] == "gelijk"
