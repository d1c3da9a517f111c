"""geo.io._gdal: the one GDAL boundary; the VRT hardening is one function and is applied."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from geo.io import _gdal

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "GDAL_SKIP"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout.split()


def test_importing_geo_hardens_gdal():
    out = _run("import os, geo, pyogrio; print(os.environ['GDAL_SKIP']); "
               "print('OGR_VRT' in pyogrio.list_drivers())")
    assert "OGR_VRT" in out[0].split(",") and "VRT" in out[0].split(",")
    assert out[1] == "False"


def test_hardening_after_pyogrio_was_loaded():
    # pyogrio first (drivers registered without GDAL_SKIP), then the one function.
    out = _run("import pyogrio; before = 'OGR_VRT' in pyogrio.list_drivers(); "
               "from geo.io._gdal import harden_gdal; print(before, harden_gdal(), "
               "'OGR_VRT' in pyogrio.list_drivers())")
    assert out == ["True", "True", "False"]


def test_harden_gdal_keeps_other_skipped_drivers(monkeypatch):
    monkeypatch.setenv("GDAL_SKIP", "netCDF")
    assert _gdal.harden_gdal()
    assert os.environ["GDAL_SKIP"].split(",") == ["netCDF", "OGR_VRT", "VRT"]


def _sources() -> list[Path]:
    files = [*ROOT.joinpath("geo").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py"),
             *ROOT.joinpath("pages").rglob("*.py"), ROOT / "app.py", ROOT / "tests/conftest.py"]
    return [f for f in files if f.is_file()]


def test_gdal_skip_is_written_in_one_place():
    writes = re.compile(r"""environ\s*\[\s*["']GDAL_SKIP|setdefault\(\s*["']GDAL_SKIP|putenv""")
    writers = [str(f.relative_to(ROOT)) for f in _sources()
               if writes.search(f.read_text(encoding="utf-8"))]
    assert writers == ["geo/io/_gdal.py"]
    # the entry points call the one function instead
    for entry in ("app.py", "tests/conftest.py", "geo/__init__.py"):
        assert "harden_gdal(" in (ROOT / entry).read_text(encoding="utf-8"), entry


def test_pyogrio_is_imported_only_by_the_gdal_boundary_in_io():
    importers = []
    for path in ROOT.joinpath("geo/io").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(name.split(".")[0] == "pyogrio" for name in names):
                importers.append(str(path.relative_to(ROOT)))
    assert sorted(set(importers)) == ["geo/io/_gdal.py"]


def test_scrub_message_hides_in_memory_paths():
    exc = RuntimeError("'/vsizip//vsimem/pyogrio_abc/x.shp' not recognized; It might help")
    assert _gdal.scrub_message(exc, "buurten.zip") == "'buurten.zip' not recognized"
