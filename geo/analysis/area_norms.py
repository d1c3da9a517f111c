"""Norms per area: each municipality's own norms applied to its buurten.

A region of several municipalities can carry per-municipality tables in its norms
(:attr:`geo.model.norms.Norms.gemeente`, format in :mod:`geo.model.norms`). The gap analysis
resolves them once into an :class:`AreaNorms` — the distinct norm sets and, per buurt, which
one applies — and uses it for the three things a municipality can choose:

- **demand** per product (:func:`demand_per_row`): each buurt's demand with its
  municipality's rates; kerngebied, municipality and region figures are sums of buurten, so
  they add up whatever the rates;
- **walking norms** (:func:`walking_limits`): coverage counts a person 75+ as covered when the
  nearest facility lies within the norm of the municipality they live in (the facility may
  lie in another municipality or outside the region);
- **suitability** (:func:`classify_region_homes`): ``adaptable_min_area``,
  ``ground_floor_share`` and ``adaptable_weight`` per municipality of the home's buurt.

Accessibility (2SFCA) is regional by construction and uses the regional norms. Without
per-municipality tables everything reduces to the regional norms (one set, no extra work).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from geo import vocabulary
from geo.analysis.demand import demand_columns
from geo.analysis.supply import SUITABILITY_CLASSES, classify_homes, step_free_units
from geo.model.norms import Norms

__all__ = ["AreaNorms", "area_norms", "classify_region_homes", "demand_per_row",
           "walking_limits"]


class AreaNorms(NamedTuple):
    """The distinct norm sets of a region and which applies to each buurt.

    Attributes
    ----------
    norms
        ``norms[0]`` is the regional set; one more per municipality with its own table.
    area
        ``(n_areas,)`` index into ``norms`` per buurt.
    applied
        ``{GM code: name of its norms}`` of the municipalities with their own table.
    """

    norms: tuple[Norms, ...]
    area: np.ndarray
    applied: dict[str, str]

    @property
    def uniform(self) -> bool:
        """Whether one set of norms applies everywhere."""
        return len(self.norms) == 1


def area_norms(norms: Norms, area_gemeente: np.ndarray, gemeente_codes: ArrayLike) -> AreaNorms:
    """Resolve per-municipality norms for the buurten of a region.

    Parameters
    ----------
    norms
        The regional norms, possibly with per-municipality tables.
    area_gemeente
        ``(n_areas,)`` municipality index of every buurt (into ``gemeente_codes``).
    gemeente_codes
        The region's municipality codes.

    Returns
    -------
    AreaNorms
        Tables of municipalities outside the region are left unused.
    """
    sets: list[Norms] = [norms]
    per_gemeente = np.zeros(len(gemeente_codes), dtype=np.int64)
    applied: dict[str, str] = {}
    for i, code in enumerate(np.asarray(gemeente_codes, dtype=object)):
        if str(code) in norms.gemeente:
            sets.append(norms.for_gemeente(str(code)))
            per_gemeente[i] = len(sets) - 1
            applied[str(code)] = sets[-1].name
    area = per_gemeente[np.maximum(area_gemeente, 0)] if len(per_gemeente) else \
        np.zeros(len(area_gemeente), dtype=np.int64)
    return AreaNorms(tuple(sets), area, applied)


def demand_per_row(columns: Mapping[str, ArrayLike], row_norm: np.ndarray,
                   an: AreaNorms) -> dict[str, np.ndarray]:
    """Demand per product of rows (buurten, groups of people) with each row's norms.

    Parameters
    ----------
    columns
        ``pop_<band>`` → counts per row.
    row_norm
        ``(n,)`` index into ``an.norms`` per row.
    an
        The resolved norms.

    Returns
    -------
    dict
        ``demand_<product>`` → float array (units), as
        :func:`geo.analysis.demand.demand_columns`.
    """
    if an.uniform:
        return demand_columns(columns, an.norms[0])
    bands = vocabulary.band_columns()
    arrays = {c: np.asarray(columns[c], dtype=float) for c in bands}
    n = len(arrays[bands[0]])
    out = {f"demand_{p}": np.zeros(n) for p in vocabulary.PRODUCTS}
    for k, norms in enumerate(an.norms):
        sel = np.flatnonzero(row_norm == k)
        if len(sel):
            part = demand_columns({c: a[sel] for c, a in arrays.items()}, norms)
            for col, values in part.items():
                out[col][sel] = values
    return out


def walking_limits(an: AreaNorms, facility_type: str, row_norm: np.ndarray) -> np.ndarray | float:
    """Walking norm (m) of ``facility_type`` per row (a scalar when uniform)."""
    if an.uniform:
        return float(an.norms[0].walking[facility_type])
    table = np.array([float(n.walking[facility_type]) for n in an.norms])
    return table[row_norm]


def classify_region_homes(homes: pd.DataFrame, home_norm: np.ndarray,
                          an: AreaNorms) -> tuple[pd.Series, np.ndarray]:
    """Suitability class and step-free units of every home with its municipality's norms.

    Parameters
    ----------
    homes
        The homes layer.
    home_norm
        ``(n_homes,)`` index into ``an.norms`` (0 for homes outside the region's buurten).
    an
        The resolved norms.

    Returns
    -------
    tuple
        Categorical suitability (:data:`geo.analysis.supply.SUITABILITY_CLASSES`) aligned
        with ``homes``, and the step-free units per home (float array).
    """
    if an.uniform:
        classes = classify_homes(homes, an.norms[0])
        return classes, step_free_units(classes, an.norms[0]).to_numpy()
    codes = np.zeros(len(homes), dtype=np.int8)
    units = np.zeros(len(homes))
    for k, norms in enumerate(an.norms):
        sel = np.flatnonzero(home_norm == k)
        if len(sel):
            part = classify_homes(homes.iloc[sel], norms)
            codes[sel] = part.cat.codes.to_numpy()
            units[sel] = step_free_units(part, norms).to_numpy()
    classes = pd.Series(pd.Categorical.from_codes(codes, categories=list(SUITABILITY_CLASSES)),
                        index=homes.index, name="suitability")
    return classes, units
