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


# --- region ids, the server default and the regions command (issue 13) --------------------


def test_find_a_saved_region_by_id_file_name_or_name():
    from geo.io.saved_regions import find_saved_region

    path = save_region(tiny_region())
    for ref in (path.stem, path.name, path.stem.upper(), "testregio", " Testregio "):
        found = find_saved_region(ref)
        assert found is not None and found.path == path and found.id == path.stem, ref
    for ref in ("", "onbekend", "../" + path.name, "a/b"):
        assert find_saved_region(ref) is None, ref


def test_server_default_config_wins_over_the_marker(monkeypatch):
    from geo.io.saved_regions import default_region_ref, set_default_region

    path = save_region(tiny_region())
    assert default_region_ref() == ""  # the built-in region
    set_default_region("Testregio")
    assert active_region_path() == path and default_region_ref() == path.stem
    monkeypatch.setenv("WOONZORGATLAS_DEFAULT_REGION", "demo")
    assert default_region_ref() == "demo"
    monkeypatch.delenv("WOONZORGATLAS_DEFAULT_REGION")
    set_default_region("demo")
    assert active_region_path() is None and default_region_ref() == ""
    with pytest.raises(RegionError, match="geen opgeslagen regio 'nergens'"):
        set_default_region("nergens")


def test_default_region_setting_is_validated():
    from geo.config import Config
    from geo.errors import ConfigError

    env = {"WOONZORGATLAS_DATA_DIR": "/tmp/x", "WOONZORGATLAS_DEFAULT_REGION": " mijn-regio "}
    assert Config.from_env(env).default_region == "mijn-regio"
    assert Config.from_env({"WOONZORGATLAS_DATA_DIR": "/tmp/x"}).default_region == ""
    with pytest.raises(ConfigError, match="geen regio-id"):
        Config.from_env({**env, "WOONZORGATLAS_DEFAULT_REGION": "../etc/passwd"})


def test_cli_regions_lists_and_sets_the_default(capsys):
    from geo.cli import main

    path = save_region(tiny_region())
    assert main(["regions", "--default", path.stem]) == 0
    out = capsys.readouterr().out
    assert f"* {path.stem}  Testregio (GM9999, 2024)" in out
    assert f"Standaardregio van de server: {path.stem}." in out
    assert main(["regions", "--default", "bestaat-niet"]) == 2
    assert "geen opgeslagen regio 'bestaat-niet'" in capsys.readouterr().err
    assert active_region_path() == path  # unchanged by the failed attempt
