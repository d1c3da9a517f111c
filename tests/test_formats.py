"""Dutch number formats (geo.formats): one text per figure wherever it is shown.

The ``*_disagreed`` tests pin the cases where the app's formatters disagreed before they
were unified (issue 10): the Kaart legend and tooltips, the Vergelijken table, the PDF,
the CLI and the indicator tables each had their own rules.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.formats import (
    fmt_decimal,
    fmt_diff,
    fmt_distance,
    fmt_indicator,
    fmt_int,
    fmt_km,
    fmt_metres,
    fmt_share,
    fmt_share_diff,
)


def test_fmt_indicator():  # was tests/test_profile.py (profile.fmt_indicator)
    assert fmt_indicator(0.5, "share") == "50,0 %"
    assert fmt_indicator(1234.5678, "rate") == "1.234,6"
    assert fmt_indicator(2000.0, "count") == "2.000"
    assert fmt_indicator(math.nan, "metres") == "–"
    with pytest.raises(ValueError):
        fmt_indicator(1.0, "furlongs")


def test_share_of_0253_disagreed():
    # was "25%" (Kaart, `:.0%`), "25 %" (Vergelijken, PDF) and "25,3 %" (CLI, profile)
    assert fmt_share(0.253) == "25 %"
    assert fmt_share(0.253, 1) == "25,3 %"
    assert fmt_indicator(0.253, "share") == "25,3 %"


def test_zero_difference_disagreed():
    # was "0" (CLI, Vergelijken) and "±0" (PDF, Presentatie)
    assert fmt_diff(0) == "±0"
    assert fmt_diff(0.49) == "±0" and fmt_diff(-0.49) == "±0"
    assert fmt_diff(1234.4) == "+1.234" and fmt_diff(-60) == "-60"


def test_share_difference_unit_disagreed():
    # was "pp" (CLI) and "%-pt" (Vergelijken, PDF, Presentatie); the CLI had one decimal
    assert fmt_share_diff(0.05) == "+5 pp"
    assert fmt_share_diff(-0.025, 1) == "-2,5 pp"
    assert fmt_share_diff(0.0) == "±0 pp"
    assert fmt_share_diff(-0.0004, 1) == "±0,0 pp"  # no "-0,0"


def test_distances_disagreed():
    # norms: "500 m" (PDF) vs "500 m" via fmt_int (pages); measured: "2,4 km"
    assert fmt_distance(500) == "500 m" and fmt_metres(500) == "500 m"
    assert fmt_distance(1500) == "1,5 km"  # a norm or scale bar, exact
    assert fmt_metres(1500) == "1.500 m"  # an indicator, whole metres
    assert fmt_km(2449) == "2,4 km"
    assert fmt_km(math.inf) == "geen binnen bereik"


def test_qgis_class_labels_agree_with_decimal():
    assert fmt_decimal(12345.6, 0) == "12.346"
    assert fmt_decimal(0.25, 2) == "0,25"
    assert fmt_decimal(-0.4, 0) == "0"  # no "-0"


@pytest.mark.parametrize("missing", [None, math.nan, math.inf, -math.inf, np.float64("nan")])
def test_missing_is_a_dash(missing):
    for fmt in (fmt_int, fmt_decimal, fmt_share, fmt_metres, fmt_distance, fmt_diff,
                fmt_share_diff):
        assert fmt(missing) == "–"


def test_numpy_and_negative_numbers():
    assert fmt_int(np.int64(12345)) == "12.345"
    assert fmt_int(-1234.5) == "-1.234"  # half to even, like round()
    assert fmt_share(np.float32(0.5)) == "50 %"
