"""Dutch number formats: the one place that turns numbers into text for people.

Every page, the CLI, the PDF handout, the ranking's explanations and the QGIS legends use
these functions, so one figure reads the same everywhere. The conventions:

==================  =====================  ===================================================
what                example                rule
==================  =====================  ===================================================
whole number        ``12.345``             rounded (half to even), ``.`` between thousands
decimal number      ``1.234,6``            ``decimals`` digits after a decimal comma
share               ``25 %``, ``25,3 %``   a fraction (0.253) shown as a percentage, a space
                                           before ``%`` (NEN/SI style); 0 decimals unless
                                           a table needs 1
distance            ``1.234 m``            :func:`fmt_metres`: whole metres;
                    ``500 m``, ``1,5 km``  :func:`fmt_distance`: a norm or scale length, in
                                           km from 1 km on, without trailing zeros;
                    ``2,4 km``             :func:`fmt_km`: a measured distance, in km with
                                           one decimal
difference          ``+12``, ``-3``,       always signed; zero is ``±0``
                    ``±0``
share difference    ``+5 pp``, ``-2,5 pp``  in procentpunten, abbreviated ``pp``; zero is
                                           ``±0 pp``
missing             ``–``                  None, NaN and ±inf (an en dash)
==================  =====================  ===================================================

The minus sign is the ASCII hyphen-minus (``-3``), so copied figures paste as numbers into
a spreadsheet and terminals show them in every font.

Examples
--------
>>> fmt_int(12345.4), fmt_share(0.253), fmt_share(0.253, 1), fmt_diff(0)
('12.345', '25 %', '25,3 %', '±0')
>>> fmt_share_diff(0.05), fmt_distance(1500), fmt_km(2400), fmt_metres(1234.4)
('+5 pp', '1,5 km', '2,4 km', '1.234 m')
"""

from __future__ import annotations

import math

from geo.errors import AnalysisError

__all__ = [
    "INDICATOR_KINDS",
    "MISSING",
    "PERCENTAGE_POINT",
    "fmt_decimal",
    "fmt_diff",
    "fmt_distance",
    "fmt_indicator",
    "fmt_int",
    "fmt_km",
    "fmt_metres",
    "fmt_share",
    "fmt_share_diff",
]

#: Text of a missing value (None, NaN, ±inf).
MISSING: str = "–"
#: Unit of a difference between two shares (procentpunt).
PERCENTAGE_POINT: str = "pp"
#: Kinds understood by :func:`fmt_indicator`, with their Dutch unit.
INDICATOR_KINDS: dict[str, str] = {"count": "aantal", "share": "%", "metres": "m",
                                   "rate": "per 1.000"}


def _finite(value: object) -> float | None:
    """``value`` as a finite float, else ``None``."""
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _dutch(text: str) -> str:
    """Swap the English separators of a formatted number for Dutch ones."""
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def fmt_int(value: float | None) -> str:
    """A whole number with a dot between thousands (``12.345``); ``–`` when missing.

    Examples
    --------
    >>> fmt_int(12345.4), fmt_int(-2.6), fmt_int(float("nan"))
    ('12.345', '-3', '–')
    """
    number = _finite(value)
    if number is None:
        return MISSING
    return f"{round(number):,}".replace(",", ".")


def fmt_decimal(value: float | None, decimals: int = 1) -> str:
    """A number with ``decimals`` digits after a decimal comma (``1.234,6``).

    Examples
    --------
    >>> fmt_decimal(1234.5678), fmt_decimal(0.5, 2), fmt_decimal(None)
    ('1.234,6', '0,50', '–')
    """
    number = _finite(value)
    if number is None:
        return MISSING
    return _dutch(f"{round(number, decimals) + 0.0:,.{decimals}f}")


def fmt_share(share: float | None, decimals: int = 0, *, signed: bool = False) -> str:
    """A fraction (0–1) as a Dutch percentage: ``25 %`` or, with one decimal, ``25,3 %``.

    ``signed`` puts a ``+`` before positive shares (rates that can be negative, such as
    net migration); a difference of two shares is :func:`fmt_share_diff` instead.

    Examples
    --------
    >>> fmt_share(0.253), fmt_share(0.2534, 1), fmt_share(-0.001), fmt_share(float("nan"))
    ('25 %', '25,3 %', '0 %', '–')
    >>> fmt_share(0.005, 1, signed=True), fmt_share(-0.003, 1, signed=True)
    ('+0,5 %', '-0,3 %')
    """
    number = _finite(share)
    if number is None:
        return MISSING
    text = fmt_decimal(number * 100, decimals)
    if signed and text.strip("0,") and not text.startswith("-"):
        text = "+" + text
    return f"{text} %"


def fmt_metres(metres: float | None) -> str:
    """A distance in whole metres (``1.234 m``).

    Examples
    --------
    >>> fmt_metres(1234.4), fmt_metres(None)
    ('1.234 m', '–')
    """
    number = _finite(metres)
    return MISSING if number is None else f"{fmt_int(number)} m"


def fmt_distance(metres: float | None) -> str:
    """A set length (a norm, a scale bar): metres below 1 km, else km; no trailing zeros.

    Examples
    --------
    >>> fmt_distance(500), fmt_distance(1000), fmt_distance(1250), fmt_distance(750.5)
    ('500 m', '1 km', '1,25 km', '750,5 m')
    """
    number = _finite(metres)
    if number is None:
        return MISSING
    if abs(number) >= 1000:
        return f"{number / 1000:g} km".replace(".", ",")
    return f"{number:g} m".replace(".", ",")


def fmt_km(metres: float | None, decimals: int = 1,
           missing: str = "geen binnen bereik") -> str:
    """A measured distance in metres as km with ``decimals`` decimals (``2,4 km``).

    A missing distance means no facility within reach, hence the default ``missing``.

    Examples
    --------
    >>> fmt_km(2449), fmt_km(12345.0), fmt_km(float("inf"))
    ('2,4 km', '12,3 km', 'geen binnen bereik')
    """
    number = _finite(metres)
    if number is None:
        return missing
    return f"{fmt_decimal(number / 1000, decimals)} km"


def fmt_diff(value: float | None) -> str:
    """A difference of counts, rounded and signed: ``+1.234``, ``-3``, ``±0``.

    Examples
    --------
    >>> fmt_diff(1234.4), fmt_diff(-2.6), fmt_diff(0.4), fmt_diff(None)
    ('+1.234', '-3', '±0', '–')
    """
    number = _finite(value)
    if number is None:
        return MISSING
    whole = round(number)
    return "±0" if whole == 0 else f"{whole:+,}".replace(",", ".")


def fmt_share_diff(value: float | None, decimals: int = 0) -> str:
    """A difference of two shares (fractions) in procentpunten: ``+5 pp``, ``-2,5 pp``.

    Examples
    --------
    >>> fmt_share_diff(0.05), fmt_share_diff(-0.025, 1), fmt_share_diff(0.0004, 1)
    ('+5 pp', '-2,5 pp', '±0,0 pp')
    """
    number = _finite(value)
    if number is None:
        return MISSING
    points = round(number * 100, decimals) + 0.0  # + 0.0: no "-0"
    if points == 0:
        text = "±" + fmt_decimal(0.0, decimals)
    else:
        text = ("+" if points > 0 else "") + fmt_decimal(points, decimals)
    return f"{text} {PERCENTAGE_POINT}"


def fmt_indicator(value: float | None, kind: str) -> str:
    """Format an indicator value for its kind (see :data:`INDICATOR_KINDS`).

    ``"share"`` (a fraction) has one decimal, ``"metres"`` whole metres, ``"rate"`` one
    decimal, ``"count"`` a whole number.

    Raises
    ------
    geo.errors.AnalysisError
        For an unknown ``kind``.

    Examples
    --------
    >>> fmt_indicator(0.2534, "share"), fmt_indicator(1234.4, "metres")
    ('25,3 %', '1.234 m')
    >>> fmt_indicator(12.345, "rate"), fmt_indicator(float("nan"), "share")
    ('12,3', '–')
    """
    if kind not in INDICATOR_KINDS:
        raise AnalysisError(
            f"onbekende soort kengetal {kind!r}; kies uit {', '.join(INDICATOR_KINDS)}.")
    if _finite(value) is None:
        return MISSING
    if kind == "share":
        return fmt_share(value, 1)
    if kind == "metres":
        return fmt_metres(value)
    if kind == "rate":
        return fmt_decimal(value, 1)
    return fmt_int(value)
