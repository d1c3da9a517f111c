"""One palette for the web map, the PDF and the QGIS styles (geo.reporting.style)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from geo.reporting import _qml, style
from geo.reporting.lights import LIGHT_COLOURS, LIGHTS, coverage_light, shortage_light
from ui.maps import Theme, classify


def _fill_colours(qml: str) -> list[str]:
    rgba = re.findall(r'name="color" type="QString" value="(\d+),(\d+),(\d+),255"', qml)
    return ["#{:02x}{:02x}{:02x}".format(*map(int, c)) for c in rgba]


def test_qgis_suitability_uses_the_app_colours():
    colours = _fill_colours(_qml.suitability_qml("geschikt"))
    expected = [style.SUITABILITY_COLOURS[k].lower()
                for k in ("suitable", "adaptable", "unsuitable")]
    assert colours == expected  # Okabe-Ito, not green/yellow/red


def test_qgis_facility_colours_are_the_web_map_colours():
    colours = _fill_colours(_qml.facility_qml("type", ["gp", "supermarket", "nursing_dementia"]))
    assert colours == [style.FACILITY_STYLE[t][0].lower()
                       for t in ("gp", "supermarket", "nursing_dementia")]


def test_shortage_ramps_are_one_scheme():
    # surplus purple first, shortage orange last, in the app (7), QGIS (5) and PDF (8)
    for n in (5, 7, 8):
        ramp = style.diverging(n)
        assert ramp[0] in ("#542788", "#5e3c99") and ramp[-1] in ("#b35806", "#e66101")
    qml = _qml.graduated_qml("tk", [-10, 0, 30], label="tekort", diverging=True)
    assert _fill_colours(qml) == list(style.diverging(_qml.N_CLASSES))


def test_app_and_qgis_share_the_class_breaks():
    values = pd.Series([-12.0, 3.0, 40.0, np.nan])
    theme = Theme("t", "Tekort", "t", "diverging", "eenheden")
    colours, legend = classify(values, theme)
    edges = style.equal_interval_edges(values, 7, diverging=True)
    assert edges[0] == -40 and edges[-1] == 40
    assert colours[2] == style.diverging(7)[-1] and colours[3] == style.NO_DATA_COLOUR
    assert legend.items[-1] == (style.NO_DATA_COLOUR, "geen gegevens")


def test_pdf_step_classes():
    classes = style.step_classes(np.array([-40.0, 10.0, 95.0, 300.0]))
    assert classes.step == 100
    assert classes.colour(50) == style.diverging(8)[4]  # small shortage: light orange
    assert classes.colour(-50) == style.diverging(8)[3]  # small surplus: light purple
    assert classes.colour(np.nan) == style.NO_DATA_COLOUR
    assert classes.legend()[0] == ("#b35806", "tekort > 300")


def test_lights_have_colours_marks_and_rules():
    assert set(LIGHT_COLOURS) == set(LIGHTS)
    assert shortage_light(0, 100) == "green" and coverage_light(0.5) == "orange"
