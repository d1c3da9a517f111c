"""Facilities of a built-in region: real care locations and assumed services (generic).

Used by :mod:`geo.datasets.midden_drenthe` (via :mod:`geo.datasets._md_facilities`) and
:mod:`geo.datasets.zuidoost_drenthe`. Every facility has ``location_basis`` and ``source``
columns:

- ``"dorp bekend"`` (:data:`KNOWN`): named care locations with their published capacity
  (a region's care-locations file). Their address point is not in the shipped data, so each
  is placed near the centre of its village's built-up area.
- ``"aanname"`` (:data:`ASSUMED`): services whose existence and place are assumed, using
  the CBS road distances per buurt (85984NED) as a guide:

  * a **GP practice** in each village whose core buurt lies within 1.5 km of a GP
    practice by road (CBS). Each buurt is served by the nearest of these villages; a
    village gets one practice per 4,200 patients served (a duo practice, 2 × ~2,100
    patients, the normpraktijk; at least one), with capacity = the inhabitants served,
    split equally;
  * a **pharmacy** in every GP village (one per 10,000 inhabitants served);
  * a **supermarket** in each village whose core buurt lies within 1.0 km of a large
    supermarket (CBS), one per 2,500 inhabitants of that buurt (at least one);
  * a **community centre** (dorpshuis) in every village of 150 inhabitants or more, and
    **bus stops**, one per 400 dwellings of the village core (at least one);
  * named facilities at approximate points (hospitals, GP out-of-hours posts, services in
    neighbouring towns), given by the region.

No nursing home, dementia unit or clustered housing is assumed: where the sources name
none the region has none, and its shortage there is an upper bound.
"""

from __future__ import annotations

import csv
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from geo import vocabulary
from geo.datasets._files import get_path
from geo.model.crs import transformer

__all__ = ["ASSUMED", "KNOWN", "Fixed", "care_locations", "make_facilities"]

KNOWN = "dorp bekend"
ASSUMED = "aanname"
_GP_KM, _SUPERMARKET_KM = 1.5, 1.0
_PATIENTS_PER_PRACTICE = 4200
_KWB_SOURCE = "aanname, plaats volgens CBS-afstanden per buurt (85984NED, 2024)"


#: A facility at an approximate point: (place, lon, lat, type, name, operator, capacity).
Fixed = tuple[str, float, float, str, str, str, float | None]
_NAME = {"gp": "Huisartspraktijk", "pharmacy": "Apotheek", "supermarket": "Supermarkt",
         "community_centre": "Dorpshuis", "bus_stop": "Bushalte"}


def care_locations(name: str) -> pd.DataFrame:
    """A shipped care-locations file (``#`` comment lines; ``capacity`` as float)."""
    with open(get_path(name), encoding="utf-8") as fh:
        rows = [line for line in fh if not line.startswith("#")]
    frame = pd.DataFrame(list(csv.DictReader(rows)))
    frame["capacity"] = pd.to_numeric(frame["capacity"].replace("", np.nan))
    return frame


def _near_centre(rng: np.random.Generator, centre: Point, area: shapely.Geometry,
                 spread: float) -> tuple[float, float]:
    """A point inside ``area`` normally scattered around ``centre`` (``spread`` × radius)."""
    sigma = max(30.0, spread * math.sqrt(area.area / math.pi))
    shapely.prepare(area)
    for _ in range(200):
        x, y = rng.normal((centre.x, centre.y), sigma)
        if shapely.contains_xy(area, x, y):
            return round(float(x), 1), round(float(y), 1)
    p = area.representative_point()
    return round(p.x, 1), round(p.y, 1)


def _served(areas: gpd.GeoDataFrame, inhabitants: pd.Series, villages: pd.DataFrame,
            chosen: list[str]) -> dict[str, float]:
    """Inhabitants of the buurten nearest to each chosen village (by representative point)."""
    xy = villages.set_index("village").loc[chosen, ["x_rd", "y_rd"]].to_numpy(dtype=float)
    rep = shapely.get_coordinates(areas.geometry.representative_point().to_numpy())
    nearest = np.argmin(((rep[:, None, :] - xy[None, :, :]) ** 2).sum(2), axis=1)
    pop = inhabitants.reindex(areas["buurt_code"]).fillna(0).to_numpy()
    return {v: float(pop[nearest == i].sum()) for i, v in enumerate(chosen)}


def _plan(areas: gpd.GeoDataFrame, villages: pd.DataFrame, kwb: pd.DataFrame,
          dwellings: dict[str, int], centres: dict[str, int],
          ) -> list[tuple[str, str, float | None]]:
    """(village, facility type, capacity) of every assumed facility inside the gemeente."""
    fig = kwb.set_index("gwb_code")

    def num(col: str) -> pd.Series:
        return pd.to_numeric(fig[col].replace("", np.nan), errors="coerce")

    gp_km = num("huisartsenpraktijk_gemiddelde_afstand_in_km")
    sm_km = num("grote_supermarkt_gemiddelde_afstand_in_km")
    inhabitants = num("aantal_inwoners")
    rows = list(villages[["village", "core_buurt", "inhabitants"]].itertuples(index=False))
    gp_villages = [r.village for r in rows if gp_km.get(r.core_buurt, 99) <= _GP_KM]
    plan: list[tuple[str, str, float | None]] = []
    for village, served in _served(areas, inhabitants, villages, gp_villages).items():
        practices = max(1, round(served / _PATIENTS_PER_PRACTICE))
        capacity = round(served / practices, -1)
        plan += [(village, "gp", capacity)] * practices
        plan += [(village, "pharmacy", None)] * max(1, round(served / 10_000))
    for r in rows:
        if sm_km.get(r.core_buurt, 99) <= _SUPERMARKET_KM:
            count = max(1, round(float(inhabitants.get(r.core_buurt, 0)) / 2500))
            plan += [(r.village, "supermarket", None)] * count
        if r.inhabitants >= 150:
            plan += [(r.village, "community_centre", None)] * centres.get(r.village, 1)
        plan += [(r.village, "bus_stop", None)] * max(1, round(dwellings.get(r.core_buurt, 0)
                                                                / 400))
    return plan


def make_facilities(rng: np.random.Generator, areas: gpd.GeoDataFrame,
                    villages: pd.DataFrame,
                    cores: dict[str, tuple[Point, shapely.Geometry]],
                    kwb: pd.DataFrame, dwellings: dict[str, int], *,
                    care: pd.DataFrame | None = None, fixed: tuple[Fixed, ...] = (),
                    centres: dict[str, int] | None = None,
                    fixed_source: str = "aanname: bestaande voorziening, punt bij benadering",
                    ) -> gpd.GeoDataFrame:
    """The facilities layer: real care locations first (ids ``F0001`` …), then assumed ones.

    Parameters
    ----------
    rng
        The generator's random state (positions only).
    areas, villages
        The region's buurten and the village facts.
    cores
        Per village: centre and built-up area (from the homes generator).
    kwb
        The CBS key figures (distances, inhabitants).
    dwellings
        Generated dwellings per buurt code.
    care
        Named care locations (:func:`care_locations`: ``facility_id``, ``facility_type``,
        ``name``, ``operator``, ``capacity``, ``woonplaats`` (a village of ``cores``),
        ``source``, ``capacity_note``); none by default.
    fixed
        Facilities at approximate points (:data:`Fixed`), placed as given.
    centres
        Community centres per village where it is not one.
    fixed_source
        The ``source`` text of the ``fixed`` facilities.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns of the region schema plus ``woonplaats``, ``location_basis`` and
        ``source``; Point in RD New.
    """
    rows: list[dict[str, object]] = []
    care = care if care is not None else pd.DataFrame(columns=[
        "facility_id", "facility_type", "name", "operator", "capacity", "woonplaats",
        "source", "capacity_note"])
    for loc in care.itertuples(index=False):
        centre, built = cores[loc.woonplaats]
        x, y = _near_centre(rng, centre, built, 0.3)
        rows.append({"facility_id": loc.facility_id, "facility_type": loc.facility_type,
                     "name": loc.name, "operator": loc.operator,
                     "capacity": loc.capacity, "woonplaats": loc.woonplaats,
                     "location_basis": KNOWN,
                     "source": f"{loc.source}; capaciteit: {loc.capacity_note}",
                     "x": x, "y": y})
    counter: dict[tuple[str, str], int] = {}
    for village, ftype, capacity in _plan(areas, villages, kwb, dwellings, centres or {}):
        key = (village, ftype)
        counter[key] = counter.get(key, 0) + 1
        centre, built = cores[village]
        x, y = _near_centre(rng, centre, built, 0.6 if ftype == "bus_stop" else 0.25)
        k = counter[key]
        rows.append({"facility_type": ftype,
                     "name": f"{_NAME[ftype]} {village}" + (f" {k}" if k > 1 else ""),
                     "operator": "Qbuzz" if ftype == "bus_stop" else "",
                     "capacity": capacity, "woonplaats": village,
                     "location_basis": ASSUMED, "source": _KWB_SOURCE, "x": x, "y": y})
    to_rd = transformer(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS)
    for place, lon, lat, ftype, name, operator, capacity in fixed:
        x, y = to_rd.transform(lon, lat)
        rows.append({"facility_type": ftype, "name": name, "operator": operator,
                     "capacity": capacity, "woonplaats": place, "location_basis": ASSUMED,
                     "source": fixed_source,
                     "x": round(x, 1), "y": round(y, 1)})
    frame = pd.DataFrame(rows)
    if "facility_id" not in frame:
        frame.insert(0, "facility_id", None)
    n_known = int(frame["facility_id"].notna().sum())
    frame.loc[frame["facility_id"].isna(), "facility_id"] = [
        f"F{100 + i:04d}" for i in range(1, len(frame) - n_known + 1)]
    frame["capacity"] = pd.to_numeric(frame["capacity"]).astype("float64")
    cols = ["facility_id", "facility_type", "name", "operator", "capacity", "woonplaats",
            "location_basis", "source"]
    return gpd.GeoDataFrame(frame[cols], geometry=gpd.points_from_xy(frame["x"], frame["y"]),
                            crs=vocabulary.METRIC_CRS)
