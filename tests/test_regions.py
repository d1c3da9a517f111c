"""Saved regions in the data directory and the active-region marker."""

from __future__ import annotations

import dataclasses

import pytest
from regionkit import tiny_region

from geo.errors import RegionError
from geo.io.region_package import load_region
from geo.io.saved_regions import (
    active_region_path,
    delete_saved_region,
    list_saved_regions,
    regions_dir,
    save_region,
    set_active_region,
)


@pytest.fixture(autouse=True)
def _data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))


def test_save_list_activate_delete():
    region = tiny_region()
    region = dataclasses.replace(region, metadata={**region.metadata, "gemeente_code": "GM9999",
                                                   "created": "2026-11-22"})
    path = save_region(region)
    assert path.parent == regions_dir() and path.name.startswith("gm9999-")
    assert load_region(path).name == region.name
    saved = list_saved_regions()
    assert [s.path for s in saved] == [path]
    assert saved[0].label.endswith("(GM9999, " + str(region.base_year) + ")")
    assert active_region_path() is None  # the demo until a region is activated
    set_active_region(path)
    assert active_region_path() == path
    delete_saved_region(path)
    assert active_region_path() is None and list_saved_regions() == []
    set_active_region(None)
    assert active_region_path() is None


def test_bad_paths_are_refused(tmp_path):
    outside = tmp_path / "elders.gpkg"
    outside.write_bytes(b"x")
    with pytest.raises(RegionError, match="geen opgeslagen regio"):
        delete_saved_region(outside)
    with pytest.raises(RegionError, match="geen opgeslagen regio"):
        set_active_region(outside)
    assert outside.exists()
    (regions_dir() / "kapot.gpkg").write_bytes(b"geen geopackage")
    assert list_saved_regions() == []  # unreadable files are skipped
    (regions_dir().parent / "active_region.txt").write_text("../../etc/passwd")
    assert active_region_path() is None
