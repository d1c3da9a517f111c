"""`python -m geo` speaks Dutch: argparse texts, numbers with a decimal comma, and a
closed stdout pipe (``| head``) ends quietly."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from regionkit import tiny_region

from geo import cli
from geo.cli import main
from geo.cli_parser import number, whole_number
from geo.io.region_package import write_region


def test_bad_int_is_a_dutch_error_with_exit_2(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["analyse", "--year", "abc", "--out", "x.gpkg"])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("gebruik: python -m geo analyse")
    lines = err.splitlines()
    assert "Fout: --year: ongeldige waarde 'abc': verwacht een geheel getal" in lines
    assert "usage" not in err and "invalid" not in err and "error:" not in err


def test_missing_required_argument_is_dutch(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["export", "--out", "x.csv"])
    assert stop.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert "Fout: deze argumenten zijn verplicht: --layer, --format" in lines
    assert "Meer uitleg: python -m geo export --help" in lines


def test_bad_choice_and_unknown_command_are_dutch(capsys):
    with pytest.raises(SystemExit):
        main(["analyse", "--prognosis", "snel", "--out", "x.gpkg"])
    assert "ongeldige keuze 'snel' (kies uit" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["analyseer"])
    assert "ongeldige keuze 'analyseer'" in capsys.readouterr().err


def test_help_is_dutch(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["check", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gebruik: python -m geo check")
    assert "opties:" in out and "deze hulptekst tonen en stoppen" in out
    assert "options" not in out and "show this help" not in out
    # argparse itself is left English for other programs
    import argparse
    assert "show this help" in argparse.ArgumentParser(prog="x").format_help()


def test_numbers_take_a_decimal_comma():
    assert number("2,5") == 2.5 and number("2.5") == 2.5 and whole_number(" 2030 ") == 2030
    with pytest.raises(ValueError):
        whole_number("2,5")
    args = cli.build_parser().parse_args(["build", "--gemeente", "GM1731", "--cbs", "c",
                                          "--buffer", "7,5", "--out", "o"])
    assert args.buffer == 7.5


def test_timings_use_a_decimal_comma(tmp_path, capsys):
    region = write_region(tiny_region(), tmp_path / "tiny.gpkg")
    assert main(["analyse", "--region", str(region), "--out", str(tmp_path / "g.gpkg")]) == 0
    out = capsys.readouterr().out
    assert re.search(r" in \d+,\d\d s", out), out
    assert not re.search(r"\d\.\d+ s\b", out)


def test_closed_stdout_pipe_is_quiet_in_process(monkeypatch, capsys):
    def writes_to_closed_pipe(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_cmd_regions", writes_to_closed_pipe)
    assert main(["regions"]) == 0
    assert capsys.readouterr().err == ""


def test_closed_stdout_pipe_as_subprocess():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as after `head`
    try:
        proc = subprocess.run([sys.executable, "-m", "geo", "regions"], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert "Onverwachte fout" not in proc.stderr and "Traceback" not in proc.stderr
