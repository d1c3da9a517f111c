"""`python -m geo` end to end: analyse, info, generate-demo and errors."""

from __future__ import annotations

import subprocess
import sys

import pyogrio
import pytest
from regionkit import X0, Y0, tiny_region

from geo import vocabulary
from geo.cli import main
from geo.datasets import reference_figures
from geo.io.region_package import write_region


@pytest.fixture()
def region_file(tmp_path):
    return write_region(tiny_region(), tmp_path / "tiny.gpkg")


def test_analyse_writes_layers(tmp_path, region_file, capsys):
    out = tmp_path / "gaps.gpkg"
    assert main(["analyse", "--region", str(region_file), "--year", "2030",
                 "--norms", "eigen_beleid", "--out", str(out)]) == 0
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"gaps_buurt", "gaps_kern", "gaps_grid", "gaps_gemeente", "ranking",
            "provenance"} <= layers
    buurt = pyogrio.read_dataframe(out, layer="gaps_buurt")
    assert buurt.crs.equals(vocabulary.METRIC_CRS)
    assert len(buurt) == 3 and (buurt["year"] == 2030).all()
    prov = pyogrio.read_dataframe(out, layer="provenance").set_index("key")["value"]
    assert prov["year"] == "2030" and prov["norms_key"] == "eigen_beleid"
    assert "Testregio" in capsys.readouterr().out


def test_analyse_default_region_as_subprocess(tmp_path):
    out = tmp_path / "demo.gpkg"
    proc = subprocess.run([sys.executable, "-m", "geo", "analyse", "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "gegenereerd (demo)" in proc.stdout.lower()  # the default says what is generated
    kerngebied = pyogrio.read_dataframe(out, layer="gaps_kern")
    assert sorted(kerngebied["kerngebied"]) == ["Beilen", "Smilde", "Westerbork"]
    # the 48 CBS buurten with inhabitants and 65+ exactly as CBS 2024 publishes them
    buurt = pyogrio.read_dataframe(out, layer="gaps_buurt").set_index("buurt_code")
    cbs = reference_figures().query("level == 'buurt'").set_index("code")
    assert sorted(buurt.index) == sorted(cbs.index) and len(cbs) == 48
    assert (buurt["pop_total"] == cbs["inhabitants"].reindex(buurt.index)).all()
    assert (buurt["pop_65plus"] == cbs["pop_65plus"].reindex(buurt.index)).all()
    grid = pyogrio.read_dataframe(out, layer="gaps_grid")
    assert grid["pop_total"].sum() == pytest.approx(kerngebied["pop_total"].sum())


def test_info(region_file, capsys):
    assert main(["info", "--region", str(region_file)]) == 0
    text = capsys.readouterr().out
    assert "Testregio" in text and "Buurten: 3" in text


def test_generate_demo_to_other_path(tmp_path, capsys):
    out = tmp_path / "demo.gpkg"
    assert main(["generate-demo", "--out", str(out)]) == 0
    assert out.exists() and "48 CBS-buurten" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyse", "--region", "missing.gpkg", "--out", "x.gpkg"], "bestaat niet"),
        (["analyse", "--year", "1999", "--out", "OUT"], "buiten het bereik"),
        (["analyse", "--norms", "fantasie", "--out", "OUT"], "onbekende normset"),
        (["analyse", "--out", "/nonexistent-dir/x.gpkg"], "bestaat niet"),
        (["analyse", "--out", "OUT.shp"], ".gpkg"),
    ],
)
def test_errors_go_to_stderr(tmp_path, capsys, args, message):
    args = [a.replace("OUT", str(tmp_path / "out")) for a in args]
    assert main(args) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert list(tmp_path.glob("*.gpkg")) == []


def test_bad_region_file(tmp_path, capsys):
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"PK\x03\x04 not a geopackage")
    assert main(["info", "--region", str(bad)]) == 2
    assert "geen GeoPackage" in capsys.readouterr().err


# --------------------------------------------------------------------------- scenarios

def _scenario_file(tmp_path, name="plan.toml", *, units="{ step_free = 60 }", year=2030,
                   ready=2028, extra=""):
    from regionkit import X0, Y0

    path = tmp_path / name
    path.write_text(
        f'name = "Plan {name}"\nyear = {year}\n{extra}\n[[projects]]\nname = "Nieuwbouw"\n'
        f"x = {X0 + 700.0}\ny = {Y0 + 1700.0}\nready = {ready}\nunits = {units}\n",
        encoding="utf-8")
    return path


def test_analyse_with_scenario_records_provenance(tmp_path, region_file, capsys):
    from geo.io.scenario_toml import load_scenario
    from geo.model.scenario_text import loads_scenario

    scen_file = _scenario_file(tmp_path)
    out = tmp_path / "s.gpkg"
    assert main(["analyse", "--region", str(region_file), "--scenario", str(scen_file),
                 "--out", str(out)]) == 0
    assert "Scenario: Plan plan.toml" in capsys.readouterr().out
    prov = pyogrio.read_dataframe(out, layer="provenance").set_index("key")["value"]
    assert prov["scenario_name"] == "Plan plan.toml"
    assert loads_scenario(prov["scenario_toml"]) == load_scenario(scen_file)
    assert prov["year"] == "2030"  # the scenario's year
    assert "scenario_overrides" not in prov.index
    buurt = pyogrio.read_dataframe(out, layer="gaps_buurt").set_index("buurt_code")
    base_out = tmp_path / "b.gpkg"
    assert main(["analyse", "--region", str(region_file), "--year", "2030",
                 "--out", str(base_out)]) == 0
    base = pyogrio.read_dataframe(base_out, layer="gaps_buurt").set_index("buurt_code")
    assert buurt.loc["BU99990000", "shortage_step_free"] == pytest.approx(
        base.loc["BU99990000", "shortage_step_free"] - 60)


def test_analyse_scenario_explicit_options_win(tmp_path, region_file, capsys):
    scen_file = _scenario_file(tmp_path, extra='prognosis = "groei"')
    out = tmp_path / "s.gpkg"
    assert main(["analyse", "--region", str(region_file), "--scenario", str(scen_file),
                 "--year", "2035", "--norms", "eigen_beleid", "--out", str(out)]) == 0
    assert "overschreven" in capsys.readouterr().out
    prov = pyogrio.read_dataframe(out, layer="provenance").set_index("key")["value"]
    assert (prov["year"], prov["norms_key"], prov["prognosis_variant"]) == (
        "2035", "eigen_beleid", "groei")
    assert "year=2035" in prov["scenario_overrides"]
    assert "norms=eigen_beleid" in prov["scenario_overrides"]


def test_compare_two_scenarios(tmp_path, region_file, capsys):
    a = _scenario_file(tmp_path, "a.toml", units="{ clustered = 10 }")
    b = _scenario_file(tmp_path, "b.toml")
    assert main(["compare", str(a), str(b), "--region", str(region_file)]) == 0
    text = capsys.readouterr().out
    assert "A = " in text and "B = " in text and "B − A" in text
    assert "Tekort nultredenwoningen" in text and "Gemeente" in text
    noord = text.split("Noord", 1)[1].split("\n\n", 1)[0]
    line = next(x for x in noord.splitlines() if "nultredenwoningen" in x)
    assert line.split()[-1] == "-60"
    line = next(x for x in noord.splitlines() if "geclusterd" in x)
    assert line.split()[-1] == "+10"


def test_compare_single_file_against_basis(tmp_path, region_file, capsys):
    plan = _scenario_file(tmp_path)
    assert main(["compare", str(plan), "--region", str(region_file)]) == 0
    text = capsys.readouterr().out
    assert "A = basisregio" in text and "jaar 2030" in text
    assert main(["compare", "basis", str(plan), "--region", str(region_file),
                 "--year", "2035"]) == 0
    assert "jaar 2035" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "basis", "basis"], "minstens één scenariobestand"),
        (["compare", "missing.toml"], "bestaat niet"),
        (["compare", "BAD"], "onbekend product 'stepfree'"),
        (["analyse", "--scenario", "missing.toml", "--out", "OUT.gpkg"], "bestaat niet"),
        (["analyse", "--scenario", "BAD", "--out", "OUT.gpkg"], "Bedoelt u 'step_free'"),
        (["analyse", "--scenario", "LATE", "--out", "OUT.gpkg"], "buiten het bereik"),
    ],
)
def test_scenario_errors_go_to_stderr(tmp_path, region_file, capsys, args, message):
    bad = _scenario_file(tmp_path, "bad.toml", units="{ stepfree = 60 }")
    late = _scenario_file(tmp_path, "late.toml", year=2045)
    args = [a.replace("BAD", str(bad)).replace("LATE", str(late))
            .replace("OUT", str(tmp_path / "out")) for a in args]
    assert main([*args, "--region", str(region_file)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "out.gpkg").exists()


# -- export -------------------------------------------------------------------------------


def test_export_accepts_the_earlier_option_name_kern():
    from geo.cli import build_parser

    for option in ("--kerngebied", "--kern"):
        args = build_parser().parse_args(["export", "--layer", "gaps_buurt", "--format", "csv",
                                          option, "Noord", "--out", "x.csv"])
        assert args.kerngebied == "Noord"


def test_export_shapefile_of_a_scenario_core_area(tmp_path, region_file, capsys):
    import zipfile

    from geo.analysis.gaps import analyse
    from geo.analysis.scenario import analyse_scenario
    from geo.io.region_package import load_region
    from geo.io.scenario_toml import load_scenario

    scen = tmp_path / "s.toml"
    scen.write_text('name = "Alfa 40"\nyear = 2030\n\n[[projects]]\nname = "P"\n'
                    f"x = {X0 + 700.0}\ny = {Y0 + 1700.0}\nready = 2028\n"
                    "units = { step_free = 40 }\n", encoding="utf-8")
    out = tmp_path / "alfa.zip"
    assert main(["export", "--region", str(region_file), "--scenario", str(scen),
                 "--layer", "gaps_buurt", "--format", "shp", "--kerngebied", "Noord",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "scenario 'Alfa 40'" in text and "kerngebied Noord" in text
    got = pyogrio.read_dataframe(f"/vsizip/{out}/gaps_buurt.shp").set_index("bu_code")
    expected = analyse_scenario(load_region(region_file), load_scenario(scen)).buurt
    expected = expected[expected["kerngebied"] == "Noord"].set_index("buurt_code")
    assert sorted(got.index) == sorted(expected.index)
    assert got.loc[expected.index, "tk_ntr"].tolist() == pytest.approx(
        expected["shortage_step_free"].tolist())
    base = analyse(load_region(region_file), year=2030).buurt.set_index("buurt_code")
    assert got.loc["BU99990000", "tk_ntr"] == pytest.approx(
        base.loc["BU99990000", "shortage_step_free"] - 40)
    with zipfile.ZipFile(out) as zf:
        assert "Scenario:     Alfa 40" in zf.read("LEESMIJ.txt").decode()


def test_export_all_layers_gpkg_and_errors(tmp_path, region_file, capsys):
    out = tmp_path / "all.gpkg"
    assert main(["export", "--region", str(region_file), "--layer", "all", "--format", "gpkg",
                 "--year", "2035", "--out", str(out)]) == 0
    layers = {name for name, _ in pyogrio.list_layers(out)}
    assert {"gaps_buurt", "gaps_kern", "gaps_grid", "homes", "facilities", "catchments",
            "layer_styles", "provenance", "field_dictionary"} <= layers
    capsys.readouterr()
    assert main(["export", "--region", str(region_file), "--layer", "homes", "--format",
                 "csv", "--owner", "Niemand", "--out", str(tmp_path / "h.csv")]) == 2
    assert "onbekende eigenaar" in capsys.readouterr().err
    assert main(["export", "--region", str(region_file), "--layer", "gaps_buurt", "--format",
                 "gpkg", "--out", str(tmp_path / "missing" / "b.gpkg")]) == 2
    assert "bestaat niet" in capsys.readouterr().err
    assert not (tmp_path / "h.csv").exists()


def test_build_facilities_given_twice_keeps_every_file():
    from geo.cli import build_parser

    args = build_parser().parse_args([
        "build", "--gemeente", "GM1731", "--cbs", "b.gpkg", "--out", "r.gpkg",
        "--facilities", "a.csv", "b.osm", "--facilities", "c.csv"])
    assert args.facilities == ["a.csv", "b.osm", "c.csv"]
