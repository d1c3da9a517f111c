"""Two browser sessions look at different regions at the same time (``?regio=``).

The two-municipality test region (tests/regionkit.py) is written into the app server's data
directory. Session A opens it by link, session B starts in the server default (the built-in
region) and switches on the Data page; neither switch changes what the other sees, and a
reload keeps each session's ``?regio=``. Screenshots of the Kaart, Kerngebieden and
Presentatie of the region are saved in tests/artifacts/screenshots/.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from regionkit import two_gemeente_region_app

from geo.io.region_package import write_region

from .conftest import SERVER_DATA_DIR, assert_no_exception, screenshot, wait_for_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REGION_ID = "testregio-twee"


def _region_caption(page: Page) -> str:
    caption = page.locator("[data-testid='stSidebar']").get_by_text("Regio:", exact=False)
    caption.first.wait_for(timeout=30_000)
    return caption.first.inner_text()


def _choose(page: Page, label: str, option: str) -> None:
    wait_for_app(page)
    box = page.get_by_role("combobox", name=label, exact=True)
    for _ in range(3):  # a rerun that lands while the list opens closes it again
        box.click()
        choice = page.get_by_role("option", name=option, exact=False)
        try:
            choice.first.wait_for(timeout=5_000)
        except Exception:
            page.keyboard.press("Escape")
            continue
        choice.first.click()
        wait_for_app(page)
        return
    pytest.fail(f"option {option!r} of {label!r} did not appear")


def _nav(page: Page, title: str) -> None:
    """Go to another page with the app's navigation (the same session)."""
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=title).click()
    page.wait_for_timeout(500)
    wait_for_app(page)
    assert_no_exception(page)


def _wait_url(page: Page, fragment: str) -> None:
    deadline = time.monotonic() + 20
    while fragment not in page.url and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert fragment in page.url, page.url


@pytest.fixture()
def region_saved(app_server: str):
    path = SERVER_DATA_DIR["path"] / "regions" / f"{REGION_ID}.gpkg"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_region(two_gemeente_region_app(), path)
    yield REGION_ID
    path.unlink(missing_ok=True)


def test_two_sessions_see_different_regions_and_a_reload_keeps_them(
        browser: Browser, page: Page, region_saved: str) -> None:
    a = page
    context_b = browser.new_context(viewport={"width": 1400, "height": 900},
                                    base_url=a.base_url)
    b = context_b.new_page()
    b_errors: list[str] = []
    b.on("pageerror", lambda err: b_errors.append(str(err)))
    try:
        a.goto(f"{a.base_url}/?regio={region_saved}")
        b.goto(f"{a.base_url}/")
        for p in (a, b):
            wait_for_app(p)
            assert_no_exception(p)
        assert "Testregio Twee" in _region_caption(a)
        assert "Midden-Drenthe" in _region_caption(b)
        _wait_url(b, "regio=demo")  # the server default, written into B's address

        # B switches to the saved region on the Data page; A switches to the built-in one
        _nav(b, "Data laden")
        _choose(b, "Regio", "Testregio Twee")
        b.get_by_role("button", name="Activeren").click()
        wait_for_app(b)
        _wait_url(b, f"regio={region_saved}")
        _nav(a, "Data laden")
        _choose(a, "Regio", "Midden-Drenthe")
        a.get_by_role("button", name="Activeren").click()
        wait_for_app(a)
        _wait_url(a, "regio=demo")

        _nav(a, "Kerngebieden")
        _nav(b, "Kerngebieden")
        assert "Midden-Drenthe" in _region_caption(a)
        assert "Testregio Twee" in _region_caption(b)
        b.get_by_text("Regio Testregio Twee").first.wait_for(timeout=30_000)

        for p in (a, b):  # a reload keeps each session's region (it is in the address)
            p.reload()
            wait_for_app(p)
            assert_no_exception(p)
        assert "regio=demo" in a.url and f"regio={region_saved}" in b.url
        assert "Midden-Drenthe" in _region_caption(a)
        assert "Testregio Twee" in _region_caption(b)
        screenshot(b, "regio-kerngebieden")

        # B picks one municipality: the kerngebied list follows, A is not affected
        _nav(b, "Kaart")
        _choose(b, "Gemeente", "Buurgemeente")
        b.get_by_role("combobox", name="Kerngebied", exact=True).click()
        options = [o.inner_text() for o in b.get_by_role("option").all()]
        b.keyboard.press("Escape")
        assert options == ["Hele gemeente", "Oostdorp", "Veld"], options
        b.wait_for_timeout(1500)  # let the map draw
        assert_no_exception(b)
        screenshot(b, "regio-kaart-buurgemeente")
        a.reload()
        wait_for_app(a)
        assert "Midden-Drenthe" in _region_caption(a)
        assert a.get_by_role("combobox", name="Gemeente", exact=True).count() == 0

        _choose(b, "Gemeente", "Hele regio")
        _nav(b, "Presentatie")
        b.get_by_text("Regio Testregio Twee (1/7)").first.wait_for(timeout=30_000)
        screenshot(b, "regio-presentatie")
        assert b_errors == [] and a.page_errors == []
    finally:
        context_b.close()
