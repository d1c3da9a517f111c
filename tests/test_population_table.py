"""Population tables in every form CBS produces (fixtures written here, in the real schemas).

The Testdorp map (tests/cbskit.py, GM9991) has four land buurten. Every table below holds
the same truth (:data:`TRUTH`) in another CBS form; rows of other levels are mixed in.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cbskit import cbs_gpkg_bytes

from geo import vocabulary
from geo.cli import main
from geo.errors import ImportDataError
from geo.io.build import build_region
from geo.io.importers.cbs_population import NATIONAL_AGE_BANDS
from geo.io.importers.population_table import column_key, read_population_table

BANDS = vocabulary.band_columns()
CODES = ["BU99910000", "BU99910001", "BU99910009", "BU99910100"]
NAMES = ["Dorp-Centrum", "Dorp-Noord", "Verspreide huizen Dorp", "Gehucht"]
# inhabitants, 0-15, 15-25, 25-45, 45-65, 65+ (CBS rounds buurt counts to 5: the last row's
# bands add up to 55, not 60)
TRUTH = [(1210, 180, 120, 250, 310, 350), (505, 75, 55, 100, 135, 140),
         (215, 20, 20, 45, 60, 70), (60, 5, 5, 10, 15, 20)]
OTHER_ROWS = [("GM9991", "Testdorp", "Gemeente", (1990, 280, 200, 405, 520, 580)),
              ("WK999100", "Dorp", "Wijk", (1930, 275, 195, 395, 505, 560)),
              ("NL01", "Nederland", "Land", (17942942, 2714040, 2205000, 4600000, 4746674,
                                             3677228))]
ODATA_KEYS = ["AantalInwoners_5", "k_0Tot15Jaar_8", "k_15Tot25Jaar_9", "k_25Tot45Jaar_10",
              "k_45Tot65Jaar_11", "k_65JaarOfOuder_12"]


@pytest.fixture()
def cbs(tmp_path):
    path = tmp_path / "wijkenbuurten_2022_v3.gpkg"
    path.write_bytes(cbs_gpkg_bytes())
    return path


def _rows():
    """(code, name, kind, values) for the gemeente, the wijk, the land and the buurten."""
    buurten = [(c, n, "Buurt", v) for c, n, v in zip(CODES, NAMES, TRUTH, strict=True)]
    return [OTHER_ROWS[0], OTHER_ROWS[1], *buurten, OTHER_ROWS[2]]


def odata_typed() -> bytes:
    """CBS OData TypedDataSet as CSV: suffixed keys, codes padded to 10 characters."""
    head = "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;" + ";".join(ODATA_KEYS)
    lines = [head] + [f"{i};{code:<10};Testdorp  ;{kind:<10};{code:<10};"
                      + ";".join(map(str, values))
                      for i, (code, _, kind, values) in enumerate(_rows())]
    return ("\n".join(lines) + "\n").encode()


def odata_plain() -> bytes:
    """The CSV of ``geo fetch --population``: keys without suffix, ``;``."""
    head = "WijkenEnBuurten;Gemeentenaam;SoortRegio;" + ";".join(
        k.rsplit("_", 1)[0] for k in ODATA_KEYS)
    lines = [head] + [f"{code};Testdorp;{kind};" + ";".join(map(str, values))
                      for code, _, kind, values in _rows()]
    return ("\n".join(lines) + "\n").encode()


def statline_web() -> bytes:
    """StatLine web export: titles with path and unit, names and code columns, quoted."""
    titles = ["Bevolking/Aantal inwoners (aantal)",
              "Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)",
              "Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)",
              "Bevolking/Leeftijdsgroepen/25 tot 45 jaar (aantal)",
              "Bevolking/Leeftijdsgroepen/45 tot 65 jaar (aantal)",
              "Bevolking/Leeftijdsgroepen/65 jaar of ouder (aantal)"]
    head = ['Wijken en buurten', 'Perioden', 'Regioaanduiding/Gemeentenaam (naam)',
            'Regioaanduiding/Soort regio (omschrijving)', 'Regioaanduiding/Codering (code)',
            *titles]
    lines = [";".join(f'"{h}"' for h in head)]
    for code, name, kind, values in _rows():
        cells = [name, "2024", "Testdorp", kind, code, *map(str, values)]
        lines.append(";".join(f'"{c}"' for c in cells))
    return ("\r\n".join(lines) + "\r\n").encode()


def statline_formatted() -> bytes:
    """StatLine "CSV met opmaak": a title line above the header and a source line below."""
    return (b'"Kerncijfers wijken en buurten 2024"\r\n' + statline_web()
            + b'"Bron: CBS"\r\n')


def cbsodata_style() -> bytes:
    """cbsodata.get_data(): region NAMES in WijkenEnBuurten, the code in Codering_3, ``,``."""
    head = "WijkenEnBuurten,Gemeentenaam_1,SoortRegio_2,Codering_3," + ",".join(ODATA_KEYS)
    lines = [head] + [f"{name},Testdorp,{kind},{code}," + ",".join(map(str, values))
                      for code, name, kind, values in _rows()]
    return ("\n".join(lines) + "\n").encode()


def wbk_percentages() -> bytes:
    """The Wijk- en Buurtkaart's own columns, age as whole percentages."""
    head = ("buurtcode,buurtnaam,aantal_inwoners,percentage_personen_0_tot_15_jaar,"
            "percentage_personen_15_tot_25_jaar,percentage_personen_25_tot_45_jaar,"
            "percentage_personen_45_tot_65_jaar,percentage_personen_65_jaar_en_ouder")
    lines = [head]
    for code, name, values in zip(CODES, NAMES, TRUTH, strict=True):
        pct = [round(v / values[0] * 100) for v in values[1:]]
        lines.append(f"{code},{name},{values[0]}," + ",".join(map(str, pct)))
    return ("\n".join(lines) + "\n").encode()


def partial_counts() -> bytes:
    """Like the CBS 2024 buurt table: inhabitants, 0-15 and 65+ only (other bands empty)."""
    head = ("gwb_code,regio,soort_regio,jaar,aantal_inwoners,aantal_personen_0_tot_15_jaar,"
            "aantal_personen_15_tot_25_jaar,aantal_personen_65_jaar_en_ouder")
    lines = [head]
    for code, name, kind, values in _rows():
        lines.append(f"{code},{name},{kind},2024,{values[0]},{values[1]},,{values[5]}")
    return ("\n".join(lines) + "\n").encode()


def excel_cp1252() -> bytes:
    """Dutch Excel: ``;``, Windows-1252 names, thousands separators, spaces around codes."""
    lines = ["Buurt;Code;Aantal inwoners;0 tot 15 jaar;15 tot 25 jaar;25 tot 45 jaar;"
             "45 tot 65 jaar;65 jaar of ouder"]
    names = {"BU99910000": "Dorp-Centrum (café)", "BU99910001": "Noord 't Ëiland"}
    for code, name, _, values in _rows():
        text = [f"{v:,}".replace(",", ".") for v in values]
        lines.append(f"{names.get(code, name)}; {code} ;" + ";".join(text))
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _population(cbs, data, name="bevolking.csv", **kwargs):
    result = build_region(cbs=cbs, gemeente="GM9991", population=(data, name), **kwargs)
    return result, result.region.population.set_index("buurt_code").loc[CODES]


def _sixty_five(pop):
    return pop[["pop_65_74", "pop_75_84", "pop_85_plus"]].sum(axis=1).tolist()


# --------------------------------------------------------------------------- forms


@pytest.mark.parametrize(("maker", "form"), [
    (odata_typed, "TypedDataSet"),
    (odata_plain, "zonder volgnummer"),
    (statline_web, "StatLine-webexport"),
    (statline_formatted, "StatLine-webexport"),
    (cbsodata_style, "code in 'Codering_3'"),
    (excel_cp1252, "StatLine-titels"),
])
def test_every_count_form_gives_the_cbs_figures(cbs, maker, form):
    result, pop = _population(cbs, maker())
    assert pop[BANDS].sum(axis=1).tolist() == [v[0] for v in TRUTH]  # inhabitants exact
    assert _sixty_five(pop) == [v[5] for v in TRUTH]  # 65+ exact
    # complete rows: the bands under 65 as given (the last row absorbs CBS's rounding)
    assert pop.iloc[:3, :4].to_numpy().tolist() == [list(v[1:5]) for v in TRUTH[:3]]
    assert pop.iloc[3, :4].sum() == 40 and pop["estimated"].all()
    assert result.stats["population_matched"] == 4
    source = result.region.metadata["source_population"]
    assert "bevolkingstabel 'bevolking.csv'" in source and form in source
    warnings = "\n".join(result.warnings)
    assert "4 van 4 buurten gevonden" in warnings
    assert "1 gemeente" in warnings and "1 wijk" in warnings and "1 land" in warnings


def test_odata_columns_are_named_in_the_provenance(cbs):
    result, _ = _population(cbs, odata_typed(), "85318NED_TypedDataSet.csv")
    source = result.region.metadata["source_population"]
    assert "AantalInwoners_5 → inwoners" in source
    assert "k_65JaarOfOuder_12 → 65+ (aantal)" in source
    assert "WijkenEnBuurten → regiocode" in source


def test_cp1252_table_is_read_with_a_note(cbs):
    result, _ = _population(cbs, excel_cp1252())
    assert any("Windows-1252" in w for w in result.warnings)


def test_wbk_percentages_times_inhabitants(cbs):
    result, pop = _population(cbs, wbk_percentages())
    assert pop[BANDS].sum(axis=1).tolist() == [v[0] for v in TRUTH]
    # whole percentages: 65+ is within one percent of the inhabitants of the truth
    for got, values in zip(_sixty_five(pop), TRUTH, strict=True):
        assert abs(got - values[5]) <= values[0] / 100 + 1
    assert "Wijk- en Buurtkaart" in result.region.metadata["source_population"]


def test_partial_bands_estimated_by_the_national_distribution(cbs):
    result, pop = _population(cbs, partial_counts(), "kerncijfers.csv")
    assert pop[BANDS].sum(axis=1).tolist() == [v[0] for v in TRUTH]
    assert _sixty_five(pop) == [v[5] for v in TRUTH]
    assert pop["pop_0_14"].tolist() == [v[1] for v in TRUTH]
    # Dorp-Centrum: 1210 - 180 - 350 = 680 split 19/40/41 % → 129.2, 272, 278.8
    assert pop.loc["BU99910000", ["pop_15_24", "pop_25_44", "pop_45_64"]].tolist() == [
        129, 272, 279]
    meta = result.region.metadata
    assert "15–25, 25–45, 45–65" in meta["notice"] and "geschat" in meta["notice"]
    assert "aantal_personen_65_jaar_en_ouder → 65+ (aantal)" in meta["source_population"]
    assert "aantal_personen_15_tot_25_jaar →" not in meta["source_population"]  # empty
    assert "85984NED" in meta["source_population"]  # the national distribution's source
    assert any("zonder waarden" in w for w in result.warnings)
    assert pop["estimated"].all()


def test_national_distribution_is_stated():
    shares = NATIONAL_AGE_BANDS.shares
    assert shares.sum() == pytest.approx(1.0)
    assert shares[0] == pytest.approx(2_714_040 / 17_942_942)
    assert shares[4] == pytest.approx(3_677_228 / 17_942_942)
    assert "aanname" in NATIONAL_AGE_BANDS.source


def test_latest_year_wins_and_duplicates_without_year_are_refused(cbs):
    old = partial_counts().decode().replace(",2024,", ",2019,").splitlines()[1:]
    text = partial_counts().decode() + "\n".join(old) + "\n"
    result, pop = _population(cbs, text.encode())
    assert pop["pop_0_14"].tolist() == [v[1] for v in TRUTH]
    assert any("laatste jaar (2024)" in w for w in result.warnings)
    doubled = odata_plain().decode()
    doubled += doubled.splitlines()[3].replace(";1210;", ";1300;") + "\n"
    with pytest.raises(ImportDataError, match="meer dan eens.*BU99910000"):
        _population(cbs, doubled.encode())


# --------------------------------------------------------------------------- refusals


def test_table_of_another_municipality_stops_with_codes(cbs):
    other = odata_typed().replace(b"BU9991", b"BU1731")
    with pytest.raises(ImportDataError) as info:
        _population(cbs, other)
    message = str(info.value)
    assert "0 van de 4 buurten" in message
    assert "BU99910000" in message and "BU17310000" in message


def test_table_with_only_wijken_says_so(cbs):
    wijken = "\n".join(line for line in odata_plain().decode().splitlines()
                       if not line.startswith("BU")) + "\n"
    with pytest.raises(ImportDataError, match="geen buurten, alleen GM9991, NL01, WK999100"):
        _population(cbs, wijken.encode())


def test_small_share_of_buurten_or_inhabitants_stops(cbs):
    lines = odata_plain().decode().splitlines()
    one = "\n".join([lines[0], *[ln for ln in lines if ln.startswith("BU99910100")]])
    with pytest.raises(ImportDataError, match="1 van de 4 buurten"):
        _population(cbs, one.encode())
    # 3 of 4 buurten, but without Dorp-Centrum (1000 of the map's 1700 inhabitants)
    three = "\n".join(ln for ln in lines if not ln.startswith("BU99910000"))
    with pytest.raises(ImportDataError, match="3 van de 4 buurten.*41 % van de inwoners"):
        _population(cbs, three.encode())


def test_most_buurten_matched_keeps_the_map_for_the_rest(cbs):
    lines = odata_plain().decode().splitlines()
    three = "\n".join(ln for ln in lines if not ln.startswith("BU99910009")) + "\n"
    result, pop = _population(cbs, three.encode())
    assert pop.loc["BU99910009", BANDS].sum() == 200  # the map's inhabitants
    assert any("BU99910009" in w and "buurtenkaart" in w for w in result.warnings)


def test_no_code_or_inhabitants_column(cbs):
    with pytest.raises(ImportDataError, match="regiocodes"):
        _population(cbs, b"naam;inwoners\nDorp;1000\n")
    with pytest.raises(ImportDataError, match="aantal inwoners"):
        _population(cbs, b"buurtcode;k_0Tot15Jaar\nBU99910000;100\n")


def test_cli_refuses_an_unmatched_table(cbs, tmp_path, capsys):
    table = tmp_path / "bevolking.csv"
    table.write_bytes(odata_typed().replace(b"BU9991", b"BU1731"))
    out = tmp_path / "r.gpkg"
    assert main(["build", "--gemeente", "GM9991", "--cbs", str(cbs), "--population",
                 str(table), "--out", str(out)]) == 2
    assert "0 van de 4 buurten" in capsys.readouterr().err
    assert not out.exists()


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(("name", "key"), [
    ("AantalInwoners_5", ("aantalinwoners", False)),
    ("aantal_inwoners", ("aantalinwoners", False)),
    ("Bevolking/Aantal inwoners (aantal)", ("aantalinwoners", False)),
    ("k_65JaarOfOuder_12", ("k65jaarofouder", False)),
    ("Bevolking/Leeftijdsgroepen/65 jaar of ouder (%)", ("65jaarofouder", True)),
    (" Codering_3 ", ("codering", False)),
])
def test_column_key(name, key):
    assert column_key(name) == key


def test_read_population_table_directly():
    table = read_population_table(odata_typed(), "t.csv", buurt_codes=CODES)
    assert table.matched == 4 and table.bands == ("n_0_14", "n_15_24", "n_25_44",
                                                  "n_45_64", "n_65_plus")
    assert table.values.loc["BU99910100", "n_65_plus"] == 20
    assert np.isnan(read_population_table(
        partial_counts(), "p.csv", buurt_codes=CODES).values["n_25_44"]).all()


# --------------------------------------------------------------------------- impossible values


def _with_value(row: int, col: int, text: str) -> bytes:
    """``odata_plain`` with one cell of a buurt row replaced (col 0 = inhabitants)."""
    lines = odata_plain().decode().splitlines()
    cells = lines[3 + row].split(";")
    cells[3 + col] = text
    lines[3 + row] = ";".join(cells)
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(("row", "col", "text", "words"), [
    (1, 0, "-5", ["BU99910001", "'AantalInwoners'", "-5", "negatief"]),
    (0, 5, "-350", ["BU99910000", "'k_65JaarOfOuder'", "-350", "negatief"]),
    (2, 0, "250000", ["BU99910009", "'AantalInwoners'", "250000", "100.000"]),
    (0, 0, "1e300", ["BU99910000", "'AantalInwoners'", "1e+300", "onmogelijk"]),
    (0, 5, "900", ["BU99910000", "leeftijdsgroepen", "1760", "1210 inwoners"]),
])
def test_impossible_values_stop_with_buurt_column_and_value(cbs, row, col, text, words):
    with pytest.raises(ImportDataError) as info:
        _population(cbs, _with_value(row, col, text))
    message = str(info.value)
    for word in words:
        assert word.lower() in message.lower(), message
    if text == "1e300":
        assert "geheim" not in message and "negatie" not in message


def test_cbs_rounding_and_sentinels_still_pass(cbs):
    # bands 15 over 1210 inhabitants (within 2 %), a no-data code stays unknown
    _, pop = _population(cbs, _with_value(3, 2, "-99997")
                         .replace(b";1210;180;", b";1210;195;"))
    assert pop[BANDS].sum(axis=1).tolist() == [v[0] for v in TRUTH]


def test_percentages_above_100_stop(cbs):
    bad = wbk_percentages().replace(b"BU99910001,Dorp-Noord,505,15,",
                                    b"BU99910001,Dorp-Noord,505,150,")
    with pytest.raises(ImportDataError, match=r"BU99910001.*percentage"):
        _population(cbs, bad)


def test_missing_inhabitants_stated_once_and_not_when_a_table_gives_them(cbs):
    """The map lacks BU99910100's inhabitants (-99997); the table has them."""
    plain = build_region(cbs=cbs, gemeente="GM9991")
    lines = [t for t in [line.text for line in plain.report] if "zonder inwonersaantal" in t]
    assert lines == ["1 buurt zonder inwonersaantal (geheim of niet aanwezig, -99997: 1); "
                     "die blijft op de kaart met bevolking 0."]
    assert sum("zonder inwonersaantal" in w for w in plain.warnings) == 1
    result, _ = _population(cbs, odata_plain())
    everything = [line.text for line in result.report] + list(result.warnings)
    assert not any("zonder inwonersaantal" in t or "bevolking 0" in t for t in everything)


def test_unknown_inhabitants_note_grammar():
    from geo.io.importers.cbs_population import population_from_cbs
    for n, verb in ((1, "1 buurt zonder inwonersaantal krijgt"),
                    (2, "2 buurten zonder inwonersaantal krijgen")):
        counts = pd.DataFrame({"buurt_code": [f"BU{i}" for i in range(3)],
                               "inhabitants": [np.nan] * n + [100.0] * (3 - n)})
        for col, pct in zip(("pct_0_14", "pct_15_24", "pct_25_44", "pct_45_64",
                             "pct_65_plus"), (15, 10, 25, 25, 25), strict=True):
            counts[col] = float(pct)
        assert verb in population_from_cbs(counts).attrs["unknown_note"]


def test_estimate_note_names_only_the_bands_estimated(cbs):
    result, _ = _population(cbs, partial_counts(), "kerncijfers.csv")
    note = next(w for w in result.warnings if "geschat voor" in w)
    assert note.startswith("leeftijdsgroepen 15–25, 25–45 en 45–65 geschat voor 4 buurten:")
    named = note.split(":", 1)[0]
    assert "0–15" not in named and "65+" not in named
    # one buurt where CBS kept 0-15 and 65+ secret: named with its own count
    from geo.io.importers.cbs_population import population_from_cbs
    counts = pd.DataFrame({"buurt_code": ["BU1", "BU2", "BU3"],
                           "inhabitants": [1000.0, 800.0, 20.0],
                           "pct_0_14": [15.0, 20.0, np.nan], "pct_15_24": np.nan,
                           "pct_25_44": np.nan, "pct_45_64": np.nan,
                           "pct_65_plus": [30.0, 25.0, np.nan]})
    notes = population_from_cbs(counts, anchor_65=True).attrs["warnings"]
    assert notes[0].startswith("leeftijdsgroepen 15–25, 25–45 en 45–65 geschat voor 3 "
                               "buurten, 0–15 en 65+ voor 1 buurt:"), notes


def test_households_from_the_table_replace_the_maps(cbs):
    """OData ``HuishoudensTotaal_28``: the population layer's households come from it."""
    lines = odata_typed().decode().splitlines()
    households = {"BU99910000": 530, "BU99910001": 222, "BU99910009": 97, "BU99910100": 25}
    out = [lines[0] + ";HuishoudensTotaal_28"]
    for line in lines[1:]:
        code = line.split(";")[4].strip()
        out.append(line + f";{households.get(code, 999)}")
    result, pop = _population(cbs, ("\n".join(out) + "\n").encode())
    assert pop["households"].tolist() == [530, 222, 97, 25]
    assert "HuishoudensTotaal_28 → huishoudens" in result.region.metadata["source_population"]
    # a table without households keeps the map's figures (the fourth is secret: NaN)
    _, pop = _population(cbs, odata_typed())
    assert pop["households"].tolist()[:3] == [450, 210, 90]
