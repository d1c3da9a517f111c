"""Facility lists → the region ``facilities`` layer.

Two readers:

:func:`read_facilities`
    The municipality's own list: a CSV (``;`` or ``,``, read by
    :func:`geo.io.tables.read_table`) with coordinates, a CSV with addresses only (placed
    at the BAG verblijfsobject of each address when the build has a BAG file, see
    :mod:`geo.io.importers._facility_addresses`), or a GeoJSON / GeoPackage / zipped
    Shapefile with points (polygons are reduced to a representative point). An ``.osm`` /
    ``.osm.pbf`` file is handed to :func:`~geo.io.importers.osm.read_osm_facilities`.
:func:`geo.io.importers.osm.read_osm_facilities`
    An OpenStreetMap extract (``.osm.pbf``, ``.osm`` XML or ``.osm.gz``/``.osm.bz2``, e.g.
    Geofabrik's ``drenthe-latest.osm.pbf`` or an Overpass export), read with pyosmium
    (:mod:`geo.io.osm_reader`) in any element order; OSM tags are mapped to
    :data:`geo.vocabulary.FACILITY_TYPES` by :data:`~geo.io.importers.osm.OSM_TAG_RULES`.

CSV coordinates are detected by column name **and** checked against the value range:
WGS84 ``lon``/``lat`` (also ``lng``, ``longitude``, ``lengtegraad``, ``latitude``,
``breedtegraad``) or RD New ``x``/``y`` (also ``x_rd``/``y_rd``, ``rd_x``/``rd_y``). Values
that contradict their column names (degrees in ``x``/``y``, metres in ``lon``/``lat``,
swapped ``lon``/``lat``) are an error that says how to fix the file — the reader never
guesses, because a silently misplaced facility corrupts every distance.

Attributes: the facility type (column ``facility_type``, ``type``, ``soort`` …: a code of
:data:`geo.vocabulary.FACILITY_TYPES`, its Dutch label from
:data:`geo.vocabulary.FACILITY_LABELS` or a synonym from :data:`TYPE_SYNONYMS`, case- and
space-insensitive) and ``name`` are required; ``operator``, ``capacity`` (numeric; CBS
sentinels → empty), ``woonplaats`` and ``id`` are optional. Without an id column the
facilities get ``U0001``, ``U0002``, …; duplicate ids are an error. Empty names are filled
with the type's label.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io.importers._facility_addresses import (
    address_columns,
    needs_bag_error,
    place_by_address,
)
from geo.io.importers._facility_result import Facilities, finish_facilities
from geo.io.importers.osm import OSM_SOURCE, read_osm_facilities
from geo.io.tables import normalise_name, read_table, to_number
from geo.io.uploads import InputData, is_osm, load_bytes, read_vector
from geo.model.crs import NL_LONLAT_BOUNDS, NL_RD_BOUNDS

__all__ = [
    "TYPE_SYNONYMS",
    "Facilities",
    "read_facilities",
]

# labels of vocabulary.FACILITY_LABELS are accepted as well.
TYPE_SYNONYMS: dict[str, str] = {
    "huisarts": "gp", "huisartsen": "gp", "huisartspraktijk": "gp",
    "huisartsenpraktijk": "gp", "doctor": "gp", "doctors": "gp",
    "general practitioner": "gp",
    "apotheek": "pharmacy", "apotheken": "pharmacy",
    "supermarkt": "supermarket", "supermarkten": "supermarket",
    "dorpshuis": "community_centre", "buurthuis": "community_centre",
    "wijkcentrum": "community_centre", "ontmoetingsplek": "community_centre",
    "ontmoetingscentrum": "community_centre", "ontmoetingsruimte": "community_centre",
    "community centre": "community_centre", "community center": "community_centre",
    "verpleeghuis": "nursing_somatic", "verpleeghuis somatisch": "nursing_somatic",
    "somatiek": "nursing_somatic", "somatisch": "nursing_somatic",
    "nursing home": "nursing_somatic",
    "verpleeghuis pg": "nursing_dementia", "pg": "nursing_dementia",
    "psychogeriatrie": "nursing_dementia", "dementie": "nursing_dementia",
    "verpleeghuis dementie": "nursing_dementia",
    "geclusterd wonen": "clustered_housing", "woonzorgcomplex": "clustered_housing",
    "seniorencomplex": "clustered_housing", "aanleunwoningen": "clustered_housing",
    "serviceflat": "clustered_housing", "verzorgingshuis": "clustered_housing",
    "dagbesteding": "day_care", "dagopvang": "day_care", "dagverzorging": "day_care",
    "bushalte": "bus_stop", "halte": "bus_stop", "bus stop": "bus_stop",
    "huisartsenpost": "gp_post", "hap": "gp_post",
    "ziekenhuis": "hospital",
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "facility_id": ("facility_id", "id", "vz_id", "voorziening_id", "code", "identificatie"),
    "facility_type": ("facility_type", "type", "soort", "categorie", "category", "voorziening",
                      "soort_voorziening"),
    "name": ("name", "naam"),
    "operator": ("operator", "exploitant", "organisatie", "zorgaanbieder", "aanbieder",
                 "beheerder"),
    "capacity": ("capacity", "capaciteit", "plaatsen", "aantal_plaatsen", "bedden"),
    "woonplaats": ("woonplaats", "plaats", "plaatsnaam"),
}
_LON = ("lon", "lng", "long", "longitude", "lengtegraad", "lon_wgs84", "wgs84_lon")
_LAT = ("lat", "latitude", "breedtegraad", "lat_wgs84", "wgs84_lat")
_X = ("x", "x_rd", "rd_x", "xrd", "x_coord", "x_coordinaat")
_Y = ("y", "y_rd", "rd_y", "yrd", "y_coord", "y_coordinaat")
# Plausible ranges: the Netherlands in RD New, and in WGS84 degrees with half a degree more
# around it (a facility list may reach just across the border).
_RD_X = (NL_RD_BOUNDS[0], NL_RD_BOUNDS[2])
_RD_Y = (NL_RD_BOUNDS[1], NL_RD_BOUNDS[3])
_LON_NL = (NL_LONLAT_BOUNDS[0] - 0.5, NL_LONLAT_BOUNDS[2] + 0.5)
_LAT_NL = (NL_LONLAT_BOUNDS[1] - 0.5, NL_LONLAT_BOUNDS[3] + 0.5)


# --------------------------------------------------------------------------- helpers


_norm = normalise_name


def _find(columns: list[str], names: tuple[str, ...]) -> str | None:
    present = {}
    for col in columns:
        present.setdefault(_norm(col), col)
    for alias in names:
        if _norm(alias) in present:
            return present[_norm(alias)]
    return None


def _rows(mask: np.ndarray, offset: int = 2, limit: int = 8) -> str:
    """Human row numbers (CSV line numbers: header is line 1) of a mask."""
    return ", ".join(str(i + offset) for i in np.flatnonzero(mask)[:limit])


def _type_lookup() -> dict[str, str]:
    lookup = {_key(code): code for code in vocabulary.FACILITY_TYPES}
    lookup.update({_key(label): code for code, label in vocabulary.FACILITY_LABELS.items()
                   if code in vocabulary.FACILITY_TYPES})
    lookup.update({_key(k): v for k, v in TYPE_SYNONYMS.items()
                   if v in vocabulary.FACILITY_TYPES})
    return lookup


def _key(value: object) -> str:
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-/]+", " ", text.lower()).strip()


def _map_types(values: pd.Series, label: str, offset: int = 2) -> pd.Series:
    lookup = _type_lookup()
    text = values.astype("string").fillna("")
    keys = text.map(_key)
    mapped = keys.map(lookup)
    empty = (keys == "").to_numpy()
    if empty.any():
        raise ImportDataError(
            f"'{label}': kolom '{values.name}' is leeg in {int(empty.sum())} rij(en) (regel "
            f"{_rows(empty, offset)}). Vul het soort voorziening in, bijv. huisarts of "
            f"{vocabulary.FACILITY_TYPES[0]}."
        )
    unknown = mapped.isna().to_numpy()
    if unknown.any():
        found = ", ".join(f"'{v}'" for v in sorted(set(text[unknown].str.strip()))[:10])
        allowed = ", ".join(f"{code} ({vocabulary.FACILITY_LABELS.get(code, code)})"
                            for code in vocabulary.FACILITY_TYPES)
        raise ImportDataError(
            f"'{label}': onbekend soort voorziening {found} in {int(unknown.sum())} rij(en) "
            f"(regel {_rows(unknown, offset)}). Toegestaan: {allowed}; ook gangbare "
            "Nederlandse namen als huisarts, apotheek, supermarkt, dorpshuis, bushalte."
        )
    return mapped.astype(str)


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().fillna("").astype(str)


def _numbers(values: pd.Series, label: str) -> pd.Series:
    """:func:`geo.io.tables.to_number` with the file name in its message."""
    try:
        return to_number(values)
    except ImportDataError as exc:
        raise ImportDataError(f"'{label}': {exc}") from exc


def _capacity(values: pd.Series, label: str, offset: int) -> pd.Series:
    numbers = _numbers(values, label)
    negative = (numbers < 0).to_numpy()
    if negative.any():
        raise ImportDataError(
            f"'{label}': capaciteit is negatief in regel {_rows(negative, offset)}. "
            "Capaciteit is een aantal plaatsen, eenheden of patiënten (≥ 0); laat de cel leeg "
            "als het niet van toepassing is."
        )
    return numbers


def _attributes(frame: pd.DataFrame, label: str, *, offset: int,
                id_prefix: str = "U") -> tuple[pd.DataFrame, list[str], dict[str, int]]:
    """Normalise the attribute columns of a facility table (rows stay aligned)."""
    columns = [str(c) for c in frame.columns if c != "geometry"]
    found = {canon: _find(columns, names) for canon, names in _ALIASES.items()}
    missing = [c for c in ("facility_type", "name") if found[c] is None]
    if missing:
        accepted = "; ".join(f"{c}: {', '.join(_ALIASES[c])}" for c in missing)
        raise ImportDataError(
            f"'{label}' mist kolom(men) {', '.join(missing)} (gevonden: "
            f"{', '.join(columns) or 'geen'}). Herkende namen: {accepted}."
        )
    warnings: list[str] = []
    stats: dict[str, int] = {}
    out = pd.DataFrame(index=frame.index)
    ftype = _map_types(frame[found["facility_type"]], label, offset)
    if found["facility_id"] is not None:
        ids = _text(frame[found["facility_id"]])
        empty = (ids == "").to_numpy()
        if empty.any():
            raise ImportDataError(
                f"'{label}': id is leeg in regel {_rows(empty, offset)}. Vul elke id in, of "
                "verwijder de id-kolom om ze te laten nummeren."
            )
        dup = ids.duplicated(keep=False).to_numpy()
        if dup.any():
            values = ", ".join(sorted(set(ids[dup]))[:8])
            raise ImportDataError(
                f"'{label}': id komt dubbel voor: {values} (regel {_rows(dup, offset)}). "
                "Elke voorziening heeft een eigen id."
            )
        stats["ids_generated"] = 0
    else:
        ids = pd.Series([f"{id_prefix}{i:04d}" for i in range(1, len(frame) + 1)],
                        index=frame.index)
        stats["ids_generated"] = len(frame)
    out["facility_id"] = ids.astype(str)
    out["facility_type"] = ftype
    names = _text(frame[found["name"]])
    no_name = names == ""
    if no_name.any():
        names = names.where(~no_name, ftype.map(vocabulary.FACILITY_LABELS).fillna(ftype))
        warnings.append(
            f"{int(no_name.sum())} voorziening(en) zonder naam kregen de naam van hun soort "
            f"(regel {_rows(no_name.to_numpy(), offset)})."
        )
    stats["names_filled"] = int(no_name.sum())
    out["name"] = names
    out["operator"] = (_text(frame[found["operator"]]) if found["operator"] is not None
                       else "")
    if found["capacity"] is not None:
        out["capacity"] = _capacity(frame[found["capacity"]], label, offset)
    else:
        out["capacity"] = np.nan
    if found["woonplaats"] is not None:
        out["woonplaats"] = _text(frame[found["woonplaats"]])
    return out, warnings, stats


_OSM_SUFFIXES = (".osm", ".osm.pbf", ".pbf", ".osm.gz", ".osm.bz2", ".osm.xml")


def _kind(buf: bytes, label: str) -> str:
    head = buf[:4096]
    if is_osm(head) or label.lower().endswith(_OSM_SUFFIXES):
        return "osm"  # an .osm name with other content: the OSM reader says what is wrong
    if head.startswith(b"SQLite format 3\x00") or head.startswith(b"PK\x03\x04"):
        return "vector"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "vector"
    if Path(label).suffix.lower() in {".gpkg", ".geojson", ".json", ".zip", ".shp"}:
        return "vector"
    return "table"


# --------------------------------------------------------------------------- own lists


def read_facilities(
    data: InputData,
    name: str | None = None,
    *,
    layer: str | None = None,
    source_label: str | None = None,
    addresses: pd.DataFrame | None = None,
    bag_name: str | None = None,
) -> Facilities:
    """Read a facility list (CSV, GeoJSON, GeoPackage, zipped Shapefile or OSM).

    Parameters
    ----------
    data
        File bytes or path. The format is sniffed from the content (GeoPackage, zip,
        GeoJSON, OSM PBF/XML), else read as CSV.
    name
        File name for messages (and format detection when the content is ambiguous).
    layer
        Layer of a multi-layer GeoPackage.
    source_label
        Source description for the region metadata (default: the file name).
    addresses
        BAG addresses of the same build
        (:attr:`geo.io.importers.bag.BagHomes.addresses`): a CSV without coordinates but
        with postcode + huisnummer (or an ``Adres`` line) is placed at the verblijfsobject
        of each address, and so are rows of a CSV with coordinates whose coordinates are
        empty. Addresses not found are left out and listed in the warnings.
    bag_name
        Name of the BAG file of the build, when one was loaded (for messages).

    Returns
    -------
    Facilities
        Points in EPSG:28992, warnings and counts.

    Raises
    ------
    ImportDataError
        On a missing column, unknown types, duplicate or empty ids, missing or
        contradictory coordinates, or an unreadable file; the message says what to fix.
    """
    buf, label = load_bytes(data, name)
    kind = _kind(buf, label)
    if kind == "osm":
        result = read_osm_facilities(buf, label)
        if source_label:
            result = Facilities(result.facilities, result.warnings, result.stats,
                                f"{source_label} ({OSM_SOURCE})")
        return result
    source = source_label or f"eigen lijst '{label}'"
    if kind == "vector":
        gdf = read_vector(buf, label, layer=layer, drop_empty=False)
        return _noted(_from_vector(gdf, label, source), gdf.attrs.get("notes", ()))
    table = read_table(buf, label)
    return _noted(_from_table(table, label, source, addresses, bag_name),
                  table.attrs.get("notes", ()))


def _noted(result: Facilities, notes: tuple[str, ...]) -> Facilities:
    """``result`` with the reader's notes (e.g. the Windows-1252 fallback) in front."""
    if not notes:
        return result
    return Facilities(result.facilities, (*notes, *result.warnings), result.stats,
                      result.source)


def _from_vector(gdf: gpd.GeoDataFrame, label: str, source: str) -> Facilities:
    if gdf.crs is None:
        raise ImportDataError(
            f"'{label}' heeft geen coördinatenstelsel; geef het bestand een CRS "
            "(bijv. EPSG:28992 of EPSG:4326)."
        )
    stats = {"read": len(gdf)}
    if not len(gdf):
        raise ImportDataError(f"'{label}' bevat geen voorzieningen.")
    gdf = gdf.to_crs(vocabulary.METRIC_CRS) if not gdf.crs.equals(vocabulary.METRIC_CRS) else gdf
    geoms = shapely.force_2d(gdf.geometry.to_numpy())
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    kinds = shapely.get_type_id(geoms)
    linear = np.isin(kinds, (1, 2, 5)) & ~missing
    if linear.any():
        raise ImportDataError(
            f"'{label}' bevat {int(linear.sum())} lijn(en) (rij {_rows(linear, 1)}); een "
            "voorziening is een punt of een vlak (gebouw). Zet lijnen om naar punten."
        )
    attrs, warnings, more = _attributes(
        pd.DataFrame(gdf.drop(columns="geometry")).reset_index(drop=True), label, offset=1)
    stats.update(more)
    if missing.any():
        ids = ", ".join(attrs["facility_id"].to_numpy()[missing][:5])
        warnings.append(f"{int(missing.sum())} voorziening(en) zonder geometrie weggelaten "
                        f"({ids}).")
    stats["dropped_no_geometry"] = int(missing.sum())
    not_point = ~missing & (kinds != 0)
    if not_point.any():
        geoms = geoms.copy()
        geoms[not_point] = shapely.point_on_surface(geoms[not_point])
        warnings.append(f"{int(not_point.sum())} vlak(ken) vervangen door een punt erbinnen.")
    return finish_facilities(attrs[~missing], geoms[~missing], warnings, stats, source)


def _coordinate_columns(columns: list[str], label: str,
                        with_addresses: bool) -> tuple[str, str, str] | None:
    """Kind (``rd``/``wgs84``) and columns of the coordinates; ``None`` for an address list."""
    x, y = _find(columns, _X), _find(columns, _Y)
    lon, lat = _find(columns, _LON), _find(columns, _LAT)
    if x is not None and y is not None:
        return "rd", x, y
    if lon is not None and lat is not None:
        return "wgs84", lon, lat
    if with_addresses:
        return None
    raise ImportDataError(
        f"'{label}' heeft geen herkenbare coördinaatkolommen of adressen (gevonden: "
        f"{', '.join(columns) or 'geen'}). Gebruik 'lon' en 'lat' (WGS84-graden, ook lng/"
        "longitude/lengtegraad en latitude/breedtegraad) of 'x' en 'y' (RD New-meters, "
        "EPSG:28992; ook x_rd/y_rd of rd_x/rd_y), of 'Postcode' en 'Huisnummer' samen met "
        "een BAG-bestand in dezelfde build."
    )


def _between(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[1])


def _check_coordinates(kind: str, cx: str, cy: str, a: np.ndarray, b: np.ndarray,
                       label: str, lines: np.ndarray) -> None:
    """Check that coordinate values match their column names (never guess).

    ``lines`` holds the file line number of every value (for messages).
    """

    def _rows(mask: np.ndarray) -> str:
        return ", ".join(str(n) for n in lines[mask][:8])

    valid = np.isfinite(a) & np.isfinite(b)
    if not valid.all():
        raise ImportDataError(
            f"'{label}': coördinaten ontbreken of zijn geen getal in regel "
            f"{_rows(~valid)} (kolommen '{cx}', '{cy}'). Vul ze in (decimale punt of komma)."
        )
    if kind == "rd":
        ok = _between(a, _RD_X) & _between(b, _RD_Y)
        if not ok.any() and (_between(a, _LON_NL) & _between(b, _LAT_NL)).all():
            raise ImportDataError(
                f"'{label}': de kolommen '{cx}'/'{cy}' bevatten graden (bijv. {a[0]:g}, "
                f"{b[0]:g}), geen RD-meters. Hernoem ze naar 'lon' en 'lat' als het WGS84 "
                "is, of lever RD New-coördinaten (EPSG:28992) in 'x' en 'y'."
            )
        if not ok.any() and (_between(a, _RD_Y) & _between(b, _RD_X)).all():
            raise ImportDataError(
                f"'{label}': '{cx}' en '{cy}' lijken verwisseld (x hoort tussen 0 en 300.000, "
                "y tussen 289.000 en 629.000 m). Wissel de kolomnamen om."
            )
        what = "RD New (x 0–300.000, y 289.000–629.000 m)"
    else:
        ok = _between(a, _LON_NL) & _between(b, _LAT_NL)
        if not ok.any() and (_between(a, _RD_X) & _between(b, _RD_Y)).all():
            raise ImportDataError(
                f"'{label}': de kolommen '{cx}'/'{cy}' bevatten RD-meters (bijv. {a[0]:g}, "
                f"{b[0]:g}), geen graden. Hernoem ze naar 'x' en 'y' (RD New, EPSG:28992)."
            )
        if not ok.any() and (_between(a, _LAT_NL) & _between(b, _LON_NL)).all():
            raise ImportDataError(
                f"'{label}': '{cx}' en '{cy}' lijken verwisseld (in Nederland is de "
                "lengtegraad ca. 3–7 en de breedtegraad ca. 50–54). Wissel de kolomnamen om."
            )
        what = "WGS84 rond Nederland (lon 2–8, lat 50–54,5)"
    if not ok.all():
        raise ImportDataError(
            f"'{label}': coördinaten in regel {_rows(~ok)} liggen niet in {what} "
            f"(kolommen '{cx}', '{cy}'). Verbeter die regels of verwijder ze."
        )


def _from_table(table: pd.DataFrame, label: str, source: str,
                addresses: pd.DataFrame | None, bag_name: str | None) -> Facilities:
    table = table.reset_index(drop=True)
    if not len(table):
        raise ImportDataError(f"'{label}' bevat geen voorzieningen (alleen een kopregel).")
    columns = [str(c) for c in table.columns]
    found_address = address_columns(columns)
    coords = _coordinate_columns(columns, label, bool(found_address))
    if coords is None:
        return _from_addresses(table, label, source, found_address, addresses, bag_name)
    kind, cx, cy = coords
    a = _numbers(table[cx], label).to_numpy(dtype=float)
    b = _numbers(table[cy], label).to_numpy(dtype=float)
    by_address = ~(np.isfinite(a) & np.isfinite(b)) if found_address else np.zeros(len(a), bool)
    if by_address.any() and addresses is None:
        raise needs_bag_error(label, found_address, bag_name, _rows(by_address))
    lines = np.arange(len(table)) + 2
    _check_coordinates(kind, cx, cy, a[~by_address], b[~by_address], label,
                       lines[~by_address])
    warnings: list[str] = []
    if kind == "rd" and _find(columns, _LON) is not None and _find(columns, _LAT) is not None:
        warnings.append(f"Zowel RD- als WGS84-kolommen gevonden; '{cx}'/'{cy}' (RD) gebruikt.")
    if found_address and not by_address.any():
        warnings.append(f"De lijst heeft coördinaten ('{cx}', '{cy}') en adressen; de "
                        "coördinaten zijn gebruikt.")
    attrs, more_warnings, stats = _attributes(
        table.drop(columns=[cx, cy]), label, offset=2)
    warnings.extend(more_warnings)
    stats = {"read": len(table), **stats}
    if kind == "rd":
        points = shapely.points(a, b)
    else:
        points = gpd.GeoSeries(shapely.points(a, b), crs=vocabulary.DISPLAY_CRS).to_crs(
            vocabulary.METRIC_CRS).to_numpy()
    if not by_address.any():
        return finish_facilities(attrs, points, warnings, stats, source)
    placement = place_by_address(table, found_address, attrs["name"], addresses, label,
                                 by_address, must_place=False)
    points = np.where(by_address, placement.points, points)
    keep = ~by_address | placement.placed
    warnings.extend(placement.warnings)
    stats.update(placement.stats, dropped_address_not_found=int((~keep).sum()))
    return finish_facilities(attrs[keep], points[keep], warnings, stats, source)


def _from_addresses(table: pd.DataFrame, label: str, source: str, found: dict[str, str],
                    addresses: pd.DataFrame | None, bag_name: str | None) -> Facilities:
    """A list with addresses only: every row placed at its BAG verblijfsobject."""
    if addresses is None:
        raise needs_bag_error(label, found, bag_name)
    attrs, warnings, stats = _attributes(table, label, offset=2)
    placement = place_by_address(table, found, attrs["name"], addresses, label)
    warnings.extend(placement.warnings)
    stats = {"read": len(table), **stats, **placement.stats,
             "dropped_address_not_found": int((~placement.placed).sum())}
    return finish_facilities(attrs[placement.placed], placement.points[placement.placed],
                             warnings, stats, source)
