"""Loading real data in a real browser: upload, preview, activate, bad input, back to demo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cbskit import X0, Y0, cbs_gpkg_bytes
from playwright.sync_api import expect

from .conftest import SERVER_DATA_DIR, assert_no_exception, screenshot, wait_for_app

if TYPE_CHECKING:
    from playwright.sync_api import Page

FACILITIES = (f"naam;type;x;y;capaciteit\nHuisarts Dorp;huisarts;{X0 + 500};{Y0 + 500};2000\n"
              f"Zorgcentrum Dorp;nursing_somatic;{X0 + 600};{Y0 + 400};40\n").encode()


def _upload(page: Page, label: str, files) -> None:
    page.get_by_text(label, exact=False).first.scroll_into_view_if_needed()
    zone = page.locator('[data-testid="stFileUploader"]').filter(has_text=label)
    zone.locator('input[type="file"]').set_input_files(files)


def test_upload_preview_activate_and_back_to_demo(page: Page, tmp_path) -> None:
    try:
        _flow(page, tmp_path)
    finally:  # whatever happened, later tests see the demo again
        (SERVER_DATA_DIR["path"] / "active_region.txt").unlink(missing_ok=True)


def _flow(page: Page, tmp_path) -> None:
    cbs = tmp_path / "wijkenbuurten_2022_v3.gpkg"
    cbs.write_bytes(cbs_gpkg_bytes())
    fac = tmp_path / "voorzieningen.csv"
    fac.write_bytes(FACILITIES)
    bad = tmp_path / "notities.zip"
    bad.write_bytes(b"PK\x03\x04 dit is geen zip")

    page.goto(f"{page.base_url}/data")
    wait_for_app(page)
    assert_no_exception(page)

    # bad input first: a clear message, nothing changes
    _upload(page, "CBS-buurten", str(bad))
    page.get_by_role("textbox", name="Gemeente(n) (code of naam)").fill("GM9991")
    page.get_by_role("button", name="Voorbeeld maken").click()
    page.get_by_text("kunnen niet worden geladen").wait_for(timeout=30_000)
    assert page.get_by_text("Regio: **Midden-Drenthe").count() == 0  # markdown rendered
    assert page.get_by_text("Midden-Drenthe (CBS 2024, woningen gegenereerd)").count() >= 1

    _upload(page, "CBS-buurten", str(cbs))
    _upload(page, "Voorzieningen", str(fac))
    page.get_by_role("button", name="Voorbeeld maken").click()
    page.get_by_text("Voorbeeld: Testdorp").wait_for(timeout=60_000)
    assert_no_exception(page)
    page.get_by_text("zijn schattingen", exact=False).first.wait_for(timeout=30_000)
    page.get_by_text("Ontbreekt of let op").scroll_into_view_if_needed()
    page.wait_for_timeout(1500)  # let the preview map draw
    screenshot(page, "data-voorbeeld")
    page.get_by_role("button", name="Opslaan en activeren").click()
    wait_for_app(page)
    page.get_by_text("Echte data", exact=False).first.wait_for(timeout=30_000)
    expect(page.get_by_text("Voorbeeld: Testdorp")).to_have_count(0, timeout=30_000)

    assert "regio=" in page.url and "regio=demo" not in page.url  # this session's region

    # the app's navigation keeps the session (and so its region)
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Tekorten").click()
    page.wait_for_timeout(500)
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_text("Testdorp", exact=False).first.wait_for(timeout=30_000)
    screenshot(page, "tekorten-testdorp")
    saved_link = page.url  # ?regio=<id>: a reload or a shared link opens the same region
    page.goto(f"{page.base_url}/tekorten")  # a new session without ?regio=: the default
    wait_for_app(page)
    page.get_by_text("Regio: Midden-Drenthe", exact=False).first.wait_for(timeout=30_000)
    page.goto(saved_link)
    wait_for_app(page)
    page.get_by_text("Regio: Testdorp", exact=False).first.wait_for(timeout=30_000)

    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Data laden").click()
    page.wait_for_timeout(500)
    wait_for_app(page)
    page.get_by_role("combobox", name="Regio", exact=True).click()
    page.get_by_role("option", name="Midden-Drenthe", exact=False).first.click()
    page.get_by_role("button", name="Activeren").click()
    wait_for_app(page)
    page.get_by_text("gegenereerd (demo)", exact=False).first.wait_for(timeout=30_000)
    page.goto(f"{page.base_url}/tekorten")
    wait_for_app(page)
    page.get_by_text("Regio: Midden-Drenthe", exact=False).first.wait_for(timeout=30_000)
    assert page.external_requests == []
