"""Region package: loading, validation and clear errors for bad input."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from regionkit import tiny_region

from geo import vocabulary
from geo.datasets import load_demo_region
from geo.errors import RegionError
from geo.io.region_package import load_region, write_region
from geo.model.region import REQUIRED_LAYERS, Region, validate_region


@pytest.fixture()
def region_file(tmp_path):
    return write_region(tiny_region(), tmp_path / "tiny.gpkg")


def _replace(region: Region, **layers) -> Region:
    return Region(
        areas=layers.get("areas", region.areas),
        population=layers.get("population", region.population),
        homes=layers.get("homes", region.homes),
        facilities=layers.get("facilities", region.facilities),
        metadata=layers.get("metadata", region.metadata),
        villages=layers.get("villages", region.villages),
    )


def test_round_trip(region_file):
    region = load_region(region_file)
    original = tiny_region()
    assert list(region.areas["buurt_code"]) == list(original.areas["buurt_code"])
    assert region.population[vocabulary.band_columns()].to_numpy().sum() == 2000
    assert region.homes["step_free"].dtype == bool
    assert region.facilities["capacity"].isna().sum() == 2
    assert region.base_year == 2024
    assert not region.is_demo
    assert region.areas.crs.equals(vocabulary.METRIC_CRS)


def test_default_region_loads_and_is_demo():
    region = load_demo_region()
    assert region.is_demo
    assert "gegenereerd" in region.metadata["notice"]
    assert region.kerngebieden == ["Beilen", "Smilde", "Westerbork"]


def test_homes_get_buurt_by_location():
    region = tiny_region()
    homes = region.homes.drop(columns=["buurt_code"])
    fixed = validate_region(_replace(region, homes=homes))
    assert list(fixed.homes["buurt_code"]) == list(region.homes["buurt_code"])


def test_missing_file_and_not_a_geopackage(tmp_path):
    with pytest.raises(RegionError, match="bestaat niet"):
        load_region(tmp_path / "nope.gpkg")
    bad = tmp_path / "bad.gpkg"
    bad.write_text("this is not a geopackage")
    with pytest.raises(RegionError, match="geen GeoPackage"):
        load_region(bad)


@pytest.mark.parametrize("layer", REQUIRED_LAYERS)
def test_missing_layer_is_named(tmp_path, layer):
    region = tiny_region()
    path = tmp_path / "partial.gpkg"
    frames = {
        "areas": region.areas, "population": region.population, "homes": region.homes,
        "facilities": region.facilities,
        "metadata": pd.DataFrame({"key": list(region.metadata),
                                  "value": list(region.metadata.values())}),
    }
    for name, frame in frames.items():
        if name != layer:
            pyogrio.write_dataframe(frame, path, layer=name)
    with pytest.raises(RegionError, match=f"laag '{layer}'.*ontbreekt"):
        load_region(path)


def test_missing_column_is_named():
    region = tiny_region()
    with pytest.raises(RegionError, match="laag 'homes'.*floor_area"):
        validate_region(_replace(region, homes=region.homes.drop(columns=["floor_area"])))


def test_wrong_crs_names_layer_and_fix():
    region = tiny_region()
    with pytest.raises(RegionError, match="laag 'facilities'.*EPSG:4326.*28992"):
        validate_region(_replace(region, facilities=region.facilities.to_crs(4326)))


def test_wgs84_labelled_as_rd():
    region = tiny_region()
    homes = region.homes.to_crs(4326).set_crs(vocabulary.METRIC_CRS, allow_override=True)
    with pytest.raises(RegionError, match="graden \\(WGS84\\)"):
        validate_region(_replace(region, homes=homes))


def test_missing_crs():
    region = tiny_region()
    areas = region.areas.copy()
    areas = areas.set_crs(None, allow_override=True)
    with pytest.raises(RegionError, match="geen coördinatenstelsel"):
        validate_region(_replace(region, areas=areas))


def test_invalid_geometry_reported_with_reason():
    region = tiny_region()
    areas = region.areas.copy()
    bowtie = shapely.Polygon([(200_000, 500_000), (201_000, 501_000), (201_000, 500_000),
                              (200_000, 501_000)])
    areas.loc[1, "geometry"] = bowtie
    with pytest.raises(RegionError, match="BU99990001: Self-intersection"):
        validate_region(_replace(region, areas=areas))


def test_duplicate_codes():
    region = tiny_region()
    areas = region.areas.copy()
    areas.loc[1, "buurt_code"] = "BU99990000"
    with pytest.raises(RegionError, match="niet uniek: BU99990000"):
        validate_region(_replace(region, areas=areas))


def test_negative_counts():
    region = tiny_region()
    pop = region.population.copy()
    pop.loc[0, "pop_85_plus"] = -99997
    with pytest.raises(RegionError, match="pop_85_plus.*negatieve"):
        validate_region(_replace(region, population=pop))


def test_population_for_unknown_or_missing_buurt():
    region = tiny_region()
    pop = region.population.copy()
    pop.loc[0, "buurt_code"] = "BU00000000"
    with pytest.raises(RegionError, match="niet in 'areas'"):
        validate_region(_replace(region, population=pop))
    with pytest.raises(RegionError, match="geen bevolkingscijfers"):
        validate_region(_replace(region, population=region.population.iloc[1:]))


def test_unknown_facility_type():
    region = tiny_region()
    fac = region.facilities.copy()
    fac.loc[0, "facility_type"] = "casino"
    with pytest.raises(RegionError, match="casino"):
        validate_region(_replace(region, facilities=fac))


def test_wrong_geometry_type():
    region = tiny_region()
    homes = region.homes.copy()
    homes["geometry"] = homes.buffer(5)
    homes = gpd.GeoDataFrame(homes, geometry="geometry", crs=vocabulary.METRIC_CRS)
    with pytest.raises(RegionError, match="verwacht Point"):
        validate_region(_replace(region, homes=homes))


def test_validate_does_not_mutate_input():
    region = tiny_region()
    homes = region.homes.drop(columns=["buurt_code"])
    before = homes.copy()
    validate_region(_replace(region, homes=homes))
    pd.testing.assert_frame_equal(pd.DataFrame(homes), pd.DataFrame(before))


def test_write_region_is_atomic_on_failure(tmp_path, region_file, monkeypatch):
    before = region_file.read_bytes()
    real_write = pyogrio.write_dataframe
    calls = []

    def failing_write(frame, path, **kwargs):
        calls.append(kwargs["layer"])
        if kwargs["layer"] == "homes":
            raise OSError("disk full")
        return real_write(frame, path, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", failing_write)
    with pytest.raises(OSError, match="disk full"):
        write_region(tiny_region(), region_file)
    assert "homes" in calls
    assert region_file.read_bytes() == before
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".tmp-")] == []
