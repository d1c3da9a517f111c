"""Demand: need per product from population by age band and norms.

A product's demand in an area is ``Σ_group rate[group] × population(group) / 1000``,
with rates from :class:`geo.model.norms.Norms` (units per 1,000 people of an age group).
:func:`demand_columns` is the one implementation of the formula: the gap analysis
(:mod:`geo.analysis.gaps`) calls it on its count columns, :func:`product_demand` on a frame.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from geo import vocabulary
from geo.errors import AnalysisError
from geo.model.norms import Norms

__all__ = ["demand_columns", "group_population", "group_total", "product_demand"]


def _group_bands(group: str) -> tuple[str, ...]:
    try:
        return vocabulary.AGE_GROUPS[group]
    except KeyError:
        raise AnalysisError(
            f"onbekende leeftijdsgroep '{group}'; kies uit {', '.join(vocabulary.AGE_GROUPS)}."
        ) from None


def group_total(columns: Mapping[str, ArrayLike], group: str) -> np.ndarray:
    """Population of an age group from per-band count columns.

    Parameters
    ----------
    columns
        ``pop_<band>`` column name → counts (arrays of equal length).
    group
        Key of :data:`geo.vocabulary.AGE_GROUPS`.

    Returns
    -------
    numpy.ndarray
        The sum of the group's band columns, in band order.

    Raises
    ------
    AnalysisError
        For an unknown group.

    Examples
    --------
    >>> cols = {c: np.array([1.0, 2.0]) for c in vocabulary.band_columns()}
    >>> group_total(cols, "75+").tolist()
    [2.0, 4.0]
    """
    return np.sum([columns[c] for c in vocabulary.band_columns(_group_bands(group))], axis=0)


def demand_columns(columns: Mapping[str, ArrayLike], norms: Norms) -> dict[str, np.ndarray]:
    """Demand per product from per-band count columns.

    Parameters
    ----------
    columns
        ``pop_<band>`` column name → counts (arrays of equal length, people).
    norms
        The demand rates (units per 1,000 people of an age group).

    Returns
    -------
    dict
        ``demand_<product>`` → float array (units), for every product in
        :data:`geo.vocabulary.PRODUCTS` order.
    """
    n = len(np.asarray(columns[vocabulary.band_columns()[0]]))
    out: dict[str, np.ndarray] = {}
    for product in vocabulary.PRODUCTS:
        demand = np.zeros(n)
        for group, rate in norms.demand[product].items():
            demand = demand + group_total(columns, group) * (float(rate) / 1000.0)
        out[f"demand_{product}"] = demand
    return out


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

    Raises
    ------
    AnalysisError
        For an unknown group.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({c: [1.0] for c in vocabulary.band_columns()})
    >>> float(group_population(frame, "75+").iloc[0])
    2.0
    """
    bands = _group_bands(group)
    return population[vocabulary.band_columns(bands)].sum(axis=1).rename(f"pop_{group}")


def product_demand(population: pd.DataFrame, norms: Norms) -> pd.DataFrame:
    """Demand per product for every row of ``population`` (see :func:`demand_columns`).

    Returns
    -------
    pandas.DataFrame
        Columns ``demand_<product>`` (float, units), aligned with ``population.index``.
    """
    columns = {c: population[c].to_numpy(dtype=float) for c in vocabulary.band_columns()}
    return pd.DataFrame(demand_columns(columns, norms), index=population.index)
