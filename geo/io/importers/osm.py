"""OpenStreetMap extracts → the region ``facilities`` layer.

An extract (``.osm.pbf`` or ``.osm`` XML, e.g. Geofabrik's ``drenthe-latest.osm.pbf``)
passes the upload gate (:func:`geo.io.uploads.load_osm_bytes`: size limit, sniffing, no XML
entities) and is read from memory with GDAL's OSM driver (:mod:`geo.io._gdal`). OSM tags are
mapped to :data:`geo.vocabulary.FACILITY_TYPES` by :data:`OSM_TAG_RULES`; a node that
duplicates a building polygon of the same facility is merged into it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from warnings import catch_warnings, simplefilter

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io import _gdal
from geo.io.importers._facility_result import Facilities, finish_facilities
from geo.io.tables import normalise_name, to_number
from geo.io.uploads import InputData, load_osm_bytes

__all__ = [
    "OSM_MERGE_DISTANCE_M",
    "OSM_NOTE",
    "OSM_SOURCE",
    "OSM_TAG_RULES",
    "read_osm_facilities",
]

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


def _read_osm_layer(raw: bytes, layer: str, bbox: tuple[float, float, float, float] | None,
                    label: str) -> gpd.GeoDataFrame:
    try:
        with catch_warnings():
            simplefilter("ignore", RuntimeWarning)
            gdf = _gdal.read_dataframe(raw, layer=layer, bbox=bbox)
    except ImportDataError:
        raise
    except Exception as exc:  # GDAL raises several error types
        raise ImportDataError(
            f"'{label}' kan niet als OpenStreetMap gelezen worden (laag {layer}): "
            f"{_gdal.scrub_message(exc, label)}. Controleer of het bestand compleet is "
            "(opnieuw downloaden)."
        ) from exc
    if "osm_id" not in gdf.columns:
        raise ImportDataError(f"'{label}' is geen OpenStreetMap-bestand (laag {layer}).")
    if gdf.crs is None:
        gdf = gdf.set_crs(vocabulary.DISPLAY_CRS)
    return gdf


def _name_key(names: pd.Series) -> pd.Series:
    return names.map(normalise_name)


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
    same_type = nodes["facility_type"].to_numpy()[n_idx] == polys["facility_type"].to_numpy()[p_idx]
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
        "facility_type": ftype,
        "name": tags["name"].astype(str).to_numpy(),
        "operator": tags["operator"].astype(str).to_numpy(),
        "capacity": capacity.to_numpy(),
        "woonplaats": tags["addr:city"].astype(str).to_numpy(),
    })[hit].reset_index(drop=True)
    geoms = gpd.GeoSeries(gdf.geometry.to_numpy()[hit], crs=gdf.crs).to_crs(
        vocabulary.METRIC_CRS).to_numpy()
    return frame, shapely.force_2d(geoms)


def read_osm_facilities(
    data: InputData,
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
        :func:`geo.io.uploads.max_bytes`; read through
        :func:`geo.io.uploads.load_osm_bytes`).
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
    raw, label = load_osm_bytes(data, name)
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
    frame.loc[no_name, "name"] = frame.loc[no_name, "facility_type"].map(
        vocabulary.FACILITY_LABELS)
    stats["names_filled"] = int(no_name.sum())
    frame["capacity"] = frame["capacity"].astype("float64")
    warnings = [OSM_NOTE]
    if stats["merged"]:
        warnings.append(
            f"{stats['merged']} OSM-punt(en) samengevoegd met het gebouw van dezelfde "
            "voorziening (zelfde soort, passende naam, binnen 50 m)."
        )
    counts = frame["facility_type"].value_counts()
    warnings.append("Gevonden: " + ", ".join(
        f"{n} × {vocabulary.FACILITY_LABELS.get(t, t).lower()}" for t, n in counts.items()) + ".")
    return finish_facilities(frame, geoms, warnings, stats, f"{OSM_SOURCE}, bestand '{label}'")
