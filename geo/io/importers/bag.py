"""BAG (Basisregistratie Adressen en Gebouwen) → the region ``homes`` layer.

Input is the BAG GeoPackage as PDOK publishes it (*bag-light*, CC0) or an extract of it:
a layer ``verblijfsobject`` (points) and a layer ``pand`` (building polygons). Column
names are matched through an alias table, so the snake_case names of bag-light
(``pand_identificatie``, ``woonplaats_naam``), the WFS names (``pandidentificatie``,
``woonplaats``) and camelCase variants are all recognised.

Rules (see ``data-sources.md`` §4 and §7):

- **Dwelling** (CBS rule): a verblijfsobject with ``woonfunctie`` among its (comma-separated)
  ``gebruiksdoel`` values and status *Verblijfsobject in gebruik*, *… in gebruik (niet
  ingemeten)* or *… buiten gebruik* (compared case-insensitively). Everything else is
  dropped and counted per reason in :attr:`BagHomes.stats`.
- **dwelling_type**: ``multi_family`` when the pand holds more than one dwelling (counted
  in the file, over all dwellings read, before clipping to the areas), otherwise
  ``single_family``. The pand's ``aantal_verblijfsobjecten`` is *not* used: it also counts
  shops, offices and barns, which would turn every farmhouse with a registered barn into
  an apartment. A verblijfsobject without ``pand_identificatie`` is linked to the pand
  polygon that contains it.
- **construction_year**: the pand's ``bouwjaar`` (fallback: the verblijfsobject's own
  ``bouwjaar``). Values below 1000 or above the current year + 5 (placeholders such as
  9999) count as missing. The region schema needs an integer, so a missing year is filled
  with the median year of the same dwelling type in the same buurt (then in the file); the
  number of filled years is reported. The suitability proxy below only uses *known* years.
- **floor_area**: ``oppervlakte`` (gebruiksoppervlakte, m²). Values below 10 m² or above
  1000 m² (placeholders such as 1 and 999999) count as missing and are filled like the
  year (median of the same dwelling type in the buurt, then in the file), because a
  missing area would make every such single-family home "unsuitable" in
  :func:`geo.analysis.supply.classify_homes`.
- **step_free / lift**: not in the BAG; estimated, see :data:`SUITABILITY_PROXY_NOTE`. A
  dwelling in a multi-family pand with a known construction year ≥
  :data:`LIFT_PROXY_FROM_YEAR` counts as step-free with lift, every other dwelling as
  neither. Every result carries this as a warning.
- **tenure / owner**: not in the BAG. Without a corporation list every home gets tenure
  ``owner_occupied`` and owner ``"onbekend"`` (a placeholder: the BAG cannot tell owners
  from private renters). With a list
  (:func:`geo.io.importers.corporations.read_corporation_list`) the matched homes get
  ``social_rent`` and the corporation's name.
- **buurt_code**: with ``areas``, the buurt containing the point; homes outside all buurten
  are dropped and counted. Without ``areas`` the column is left out (the region assigns it
  by location).

Performance: everything after reading is vectorised (pandas/shapely); 25,000 dwellings
take well under the 20 s target (``benchmarks/bench_import_bag.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io.importers._bag_fields import bag_address_table, bag_ids, canonical, text, vbo_status
from geo.io.importers.corporations import apply_corporations
from geo.io.progress import Progress, report
from geo.io.tables import to_number
from geo.io.uploads import InputData, list_layers, load_bytes, read_vector
from geo.model.region import locate_points

__all__ = [
    "ACTIVE_STATUSES",
    "LIFT_PROXY_FROM_YEAR",
    "SUITABILITY_PROXY_NOTE",
    "BagHomes",
    "read_bag_homes",
]

#: Construction year from which a dwelling in a multi-family pand is assumed to have a lift.
LIFT_PROXY_FROM_YEAR: int = 1995

#: Dutch explanation of the estimated ``step_free`` and ``lift`` flags, for the app.
SUITABILITY_PROXY_NOTE: str = (
    "Nultreden en lift staan niet in de BAG; ze zijn geschat. Een woning in een pand met "
    f"meer dan één woning (appartement) met bouwjaar {LIFT_PROXY_FROM_YEAR} of later telt "
    "als nultredenwoning met lift (aanname: appartementen van na de invoering van het "
    "Bouwbesluit zijn meestal met een lift bereikbaar). Oudere appartementen en alle "
    "eengezinswoningen tellen als niet-nultreden zonder lift; benedenwoningen, bungalows "
    "en aangepaste woningen worden dus onderschat. Vervang de schatting door eigen gegevens "
    "(bijv. van de corporatie) waar die er zijn."
)

#: Statuses of a verblijfsobject that CBS counts as a dwelling (lower case, without the
#: leading "verblijfsobject ").
ACTIVE_STATUSES: frozenset[str] = frozenset(
    {"in gebruik", "in gebruik (niet ingemeten)", "buiten gebruik"}
)

MIN_YEAR = 1000
MIN_AREA_M2 = 10.0
MAX_AREA_M2 = 1000.0
# Last-resort fill values when a file holds no plausible value at all (documented guesses).
_FALLBACK_AREA = {"single_family": 120.0, "multi_family": 75.0}
_FALLBACK_YEAR = 1970
DEFAULT_TENURE = "owner_occupied"
DEFAULT_OWNER = "onbekend"

# canonical column -> accepted names, compared after normalise_name (letters/digits only)
_VBO_ALIASES: dict[str, tuple[str, ...]] = {
    "identificatie": ("identificatie", "verblijfsobject_identificatie", "vbo_identificatie",
                      "verblijfsobjectid", "vbo_id", "bag_id"),
    "gebruiksdoel": ("gebruiksdoel", "gebruiksdoelen", "gebruiksdoel_verblijfsobject",
                     "vbo_gebruiksdoel"),
    "status": ("status", "verblijfsobjectstatus", "verblijfsobject_status", "vbo_status"),
    "oppervlakte": ("oppervlakte", "gebruiksoppervlakte", "oppervlakte_verblijfsobject",
                    "vbo_oppervlakte"),
    "bouwjaar": ("bouwjaar", "oorspronkelijk_bouwjaar", "pand_bouwjaar"),
    "pand_identificatie": ("pand_identificatie", "pand_id", "pandref", "pand_identificaties",
                           "pand"),
    "postcode": ("postcode",),
    "huisnummer": ("huisnummer",),
    "huisletter": ("huisletter",),
    "toevoeging": ("toevoeging", "huisnummertoevoeging", "huisnummer_toevoeging"),
    "woonplaats": ("woonplaats_naam", "woonplaatsnaam", "woonplaats"),
    "straat": ("openbare_ruimte_naam", "openbareruimtenaam", "openbareruimte", "straatnaam",
               "straat"),
}
_PAND_ALIASES: dict[str, tuple[str, ...]] = {
    "identificatie": ("identificatie", "pand_identificatie", "pand_id"),
    "bouwjaar": ("bouwjaar", "oorspronkelijk_bouwjaar"),
    "status": ("status", "pandstatus", "pand_status"),
    "aantal_verblijfsobjecten": ("aantal_verblijfsobjecten",),
}


@dataclass(frozen=True)
class BagHomes:
    """Result of :func:`read_bag_homes`.

    Attributes
    ----------
    homes
        Points in EPSG:28992 in the region ``homes`` schema (``home_id`` … ``owner``,
        ``woonplaats`` and, with areas, ``buurt_code``).
    warnings
        Dutch messages for the user (estimates, filled values, matching results).
    stats
        Counts: ``read``, ``residential``, ``active``, ``kept``, ``dropped_<reason>``,
        ``construction_year_filled``, ``floor_area_filled`` and, with a corporation list,
        ``corporation_rows``, ``corporation_matched`` (``…_id``, ``…_exact``,
        ``…_postcode_huisnummer``), ``corporation_unmatched`` (and
        ``corporation_unmatched_<reason>``), ``social_rent``.
    source
        Dutch source description for the region metadata.
    addresses
        Every verblijfsobject address of the file
        (:func:`~geo.io.importers._bag_fields.bag_address_table`), for matching other lists
        (facilities with addresses only); ``None`` when the file has no addresses.
    corporation_matches
        With a corporation list: one row per list row
        (:func:`~geo.io.importers.corporations.apply_corporations`).
    """

    homes: gpd.GeoDataFrame
    warnings: tuple[str, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    source: str = ""
    addresses: pd.DataFrame | None = None
    corporation_matches: pd.DataFrame | None = None


# --------------------------------------------------------------------------- helpers


def _require(found: Mapping[str, str], needed: tuple[str, ...], frame: pd.DataFrame,
             aliases: Mapping[str, tuple[str, ...]], what: str) -> None:
    missing = [col for col in needed if col not in found]
    if missing:
        accepted = "; ".join(f"{col}: {', '.join(aliases[col])}" for col in missing)
        columns = ", ".join(str(c) for c in frame.columns if c != "geometry") or "geen"
        raise ImportDataError(
            f"{what} mist kolom(men) {', '.join(missing)}. Gevonden kolommen: {columns}. "
            f"Herkende namen: {accepted}. Gebruik de BAG-GeoPackage van PDOK (bag-light) "
            "of geef de kolommen een van deze namen."
        )


def _numbers(values: pd.Series) -> pd.Series:
    """Float values of a column; text that is no number becomes NaN (judged as implausible).

    Text goes through :func:`geo.io.tables.to_number` (decimal comma, no-data codes); when a
    column holds stray non-numbers, they become NaN instead of failing the whole import.
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype("float64")
    try:
        return to_number(values.astype("string")).astype("float64")
    except ImportDataError:
        return pd.to_numeric(values.astype("string").str.strip(), errors="coerce").astype(
            "float64")


def _plausible_year(values: pd.Series) -> pd.Series:
    latest = dt.date.today().year + 5
    return values.where((values >= MIN_YEAR) & (values <= latest))


def _fill_by_group(values: pd.Series, levels: list[list[pd.Series]],
                   fallback: Mapping[str, float], dwelling_type: pd.Series) -> pd.Series:
    """Fill NaN with the median of ever coarser groups, then a per-type constant.

    ``levels`` lists the grouping keys from fine to coarse, e.g. ``[[buurt, type], [type]]``.
    """
    filled = values.copy()
    for keys in levels:
        if not filled.isna().any():
            break
        medians = values.groupby([k.to_numpy() for k in keys]).transform("median")
        filled = filled.fillna(medians)
    if filled.isna().any():
        filled = filled.fillna(dwelling_type.map(fallback).astype("float64"))
    return filled


def _to_points(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """2D points of a geometry column (representative points of non-point shapes)."""
    geoms = shapely.force_2d(gdf.geometry.to_numpy())
    kinds = shapely.get_type_id(geoms)
    not_point = (kinds != 0) & ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if not_point.any():
        geoms = geoms.copy()
        geoms[not_point] = shapely.point_on_surface(geoms[not_point])
    return geoms


def _pick_layer(layers: list[str], wanted: str, label: str, *, required: bool) -> str | None:
    lower = {str(layer).lower(): str(layer) for layer in layers}
    if wanted in lower:
        return lower[wanted]
    if wanted == "verblijfsobject":
        close = [layer for key, layer in lower.items() if "verblijfsobject" in key]
        if len(close) == 1:
            return close[0]
        if len(layers) == 1:
            return str(layers[0])
    else:
        close = [layer for key, layer in lower.items()
                 if key.endswith("pand") or key.endswith("panden")]
        if len(close) == 1:
            return close[0]
    if required:
        raise ImportDataError(
            f"'{label}' heeft geen laag '{wanted}' (lagen: "
            f"{', '.join(map(str, layers)) or 'geen'}). Gebruik de BAG-GeoPackage van PDOK "
            "(bag-light) met de lagen 'verblijfsobject' "
            "en 'pand', of een uitsnede daarvan met dezelfde laagnamen."
        )
    return None


def _in_metric_crs(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is not None and not gdf.crs.equals(vocabulary.METRIC_CRS):
        return gdf.to_crs(vocabulary.METRIC_CRS)
    return gdf


# --------------------------------------------------------------------------- main reader


def read_bag_homes(
    data: InputData,
    name: str | None = None,
    *,
    areas: gpd.GeoDataFrame | None = None,
    corporations: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> BagHomes:
    """Build the region ``homes`` layer from a BAG GeoPackage.

    The rules (dwelling filter, dwelling type, plausibility, estimated ``step_free`` and
    ``lift``) are documented in the module docstring; ``step_free`` and ``lift`` are
    **estimates** (:data:`SUITABILITY_PROXY_NOTE`), which the result's ``warnings`` say.

    Parameters
    ----------
    data
        GeoPackage bytes or path with the layers ``verblijfsobject`` and ``pand``
        (a GeoPackage/GeoJSON with only verblijfsobjecten works when they carry
        ``pand_identificatie``).
    name
        File name for messages.
    areas
        Optional buurten (``buurt_code`` + polygons, any CRS): homes get the code of
        the buurt they lie in, homes outside all buurten are dropped and counted, and
        only the areas' bounding box is considered.
    corporations
        Optional corporation list from
        :func:`geo.io.importers.corporations.read_corporation_list`: matched homes get
        tenure ``social_rent`` and the corporation as owner.
    progress
        Optional callback ``progress(fraction, message)`` (fraction 0…1, Dutch message).

    Returns
    -------
    BagHomes
        Homes in EPSG:28992, warnings and counts.

    Raises
    ------
    ImportDataError
        When the file cannot be read, a layer or column is missing, or no dwelling
        remains; the message says what to fix.
    """
    report(progress, 0.0, "BAG-bestand openen…")
    # read once (size limit, no user path reaches GDAL); later calls get these bytes
    buf, label = load_bytes(data, name)
    vbo_layer, pand_layer = _layers(buf, label)

    report(progress, 0.05, "Verblijfsobjecten lezen…")
    vbo = _in_metric_crs(read_vector(buf, label, layer=vbo_layer, drop_empty=False))
    cols = canonical(vbo, _VBO_ALIASES)
    _require(cols, ("identificatie", "gebruiksdoel", "status", "oppervlakte"), vbo,
             _VBO_ALIASES, f"laag '{vbo_layer}' van '{label}'")

    report(progress, 0.35, "Woningen selecteren…")
    stats: dict[str, int] = {"read": len(vbo)}
    warnings: list[str] = []
    sel = _select_dwellings(vbo, cols, stats, warnings)

    report(progress, 0.45, "Panden lezen…")
    panden = _read_panden(buf, label, pand_layer)
    report(progress, 0.7, "Woningen aan panden koppelen…")
    home_pand, multi = _link_panden(vbo, cols, sel, panden, label, warnings)
    homes = pd.DataFrame({"home_id": sel.home_ids,
                          "dwelling_type": np.where(multi, "multi_family", "single_family")})
    year = _construction_years(vbo, cols, sel, panden, home_pand)
    area = _numbers(vbo[cols["oppervlakte"]]).to_numpy()[sel.idx]
    area = np.where((area >= MIN_AREA_M2) & (area <= MAX_AREA_M2), area, np.nan)

    report(progress, 0.8, "Woningen aan buurten koppelen…")
    inside = _assign_buurten(homes, sel.xy, areas, stats, warnings)
    _fill_missing(homes, year, area, inside, stats, warnings)
    proxy = multi & ~np.isnan(year) & (np.nan_to_num(year) >= LIFT_PROXY_FROM_YEAR)
    homes["step_free"] = proxy
    homes["lift"] = proxy
    homes["tenure"] = DEFAULT_TENURE
    homes["owner"] = DEFAULT_OWNER
    homes["woonplaats"] = (text(vbo[cols["woonplaats"]]).to_numpy()[sel.idx]
                           if "woonplaats" in cols else "")
    homes = homes[inside].reset_index(drop=True)
    warnings.insert(0, SUITABILITY_PROXY_NOTE)

    addresses = bag_address_table(vbo, cols, sel.points, sel.idx[inside], sel.idx[~inside],
                                  ACTIVE_STATUSES)
    matches = None
    if corporations is not None:
        report(progress, 0.9, "Corporatiebezit koppelen…")
        matches = apply_corporations(homes, addresses, corporations, label, warnings, stats)
    else:
        warnings.append(
            "Eigendom staat niet in de BAG: alle woningen hebben eigendom 'owner_occupied' "
            f"en eigenaar '{DEFAULT_OWNER}'. Laad een corporatielijst om sociale huur te "
            "markeren."
        )

    stats["kept"] = len(homes)
    if not len(homes):
        raise _no_homes(label, stats, areas is not None)
    columns = ["home_id", "construction_year", "dwelling_type", "step_free", "lift",
               "floor_area", "tenure", "owner"]
    if "buurt_code" in homes.columns:
        columns.append("buurt_code")
    columns.append("woonplaats")
    result = gpd.GeoDataFrame(homes[columns], geometry=shapely.points(sel.xy[inside]),
                              crs=vocabulary.METRIC_CRS)
    report(progress, 1.0, f"{len(result)} woningen ingelezen.")
    return BagHomes(
        homes=result,
        warnings=tuple(warnings),
        stats=stats,
        source=f"BAG (Kadaster, CC0), bestand '{label}'",
        addresses=addresses,
        corporation_matches=matches,
    )


# --------------------------------------------------------------------------- steps


class _Selection(NamedTuple):
    """The verblijfsobjecten kept as dwellings."""

    idx: np.ndarray  # row positions in the verblijfsobject layer
    home_ids: np.ndarray  # 16-digit BAG ids (text)
    xy: np.ndarray  # (n, 2) RD coordinates
    points: np.ndarray  # 2D point of every row of the layer (missing/empty without one)


class _Panden(NamedTuple):
    """The pand layer with its matched columns and parsed ids."""

    frame: gpd.GeoDataFrame
    cols: dict[str, str]
    ids: pd.Series


def _layers(buf: bytes, label: str) -> tuple[str, str | None]:
    """Names of the verblijfsobject layer and (if any, and different) the pand layer."""
    layers = list_layers(buf, label)
    vbo_layer = _pick_layer(layers, "verblijfsobject", label, required=True)
    pand_layer = _pick_layer(layers, "pand", label, required=False)
    return vbo_layer, None if pand_layer == vbo_layer else pand_layer


def _select_dwellings(vbo: gpd.GeoDataFrame, cols: dict[str, str], stats: dict[str, int],
                      warnings: list[str]) -> _Selection:
    """Dwellings in use with an id and a location (first of duplicate ids); counts the rest."""
    doel = text(vbo[cols["gebruiksdoel"]]).str.lower()
    residential = doel.str.contains("woonfunctie", regex=False).to_numpy()
    status = vbo_status(vbo[cols["status"]])
    active = residential & status.isin(ACTIVE_STATUSES).to_numpy()
    ids = bag_ids(vbo[cols["identificatie"]])
    points = _to_points(vbo)
    no_geom = shapely.is_missing(points) | shapely.is_empty(points)
    no_id = ids.isna().to_numpy()
    stats["residential"] = int(residential.sum())
    stats["active"] = int(active.sum())
    stats["dropped_not_residential"] = int((~residential).sum())
    stats["dropped_status"] = int((residential & ~active).sum())
    keep = active & ~no_id & ~no_geom
    stats["dropped_no_id"] = int((active & no_id).sum())
    stats["dropped_no_geometry"] = int((active & ~no_id & no_geom).sum())
    duplicate = keep & ids.where(keep).duplicated(keep="first").to_numpy() & ~no_id
    keep &= ~duplicate
    stats["dropped_duplicate"] = int(duplicate.sum())
    if stats["dropped_status"]:
        examples = ", ".join(sorted(set(status[residential & ~active]))[:4])
        warnings.append(
            f"{stats['dropped_status']} woon-verblijfsobject(en) niet meegeteld vanwege hun "
            f"status ({examples}); CBS telt alleen 'in gebruik', 'in gebruik (niet "
            "ingemeten)' en 'buiten gebruik'."
        )
    if stats["dropped_no_id"] or stats["dropped_no_geometry"] or stats["dropped_duplicate"]:
        warnings.append(
            f"Overgeslagen woningen: {stats['dropped_no_id']} zonder geldig BAG-id, "
            f"{stats['dropped_no_geometry']} zonder locatie, {stats['dropped_duplicate']} "
            "dubbel."
        )
    idx = np.flatnonzero(keep)
    return _Selection(idx=idx, home_ids=ids.to_numpy()[idx].astype(str),
                      xy=shapely.get_coordinates(points[idx]), points=points)


def _read_panden(buf: bytes, label: str, layer: str | None) -> _Panden | None:
    """The pand layer in RD (``None`` without one); its id column is required."""
    if layer is None:
        return None
    pand = _in_metric_crs(read_vector(buf, label, layer=layer, expect="polygon"))
    pcols = canonical(pand, _PAND_ALIASES)
    _require(pcols, ("identificatie",), pand, _PAND_ALIASES, f"laag '{layer}' van '{label}'")
    return _Panden(frame=pand, cols=pcols, ids=bag_ids(pand[pcols["identificatie"]]))


def _link_panden(vbo: gpd.GeoDataFrame, cols: dict[str, str], sel: _Selection,
                 panden: _Panden | None, label: str,
                 warnings: list[str]) -> tuple[pd.Series, np.ndarray]:
    """The pand id of every dwelling, and whether its pand holds more than one dwelling.

    A dwelling without ``pand_identificatie`` gets the pand polygon that contains it.
    """
    if "pand_identificatie" not in cols and panden is None:
        raise ImportDataError(
            f"'{label}' heeft geen laag 'pand' en de verblijfsobjecten geen kolom "
            "'pand_identificatie'; zonder pand is niet te bepalen of een woning een "
            "eengezinswoning of een appartement is. Gebruik de BAG-GeoPackage (bag-light) "
            "met beide lagen."
        )
    home_pand = pd.Series(pd.NA, index=range(len(sel.idx)), dtype="string")
    if "pand_identificatie" in cols:
        home_pand[:] = bag_ids(vbo[cols["pand_identificatie"]]).to_numpy()[sel.idx]
    unlinked = home_pand.isna().to_numpy()
    if panden is not None and unlinked.any():
        inside_pand = locate_points(sel.xy[unlinked], panden.frame)
        home_pand[unlinked] = np.where(
            inside_pand >= 0, panden.ids.to_numpy()[np.maximum(inside_pand, 0)], pd.NA)
    no_pand = home_pand.isna().to_numpy()
    per_pand = home_pand.value_counts()
    multi = home_pand.map(per_pand).fillna(1).to_numpy(dtype=float) > 1
    if no_pand.any():
        warnings.append(
            f"{int(no_pand.sum())} woning(en) zonder pand: als eengezinswoning geteld."
        )
    return home_pand, multi


def _construction_years(vbo: gpd.GeoDataFrame, cols: dict[str, str], sel: _Selection,
                        panden: _Panden | None, home_pand: pd.Series) -> np.ndarray:
    """Plausible construction year per dwelling: the pand's, else its own; NaN if neither."""
    vbo_year = (_plausible_year(_numbers(vbo[cols["bouwjaar"]])).to_numpy()[sel.idx]
                if "bouwjaar" in cols else np.full(len(sel.idx), np.nan))
    year = np.full(len(sel.idx), np.nan)
    if panden is not None and "bouwjaar" in panden.cols:
        pand_year = pd.Series(
            _plausible_year(_numbers(panden.frame[panden.cols["bouwjaar"]])).to_numpy(),
            index=panden.ids.to_numpy())
        pand_year = pand_year[pand_year.index.notna() & ~pand_year.index.duplicated()]
        year = home_pand.map(pand_year).to_numpy(dtype=float)
    return np.where(np.isnan(year), vbo_year, year)


def _assign_buurten(homes: pd.DataFrame, xy: np.ndarray, areas: gpd.GeoDataFrame | None,
                    stats: dict[str, int], warnings: list[str]) -> np.ndarray:
    """Set ``buurt_code`` (with areas) and return the mask of dwellings inside the areas."""
    if areas is None:
        return np.ones(len(xy), dtype=bool)
    areas_rd = _in_metric_crs(areas).reset_index(drop=True)
    if "buurt_code" not in areas_rd.columns:
        raise ImportDataError("de buurtgrenzen (areas) hebben geen kolom 'buurt_code'.")
    xmin, ymin, xmax, ymax = areas_rd.total_bounds
    in_box = ((xy[:, 0] >= xmin) & (xy[:, 0] <= xmax)
              & (xy[:, 1] >= ymin) & (xy[:, 1] <= ymax))
    where = np.full(len(xy), -1, dtype=np.int64)
    if in_box.any():
        where[in_box] = locate_points(xy[in_box], areas_rd)
    inside = where >= 0
    stats["dropped_outside_areas"] = int((~inside).sum())
    homes["buurt_code"] = np.where(
        inside, areas_rd["buurt_code"].astype(str).to_numpy()[np.maximum(where, 0)], None)
    if stats["dropped_outside_areas"]:
        warnings.append(
            f"{stats['dropped_outside_areas']} woning(en) liggen buiten de buurten van "
            "de regio en zijn weggelaten."
        )
    return inside


def _fill_missing(homes: pd.DataFrame, year: np.ndarray, area: np.ndarray,
                  inside: np.ndarray, stats: dict[str, int], warnings: list[str]) -> None:
    """Set ``construction_year`` and ``floor_area``, filling gaps by the median of the type.

    The median of the same dwelling type in the buurt, then in the file, then a documented
    constant; only dwellings inside the areas are counted as filled.
    """
    dwelling_type = homes["dwelling_type"]
    groups: list[list[pd.Series]] = [[dwelling_type]]
    if "buurt_code" in homes.columns:
        groups = [[homes["buurt_code"].fillna(""), dwelling_type], [dwelling_type]]
    year_filled = _fill_by_group(pd.Series(year), groups,
                                 dict.fromkeys(_FALLBACK_AREA, _FALLBACK_YEAR), dwelling_type)
    area_filled = _fill_by_group(pd.Series(area), groups, _FALLBACK_AREA, dwelling_type)
    homes["construction_year"] = year_filled.round().astype("int64")
    homes["floor_area"] = area_filled.astype("float64")
    stats["construction_year_filled"] = int((np.isnan(year) & inside).sum())
    stats["floor_area_filled"] = int((np.isnan(area) & inside).sum())
    if stats["construction_year_filled"]:
        warnings.append(
            f"{stats['construction_year_filled']} woning(en) zonder (plausibel) bouwjaar: "
            "aangevuld met het mediane bouwjaar van hetzelfde woningtype in de buurt; zij "
            "tellen niet als nultreden."
        )
    if stats["floor_area_filled"]:
        warnings.append(
            f"{stats['floor_area_filled']} woning(en) zonder plausibele oppervlakte "
            f"(< {MIN_AREA_M2:.0f} of > {MAX_AREA_M2:.0f} m²): aangevuld met de mediaan van "
            "hetzelfde woningtype in de buurt."
        )


def _no_homes(label: str, stats: dict[str, int], with_areas: bool) -> ImportDataError:
    return ImportDataError(
        f"'{label}' bevat geen woningen die meetellen ({stats['read']} "
        f"verblijfsobjecten gelezen, {stats['residential']} met woonfunctie, "
        f"{stats['active']} daarvan in gebruik"
        + (f", {stats.get('dropped_outside_areas', 0)} buiten de buurten" if with_areas
           else "")
        + "). Controleer of het bestand het juiste gebied dekt."
    )
