"""Build a region package from real data: CBS buurten, BAG homes and facility lists.

:func:`build_region` combines the importers of :mod:`geo.io.importers` into a validated
:class:`geo.model.region.Region` (write it with :func:`geo.io.region_package.write_region`):

1. **areas** — the buurten of one municipality from the CBS Wijk- en Buurtkaart
   (:func:`geo.io.importers.cbs.read_cbs_buurten`), wijk names from the buurten, else from
   a wijken file/layer (``wijken``, else the ``wijken`` layer of the same file); the core
   area (*kerngebied*) of every buurt from a kerngebieden file, else the Welwozo core
   areas for Midden-Drenthe (GM1731, from ``data/midden_drenthe_villages.csv``), else the
   wijk (named after its village: "Wijk 00 Beilen" → "Beilen");
2. **population** — CBS inhabitants and age percentages of the map, or a CBS population
   table in any form (:func:`geo.io.importers.population_table.read_population_table`; it
   must match at least half of the buurten and of their inhabitants, else the build stops),
   with bands CBS does not give estimated by the one method of
   :mod:`geo.io.importers.cbs_population` (65+ split into 65–74, 75–84 and 85+ by an age
   distribution: a StatLine export of the user, else the documented default); marked as
   estimated, and the provenance names the table, its form and the columns used;
3. **homes** — BAG dwellings (:func:`geo.io.importers.bag.read_bag_homes`), optionally with a
   corporation list; without BAG the layer is empty (and the app says so);
4. **facilities** — one or more lists (CSV, GeoJSON, GeoPackage, OSM; a CSV with addresses
   only is placed at the verblijfsobjecten of the BAG file of the same build), kept within
   :data:`FACILITY_BUFFER_M` of the municipality (people use facilities across the border);
5. **metadata** — name, base year (the CBS edition), sources, licences, every import
   warning, the import report (``import_report``, JSON of
   :class:`geo.io.import_report.ImportReport`), a notice that the age bands are estimates,
   and per layer ``data_status_<layer>``/``data_note_<layer>`` (what is real, estimated or
   generated).

Kerngebieden file: a CSV with ``buurt_code`` (or ``wijk_code``) and ``kerngebied`` columns,
or polygons (GeoPackage, GeoJSON, zipped Shapefile) with a ``kerngebied`` column — each
buurt goes to the polygon that holds its representative point.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io import uploads
from geo.io._region_areas import (
    LARGEST_CATCHMENT_M,
    MIDDEN_DRENTHE,
    assign_kerngebieden,
    fill_gemeente_names,
    outside_region,
    villages_layer,
)
from geo.io.import_report import GEKOPPELD, GESCHAT, HERKEND, LET_OP, WEGGELATEN, ImportReport
from geo.io.importers._cbs_common import PCT_COLUMNS, plural
from geo.io.importers.bag import SUITABILITY_PROXY_NOTE, BagHomes, read_bag_homes
from geo.io.importers.cbs import (
    COUNT_COLUMNS,
    GEMEENTE_NAME_NOTE,
    dropped_note,
    read_cbs_buurten,
)
from geo.io.importers.cbs_population import (
    DEFAULT_65PLUS_SPLIT,
    population_from_cbs,
    read_age_distribution,
)
from geo.io.importers.cbs_reference import build_reference, households_per_buurt
from geo.io.importers.corporations import read_corporation_list
from geo.io.importers.facilities import read_facilities
from geo.io.importers.population_table import (
    COUNT_BANDS,
    PopulationTable,
    read_population_table,
)
from geo.io.progress import Progress, report, scaled
from geo.model.region import LAYER_COLUMNS, Region, validate_region
from geo.model.regions_presets import REGION_PRESETS, normalise_gemeente_codes

__all__ = ["FACILITY_BUFFER_M", "BuildResult", "Input", "build_region"]

#: Facilities this far outside the region are kept (metres): the largest catchment of the
#: built-in norm sets (15 km for verpleegzorg), so people at the region's edge find every
#: place they can reach (research notes §2.2.4: buffer ≥ the largest catchment).
FACILITY_BUFFER_M: float = LARGEST_CATCHMENT_M

#: A file to import: a local path, or ``(content, file name)`` (e.g. an upload).
Input = uploads.InputData | tuple[uploads.InputData, str]


@dataclass(frozen=True)
class BuildResult:
    """Result of :func:`build_region`.

    Attributes
    ----------
    region
        The validated region.
    warnings
        Every importer's notes, in order (also stored in the region metadata).
    stats
        Counts per step (buurten, inhabitants, homes, facilities kept and dropped).
    report
        The import report: what was recognised, matched, estimated, repaired and dropped
        (every warning is in it too, under "let op" unless an importer filed it elsewhere).
    """

    region: Region
    warnings: tuple[str, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    report: ImportReport = field(default_factory=ImportReport)


def _split(item: Input) -> tuple[uploads.InputData, str | None]:
    if isinstance(item, tuple):
        return item[0], item[1]
    if isinstance(item, str | os.PathLike):
        return item, os.path.basename(os.fspath(item))
    return item, None


def _population_counts(data: uploads.InputData, name: str | None, counts: pd.DataFrame,
                       ) -> tuple[pd.DataFrame, PopulationTable]:
    """Replace the map's inhabitants and age shares by a CBS population table.

    The table is read by :func:`read_population_table` (every CBS form); the matched
    buurten get its inhabitants and, when it gives any age band, its bands (as percentages
    of the inhabitants; bands it lacks become NaN and are estimated later). Buurten not in
    the table keep the map's figures.
    """
    table = read_population_table(data, name, buurt_codes=counts["buurt_code"].tolist(),
                                  map_inhabitants=counts["inhabitants"].tolist())
    values = table.values
    inhabitants = values["inhabitants"]
    out = counts.copy()
    matched = out["buurt_code"].isin(values.index)
    new = {"inhabitants": inhabitants}
    if table.bands:
        for band, pct in zip(COUNT_BANDS, PCT_COLUMNS, strict=True):
            with np.errstate(invalid="ignore", divide="ignore"):
                new[pct] = pd.Series(np.where(inhabitants > 0,
                                              values[band] / inhabitants * 100, np.nan),
                                     index=values.index)
    if "households" in values:  # the table's households where it gives them
        new["households"] = values["households"].where(values["households"].notna(),
                                                       out.set_index("buurt_code")
                                                       ["households"])
    for col, series in new.items():
        out[col] = np.where(matched, out["buurt_code"].map(series), out[col])
    return out, table


def _population_notice(population: pd.DataFrame, split_source: str) -> str:
    """Dutch notice naming the estimated age bands (65–74/75–84/85+ always)."""
    bands = [b for b in population.attrs.get("estimated_bands", ())
             if b not in ("65–74", "75–84", "85+")]
    extra = (f" Ook {', '.join(bands)} {'is' if len(bands) == 1 else 'zijn'} (deels) "
             "geschat; zie de bron van de bevolking." if bands else "")
    return ("Echte data. De leeftijdsgroepen 65–74, 75–84 en 85+ per buurt zijn geschat uit "
            f"het CBS-aandeel 65+ ({split_source.rstrip('.')}).{extra}")


def _data_status(population: pd.DataFrame, split_source: str, homes: gpd.GeoDataFrame,
                 facilities: gpd.GeoDataFrame, villages: gpd.GeoDataFrame | None,
                 ) -> dict[str, str]:
    """``data_status_<layer>`` and ``data_note_<layer>`` of a built region (Dutch notes).

    Areas are real (CBS); the population is ``mixed`` when bands were estimated (always the
    65+ split from the CBS map); BAG homes are ``mixed`` (step-free and lift estimated);
    facilities from the given lists are real. An empty layer gets no status.
    """
    bands = list(dict.fromkeys(population.attrs.get("estimated_bands", ())))
    out = {
        "data_status_areas": "real",
        "data_note_areas": "Buurtgrenzen en -codes van het CBS zoals gepubliceerd; de "
                           "indeling in kerngebieden is een keuze (zie de bron).",
        "data_status_population": "mixed" if bands else "real",
        "data_note_population": "Inwoners per buurt van het CBS. " + (
            f"Geschat: {', '.join(bands)} (verdeling: {split_source.rstrip('.')})."
            if bands else "Alle leeftijdsgroepen zoals het CBS ze publiceert."),
    }
    if len(homes):
        out |= {"data_status_homes": "mixed",
                "data_note_homes": "Woningen, bouwjaar, type en oppervlakte uit de BAG. "
                                   + SUITABILITY_PROXY_NOTE + (
                                       " Eigenaar onbekend (geen corporatielijst)."
                                       if (homes["owner"] == "onbekend").all() else "")}
    if len(facilities):
        out |= {"data_status_facilities": "real",
                "data_note_facilities": "Ligging, type en capaciteit uit de opgegeven "
                                        "lijsten (zie de bron)."}
    if villages is not None:
        out |= {"data_status_villages": "real",
                "data_note_villages": "Namen, ligging en inwonertallen van de kernen uit "
                                      "openbare bronnen."}
    return out


#: A buurt with at least this many inhabitants is expected to hold homes in the BAG.
INHABITED_MIN = 50


def _bag_coverage(population: pd.DataFrame, homes: gpd.GeoDataFrame) -> str:
    """Dutch warning when inhabited buurten (≥ INHABITED_MIN) have no BAG homes, else ``""``."""
    people = population.set_index("buurt_code")[vocabulary.band_columns()].sum(axis=1)
    inhabited = people[people >= INHABITED_MIN]
    empty = inhabited[~inhabited.index.isin(homes["buurt_code"])]
    if empty.empty:
        return ""
    verb = "heeft" if len(empty) == 1 else "hebben"
    return (f"{len(empty)} van {plural(len(inhabited), 'bewoonde buurt', 'bewoonde buurten')} "
            f"({empty.sum() / people.sum() * 100:.0f} % van de inwoners) {verb} geen "
            "woningen in het BAG-bestand: de uitsnede dekt de gemeente niet; het aanbod is "
            "daar 0. Laad een BAG-uittreksel van de hele gemeente.")


def _empty_homes() -> gpd.GeoDataFrame:
    cols = {c: pd.Series([], dtype=t) for c, t in (
        ("home_id", object), ("construction_year", "int64"), ("dwelling_type", object),
        ("step_free", bool), ("lift", bool), ("floor_area", float), ("tenure", object),
        ("owner", object), ("buurt_code", object), ("woonplaats", object))}
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=vocabulary.METRIC_CRS))


def _empty_facilities() -> gpd.GeoDataFrame:
    cols = {c: pd.Series([], dtype=object) for c in LAYER_COLUMNS["facilities"]}
    cols["capacity"] = pd.Series([], dtype=float)
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=vocabulary.METRIC_CRS))


def _osm_duplicates(fac: pd.DataFrame, earlier: list[pd.DataFrame]) -> pd.Series:
    """Rows that are the same OpenStreetMap object as a row of an earlier list.

    OSM ids (``osm_node_…``, ``osm_way_…``) name one object everywhere, so two extracts that
    overlap (e.g. fetched per municipality, each with a buffer) hold it twice.
    """
    if not earlier:
        return pd.Series(False, index=fac.index)
    ids = fac["facility_id"].astype(str)
    seen = pd.concat(earlier)["facility_id"].astype(str)
    return ids.str.startswith("osm_") & ids.isin(seen)


def _facilities(files: Sequence[Input], outline: shapely.Geometry, buffer_m: float,
                warnings: list[str], stats: dict[str, int],
                bag: BagHomes | None = None, bag_name: str | None = None,
                where: str = "de gemeente") -> tuple[gpd.GeoDataFrame, str]:
    """Read the facility lists; address-only lists are placed on the BAG of the build.

    Facilities farther than ``buffer_m`` from the region are dropped; the others get
    ``outside_region`` (True when the point is in no buurt of the region). ``where`` names
    the region in messages ("de gemeente" or "de regio").
    """
    frames, labels = [], []
    addresses = bag.addresses if bag is not None else None
    for i, item in enumerate(files, start=1):
        data, name = _split(item)
        result = read_facilities(data, name, addresses=addresses,
                                 bag_name=(bag_name or "BAG") if bag is not None else None)
        for key in ("address_exact", "address_postcode_huisnummer", "address_unmatched"):
            if key in result.stats:
                stats[f"facilities_{key}"] = stats.get(f"facilities_{key}", 0) + \
                    result.stats[key]
        fac = result.facilities.copy()
        same = _osm_duplicates(fac, frames)
        if same.any():
            fac = fac[~same]
            warnings.append(f"{name or f'lijst {i}'}: {int(same.sum())} OpenStreetMap-objecten "
                            "staan ook in een eerdere lijst en zijn één keer meegeteld.")
        if frames and fac["facility_id"].isin(pd.concat(frames)["facility_id"]).any():
            fac["facility_id"] = f"L{i}-" + fac["facility_id"].astype(str)
            warnings.append(f"{name or f'lijst {i}'}: ids komen ook in een eerdere lijst voor; "
                            f"ze zijn voorzien van het voorvoegsel 'L{i}-'.")
        warnings.extend(f"{name or f'lijst {i}'}: {w}" for w in result.warnings)
        frames.append(fac)
        labels.append(result.source or (name or f"lijst {i}"))
    fac = pd.concat(frames, ignore_index=True)
    near = shapely.dwithin(fac.geometry.values, outline, buffer_m)
    dropped = int((~near).sum())
    stats["facilities_outside_buffer"] = dropped
    if dropped:
        warnings.append(f"{dropped} voorziening(en) liggen meer dan {buffer_m / 1000:.0f} km "
                        f"buiten {where} en zijn weggelaten.")
    fac = gpd.GeoDataFrame(fac[near].reset_index(drop=True), crs=vocabulary.METRIC_CRS)
    if fac.empty:
        raise ImportDataError(
            f"geen enkele voorziening ligt binnen {buffer_m / 1000:.0f} km van {where}; "
            f"controleer of de lijst bij {where} hoort en of de coördinaten kloppen.")
    fac["outside_region"] = outside_region(fac.geometry.values, outline)
    stats["facilities_outside_region"] = int(fac["outside_region"].sum())
    if stats["facilities_outside_region"]:
        warnings.append(f"{stats['facilities_outside_region']} voorziening(en) liggen buiten "
                        f"{where} (tot {buffer_m / 1000:.0f} km); ze tellen mee voor "
                        "bereikbaarheid en dekking en zijn gemarkeerd (outside_region).")
    return fac, "; ".join(labels)


def _dropped_inhabitants(dropped: pd.DataFrame, population: Input | None,
                         import_report: ImportReport) -> None:
    """Report the population table's inhabitants of buurten dropped for lack of geometry.

    Only buurten whose map has no inhabitants are looked up (the map's own figure was
    reported by the CBS importer); a table without them adds nothing.
    """
    unknown = dropped[dropped["inhabitants"].isna()]
    if population is None or unknown.empty:
        return
    probe = pd.DataFrame({"buurt_code": unknown["buurt_code"].to_numpy()})
    for col in COUNT_COLUMNS:
        probe[col] = np.nan
    try:
        found, table = _population_counts(*_split(population), probe)
    except ImportDataError:  # the table itself is checked (and reported) for the region
        return
    if table.matched:  # one line per drop: the map's line, with the table's inhabitants
        old = dropped_note(dropped)
        filled = dropped.copy()
        filled.loc[unknown.index, "inhabitants"] = found["inhabitants"].to_numpy()
        import_report.lines = [line for line in import_report.lines if line.text != old]
        import_report.add(WEGGELATEN, dropped_note(filled, _split(population)[1]
                                                   or "de bevolkingstabel"), count=len(filled))


def _summarise(import_report: ImportReport, warnings: Sequence[str], stats: dict[str, int],
               metadata: dict[str, str], split_source: str, kerngebied_source: str) -> None:
    """Add what the build recognised and estimated, and every remaining warning."""
    for key, label, count in (
            ("source_population", "bevolking", stats.get("inhabitants")),
            ("source_homes", "woningen", stats.get("homes")),
            ("source_facilities", "voorzieningen", stats.get("facilities"))):
        text = metadata.get(key, "")
        if key != "source_facilities":  # one source each; facilities list every file
            text = text.split("; ")[0]  # the source, not the method's details
        import_report.add(HERKEND, f"{label}: {text}", count=count or None)
    import_report.add(HERKEND, f"kerngebieden: {kerngebied_source}")
    import_report.add(GESCHAT, "65–74, 75–84 en 85+ per buurt geschat uit het aandeel 65+ "
                               f"({split_source.rstrip('.')})", count=stats.get("buurten"))
    known = {line.text for line in import_report}
    for warning in warnings:
        if warning not in known:
            import_report.add(LET_OP, warning)


def _ordered_codes(areas: gpd.GeoDataFrame, wanted: Sequence[str]) -> list[str]:
    """The region's municipality codes: in the order asked for, then as in the file."""
    present = list(dict.fromkeys(areas["gemeente_code"].astype(str)))
    first = [c for c in wanted if c in present]
    return first + [c for c in present if c not in first]


def _base_year(base_year: int | None, edition: str) -> int:
    if base_year is not None:
        return base_year
    if not edition:
        raise ImportDataError(
            "het jaar van de CBS-gegevens is niet te herkennen; geef het basisjaar op "
            "(--year, of in de app het veld 'Basisjaar').")
    return int(edition)


def _region_identity(areas: gpd.GeoDataFrame, codes: list[str],
                     name: str | None) -> dict[str, str]:
    """``region_name``, ``gemeente_code`` (codes joined by commas) and ``gemeenten`` (JSON).

    Without a name: one municipality's own name; several: the preset with exactly these
    codes, else the names joined ("A, B en C").
    """
    names = areas.drop_duplicates("gemeente_code").set_index("gemeente_code")["gemeente_name"]
    members = [{"code": c, "name": str(names[c])} for c in codes]
    if not (name or "").strip():
        labels = [m["name"] for m in members]
        preset = next((p for p in REGION_PRESETS.values() if set(p.codes) == set(codes)), None)
        name = (labels[0] if len(labels) == 1 else preset.name if preset is not None
                else ", ".join(labels[:-1]) + " en " + labels[-1])
    return {"region_name": str(name).strip(), "gemeente_code": ",".join(codes),
            "gemeenten": json.dumps(members, ensure_ascii=False)}


def build_region(
    *,
    cbs: Input,
    gemeente: str | Sequence[str],
    bag: Input | None = None,
    facilities: Sequence[Input] = (),
    corporations: Input | None = None,
    kerngebieden: Input | None = None,
    age_distribution: Input | None = None,
    population: Input | None = None,
    wijken: Input | None = None,
    reference: Input | None = None,
    base_year: int | None = None,
    buffer_m: float = FACILITY_BUFFER_M,
    progress: Progress | None = None,
    name: str | None = None,
) -> BuildResult:
    """Build a validated region package of one or more municipalities (module docstring).

    Parameters
    ----------
    cbs
        CBS Wijk- en Buurtkaart (GeoPackage, zipped Shapefile or PDOK GeoJSON).
    gemeente
        Municipality code (``GM1731``/``1731``) or name, or a sequence of them: a region of
        several municipalities (all from the same CBS file; see
        :mod:`geo.model.regions_presets` for named groupings).
    bag
        BAG GeoPackage (``verblijfsobject`` + ``pand``); without it there are no homes.
    facilities
        Facility lists (CSV, GeoJSON, GeoPackage, ``.osm.pbf``/``.osm``).
    corporations
        CSV of corporation homes (BAG ids or addresses, owner); needs ``bag``.
    kerngebieden
        Core area per buurt (see the module docstring).
    age_distribution
        CBS StatLine export of the municipality's (or province's) population by age.
    population
        A CBS population table per buurt (CSV in any form CBS produces, see
        :mod:`geo.io.importers.population_table`); it replaces the map's inhabitants and
        age bands of the buurten it holds.
    wijken
        Wijken with names (layer ``wijken`` of the Wijk- en Buurtkaart, PDOK's wijken
        collection, or a CSV ``wijkcode;wijknaam``) for buurten that carry only a wijk
        code; by default the ``wijken`` layer of the CBS file itself.
    reference
        Kerncijfers wijken en buurten table (CSV) of published figures for the check
        (:mod:`geo.io.importers.cbs_reference`); the map's own figures are kept anyway.
    base_year
        Reference year of the population; default the CBS edition year.
    buffer_m
        Facilities within this distance (metres) outside the region are kept and flagged
        ``outside_region``; default the largest catchment (:data:`FACILITY_BUFFER_M`).
    progress
        Called with (fraction 0–1, Dutch message) on every step.
    name
        Region name (``region_name``); default the municipality's name, for several
        municipalities the name of the preset with exactly those codes, else the names
        joined ("Borger-Odoorn, Coevorden en Emmen").

    Returns
    -------
    BuildResult
        The region, its warnings, counts and the import report (also in the region
        metadata as ``import_report``).

    Raises
    ------
    ImportDataError
        Any input that cannot be used, with a message that says how to fix it.
    """
    warnings: list[str] = []
    stats: dict[str, int] = {}
    import_report = ImportReport()
    if corporations is not None and bag is None:
        raise ImportDataError("een corporatielijst kan alleen samen met een BAG-bestand "
                              "worden gebruikt (de lijst wijst woningen aan).")
    wanted = normalise_gemeente_codes(gemeente)

    report(progress, 0.02, "CBS-buurten lezen…")
    cbs_data, cbs_name = _split(cbs)
    wijken_data, wijken_name = _split(wijken) if wijken is not None else (None, None)
    buurten = read_cbs_buurten(cbs_data, cbs_name,
                               gemeente=wanted[0] if len(wanted) == 1 else wanted,
                               wijken=wijken_data, wijken_name=wijken_name)
    areas = buurten.areas.copy()
    codes = _ordered_codes(areas, wanted)
    where = "de regio" if len(codes) > 1 else "de gemeente"
    base_year = _base_year(base_year, buurten.edition)
    ref = build_reference(cbs_data, cbs_name, buurten, gemeente=codes, year=base_year,
                          table=_split(reference)[0] if reference is not None else None,
                          table_name=_split(reference)[1] if reference is not None else None)
    named = fill_gemeente_names(areas, ref.reference)
    superseded = {GEMEENTE_NAME_NOTE} if named and \
        (areas["gemeente_name"] != areas["gemeente_code"]).all() else set()
    warnings.extend(w for w in buurten.warnings if w not in superseded)
    import_report.merge(ImportReport([line for line in buurten.report
                                      if line.text not in superseded]))
    warnings.extend(named)
    kerngebied_source = assign_kerngebieden(
        areas, _split(kerngebieden) if kerngebieden is not None else None, warnings)
    stats["buurten"] = len(areas)

    report(progress, 0.2, "Bevolking en leeftijdsgroepen afleiden…")
    distribution = DEFAULT_65PLUS_SPLIT
    if age_distribution is not None:
        distribution = read_age_distribution(*_split(age_distribution))
    counts, table = buurten.counts, None
    if population is not None:
        counts, table = _population_counts(*_split(population), counts)
        warnings.append(f"Bevolking uit '{table.label}' ({table.form}): {table.matched} van "
                        f"{table.expected} buurten gevonden.")
        import_report.add(GEKOPPELD, warnings[-1], count=table.matched)
        warnings.extend(f"{table.label}: {note}" for note in table.notes)
        stats["population_matched"] = table.matched
    _dropped_inhabitants(buurten.dropped, population, import_report)
    population = population_from_cbs(counts, distribution=distribution,
                                     anchor_65=table is not None)
    # one statement on missing inhabitants: the map's (with CBS's reasons) without a
    # table, the remaining buurten's after a table filled them
    stale = buurten.inhabitants_note if table is not None else \
        population.attrs.get("unknown_note", "") if buurten.inhabitants_note else ""
    import_report.lines = [line for line in import_report.lines if line.text != stale]
    warnings[:] = [w for w in warnings if w != stale]
    warnings.extend(w for w in population.attrs.get("warnings", ()) if w != stale)
    stats["inhabitants"] = int(population[vocabulary.band_columns()].to_numpy().sum())

    outline = shapely.union_all(areas.geometry.values)
    if bag is not None:
        corp = read_corporation_list(*_split(corporations)) if corporations is not None else None
        bag_data, bag_name = _split(bag)
        homes_result = read_bag_homes(bag_data, bag_name, areas=areas, corporations=corp,
                                      progress=scaled(progress, 0.3, 0.5, "BAG: "))
        homes = homes_result.homes
        stats.update({k: v for k, v in homes_result.stats.items()
                      if k.startswith("corporation_")})
        warnings.extend(homes_result.warnings)
        homes_source = homes_result.source
    else:
        homes_result, bag_name = None, None
        homes = _empty_homes()
        homes_source = "geen woningen geladen (geen BAG-bestand)"
        warnings.append("Geen BAG-bestand: er zijn geen woningen, dus geen aanbod van "
                        "nultredenwoningen en de loopafstanden gaan uit van het midden van "
                        "elke buurt. Laad een BAG-uittreksel voor een echte analyse.")
    stats["homes"] = len(homes)
    coverage = _bag_coverage(population, homes) if bag is not None else ""
    if coverage:
        warnings.append(coverage)

    report(progress, 0.85, "Voorzieningen lezen…")
    if facilities:
        fac, fac_source = _facilities(facilities, outline, buffer_m, warnings, stats,
                                      homes_result, bag_name, where=where)
    else:
        fac, fac_source = _empty_facilities(), "geen voorzieningen geladen"
        warnings.append("Geen voorzieningenlijst: aanbod van zorgplaatsen en loopafstanden "
                        "ontbreken. Laad een lijst (CSV, GeoJSON, GeoPackage of OSM).")
    stats["facilities"] = len(fac)

    report(progress, 0.95, "Regio controleren…")
    warnings.extend(ref.notes)
    households = households_per_buurt(counts)
    if households is not None:  # the map's households, or the population table's
        population["households"] = population["buurt_code"].map(households).to_numpy()
    metadata = _region_identity(areas, codes, name) | {
        "base_year": str(base_year),
        "reference_date": f"{base_year}-01-01",
        "demo": "false",
        "created": datetime.now(UTC).strftime("%Y-%m-%d"),
        "licence": "CBS en PDOK: CC BY 4.0 (bron: CBS); BAG: CC0 (Kadaster); "
                   "OpenStreetMap: ODbL (© OpenStreetMap-bijdragers)",
        "notice": _population_notice(population, distribution.source),
        "source_areas": f"{buurten.source}; {kerngebied_source}",
        "source_population": "; ".join(
            part for part in (table.source if table is not None else "",
                              population.attrs.get("source", "")) if part),
        "source_homes": homes_source,
        "source_facilities": fac_source,
        "import_warnings": "\n".join(warnings),
    }
    if len(ref.reference):
        metadata["source_reference"] = "; ".join(dict.fromkeys(ref.reference["source"]))
    _summarise(import_report, warnings, stats, metadata, distribution.source,
               kerngebied_source)
    metadata["import_report"] = import_report.to_json()
    villages = villages_layer(areas) if MIDDEN_DRENTHE in codes else None
    if villages is not None:
        metadata["source_villages"] = ("Dorpsnamen, ligging en inwonertallen: lijst van kernen "
                                       "(data/midden_drenthe_villages.csv)")
    metadata |= _data_status(population, distribution.source, homes, fac, villages)
    if coverage and len(homes):
        metadata["data_note_homes"] += f" Let op: {coverage}"
    region = validate_region(Region(areas=areas, population=population, homes=homes,
                                    facilities=fac, metadata=metadata, villages=villages,
                                    reference=ref.reference if len(ref.reference) else None))
    report(progress, 1.0, "Klaar.")
    return BuildResult(region=region, warnings=tuple(warnings), stats=stats,
                       report=import_report)
