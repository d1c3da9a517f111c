"""Area levels of the gap analysis: finishing counts and adding them up.

Every level is built from the one below by sums, so people, homes, demand, supply and
coverage counts add up exactly from buurt to kerngebied to municipality to region (a
kerngebied lies in one municipality, see :mod:`geo.analysis.prepared`). Demand is summed,
not recomputed, because municipalities may apply their own rates
(:mod:`geo.analysis.area_norms`). Shares (coverage) are recomputed from the summed counts
and distances and accessibility scores are weighted means (weights: people 75+ and the
measure's population), never plain averages of the level below.
"""

from __future__ import annotations

from typing import NamedTuple

import geopandas as gpd
import numpy as np
import shapely

from geo import vocabulary
from geo.analysis.demand import demand_columns, group_total
from geo.analysis.prepared import PreparedRegion
from geo.model.norms import Norms

__all__ = ["AreaLevels", "aggregate", "area_levels", "count_columns", "finish", "grid_layer",
           "majority", "weighted_mean"]


def count_columns(norms: Norms) -> list[str]:
    """The count columns of a gap layer (sums over areas), in layer order."""
    cols = ["pop_total", "pop_65plus", "pop_75plus", "pop_85plus", *vocabulary.band_columns(),
            "homes_total", "homes_suitable", "homes_adaptable", "homes_unsuitable"]
    for product in vocabulary.PRODUCTS:
        cols += [f"demand_{product}", f"supply_{product}"]
    for ftype in norms.walking:
        cols.append(f"cov75_{ftype}")
    cols.append("homes_unreachable")
    return cols


def weighted_mean(index: np.ndarray, values: np.ndarray, weights: np.ndarray,
                  n: int) -> np.ndarray:
    """Mean of ``values`` per index (0 … n-1) weighted by ``weights``; NaN without weight."""
    finite = np.isfinite(values)
    w = np.where(finite, weights, 0.0)
    num = np.bincount(index, weights=np.where(finite, values, 0.0) * w, minlength=n)
    den = np.bincount(index, weights=w, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def finish(counts: dict[str, np.ndarray], norms: Norms) -> dict[str, np.ndarray]:
    """Add totals, demand (unless given), shortage and coverage shares to counts.

    Parameters
    ----------
    counts
        Band counts, homes, supply and coverage counts per row; ``demand_<product>`` when
        already known (sums, or per-municipality rates), else computed with ``norms``.
    norms
        The walking norms (coverage columns) and, when demand is not given, the rates.

    Returns
    -------
    dict
        The columns in layer order (counts, then distances and scores if given).
    """
    bands = vocabulary.band_columns()
    cols = dict(counts)
    band_arrays = [np.asarray(cols[b], dtype=float) for b in bands]
    cols["pop_total"] = np.sum(band_arrays, axis=0)
    for group, col in (("65+", "pop_65plus"), ("75+", "pop_75plus"), ("85+", "pop_85plus")):
        cols[col] = group_total(cols, group).astype(float)
    if any(f"demand_{p}" not in cols for p in vocabulary.PRODUCTS):
        cols.update(demand_columns(cols, norms))
    for product in vocabulary.PRODUCTS:
        cols[f"shortage_{product}"] = (np.asarray(cols[f"demand_{product}"], float)
                                       - np.asarray(cols[f"supply_{product}"], float))
    old = cols["pop_75plus"]
    with np.errstate(invalid="ignore", divide="ignore"):
        for ftype in norms.walking:
            cols[f"cov75_share_{ftype}"] = np.where(
                old > 0, np.asarray(cols[f"cov75_{ftype}"], float) / np.where(old > 0, old, 1),
                np.nan)
    order = ["pop_total", "pop_65plus", "pop_75plus", "pop_85plus", *bands,
             "homes_total", "homes_suitable", "homes_adaptable", "homes_unsuitable"]
    for product in vocabulary.PRODUCTS:
        order += [f"demand_{product}", f"supply_{product}", f"shortage_{product}"]
    for ftype in norms.walking:
        order += [f"cov75_{ftype}", f"cov75_share_{ftype}", f"dist_{ftype}"]
    order += ["homes_unreachable", *(f"acc_{k}" for k in norms.access)]
    return {c: cols[c] for c in order if c in cols}


def aggregate(cols: dict[str, np.ndarray], codes: np.ndarray, n: int,
              norms: Norms) -> dict[str, np.ndarray]:
    """Sum counts and take weighted means of distances and scores per code (0 … n-1).

    Returns finished columns (see :func:`finish`); demand is the sum of the rows' demand.
    """
    counts = [c for c in count_columns(norms) if c in cols and not c.startswith(
        ("pop_total", "pop_65plus", "pop_75plus", "pop_85plus"))]
    out: dict[str, np.ndarray] = {
        c: np.bincount(codes, weights=np.asarray(cols[c], dtype=float), minlength=n)
        for c in counts
    }
    w75 = cols["pop_75plus"]
    for ftype in norms.walking:
        out[f"dist_{ftype}"] = weighted_mean(codes, cols[f"dist_{ftype}"], w75, n)
    for key, spec in norms.access.items():
        out[f"acc_{key}"] = weighted_mean(codes, cols[f"acc_{key}"],
                                          group_total(cols, spec.population), n)
    return finish(out, norms)


class AreaLevels(NamedTuple):
    """The gap layers above the buurt."""

    kerngebied: gpd.GeoDataFrame
    gemeente: gpd.GeoDataFrame
    regio: gpd.GeoDataFrame


def area_levels(bcols: dict[str, np.ndarray], prep: PreparedRegion, region_name: str,
                norms: Norms, year: int, crs: object) -> AreaLevels:
    """Kerngebied, municipality and region layers from the finished buurt columns.

    Parameters
    ----------
    bcols
        Finished buurt columns (:func:`finish`), in ``prep.areas`` order.
    prep
        The prepared region (kerngebied and municipality of every buurt, outlines).
    region_name
        Name of the region (``regio`` column of the region layer).
    norms
        The regional norms (column set, weights of the means).
    year
        Year of the analysis.
    crs
        CRS of the layers.

    Returns
    -------
    AreaLevels
        ``kerngebied`` (one row per kerngebied, with ``gemeente_code`` and
        ``gemeente_name``), ``gemeente`` (one row per municipality: ``gemeente_code``,
        ``gemeente``) and ``regio`` (one row: ``regio``, ``gemeente_code`` = the
        comma-separated codes, ``n_gemeenten``). Each level sums the one below.
    """
    n_kern = len(prep.kerngebied_names)
    kcols = aggregate(bcols, prep.kerngebied_codes, n_kern, norms)
    kern_gm = prep.kerngebied_gemeente
    kerngebied = gpd.GeoDataFrame(
        {"kerngebied": prep.kerngebied_names, "gemeente_code": prep.gemeente_codes[kern_gm],
         "gemeente_name": prep.gemeente_names[kern_gm], **kcols,
         "n_buurten": np.bincount(prep.kerngebied_codes, minlength=n_kern),
         "year": np.full(n_kern, year)}, geometry=prep.kerngebied_geoms, crs=crs)
    # sums and weighted means are associative: aggregate the (few) kerngebieden again
    n_gm = len(prep.gemeente_codes)
    gcols = aggregate(kcols, kern_gm, n_gm, norms)
    gemeente = gpd.GeoDataFrame(
        {"gemeente_code": prep.gemeente_codes, "gemeente": prep.gemeente_names, **gcols,
         "n_buurten": np.bincount(prep.area_gemeente, minlength=n_gm),
         "year": np.full(n_gm, year)}, geometry=prep.gemeente_geoms, crs=crs)
    rcols = aggregate(gcols, np.zeros(n_gm, dtype=np.int64), 1, norms)
    regio = gpd.GeoDataFrame(
        {"regio": [region_name], "gemeente_code": [",".join(prep.gemeente_codes)],
         "n_gemeenten": [n_gm], **rcols, "n_buurten": [len(prep.areas)], "year": [year]},
        geometry=[prep.gemeente_geom], crs=crs)
    return AreaLevels(kerngebied, gemeente, regio)


def grid_layer(cells: np.ndarray, per_cell: dict[str, np.ndarray], main_area: np.ndarray,
                areas: gpd.GeoDataFrame, size: float, norms: Norms,
                year: int, crs: object) -> gpd.GeoDataFrame:
    """Grid-cell layer from per-cell sums (``cells``: integer cell indices x, y)."""
    cols = finish(per_cell, norms)
    cols.update({k: v for k, v in per_cell.items() if k.startswith(("dist_", "acc_"))
                 and k not in cols})
    cx, cy = cells[:, 0], cells[:, 1]
    east = np.round(cx * size).astype(np.int64).astype(str).astype(object)
    north = np.round(cy * size).astype(np.int64).astype(str).astype(object)
    has_area = main_area >= 0
    idx = np.maximum(main_area, 0)
    frame = {
        "cell_id": "E" + east + "N" + north,
        "buurt_code": np.where(has_area, areas.index.to_numpy()[idx], None),
        "kerngebied": np.where(has_area, areas["kerngebied"].to_numpy()[idx], None),
        "gemeente_code": np.where(has_area, areas["gemeente_code"].to_numpy()[idx], None),
        **cols, "year": np.full(len(cx), year),
    }
    boxes = shapely.box(cx * size, cy * size, (cx + 1) * size, (cy + 1) * size)
    return gpd.GeoDataFrame(frame, geometry=boxes, crs=crs)


def majority(cell: np.ndarray, area: np.ndarray, weight: np.ndarray, n: int) -> np.ndarray:
    """Per cell, the area index with the largest total weight (-1 for empty cells)."""
    out = np.full(n, -1, dtype=np.int64)
    if len(cell) == 0:
        return out
    pair = cell.astype(np.int64) * 1_000_000 + area
    uniq, inv = np.unique(pair, return_inverse=True)
    w = np.bincount(inv, weights=weight)
    pc, pa = uniq // 1_000_000, uniq % 1_000_000
    order = np.lexsort((-w, pc))
    first = np.unique(pc[order], return_index=True)[1]
    out[pc[order][first]] = pa[order][first]
    return out
