"""Scenario pages in a real browser: place and save a project, compare, present."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from geo.datasets import load_demo_region
from ui.maps import LIVE_MAP_JS

from .conftest import assert_no_exception, screenshot, wait_for_app

if TYPE_CHECKING:
    from playwright.sync_api import Page

_COUNT_SHAPES = "() => {" + LIVE_MAP_JS + """
  if (!m) return 0; let n = 0;
  m.eachLayer(l => { if (l.feature && l.feature.properties
                         && l.feature.properties.buurt_code) n++; });
  return n; }"""


def _frames_with_maps(page: Page, expected: int, timeout_s: float = 40.0) -> list:
    deadline = time.monotonic() + timeout_s
    iframes = page.locator('iframe[title="streamlit_folium.st_folium"]')
    while time.monotonic() < deadline:
        ready = []
        for i in range(iframes.count()):
            try:
                frame = iframes.nth(i).element_handle(timeout=1_000).content_frame()
                if frame and frame.evaluate(_COUNT_SHAPES):
                    ready.append(frame)
            except Exception:  # still loading
                pass
        if len(ready) >= expected:
            return ready
        time.sleep(0.3)
    raise AssertionError(f"expected {expected} maps with buurt shapes")


def test_place_project_on_map_and_save(page: Page) -> None:
    page.goto(f"{page.base_url}/scenarios")
    wait_for_app(page)
    assert_no_exception(page)
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    iframe.wait_for(timeout=30_000)
    iframe.scroll_into_view_if_needed()
    frame = iframe.element_handle().content_frame()
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    # Smilde's village point (WGS84) from the facts file
    villages = load_demo_region().villages.to_crs(4326).set_index("name")
    smilde = villages.geometry["Smilde"]
    for _ in range(50):
        try:
            xy = frame.evaluate("([lat, lng]) => {" + LIVE_MAP_JS + " if (!m) return null; "
                                "const p = m.latLngToContainerPoint([lat, lng]); "
                                "return [p.x, p.y]; }", [smilde.y, smilde.x])
        except Exception:
            xy = None
        if xy:
            break
        time.sleep(0.2)
    box = iframe.bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    add = page.get_by_role("button", name="Project hier toevoegen")
    add.wait_for(timeout=30_000)
    add.click()
    wait_for_app(page)
    # the effect for Smilde: 20 more step-free homes (the default) lower the shortage by 20
    page.get_by_text("-20", exact=True).first.wait_for(timeout=30_000)
    page.get_by_role("textbox", name="Naam").fill("Browsertest Smilde")
    page.get_by_role("textbox", name="Naam").press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Bewaren").click()
    page.get_by_text("Bewaard als 'Browsertest Smilde'").wait_for(timeout=30_000)
    assert_no_exception(page)
    screenshot(page, "scenario-bewaard")
    assert page.external_requests == []


def test_compare_shows_two_maps_with_one_scale(page: Page) -> None:
    page.goto(f"{page.base_url}/vergelijken")
    wait_for_app(page)
    assert_no_exception(page)
    frames = _frames_with_maps(page, 2)
    assert all(f.evaluate(_COUNT_SHAPES) == 48 for f in frames)
    assert page.get_by_text("zelfde kleurschaal voor alle kaarten").count() == 1
    assert page.get_by_role("heading", name="Kengetallen per kerngebied").count() == 1
    # the basis follows the first scenario's year (the Smilde example: 2030)
    assert page.locator("p", has_text="Basis (zonder wijzigingen)").filter(
        has_text="2030").count() >= 1
    screenshot(page, "vergelijken")
    assert page.external_requests == []


def test_presentation_steps_through_core_areas(page: Page) -> None:
    page.goto(f"{page.base_url}/presentatie")
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_role("heading", name="Beilen (1/3)").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="◀ Vorige").is_disabled()
    for name in ("Smilde (2/3)", "Westerbork (3/3)"):
        page.get_by_role("button", name="Volgende ▶").click()
        page.get_by_role("heading", name=name).wait_for(timeout=30_000)
        wait_for_app(page)
    assert page.get_by_role("button", name="Volgende ▶").is_disabled()
    assert page.locator("[data-testid='stSidebar']").is_hidden()
    screenshot(page, "presentatie-westerbork")
    assert page.external_requests == []
