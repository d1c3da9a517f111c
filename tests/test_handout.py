"""The PDF handout: structure, text read back from the PDF, fallback font, determinism.

Reading the PDF back needs ``pypdf`` (pip) or ``pdftotext`` (Debian ``poppler-utils``).
Without either the text tests are skipped locally and fail under CI (env var ``CI`` set).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from datetime import date

import pytest
import regionkit

import geo.analysis.gaps
import geo.datasets
import geo.reporting.handout as handout
from geo.config import get_config
from geo.formats import fmt_int
from geo.reporting import lights

GENERATED = date(2025, 5, 12)


def _no_reader(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: install pypdf or Debian poppler-utils)")
    pytest.skip(reason)


def pdf_pages_text(pdf: bytes, tmp_path) -> list[str]:
    """Text per page, whitespace collapsed."""
    if importlib.util.find_spec("pypdf") is not None:
        import io

        import pypdf

        pages = [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    elif shutil.which("pdftotext"):
        path = tmp_path / "handout.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                             capture_output=True).stdout.decode("utf-8")
        pages = out.split("\f")
        if pages and not pages[-1].strip():
            pages = pages[:-1]
    else:
        _no_reader("neither pypdf nor pdftotext is available to read the PDF back")
    return [re.sub(r"\s+", " ", p.replace("\u00ad", "")) for p in pages]


@pytest.fixture(scope="module")
def demo_result():
    return geo.analysis.gaps.analyse(geo.datasets.load_demo_region())


@pytest.fixture(scope="module")
def demo_2040(demo_result):
    return geo.analysis.gaps.analyse(geo.datasets.load_demo_region(), year=2040)


@pytest.fixture(scope="module")
def tiny_result():
    return geo.analysis.gaps.analyse(regionkit.tiny_region())


@pytest.fixture(scope="module")
def demo_pdf(demo_result):
    return handout.make_handout(demo_result, scenario_name="Scenario Basisjaar",
                                generated=GENERATED)


def test_demo_handout_structure(demo_pdf, demo_result):
    assert demo_pdf.startswith(b"%PDF")
    assert len(demo_pdf) < 1_000_000
    # page count from the PDF itself (fpdf2 writes one /Type /Page object per page)
    n_pages = len(re.findall(rb"/Type /Page\b", demo_pdf))
    assert n_pages == 1 + len(demo_result.kerngebied) + 1


def test_demo_handout_text(demo_pdf, demo_result, tmp_path):
    pages = pdf_pages_text(demo_pdf, tmp_path)
    kerngebieden = [str(k) for k in demo_result.kerngebied["kerngebied"]]
    assert len(pages) == 1 + len(kerngebieden) + 1
    text = " ".join(pages)
    assert "Scenario Basisjaar" in pages[0]
    notice = "Woningen gegenereerd (demo) — uitkomsten niet gebruiken voor besluiten"
    assert notice in pages[0]  # the default names what is generated
    assert "12 mei 2025" in pages[0]
    for name in kerngebieden:
        assert name in pages[0]
    for page, name in zip(pages[1:-1], kerngebieden, strict=True):
        assert f"Kerngebied {name}" in page
        assert notice in page
    assert demo_result.norms.name in pages[-1]
    assert demo_result.prognosis.name in pages[-1]
    assert "Aannames en bronnen" in pages[-1]
    smilde = demo_result.kerngebied.set_index("kerngebied").loc["Smilde"]
    assert fmt_int(smilde["shortage_step_free"]) in pages[0]
    gemeente = demo_result.gemeente.iloc[0]
    assert fmt_int(gemeente["shortage_clustered"]) in pages[0]
    assert "Δ" not in text  # no base given: no differences


def test_handout_with_base_shows_differences(demo_2040, demo_result, tmp_path):
    pdf = handout.make_handout(demo_2040, scenario_name="Vergrijzing 2040", base=demo_result,
                               base_name="Basisjaar 2024", generated=GENERATED)
    pages = pdf_pages_text(pdf, tmp_path)
    k40 = demo_2040.kerngebied.set_index("kerngebied").loc["Smilde", "shortage_clustered"]
    k24 = demo_result.kerngebied.set_index("kerngebied").loc["Smilde", "shortage_clustered"]
    diff = round(k40 - k24)
    expected = "±0" if diff == 0 else f"{diff:+,}".replace(",", ".")
    assert f"Δ {expected}" in pages[0]
    assert "Basisjaar 2024" in pages[0]
    assert "jaar 2040" in pages[0]


def test_tiny_region_handout(tiny_result, tmp_path):
    pdf = handout.make_handout(tiny_result, scenario_name="Klein scenario",
                               generated=GENERATED)
    assert pdf.startswith(b"%PDF")
    pages = pdf_pages_text(pdf, tmp_path)
    assert len(pages) == 1 + len(tiny_result.kerngebied) + 1 == 4
    assert "Klein scenario" in pages[0]
    assert "Noord" in pages[0] and "Zuid" in pages[0]
    assert "Kerngebied Noord" in pages[1] and "Kerngebied Zuid" in pages[2]
    assert handout.DEMO_NOTICE not in " ".join(pages)  # tiny region is not demo data
    noord = tiny_result.kerngebied.set_index("kerngebied").loc["Noord"]
    assert fmt_int(noord["shortage_step_free"]) in pages[0]


def test_handout_is_deterministic(tiny_result):
    one = handout.make_handout(tiny_result, scenario_name="X", generated=GENERATED)
    two = handout.make_handout(tiny_result, scenario_name="X", generated=GENERATED)
    assert one == two


def test_core_font_fallback(tiny_result, tmp_path):
    """Without a TrueType font, Helvetica is used and – ≥ Δ are replaced, not fatal."""
    pdf = handout.make_handout(tiny_result, scenario_name="Zonder lettertype – test",
                               base=tiny_result, generated=GENERATED,
                               config=get_config().replace(pdf_fonts=()))
    assert b"/Helvetica" in pdf
    pages = pdf_pages_text(pdf, tmp_path)
    assert "Zonder lettertype - test" in pages[0]
    assert "verschil ±0" in pages[0]


def test_traffic_light_thresholds():
    assert lights.shortage_light(0, 100) == "green"
    assert lights.shortage_light(5, 0) == "red"
    assert lights.shortage_light(float("nan"), 10) == "grey"
    assert lights.coverage_light(float("nan")) == "grey"
    assert lights.coverage_light(0.95) == "green"


def test_render_page_to_png(demo_pdf, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (Debian poppler-utils) not installed")
    path = tmp_path / "handout.pdf"
    path.write_bytes(demo_pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-f", "2", "-l", "2", "-png", str(path),
                    str(tmp_path / "page")], check=True)
    pngs = list(tmp_path.glob("page*.png"))
    assert len(pngs) == 1 and pngs[0].read_bytes().startswith(b"\x89PNG")
