"""Text encodings, separators and decimal commas as Dutch Excel and old shapefiles write them."""

from __future__ import annotations

import pandas as pd
import pytest
from cbskit import X0, Y0, buurten, shapefile_parts, zip_bytes

from geo.errors import ImportDataError
from geo.io.importers.cbs import read_cbs_buurten
from geo.io.importers.facilities import read_facilities
from geo.io.tables import decode_text, read_table, to_number
from geo.io.uploads import read_vector

NAMES = ["Zorgcentrum 't Ëiland", "Café De Brink"]


def _excel_facilities() -> bytes:
    """A facility list as Dutch Excel saves it: ';', decimal comma, Windows-1252."""
    return ("Naam;Soort;Plaats;Breedtegraad;Lengtegraad;Capaciteit\r\n"
            f"{NAMES[0]};verpleeghuis;Beilen;52,8589;6,5201;48\r\n"
            f"{NAMES[1]};dorpshuis;Wijster;52,8153;6,5189;\r\n").encode("cp1252")


def test_cp1252_csv_is_read_with_a_note():
    frame = read_table(_excel_facilities(), "voorzieningen.csv")
    assert frame["Naam"].tolist() == NAMES
    assert frame.attrs["encoding"] == "cp1252" and frame.attrs["delimiter"] == ";"
    assert "Windows-1252" in frame.attrs["notes"][0]
    assert to_number(frame["Breedtegraad"]).tolist() == [52.8589, 52.8153]


def test_cp1252_facility_list_keeps_names_and_coordinates():
    result = read_facilities(_excel_facilities(), "voorzieningen.csv")
    assert result.facilities["name"].tolist() == NAMES
    assert result.facilities["capacity"].iloc[0] == 48
    assert any("Windows-1252" in w for w in result.warnings)
    x = result.facilities.geometry.x
    assert ((x > 225_000) & (x < 240_000)).all()  # 6,52° E in RD New


def test_utf8_with_bom_and_comma_separator_is_not_flagged():
    data = "\ufeffnaam,waarde\nCafé,\"1.234,5\"\n".encode()
    frame = read_table(data)
    assert frame.attrs["encoding"] == "utf-8" and frame.attrs["notes"] == ()
    assert list(frame.columns) == ["naam", "waarde"] and frame["naam"].item() == "Café"
    assert to_number(frame["waarde"]).item() == pytest.approx(1234.5)


def test_bytes_that_are_neither_utf8_nor_cp1252_are_refused():
    with pytest.raises(ImportDataError, match="ook geen Windows-1252"):
        decode_text(b"a;b\n\x81\x8d;1\n", "x.csv")


@pytest.mark.parametrize(("values", "whole", "expected"), [
    (["1.234,5", "12,25"], False, [1234.5, 12.25]),       # Dutch: both separators
    (["1.234.567", "980"], False, [1234567.0, 980.0]),     # two dots: thousands
    (["1,234,567", "2.5"], False, [1234567.0, 2.5]),       # two commas: thousands
    (["34.025", "9.350", "60"], True, [34025.0, 9350.0, 60.0]),  # counts: thousands
    (["34.025"], False, [34.025]),                         # ambiguous: decimal point
    (["12,5", " 3 "], False, [12.5, 3.0]),                 # decimal comma, spaces
])
def test_number_formats(values, whole, expected):
    assert to_number(pd.Series(values), whole=whole).tolist() == pytest.approx(expected)


def _cp1252_shapefile(cpg: bytes | None) -> bytes:
    frame = buurten("upper").iloc[:2].copy()
    frame["BU_NAAM"] = ["Hoogersmilde-Zuid Ë", "Café-buurt"]
    parts = shapefile_parts(frame, encoding="cp1252")
    parts.pop(".cpg", None)
    dbf = bytearray(parts[".dbf"])
    dbf[29] = 0  # no code-page byte (language driver id)
    parts[".dbf"] = bytes(dbf)
    if cpg is not None:
        parts[".cpg"] = cpg
    return zip_bytes({f"buurten{ext}": content for ext, content in parts.items()})


def test_shapefile_without_code_page_read_as_cp1252():
    gdf = read_vector(_cp1252_shapefile(None), "buurten.zip")
    assert gdf["BU_NAAM"].tolist() == ["Hoogersmilde-Zuid Ë", "Café-buurt"]
    assert any("Windows-1252" in n for n in gdf.attrs["notes"])


def test_shapefile_with_utf8_cpg_that_lies_is_refused():
    with pytest.raises(ImportDataError, match="geen UTF-8"):
        read_vector(_cp1252_shapefile(b"UTF-8"), "buurten.zip")


def test_shapefile_with_1252_cpg_reads_without_note():
    gdf = read_vector(_cp1252_shapefile(b"1252"), "buurten.zip")
    assert gdf["BU_NAAM"].tolist() == ["Hoogersmilde-Zuid Ë", "Café-buurt"]
    assert gdf.attrs["notes"] == ()


def test_cbs_shapefile_note_reaches_the_import_warnings():
    result = read_cbs_buurten(_cp1252_shapefile(None), "buurt_2020.zip", gemeente="GM9991")
    assert "Hoogersmilde-Zuid Ë" in result.areas["buurt_name"].tolist()
    assert any("Windows-1252" in w for w in result.warnings)
    centre = result.areas.geometry.centroid
    assert centre.x.min() > X0 and centre.y.min() > Y0


def test_title_line_above_the_header_is_skipped():
    data = (b'"Bevolking; kerncijfers"\n"Perioden";"Totale bevolking (aantal)"\n'
            b'"2024";"17.942.942"\n')
    frame = read_table(data)
    assert frame.attrs["delimiter"] == ";"
    assert list(frame.columns) == ["Perioden", "Totale bevolking (aantal)"]
    assert to_number(frame["Totale bevolking (aantal)"]).item() == 17_942_942
