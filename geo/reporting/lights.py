"""Traffic lights: when a key figure is green, orange or red (the PDF and the Presentatie page).

Shortages (demand − supply, in homes or places):

- green: shortage ≤ 0 (no shortage);
- orange: shortage ≤ :data:`SHORTAGE_ORANGE_SHARE` (10 %) of demand;
- red: a larger shortage.

Coverage (share of people 75+ within the walking norm of a facility):

- green: ≥ :data:`COVERAGE_GREEN` (80 %);
- orange: ≥ :data:`COVERAGE_ORANGE` (50 %);
- red: less.

A missing figure gets a grey light. Each light also carries a mark (:data:`LIGHT_MARKS`:
✓ green, ! orange, × red, ? grey; the PDF draws them as lines) and a word
(:data:`LIGHT_WORDS`), so it reads without colour vision.
"""

from __future__ import annotations

import math

from geo.formats import fmt_share

__all__ = [
    "COVERAGE_GREEN",
    "COVERAGE_ORANGE",
    "LIGHTS",
    "LIGHT_COLOURS",
    "LIGHT_MARKS",
    "LIGHT_WORDS",
    "SHORTAGE_ORANGE_SHARE",
    "coverage_light",
    "legend_items",
    "shortage_light",
]

SHORTAGE_ORANGE_SHARE: float = 0.10
COVERAGE_GREEN: float = 0.80
COVERAGE_ORANGE: float = 0.50

#: The lights, best first.
LIGHTS: tuple[str, ...] = ("green", "orange", "red", "grey")
LIGHT_COLOURS: dict[str, str] = {"green": "#1a9850", "orange": "#f08c00", "red": "#d73027",
                                 "grey": "#9e9e9e"}
LIGHT_MARKS: dict[str, str] = {"green": "✓", "orange": "!", "red": "×", "grey": "?"}
LIGHT_WORDS: dict[str, str] = {"green": "goed", "orange": "let op", "red": "knelpunt",
                               "grey": "geen gegevens"}


def shortage_light(shortage: float, demand: float) -> str:
    """Traffic light of a shortage (demand − supply).

    Parameters
    ----------
    shortage
        Demand minus supply; negative is a surplus.
    demand
        Demand of the same product and area.

    Returns
    -------
    str
        ``"green"`` (≤ 0), ``"orange"`` (≤ 10 % of demand), ``"red"`` or ``"grey"`` (missing).

    Examples
    --------
    >>> shortage_light(-3, 100), shortage_light(10, 100), shortage_light(11, 100)
    ('green', 'orange', 'red')
    """
    if shortage is None or not math.isfinite(shortage):
        return "grey"
    if shortage <= 0:
        return "green"
    if demand is not None and math.isfinite(demand) and shortage <= SHORTAGE_ORANGE_SHARE * demand:
        return "orange"
    return "red"


def coverage_light(share: float) -> str:
    """Traffic light of a coverage share (0–1).

    Parameters
    ----------
    share
        Share of people 75+ within the walking norm.

    Returns
    -------
    str
        ``"green"`` (≥ 80 %), ``"orange"`` (≥ 50 %), ``"red"`` or ``"grey"`` (missing).

    Examples
    --------
    >>> coverage_light(0.8), coverage_light(0.5), coverage_light(0.49)
    ('green', 'orange', 'red')
    """
    if share is None or not math.isfinite(share):
        return "grey"
    if share >= COVERAGE_GREEN:
        return "green"
    return "orange" if share >= COVERAGE_ORANGE else "red"


def legend_items() -> list[tuple[str, str]]:
    """(light, Dutch rule) for a legend of the lights, green first.

    Examples
    --------
    >>> legend_items()[0]
    ('green', 'Geen tekort (tekort ≤ 0) · dekking ≥ 80 %')
    """
    orange, green = fmt_share(COVERAGE_ORANGE), fmt_share(COVERAGE_GREEN)
    limit = fmt_share(SHORTAGE_ORANGE_SHARE)
    return [
        ("green", f"Geen tekort (tekort ≤ 0) · dekking ≥ {green}"),
        ("orange", f"Tekort ≤ {limit} van de vraag · dekking ≥ {orange}"),
        ("red", f"Tekort > {limit} van de vraag · dekking < {orange}"),
        ("grey", "Geen gegevens"),
    ]
