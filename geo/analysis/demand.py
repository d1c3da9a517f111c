"""Demand: need per product from population by age band and norms.

A product's demand in an area is ``Σ_group rate[group] × population(group) / 1000``,
with rates from :class:`geo.model.norms.Norms` (units per 1,000 people of an age group).
"""

from __future__ import annotations

import pandas as pd

from geo import vocabulary
from geo.errors import WoonzorgError
from geo.model.norms import Norms

__all__ = ["group_population", "product_demand"]


def group_population(population: pd.DataFrame, group: str) -> pd.Series:
    """Population of an age group (a band or an aggregate such as ``"75+"``).

    Parameters
    ----------
    population
        Frame with ``pop_<band>`` columns.
    group
        Key of :data:`geo.vocabulary.AGE_GROUPS`.

    Returns
    -------
    pandas.Series
        Aligned with ``population.index``.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({c: [1.0] for c in vocabulary.band_columns()})
    >>> float(group_population(frame, "75+").iloc[0])
    2.0
    """
    try:
        bands = vocabulary.AGE_GROUPS[group]
    except KeyError:
        raise WoonzorgError(
            f"onbekende leeftijdsgroep '{group}'; kies uit {', '.join(vocabulary.AGE_GROUPS)}."
        ) from None
    return population[vocabulary.band_columns(bands)].sum(axis=1).rename(f"pop_{group}")


def product_demand(population: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Demand per product for every row of ``population``.

    Returns
    -------
    pandas.DataFrame
        Columns ``demand_<product>`` (float, units), aligned with ``population.index``.
    """
    out = pd.DataFrame(index=population.index)
    for product in vocabulary.PRODUCTS:
        total = pd.Series(0.0, index=population.index)
        for group, rate in norms.demand[product].items():
            total = total + group_population(population, group) * (float(rate) / 1000.0)
        out[f"demand_{product}"] = total
    return out
