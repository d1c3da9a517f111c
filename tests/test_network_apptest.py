"""AppTest: the distance choice in the sidebar and network service areas on the Kaart.

The canal region of :mod:`netkit` (one bridge, an island) is saved with its street network
in a temporary data directory; the map component is stubbed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import shapely
from netkit import HOMES, canal_region
from regionkit import X0, Y0
from streamlit.testing.v1 import AppTest

from geo.analysis.gaps import analyse
from geo.io.saved_regions import save_region

APP = Path(__file__).resolve().parents[1] / "app.py"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("WOONZORGATLAS_DEFAULT_REGION", raising=False)
    with mock.patch("streamlit_folium.st_folium", return_value={}):
        yield


def _open(regio: str, page: str = "kaart", state: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=90)
    at.query_params["regio"] = regio
    at.run()
    assert not at.exception, at.exception
    at.switch_page(f"pages/{page}.py")
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption) + " ".join(c.value for c in at.sidebar.caption)


def test_sidebar_offers_the_network_and_the_kaart_says_which():
    regio = save_region(canal_region()).stem
    at = _open(regio)
    assert at.radio(key="distance").value == "network"
    assert at.selectbox(key="profile").value == "walk75"
    text = _captions(at)
    assert "straatnetwerk" in text and "lopen 75+" in text
    assert "2 woning(en) in 1 buurt(en)" in text  # the island
    at.radio(key="distance").set_value("straight").run()
    assert not at.exception, at.exception
    assert "rechte lijnen" in _captions(at)
    at.radio(key="distance").set_value("network").run()
    at.selectbox(key="profile").set_value("rollator").run()
    assert not at.exception, at.exception
    assert "rollator" in _captions(at)
    # the walking-norm layer over the network draws (service areas instead of circles)
    at.selectbox(key="map_circles").set_value("gp").run()
    assert not at.exception, at.exception


def test_without_a_network_the_sidebar_says_straight_lines():
    regio = save_region(canal_region(network=False)).stem
    at = _open(regio)
    assert not [r for r in at.sidebar.radio if r.key == "distance"]
    assert "rechte lijnen (hemelsbreed) — deze regio heeft geen straatnetwerk" in \
        " ".join(c.value for c in at.sidebar.caption)
    assert "Afstanden zijn rechte lijnen" in _captions(at)


def test_methode_says_the_check_uses_the_car_network():
    regio = save_region(canal_region()).stem
    at = _open(regio, "methode")
    assert "straatnetwerk" in " ".join(m.value for m in at.markdown)


def test_service_area_follows_the_bridge_and_the_map_draws_it():
    from ui.cache import service_areas
    from ui.maps import MapOptions, build_map, display_layers

    region = canal_region()
    gp = ((X0 + 950.0, Y0 + 1000.0),)
    geojson = service_areas.__wrapped__(region, "k", "walk75", gp, 1000.0)
    import geopandas as gpd

    area = gpd.read_file(geojson).to_crs(28992).geometry.union_all()
    inside = {h: area.contains(shapely.Point(X0 + x, Y0 + y)) for h, (_, x, y) in HOMES.items()}
    # West within 1,000 m along its bank; Oost across the canal not (a circle would hold O1)
    assert inside == {"W1": True, "W2": True, "O1": False, "O2": False, "E1": False,
                      "E2": False}
    assert len(geojson) < 20_000  # simplified: a small payload
    result = analyse(region)
    options = MapOptions(theme="shortage_step_free", norm_circles="gp", service_areas=geojson,
                         service_profile="lopen 75+ (0,75 m/s)")
    fmap, legends = build_map(result, display_layers(region, result), options)
    entries = [label for legend in legends for _, label in legend.items]
    assert any("over het netwerk (lopen 75+" in e for e in entries)
    straight, legends = build_map(result, display_layers(region, result),
                                  MapOptions(theme="shortage_step_free", norm_circles="gp"))
    assert any("(rechte lijn)" in label for legend in legends for _, label in legend.items)
