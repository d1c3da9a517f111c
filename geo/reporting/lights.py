"""Traffic lights: when a key figure is green, orange or red (the PDF and the Presentatie page).

Shortages (demand − supply, in homes or places):

- surplus (purple, the surplus colour of the maps; word "overschot*"): shortage ≤
  −:data:`SURPLUS_MIN` (a surplus of at least one home or place after rounding). Never a
  bare "goed": supply counts every suitable home or place whoever uses it, so a surplus
  only says that enough exist, not that older people live in them or that one is free.
  Wherever this light is shown, :func:`surplus_caveat` is printed with it (the ``*``);
- green: no shortage and no surplus (−0.5 < shortage ≤ 0);
- orange: shortage ≤ :data:`SHORTAGE_ORANGE_SHARE` (10 %) of demand;
- red: a larger shortage.

Coverage (share of people 75+ within the walking norm of a facility):

- green: ≥ :data:`COVERAGE_GREEN` (80 %);
- orange: ≥ :data:`COVERAGE_ORANGE` (50 %);
- red: less.

A missing figure gets a grey light. Each light also carries a mark (:data:`LIGHT_MARKS`:
✓ green, + surplus, ! orange, × red, ? grey; the PDF draws them as lines) and a word
(:data:`LIGHT_WORDS`), so it reads without colour vision.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from geo.formats import fmt_share

__all__ = [
    "COVERAGE_GREEN",
    "COVERAGE_ORANGE",
    "LIGHTS",
    "LIGHT_COLOURS",
    "LIGHT_MARKS",
    "LIGHT_WORDS",
    "SHORTAGE_ORANGE_SHARE",
    "SURPLUS_MIN",
    "coverage_light",
    "legend_items",
    "shortage_light",
    "surplus_caveat",
    "surplus_products",
]

SHORTAGE_ORANGE_SHARE: float = 0.10
COVERAGE_GREEN: float = 0.80
COVERAGE_ORANGE: float = 0.50
#: A shortage of −0.5 or less (a surplus that shows as at least 1 after rounding) is a surplus.
SURPLUS_MIN: float = 0.5

#: The lights, best first ("surplus": no shortage, with the caveat of :func:`surplus_caveat`).
LIGHTS: tuple[str, ...] = ("green", "surplus", "orange", "red", "grey")
LIGHT_COLOURS: dict[str, str] = {"green": "#1a9850", "surplus": "#8073ac", "orange": "#f08c00",
                                 "red": "#d73027", "grey": "#9e9e9e"}
LIGHT_MARKS: dict[str, str] = {"green": "✓", "surplus": "+", "orange": "!", "red": "×",
                               "grey": "?"}
LIGHT_WORDS: dict[str, str] = {"green": "goed", "surplus": "overschot*", "orange": "let op",
                               "red": "knelpunt", "grey": "geen gegevens"}

# what a product's supply counts (in a sentence: "er zijn meer … dan de norm vraagt")
_SUPPLY_THINGS: dict[str, str] = {
    "step_free": "geschikte woningen",
    "clustered": "wooneenheden geclusterd wonen",
    "nursing_somatic": "verpleegzorgplaatsen",
    "nursing_dementia": "verpleegzorgplaatsen",
}


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
        ``"surplus"`` (≤ −0.5: never a bare "goed", see the module docstring), ``"green"``
        (−0.5 < shortage ≤ 0), ``"orange"`` (≤ 10 % of demand), ``"red"`` or ``"grey"``
        (missing).

    Examples
    --------
    >>> shortage_light(-3, 100), shortage_light(0, 100), shortage_light(10, 100)
    ('surplus', 'green', 'orange')
    >>> shortage_light(11, 100)
    'red'
    """
    if shortage is None or not math.isfinite(shortage):
        return "grey"
    if shortage <= -SURPLUS_MIN:
        return "surplus"
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
    ('green', 'Geen tekort en geen overschot (tekort 0) · dekking ≥ 80 %')
    """
    orange, green = fmt_share(COVERAGE_ORANGE), fmt_share(COVERAGE_GREEN)
    limit = fmt_share(SHORTAGE_ORANGE_SHARE)
    return [
        ("green", f"Geen tekort en geen overschot (tekort 0) · dekking ≥ {green}"),
        ("surplus", "Overschot* (tekort negatief): meer aanbod dan de norm vraagt — "
                    "zie * onder de tabel"),
        ("orange", f"Tekort ≤ {limit} van de vraag · dekking ≥ {orange}"),
        ("red", f"Tekort > {limit} van de vraag · dekking < {orange}"),
        ("grey", "Geen gegevens"),
    ]


def surplus_products(row: Mapping[str, object], products: Iterable[str]) -> list[str]:
    """The products among ``products`` with a surplus light in ``row``.

    Parameters
    ----------
    row
        A row (mapping) with ``shortage_<product>`` and ``demand_<product>`` values, e.g.
        a kerngebied of a :class:`geo.analysis.gaps.GapResult`.
    products
        Product keys to check, in the order to return them.

    Examples
    --------
    >>> surplus_products({"shortage_step_free": -40.0, "shortage_clustered": 3.0},
    ...                  ["step_free", "clustered"])
    ['step_free']
    """
    out = []
    for product in products:
        try:
            value = float(row[f"shortage_{product}"])  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError):
            continue
        if shortage_light(value, math.nan) == "surplus":
            out.append(product)
    return out


def surplus_caveat(products: Iterable[str] = ("step_free",)) -> str:
    """One Dutch line that says what a surplus of these products does and does not mean.

    Shown wherever a surplus is (the ``*`` of the "overschot*" light): supply counts every
    suitable home or place whoever lives in it or uses it (README, *Supply*).

    Examples
    --------
    >>> surplus_caveat(["step_free"])[:60]
    '* Overschot betekent: er zijn meer geschikte woningen dan de'
    >>> surplus_caveat(["step_free"]).endswith("wie erin woont — niet dat ouderen er al wonen.")
    True
    >>> surplus_caveat(["nursing_dementia"]).endswith("niet dat er een plaats vrij is.")
    True
    """
    products = list(dict.fromkeys(products)) or ["step_free"]
    things = list(dict.fromkeys(_SUPPLY_THINGS.get(p, "plaatsen") for p in products))
    listed = things[0] if len(things) == 1 else ", ".join(things[:-1]) + " of " + things[-1]
    homes = "step_free" in products
    places = any(p != "step_free" for p in products)
    who = "ongeacht wie erin woont" if not places else (
        "ongeacht wie erin woont of ze gebruikt" if homes else "ongeacht wie ze gebruikt")
    meaning = " of ".join(part for part, on in (
        ("dat ouderen er al wonen", homes), ("dat er een plaats vrij is", places)) if on)
    return (f"* Overschot betekent: er zijn meer {listed} dan de norm vraagt, {who} — "
            f"niet {meaning}.")
