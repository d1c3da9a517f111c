"""The Kaart page in a real browser: map content, layer/year switches, click to profile."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from geo.datasets import load_demo_region
from geo.reporting.display import to_display
from ui.maps import LIVE_MAP_JS

from .conftest import assert_no_exception, screenshot, wait_for_app

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

DEFAULT_FACILITY_TYPES = ("gp", "pharmacy", "supermarket", "nursing_somatic",
                          "nursing_dementia", "clustered_housing")

_BUURT_STATE = "() => {\n" + LIVE_MAP_JS + """
  const out = [];
  if (!m) return out;
  m.eachLayer(l => {
    if (l.feature && l.feature.properties && l.feature.properties.buurt_code
        && l.feature.properties._fill) {
      out.push([l.feature.properties.buurt_code, l.feature.properties._fill,
                l.feature.properties._tip]);
    }
  });
  return out.sort();
}"""


def _map_frame(page: Page, timeout_s: float = 30.0) -> Frame:
    """The streamlit-folium iframe once Leaflet has drawn the buurt layer."""
    deadline = time.monotonic() + timeout_s
    last = None
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    while time.monotonic() < deadline:
        try:
            frame = iframe.first.element_handle(timeout=1_000).content_frame()
            last = frame.evaluate(_BUURT_STATE) if frame else None
            if last:
                return frame
        except Exception as exc:  # iframe still loading or replaced by a remount
            last = exc
        time.sleep(0.25)
    path = screenshot(page, "failure-no-map")
    pytest.fail("no Leaflet map with buurt shapes appeared in the streamlit-folium iframe "
                f"(screenshot {path}; last probe {last!r})")


def _buurt_state(page: Page) -> list:
    return _map_frame(page).evaluate(_BUURT_STATE)


def _wait_for_change(page: Page, before: list, timeout_s: float = 30.0) -> list:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        wait_for_app(page)
        try:
            state = _buurt_state(page)
        except Exception:
            state = before
        if state != before:
            return state
        time.sleep(0.3)
    pytest.fail("the map did not change")


def _choose(page: Page, label: str, option: str) -> None:
    wait_for_app(page)
    box = page.get_by_role("combobox", name=label, exact=True)
    for _ in range(3):  # a rerun that lands while the list opens closes it again
        box.click()
        choice = page.get_by_role("option", name=option, exact=True)
        try:
            choice.wait_for(timeout=5_000)
        except Exception:
            page.keyboard.press("Escape")
            continue
        choice.click()
        return
    pytest.fail(f"option {option!r} of {label!r} did not appear")


def _open_kaart(page: Page) -> None:
    page.goto(f"{page.base_url}/")  # the Kaart is the default page, served at /
    wait_for_app(page)
    assert_no_exception(page)
    _map_frame(page)


def test_kaart_draws_buurten_and_facilities(page: Page) -> None:
    region = load_demo_region()
    _open_kaart(page)
    state = _buurt_state(page)
    assert len(state) == len(region.areas) == 48
    expected = int(region.facilities["facility_type"].isin(DEFAULT_FACILITY_TYPES).sum())
    frame = _map_frame(page)
    assert frame.locator(".wza-fac").count() == expected
    assert frame.locator(".wza-label").count() == len(region.villages)
    assert "Legenda" in page.locator("[data-testid='stApp']").inner_text()
    screenshot(page, "kaart")
    assert page.page_errors == []
    assert page.external_requests == []


def test_switching_layer_and_year_changes_the_map(page: Page) -> None:
    _open_kaart(page)
    before = _buurt_state(page)
    _choose(page, "Kleur gebieden op", "Aandeel 85+")
    after_theme = _wait_for_change(page, before)
    assert [f for _, f, _ in after_theme] != [f for _, f, _ in before]
    assert all("Aandeel 85+" in tip for _, _, tip in after_theme)
    _choose(page, "Jaar", "2040")
    after_year = _wait_for_change(page, after_theme)
    assert [t for _, _, t in after_year] != [t for _, _, t in after_theme]
    screenshot(page, "kaart-85plus-2040")
    assert_no_exception(page)
    assert page.external_requests == []


def test_clicking_a_buurt_opens_its_profile(page: Page) -> None:
    region = load_demo_region()
    code = "BU17311409"  # Verspreide huizen Zwiggelte: large, 2 km from any marker or label
    name = region.areas.set_index("buurt_code").loc[code, "buurt_name"]
    display = to_display(region.areas)
    point = display.set_index("buurt_code").geometry[code].representative_point()
    _open_kaart(page)
    frame = _map_frame(page)
    xy = frame.evaluate("([lat, lng]) => {" + LIVE_MAP_JS + " const p = "
                        "m.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
                        [point.y, point.x])
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    page.get_by_text(name, exact=True).first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.get_by_role("link", name="Open buurtprofiel").click()
    page.get_by_role("heading", name=f"Buurtprofiel {name}").wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    screenshot(page, "buurtprofiel-na-klik")
    assert page.external_requests == []


def test_kerngebied_link_selects_core_area(page: Page) -> None:
    page.goto(f"{page.base_url}/?kerngebied=Smilde")
    wait_for_app(page)
    assert_no_exception(page)
    assert page.get_by_role("combobox", name="Kerngebied", exact=True).input_value() == "Smilde"
    areas = load_demo_region().areas
    smilde = set(areas.loc[areas["kerngebied"] == "Smilde", "buurt_code"])
    assert {code for code, _, _ in _buurt_state(page)} == smilde


@pytest.mark.parametrize("path", ["", "buurtprofiel", "tekorten", "overzicht", "scenarios",
                                  "vergelijken", "presentatie", "methode"])
def test_every_page_renders(page: Page, path: str) -> None:
    page.goto(f"{page.base_url}/{path}")
    wait_for_app(page)
    assert_no_exception(page)
    assert "gegenereerd (demo)" in page.locator("[data-testid='stApp']").inner_text()
    assert page.get_by_text("Page not found").count() == 0
    screenshot(page, f"page-{path or 'kaart'}")
    assert page.page_errors == []
    assert page.external_requests == []
