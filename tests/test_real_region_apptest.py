"""AppTest: every page works on a real-data region (built from CBS/BAG/facility fixtures)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from cbskit import X0, Y0, cbs_gpkg_bytes
from streamlit.testing.v1 import AppTest

from geo.io.build import build_region
from geo.io.saved_regions import save_region, set_active_region
from ui.navigation import PAGES

APP = Path(__file__).resolve().parents[1] / "app.py"
FACILITIES = (f"naam;type;x;y;capaciteit\nHuisarts Dorp;huisarts;{X0 + 500};{Y0 + 500};2000\n"
              f"Zorgcentrum Dorp;nursing_somatic;{X0 + 600};{Y0 + 400};40\n"
              f"Supermarkt;supermarket;{X0 + 1500};{Y0 + 500};\n").encode()


@pytest.fixture(autouse=True)
def _real_region(tmp_path, monkeypatch) -> Iterator[mock.MagicMock]:
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    built = build_region(cbs=(cbs_gpkg_bytes(), "wijkenbuurten_2022_v3.gpkg"),
                         gemeente="GM9991", facilities=[(FACILITIES, "voorzieningen.csv")])
    set_active_region(save_region(built.region))
    with mock.patch("streamlit_folium.st_folium", return_value={}) as stub:
        yield stub


@pytest.mark.parametrize("page", [p[0] for p in PAGES])
def test_page_runs_on_a_real_region(page):
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    notices = [i.value for i in at.info] + [c.value for c in at.caption]
    assert any("Testdorp" in n and "geschat" in n for n in notices), notices
    assert not any("Demodata" in w.value for w in at.warning)
