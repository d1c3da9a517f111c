"""The second built-in region: Zuidoost-Drenthe (woonzorgakkoord) on real CBS data.

Borger-Odoorn (GM1681), Coevorden (GM0109) and Emmen (GM0114) signed the first regional
woonzorgakkoord of the Netherlands on 6 December 2023. This region is made the same way as
the Midden-Drenthe default (:mod:`geo.datasets.midden_drenthe`), from the files in
``data/`` only (sources and licences: ``data/SOURCES.md``); nothing is downloaded.

**Real** (CBS, Kadaster/PDOK, CC BY 4.0), read through the CBS importer
(:func:`geo.io.build.build_region`, so every published defect is handled exactly as in a
user's build: two buurten without geometry (null) and one empty MultiPolygon are left out
and reported with their inhabitants, one self-intersecting outline is repaired):

- 206 of the 209 buurten 2024 (generalised outlines), the 61 wijken and the three gemeenten;
- per buurt: inhabitants, 0–14 and 65+ and households (CBS Kerncijfers wijken en buurten
  2024, 85984NED);
- dwellings per wijk (woningvoorraad; 78,066 in the three gemeenten), % single-family and %
  owner-occupied homes per buurt;
- the published figures per buurt, wijk and gemeente as the ``reference`` layer.

**Estimated** (the CBS importer's method,
:func:`geo.io.importers.cbs_population.population_from_cbs`): 15–24 / 25–44 / 45–64 from
each municipality's own 2019 age structure (84583NED), 65–74 / 75–84 / 85+ with the
importer's default split. Inhabitants, 0–14 and 65+ stay exactly as CBS gives them.

**Derived**: kerngebieden are the wijken, named after their village as the build does for
every municipality other than Midden-Drenthe (unique in the region); a village point per
kerngebied (the pole of inaccessibility of its most populous core buurt).

**Generated** (fixed seed): one point per dwelling (:mod:`geo.datasets._homes`), the
corporation share of rented homes, and services placed by assumption
(:mod:`geo.datasets._facilities`). No named care location with a source is available for
these municipalities, so the region has no nursing home, dementia unit or clustered
housing: its shortages of those are upper bounds.

Run ``python -m geo generate-demo`` to rebuild ``data/zuidoost_drenthe.gpkg`` (with the
default region); a test checks that the committed file equals the generator's output.
"""

from __future__ import annotations

import csv

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import polylabel

from geo import vocabulary
from geo.datasets import _facilities, _homes
from geo.datasets._files import get_path
from geo.formats import fmt_int
from geo.io._region_areas import outside_region
from geo.io.import_report import GESCHAT, ImportReport
from geo.io.importers.cbs_population import (
    DEFAULT_65PLUS_SPLIT,
    NationalAgeBands,
    population_from_cbs,
)
from geo.io.importers.population_table import COUNT_BANDS, read_population_table
from geo.model.region import Region, validate_region

__all__ = ["BASE_YEAR", "GEMEENTE_CODES", "REGION_NAME", "SEED", "SOCIAL_SHARE",
           "generate_region", "kerncijfers"]

SEED = 20231206
BASE_YEAR = 2024
GEMEENTE_CODES = ("GM1681", "GM0109", "GM0114")
REGION_NAME = "Zuidoost-Drenthe (woonzorgakkoord)"
NOTICE = (
    "Echte CBS-buurtgrenzen en CBS-cijfers 2024 van Borger-Odoorn, Coevorden en Emmen "
    "(inwoners, 0–14 en 65+ per buurt, huishoudens, woningen per wijk); de leeftijdsgroepen "
    "15–64 en 65–74/75–84/85+ zijn geschat. Drie buurten zonder vlak in het CBS-bestand "
    "(1.230 inwoners) tellen niet mee. Demo-deel: de woningen (ligging en kenmerken) en alle "
    "voorzieningen zijn gegenereerd of aangenomen; er zijn geen zorglocaties bekend. Gebruik "
    "de kaart niet voor besluiten op adresniveau; laad BAG en een voorzieningenlijst."
)
LICENCE = ("Bron: CBS, Kadaster/PDOK (CC BY 4.0). Gegenereerde delen (woningen, voorzieningen "
           "op aanname): CC0. Zie data/SOURCES.md.")

#: Share of the rented homes in the village and town cores that is owned by a housing
#: corporation (an assumption near the national share; CBS publishes no corporation share
#: per buurt in the available copy). Rented homes in the countryside are private.
SOCIAL_SHARE = 0.70
_CORPORATION = "woningcorporatie"

#: Towns just outside the region (approximate centre, WGS84 lon/lat): end points of the
#: derived road lines only.
NEIGHBOUR_TOWNS: dict[str, tuple[float, float]] = {
    "Hoogeveen": (6.4764, 52.7225), "Westerbork": (6.6083, 52.8500),
    "Gieten": (6.7630, 53.0050), "Gasselte": (6.7930, 52.9720),
    "Stadskanaal": (6.9500, 52.9880), "Ter Apel": (7.0700, 52.8760),
    "Hardenberg": (6.6200, 52.5750), "Emlichheim": (6.8500, 52.6100),
    "Twist": (7.1300, 52.6300), "Meppen": (7.2910, 52.6920),
    "Haren (Ems)": (7.2400, 52.7900), "Schoonloo": (6.7170, 52.9050),
}

#: Hospitals and GP out-of-hours posts (approximate points; existing facilities).
FIXED: tuple[_facilities.Fixed, ...] = (
    ("Emmen", 6.8930, 52.7870, "hospital", "Scheper Ziekenhuis Emmen", "Treant", None),
    ("Emmen", 6.8935, 52.7865, "gp_post", "Huisartsenpost Emmen", "", None),
    ("Hoogeveen", 6.4925, 52.7295, "hospital", "Ziekenhuis Hoogeveen", "Treant", None),
    ("Hoogeveen", 6.4930, 52.7290, "gp_post", "Huisartsenpost Hoogeveen", "", None),
    ("Stadskanaal", 6.9560, 52.9940, "hospital", "Ziekenhuis Stadskanaal", "Treant", None),
    ("Hardenberg", 6.6250, 52.5770, "hospital", "Ziekenhuis Hardenberg", "Saxenburgh", None),
)

_FILES = {"buurten": "boce_buurten", "wijken": "boce_wijken", "kerncijfers": "boce_kerncijfers"}
_KWB = "CBS Kerncijfers wijken en buurten 2024 (85984NED)"


def kerncijfers(year: int | None = BASE_YEAR) -> pd.DataFrame:
    """The CBS key figures of ``data/cbs_kerncijfers_BOCE.csv`` (all columns as text).

    Parameters
    ----------
    year
        Keep the rows of this KWB edition (``jaar``); ``None`` keeps all (the gemeenten
        also have 2019 rows with their age bands).
    """
    with open(get_path(_FILES["kerncijfers"]), encoding="utf-8", newline="") as fh:
        frame = pd.DataFrame(list(csv.DictReader(fh)))
    return frame if year is None else frame[frame["jaar"] == str(year)].reset_index(drop=True)


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(frame[col].replace("", np.nan), errors="coerce")


# --------------------------------------------------------------------------- areas


def _built():  # noqa: ANN202 - geo.io.build.BuildResult, imported lazily
    """Areas and reference through the CBS importer (as ``python -m geo build`` does)."""
    from geo.io.build import build_region

    kwb = get_path(_FILES["kerncijfers"])
    return build_region(cbs=get_path(_FILES["buurten"]), gemeente=list(GEMEENTE_CODES),
                        wijken=get_path(_FILES["wijken"]), population=kwb, reference=kwb,
                        base_year=BASE_YEAR, name=REGION_NAME)


def _areas_report(report: ImportReport) -> ImportReport:
    """The import report's lines on the CBS files (not on homes, facilities or estimates)."""
    keep = [line for line in report if line.section != GESCHAT
            and not any(word in line.text for word in ("BAG", "oorzieningen", "woningen:",
                                                         "leeftijdsgroep"))]
    return ImportReport(keep)


# --------------------------------------------------------------------------- population


def _municipal_bands(kwb_all: pd.DataFrame, code: str) -> NationalAgeBands:
    row = kwb_all[(kwb_all["gwb_code"] == code) & (kwb_all["jaar"] == "2019")].iloc[0]
    cols = ("0_tot_15_jaar", "15_tot_25_jaar", "25_tot_45_jaar", "45_tot_65_jaar",
            "65_jaar_en_ouder")
    counts = tuple(float(row[f"aantal_personen_{c}"]) for c in cols)
    return NationalAgeBands(
        counts=counts,  # type: ignore[arg-type]
        source=(f"de leeftijdsopbouw van {row['regio']} zelf op 1 januari 2019 (CBS 84583NED, "
                f"{code}: 15–25 jaar {fmt_int(counts[1])}, 25–45 jaar {fmt_int(counts[2])}, "
                f"45–65 jaar {fmt_int(counts[3])})"))


def _population(areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Population per buurt by the CBS importer's reader and method, per municipality."""
    path = get_path(_FILES["kerncijfers"])
    table = read_population_table(path, path.name, buurt_codes=areas["buurt_code"].tolist())
    values = table.values.reindex(areas["buurt_code"])
    inhabitants = values["inhabitants"].to_numpy(dtype=float)
    counts = pd.DataFrame({"buurt_code": areas["buurt_code"].to_numpy(),
                           "inhabitants": inhabitants})
    for band in COUNT_BANDS:
        with np.errstate(invalid="ignore", divide="ignore"):
            counts["pct_" + band[2:]] = np.where(
                inhabitants > 0, values[band].to_numpy(dtype=float) / inhabitants * 100, np.nan)
    kwb_all = kerncijfers(None)
    parts = []
    for code in GEMEENTE_CODES:
        mask = (areas["gemeente_code"] == code).to_numpy()
        parts.append(population_from_cbs(counts[mask].reset_index(drop=True),
                                         distribution=DEFAULT_65PLUS_SPLIT, anchor_65=True,
                                         reference=_municipal_bands(kwb_all, code)))
    population = pd.concat(parts, ignore_index=True).set_index("buurt_code").reindex(
        areas["buurt_code"]).reset_index()
    kwb = kerncijfers().set_index("gwb_code")
    population["households"] = _num(kwb, "aantal_huishoudens").reindex(
        population["buurt_code"]).fillna(0).round().astype("int64").to_numpy()
    return population


# --------------------------------------------------------------------------- villages


def _villages(areas: gpd.GeoDataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """One village point per kerngebied that has a core buurt (derived, not a facts file).

    The point is the pole of inaccessibility of the kerngebied's most populous core buurt;
    the inhabitants are the kerngebied's CBS inhabitants.
    """
    people = population.set_index("buurt_code")[vocabulary.band_columns()].sum(axis=1)
    frame = areas.assign(_people=areas["buurt_code"].map(people).fillna(0).to_numpy())
    rows = []
    for name, group in frame.groupby("kerngebied", sort=False):
        core = group[group["buurt_type"] == "kern"]
        if core.empty:
            continue
        best = core.sort_values(["_people", "buurt_code"], ascending=[False, True]).iloc[0]
        poly = max(shapely.get_parts(best.geometry), key=lambda g: g.area)
        point = polylabel(poly, 10.0)
        rows.append({"village": str(name), "inhabitants": int(group["_people"].sum()),
                     "x_rd": round(point.x, 1), "y_rd": round(point.y, 1),
                     "core_buurt": best["buurt_code"], "kerngebied": str(name)})
    return pd.DataFrame(rows)


def _village_layer(villages: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": villages["village"].to_numpy(),
         "inhabitants": villages["inhabitants"].to_numpy(dtype="int64"),
         "kerngebied": villages["kerngebied"].to_numpy(),
         "core_buurt": villages["core_buurt"].to_numpy()},
        geometry=gpd.points_from_xy(villages["x_rd"], villages["y_rd"]),
        crs=vocabulary.METRIC_CRS)


# --------------------------------------------------------------------------- metadata


def _metadata(seed: int, built_meta: dict[str, str], report: ImportReport,
              homes: gpd.GeoDataFrame, facilities: gpd.GeoDataFrame,
              population: pd.DataFrame) -> dict[str, str]:
    status = {"areas": "real", "population": "mixed", "homes": "generated",
              "facilities": "generated", "villages": "estimated", "reference": "real"}
    inhabitants = int(population[vocabulary.band_columns()].to_numpy().sum())
    notes = {
        "areas": "Echt: 206 van de 209 CBS-buurten 2024, de 61 wijken en de drie gemeenten "
                 "(gegeneraliseerd). Weggelaten zoals de import doet: Noordesch en "
                 "Buinerveen (geen geometrie) en Odoornerveen (lege geometrie), samen 1.230 "
                 "inwoners. Kerngebieden: de wijken, genoemd naar hun dorp.",
        "population": f"Echt: inwoners ({fmt_int(inhabitants)}), 0–14 en 65+ per buurt (CBS "
                      "2024), huishoudens. Geschat: 15–24, 25–44 en 45–64 (naar de opbouw "
                      "van elke gemeente in 2019) en 65–74, 75–84 en 85+ (landelijke "
                      "verdeling).",
        "homes": f"Gegenereerd (demo): {fmt_int(len(homes))} woningpunten, evenveel als de CBS-"
                 "woningvoorraad per wijk; aandelen eengezins- en koopwoningen per buurt "
                 "volgens CBS. Ligging, bouwjaar, lift, nultreden, oppervlakte en eigenaar "
                 f"zijn gegenereerd ({SOCIAL_SHARE:.0%} van de huurwoningen in de kernen "
                 "van een corporatie: aanname), niet echt.",
        "facilities": f"Aanname (demo): alle {len(facilities)} voorzieningen. Huisartsen, "
                      "apotheken, supermarkten, dorpshuizen en bushaltes: plaats volgt uit de "
                      "CBS-afstanden per buurt; ziekenhuizen en huisartsenposten: bestaande "
                      "voorzieningen, punt bij benadering. Geen zorglocaties bekend: tekorten "
                      "aan verpleegzorg en geclusterd wonen zijn bovengrenzen.",
        "villages": "Afgeleid: één punt per kerngebied (het midden van de grootste "
                    "kernbuurt), inwoners = CBS-inwoners van het kerngebied.",
        "reference": f"Echt: gepubliceerde cijfers per buurt, wijk en gemeente ({_KWB}).",
    }
    sources = {
        "areas": "CBS Wijk- en Buurtkaart 2024 via PDOK (gegeneraliseerd, cartomap/nl); CBS, "
                 "Kadaster/PDOK, CC BY 4.0.",
        "population": f"{_KWB} en 2019 (84583NED); CBS, CC BY 4.0.",
        "homes": "Gegenereerd door Woonzorgatlas uit de CBS-cijfers (data/SOURCES.md).",
        "facilities": "Aanname (data/SOURCES.md).",
        "villages": "Afgeleid uit de CBS-buurten en -cijfers.",
        "reference": f"{_KWB}; CBS, CC BY 4.0.",
    }
    meta = {
        "format_version": "1",
        "region_name": REGION_NAME,
        "gemeente_code": built_meta["gemeente_code"],
        "gemeenten": built_meta["gemeenten"],
        "base_year": str(BASE_YEAR),
        "reference_date": f"{BASE_YEAR}-01-01",
        "demo": "true",
        "notice": NOTICE,
        "licence": LICENCE,
        "generator": f"geo.datasets.zuidoost_drenthe.generate_region(seed={seed})",
        "import_report": report.to_json(),
    }
    for layer in status:
        meta[f"source_{layer}"] = sources[layer]
        meta[f"data_status_{layer}"] = status[layer]
        meta[f"data_note_{layer}"] = notes[layer]
    return meta


def generate_region(*, seed: int = SEED) -> Region:
    """Build the Zuidoost-Drenthe region from the files in ``data/``.

    Parameters
    ----------
    seed
        Seed of the generated parts (home points and attributes, assumed facility
        positions); the same seed gives the same region, bit for bit.

    Returns
    -------
    Region
        A validated region of three municipalities (``metadata['gemeente_code']`` =
        ``"GM1681,GM0109,GM0114"``): real areas and CBS population (``households``
        included), generated homes (one per CBS dwelling of the buurten kept), assumed
        facilities, derived villages, the CBS reference figures; ``demo == 'true'`` with
        ``source_<layer>``, ``data_status_<layer>`` and ``data_note_<layer>`` per layer.

    Raises
    ------
    geo.errors.RegionError
        When the result does not validate (a broken data file).
    """
    rng = np.random.default_rng(seed)
    built = _built()
    areas = built.region.areas.sort_values("buurt_code", kind="stable").reset_index(drop=True)
    population = _population(areas)
    villages = _villages(areas, population)
    kwb = kerncijfers()
    plan = _homes.dwelling_plan(areas, kwb)
    codes = areas["buurt_code"].to_numpy()
    core = (areas["buurt_type"] == "kern").to_numpy()
    homes, cores = _homes.make_homes(
        rng, areas, plan, villages, towns=NEIGHBOUR_TOWNS,
        social_share=pd.Series(np.where(core, SOCIAL_SHARE, 0.0), index=codes),
        corporation=pd.Series(_CORPORATION, index=codes),
        id_prefix=pd.Series([c[2:6] + "010" for c in codes], index=codes))
    facilities = _facilities.make_facilities(rng, areas, villages, cores, kwb,
                                             plan["dwellings"].to_dict(), fixed=FIXED)
    facilities.insert(facilities.columns.get_loc("geometry"), "outside_region", outside_region(
        np.asarray(facilities.geometry.values), shapely.union_all(areas.geometry.values)))
    meta = _metadata(seed, built.region.metadata, _areas_report(built.report), homes,
                     facilities, population)
    region = Region(areas=areas, population=population, homes=homes, facilities=facilities,
                    metadata=meta, villages=_village_layer(villages),
                    reference=built.region.reference)
    return validate_region(region)

