"""Issue 12: say what is real, estimated or generated; a surplus is never a bare "goed".

A region with ``data_status_<layer>``/``data_note_<layer>`` (``regionkit.DATA_STATUS``:
boundaries real, population mixed, homes generated) must say so in ``geo info``, the export
provenance, ``LEESMIJ.txt``, the field dictionary and the handout; a region without them
behaves as before. A result with a surplus gets the "overschot*" light and its caveat line.
"""

from __future__ import annotations

import zipfile
from datetime import date

import pandas as pd
import pyogrio
import pytest
import regionkit
from test_handout import pdf_pages_text

from geo.analysis.gaps import analyse
from geo.cli import main
from geo.errors import RegionError
from geo.io.region_package import write_region
from geo.model.region import Region, validate_region
from geo.reporting import handout, lights
from geo.reporting.export import ExportSelection, write_export
from geo.reporting.provenance import DEMO_TITLE, DataProvenance, field_layers
from ui.maps import MapOptions, build_map, display_layers

GENERATED = date(2025, 5, 12)
HOMES_TITLE = "Woningen gegenereerd (demo) — uitkomsten niet gebruiken voor besluiten"
STEP_FREE_CAVEAT = ("Overschot betekent: er zijn meer geschikte woningen dan de norm vraagt, "
                    "ongeacht wie erin woont — niet dat ouderen er al wonen.")
REAL_ONLY = {"data_status_areas": "real", "data_status_population": "mixed",
             "data_note_population": "65–74, 75–84 en 85+ geschat.",
             "data_status_homes": "mixed", "data_status_facilities": "real"}


@pytest.fixture(scope="module")
def status_region() -> Region:
    return regionkit.tiny_region(regionkit.DATA_STATUS)


@pytest.fixture(scope="module")
def status_result(status_region):
    return analyse(status_region)


@pytest.fixture(scope="module")
def surplus_result():
    return analyse(regionkit.tiny_region(regionkit.DATA_STATUS, extra_step_free=300))


# --- model and wording ---------------------------------------------------------------------


def test_region_reads_status_and_note(status_region):
    assert status_region.data_status("areas") == "real"
    assert status_region.data_status("homes") == "generated"
    assert status_region.data_status("villages") is None
    assert status_region.data_note("homes").startswith("Eén punt per woning")
    assert status_region.data_statuses() == {"areas": "real", "population": "mixed",
                                             "homes": "generated", "facilities": "mixed",
                                             "reference": "real"}
    assert regionkit.tiny_region().data_statuses() == {}


def test_unknown_status_is_a_clear_error():
    region = regionkit.tiny_region()
    bad = Region(region.areas, region.population, region.homes, region.facilities,
                 {**region.metadata, "data_status_homes": "echt-ish"})
    with pytest.raises(RegionError, match="data_status_homes.*real, estimated, generated"):
        validate_region(bad)


def test_wording_uses_demo_only_for_generated(status_region):
    prov = DataProvenance.from_region(status_region)
    assert prov.known and prov.warn and prov.generated == ["homes"]
    assert prov.title() == HOMES_TITLE
    assert prov.summary() == ("Buurtgrenzen: echt · Bevolking: gemengd · Woningen: gegenereerd "
                              "(demo) · Voorzieningen: gemengd · Gepubliceerde cijfers "
                              "(controle): echt")
    assert "demo" not in prov.summary().replace("gegenereerd (demo)", "")
    assert prov.kind() == "Deels gegenereerd"
    real = DataProvenance.from_region(regionkit.tiny_region(REAL_ONLY))
    assert not real.warn and real.title() == "Echte data, deels geschat"
    assert "demo" not in real.summary() + real.title() + real.kind()
    # without keys: the demo flag alone, as before
    demo = DataProvenance.from_region(regionkit.tiny_region({"demo": "true"}))
    assert not demo.known and demo.warn and demo.title() == DEMO_TITLE == handout.DEMO_NOTICE
    assert demo.summary() == "" and demo.kind() == "Demodata"


def test_field_origin():
    prov = DataProvenance({"areas": "real", "population": "mixed", "homes": "generated",
                           "facilities": "real"})
    assert prov.field_origin("buurt_code") == "echt"
    assert prov.field_origin("step_free") == "gegenereerd (demo)"
    assert prov.field_origin("supply_clustered") == "echt"
    assert prov.field_origin("shortage_step_free") == (
        "uit bevolking (gemengd) en woningen (gegenereerd, demo)")
    assert field_layers("cov75_share_gp") == ("population", "homes", "facilities")
    assert prov.field_origin("year") == ""


# --- geo info -------------------------------------------------------------------------------


def test_geo_info_says_per_layer(status_region, tmp_path, capsys):
    path = write_region(status_region, tmp_path / "status.gpkg")
    assert main(["info", "--region", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"Gegevens: {HOMES_TITLE}" in out
    assert "  Buurtgrenzen: echt — CBS-buurtgrenzen en -codes zoals gepubliceerd" in out
    assert "  Woningen: gegenereerd (demo) — Eén punt per woning" in out
    assert "  Bevolking: gemengd — Inwoners en 65+ van het CBS; 65–74, 75–84 en 85+ geschat." \
        in out
    assert "DEMODATA" not in out


def test_geo_info_without_keys_as_before(tmp_path, capsys):
    region = regionkit.tiny_region({"demo": "true", "notice": "Alles gegenereerd."})
    path = write_region(region, tmp_path / "demo.gpkg")
    assert main(["info", "--region", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Regio: Testregio  [DEMODATA]" in out and "  Alles gegenereerd." in out
    assert "Gegevens:" not in out


# --- exports --------------------------------------------------------------------------------


def test_export_provenance_and_field_origin(status_result, tmp_path):
    path = write_export(status_result, "all", "gpkg", tmp_path / "alles.gpkg")
    prov = pyogrio.read_dataframe(path, layer="provenance").set_index("key")["value"]
    assert prov["data_status_homes"] == "generated"
    assert prov["data_status_areas"] == "real"
    assert prov["data_note_population"].endswith("85+ geschat.")
    assert prov["data_summary"].startswith("Buurtgrenzen: echt · Bevolking: gemengd")
    fd = pyogrio.read_dataframe(path, layer="field_dictionary").set_index("full_name")
    assert fd.loc["step_free", "origin"] == "gegenereerd (demo)"
    assert fd.loc["buurt_code", "origin"] == "echt"
    assert fd.loc["shortage_step_free", "origin"].startswith("uit bevolking (gemengd)")


def test_shapefile_readme_and_fields_say_what_is_real(status_result, tmp_path):
    path = write_export(status_result, "homes", "shp", tmp_path / "woningen.zip",
                        ExportSelection())
    with zipfile.ZipFile(path) as zf:
        readme = zf.read("LEESMIJ.txt").decode("utf-8")
        fields = pd.read_csv(zf.open("velden.csv"))
    assert f"Gegevens:     {HOMES_TITLE}" in readme
    assert "- Woningen: gegenereerd (demo) — Eén punt per woning" in readme
    assert "- Buurtgrenzen: echt — CBS-buurtgrenzen" in readme
    assert "LET OP: demodata" not in readme
    assert "[gegenereerd (demo)]" in readme  # the field list in the readme
    assert set(fields.set_index("full_name").loc[["step_free", "lift"], "origin"]) == {
        "gegenereerd (demo)"}


def test_export_without_keys_as_before(tmp_path):
    result = analyse(regionkit.tiny_region({"demo": "true", "notice": "Alles gegenereerd."}))
    path = write_export(result, "homes", "shp", tmp_path / "woningen.zip")
    with zipfile.ZipFile(path) as zf:
        readme = zf.read("LEESMIJ.txt").decode("utf-8")
        fields = pd.read_csv(zf.open("velden.csv"))
    assert "LET OP: Alles gegenereerd." in readme and "Gegevens:" not in readme
    assert list(fields.columns) == ["short_name", "full_name", "unit", "description"]


# --- handout --------------------------------------------------------------------------------


def test_handout_names_generated_layers(status_result, tmp_path):
    pdf = handout.make_handout(status_result, scenario_name="Echt en gegenereerd",
                               generated=GENERATED)
    pages = pdf_pages_text(pdf, tmp_path)
    assert HOMES_TITLE in pages[0]
    assert "Buurtgrenzen: echt · Bevolking: gemengd · Woningen: gegenereerd (demo)" in pages[0]
    assert handout.DEMO_NOTICE not in " ".join(pages)
    for page in pages[1:]:
        assert HOMES_TITLE in page
    last = pages[-1]
    assert "Databronnen per laag: echt, geschat of gegenereerd" in last
    assert "GEGENEREERD (DEMO). Eén punt per woning" in last
    assert "ECHT. CBS-buurtgrenzen" in last
    assert "DEELS GEGENEREERD (DEMO)" in pages[0]  # footer


def test_handout_real_data_has_no_demo_box(tmp_path):
    result = analyse(regionkit.tiny_region(REAL_ONLY))
    pages = pdf_pages_text(handout.make_handout(result, scenario_name="Echt",
                                                generated=GENERATED), tmp_path)
    assert "Echte data, deels geschat: Buurtgrenzen: echt · Bevolking: gemengd" in pages[0]
    assert "demo" not in " ".join(pages).lower()


# --- surplus --------------------------------------------------------------------------------


def test_surplus_light_is_never_a_bare_goed(surplus_result):
    noord = surplus_result.kerngebied.set_index("kerngebied").loc["Noord"]
    assert noord["shortage_step_free"] < -100
    light = lights.shortage_light(noord["shortage_step_free"], noord["demand_step_free"])
    assert light == "surplus" and lights.LIGHT_WORDS[light] == "overschot*"
    assert lights.LIGHT_WORDS[light] != lights.LIGHT_WORDS["green"]
    assert lights.shortage_light(-0.4, 100) == "green"  # rounds to 0: no surplus
    assert lights.surplus_products(noord, ["step_free", "clustered"]) == ["step_free"]
    assert lights.surplus_caveat(["step_free"]) == f"* {STEP_FREE_CAVEAT}"
    places = lights.surplus_caveat(["step_free", "clustered"])
    assert "geschikte woningen of wooneenheden geclusterd wonen" in places
    assert "niet dat ouderen er al wonen of dat er een plaats vrij is" in places


def test_handout_explains_surplus(surplus_result, tmp_path):
    pages = pdf_pages_text(handout.make_handout(surplus_result, scenario_name="Overschot",
                                                generated=GENERATED), tmp_path)
    assert STEP_FREE_CAVEAT in pages[0]
    assert "Overschot* (tekort negatief)" in pages[0]  # the light's legend
    noord, zuid = pages[1], pages[2]
    assert "overschot 161" in noord and STEP_FREE_CAVEAT in noord
    assert "Overschot betekent" not in zuid  # Zuid has shortages only


def test_handout_without_surplus_has_no_caveat(tmp_path):
    result = analyse(regionkit.tiny_region())
    assert not (result.kerngebied["shortage_step_free"] <= -0.5).any()
    pages = pdf_pages_text(handout.make_handout(result, scenario_name="X",
                                                generated=GENERATED), tmp_path)
    assert "Overschot betekent" not in " ".join(pages)
    assert "Overschot*" not in pages[0]


def test_kaart_legend_explains_surplus(surplus_result):
    region = regionkit.tiny_region(regionkit.DATA_STATUS, extra_step_free=300)
    layers = display_layers(region, surplus_result)
    _, legends = build_map(surplus_result, layers, MapOptions(theme="shortage_step_free"))
    assert legends[0].note == f"* {STEP_FREE_CAVEAT}"
    _, legends = build_map(surplus_result, layers, MapOptions(theme="shortage_clustered"))
    assert legends[0].note == ""  # no buurt has a surplus of clustered housing
    _, legends = build_map(surplus_result, layers, MapOptions(theme="pop_75plus"))
    assert legends[0].note == ""
