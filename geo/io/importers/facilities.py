"""Facility lists → the region ``facilities`` layer.

Two readers:

:func:`read_facilities`
    The municipality's own list: a CSV (``;`` or ``,``, UTF-8) with coordinates, or a
    GeoJSON / GeoPackage / zipped Shapefile with points (polygons are reduced to a
    representative point). An ``.osm`` / ``.osm.pbf`` file is handed to
    :func:`read_osm_facilities`.
:func:`read_osm_facilities`
    An OpenStreetMap extract (``.osm.pbf`` or ``.osm`` XML, e.g. Geofabrik's
    ``drenthe-latest.osm.pbf``), read with GDAL's OSM driver from memory; OSM tags are
    mapped to :data:`geo.vocabulary.FACILITY_TYPES` by :data:`OSM_TAG_RULES`.

CSV coordinates are detected by column name **and** checked against the value range:
WGS84 ``lon``/``lat`` (also ``lng``, ``longitude``, ``lengtegraad``, ``latitude``,
``breedtegraad``) or RD New ``x``/``y`` (also ``x_rd``/``y_rd``, ``rd_x``/``rd_y``). Values
that contradict their column names (degrees in ``x``/``y``, metres in ``lon``/``lat``,
swapped ``lon``/``lat``) are an error that says how to fix the file — the reader never
guesses, because a silently misplaced facility corrupts every distance.

Attributes: ``type`` (a code of :data:`geo.vocabulary.FACILITY_TYPES`, its Dutch label from
:data:`geo.vocabulary.FACILITY_LABELS` or a synonym from :data:`TYPE_SYNONYMS`, case- and
space-insensitive) and ``name`` are required; ``operator``, ``capacity`` (numeric; CBS
sentinels → empty), ``woonplaats`` and ``id`` are optional. Without an id column the
facilities get ``U0001``, ``U0002``, …; duplicate ids are an error. Empty names are filled
with the type's label.
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from warnings import catch_warnings, simplefilter

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io.sources import load_bytes, normalise_name, read_table, read_vector, to_number

__all__ = [
    "OSM_NOTE",
    "OSM_TAG_RULES",
    "TYPE_SYNONYMS",
    "Facilities",
    "read_facilities",
    "read_osm_facilities",
]

DataSource = bytes | str | os.PathLike | BinaryIO

#: A node this close (metres) to a building polygon of the same type and a compatible name
#: is the same facility.
OSM_MERGE_DISTANCE_M: float = 50.0

OSM_SOURCE = "© OpenStreetMap-bijdragers (ODbL 1.0)"
#: Dutch caveats of OSM facilities, for the app.
OSM_NOTE: str = (
    "Voorzieningen uit OpenStreetMap zijn indicatief: vooral zorgvoorzieningen ontbreken "
    "vaak op het platteland en capaciteit (plaatsen, bedden) staat er zelden in. "
    "OpenStreetMap onderscheidt somatische verpleeghuizen en PG (dementie) bijna nooit: "
    "een verpleeghuis telt als somatisch, tenzij het 'social_facility:for=dementia' heeft. "
    "Vul aan of corrigeer met een eigen lijst."
)

# Synonyms (normalised: lower case, single spaces) -> facility type. Codes and the Dutch
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
    "type": ("type", "soort", "categorie", "category", "facility_type", "voorziening",
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
# Plausible ranges: RD New (the Netherlands plus a margin) and WGS84 degrees around it.
_RD_X = (-7_000.0, 300_000.0)
_RD_Y = (289_000.0, 629_000.0)
_LON_NL = (2.0, 8.0)
_LAT_NL = (50.0, 54.5)


@dataclass(frozen=True)
class Facilities:
    """Result of :func:`read_facilities` / :func:`read_osm_facilities`.

    Attributes
    ----------
    facilities
        Points in EPSG:28992 in the region ``facilities`` schema (``facility_id``,
        ``type``, ``name``, ``operator``, ``capacity`` and optionally ``woonplaats``).
    warnings
        Dutch messages for the user.
    stats
        Counts: ``read``, ``kept`` and per-step counts (``ids_generated``,
        ``names_filled``; for OSM ``points``, ``polygons``, ``matched``, ``merged``).
    source
        Dutch source description for the region metadata.
    """

    facilities: gpd.GeoDataFrame
    warnings: tuple[str, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)
    source: str = ""


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
            f"'{label}': kolom 'type' is leeg in {int(empty.sum())} rij(en) (regel "
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
    """:func:`geo.io.sources.to_number` with the file name in its message."""
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
    missing = [c for c in ("type", "name") if found[c] is None]
    if missing:
        accepted = "; ".join(f"{c}: {', '.join(_ALIASES[c])}" for c in missing)
        raise ImportDataError(
            f"'{label}' mist kolom(men) {', '.join(missing)} (gevonden: "
            f"{', '.join(columns) or 'geen'}). Herkende namen: {accepted}."
        )
    warnings: list[str] = []
    stats: dict[str, int] = {}
    out = pd.DataFrame(index=frame.index)
    ftype = _map_types(frame[found["type"]], label, offset)
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
    out["type"] = ftype
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


def _finish(attrs: pd.DataFrame, points: np.ndarray, warnings: list[str],
            stats: dict[str, int], source: str) -> Facilities:
    gdf = gpd.GeoDataFrame(attrs.reset_index(drop=True), geometry=points,
                           crs=vocabulary.METRIC_CRS)
    stats["kept"] = len(gdf)
    return Facilities(facilities=gdf, warnings=tuple(warnings), stats=stats, source=source)


# --------------------------------------------------------------------------- format sniffing


def _is_pbf(head: bytes) -> bool:
    if len(head) < 14:
        return False
    size = int.from_bytes(head[:4], "big")
    return 0 < size < 65_536 and b"OSMHeader" in head[4:4 + min(size, 64)]


def _is_osm_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<?xml"):
        end = text.find(b"?>")
        text = text[end + 2:].lstrip() if end >= 0 else b""
    return text.startswith(b"<osm") and text[4:5] in (b" ", b">", b"\t", b"\r", b"\n")


def _kind(buf: bytes, label: str) -> str:
    head = buf[:4096]
    if _is_pbf(head) or _is_osm_xml(head):
        return "osm"
    if head.startswith(b"SQLite format 3\x00") or head.startswith(b"PK\x03\x04"):
        return "vector"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "vector"
    if Path(label).suffix.lower() in {".gpkg", ".geojson", ".json", ".zip", ".shp"}:
        return "vector"
    return "table"


# --------------------------------------------------------------------------- own lists


def read_facilities(
    data: DataSource,
    name: str | None = None,
    *,
    layer: str | None = None,
    source_label: str | None = None,
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
        return _from_vector(gdf, label, source)
    table = read_table(buf, label)
    return _from_table(table, label, source)


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
    return _finish(attrs[~missing], geoms[~missing], warnings, stats, source)


def _coordinate_columns(columns: list[str], label: str) -> tuple[str, str, str]:
    x, y = _find(columns, _X), _find(columns, _Y)
    lon, lat = _find(columns, _LON), _find(columns, _LAT)
    if x is not None and y is not None:
        return "rd", x, y
    if lon is not None and lat is not None:
        return "wgs84", lon, lat
    raise ImportDataError(
        f"'{label}' heeft geen herkenbare coördinaatkolommen (gevonden: "
        f"{', '.join(columns) or 'geen'}). Gebruik 'lon' en 'lat' (WGS84-graden, ook lng/"
        "longitude/lengtegraad en latitude/breedtegraad) of 'x' en 'y' (RD New-meters, "
        "EPSG:28992; ook x_rd/y_rd of rd_x/rd_y)."
    )


def _between(values: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    return (values >= bounds[0]) & (values <= bounds[1])


def _check_coordinates(kind: str, cx: str, cy: str, a: np.ndarray, b: np.ndarray,
                       label: str) -> None:
    """Check that coordinate values match their column names (never guess)."""
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


def _from_table(table: pd.DataFrame, label: str, source: str) -> Facilities:
    table = table.reset_index(drop=True)
    if not len(table):
        raise ImportDataError(f"'{label}' bevat geen voorzieningen (alleen een kopregel).")
    columns = [str(c) for c in table.columns]
    kind, cx, cy = _coordinate_columns(columns, label)
    a = _numbers(table[cx], label).to_numpy(dtype=float)
    b = _numbers(table[cy], label).to_numpy(dtype=float)
    _check_coordinates(kind, cx, cy, a, b, label)
    warnings: list[str] = []
    if kind == "rd" and _find(columns, _LON) is not None and _find(columns, _LAT) is not None:
        warnings.append(f"Zowel RD- als WGS84-kolommen gevonden; '{cx}'/'{cy}' (RD) gebruikt.")
    attrs, more_warnings, stats = _attributes(
        table.drop(columns=[cx, cy]), label, offset=2)
    warnings.extend(more_warnings)
    stats = {"read": len(table), **stats}
    if kind == "rd":
        points = shapely.points(a, b)
    else:
        points = gpd.GeoSeries(shapely.points(a, b), crs=vocabulary.DISPLAY_CRS).to_crs(
            vocabulary.METRIC_CRS).to_numpy()
    return _finish(attrs, points, warnings, stats, source)


# --------------------------------------------------------------------------- OpenStreetMap

#: OSM tag rules in priority order: ``(type, condition)``; a condition is a mapping of tag
#: key to accepted values (any of them; ``None`` = any value) and all keys must match.
#: Documented choices: ``shop=convenience`` is not a supermarket; ``healthcare=centre``,
#: ``amenity=clinic``, ``place_of_worship`` and ``library`` are not mapped; a doctor whose
#: ``healthcare:speciality`` is given and not ``general`` is not a GP; a doctor whose name
#: contains "huisartsenpost" is a ``gp_post``; nursing homes are somatic unless
#: ``social_facility:for`` mentions dementia (OSM rarely records the difference).
OSM_TAG_RULES: tuple[tuple[str, dict[str, tuple[str, ...] | None]], ...] = (
    ("hospital", {"amenity": ("hospital",)}),
    ("hospital", {"healthcare": ("hospital",)}),
    ("nursing_dementia", {"amenity": ("nursing_home",), "social_facility:for": ("dementia",)}),
    ("nursing_dementia", {"social_facility": ("nursing_home",),
                          "social_facility:for": ("dementia",)}),
    ("nursing_somatic", {"amenity": ("nursing_home",)}),
    ("nursing_somatic", {"amenity": ("social_facility",), "social_facility": ("nursing_home",)}),
    ("nursing_somatic", {"healthcare": ("nursing_home",)}),
    ("clustered_housing", {"amenity": ("social_facility",),
                           "social_facility": ("assisted_living",)}),
    ("clustered_housing", {"amenity": ("social_facility",), "social_facility": ("group_home",),
                           "social_facility:for": ("senior", "elderly")}),
    ("day_care", {"amenity": ("social_facility",),
                  "social_facility": ("day_care", "outreach"),
                  "social_facility:for": ("senior", "elderly")}),
    ("gp_post", {"amenity": ("doctors",), "name": ("*huisartsenpost*",)}),
    ("gp_post", {"healthcare": ("doctor",), "name": ("*huisartsenpost*",)}),
    ("gp", {"amenity": ("doctors",), "healthcare:speciality": ("", "general*")}),
    ("gp", {"healthcare": ("doctor",), "healthcare:speciality": ("", "general*")}),
    ("pharmacy", {"amenity": ("pharmacy",)}),
    ("pharmacy", {"healthcare": ("pharmacy",)}),
    ("supermarket", {"shop": ("supermarket",)}),
    ("community_centre", {"amenity": ("community_centre", "social_centre")}),
    ("bus_stop", {"highway": ("bus_stop",)}),
    ("bus_stop", {"public_transport": ("platform",), "bus": ("yes",)}),
)
_OSM_KEYS = ("amenity", "healthcare", "shop", "highway", "public_transport", "bus",
             "social_facility", "social_facility:for", "healthcare:speciality", "name",
             "operator", "capacity", "beds", "addr:city")
_RULE_KEYS = ("amenity", "healthcare", "shop", "highway", "public_transport", "social_facility")


def _tag_values(frame: pd.DataFrame, key: str) -> pd.Series:
    """Value of one OSM tag per row: a dedicated column, else parsed from ``other_tags``."""
    values = pd.Series("", index=frame.index, dtype="string")
    if key in frame.columns:
        values = frame[key].astype("string").fillna("")
    if "other_tags" in frame.columns:
        pattern = '"' + re.escape(key) + r'"=>"((?:[^"\\]|\\.)*)"'
        parsed = frame["other_tags"].astype("string").str.extract(pattern, expand=False)
        parsed = parsed.str.replace(r'\\(.)', r"\1", regex=True)
        values = values.where(values != "", parsed.fillna(""))
    return values.fillna("").str.strip()


def _matches(values: pd.Series, accepted: tuple[str, ...] | None) -> np.ndarray:
    """Rows whose tag value is accepted (``;``-separated multi-values are split).

    ``"*text*"`` matches a substring, ``"text*"`` a prefix of one of the values, ``""`` an
    absent tag, anything else one of the values exactly (case-insensitive).
    """
    if accepted is None:
        return (values != "").to_numpy()
    parts = []
    for pattern in accepted:
        if pattern.startswith("*") and pattern.endswith("*"):
            parts.append(re.escape(pattern.strip("*")))
        elif pattern == "":
            parts.append(r"^$")
        elif pattern.endswith("*"):
            parts.append(r"(?:^|;)\s*" + re.escape(pattern[:-1]))
        else:
            parts.append(r"(?:^|;)\s*" + re.escape(pattern) + r"\s*(?:;|$)")
    regex = "|".join(f"(?:{part})" for part in parts)
    return values.str.lower().str.contains(regex, regex=True).fillna(False).to_numpy(dtype=bool)


def _osm_types(tags: Mapping[str, pd.Series]) -> np.ndarray:
    """Facility type per row by :data:`OSM_TAG_RULES` (``""`` when no rule matches)."""
    n = len(next(iter(tags.values())))
    out = np.full(n, "", dtype=object)
    for ftype, condition in OSM_TAG_RULES:
        if ftype not in vocabulary.FACILITY_TYPES:
            continue
        rows = np.flatnonzero(out == "")
        for key, accepted in condition.items():
            if not len(rows):
                break
            rows = rows[_matches(tags[key].iloc[rows], accepted)]
        out[rows] = ftype
    return out


def _osm_bytes(data: DataSource, name: str | None) -> tuple[bytes, str]:
    """Content of an OSM file (size limit of :func:`geo.io.sources.load_bytes`), sniffed."""
    raw, label = load_bytes(data, name)
    head = raw[:4096]
    if _is_pbf(head):
        return raw, label
    if _is_osm_xml(head):
        # XML entities can expand without bound ("billion laughs"); OSM files never use them.
        if b"<!ENTITY" in raw or b"<!DOCTYPE" in raw[:65_536]:
            raise ImportDataError(
                f"'{label}' bevat XML-entiteiten of een DOCTYPE; een OSM-bestand heeft die "
                "niet. Exporteer het opnieuw (bijv. als .osm.pbf)."
            )
        return raw, label
    raise ImportDataError(
        f"'{label}' is geen OpenStreetMap-bestand: verwacht een .osm.pbf (begint met een "
        "'OSMHeader'-blok) of .osm-XML (begint met <osm>). Download bijv. "
        "drenthe-latest.osm.pbf van Geofabrik."
    )


def _read_osm_layer(raw: bytes, layer: str, bbox: tuple[float, float, float, float] | None,
                    label: str) -> gpd.GeoDataFrame:
    try:
        with catch_warnings():
            simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(io.BytesIO(raw), layer=layer, bbox=bbox)
    except Exception as exc:  # GDAL raises several error types
        detail = re.sub(r"(/vsizip/)?/vsimem/[^\s'\"]*", label, str(exc))[:300]
        raise ImportDataError(
            f"'{label}' kan niet als OpenStreetMap gelezen worden (laag {layer}): {detail}. "
            "Controleer of het bestand compleet is (opnieuw downloaden)."
        ) from exc
    if "osm_id" not in gdf.columns:
        raise ImportDataError(f"'{label}' is geen OpenStreetMap-bestand (laag {layer}).")
    if gdf.crs is None:
        gdf = gdf.set_crs(vocabulary.DISPLAY_CRS)
    return gdf


def _name_key(names: pd.Series) -> pd.Series:
    return names.map(_norm)


def _names_compatible(a: str, b: str) -> bool:
    if not a or not b:
        return True
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and short in long_


def _merge_osm(nodes: pd.DataFrame, node_geoms: np.ndarray, polys: pd.DataFrame,
               poly_geoms: np.ndarray) -> tuple[np.ndarray, pd.DataFrame]:
    """Nodes that duplicate a polygon facility; fills empty polygon attributes from them.

    A node is a duplicate when it lies inside or within :data:`OSM_MERGE_DISTANCE_M` of a
    polygon of the same type whose name is compatible (equal after normalising, one empty,
    or one containing the other). A node goes to the nearest such polygon. An unnamed
    polygon only absorbs nodes that all carry the same name (two differently named
    practices in one unnamed building stay two facilities).

    Returns
    -------
    tuple
        Boolean mask of merged nodes and the updated polygon attributes.
    """
    merged = np.zeros(len(nodes), dtype=bool)
    polys = polys.copy()
    if not len(nodes) or not len(polys):
        return merged, polys
    tree = shapely.STRtree(poly_geoms)
    n_idx, p_idx = tree.query(node_geoms, predicate="dwithin", distance=OSM_MERGE_DISTANCE_M)
    if not len(n_idx):
        return merged, polys
    same_type = nodes["type"].to_numpy()[n_idx] == polys["type"].to_numpy()[p_idx]
    n_idx, p_idx = n_idx[same_type], p_idx[same_type]
    node_names = _name_key(nodes["name"]).to_numpy()
    poly_names = _name_key(polys["name"]).to_numpy()
    compatible = np.array([_names_compatible(node_names[i], poly_names[j])
                           for i, j in zip(n_idx, p_idx, strict=True)], dtype=bool)
    n_idx, p_idx = n_idx[compatible], p_idx[compatible]
    if not len(n_idx):
        return merged, polys
    dist = shapely.distance(node_geoms[n_idx], poly_geoms[p_idx])
    order = np.lexsort((dist, n_idx))
    n_idx, p_idx = n_idx[order], p_idx[order]
    first = np.unique(n_idx, return_index=True)[1]
    n_idx, p_idx = n_idx[first], p_idx[first]
    pairs = pd.DataFrame({"node": n_idx, "poly": p_idx, "name": node_names[n_idx]})
    unnamed = poly_names[pairs["poly"]] == ""
    distinct = pairs[pairs["name"] != ""].groupby("poly")["name"].nunique()
    conflict = pairs["poly"].map(distinct).fillna(0).to_numpy() > 1
    pairs = pairs[~(unnamed & conflict)]
    merged[pairs["node"].to_numpy()] = True
    for col in ("name", "operator", "capacity", "woonplaats"):
        donor = pd.Series(nodes[col].to_numpy()[pairs["node"].to_numpy()],
                          index=pairs["poly"].to_numpy())
        donor = donor[donor.notna() & (donor != "")] if col != "capacity" else donor.dropna()
        donor = donor[~donor.index.duplicated()]
        current = polys[col]
        empty = current.isna() if col == "capacity" else (current == "")
        fill = pd.Series(np.arange(len(polys)), index=polys.index).map(donor)
        take = empty & fill.notna()
        polys[col] = current.where(~take, fill)
    return merged, polys


def _osm_frame(gdf: gpd.GeoDataFrame, kind: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Facilities of one OSM layer: attributes and geometries (EPSG:28992)."""
    # cheap pre-filter: only rows carrying one of the keys the rules start from
    candidate = np.zeros(len(gdf), dtype=bool)
    for key in _RULE_KEYS:
        if key in gdf.columns:
            candidate |= gdf[key].notna().to_numpy()
    if "other_tags" in gdf.columns:
        pattern = "|".join(f'"{re.escape(key)}"=>' for key in _RULE_KEYS)
        candidate |= (gdf["other_tags"].astype("string").str.contains(pattern, regex=True)
                      .fillna(False).to_numpy(dtype=bool))
    gdf = gdf[candidate].reset_index(drop=True)
    tags = {key: _tag_values(gdf, key) for key in _OSM_KEYS}
    ftype = _osm_types(tags)
    hit = ftype != ""
    if kind == "node":
        ids = "osm_node_" + gdf["osm_id"].astype("string").fillna("")
    else:
        way = gdf["osm_way_id"].astype("string") if "osm_way_id" in gdf.columns else None
        rel = "osm_relation_" + gdf["osm_id"].astype("string").fillna("")
        ids = rel if way is None else ("osm_way_" + way).where(way.notna(), rel)
    capacity = pd.Series(to_number(tags["capacity"].where(tags["capacity"] != "",
                                                          tags["beds"])),
                         index=gdf.index).astype("float64")
    capacity = capacity.where(capacity >= 0)
    frame = pd.DataFrame({
        "facility_id": ids.astype(str).to_numpy(),
        "type": ftype,
        "name": tags["name"].astype(str).to_numpy(),
        "operator": tags["operator"].astype(str).to_numpy(),
        "capacity": capacity.to_numpy(),
        "woonplaats": tags["addr:city"].astype(str).to_numpy(),
    })[hit].reset_index(drop=True)
    geoms = gpd.GeoSeries(gdf.geometry.to_numpy()[hit], crs=gdf.crs).to_crs(
        vocabulary.METRIC_CRS).to_numpy()
    return frame, shapely.force_2d(geoms)


def read_osm_facilities(
    data: DataSource,
    name: str | None = None,
    *,
    bbox_wgs84: tuple[float, float, float, float] | None = None,
) -> Facilities:
    """Read care and daily-life facilities from an OpenStreetMap extract.

    The file is read from memory by GDAL's OSM driver (layers ``points`` and
    ``multipolygons``); no internet is needed. Tags map to facility types by
    :data:`OSM_TAG_RULES`. Polygons (buildings, sites) become their representative point.
    A node inside or within 50 m of a polygon of the same type with a compatible name is
    the same facility: the polygon is kept (id ``osm_way_…``/``osm_relation_…``, location
    inside the building) and its empty name/operator/capacity are taken from the node.
    Ids are ``osm_node_<id>``, ``osm_way_<id>`` and ``osm_relation_<id>``.

    Parameters
    ----------
    data
        ``.osm.pbf`` or ``.osm`` (XML) bytes or path (size limit of
        :func:`geo.io.sources.max_bytes`).
    name
        File name for messages.
    bbox_wgs84
        Optional ``(min_lon, min_lat, max_lon, max_lat)``: only features intersecting it.

    Returns
    -------
    Facilities
        Facilities in EPSG:28992 with :data:`OSM_NOTE` among the warnings.

    Raises
    ------
    ImportDataError
        When the content is not OSM, cannot be parsed, the bbox is invalid or no
        facility is found.
    """
    if bbox_wgs84 is not None:
        try:
            bbox = tuple(float(v) for v in bbox_wgs84)
        except (TypeError, ValueError) as exc:
            raise ImportDataError("bbox_wgs84 moet vier getallen zijn: min_lon, min_lat, "
                                  "max_lon, max_lat.") from exc
        if (len(bbox) != 4 or not -180 <= bbox[0] < bbox[2] <= 180
                or not -90 <= bbox[1] < bbox[3] <= 90):
            raise ImportDataError(
                f"bbox_wgs84 {bbox_wgs84} is ongeldig: geef (min_lon, min_lat, max_lon, "
                "max_lat) in graden, bijv. (6.2, 52.7, 6.8, 53.0)."
            )
    else:
        bbox = None
    raw, label = _osm_bytes(data, name)
    points = _read_osm_layer(raw, "points", bbox, label)
    polygons = _read_osm_layer(raw, "multipolygons", bbox, label)
    nodes, node_geoms = _osm_frame(points, "node")
    polys, poly_geoms = _osm_frame(polygons, "polygon")
    stats = {"read": len(points) + len(polygons), "points": len(nodes),
             "polygons": len(polys)}
    merged, polys = _merge_osm(nodes, node_geoms, polys, poly_geoms)
    stats["merged"] = int(merged.sum())
    stats["matched"] = len(nodes) + len(polys)
    poly_points = shapely.point_on_surface(poly_geoms) if len(poly_geoms) else poly_geoms
    frame = pd.concat([polys, nodes[~merged]], ignore_index=True)
    geoms = np.concatenate([poly_points, node_geoms[~merged]])
    if not len(frame):
        raise ImportDataError(
            f"'{label}' bevat geen voorzieningen die de atlas kent"
            + (" binnen de opgegeven bbox" if bbox is not None else "")
            + ". Controleer of het uittreksel het juiste gebied dekt; herkende tags: "
            "amenity=doctors/pharmacy/hospital/nursing_home/community_centre, "
            "shop=supermarket, highway=bus_stop, …"
        )
    no_name = frame["name"] == ""
    frame.loc[no_name, "name"] = frame.loc[no_name, "type"].map(vocabulary.FACILITY_LABELS)
    stats["names_filled"] = int(no_name.sum())
    frame["capacity"] = frame["capacity"].astype("float64")
    warnings = [OSM_NOTE]
    if stats["merged"]:
        warnings.append(
            f"{stats['merged']} OSM-punt(en) samengevoegd met het gebouw van dezelfde "
            "voorziening (zelfde soort, passende naam, binnen 50 m)."
        )
    counts = frame["type"].value_counts()
    warnings.append("Gevonden: " + ", ".join(
        f"{n} × {vocabulary.FACILITY_LABELS.get(t, t).lower()}" for t, n in counts.items()) + ".")
    return _finish(frame, geoms, warnings, stats, f"{OSM_SOURCE}, bestand '{label}'")
