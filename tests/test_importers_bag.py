"""BAG → homes: dwelling filter, dwelling type, plausibility, proxies, corporations."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from regionkit import X0, Y0, tiny_region

from geo import vocabulary
from geo.analysis.supply import classify_homes
from geo.errors import ImportDataError
from geo.io.importers.bag import (
    LIFT_PROXY_FROM_YEAR,
    SUITABILITY_PROXY_NOTE,
    BagHomes,
    read_bag_homes,
)
from geo.io.importers.corporations import UNKNOWN_CORPORATION, read_corporation_list
from geo.io.norms_file import load_norms
from geo.model.region import Region, validate_region

IN_USE = "Verblijfsobject in gebruik"


def vbo_id(n: int) -> str:
    return f"9999010000{n:06d}"


def pand_id(n: int) -> str:
    return f"9999100000{n:06d}"


# pand: (number, bouwjaar, x offset, y offset) — offsets from (X0, Y0), see regionkit:
# Alfa = x 0–1000, y 1000–2000; Bravo = x 1000–2000, y 1000–2000; Charlie = x 0–1000, y 0–1000
PANDEN = [
    (1, 1998, 150, 1150),    # Alfa, apartments + shop
    (2, 1965, 1500, 1500),   # Bravo, old apartments
    (3, 1930, 500, 500),     # Charlie, house (buiten gebruik)
    (4, 9999, 600, 1600),    # Alfa, house with placeholder year
    (5, 1975, 800, 1800),    # Alfa, house with implausible area
    (6, 1990, 1800, 1200),   # Bravo, offices
    (7, 1980, 10_000, 1000),  # outside all buurten
    (8, 2025, 900, 900),     # Charlie, under construction
    (9, 1955, 300, 1700),    # Alfa, house with placeholder area
    (10, 2005, 200, 200),    # Charlie, house
    (11, 2012, 1200, 1800),  # Bravo, two new apartments
]
# vbo: (number, pand, gebruiksdoel, status, oppervlakte, postcode, huisnummer, letter, toev)
VBOS = [
    (1, 1, "woonfunctie", IN_USE, 70, "9999AA", 1, "", ""),
    (2, 1, "woonfunctie", IN_USE, 72, "9999AA", 3, "", ""),
    (3, 1, "woonfunctie", IN_USE, 68, "9999AA", 5, "", ""),
    (4, 1, "woonfunctie", "VERBLIJFSOBJECT IN GEBRUIK", 80, "9999AA", 7, "", ""),
    (5, 1, "winkelfunctie", IN_USE, 200, "9999AA", 9, "", ""),
    (6, 2, "woonfunctie", IN_USE, 60, "9999AB", 10, "A", ""),
    (7, 2, "woonfunctie,gezondheidszorgfunctie", "Verblijfsobject in gebruik (niet ingemeten)",
     55, "9999AB", 10, "B", ""),
    (8, 2, "woonfunctie", IN_USE, 65, "9999AB", 12, "", ""),
    (9, 2, "woonfunctie", "Verblijfsobject ingetrokken", 65, "9999AB", 14, "", ""),
    (10, 3, "woonfunctie", "Verblijfsobject buiten gebruik", 140, "9999AC", 1, "", ""),
    (11, 4, "woonfunctie", IN_USE, 130, "9999AA", 20, "", ""),
    (12, 5, "woonfunctie", IN_USE, 5, "9999AA", 22, "", ""),
    (13, 6, "kantoorfunctie", IN_USE, 300, "9999AB", 30, "", ""),
    (14, 6, "kantoorfunctie", IN_USE, 250, "9999AB", 32, "", ""),
    (15, 7, "woonfunctie", IN_USE, 100, "9999ZZ", 1, "", ""),
    (16, 8, "woonfunctie", "Verblijfsobject gevormd", 90, "9999AC", 3, "", ""),
    (17, 9, "woonfunctie", IN_USE, 999999, "9999AA", 30, "", ""),
    (18, 10, "woonfunctie", IN_USE, 110, "9999AC", 5, "", "1"),
    (19, 11, "woonfunctie", IN_USE, 85, "9999AB", 40, "", ""),
    (20, 11, "woonfunctie", IN_USE, 85, "9999AB", 42, "", ""),
]
MULTI = {1, 2, 3, 4, 6, 7, 8, 19, 20}
LIFT = {1, 2, 3, 4, 19, 20}
KEPT = {1, 2, 3, 4, 6, 7, 8, 10, 11, 12, 17, 18, 19, 20}


def bag_frames(*, wfs_names: bool = False) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    years = {p[0]: p[1] for p in PANDEN}
    where = {p[0]: (X0 + p[2], Y0 + p[3]) for p in PANDEN}
    pand = gpd.GeoDataFrame(
        {
            "identificatie": [pand_id(p[0]) for p in PANDEN],
            "bouwjaar": [p[1] for p in PANDEN],
            "status": ["Pand in gebruik"] * len(PANDEN),
            "aantal_verblijfsobjecten": [sum(v[1] == p[0] for v in VBOS) for p in PANDEN],
            "oppervlakte_min": [50] * len(PANDEN),
            "oppervlakte_max": [300] * len(PANDEN),
        },
        geometry=[shapely.box(x - 20, y - 20, x + 20, y + 20) for x, y in where.values()],
        crs=vocabulary.METRIC_CRS,
    )
    rows = []
    for i, v in enumerate(VBOS):
        x, y = where[v[1]]
        rows.append({
            "identificatie": vbo_id(v[0]),
            "oppervlakte": v[4],
            "status": v[3],
            "gebruiksdoel": v[2],
            "openbare_ruimte_naam": "Teststraat",
            "huisnummer": v[6],
            "huisletter": v[7] or None,
            "toevoeging": v[8] or None,
            "postcode": v[5],
            "woonplaats_naam": "Testdorp",
            "bouwjaar": years[v[1]],
            "pand_identificatie": pand_id(v[1]),
            "pand_status": "Pand in gebruik",
            "geometry": shapely.Point(x - 10 + i % 5 * 4, y - 10 + i % 3 * 4),
        })
    vbo = gpd.GeoDataFrame(rows, geometry="geometry", crs=vocabulary.METRIC_CRS)
    if wfs_names:
        vbo = vbo.rename(columns={"pand_identificatie": "pandidentificatie",
                                  "woonplaats_naam": "woonplaats", "pand_status": "pandstatus"})
        vbo["identificatie"] = "NL.IMBAG.Verblijfsobject." + vbo["identificatie"]
    return vbo, pand


def write_gpkg(path, layers: dict[str, gpd.GeoDataFrame]):
    for name, frame in layers.items():
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
    return path


@pytest.fixture
def bag_file(tmp_path):
    vbo, pand = bag_frames()
    return write_gpkg(tmp_path / "bag-light.gpkg", {"verblijfsobject": vbo, "pand": pand})


@pytest.fixture
def areas():
    return tiny_region().areas


def by_vbo(homes: gpd.GeoDataFrame) -> pd.DataFrame:
    out = homes.set_index("home_id")
    out.index = [int(i[-6:]) for i in out.index]
    return out


def test_known_answer(bag_file, areas):
    calls = []
    result = read_bag_homes(bag_file, areas=areas, progress=lambda f, m: calls.append((f, m)))
    assert isinstance(result, BagHomes)
    homes = result.homes
    assert result.stats["read"] == 20
    assert result.stats["residential"] == 17
    assert result.stats["active"] == 15
    assert result.stats["dropped_not_residential"] == 3
    assert result.stats["dropped_status"] == 2
    assert result.stats["dropped_outside_areas"] == 1
    assert result.stats["kept"] == len(homes) == 14
    got = by_vbo(homes)
    assert set(got.index) == KEPT
    assert set(got.index[got["dwelling_type"] == "multi_family"]) == MULTI
    assert set(got.index[got["lift"]]) == LIFT
    assert set(got.index[got["step_free"]]) == LIFT
    assert homes.crs.equals(vocabulary.METRIC_CRS)
    assert (homes.geom_type == "Point").all()
    assert homes["home_id"].str.fullmatch(r"\d{16}").all()
    # buurt join
    assert got.loc[1, "buurt_code"] == "BU99990000"
    assert got.loc[6, "buurt_code"] == "BU99990001"
    assert got.loc[10, "buurt_code"] == "BU99990100"
    # construction year from the pand; placeholder 9999 filled with the median of single
    # family homes in the same buurt (1955 and 1975 -> 1965)
    assert got.loc[1, "construction_year"] == 1998
    assert got.loc[11, "construction_year"] == 1965
    assert result.stats["construction_year_filled"] == 1
    # implausible areas (5 m², 999999 m²) filled with the buurt median of the type (130)
    assert got.loc[12, "floor_area"] == 130.0
    assert got.loc[17, "floor_area"] == 130.0
    assert got.loc[10, "floor_area"] == 140.0
    assert result.stats["floor_area_filled"] == 2
    # tenure defaults and woonplaats
    assert set(homes["tenure"]) == {"owner_occupied"}
    assert set(homes["owner"]) == {"onbekend"}
    assert set(homes["woonplaats"]) == {"Testdorp"}
    # the estimate is announced
    assert SUITABILITY_PROXY_NOTE in result.warnings
    assert "geschat" in SUITABILITY_PROXY_NOTE and str(LIFT_PROXY_FROM_YEAR) in \
        SUITABILITY_PROXY_NOTE
    assert any("buiten de buurten" in w for w in result.warnings)
    # progress: increasing fractions from 0 to 1 with Dutch messages
    fractions = [f for f, _ in calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert any("lezen" in m for _, m in calls)


def test_homes_fit_the_region_schema(bag_file, areas):
    homes = read_bag_homes(bag_file, areas=areas).homes
    base = tiny_region()
    region = validate_region(Region(areas=base.areas, population=base.population, homes=homes,
                                    facilities=base.facilities, metadata=base.metadata))
    assert len(region.homes) == 14
    classes = classify_homes(region.homes, load_norms())
    assert (classes == "suitable").sum() == 6


def test_without_areas_keeps_outside_home_and_has_no_buurt_code(bag_file):
    result = read_bag_homes(bag_file.read_bytes(), "bag.gpkg")
    assert result.stats["kept"] == 15
    assert "buurt_code" not in result.homes.columns
    assert "dropped_outside_areas" not in result.stats


def test_wfs_column_names_and_prefixed_ids(tmp_path, areas):
    vbo, pand = bag_frames(wfs_names=True)
    path = write_gpkg(tmp_path / "wfs.gpkg", {"verblijfsobject": vbo, "pand": pand})
    result = read_bag_homes(path, areas=areas)
    got = by_vbo(result.homes)
    assert set(got.index) == KEPT
    assert set(got.index[got["dwelling_type"] == "multi_family"]) == MULTI
    assert result.homes["home_id"].iloc[0].startswith("9999")


def test_pand_link_by_location_when_vbo_has_no_pand_id(tmp_path, areas):
    vbo, pand = bag_frames()
    vbo = vbo.drop(columns=["pand_identificatie", "bouwjaar"])
    path = write_gpkg(tmp_path / "bag.gpkg", {"verblijfsobject": vbo, "pand": pand})
    got = by_vbo(read_bag_homes(path, areas=areas).homes)
    assert set(got.index[got["dwelling_type"] == "multi_family"]) == MULTI
    assert got.loc[19, "construction_year"] == 2012


def test_empty_pand_id_is_linked_by_location(tmp_path, areas):
    vbo, pand = bag_frames()
    vbo.loc[vbo["identificatie"] == vbo_id(19), "pand_identificatie"] = None
    path = write_gpkg(tmp_path / "bag.gpkg", {"verblijfsobject": vbo, "pand": pand})
    got = by_vbo(read_bag_homes(path, areas=areas).homes)
    assert got.loc[19, "dwelling_type"] == "multi_family"
    assert got.loc[19, "lift"]


def test_implausible_years_never_give_a_lift(tmp_path, areas):
    vbo, pand = bag_frames()
    pand.loc[pand["identificatie"] == pand_id(11), "bouwjaar"] = 0
    vbo.loc[vbo["pand_identificatie"] == pand_id(11), "bouwjaar"] = dt.date.today().year + 50
    path = write_gpkg(tmp_path / "bag.gpkg", {"verblijfsobject": vbo, "pand": pand})
    got = by_vbo(read_bag_homes(path, areas=areas).homes)
    assert not got.loc[[19, 20], "lift"].any()
    assert (got.loc[[19, 20], "dwelling_type"] == "multi_family").all()


def test_corporations_by_id_and_address(bag_file, areas, tmp_path):
    csv = (
        "identificatie;postcode;huisnummer;huisletter;toevoeging;corporatie\n"
        f"{vbo_id(6)};;;;;Actium\n"
        f"{int(vbo_id(1))};;;;;Actium\n"            # leading zeros lost: still matched
        ";9999 ab;12;;;Actium\n"                     # address, postcode with space
        ";9999AB;10;b;;Woonservice\n"                # letter case-insensitive: only VBO 7
        ";9999AC;5;;1;Woonservice\n"                 # toevoeging
        f"{vbo_id(15)};;;;;Actium\n"                 # outside the areas
        ";1234AB;1;;;Actium\n"                       # unknown address
        ";9999AB;10;;;Actium\n"                      # no letter: 10A/10B do not match
    ).encode()
    corp = read_corporation_list(csv, "corporaties.csv")
    assert list(corp.columns) == ["row", "home_id", "postcode", "huisnummer", "suffix", "key",
                                  "problem", "detail", "address", "owner"]
    result = read_bag_homes(bag_file, areas=areas, corporations=corp)
    got = by_vbo(result.homes)
    social = got[got["tenure"] == "social_rent"]
    assert dict(social["owner"]) == {6: "Actium", 1: "Actium", 8: "Actium",
                                     7: "Woonservice", 18: "Woonservice"}
    assert set(got.loc[~got.index.isin(social.index), "owner"]) == {"onbekend"}
    assert result.stats["corporation_rows"] == 8
    assert result.stats["corporation_matched"] == 5
    assert result.stats["corporation_unmatched"] == 3
    assert result.stats["corporation_matched_id"] == 2
    assert result.stats["corporation_exact"] == 3
    assert result.stats["corporation_unmatched_not_dwelling"] == 1
    assert result.stats["corporation_unmatched_postcode_unknown"] == 1
    assert result.stats["corporation_unmatched_ambiguous"] == 1
    assert result.stats["social_rent"] == 5
    message = next(w for w in result.warnings if w.startswith("Corporatielijst:"))
    assert "5 van 8" in message and "Niet gekoppeld: 3" in message
    lines = [w for w in result.warnings if w.startswith("Corporatielijst, regel")]
    assert len(lines) == 3
    assert lines[0].startswith(f"Corporatielijst, regel 7 ({vbo_id(15)})")
    assert "buiten de buurten" in lines[0]
    assert lines[1].startswith("Corporatielijst, regel 8 (1234AB 1)") and "1234AB" in lines[1]
    assert lines[2].startswith("Corporatielijst, regel 9") and "10A, 10B" in lines[2]
    matches = result.corporation_matches
    assert list(matches["match"]) == ["id", "id", "exact", "exact", "exact", "", "", ""]
    assert list(matches["reason"])[5:] == ["not_dwelling", "postcode_unknown", "ambiguous"]


def test_corporation_address_without_letter_at_several_dwellings_is_not_guessed(bag_file,
                                                                                 areas):
    corp = read_corporation_list(b"postcode,huisnummer,eigenaar\n9999AB,10,Actium\n")
    result = read_bag_homes(bag_file, areas=areas, corporations=corp)
    got = by_vbo(result.homes)
    assert not (got["tenure"] == "social_rent").any()
    assert result.stats["corporation_unmatched_ambiguous"] == 1
    line = next(w for w in result.warnings if w.startswith("Corporatielijst, regel 2"))
    assert "2 adressen (10A, 10B)" in line and "geen huisletter of toevoeging" in line


def test_corporation_list_errors():
    with pytest.raises(ImportDataError, match="Herkende namen") as err:
        read_corporation_list(b"adres;naam\nDorpsstraat 1;Actium\n", "lijst.csv")
    assert "identificatie" in str(err.value) and "postcode" in str(err.value)
    assert "adres" in str(err.value)
    with pytest.raises(ImportDataError, match="eigenaar"):
        read_corporation_list(b"identificatie;plaats\n9999010000000001;Beilen\n")



def test_corporation_rows_without_id_or_owner_do_not_refuse_the_list(bag_file, areas):
    corp = read_corporation_list(
        f"identificatie;eigenaar\n{vbo_id(1)};Actium\n;Actium\nabc;Actium\n{vbo_id(2)};\n"
        .encode())
    assert list(corp["problem"]) == ["no_key"] * 4  # no address columns: the id is all
    result = read_bag_homes(bag_file, areas=areas, corporations=corp)
    got = by_vbo(result.homes)
    assert dict(got.loc[got["tenure"] == "social_rent", "owner"]) == {
        1: "Actium", 2: UNKNOWN_CORPORATION}
    assert result.stats["corporation_unmatched_no_key"] == 2
    lines = [w for w in result.warnings if w.startswith("Corporatielijst, regel")]
    assert [w.split(" (")[0] for w in lines] == ["Corporatielijst, regel 3",
                                                 "Corporatielijst, regel 4"]
    assert all("geen geldig BAG-id" in w for w in lines)
    summary = next(w for w in result.warnings if w.startswith("Corporatielijst:"))
    assert "1 regel(s) zonder eigenaar" in summary


def test_address_list_needs_addresses_in_bag(tmp_path, areas):
    vbo, pand = bag_frames()
    vbo = vbo.drop(columns=["postcode", "huisnummer"])
    path = write_gpkg(tmp_path / "bag.gpkg", {"verblijfsobject": vbo, "pand": pand})
    corp = read_corporation_list(b"postcode;huisnummer;eigenaar\n9999AB;12;Actium\n")
    with pytest.raises(ImportDataError, match="postcode en huisnummer"):
        read_bag_homes(path, areas=areas, corporations=corp)


def test_missing_layer_is_named(tmp_path):
    vbo, pand = bag_frames()
    path = write_gpkg(tmp_path / "bag.gpkg", {"adressen": vbo, "pand": pand})
    with pytest.raises(ImportDataError, match="verblijfsobject") as err:
        read_bag_homes(path)
    assert "adressen" in str(err.value) and "bag-light" in str(err.value)


def test_missing_column_lists_accepted_names(tmp_path):
    vbo, pand = bag_frames()
    path = write_gpkg(tmp_path / "bag.gpkg",
                      {"verblijfsobject": vbo.drop(columns="gebruiksdoel"), "pand": pand})
    with pytest.raises(ImportDataError, match="gebruiksdoel") as err:
        read_bag_homes(path)
    assert "Gevonden kolommen" in str(err.value)


def test_without_pand_information_is_an_error(tmp_path):
    vbo, _ = bag_frames()
    path = write_gpkg(tmp_path / "bag.gpkg",
                      {"verblijfsobject": vbo.drop(columns="pand_identificatie")})
    with pytest.raises(ImportDataError, match="pand"):
        read_bag_homes(path)


def test_only_verblijfsobjecten_with_pand_ids_is_enough(tmp_path, areas):
    vbo, _ = bag_frames()
    path = write_gpkg(tmp_path / "vbo.gpkg", {"verblijfsobject": vbo})
    got = by_vbo(read_bag_homes(path, areas=areas).homes)
    assert set(got.index[got["dwelling_type"] == "multi_family"]) == MULTI


def test_nothing_inside_the_areas(bag_file, areas):
    far = areas.copy()
    far["geometry"] = far.translate(50_000, 50_000)
    with pytest.raises(ImportDataError, match="geen woningen"):
        read_bag_homes(bag_file, areas=far)


def test_not_a_geopackage():
    with pytest.raises(ImportDataError, match="geen geodatabestand"):
        read_bag_homes(b"identificatie;status\n1;x\n", "bag.csv")


def test_areas_in_wgs84_are_accepted(bag_file, areas):
    result = read_bag_homes(bag_file, areas=areas.to_crs(vocabulary.DISPLAY_CRS))
    assert result.stats["kept"] == 14


# --------------------------------------------------------------------------- 25,000 homes


def synthetic_bag(n_homes: int, seed: int = 1) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Panden on a grid: every 5th pand holds 8 apartments, the others one house.

    Returns verblijfsobjecten (n_homes dwellings + 10 % shops) and panden.
    """
    rng = np.random.default_rng(seed)
    # pand k: apartments when k % 5 == 0 (8 dwellings) else a house (1 dwelling)
    sizes = []
    total = 0
    while total < n_homes:
        size = 8 if len(sizes) % 5 == 0 else 1
        size = min(size, n_homes - total)
        sizes.append(size)
        total += size
    sizes = np.array(sizes)
    n_pand = len(sizes)
    side = int(np.ceil(np.sqrt(n_pand)))
    k = np.arange(n_pand)
    px = X0 + 20 + (k % side) * (2000 - 40) / side
    py = Y0 + 20 + (k // side) * (2000 - 40) / side
    years = rng.integers(1900, 2024, n_pand)
    pand = gpd.GeoDataFrame(
        {"identificatie": [pand_id(i) for i in k], "bouwjaar": years,
         "status": "Pand in gebruik", "aantal_verblijfsobjecten": sizes},
        geometry=shapely.box(px - 5, py - 5, px + 5, py + 5), crs=vocabulary.METRIC_CRS)
    owner = np.repeat(k, sizes)
    n_shops = n_homes // 10
    shop_pand = rng.choice(k, n_shops)
    pand_of = np.concatenate([owner, shop_pand])
    n = len(pand_of)
    doel = np.array(["woonfunctie"] * n_homes + ["winkelfunctie"] * n_shops, dtype=object)
    vbo = gpd.GeoDataFrame(
        {"identificatie": [vbo_id(i) for i in range(n)],
         "gebruiksdoel": doel, "status": IN_USE,
         "oppervlakte": rng.integers(40, 200, n),
         "bouwjaar": years[pand_of],
         "pand_identificatie": pand.loc[pand_of, "identificatie"].to_numpy(),
         "postcode": "9999AA", "huisnummer": np.arange(n) + 1,
         "woonplaats_naam": "Testdorp"},
        geometry=shapely.points(px[pand_of] + rng.uniform(-3, 3, n),
                                py[pand_of] + rng.uniform(-3, 3, n)),
        crs=vocabulary.METRIC_CRS)
    return vbo, pand


def test_25000_dwellings(tmp_path, areas):
    vbo, pand = synthetic_bag(25_000)
    path = write_gpkg(tmp_path / "big.gpkg", {"verblijfsobject": vbo, "pand": pand})
    result = read_bag_homes(path, areas=areas)
    homes = result.homes
    # the grid covers Alfa and Bravo (x 0–2000 m, y 0–2000 m from the origin); the lower
    # half of it lies in Charlie (x 0–1000) or outside (x 1000–2000, y 0–1000)
    assert result.stats["read"] == 27_500
    assert result.stats["residential"] == 25_000
    outside = result.stats["dropped_outside_areas"]
    assert result.stats["kept"] == 25_000 - outside == len(homes)
    assert homes["home_id"].is_unique
    expected_multi = vbo.loc[vbo["gebruiksdoel"] == "woonfunctie"].groupby(
        "pand_identificatie")["identificatie"].transform("size") > 1
    multi_ids = set(vbo.loc[expected_multi[expected_multi].index, "identificatie"])
    got_multi = set(homes.loc[homes["dwelling_type"] == "multi_family", "home_id"])
    assert got_multi == multi_ids & set(homes["home_id"])
    lift = homes["lift"] == ((homes["dwelling_type"] == "multi_family")
                             & (homes["construction_year"] >= LIFT_PROXY_FROM_YEAR))
    assert lift.all()
    assert homes["buurt_code"].notna().all()
