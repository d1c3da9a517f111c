"""The embedded default region: Midden-Drenthe on real CBS boundaries and figures.

Everything is read from ``data/`` (sources and licences: ``data/SOURCES.md``); nothing is
downloaded. What is real, estimated and generated:

**Real** (CBS, Kadaster/PDOK, CC BY 4.0):

- the 48 buurten (edition 2022, codes equal to 2024; the generalised outlines published
  by PDOK, ~0.001°), their wijken (2024) and the gemeente, from
  ``data/cbs_buurten_2022_GM1731_wgs84.geojson`` and the wijken/gemeente files;
- per buurt: inhabitants, 0–14 ("0 tot 15 jaar") and 65+, households (CBS Kerncijfers
  wijken en buurten 2024, 85984NED, ``data/cbs_kerncijfers_GM1731.csv``);
- dwellings per wijk (woningvoorraad; gemeente 14,801), % single-family and %
  owner-occupied homes per buurt;
- the named care locations with their capacity (``data/midden_drenthe_care_locations.csv``).

**Estimated** (the CBS importer's method,
:func:`geo.io.importers.cbs_population.population_from_cbs`): the bands 15–24, 25–44 and
45–64 get the inhabitants minus 0–14 and 65+, split as the municipality's own 2019 counts
(CBS 84583NED: 3,805 / 6,384 / 10,425); 65+ is split into 65–74 / 75–84 / 85+ with the
importer's default split. Inhabitants, 0–14 and 65+ stay exactly as CBS gives them.

**Generated** (fixed seed): one point per dwelling and its attributes
(:mod:`geo.datasets._md_homes`), and the facilities whose location is not known
(:mod:`geo.datasets._md_facilities`).

:func:`reference_figures` gives the published figures per buurt, wijk and gemeente for
the comparison with the model. Run ``python -m geo generate-demo`` to rebuild
``data/midden_drenthe.gpkg``; a test checks that the committed file equals the generator's
output.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape

from geo import vocabulary
from geo.datasets import _md_facilities, _md_homes
from geo.datasets._files import get_path
from geo.formats import fmt_int
from geo.io.importers.cbs_population import (
    DEFAULT_65PLUS_SPLIT,
    NationalAgeBands,
    population_from_cbs,
)
from geo.io.importers.population_table import COUNT_BANDS, read_population_table
from geo.model.crs import transformer
from geo.model.region import Region, validate_region

__all__ = [
    "BASE_YEAR",
    "GEMEENTE_CODE",
    "MUNICIPAL_2019_BANDS",
    "NOTICE",
    "REGION_NAME",
    "SEED",
    "generate_region",
    "kerncijfers",
    "kerngebied_per_buurt",
    "load_villages",
    "reference_figures",
    "villages_path",
]

SEED = 20241101
BASE_YEAR = 2024
GEMEENTE_CODE = "GM1731"
REGION_NAME = "Midden-Drenthe (CBS 2024, woningen gegenereerd)"
NOTICE = (
    "Echte CBS-buurtgrenzen en CBS-cijfers 2024 (inwoners, 0–14 en 65+ per buurt, "
    "huishoudens, woningen per wijk); de leeftijdsgroepen 15–64 en 65–74/75–84/85+ zijn "
    "geschat. Demo-deel: de woningen (ligging en kenmerken) en de voorzieningen zonder "
    "bekend adres zijn gegenereerd. Gebruik de woningkaart niet voor besluiten op "
    "adresniveau; laad BAG en een voorzieningenlijst voor echte planning."
)
LICENCE = ("Bron: CBS, Kadaster/PDOK (CC BY 4.0). Gegenereerde delen (woningen, voorzieningen "
           "op aanname): CC0. Zie data/SOURCES.md.")

#: The municipality's own population in the five CBS buurt bands on 1 January 2019
#: (CBS 84583NED, Kerncijfers wijken en buurten 2019, row GM1731); the reference for the
#: bands CBS does not publish per buurt in 2024.
MUNICIPAL_2019_BANDS = NationalAgeBands(
    counts=(4862.0, 3805.0, 6384.0, 10425.0, 7702.0),
    source=("de leeftijdsopbouw van Midden-Drenthe zelf op 1 januari 2019 (CBS 84583NED, "
            "GM1731: 15–25 jaar 3.805, 25–45 jaar 6.384, 45–65 jaar 10.425)"),
)

_FILES = {"buurten": "cbs_buurten", "wijken": "cbs_wijken", "gemeente": "cbs_gemeente",
          "kerncijfers": "cbs_kerncijfers"}
_KWB = "CBS Kerncijfers wijken en buurten 2024 (85984NED)"


def _path(key: str) -> Path:
    return get_path(_FILES[key])


def villages_path() -> Path:
    """Path of the embedded village facts file (``data/midden_drenthe_villages.csv``)."""
    return get_path("midden_drenthe_villages")


def load_villages(path: str | Path | None = None) -> pd.DataFrame:
    """Read the village facts file (comment lines start with ``#``).

    Returns
    -------
    pandas.DataFrame
        ``village``, ``inhabitants`` (int), ``lon``, ``lat``, ``x_rd``, ``y_rd`` (float),
        ``core_buurt`` and ``kerngebied_default``, one row per village (25).
    """
    path = Path(path) if path else villages_path()
    with open(path, encoding="utf-8") as fh:
        rows = [line for line in fh if not line.startswith("#")]
    frame = pd.DataFrame(list(csv.DictReader(rows)))
    frame["inhabitants"] = frame["inhabitants"].astype("int64")
    for col in ("lon", "lat", "x_rd", "y_rd"):
        frame[col] = frame[col].astype("float64")
    return frame


def kerncijfers(year: int | None = BASE_YEAR) -> pd.DataFrame:
    """The CBS key figures of ``data/cbs_kerncijfers_GM1731.csv`` (all columns as text).

    Parameters
    ----------
    year
        Keep the rows of this KWB edition (``jaar``; one row per code); ``None`` keeps all
        (the gemeente also has a 2019 row with its age bands).
    """
    with open(_path("kerncijfers"), encoding="utf-8", newline="") as fh:
        frame = pd.DataFrame(list(csv.DictReader(fh)))
    return frame if year is None else frame[frame["jaar"] == str(year)].reset_index(drop=True)


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(frame[col].replace("", np.nan), errors="coerce")


def _features(key: str) -> gpd.GeoDataFrame:
    """A GeoJSON file of ``data/`` in RD New, read without GDAL (json + shapely)."""
    with open(_path(key), encoding="utf-8") as fh:
        doc = json.load(fh)
    to_rd = transformer(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS)

    def project(xy: np.ndarray) -> np.ndarray:
        x, y = to_rd.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    props = [f["properties"] for f in doc["features"]]
    geoms = [shapely.make_valid(shapely.transform(shape(f["geometry"]), project))
             for f in doc["features"]]
    geoms = [shapely.set_precision(g, 0.1) for g in geoms]
    return gpd.GeoDataFrame(pd.DataFrame(props), geometry=geoms, crs=vocabulary.METRIC_CRS)


# --------------------------------------------------------------------------- areas


def kerngebied_per_buurt(areas: gpd.GeoDataFrame, villages: pd.DataFrame) -> pd.Series:
    """Core area per buurt: the village's own, else its wijk's main village's, else nearest.

    The three Welwozo areas Beilen, Smilde and Westerbork (Smilde = Smilde, Bovensmilde,
    Hoogersmilde); other villages go to the nearest of the three (``kerngebied_default``
    of the facts file, an assumption); so Oranje (wijk Hijken) belongs to Smilde.

    Parameters
    ----------
    areas
        Buurten with ``buurt_code`` and geometry (RD New).
    villages
        The village facts (:func:`load_villages`).

    Returns
    -------
    pandas.Series
        Kerngebied per buurt, aligned with ``areas``.
    """
    by_buurt = dict(zip(villages["core_buurt"], villages["kerngebied_default"], strict=True))
    main = {code[:8]: by_buurt[code] for code in by_buurt if code.endswith("00")}
    cores = villages[villages["village"].isin(villages["kerngebied_default"].unique())]
    core_xy = cores[["x_rd", "y_rd"]].to_numpy(dtype=float)
    out = []
    for code, geom in zip(areas["buurt_code"], areas.geometry, strict=True):
        if code in by_buurt:
            out.append(by_buurt[code])
        elif code[:8] in main:
            out.append(main[code[:8]])
        else:
            p = shapely.get_coordinates(geom.representative_point())[0]
            out.append(str(cores["village"].iloc[int(np.argmin(((core_xy - p) ** 2).sum(1)))]))
    return pd.Series(out, index=areas.index)


def _areas(villages: pd.DataFrame) -> gpd.GeoDataFrame:
    buurten = _features("buurten")
    wijken = _features("wijken").set_index("statcode")
    gemeente = _features("gemeente").iloc[0]
    names = wijken["statnaam"].str.replace(r"^Wijk \d+ ", "", regex=True)
    areas = gpd.GeoDataFrame({
        "buurt_code": buurten["statcode"],
        "buurt_name": buurten["statnaam"],
        "wijk_code": buurten["wijkcode"],
        "wijk_name": buurten["wijkcode"].map(names),
        "gemeente_code": buurten["gemeentecode"],
        "gemeente_name": gemeente["statnaam"],
    }, geometry=buurten.geometry.to_numpy(), crs=vocabulary.METRIC_CRS)
    areas["kerngebied"] = kerngebied_per_buurt(areas, villages).to_numpy()
    areas["buurt_type"] = np.where(areas["buurt_code"].str.endswith("09"),
                                   "verspreide_huizen", "kern")
    areas = areas[[c for c in areas.columns if c != "geometry"] + ["geometry"]]
    return areas.sort_values("buurt_code", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- population


def _population(areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Population per buurt by the CBS importer's reader and estimation method."""
    path = _path("kerncijfers")
    table = read_population_table(path, path.name,
                                  buurt_codes=areas["buurt_code"].tolist())
    values = table.values.reindex(areas["buurt_code"])
    counts = pd.DataFrame({"buurt_code": areas["buurt_code"].to_numpy(),
                           "inhabitants": values["inhabitants"].to_numpy()})
    inhabitants = values["inhabitants"].to_numpy(dtype=float)
    for band in COUNT_BANDS:
        pct = "pct_" + band[2:]
        with np.errstate(invalid="ignore", divide="ignore"):
            counts[pct] = np.where(inhabitants > 0,
                                   values[band].to_numpy(dtype=float) / inhabitants * 100,
                                   np.nan)
    population = population_from_cbs(counts, distribution=DEFAULT_65PLUS_SPLIT,
                                     anchor_65=True, reference=MUNICIPAL_2019_BANDS)
    kwb = kerncijfers().set_index("gwb_code")
    population["households"] = _num(kwb, "aantal_huishoudens").reindex(
        population["buurt_code"]).round().astype("int64").to_numpy()
    return population


# --------------------------------------------------------------------------- reference


def reference_figures() -> pd.DataFrame:
    """The published CBS figures of Midden-Drenthe per buurt, wijk and gemeente (2024).

    Returns
    -------
    pandas.DataFrame
        One row per unit (48 buurten, 17 wijken, the gemeente): ``level`` (``buurt`` /
        ``wijk`` / ``gemeente``), ``code``, ``name``, ``year`` (2024), ``inhabitants``,
        ``pop_0_14`` (CBS "0 tot 15 jaar"), ``pop_65plus``, ``households``,
        ``dwellings`` (woningvoorraad; wijk and gemeente only), ``share_single_family``
        and ``share_owner_occupied`` (CBS whole percentages, 0–100),
        ``dist_gp_km`` and ``dist_supermarket_km`` (CBS mean road distance over all
        inhabitants to a GP practice / a large supermarket, km) and ``source``. Counts are
        float with NaN where CBS publishes no value (e.g. secret below 20 dwellings).
        Source: CBS Kerncijfers wijken en buurten 2024 (85984NED), CC BY 4.0.
    """
    kwb = kerncijfers()
    kwb = kwb[kwb["gemeentecode"] == GEMEENTE_CODE]
    level = kwb["soort_regio"].str.lower()
    out = pd.DataFrame({
        "level": level.to_numpy(),
        "code": kwb["gwb_code"].to_numpy(),
        "name": kwb["regio"].to_numpy(),
        "year": BASE_YEAR,
    })
    for col, src, scale in (
        ("inhabitants", "aantal_inwoners", 1), ("pop_0_14", "aantal_personen_0_tot_15_jaar", 1),
        ("pop_65plus", "aantal_personen_65_jaar_en_ouder", 1),
        ("households", "aantal_huishoudens", 1), ("dwellings", "woningvoorraad", 1),
        ("share_single_family", "percentage_eengezinswoning", 1),
        ("share_owner_occupied", "percentage_koopwoningen", 1),
        ("dist_gp_km", "huisartsenpraktijk_gemiddelde_afstand_in_km", 1),
        ("dist_supermarket_km", "grote_supermarkt_gemiddelde_afstand_in_km", 1),
    ):
        out[col] = (_num(kwb, src) / scale).to_numpy(dtype=float)
    out["source"] = f"{_KWB}, CC BY 4.0 (Bron: CBS)"
    order = out["level"].map({"gemeente": 0, "wijk": 1, "buurt": 2})
    return out.assign(_o=order).sort_values(["_o", "code"], kind="stable").drop(
        columns="_o").reset_index(drop=True)


# --------------------------------------------------------------------------- metadata


def _metadata(seed: int, homes: gpd.GeoDataFrame,
              facilities: gpd.GeoDataFrame) -> dict[str, str]:
    status = {"areas": "real", "population": "mixed", "homes": "generated",
              "facilities": "mixed", "villages": "real", "reference": "real"}
    known = int((facilities["location_basis"] == _md_facilities.KNOWN).sum())
    notes = {
        "areas": "Echt: de 48 CBS-buurten, 17 wijken en de gemeentegrens (gegeneraliseerd). "
                 "Aanname: de indeling in de kerngebieden Beilen, Smilde en Westerbork "
                 "(Welwozo; dorpen bij het dichtstbijzijnde kerndorp).",
        "population": "Echt: inwoners, 0–14 en 65+ per buurt (CBS 2024), huishoudens. "
                      "Geschat: 15–24, 25–44 en 45–64 (naar de opbouw van de gemeente in "
                      "2019) en 65–74, 75–84 en 85+ (landelijke verdeling).",
        "homes": f"Gegenereerd (demo): {fmt_int(len(homes))} woningpunten, evenveel als de CBS-"
                 "woningvoorraad per wijk; aandelen eengezins- en koopwoningen per buurt "
                 "volgens CBS. Ligging, bouwjaar, lift, nultreden, oppervlakte en eigenaar "
                 "zijn gegenereerd, niet echt.",
        "facilities": f"Echt: {known} zorglocaties met capaciteit uit openbare bronnen, "
                      "geplaatst in hun dorp (adrespunt niet beschikbaar). Aanname (demo): "
                      "huisartsen, apotheken, supermarkten, dorpshuizen, bushaltes en "
                      "ziekenhuizen; plaats volgt uit de CBS-afstanden per buurt.",
        "villages": "Echt: dorpsnamen en ligging (openbare kaarten); inwoners per dorp uit "
                    "de lijst van kernen (de.wikipedia, secundaire bron).",
        "reference": f"Echt: gepubliceerde cijfers per buurt, wijk en gemeente ({_KWB}).",
    }
    # Sources are citations only; what is real, estimated or generated is in the notes.
    sources = {
        "areas": "CBS Wijk- en Buurtkaart via PDOK (buurten 2022 gegeneraliseerd, wijken en "
                 "gemeente 2024); CBS, Kadaster/PDOK, CC BY 4.0.",
        "population": f"{_KWB} en 2019 (84583NED); CBS, CC BY 4.0.",
        "homes": "Gegenereerd door Woonzorgatlas uit de CBS-cijfers (data/SOURCES.md).",
        "facilities": "Zorglocaties: openbare bronnen (data/SOURCES.md); overige: aanname.",
        "villages": "Openbare kaarten; lijst van kernen (de.wikipedia).",
        "reference": f"{_KWB}; CBS, CC BY 4.0.",
    }
    meta = {
        "format_version": "1",
        "region_name": REGION_NAME,
        "gemeente_code": GEMEENTE_CODE,
        "base_year": str(BASE_YEAR),
        "reference_date": f"{BASE_YEAR}-01-01",
        "demo": "true",
        "notice": NOTICE,
        "licence": LICENCE,
        "generator": f"geo.datasets.midden_drenthe.generate_region(seed={seed})",
    }
    for layer in status:
        meta[f"source_{layer}"] = sources[layer]
        meta[f"data_status_{layer}"] = status[layer]
        meta[f"data_note_{layer}"] = notes[layer]
    return meta


def _village_layer(villages: pd.DataFrame, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    kerngebied = areas.set_index("buurt_code")["kerngebied"]
    return gpd.GeoDataFrame(
        {"name": villages["village"].to_numpy(),
         "inhabitants": villages["inhabitants"].to_numpy(dtype="int64"),
         "kerngebied": villages["core_buurt"].map(kerngebied).to_numpy(),
         "core_buurt": villages["core_buurt"].to_numpy()},
        geometry=gpd.points_from_xy(villages["x_rd"], villages["y_rd"]),
        crs=vocabulary.METRIC_CRS)


def generate_region(*, seed: int = SEED) -> Region:
    """Build the default Midden-Drenthe region from the files in ``data/``.

    Parameters
    ----------
    seed
        Seed of the generated parts (home points and attributes, assumed facility
        positions); the same seed gives the same region, bit for bit.

    Returns
    -------
    Region
        A validated region: real areas, CBS population (``households`` included), generated
        homes (one per CBS dwelling), real and assumed facilities, villages;
        ``metadata['demo'] == 'true'`` (it has generated parts) with ``source_<layer>``,
        ``data_status_<layer>`` (real / estimated / generated / mixed) and a Dutch
        ``data_note_<layer>`` for every layer.

    Raises
    ------
    geo.errors.RegionError
        When the result does not validate (a broken data file).
    """
    rng = np.random.default_rng(seed)
    villages = load_villages()
    areas = _areas(villages)
    population = _population(areas)
    kwb = kerncijfers()
    plan = _md_homes.dwelling_plan(areas, kwb)
    homes, cores = _md_homes.make_homes(rng, areas, plan, villages)
    facilities = _md_facilities.make_facilities(rng, areas, villages, cores, kwb,
                                                 plan["dwellings"].to_dict())
    region = Region(areas=areas, population=population.reset_index(drop=True), homes=homes,
                    facilities=facilities,
                    metadata=_metadata(seed, homes, facilities),
                    villages=_village_layer(villages, areas), reference=reference_figures())
    return validate_region(region)
