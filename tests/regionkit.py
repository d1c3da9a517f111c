"""Small synthetic regions in the real region-package schema, for tests.

Two buurten side by side (each 1 km × 1 km) in one kerngebied "Noord" and a third in
"Zuid", with hand-chosen population, homes and facilities so results can be checked
by hand. :data:`DATA_STATUS` is the per-layer data status of a region whose boundaries are
real, population partly estimated and homes generated (as the rebuilt default);
``extra_step_free`` adds step-free flats so that Noord has a surplus of step-free homes.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo import vocabulary
from geo.model.region import Region, validate_region

X0, Y0 = 200_000.0, 500_000.0  # somewhere in Drenthe-ish RD space


def square(ix: int, iy: int, size: float = 1000.0) -> shapely.Polygon:
    return shapely.box(X0 + ix * size, Y0 + iy * size, X0 + (ix + 1) * size,
                       Y0 + (iy + 1) * size)


#: Metadata saying per layer what is real, estimated or generated (issue 12).
DATA_STATUS: dict[str, str] = {
    "data_status_areas": "real",
    "data_note_areas": "CBS-buurtgrenzen en -codes zoals gepubliceerd (testgegevens).",
    "data_status_population": "mixed",
    "data_note_population": "Inwoners en 65+ van het CBS; 65–74, 75–84 en 85+ geschat.",
    "data_status_homes": "generated",
    "data_note_homes": "Eén punt per woning, gegenereerd naar CBS-aantallen per wijk.",
    "data_status_facilities": "mixed",
    "data_note_facilities": "Zorglocaties echt; winkels door aanname geplaatst.",
    "data_status_reference": "real",
    "source_reference": "CBS Kerncijfers wijken en buurten 2024 (85984NED)",
}


def tiny_region(metadata: dict[str, str] | None = None, extra_step_free: int = 0) -> Region:
    """The tiny region; ``metadata`` is merged into its metadata (e.g. :data:`DATA_STATUS`).

    ``extra_step_free`` step-free flats are added in Alfa (Noord), e.g. 300 for a surplus of
    step-free homes in Noord (demand there is about 142 with the default norms).
    """
    areas = gpd.GeoDataFrame(
        {
            "buurt_code": ["BU99990000", "BU99990001", "BU99990100"],
            "buurt_name": ["Alfa", "Bravo", "Charlie"],
            "wijk_code": ["WK999900", "WK999900", "WK999901"],
            "wijk_name": ["Noord", "Noord", "Zuid"],
            "gemeente_code": ["GM9999"] * 3,
            "gemeente_name": ["Testgemeente"] * 3,
            "kerngebied": ["Noord", "Noord", "Zuid"],
            "buurt_type": ["kern", "kern", "verspreide_huizen"],
        },
        geometry=[square(0, 1), square(1, 1), square(0, 0)],
        crs=vocabulary.METRIC_CRS,
    )
    # population per band: 0_14 15_24 25_44 45_64 65_74 75_84 85_plus
    pops = {
        "BU99990000": [100, 50, 200, 250, 200, 150, 50],   # 1000 people, 65+ 400, 75+ 200
        "BU99990001": [100, 100, 200, 200, 100, 80, 20],   # 800 people, 65+ 200, 75+ 100
        "BU99990100": [20, 10, 40, 50, 40, 30, 10],        # 200 people, 65+ 80, 75+ 40
    }
    population = pd.DataFrame(
        [{"buurt_code": code, **dict(zip(vocabulary.band_columns(), values, strict=True))}
         for code, values in pops.items()]
    )
    # homes: Alfa 4 homes at its centre-ish, Bravo 2, Charlie 2
    home_rows = [
        # (x offset, y offset, step_free, type, area)
        ("BU99990000", 100, 1100, True, "multi_family", 70),     # suitable
        ("BU99990000", 200, 1200, False, "single_family", 160),  # adaptable (80 m² ground)
        ("BU99990000", 300, 1300, False, "single_family", 140),  # unsuitable (70 m² ground)
        ("BU99990000", 400, 1400, False, "multi_family", 80),    # unsuitable (no lift)
        ("BU99990001", 1500, 1500, True, "single_family", 90),   # suitable
        ("BU99990001", 1900, 1900, False, "single_family", 200), # adaptable
        ("BU99990100", 500, 500, False, "single_family", 180),   # adaptable
        ("BU99990100", 900, 100, False, "single_family", 70),    # unsuitable
    ]
    home_rows += [("BU99990000", 500 + i % 20 * 10, 1500 + i // 20 * 10, True, "multi_family",
                   60) for i in range(extra_step_free)]
    owners = ["eigenaar-bewoner"] * 6 + ["Actium"] * 2 + ["Actium"] * extra_step_free
    homes = gpd.GeoDataFrame(
        {
            "home_id": [f"H{i}" for i in range(len(home_rows))],
            "construction_year": [1980] * len(home_rows),
            "dwelling_type": [r[4] for r in home_rows],
            "step_free": [r[3] for r in home_rows],
            "lift": [r[3] and r[4] == "multi_family" for r in home_rows],
            "floor_area": [float(r[5]) for r in home_rows],
            "tenure": ["owner_occupied" if o == "eigenaar-bewoner" else "social_rent"
                       for o in owners],
            "owner": owners,
            "buurt_code": [r[0] for r in home_rows],
        },
        geometry=[shapely.Point(X0 + r[1], Y0 + r[2]) for r in home_rows],
        crs=vocabulary.METRIC_CRS,
    )
    fac_rows = [
        # id, type, x, y, capacity
        ("F1", "supermarket", 100, 1100, None),   # at home H0
        ("F2", "gp", 1500, 1500, 2100.0),         # at home H4
        ("F3", "clustered_housing", 150, 1150, 30.0),
        ("F4", "nursing_somatic", 1600, 1600, 10.0),
        ("F5", "nursing_dementia", 5000, 5000, 40.0),  # outside the municipality
        ("F6", "bus_stop", 500, 500, None),       # at home H6
    ]
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": [r[0] for r in fac_rows],
            "facility_type": [r[1] for r in fac_rows],
            "name": [f"Voorziening {r[0]}" for r in fac_rows],
            "operator": ["Test"] * len(fac_rows),
            "capacity": [r[4] for r in fac_rows],
        },
        geometry=[shapely.Point(X0 + r[2], Y0 + r[3]) for r in fac_rows],
        crs=vocabulary.METRIC_CRS,
    )
    metadata = {
        "region_name": "Testregio",
        "gemeente_code": "GM9999",
        "base_year": "2024",
        "demo": "false",
        "source_areas": "test",
        **(metadata or {}),
    }
    return validate_region(Region(areas=areas, population=population, homes=homes,
                                  facilities=facilities, metadata=metadata))


#: The second municipality of :func:`two_gemeente_region`.
SECOND = ("GM9998", "Buurgemeente")


def two_gemeente_region(metadata: dict[str, str] | None = None) -> Region:
    """The tiny region (GM9999) plus a neighbouring municipality GM9998 east of it.

    GM9998 has three buurten in kerngebieden "Oost" (Delta, Echo) and "Veld" (Foxtrot),
    homes, and the facilities just across the border that people of GM9999 use: a
    supermarket 150 m east of Bravo (nearer to Bravo's east home than any supermarket in
    GM9999), a GP practice and a clustered-housing complex. Facility F5 still lies outside
    the region. Metadata follows the multi-municipality model: ``gemeente_code`` is the
    comma-separated list, ``gemeenten`` the JSON list.
    """
    import json

    base = tiny_region()
    code, name = SECOND
    areas2 = gpd.GeoDataFrame(
        {
            "buurt_code": ["BU99980000", "BU99980001", "BU99980100"],
            "buurt_name": ["Delta", "Echo", "Foxtrot"],
            "wijk_code": ["WK999800", "WK999800", "WK999801"],
            "wijk_name": ["Oost", "Oost", "Veld"],
            "gemeente_code": [code] * 3,
            "gemeente_name": [name] * 3,
            "kerngebied": ["Oost", "Oost", "Veld"],
            "buurt_type": ["kern", "kern", "verspreide_huizen"],
        },
        geometry=[square(2, 1), square(3, 1), square(2, 0)],
        crs=vocabulary.METRIC_CRS,
    )
    pops = {
        "BU99980000": [150, 80, 300, 300, 250, 200, 70],
        "BU99980001": [60, 30, 100, 150, 120, 90, 30],
        "BU99980100": [10, 10, 20, 40, 30, 25, 5],
    }
    population2 = pd.DataFrame(
        [{"buurt_code": c, **dict(zip(vocabulary.band_columns(), v, strict=True))}
         for c, v in pops.items()])
    rows = [  # buurt, x, y, step_free, type, floor area
        ("BU99980000", 2100, 1100, True, "multi_family", 65),
        ("BU99980000", 2200, 1300, True, "multi_family", 75),
        ("BU99980000", 2500, 1500, False, "single_family", 170),
        ("BU99980000", 2900, 1900, False, "multi_family", 60),
        ("BU99980001", 3300, 1500, False, "single_family", 200),
        ("BU99980001", 3700, 1700, True, "single_family", 110),
        ("BU99980100", 2500, 500, False, "single_family", 120),
    ]
    homes2 = gpd.GeoDataFrame(
        {
            "home_id": [f"G{i}" for i in range(len(rows))],
            "construction_year": [1995] * len(rows),
            "dwelling_type": [r[4] for r in rows],
            "step_free": [r[3] for r in rows],
            "lift": [r[3] and r[4] == "multi_family" for r in rows],
            "floor_area": [float(r[5]) for r in rows],
            "tenure": ["social_rent"] * len(rows),
            "owner": ["Woonservice"] * len(rows),
            "buurt_code": [r[0] for r in rows],
        },
        geometry=[shapely.Point(X0 + r[1], Y0 + r[2]) for r in rows],
        crs=vocabulary.METRIC_CRS,
    )
    fac2 = [  # id, type, x, y, capacity
        ("G1", "supermarket", 2050, 1900, None),   # 150 m east of Bravo's home H5
        ("G2", "gp", 2600, 1400, 4000.0),
        ("G3", "clustered_housing", 2150, 1150, 20.0),
    ]
    facilities2 = gpd.GeoDataFrame(
        {
            "facility_id": [r[0] for r in fac2],
            "facility_type": [r[1] for r in fac2],
            "name": [f"Voorziening {r[0]}" for r in fac2],
            "operator": ["Test"] * len(fac2),
            "capacity": [r[4] for r in fac2],
        },
        geometry=[shapely.Point(X0 + r[2], Y0 + r[3]) for r in fac2],
        crs=vocabulary.METRIC_CRS,
    )
    gemeenten = [{"code": "GM9999", "name": "Testgemeente"}, {"code": code, "name": name}]
    meta = {**base.metadata, "region_name": "Testregio (twee gemeenten)",
            "gemeente_code": "GM9999," + code, "gemeenten": json.dumps(gemeenten),
            **(metadata or {})}
    return validate_region(Region(
        areas=pd.concat([base.areas, areas2], ignore_index=True),
        population=pd.concat([base.population, population2], ignore_index=True),
        homes=pd.concat([base.homes, homes2], ignore_index=True),
        facilities=pd.concat([base.facilities, facilities2], ignore_index=True),
        metadata=meta))


#: The municipalities of :func:`two_gemeente_region_app`: (code, name).
GEMEENTEN: tuple[tuple[str, str], ...] = (("GM9999", "Testgemeente"), ("GM9998", "Buurgemeente"))


def two_gemeente_region_app(with_key: bool = True) -> Region:
    """Two municipalities for the app tests: :func:`tiny_region` (GM9999) and GM9998 east.

    GM9998 "Buurgemeente" has kerngebied "Oostdorp" (buurten Delta and Echo) and "Veld"
    (Foxtrot), with its own homes and facilities. ``with_key`` writes the region metadata
    of a multi-municipality package (``gemeente_code`` list and ``gemeenten`` JSON);
    without it only the areas say which municipalities there are.
    """
    import json

    base = tiny_region()
    areas = gpd.GeoDataFrame(
        {
            "buurt_code": ["BU99980000", "BU99980001", "BU99980100"],
            "buurt_name": ["Delta", "Echo", "Foxtrot"],
            "wijk_code": ["WK999800", "WK999800", "WK999801"],
            "wijk_name": ["Oostdorp", "Oostdorp", "Veld"],
            "gemeente_code": ["GM9998"] * 3,
            "gemeente_name": ["Buurgemeente"] * 3,
            "kerngebied": ["Oostdorp", "Oostdorp", "Veld"],
            "buurt_type": ["kern", "kern", "verspreide_huizen"],
        },
        geometry=[square(2, 1), square(3, 1), square(2, 0)],
        crs=vocabulary.METRIC_CRS,
    )
    pops = {
        "BU99980000": [150, 80, 250, 300, 150, 100, 30],   # 1060 people, 65+ 280
        "BU99980001": [60, 40, 100, 120, 90, 60, 30],      # 500 people, 65+ 180
        "BU99980100": [10, 10, 20, 30, 20, 15, 5],         # 110 people, 65+ 40
    }
    population = pd.DataFrame(
        [{"buurt_code": code, **dict(zip(vocabulary.band_columns(), values, strict=True))}
         for code, values in pops.items()]
    )
    home_rows = [
        ("BU99980000", 2100, 1100, True, "multi_family", 70),
        ("BU99980000", 2200, 1300, False, "single_family", 160),
        ("BU99980001", 3500, 1500, True, "single_family", 90),
        ("BU99980100", 2500, 500, False, "single_family", 180),
    ]
    homes = gpd.GeoDataFrame(
        {
            "home_id": [f"G{i}" for i in range(len(home_rows))],
            "construction_year": [1990] * len(home_rows),
            "dwelling_type": [r[4] for r in home_rows],
            "step_free": [r[3] for r in home_rows],
            "lift": [False] * len(home_rows),
            "floor_area": [float(r[5]) for r in home_rows],
            "tenure": ["owner_occupied"] * len(home_rows),
            "owner": ["eigenaar-bewoner"] * len(home_rows),
            "buurt_code": [r[0] for r in home_rows],
        },
        geometry=[shapely.Point(X0 + r[1], Y0 + r[2]) for r in home_rows],
        crs=vocabulary.METRIC_CRS,
    )
    fac_rows = [
        ("G1", "supermarket", 2150, 1150, None),
        ("G2", "gp", 3400, 1400, 1800.0),
        ("G3", "nursing_somatic", 2300, 1200, 20.0),
    ]
    facilities = gpd.GeoDataFrame(
        {
            "facility_id": [r[0] for r in fac_rows],
            "facility_type": [r[1] for r in fac_rows],
            "name": [f"Voorziening {r[0]}" for r in fac_rows],
            "operator": ["Test"] * len(fac_rows),
            "capacity": [r[4] for r in fac_rows],
        },
        geometry=[shapely.Point(X0 + r[2], Y0 + r[3]) for r in fac_rows],
        crs=vocabulary.METRIC_CRS,
    )
    metadata = {**base.metadata, "region_name": "Testregio Twee"}
    if with_key:
        metadata["gemeente_code"] = ",".join(code for code, _ in GEMEENTEN)
        metadata["gemeenten"] = json.dumps([{"code": c, "name": n} for c, n in GEMEENTEN])
    return validate_region(Region(
        areas=pd.concat([base.areas, areas], ignore_index=True),
        population=pd.concat([base.population, population], ignore_index=True),
        homes=pd.concat([base.homes, homes], ignore_index=True),
        facilities=pd.concat([base.facilities, facilities], ignore_index=True),
        metadata=metadata))
