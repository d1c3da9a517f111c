"""Exports in a real browser: download files and check them against the analysis."""

from __future__ import annotations

import subprocess
import zipfile
from typing import TYPE_CHECKING

import numpy as np
import pyogrio

from geo.analysis.gaps import analyse
from geo.datasets import load_demo_region

from .conftest import assert_no_exception, screenshot, wait_for_app

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_export_page_downloads_geopackage_and_shapefile(page: Page, tmp_path) -> None:
    page.goto(f"{page.base_url}/export")
    wait_for_app(page)
    assert_no_exception(page)
    expected = analyse(load_demo_region()).buurt.set_index("buurt_code")

    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="Download woonzorgatlas_gaps_buurt_2024.gpkg").click()
    gpkg = tmp_path / info.value.suggested_filename
    info.value.save_as(gpkg)
    got = pyogrio.read_dataframe(gpkg, layer="gaps_buurt").set_index("buurt_code")
    assert len(got) == 48
    np.testing.assert_allclose(got.loc[expected.index, "shortage_step_free"],
                               expected["shortage_step_free"], rtol=1e-9)
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert {"layer_styles", "provenance", "field_dictionary"} <= layers

    page.get_by_text("Shapefile (zip)").click()
    wait_for_app(page)
    button = page.get_by_role("button", name="Download woonzorgatlas_gaps_buurt_2024.zip")
    button.wait_for(timeout=30_000)
    screenshot(page, "export")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    shp = tmp_path / info.value.suggested_filename
    info.value.save_as(shp)
    with zipfile.ZipFile(shp) as zf:
        assert {"gaps_buurt.shp", "gaps_buurt.prj", "gaps_buurt.cpg", "gaps_buurt.qml",
                "velden.csv", "LEESMIJ.txt"} <= set(zf.namelist())
    got = pyogrio.read_dataframe(f"/vsizip/{shp}/gaps_buurt.shp").set_index("bu_code")
    np.testing.assert_allclose(got.loc[expected.index, "tk_ntr"],
                               expected["shortage_step_free"], rtol=1e-9)
    done = subprocess.run(["ogrinfo", "-ro", "-so", f"/vsizip/{shp}", "gaps_buurt"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Feature Count: 48" in done.stdout
    assert_no_exception(page)
    assert page.external_requests == []


def test_map_export_button_downloads_what_is_on_screen(page: Page, tmp_path) -> None:
    page.goto(f"{page.base_url}/?kern=Smilde")
    wait_for_app(page)
    assert_no_exception(page)
    page.get_by_role("button", name="Exporteren").click()
    download = page.get_by_role("button", name="Download", exact=True)
    download.wait_for(timeout=30_000)
    screenshot(page, "kaart-export")
    with page.expect_download(timeout=60_000) as info:
        download.click()
    assert info.value.suggested_filename == "woonzorgatlas_gaps_buurt_2024_smilde.gpkg"
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    got = pyogrio.read_dataframe(path, layer="gaps_buurt")
    expected = analyse(load_demo_region()).buurt
    assert sorted(got["buurt_code"]) == sorted(
        expected.loc[expected["kerngebied"] == "Smilde", "buurt_code"])
    assert page.external_requests == []
