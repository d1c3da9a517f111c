"""Published figures for the reference layer: from a CBS map frame, a Kerncijfers CSV, a build."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from cbskit import buurten, cbs_gpkg_bytes

from geo.errors import ImportDataError
from geo.io.build import build_region
from geo.io.importers.cbs_reference import (
    merge_reference,
    read_reference_table,
    reference_from_cbs,
)

# a Kerncijfers-like table: the gemeente, a wijk, two buurten, an older edition of the
# gemeente, another gemeente and the country (the shape of CBS 85984NED extracts)
KERNCIJFERS = """\
gwb_code,regio,soort_regio,jaar,cbs_tabel,aantal_inwoners,aantal_personen_0_tot_15_jaar,\
aantal_personen_65_jaar_en_ouder,aantal_huishoudens,woningvoorraad,percentage_eengezinswoning,\
percentage_koopwoningen,huisartsenpraktijk_gemiddelde_afstand_in_km,\
grote_supermarkt_gemiddelde_afstand_in_km
GM9991,Testdorp,Gemeente,2024,85984NED,1712,251,490,760,790,88,71,2.6,1.7
GM9991,Testdorp,Gemeente,2019,84583NED,1650,260,400,,,,,,
WK999100,Wijk 00 Dorp,Wijk,2024,85984NED,1705,250,489,755,785,87,70,1.3,1.1
BU99910000,Dorp-Centrum,Buurt,2024,85984NED,1000,150,300,450,,81,61,0.9,0.8
BU99910009,Verspreide huizen Dorp,Buurt,2024,85984NED,200,20,60,90,,,,3.4,2.9
GM9992,Anderstad,Gemeente,2024,85984NED,2000,400,300,900,950,50,40,1.0,0.9
NL00,Nederland,Land,2024,85984NED,17942942,2714040,3677228,8374404,,63,57,1.1,1
"""


def _ref(table: pd.DataFrame, code: str) -> pd.Series:
    return table.set_index("code").loc[code]


def test_kerncijfers_table_of_one_gemeente():
    result = read_reference_table(KERNCIJFERS.encode(), "kerncijfers.csv", gemeente="GM9991")
    ref = result.reference
    assert list(ref["code"]) == ["GM9991", "WK999100", "BU99910000", "BU99910009"]
    assert list(ref["level"]) == ["gemeente", "wijk", "buurt", "buurt"]
    gm = _ref(ref, "GM9991")
    assert gm["year"] == 2024 and gm["inhabitants"] == 1712  # the latest edition wins
    assert (gm["dwellings"], gm["dist_gp_km"], gm["share_single_family"]) == (790, 2.6, 88)
    assert "85984NED" in gm["source"] and "CC BY 4.0" in gm["source"]
    assert _ref(ref, "WK999100")["name"] == "Wijk 00 Dorp"
    spread = _ref(ref, "BU99910009")
    assert spread["pop_65plus"] == 60 and math.isnan(spread["share_owner_occupied"])
    older = read_reference_table(KERNCIJFERS.encode(), "k.csv", gemeente="9991", year=2019)
    assert list(older.reference["code"]) == ["GM9991"]
    assert older.reference["pop_65plus"].iloc[0] == 400


def test_kerncijfers_odata_keys_with_suffix_and_padding():
    text = ("ID;WijkenEnBuurten;SoortRegio_2;Perioden;AantalInwoners_5;k_0Tot15Jaar_8;"
            "k_65JaarOfOuder_12;HuishoudensTotaal_29;AfstandTotHuisartsenpraktijk_110\n"
            "0;GM9991    ;Gemeente  ;2024JJ00;1712;251;490;760;2,6\n"
            "1;BU99910000;Buurt     ;2024JJ00;1000;150;-99997;450;.\n")
    ref = read_reference_table(text.encode(), "odata.csv", gemeente="GM9991").reference
    assert list(ref["code"]) == ["GM9991", "BU99910000"]
    assert _ref(ref, "GM9991")["dist_gp_km"] == 2.6
    buurt = _ref(ref, "BU99910000")
    assert buurt["year"] == 2024 and math.isnan(buurt["pop_65plus"])  # secret → NaN
    assert math.isnan(buurt["dist_gp_km"]) and buurt["households"] == 450


@pytest.mark.parametrize(("text", "message"), [
    ("gwb_code,aantal_inwoners\nGM0001,5\n", "geen rij van gemeente GM9991"),
    ("naam,inwoners_totaal\nDorp,5\n", "geen bekende kolom"),
    ("regio,aantal_inwoners\nDorp,5\n", "geen kolom met CBS-codes"),
    ("gwb_code,jaar,aantal_inwoners\nGM9991,2024,veel\n", "geen getal"),
])
def test_kerncijfers_errors_are_dutch(text, message):
    with pytest.raises(ImportDataError, match=message):
        read_reference_table(text.encode(), "k.csv", gemeente="GM9991")


@pytest.mark.parametrize("scheme", ["snake", "upper", "camel"])
def test_reference_from_cbs_map_frame(scheme):
    frame = pd.DataFrame(buurten(scheme).drop(columns="geometry"))
    ref = reference_from_cbs(frame, gemeente="GM9991", year=2022, source="CBS-kaart 2022",
                             label="kaart").reference
    assert set(ref["code"]) == {"BU99910000", "BU99910001", "BU99910009", "BU99910100",
                                "BU99919997"}
    centre = _ref(ref, "BU99910000")
    assert (centre["inhabitants"], centre["households"], centre["dwellings"],
            centre["dist_gp_km"], centre["year"]) == (1000, 450, 470, 0.8, 2022)
    secret = _ref(ref, "BU99910100")  # -99997 everywhere but dwellings
    assert math.isnan(secret["inhabitants"]) and secret["dwellings"] == 5
    # ages are only percentages on this map: not taken as published counts
    assert ref["pop_65plus"].isna().all()


def test_reference_from_cbs_counts_columns_and_sentinels():
    frame = pd.DataFrame({"buurtcode": ["BU99910000", "BU99910001"],
                          "jrstatcode": ["2024BU99910000", "2024BU99910001"],
                          "aantal_inwoners": [1000, -99997],
                          "aantal_personen_65_jaar_en_ouder": [300, -99995],
                          "grote_supermarkt_gemiddelde_afstand_in_km": [0.8, -99997.0]})
    result = reference_from_cbs(frame, gemeente="GM9991", year=2020, source="s")
    ref = result.reference
    assert list(ref["code"]) == ["BU99910000"]  # the other row has no figure at all
    assert (ref["year"].iloc[0], ref["pop_65plus"].iloc[0]) == (2024, 300)
    assert ref["dist_supermarket_km"].iloc[0] == 0.8


def test_merge_replaces_whole_rows():
    a = read_reference_table(KERNCIJFERS.encode(), "a.csv", gemeente="GM9991").reference
    b = a[a["code"] == "GM9991"].assign(inhabitants=1, households=np.nan, year=2025)
    merged = merge_reference(a, b).set_index("code")
    assert merged.at["GM9991", "inhabitants"] == 1 and math.isnan(merged.at["GM9991",
                                                                            "households"])
    assert len(merged) == len(a)
    assert merge_reference(None, a.iloc[:0]) is None


def test_build_keeps_map_figures_and_adds_kerncijfers():
    built = build_region(cbs=(cbs_gpkg_bytes(), "wijkenbuurten_2022_v3.gpkg"),
                         gemeente="GM9991")
    ref = built.region.reference
    assert ref is not None and set(ref["level"]) == {"buurt"}
    assert _ref(ref, "BU99910000")["households"] == 450
    pop = built.region.population.set_index("buurt_code")
    assert pop.at["BU99910000", "households"] == 450  # the model's households
    assert "CBS Wijk- en Buurtkaart" in built.region.source("reference")

    built = build_region(cbs=(cbs_gpkg_bytes(), "wijkenbuurten_2022_v3.gpkg"),
                         gemeente="GM9991", reference=(KERNCIJFERS.encode(), "kern.csv"))
    ref = built.region.reference.set_index("code")
    assert ref.at["GM9991", "year"] == 2024 and ref.at["WK999100", "dwellings"] == 785
    assert ref.at["BU99910000", "year"] == 2024  # the table's row replaced the map's
    assert ref.at["BU99910001", "year"] == 2022  # kept from the map
    assert any("Controlecijfers uit kern.csv" in w for w in built.warnings)


def test_build_without_any_figures_has_no_reference_layer():
    frame = buurten("snake")[["buurtcode", "buurtnaam", "wijkcode", "gemeentecode",
                              "water", "geometry"]]
    built = build_region(cbs=(gpd.GeoDataFrame(frame).to_json().encode(), "grenzen_2022.json"),
                         gemeente="GM9991")
    assert built.region.reference is None
