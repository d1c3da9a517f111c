"""Applying, analysing and comparing scenarios.

:func:`apply_scenario` returns a new, validated :class:`~geo.model.region.Region` with a
scenario's changes (the base region is never changed), :func:`analyse_scenario` its
:class:`~geo.analysis.gaps.GapResult`, which records the scenario (``scenario_name``,
``scenario_toml``) so :func:`geo.reporting.output.write_result` writes it into the
``provenance`` layer, and :func:`compare` puts the key figures of several results side by
side. The scenario itself is :mod:`geo.model.scenario` (format:
:mod:`geo.model.scenario_text`).

Meaning of ``units`` of a project (products of :data:`geo.vocabulary.PRODUCTS`):

- ``step_free`` — that many new step-free homes (whole number) at the project point:
  home ids ``P<project>-<n>``, ``multi_family`` with a lift, 70 m², ``social_rent``,
  construction year = ``ready``, ``buurt_code`` by location;
- ``clustered``, ``nursing_somatic``, ``nursing_dementia`` — one new facility of type
  ``clustered_housing`` / ``nursing_somatic`` / ``nursing_dementia`` with that capacity,
  named after the project (id ``P<project>-<product>``).

A facility change with ``from_year`` applies only when ``from_year <= year`` (without it:
always); changes apply in the order given, before the projects. A capacity change of a
facility that is not open in the scenario year (opened later in the list with a later
``from_year``) changes nothing.

Modelling notes: new homes do not bring new residents (the prognosis has no
housing-led migration), so demand stays the same and the shortage falls by exactly the
added supply. Because people are spread evenly over the homes of their buurt, new homes
do move part of the buurt's population to the project point, which can change the
walking-norm coverage of that buurt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis.gaps import GapResult, analyse
from geo.analysis.prepared import PreparedRegion
from geo.analysis.supply import PRODUCT_FACILITY
from geo.errors import ScenarioError
from geo.model.norms import Norms
from geo.model.prognosis import PrognosisSettings
from geo.model.region import Region, buurt_codes_at
from geo.model.scenario import FacilityChange, Project, Scenario, scenario_norms, scenario_prognosis
from geo.model.scenario_checks import rd_location, validate_scenario
from geo.model.scenario_text import dumps_scenario

__all__ = [
    "COMPARE_METRICS",
    "analyse_scenario",
    "apply_scenario",
    "compare",
]

# Attributes of the homes a project adds (besides location, owner and construction year).
_PROJECT_HOME = {"dwelling_type": "multi_family", "step_free": True, "lift": True,
                 "floor_area": 70.0, "tenure": "social_rent"}
_DEFAULT_OWNER = "onbekend"

#: Key figures of :func:`compare`: column of the gap layers → Dutch label.
COMPARE_METRICS: dict[str, str] = {
    "shortage_step_free": "Tekort nultredenwoningen",
    "shortage_clustered": "Tekort geclusterd wonen",
    "shortage_nursing_somatic": "Tekort verpleegzorg somatisch",
    "shortage_nursing_dementia": "Tekort verpleegzorg PG",
    "cov75_share_supermarket": "Aandeel 75+ ≤ loopnorm supermarkt",
    "cov75_share_gp": "Aandeel 75+ ≤ loopnorm huisarts",
    "pop_75plus": "Inwoners 75+",
}



# --------------------------------------------------------------------------- applying

class _NewRows(NamedTuple):
    """Rows to append to a layer: attribute dicts and their RD points."""

    rows: list[dict[str, Any]]
    xy: list[tuple[float, float]]


def _append(frame: gpd.GeoDataFrame, rows: list[dict[str, Any]],
            xy: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    if not rows:
        return frame
    new = gpd.GeoDataFrame(
        pd.DataFrame(rows).reindex(columns=[c for c in frame.columns
                                            if c != frame.geometry.name]),
        geometry=shapely.points(np.asarray(xy, dtype=float)), crs=frame.crs)
    new = new.rename_geometry(frame.geometry.name) if frame.geometry.name != "geometry" \
        else new
    for col in new.columns:
        if col != frame.geometry.name and new[col].isna().all():
            new[col] = new[col].astype(object)
    return pd.concat([frame, new[frame.columns]], ignore_index=True)


def _apply_facility_change(i: int, change: FacilityChange, fac: gpd.GeoDataFrame,
                           new: _NewRows) -> gpd.GeoDataFrame:
    """Apply one facility change to the base facilities ``fac`` and the opened ``new``."""
    if change.action == "close":
        fac = fac[fac["facility_id"] != change.id]
        keep = [k for k, r in enumerate(new.rows) if r["facility_id"] != change.id]
        new.rows[:] = [new.rows[k] for k in keep]
        new.xy[:] = [new.xy[k] for k in keep]
    elif change.action == "capacity":
        if (fac["facility_id"] == change.id).any():
            fac.loc[fac["facility_id"] == change.id, "capacity"] = float(change.capacity)
        for row in new.rows:  # opened earlier in this scenario (and open this year)
            if row["facility_id"] == change.id:
                row["capacity"] = float(change.capacity)
    else:  # open
        new.rows.append({
            "facility_id": change.id or f"S{i}", "facility_type": change.facility_type,
            "name": change.name, "operator": change.operator or "",
            "capacity": np.nan if change.capacity is None else float(change.capacity),
            "woonplaats": "",
        })
        new.xy.append(rd_location(change))  # validated before
    return fac


def _add_project(i: int, project: Project, homes: _NewRows, facilities: _NewRows) -> None:
    """Add a ready project's step-free homes and care facilities."""
    xy = rd_location(project)
    for product, amount in project.units.items():
        if product == "step_free":
            for n in range(1, int(amount) + 1):
                homes.rows.append({
                    "home_id": f"P{i}-{n}", "construction_year": project.ready,
                    **_PROJECT_HOME, "owner": project.owner or _DEFAULT_OWNER,
                    "woonplaats": "",
                })
                homes.xy.append(xy)
        elif amount > 0:
            facilities.rows.append({
                "facility_id": f"P{i}-{product}", "facility_type": PRODUCT_FACILITY[product],
                "name": project.name, "operator": project.owner or "",
                "capacity": float(amount), "woonplaats": "",
            })
            facilities.xy.append(xy)


def apply_scenario(region: Region, scenario: Scenario) -> Region:
    """Return a new validated region with the scenario's changes; ``region`` is unchanged.

    Facility changes are applied in order (close removes the facility, open appends one,
    capacity sets the value); then every project ready in the scenario year adds its
    step-free homes and its care facilities (see the module docstring).

    Parameters
    ----------
    region
        The base region.
    scenario
        The scenario; it is validated first.

    Returns
    -------
    Region
        The changed region (new homes appended after the base homes, so a
        :class:`geo.analysis.prepared.PreparedRegion` of the base still fits); its metadata records
        ``scenario_name`` and ``scenario_toml``.

    Raises
    ------
    ScenarioError
        When the scenario does not validate against the region.
    """
    validate_scenario(scenario, region)
    fac = region.facilities.copy()
    new_fac = _NewRows([], [])
    for i, change in enumerate(scenario.facility_changes, start=1):
        if change.applies_in(scenario.year):
            fac = _apply_facility_change(i, change, fac, new_fac)
    new_homes = _NewRows([], [])
    for i, project in enumerate(scenario.projects, start=1):
        if project.ready <= scenario.year:
            _add_project(i, project, new_homes, new_fac)
    if new_homes.rows:
        codes = buurt_codes_at(np.asarray(new_homes.xy), region.areas)
        for row, code in zip(new_homes.rows, codes, strict=True):
            row["buurt_code"] = code
    homes = _append(region.homes, new_homes.rows, new_homes.xy)
    fac = _append(fac, new_fac.rows, new_fac.xy).reset_index(drop=True)
    # The base region is valid and the added rows come from a validated scenario; only
    # what the additions can break is checked (validating the whole region again would
    # cost more than the analysis of a scenario).
    dup = fac["facility_id"].duplicated()
    if dup.any():
        raise ScenarioError(
            "faciliteit-id komt dubbel voor na het toepassen van het scenario: "
            + ", ".join(sorted(set(fac.loc[dup, "facility_id"].astype(str))))
            + ". Kies een andere id voor de nieuwe faciliteit.")
    metadata = {**region.metadata, "scenario_name": scenario.name,
                "scenario_toml": dumps_scenario(scenario)}
    return dataclasses.replace(region, homes=homes, facilities=fac, metadata=metadata)


def analyse_scenario(
    region: Region,
    scenario: Scenario,
    *,
    year: int | None = None,
    norms: Norms | str | None = None,
    prognosis: PrognosisSettings | str | None = None,
    prepared: PreparedRegion | None = None,
    distance: str | None = None,
    profile: str | None = None,
) -> GapResult:
    """Apply a scenario and run the gap analysis with its year, norms and prognosis.

    Parameters
    ----------
    region
        The base region.
    scenario
        The scenario.
    year, norms, prognosis
        Explicit overrides of the scenario's settings (``None``: use the scenario's). A
        year override also decides which projects are ready. Overrides are recorded in
        ``assumptions["scenario_overrides"]``.
    prepared
        :func:`geo.analysis.prepared.prepare_region` of ``region``: recomputing a scenario then
        reuses the base region's structures (see :mod:`geo.analysis.prepared`).
    distance, profile
        The distance method and mobility profile (see :func:`geo.analysis.gaps.analyse`;
        the scenario's region keeps the base region's street network).

    Returns
    -------
    GapResult
        The result, with ``assumptions["scenario_name"]`` and
        ``assumptions["scenario_toml"]`` (the effective scenario as TOML).
    """
    overrides = []
    if year is not None and year != scenario.year:
        overrides.append(f"year={year} (scenariobestand: {scenario.year})")
        scenario = dataclasses.replace(scenario, year=int(year))
    if norms is not None:
        overrides.append(f"norms={norms.key if isinstance(norms, Norms) else norms}")
    if prognosis is not None:
        overrides.append("prognosis=" + (prognosis.name if isinstance(
            prognosis, PrognosisSettings) else str(prognosis)))
    applied = apply_scenario(region, scenario)
    result = analyse(applied, year=scenario.year,
                     norms=norms if norms is not None else scenario_norms(scenario),
                     prognosis=prognosis if prognosis is not None
                     else scenario_prognosis(scenario),
                     prepared=prepared, distance=distance, profile=profile)
    assumptions = {**result.assumptions, "scenario_name": scenario.name,
                   "scenario_toml": applied.metadata["scenario_toml"]}
    if overrides:
        assumptions["scenario_overrides"] = "; ".join(overrides)
    return dataclasses.replace(result, assumptions=assumptions)


# --------------------------------------------------------------------------- comparing

_TOTALS = ("Gemeente", "Regio")


def _key_figures(result: GapResult) -> pd.DataFrame:
    """Rows per kerngebied, then the totals; columns the key figures.

    One municipality: the total row is "Gemeente". Several: one row "Gemeente <name>" per
    municipality and "Regio" for the whole region.
    """
    kerngebied = pd.DataFrame(result.kerngebied.drop(columns="geometry")).set_index("kerngebied")
    gem = pd.DataFrame(result.gemeente.drop(columns="geometry"))
    parts = [kerngebied.reindex(columns=list(COMPARE_METRICS))]
    if len(gem) == 1:
        gem.index = pd.Index(["Gemeente"])
        parts.append(gem.reindex(columns=list(COMPARE_METRICS)))
    else:
        gem.index = pd.Index([f"Gemeente {n}" for n in gem["gemeente"]])
        regio = pd.DataFrame(result.regio.drop(columns="geometry")) if result.regio is not None \
            else gem.sum(numeric_only=True).to_frame().T
        regio.index = pd.Index(["Regio"])
        parts += [gem.reindex(columns=list(COMPARE_METRICS)),
                  regio.reindex(columns=list(COMPARE_METRICS))]
    return pd.concat(parts).astype(float)


def compare(results: Mapping[str, GapResult]) -> pd.DataFrame:
    """Key figures of several scenario results side by side, with differences.

    Parameters
    ----------
    results
        ``{scenario label: result}``; the first is the reference ("basis").

    Returns
    -------
    pandas.DataFrame
        One row per area and key figure: columns ``gebied`` (kerngebied, ``"Gemeente"``;
        in a region of several municipalities ``"Gemeente <name>"`` per municipality and
        ``"Regio"``), ``kengetal`` (column name, see :data:`COMPARE_METRICS`),
        ``omschrijving`` (Dutch label), one value column per scenario label, and
        ``verschil <label>`` = value − reference for every other scenario. Areas follow
        the reference result's order, the totals last.

    Raises
    ------
    ScenarioError
        When ``results`` is empty.
    """
    if not results:
        raise ScenarioError("vergelijken: geen scenario's gegeven.")
    labels = list(results)
    figures = {label: _key_figures(res) for label, res in results.items()}
    areas = list(figures[labels[0]].index)
    for frame in figures.values():
        areas += [a for a in frame.index if a not in areas]
    totals = [a for a in areas if a in _TOTALS or str(a).startswith("Gemeente ")]
    areas = [a for a in areas if a not in totals] + sorted(
        totals, key=lambda a: (a in _TOTALS, totals.index(a)))
    index = pd.MultiIndex.from_product([areas, list(COMPARE_METRICS)],
                                       names=["gebied", "kengetal"])
    out = pd.DataFrame(index=index)
    for label in labels:
        out[label] = figures[label].reindex(areas).stack(future_stack=True).reindex(
            index).to_numpy()
    for label in labels[1:]:
        out[f"verschil {label}"] = out[label] - out[labels[0]]
    out = out.reset_index()
    out.insert(2, "omschrijving", out["kengetal"].map(COMPARE_METRICS))
    return out
