"""`python -m geo` end to end: analyse, info, generate-demo and errors."""

from __future__ import annotations

import subprocess
import sys

import pyogrio
import pytest
from regionkit import tiny_region

from geo import settings
from geo.cli import main
from geo.region import write_region


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
    assert buurt.crs.equals(settings.METRIC_CRS)
    assert len(buurt) == 3 and (buurt["year"] == 2030).all()
    prov = pyogrio.read_dataframe(out, layer="provenance").set_index("key")["value"]
    assert prov["year"] == "2030" and prov["norms_key"] == "eigen_beleid"
    assert "Testregio" in capsys.readouterr().out


def test_analyse_default_region_as_subprocess(tmp_path):
    out = tmp_path / "demo.gpkg"
    proc = subprocess.run([sys.executable, "-m", "geo", "analyse", "--out", str(out)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "demodata" in proc.stdout.lower()
    kern = pyogrio.read_dataframe(out, layer="gaps_kern")
    assert sorted(kern["kerngebied"]) == ["Beilen", "Smilde", "Westerbork"]
    grid = pyogrio.read_dataframe(out, layer="gaps_grid")
    assert grid["pop_total"].sum() == pytest.approx(kern["pop_total"].sum())


def test_info(region_file, capsys):
    assert main(["info", "--region", str(region_file)]) == 0
    text = capsys.readouterr().out
    assert "Testregio" in text and "Buurten: 3" in text


def test_generate_demo_to_other_path(tmp_path, capsys):
    out = tmp_path / "demo.gpkg"
    assert main(["generate-demo", "--out", str(out)]) == 0
    assert out.exists() and "51 buurten" in capsys.readouterr().out


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
