"""Map construction: offline assets, escaping, layer content and click handling."""

from __future__ import annotations

import re

import pytest
from regionkit import tiny_region
from streamlit_folium import _get_map_string

from geo.analysis.gaps import analyse
from geo.model.region import Region
from ui.assets import URL_PREFIX, VENDOR_DIR, configure_folium, ensure_vendored_assets
from ui.maps import MapOptions, build_map, display_layers, locate_click, themes


@pytest.fixture(scope="module")
def setup():
    ensure_vendored_assets()
    region = tiny_region()
    facilities = region.facilities.copy()
    facilities.loc[0, "name"] = '<img src=x onerror="alert(1)">'
    region = Region(region.areas, region.population, region.homes, facilities,
                    region.metadata)
    result = analyse(region)
    return region, result, display_layers(region, result)


def _html(fmap):
    return fmap.get_root().render()


def test_leaflet_is_vendored_and_used(setup):
    _, result, layers = setup
    assert (VENDOR_DIR / "leaflet.js").stat().st_size > 100_000
    assert (VENDOR_DIR / "leaflet.css").exists()
    fmap, _ = build_map(result, layers, MapOptions(theme="pop_75plus",
                                                   facility_types=("supermarket",)))
    page = _html(fmap)
    assert f"{URL_PREFIX}/leaflet.js" in page
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    # folium popups with HTML use jQuery, which is not loaded: none may be emitted
    assert "$(`" not in _get_map_string(fmap)


def test_data_text_is_escaped(setup):
    _, result, layers = setup
    fmap, _ = build_map(result, layers, MapOptions(theme="pop_75plus",
                                                   facility_types=("supermarket",)))
    script = _get_map_string(fmap)
    # folium embeds properties as JSON with "<", ">" and "&" as \u escapes
    decoded = script.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    assert "<img src=x" not in decoded
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in decoded


def test_layers_follow_options(setup):
    _, result, layers = setup
    fmap, legends = build_map(result, layers, MapOptions(
        theme="shortage_step_free", facility_types=("gp", "supermarket"),
        norm_circles="gp", homes="grid"))
    script = _get_map_string(fmap)
    assert script.count('"buurt_code"') == 3  # three buurt features
    assert "L.circle(" in script  # walking-norm circle around the GP
    titles = [legend.title for legend in legends]
    assert titles[0].startswith("Tekort nultredenwoningen")
    assert any(t.startswith("Woningen per 250 m") for t in titles)
    assert "Voorzieningen" in titles
    only_noord, _ = build_map(result, layers, MapOptions(theme="pop_75plus", kerngebied="Noord",
                                                         homes="points"))
    assert _get_map_string(only_noord).count('"buurt_code"') == 2


def test_all_themes_render(setup):
    _, result, layers = setup
    for key in themes(list(result.norms.walking)):
        for level in ("buurt", "grid"):
            fmap, legends = build_map(result, layers, MapOptions(theme=key, level=level,
                                                                 homes="off"))
            assert legends and legends[0].items


def test_locate_click(setup):
    _, _, layers = setup
    buurt = layers["buurt"]
    centre = buurt.geometry.iloc[1].representative_point()
    event = {"last_object_clicked": {"lat": centre.y, "lng": centre.x}}
    assert locate_click(event, buurt) == buurt["buurt_code"].iloc[1]
    assert locate_click({"last_object_clicked": {"lat": 0.0, "lng": 0.0}}, buurt) is None
    assert locate_click(None, buurt) is None
    assert locate_click({"last_object_clicked": None}, buurt) is None


def test_configure_folium_drops_cdns():
    import folium

    configure_folium()
    assert all(url.startswith("/app/static/") for _, url in folium.Map.default_js)
    assert all(url.startswith("/app/static/") for _, url in folium.Map.default_css)


def test_project_pick_map_places_projects_in_wgs84(setup):
    import pandas as pd

    from geo.model.crs import to_wgs84
    from ui.maps import PROJECT_COLOUR, project_pick_map

    _, _, layers = setup
    projects = pd.DataFrame({"name": ["<b>Nieuw</b>", None], "x": [236200.0, None],
                             "y": [542200.0, None]})
    fmap = project_pick_map(layers, projects)
    script = _get_map_string(fmap)
    lon, lat = to_wgs84(236200.0, 542200.0)
    assert f"[{float(lat)}, {float(lon)}]" in script
    assert script.count("circle_marker") >= 1 and PROJECT_COLOUR in script
    assert "<b>Nieuw</b>" not in script.replace("\\u003c", "<").replace("\\u003e", ">")


def test_facility_popup_says_when_a_facility_lies_outside_the_region():
    import pandas as pd

    from ui.maps import _facility_popup

    base = {"name": "Huisarts Assen", "facility_type": "gp", "operator": "", "capacity": None}
    outside = _facility_popup(pd.Series({**base, "outside_region": True}))
    inside = _facility_popup(pd.Series({**base, "outside_region": False}))
    assert "Buiten de regio" in outside and "Buiten de regio" not in inside
