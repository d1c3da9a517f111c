"""Addresses: the canonical key, matching lists to the BAG, facility lists with addresses only.

Fixtures are built in code in the real schemas: a BAG *light* GeoPackage (PDOK: layers
``verblijfsobject`` with Point Z, integer ``huisnummer``, text ``huisletter`` /
``toevoeging``, ``openbare_ruimte_naam``, ``woonplaats_naam``; and ``pand``), corporation
lists as housing corporations send them (``;``, Postcode/Huisnummer/Toevoeging) and facility
lists with Straat/Huisnummer/Postcode/Plaats and no coordinates.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from cbskit import X0, Y0, cbs_gpkg_bytes

from geo import vocabulary
from geo.cli import main
from geo.errors import ImportDataError
from geo.io.build import build_region
from geo.io.importers.addresses import AddressIndex, parse_addresses
from geo.io.importers.bag import read_bag_homes
from geo.io.importers.corporations import read_corporation_list
from geo.io.importers.facilities import read_facilities

IN_USE = "Verblijfsobject in gebruik"


def vid(n: int) -> str:
    return f"1731010000{n:06d}"


# --------------------------------------------------------------------------- the key


@pytest.mark.parametrize(("postcode", "number", "letter", "toevoeging", "key"), [
    ("9411 ac", "20-1", None, None, "9411AC|20|1"),
    ("9411AC", "20 4", None, None, "9411AC|20|4"),
    ("9411AC", "20 - 4", None, None, "9411AC|20|4"),
    ("9411AC", "20/4", None, None, "9411AC|20|4"),
    ("9411AC", "14A", None, None, "9411AC|14|A"),
    ("9411AC", "14 a", None, None, "9411AC|14|A"),
    ("9411AC", "14-A", None, None, "9411AC|14|A"),
    ("9411AC", "14", "a", None, "9411AC|14|A"),
    ("9411AC", "14", None, "A", "9411AC|14|A"),   # letter in the Toevoeging column
    ("9411AC", "14", None, "-a", "9411AC|14|A"),
    ("9411AC", "14A-1", None, None, "9411AC|14|A1"),
    ("9411AC", "14", "A", "1", "9411AC|14|A1"),
    ("9411AC", "14a", None, "1", "9411AC|14|A1"),
    ("9411AC", "20-1", None, "1", "9411AC|20|1"),  # same suffix twice counts once
    ("9411AC", "20 bis", None, None, "9411AC|20|BIS"),
    ("9411AC", "020", None, None, "9411AC|20|"),
    ("9411AC", "20.0", None, None, "9411AC|20|"),  # Excel number
    ("9411AC", 20, None, None, "9411AC|20|"),
    ("9411-ac", " 20 ", " ", "", "9411AC|20|"),
    ("9411\u00a0AC", "7", None, None, "9411AC|7|"),
])
def test_canonical_key(postcode, number, letter, toevoeging, key):
    def one(value):
        return None if value is None else pd.Series([value], dtype=object)

    parsed = parse_addresses(pd.Series([postcode]), pd.Series([number], dtype=object),
                             one(letter), one(toevoeging))
    assert parsed["problem"].item() == ""
    assert parsed["key"].item() == key


@pytest.mark.parametrize(("postcode", "number", "problem", "text"), [
    ("", "1", "postcode_missing", "postcode ontbreekt"),
    (None, "1", "postcode_missing", "postcode ontbreekt"),
    ("1234", "1", "postcode_invalid", "ongeldige postcode '1234'"),
    ("0123AB", "1", "postcode_invalid", "ongeldige postcode"),
    ("9411A", "1", "postcode_invalid", "4 cijfers en 2 letters"),
    ("94111AB", "1", "postcode_invalid", "ongeldige postcode"),
    ("9411AC", "", "number_missing", "huisnummer ontbreekt"),
    ("9411AC", None, "number_missing", "huisnummer ontbreekt"),
    ("9411AC", "0", "number_invalid", "ongeldig huisnummer '0'"),
    ("9411AC", "abc", "number_invalid", "ongeldig huisnummer 'abc'"),
    ("9411AC", "nr 3", "number_invalid", "ongeldig huisnummer"),
    ("9411AC", "123456", "number_invalid", "1 tot 99999"),
])
def test_unusable_address_gets_its_reason(postcode, number, problem, text):
    parsed = parse_addresses(pd.Series([postcode], dtype=object),
                             pd.Series([number], dtype=object))
    assert parsed["problem"].item() == problem
    assert text in parsed["detail"].item()
    assert parsed["key"].item() == ""


def test_index_prefers_the_live_object_and_lists_what_exists():
    bag = parse_addresses(pd.Series(["9411AG", "9411AG", "9411AC", "9411AC", "9411AC"]),
                          pd.Series([50, 50, 20, 20, 22]),
                          toevoeging=pd.Series([None, None, "1", "2", None]))
    index = AddressIndex(bag, np.array([True, False, False, False, False]))
    rows = parse_addresses(pd.Series(["9411AG", "9411AC", "9411AC", "9411AC"]),
                           pd.Series(["50", "20", "20-3", "21"]))
    got = index.match(rows)
    assert list(got["target"]) == [1, -1, -1, -1]
    assert list(got["reason"]) == ["", "ambiguous", "suffix_unknown", "number_unknown"]
    assert "(20-1, 20-2)" in got["detail"][1]
    assert got["detail"][2].endswith("wel: 20-1, 20-2")
    assert "(wel: 20, 22)" in got["detail"][3]


# --------------------------------------------------------------------------- BAG light fixture

# (n, pand, postcode, huisnummer, huisletter, toevoeging, gebruiksdoel, status, dx, dy)
VBOS = [
    (1, 1, "9411AB", 10, None, None, "woonfunctie", IN_USE, 100, 100),
    (2, 2, "9411AB", 11, None, None, "woonfunctie", IN_USE, 130, 100),
    (3, 3, "9411AB", 12, None, None, "gezondheidszorgfunctie", IN_USE, 160, 100),
    (4, 3, "9411AB", 14, "A", None, "woonfunctie", IN_USE, 190, 100),
    (5, 4, "9411AC", 20, None, "1", "woonfunctie", IN_USE, 300, 300),
    (6, 4, "9411AC", 20, None, "2", "woonfunctie", IN_USE, 303, 300),
    (7, 4, "9411AC", 20, None, "3", "woonfunctie", IN_USE, 306, 300),
    (8, 4, "9411AC", 20, None, "4", "woonfunctie", IN_USE, 309, 300),
    (9, 4, "9411AC", 22, None, None, "winkelfunctie", IN_USE, 330, 300),
    (10, 5, "9411AE", 3, None, None, "woonfunctie", IN_USE, 500, 500),
    (11, 5, "9411AE", 3, "A", None, "overige gebruiksfunctie", IN_USE, 510, 500),
    (12, 6, "9411AF", 40, None, None, "woonfunctie", "Verblijfsobject gevormd", 600, 600),
    (13, 7, "9411AG", 50, None, None, "woonfunctie", "Verblijfsobject ingetrokken", 700, 700),
    (14, 7, "9411AG", 50, None, None, "woonfunctie", IN_USE, 705, 700),
    (15, 8, "9411AH", 5, "B", "2", "woonfunctie", IN_USE, 800, 800),
    (16, 9, "9411ZZ", 1, None, None, "woonfunctie", IN_USE, -5000, 500),
    (1, 1, "9411AB", 10, None, None, "woonfunctie", IN_USE, 100, 100),  # duplicate row
]


def xy_of(n: int) -> tuple[float, float]:
    row = next(v for v in VBOS if v[0] == n)
    return X0 + row[8], Y0 + row[9]


def write_bag_light(path, *, with_addresses: bool = True):
    panden = sorted({v[1] for v in VBOS})
    pand = gpd.GeoDataFrame(
        {"identificatie": [f"1731100000{p:06d}" for p in panden],
         "bouwjaar": [1970 + p for p in panden], "status": ["Pand in gebruik"] * len(panden)},
        geometry=[shapely.Point(*xy_of(next(v[0] for v in VBOS if v[1] == p))).buffer(30)
                  for p in panden], crs=vocabulary.METRIC_CRS)
    vbo = gpd.GeoDataFrame({
        "identificatie": [vid(v[0]) for v in VBOS],
        "postcode": [v[2] for v in VBOS],
        "huisnummer": np.array([v[3] for v in VBOS], dtype="int64"),
        "huisletter": [v[4] for v in VBOS],
        "toevoeging": [v[5] for v in VBOS],
        "woonplaats_naam": "Beilen",
        "openbare_ruimte_naam": "Brink",
        "gebruiksdoel": [v[6] for v in VBOS],
        "oppervlakte": np.full(len(VBOS), 90, dtype="int64"),
        "status": [v[7] for v in VBOS],
        "pand_identificatie": [f"1731100000{v[1]:06d}" for v in VBOS],
    }, geometry=[shapely.Point(X0 + v[8], Y0 + v[9], 0.0) for v in VBOS],
        crs=vocabulary.METRIC_CRS)
    if not with_addresses:
        vbo = vbo.drop(columns=["postcode", "huisnummer", "huisletter", "toevoeging"])
    pyogrio.write_dataframe(vbo, path, layer="verblijfsobject", driver="GPKG")
    pyogrio.write_dataframe(pand, path, layer="pand", driver="GPKG")
    return path


@pytest.fixture
def bag_light(tmp_path):
    return write_bag_light(tmp_path / "bag-light.gpkg")


@pytest.fixture
def areas():
    return gpd.GeoDataFrame({"buurt_code": ["BU99910000"]},
                            geometry=[shapely.box(X0, Y0, X0 + 1000, Y0 + 1000)],
                            crs=vocabulary.METRIC_CRS)


# --------------------------------------------------------------------------- corporations

CORPORATION_CSV = (
    "Postcode;Huisnummer;Toevoeging;Eigenaar\n"
    "9411 AC;20-1;;Actio\n"       # 2  exact 5
    "9411ac;20;2;Actio\n"         # 3  exact 6
    "9411AC;20;-3;Actio\n"        # 4  exact 7
    "9411-AC;20 4;;Actio\n"       # 5  exact 8
    "9411AB;14 a;;Actio\n"        # 6  exact 4 (huisletter A)
    "9411AB;10;;Actio\n"          # 7  exact 1
    "9411AB;11;A;Actio\n"         # 8  11A unknown, the only address at 11 → weaker match 2
    "9411AH;5;B2;Actio\n"         # 9  exact 15 (letter B + toevoeging 2 in the BAG)
    "9411AC;20;;Actio\n"          # 10 ambiguous
    "9411AC;20;9;Actio\n"         # 11 suffix_unknown
    "9411AC;21;;Actio\n"          # 12 number_unknown
    "9999XX;1;;Actio\n"           # 13 postcode_unknown
    "94111AB;1;;Actio\n"          # 14 postcode_invalid
    "9411AB;;;Actio\n"            # 15 number_missing
    "9411AC;22;;Actio\n"          # 16 a shop
    "9411AF;40;;Actio\n"          # 17 status gevormd
    "9411AG;50;;Actio\n"          # 18 exact 14 (the live object, not the withdrawn 13)
    "9411ZZ;1;;Actio\n"           # 19 outside the buurten
    "9411AE;3;;Actio\n"           # 20 exact 10 (3, not 3A)
    "9411AB;abc;;Actio\n"         # 21 number_invalid
)


def by_vbo(homes: pd.DataFrame) -> pd.DataFrame:
    out = homes.set_index("home_id")
    out.index = [int(i[-6:]) for i in out.index]
    return out


def test_corporation_list_in_the_real_form(bag_light, areas):
    corp = read_corporation_list(CORPORATION_CSV.encode(), "corporatie.csv")
    result = read_bag_homes(bag_light, areas=areas, corporations=corp)
    homes = by_vbo(result.homes)
    assert set(homes.index[homes["tenure"] == "social_rent"]) == {5, 6, 7, 8, 4, 1, 2, 15,
                                                                  14, 10}
    assert set(homes.loc[homes["tenure"] == "social_rent", "owner"]) == {"Actio"}
    matches = result.corporation_matches.set_index("row")
    assert list(matches.index) == list(range(2, 22))
    expected = {2: "", 3: "", 4: "", 5: "", 6: "", 7: "", 8: "", 9: "", 10: "ambiguous",
                11: "suffix_unknown", 12: "number_unknown", 13: "postcode_unknown",
                14: "postcode_invalid", 15: "number_missing", 16: "not_dwelling",
                17: "not_dwelling", 18: "", 19: "not_dwelling", 20: "",
                21: "number_invalid"}
    assert matches["reason"].to_dict() == expected
    assert matches.loc[8, "match"] == "postcode_huisnummer"
    assert (matches.loc[[2, 3, 4, 5, 6, 7, 9, 18, 20], "match"] == "exact").all()
    assert [homes.index[h] for h in matches.loc[[2, 3, 4, 5, 6, 7, 8, 9, 18, 20], "home"]] == [
        5, 6, 7, 8, 4, 1, 2, 15, 14, 10]
    assert "winkelfunctie" in matches.loc[16, "detail"]
    assert "Verblijfsobject gevormd" in matches.loc[17, "detail"]
    assert "buiten de buurten" in matches.loc[19, "detail"]
    stats = result.stats
    assert (stats["corporation_rows"], stats["corporation_matched"],
            stats["corporation_exact"], stats["corporation_postcode_huisnummer"],
            stats["corporation_unmatched"], stats["social_rent"]) == (20, 10, 9, 1, 10, 10)
    assert stats["corporation_unmatched_not_dwelling"] == 3
    lines = [w for w in result.warnings if w.startswith("Corporatielijst, regel")]
    assert len(lines) == 11  # 10 not matched + 1 weaker match
    assert lines[0].startswith("Corporatielijst, regel 8 (9411AB 11 A): gekoppeld op postcode")
    assert "regel 12 (9411AC 21): huisnummer 21 niet gevonden bij postcode 9411AC" in \
        " | ".join(lines)
    summary = next(w for w in result.warnings if w.startswith("Corporatielijst:"))
    assert "10 van 20 regels gekoppeld" in summary and "3× geen woning van de gemeente" in summary


def test_huisletter_column_and_bag_ids_mixed(bag_light, areas):
    csv = ("bag_id;postcode;huisnummer;huisletter;toevoeging;corporatie\n"
           f"{vid(1)};;;;;Actio\n"
           ";9411AH;5;b;2;Woonzorg\n"
           "1731019999999999;9411AE;3;;;Woonzorg\n"   # unknown id, address used
           "1731019999999998;;;;;Actio\n").encode()
    result = read_bag_homes(bag_light, areas=areas,
                            corporations=read_corporation_list(csv, "lijst.csv"))
    homes = by_vbo(result.homes)
    assert homes.loc[homes["tenure"] == "social_rent", "owner"].to_dict() == {
        1: "Actio", 15: "Woonzorg", 10: "Woonzorg"}
    matches = result.corporation_matches
    assert list(matches["match"]) == ["id", "exact", "exact", ""]
    assert matches["detail"].iloc[3] == "BAG-id 1731019999999998 staat niet in het BAG-bestand"


def test_address_list_against_bag_without_addresses(tmp_path, areas):
    path = write_bag_light(tmp_path / "bag.gpkg", with_addresses=False)
    corp = read_corporation_list(b"Postcode;Huisnummer;Eigenaar\n9411AB;10;Actio\n")
    with pytest.raises(ImportDataError, match="geen kolommen postcode en huisnummer"):
        read_bag_homes(path, areas=areas, corporations=corp)
    mixed = read_corporation_list(
        f"identificatie;postcode;huisnummer;eigenaar\n{vid(1)};;;A\n;9411AB;11;A\n".encode())
    result = read_bag_homes(path, areas=areas, corporations=mixed)
    assert result.stats["corporation_matched"] == 1
    assert result.stats["corporation_unmatched_bag_without_addresses"] == 1


# --------------------------------------------------------------------------- facilities

FACILITY_CSV = (
    "Naam;Soort;Straat;Huisnummer;Postcode;Plaats\n"
    "Huisartsenpraktijk Beilen;huisarts;Brink;12;9411 AB;Beilen\n"
    "Apotheek Beilen;apotheek;Brink;14;9411 ab;Beilen\n"          # only 14A: weaker match
    "Dorpshuis Hooghalen;dorpshuis;Hoofdstraat;3;9414 AA;Hooghalen\n"
    "Zorgcentrum;verpleeghuis;Brink;20 3;9411AC;Beilen\n"
)


@pytest.fixture
def bag_addresses(bag_light):
    return read_bag_homes(bag_light).addresses


def test_facilities_with_addresses_only_are_placed_at_the_verblijfsobject(bag_addresses):
    result = read_facilities(FACILITY_CSV.encode(), "voorzieningen.csv",
                             addresses=bag_addresses)
    fac = result.facilities.set_index("name")
    assert list(fac.index) == ["Huisartsenpraktijk Beilen", "Apotheek Beilen", "Zorgcentrum"]
    assert list(fac["facility_id"]) == ["U0001", "U0002", "U0004"]  # ids follow the rows
    assert list(fac["facility_type"]) == ["gp", "pharmacy", "nursing_somatic"]
    got = {name: (geom.x, geom.y) for name, geom in fac.geometry.items()}
    assert got == {"Huisartsenpraktijk Beilen": xy_of(3), "Apotheek Beilen": xy_of(4),
                   "Zorgcentrum": xy_of(7)}
    assert not fac.geometry.has_z.any() and fac.crs.equals(vocabulary.METRIC_CRS)
    assert fac.loc["Zorgcentrum", "woonplaats"] == "Beilen"
    stats = result.stats
    assert (stats["read"], stats["kept"], stats["address_exact"],
            stats["address_postcode_huisnummer"], stats["address_unmatched"],
            stats["address_unmatched_postcode_unknown"]) == (4, 3, 2, 1, 1, 1)
    assert result.warnings[0].startswith("3 van 4 voorziening(en) op adres geplaatst")
    lines = [w for w in result.warnings if w.startswith("Adres regel")]
    assert lines == [
        "Adres regel 3 (Apotheek Beilen, Brink 14, 9411 ab Beilen): gekoppeld op postcode + "
        "huisnummer: het enige adres op 9411AB 14 is 14A",
        "Adres regel 4 (Dorpshuis Hooghalen, Hoofdstraat 3, 9414 AA Hooghalen): postcode "
        "9414AA komt niet voor in het BAG-bestand (buiten de uitsnede, of een tikfout)",
    ]


def test_facility_address_line_column(bag_addresses):
    csv = (b"naam,type,adres,postcode\nPraktijk,gp,Brink 12,9411AB\n"
           b"Winkel,supermarkt,Brink 22,9411AC\n")
    fac = read_facilities(csv, "lijst.csv", addresses=bag_addresses).facilities
    assert [(p.x, p.y) for p in fac.geometry] == [xy_of(3), xy_of(9)]


def test_facility_addresses_without_bag_say_what_to_do():
    with pytest.raises(ImportDataError) as err:
        read_facilities(FACILITY_CSV.encode(), "voorzieningen.csv")
    message = str(err.value)
    assert "geen coördinaten" in message and "--bag" in message
    assert "BAG (GeoPackage)" in message and "lon en lat" in message
    with pytest.raises(ImportDataError, match="'bag.gpkg' heeft geen kolommen postcode"):
        read_facilities(FACILITY_CSV.encode(), "voorzieningen.csv", bag_name="bag.gpkg")


def test_no_address_found_is_an_error_listing_the_rows(bag_addresses):
    csv = b"Naam;Soort;Huisnummer;Postcode\nA;huisarts;1;1000AA\nB;huisarts;;9411AB\n"
    with pytest.raises(ImportDataError, match="geen enkel adres") as err:
        read_facilities(csv, "lijst.csv", addresses=bag_addresses)
    assert "regel 2 (A, 1, 1000AA)" in str(err.value)
    assert "regel 3 (B, 9411AB): huisnummer ontbreekt" in str(err.value)


def test_coordinates_win_and_empty_coordinates_use_the_address(bag_addresses):
    csv = ("naam;soort;x;y;straat;huisnummer;postcode\n"
           f"Praktijk;huisarts;{X0 + 1};{Y0 + 2};Brink;12;9411AB\n"
           "Apotheek;apotheek;;;Brink;14a;9411AB\n"
           "Nergens;apotheek;;;Weg;1;9999ZZ\n").encode()
    result = read_facilities(csv, "lijst.csv", addresses=bag_addresses)
    got = {r.name: (r.geometry.x, r.geometry.y) for r in result.facilities.itertuples()}
    assert got == {"Praktijk": (X0 + 1, Y0 + 2), "Apotheek": xy_of(4)}
    assert result.stats["dropped_address_not_found"] == 1
    assert any(w.startswith("Adres regel 4 (Nergens") for w in result.warnings)
    with pytest.raises(ImportDataError, match="regel 3, 4 heeft geen coördinaten"):
        read_facilities(csv, "lijst.csv")
    only_coords = read_facilities(csv.split(b"\nApotheek")[0], "lijst.csv")
    assert any("coördinaten zijn gebruikt" in w for w in only_coords.warnings)


# --------------------------------------------------------------------------- build and CLI


@pytest.fixture
def build_files(tmp_path, bag_light):
    cbs = tmp_path / "wijkenbuurten_2022.gpkg"
    cbs.write_bytes(cbs_gpkg_bytes())
    corp = tmp_path / "corporatie.csv"
    corp.write_text(CORPORATION_CSV, encoding="utf-8")
    fac = tmp_path / "voorzieningen_adressen.csv"
    fac.write_text(FACILITY_CSV, encoding="utf-8")
    return {"cbs": cbs, "bag": bag_light, "corp": corp, "fac": fac}


def test_build_places_address_facilities_on_the_bag_of_the_build(build_files):
    result = build_region(cbs=build_files["cbs"], gemeente="GM9991", bag=build_files["bag"],
                          corporations=build_files["corp"], facilities=[build_files["fac"]])
    fac = result.region.facilities.set_index("name")
    assert (fac.loc["Huisartsenpraktijk Beilen"].geometry.x,
            fac.loc["Huisartsenpraktijk Beilen"].geometry.y) == xy_of(3)
    assert len(fac) == 3
    stats = result.stats
    assert (stats["facilities_address_exact"], stats["facilities_address_postcode_huisnummer"],
            stats["facilities_address_unmatched"]) == (2, 1, 1)
    assert (stats["corporation_matched"], stats["corporation_unmatched"]) == (10, 10)
    assert (result.region.homes["tenure"] == "social_rent").sum() == 10
    assert any("voorzieningen_adressen.csv: Adres regel 4 (Dorpshuis Hooghalen" in w
               for w in result.warnings)


def test_cli_address_facilities_without_bag_is_a_dutch_message(build_files, tmp_path, capsys):
    code = main(["build", "--gemeente", "GM9991", "--cbs", str(build_files["cbs"]),
                 "--facilities", str(build_files["fac"]), "--out", str(tmp_path / "r.gpkg")])
    captured = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in captured.err + captured.out
    assert "Fout:" in captured.err and "--bag" in captured.err
    assert not (tmp_path / "r.gpkg").exists()


def test_facilities_without_postcode_match_on_street_and_place(bag_addresses):
    csv = (b"Naam;Soort;Straat;Huisnummer;Plaats\n"
           b"Praktijk;huisarts;Brink;12;Beilen\n"
           b"Apotheek;apotheek;BRINK;14a;beilen\n"
           b"Flat;apotheek;Brink;20;Beilen\n"          # 20-1 … 20-4: not unique
           b"Elders;apotheek;Dorpsstraat;1;Beilen\n")
    result = read_facilities(csv, "lijst.csv", addresses=bag_addresses)
    got = {r.name: (r.geometry.x, r.geometry.y) for r in result.facilities.itertuples()}
    assert got == {"Praktijk": xy_of(3), "Apotheek": xy_of(4)}
    lines = [w for w in result.warnings if w.startswith("Adres regel")]
    assert lines[0] == ("Adres regel 2 (Praktijk, Brink 12, Beilen): postcode ontbreekt; "
                        "gekoppeld op straat + plaats: Brink 12, 9411AB Beilen")
    assert lines[2].startswith("Adres regel 4 (Flat, Brink 20, Beilen): postcode ontbreekt, "
                               "en op straat + plaats")
    assert result.stats["address_unmatched_postcode_missing"] == 2
