"""Smoke test: the app starts, renders the demo notice and stays offline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conftest import assert_no_exception, screenshot, wait_for_app

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_home_renders_offline(page: Page) -> None:
    page.goto(page.base_url)
    wait_for_app(page)
    assert_no_exception(page)
    text = page.locator("[data-testid='stApp']").inner_text()
    assert "gegenereerd (demo)" in text.lower(), "the notice on generated data is missing"
    screenshot(page, "home")
    assert page.page_errors == []
    assert page.external_requests == []
