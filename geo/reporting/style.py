"""Colours and class breaks shared by the web map, the PDF handout and the QGIS styles.

One palette per meaning, all colour-blind safe, so a figure has the same colour in the app
(:mod:`ui.maps`), on paper (:mod:`geo.reporting.handout`) and in QGIS
(:mod:`geo.reporting._qml`):

- **shortages** (diverging around 0): ColorBrewer *PuOr*, orange = shortage (demand >
  supply), purple = surplus; :func:`diverging` gives it in 5 (QGIS), 7 (app) or 8 (PDF)
  classes, ordered from the most negative (surplus) to the most positive class;
- **counts and shares** (sequential): ColorBrewer *YlOrBr*, more = darker
  (:func:`sequential`, 5 or 6 classes); population themes use :data:`AGEING`
  (viridis, reversed);
- **categories**: Okabe–Ito colours for the suitability of homes
  (:data:`SUITABILITY_COLOURS`) and per facility type (:data:`FACILITY_STYLE`);
- :data:`NO_DATA_COLOUR` for areas without a value.

Class breaks
------------
The app and QGIS use :func:`equal_interval_edges`: equal intervals between the lowest and
highest value, symmetric around 0 for shortages. The PDF needs one legend for every
kerngebied page and 0 as a class boundary, so it uses :class:`StepClasses`
(:func:`step_classes`): four classes of a round step (1-2-2,5-5) on each side of 0.

Traffic-light colours are in :mod:`geo.reporting.lights`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from geo.formats import fmt_int

__all__ = [
    "AGEING",
    "FACILITY_STYLE",
    "HOME_SHADES",
    "NO_DATA_COLOUR",
    "OKABE_ITO",
    "SUITABILITY_COLOURS",
    "StepClasses",
    "class_index",
    "diverging",
    "equal_interval_edges",
    "facility_colour",
    "sequential",
    "step_classes",
]

#: ColorBrewer PuOr by number of classes, surplus (purple) first, shortage (orange) last.
_PUOR: dict[int, tuple[str, ...]] = {
    5: ("#5e3c99", "#b2abd2", "#f7f7f7", "#fdb863", "#e66101"),
    7: ("#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806"),
    8: ("#542788", "#8073ac", "#b2abd2", "#d8daeb", "#fee0b6", "#fdb863", "#e08214",
        "#b35806"),
}
#: ColorBrewer YlOrBr by number of classes, light (few) first.
_YLORBR: dict[int, tuple[str, ...]] = {
    5: ("#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404"),
    6: ("#ffffd4", "#fee391", "#fec44f", "#fe9929", "#d95f0e", "#993404"),
}

#: Population themes (ageing): viridis reversed, light = few, dark = many.
AGEING: tuple[str, ...] = ("#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154")
#: Areas (or classes) without a value.
NO_DATA_COLOUR: str = "#bdbdbd"
#: Homes per map cell by share suitable (ColorBrewer Blues, apart from the choropleths):
#: < 10 %, 10–25 %, ≥ 25 % suitable.
HOME_SHADES: tuple[str, str, str] = ("#c6dbef", "#6baed6", "#08519c")
#: The Okabe–Ito colours, for categories without a colour of their own.
OKABE_ITO: tuple[str, ...] = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                              "#D55E00", "#CC79A7", "#000000", "#999999", "#882255",
                              "#44AA99")
#: Suitability of homes (Okabe–Ito): suitable blue, adaptable orange, unsuitable pink.
SUITABILITY_COLOURS: dict[str, str] = {"suitable": "#0072B2", "adaptable": "#E69F00",
                                       "unsuitable": "#CC79A7"}
#: Facility type → (colour, one-letter symbol on the web map).
FACILITY_STYLE: dict[str, tuple[str, str]] = {
    "gp": ("#0072B2", "H"),
    "pharmacy": ("#009E73", "A"),
    "supermarket": ("#E69F00", "S"),
    "community_centre": ("#56B4E9", "O"),
    "nursing_somatic": ("#D55E00", "V"),
    "nursing_dementia": ("#CC79A7", "D"),
    "clustered_housing": ("#000000", "G"),
    "day_care": ("#F0E442", "B"),
    "bus_stop": ("#666666", "b"),
    "gp_post": ("#0072B2", "P"),
    "hospital": ("#D55E00", "Z"),
}


def diverging(n: int) -> tuple[str, ...]:
    """PuOr in ``n`` classes (5, 7 or 8), from the largest surplus to the largest shortage.

    Examples
    --------
    >>> diverging(7)[0], diverging(7)[-1]
    ('#542788', '#b35806')
    """
    return _PUOR[n]


def sequential(n: int) -> tuple[str, ...]:
    """YlOrBr in ``n`` classes (5 or 6), light (low) to dark (high)."""
    return _YLORBR[n]


def facility_colour(ftype: str, index: int = 0) -> str:
    """Colour of a facility type; unknown types take an Okabe–Ito colour by ``index``."""
    style = FACILITY_STYLE.get(ftype)
    return style[0] if style else OKABE_ITO[index % len(OKABE_ITO)]


def equal_interval_edges(values: Sequence[float] | np.ndarray, n: int, *,
                         diverging: bool = False, min_span: float = 1.0) -> np.ndarray:
    """Edges (``n + 1``) of ``n`` equal-interval classes over the finite ``values``.

    Parameters
    ----------
    values
        The values to classify (NaN and ±inf are ignored).
    n
        Number of classes.
    diverging
        Symmetric around 0, from −max|v| to +max|v| (for shortages).
    min_span
        Width used when all values are equal (not diverging), e.g. 0.01 for shares.

    Returns
    -------
    numpy.ndarray
        Increasing edges; without finite values 0–1 (or −1–1 when diverging).

    Examples
    --------
    >>> equal_interval_edges([-10, 0, 30], 5, diverging=True).tolist()
    [-30.0, -18.0, -6.0, 6.0, 18.0, 30.0]
    >>> equal_interval_edges([4, 4], 2).tolist()
    [4.0, 4.5, 5.0]
    """
    v = np.asarray(values, dtype=float)
    finite = v[np.isfinite(v)]
    if diverging:
        top = float(np.max(np.abs(finite))) if len(finite) else 1.0
        top = top or 1.0
        return np.linspace(-top, top, n + 1)
    lo = float(np.min(finite)) if len(finite) else 0.0
    hi = float(np.max(finite)) if len(finite) else 1.0
    if hi <= lo:
        hi = lo + min_span
    return np.linspace(lo, hi, n + 1)


def class_index(values: Sequence[float] | np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Class (0 … len(edges) − 2) of each value; values outside fall in the end classes.

    Examples
    --------
    >>> class_index([-5, 0, 6, 99], np.array([0.0, 5.0, 10.0])).tolist()
    [0, 0, 1, 1]
    """
    v = np.asarray(values, dtype=float)
    return np.clip(np.searchsorted(edges, v, side="right") - 1, 0, len(edges) - 2)


@dataclass(frozen=True)
class StepClasses:
    """Eight shortage classes of width ``step``: four of shortage, four of surplus.

    Used by the PDF: (0, s], (s, 2s], (2s, 3s], > 3s are shortages, [−s, 0], … surpluses.
    """

    step: float

    def colour(self, value: float) -> str:
        """Fill colour of a shortage value (:data:`NO_DATA_COLOUR` when missing)."""
        if not math.isfinite(value):
            return NO_DATA_COLOUR
        ramp = diverging(8)
        if value > 0:
            k = min(3, int(math.ceil(value / self.step)) - 1)  # 0..3 for (0,s],(s,2s]...
            return ramp[4 + k]
        k = min(3, int(math.floor(-value / self.step)))  # 0..3 for [-s,0],[-2s,-s)...
        return ramp[3 - k]

    def legend(self) -> list[tuple[str, str]]:
        """(colour, Dutch label) from the largest shortage to the largest surplus."""
        s, f = self.step, fmt_int
        ramp = diverging(8)[::-1]
        return [
            (ramp[0], f"tekort > {f(3 * s)}"),
            (ramp[1], f"tekort {f(2 * s)} – {f(3 * s)}"),
            (ramp[2], f"tekort {f(s)} – {f(2 * s)}"),
            (ramp[3], f"tekort 0 – {f(s)}"),
            (ramp[4], f"overschot 0 – {f(s)}"),
            (ramp[5], f"overschot {f(s)} – {f(2 * s)}"),
            (ramp[6], f"overschot {f(2 * s)} – {f(3 * s)}"),
            (ramp[7], f"overschot > {f(3 * s)}"),
            (NO_DATA_COLOUR, "geen gegevens"),
        ]


def _nice(x: float) -> float:
    """Smallest 1-2-2,5-5 number ≥ x (at least 1)."""
    if not math.isfinite(x) or x <= 1:
        return 1.0
    exp = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * exp >= x - 1e-9:
            return float(m * exp)
    return float(10 * exp)


def step_classes(values: Sequence[float] | np.ndarray) -> StepClasses:
    """Symmetric :class:`StepClasses` for all values (one legend for every map).

    The step is a round number near a third of the 90th percentile of ``|values|``.

    Examples
    --------
    >>> step_classes([-40, 10, 95, 300]).step
    100.0
    """
    v = np.asarray(values, dtype=float)
    finite = np.abs(v[np.isfinite(v)])
    top = float(np.quantile(finite, 0.9)) if len(finite) else 1.0
    return StepClasses(step=_nice(top / 3))
