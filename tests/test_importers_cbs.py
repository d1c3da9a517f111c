"""geo.io.importers.cbs: CBS Wijk- en Buurtkaart in three spellings, population by age."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from cbskit import (
    ROWS,
    buurten,
    cbs_gpkg_bytes,
    geojson_bytes,
    gpkg_bytes,
    shapefile_zip,
    square,
)

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io.importers.cbs import COUNT_COLUMNS, CbsBuurten, read_cbs_buurten
from geo.io.importers.cbs_population import (
    DEFAULT_65PLUS_SPLIT,
    NATIONAL_AGE_BANDS,
    AgeDistribution,
    NationalAgeBands,
    population_from_cbs,
    read_age_distribution,
)
from geo.model.region import LAYER_COLUMNS, Region, validate_region

DORP = ["BU99910000", "BU99910001", "BU99910009", "BU99910100"]  # without the water buurt


def read(data, name="wijkenbuurten_2023_v1.gpkg", **kwargs) -> CbsBuurten:
    return read_cbs_buurten(data, name, **kwargs)


@pytest.fixture(scope="module")
def gpkg() -> bytes:
    return cbs_gpkg_bytes()


@pytest.fixture(scope="module")
def dorp(gpkg) -> CbsBuurten:
    return read(gpkg, gemeente="GM9991")


def has(result: CbsBuurten, *words: str) -> bool:
    text = " | ".join(result.warnings).lower()
    return all(word.lower() in text for word in words)


# --------------------------------------------------------------------------- areas


def test_gpkg_buurten_layer_chosen_and_schema(dorp):
    areas = dorp.areas
    assert list(areas.columns) == [*LAYER_COLUMNS["areas"], "buurt_type", "geometry"]
    assert areas["buurt_code"].tolist() == DORP
    assert areas.crs.equals(vocabulary.METRIC_CRS)
    assert areas.geometry.is_valid.all()
    assert set(areas.geom_type) <= {"Polygon", "MultiPolygon"}
    assert areas["gemeente_name"].unique().tolist() == ["Testdorp"]
    assert areas["kerngebied"].tolist() == ["Dorp", "Dorp", "Dorp", "Gehucht"]
    assert areas["buurt_type"].tolist() == ["kern", "kern", "verspreide_huizen", "kern"]
    assert dorp.edition == "2023"
    assert "CBS Wijk- en Buurtkaart 2023" in dorp.source


def test_warnings_water_repair_and_missing_inhabitants(dorp):
    assert has(dorp, "1 buurt met water = 'JA' weggelaten", "BU99919997")
    assert has(dorp, "1 ongeldige geometrie hersteld")
    assert has(dorp, "1 buurt zonder inwonersaantal", "geheim", "-99997", "bevolking 0")
    bow_tie = dorp.areas.set_index("buurt_code").geometry["BU99910001"]
    assert bow_tie.area == pytest.approx(500_000.0, rel=1e-6)


def test_counts_are_numbers_with_nan_for_sentinels(dorp, gpkg):
    counts = dorp.counts
    assert list(counts.columns) == ["buurt_code", *COUNT_COLUMNS]
    assert counts["buurt_code"].tolist() == DORP
    numeric = counts[list(COUNT_COLUMNS)]
    assert (numeric.dtypes == "float64").all()
    values = numeric.to_numpy()
    assert not (values[np.isfinite(values)] <= -99990).any()
    row = counts.set_index("buurt_code").loc["BU99910000"]
    assert row["inhabitants"] == 1000 and row["pct_65_plus"] == 30
    assert row["households"] == 450 and row["dwellings"] == 470
    assert row["pct_corporation"] == 30 and row["dist_gp_km"] == pytest.approx(0.8)
    secret = counts.set_index("buurt_code").loc["BU99910100"]
    assert np.isnan(secret["inhabitants"]) and np.isnan(secret["pct_65_plus"])
    assert secret["dwellings"] == 5
    assert counts["men"].isna().all()  # not in the file: NaN, never absent
    other = read(gpkg, gemeente="Anderstad").counts.set_index("buurt_code")
    assert np.isnan(other.loc["BU99920001"]).drop("inhabitants").all()
    assert np.isnan(other.loc["BU99920000", "dwellings"])


def test_three_spellings_give_the_same_result(dorp):
    upper = read_cbs_buurten(shapefile_zip(), "buurt_2021.zip", gemeente="9991")
    camel = read_cbs_buurten(geojson_bytes(), "buurten.geojson", gemeente="testdorp")
    for other in (upper, camel):
        assert other.areas.drop(columns="geometry").equals(dorp.areas.drop(columns="geometry"))
        pd.testing.assert_frame_equal(other.counts, dorp.counts)
        assert other.areas.crs.equals(vocabulary.METRIC_CRS)
        ratio = other.areas.area.to_numpy() / dorp.areas.area.to_numpy()
        assert ratio == pytest.approx(np.ones(len(ratio)), rel=1e-3)
    assert upper.edition == "2021"
    assert camel.edition == ""
    # the GeoJSON went through WGS84 and back: same place within a metre
    shift = camel.areas.geometry.centroid.distance(dorp.areas.geometry.centroid)
    assert shift.max() < 1.0


def test_geojson_dot_is_nan_and_stat_code_fields():
    frame = buurten("camel")
    frame["aantalInwoners"] = frame["aantalInwoners"].astype(object)
    frame.loc[0, "aantalInwoners"] = "."
    result = read_cbs_buurten(geojson_bytes(frame), "pdok.json", gemeente="GM9991")
    assert np.isnan(result.counts["inhabitants"].iloc[0])
    assert has(result, "2 buurten zonder inwonersaantal", "geen waarde")
    # generalised gebiedsindelingen: statcode/statnaam + jrstatcode, no wijk/gemeente names
    gen = gpd.GeoDataFrame(
        {"statcode": ["BU99910000", "BU99910009"], "statnaam": ["Dorp", "Verspreide huizen X"],
         "jrstatcode": ["2022BU99910000", "2022BU99910009"]},
        geometry=[square(0, 0), square(1, 0)], crs="EPSG:28992")
    result = read_cbs_buurten(gpkg_bytes({"cbs_buurt_2022_gegeneraliseerd": gen}), "x.gpkg")
    assert result.areas["wijk_code"].tolist() == ["WK999100", "WK999100"]
    assert result.areas["gemeente_code"].tolist() == ["GM9991", "GM9991"]
    assert result.areas["kerngebied"].tolist() == ["WK999100", "WK999100"]
    assert result.edition == "2022"
    assert has(result, "geen wijknamen", "geen gemeentenaam", "geen inwonersaantallen")


def test_buitengebied_counts_as_verspreide_huizen():
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[1][1] = "Valthe Buitengebied"
    rows[1][-1] = square(0, 1)
    result = read_cbs_buurten(gpkg_bytes({"buurten": buurten(rows=[tuple(r) for r in rows])}))
    assert result.areas["buurt_type"].tolist() == ["kern", "verspreide_huizen"]


def test_empty_geometry_buurt_dropped_with_name():
    frame = buurten()
    frame.loc[frame["buurtcode"] == "BU99910009", "geometry"] = None
    result = read(gpkg_bytes({"buurten": frame}), gemeente="GM9991")
    assert "BU99910009" not in result.areas["buurt_code"].tolist()
    assert has(result, "zonder bruikbare geometrie weggelaten",
               "BU99910009 Verspreide huizen Dorp (geen geometrie (null); 200 inwoners)")
    assert result.dropped["inhabitants"].tolist() == [200.0]


# --------------------------------------------------------------------------- bad input


def test_several_municipalities_need_a_choice(gpkg):
    with pytest.raises(ImportDataError) as info:
        read(gpkg)
    message = str(info.value)
    assert "2 gemeenten" in message and "kies" in message
    assert "GM9991 Testdorp" in message and "GM9992 Anderstad" in message


@pytest.mark.parametrize("choice", ["GM1731", "1731", "Midden-Drenthe"])
def test_unknown_municipality_lists_available(gpkg, choice):
    with pytest.raises(ImportDataError) as info:
        read(gpkg, gemeente=choice)
    message = str(info.value)
    assert f"'{choice}' staat niet in het bestand" in message
    assert "Beschikbaar: GM9991 Testdorp, GM9992 Anderstad" in message


@pytest.mark.parametrize("choice", ["GM9992", "gm9992", "9992", "anderstad", " ANDERSTAD "])
def test_municipality_by_code_or_name(gpkg, choice):
    result = read(gpkg, gemeente=choice)
    assert result.areas["buurt_code"].tolist() == ["BU99920000", "BU99920001"]
    assert has(result, "1 buurt zonder inwonersaantal", "-99995")


def test_duplicate_buurt_codes():
    frame = buurten()
    frame.loc[frame["buurtcode"] == "BU99910001", "buurtcode"] = "BU99910000"
    with pytest.raises(ImportDataError) as info:
        read(gpkg_bytes({"buurten": frame}), gemeente="GM9991")
    assert "dubbel" in str(info.value) and "BU99910000" in str(info.value)


def test_wijken_layer_instead_of_buurten():
    frame = buurten().rename(columns={"buurtcode": "statcode"})
    frame["statcode"] = [f"WK{i:06d}" for i in range(len(frame))]
    with pytest.raises(ImportDataError, match="wijken.*kies de laag 'buurten'"):
        read(gpkg_bytes({"wijken": frame}))


def test_file_without_buurt_codes():
    frame = buurten().drop(columns=["buurtcode"])
    with pytest.raises(ImportDataError, match="geen kolom met buurtcodes"):
        read(gpkg_bytes({"buurten": frame}))


def test_unsafe_or_broken_inputs_are_import_errors():
    with pytest.raises(ImportDataError, match="geen geodatabestand"):
        read(b"niet geodata")
    with pytest.raises(ImportDataError, match="zonder .prj"):
        read(shapefile_zip(drop=(".prj",)))
    wgs_as_rd = buurten().set_geometry(buurten().geometry.to_crs(4326).values, crs=None)
    wgs_as_rd = wgs_as_rd.set_crs("EPSG:28992", allow_override=True)
    with pytest.raises(ImportDataError, match="lijken graden"):
        read(gpkg_bytes({"buurten": wgs_as_rd}))


def test_invalid_text_in_numeric_field_names_file_and_column():
    frame = buurten("camel")
    frame["woningvoorraad"] = frame["woningvoorraad"].astype(object)
    frame.loc[0, "woningvoorraad"] = "veel"
    with pytest.raises(ImportDataError, match="pdok.json.*woningvoorraad.*'veel'"):
        read_cbs_buurten(geojson_bytes(frame), "pdok.json", gemeente="GM9991")


# --------------------------------------------------------------------------- population


def counts_frame(**columns) -> pd.DataFrame:
    base = {"buurt_code": ["BU1"], "inhabitants": [1000.0], "pct_0_14": [20.0],
            "pct_15_24": [20.0], "pct_25_44": [20.0], "pct_45_64": [20.0],
            "pct_65_plus": [20.0]}
    base.update(columns)
    return pd.DataFrame(base)


def test_population_known_answer():
    split = AgeDistribution(0.5, 0.35, 0.15, source="test")
    pop = population_from_cbs(counts_frame(), distribution=split)
    assert list(pop.columns) == ["buurt_code", *vocabulary.band_columns(), "estimated"]
    assert pop.iloc[0, 1:8].tolist() == [200, 200, 200, 200, 100, 70, 30]
    assert pop["estimated"].all()
    assert "test" in pop.attrs["source"]


def test_population_rescales_whole_percentages():
    counts = counts_frame(buurt_code=["BU1", "BU2"], inhabitants=[500.0, 995.0],
                          pct_0_14=[16.0, 33.0], pct_15_24=[11.0, 33.0],
                          pct_25_44=[21.0, 33.0], pct_45_64=[26.0, 0.0],
                          pct_65_plus=[27.0, 0.0])
    pop = population_from_cbs(counts)
    bands = pop[vocabulary.band_columns()].to_numpy()
    assert bands.sum(axis=1).tolist() == [500, 995]
    assert bands[0, 4:].sum() == round(500 * 27 / 101)
    assert bands[1].tolist() == [332, 332, 331, 0, 0, 0, 0]


def test_population_missing_inhabitants_and_gap_filling():
    counts = counts_frame(
        buurt_code=["BU1", "BU2", "BU3"], inhabitants=[1000.0, np.nan, 100.0],
        pct_0_14=[10.0, np.nan, np.nan], pct_15_24=[10.0, np.nan, np.nan],
        pct_25_44=[20.0, np.nan, 20.0], pct_45_64=[30.0, np.nan, np.nan],
        pct_65_plus=[30.0, np.nan, 40.0])
    pop = population_from_cbs(counts).set_index("buurt_code")
    assert pop.loc["BU2"].drop("estimated").sum() == 0
    bu3 = pop.loc["BU3", vocabulary.band_columns()].to_numpy()
    assert bu3.sum() == 100 and bu3[2] == 20 and bu3[4:].sum() == 40
    # the missing 40 % is split 10:10:30 like the municipality (BU1)
    assert bu3[:2].tolist() == [8, 8] and bu3[3] == 24
    assert any("zonder inwonersaantal" in w for w in pop.attrs["warnings"])
    assert any("verdeling van de hele gemeente" in w for w in pop.attrs["warnings"])


def test_population_missing_bands_follow_a_given_reference():
    """No buurt has all five bands: the caller's reference (e.g. the gemeente in 2019)."""
    counts = counts_frame(buurt_code=["BU1", "BU2"], inhabitants=[1000.0, 95.0],
                          pct_0_14=[10.0, 100 / 95 * 5], pct_15_24=[np.nan, np.nan],
                          pct_25_44=[np.nan, np.nan], pct_45_64=[np.nan, np.nan],
                          pct_65_plus=[30.0, 100 / 95 * 35])
    ref = NationalAgeBands(counts=(0.0, 1000.0, 3000.0, 4000.0, 0.0), source="gemeente 2019")
    pop = population_from_cbs(counts, anchor_65=True, reference=ref).set_index("buurt_code")
    bu1 = pop.loc["BU1", vocabulary.band_columns()].to_numpy()
    assert bu1[0] == 100 and bu1[4:].sum() == 300
    assert bu1[1:4].tolist() == [75, 225, 300]  # the rest, 600, split 1:3:4
    bu2 = pop.loc["BU2", vocabulary.band_columns()].to_numpy()
    assert bu2.sum() == 95 and bu2[0] == 5 and bu2[4:].sum() == 35
    assert "gemeente 2019" in pop.attrs["source"]
    assert NATIONAL_AGE_BANDS.source not in pop.attrs["source"]
    # without a reference the national distribution is used and named
    national = population_from_cbs(counts, anchor_65=True)
    assert NATIONAL_AGE_BANDS.source in national.attrs["source"]


def test_population_without_age_percentages_is_an_error():
    counts = pd.DataFrame({"buurt_code": ["BU1"], "inhabitants": [100.0]})
    with pytest.raises(ImportDataError, match="leeftijdspercentages"):
        population_from_cbs(counts)


def test_population_from_imported_file_validates_as_region(dorp):
    pop = population_from_cbs(dorp.counts)
    assert pop["buurt_code"].tolist() == DORP
    totals = pop[vocabulary.band_columns()].sum(axis=1)
    assert totals.tolist() == [1000, 500, 200, 0]
    home = gpd.GeoDataFrame(
        {"home_id": ["H1"], "construction_year": [1980], "dwelling_type": ["single_family"],
         "step_free": [False], "lift": [False], "floor_area": [100.0],
         "tenure": ["owner_occupied"], "owner": ["eigenaar-bewoner"]},
        geometry=[shapely.Point(230_500, 545_500)], crs=vocabulary.METRIC_CRS)
    facility = gpd.GeoDataFrame(
        {"facility_id": ["F1"], "facility_type": ["gp"], "name": ["Praktijk"], "operator": ["x"],
         "capacity": [2000.0]},
        geometry=[shapely.Point(230_500, 545_500)], crs=vocabulary.METRIC_CRS)
    region = validate_region(Region(
        areas=dorp.areas, population=pop, homes=home, facilities=facility,
        metadata={"region_name": "Testdorp", "base_year": "2023"}))
    assert len(region.areas) == 4


def test_default_split_is_an_honest_assumption():
    assert DEFAULT_65PLUS_SPLIT.shares.sum() == pytest.approx(1.0)
    assert "aanname" in DEFAULT_65PLUS_SPLIT.source
    assert "7461BEV" in DEFAULT_65PLUS_SPLIT.source
    with pytest.raises(ImportDataError, match="samen 1"):
        AgeDistribution(0.5, 0.5, 0.5, source="fout")


# --------------------------------------------------------------------------- StatLine


_HEADER = ('"Geslacht";"Leeftijd";"Burgerlijke staat";"Perioden";"Regio\'s";'
           '"Bevolking op 1 januari (aantal)"')
_ROWS_5Y = [("Totaal", 33800), ("0 tot 5 jaar", 1500), ("65 jaar of ouder", 10000),
            ("65 tot 70 jaar", 3000), ("70 tot 75 jaar", 2500), ("75 tot 80 jaar", 2000),
            ("80 tot 85 jaar", 1500), ("85 tot 90 jaar", 600), ("90 tot 95 jaar", 300),
            ("95 jaar of ouder", 100)]
STATLINE_5Y = "\ufeff" + "\n".join(
    [_HEADER]
    + [f'"Totaal mannen en vrouwen";"{age}";"Totaal burgerlijke staat";"2024";'
       f'"Midden-Drenthe";"{n}"' for age, n in _ROWS_5Y]
    + ['"Mannen";"65 tot 70 jaar";"Totaal burgerlijke staat";"2024";"Midden-Drenthe";"1450"']
) + "\n"

STATLINE_10Y = """Leeftijd,Totale bevolking (aantal)
65 tot 75 jaar,"5.500"
75 tot 85 jaar,"3.500"
85 jaar of ouder,"1.000"
"""


def test_read_age_distribution_five_year_groups():
    dist = read_age_distribution(STATLINE_5Y.encode("utf-8"), "bevolking.csv")
    assert (dist.share_65_74, dist.share_75_84, dist.share_85_plus) == pytest.approx(
        (0.55, 0.35, 0.10))
    assert "bevolking.csv" in dist.source and "Midden-Drenthe" in dist.source
    assert "2024" in dist.source


def test_read_age_distribution_ten_year_groups_and_single_years(tmp_path):
    dist = read_age_distribution(STATLINE_10Y.encode("utf-8"))
    assert dist.shares.tolist() == pytest.approx([0.55, 0.35, 0.10])
    lines = ["Leeftijd;Bevolking (aantal)"]
    lines += [f"{age} jaar;10" for age in range(65, 100)] + ["100 jaar of ouder;5"]
    path = tmp_path / "jaren.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    dist = read_age_distribution(path)
    assert dist.shares.tolist() == pytest.approx(np.array([100, 100, 155]) / 355)


@pytest.mark.parametrize(("text", "words"), [
    ("Regio;Bevolking (aantal)\nMidden-Drenthe;100\n", ["geen kolom 'Leeftijd'"]),
    ("Leeftijd;Geslacht\n65 tot 75 jaar;Mannen\n", ["geen kolom met aantallen"]),
    ("Leeftijd;Bevolking (aantal)\n0 tot 20 jaar;100\n20 tot 65 jaar;200\n",
     ["geen leeftijdsgroepen vanaf 65 jaar"]),
    ("Leeftijd;Bevolking (aantal)\n65 tot 75 jaar;100\n75 tot 80 jaar;50\n",
     ["dekken 65–74, 75–84 en 85+ niet", "5-jaarsgroepen"]),
    ("Leeftijd;Perioden;Bevolking (aantal)\n65 tot 75 jaar;2023;1\n65 tot 75 jaar;2024;1\n",
     ["meer dan één regel", "één periode"]),
])
def test_read_age_distribution_errors(text, words):
    with pytest.raises(ImportDataError) as info:
        read_age_distribution(text.encode("utf-8"), "statline.csv")
    message = str(info.value)
    assert "statline.csv" in message
    for word in words:
        assert word in message
