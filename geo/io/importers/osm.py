"""OpenStreetMap extracts → the region ``facilities`` layer.

An extract (``.osm.pbf``, ``.osm`` XML, ``.osm.gz``/``.osm.bz2``; Geofabrik's
``drenthe-latest.osm.pbf``, an Overpass Turbo or JOSM export in any element order) passes
the upload gate (:func:`geo.io.uploads.load_osm_bytes`: size limit, sniffing, no XML
entities) and is read from memory by :func:`geo.io.osm_reader.read_osm` (pyosmium). OSM
tags are mapped to :data:`geo.vocabulary.FACILITY_TYPES` by :data:`OSM_TAG_RULES`.
Facilities may be mapped as nodes, closed ways (buildings, sites), open ways or
multipolygon relations; a node that duplicates a way or relation of the same facility is
merged into it. Every tagged object that is not used is counted per reason and tag and
reported (:data:`UNUSED_REASONS`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.formats import fmt_int
from geo.io.importers._facility_result import Facilities, finish_facilities
from geo.io.osm_reader import AREA_PROBLEMS, OsmExtract, OsmSelection, read_osm, tag_table
from geo.io.tables import normalise_name, to_number
from geo.io.uploads import InputData, load_osm_bytes, osm_format

__all__ = [
    "OSM_MERGE_DISTANCE_M",
    "OSM_NOTE",
    "OSM_SOURCE",
    "OSM_TAG_RULES",
    "UNUSED_REASONS",
    "read_osm_facilities",
]

#: A node this close (metres) to a way/relation of the same type and a compatible name
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

#: Why a tagged object is not used (Dutch, for the report). Objects count when they carry
#: one of :data:`REPORT_KEYS`, or when a rule gave them a facility type.
UNUSED_REASONS: dict[str, str] = {
    "no_type": "geen voorzieningssoort van de atlas",
    "no_location": "knoop zonder coördinaten",
    "missing_nodes": "weg met knopen die niet in het bestand staan",
    "missing_members": "relatie: " + AREA_PROBLEMS["missing_members"],
    "open_rings": "relatie: " + AREA_PROBLEMS["open_rings"],
    "not_multipolygon": "relatie die geen multipolygoon is (bijv. type=site)",
    "outside_bbox": "buiten het opgegeven gebied (bbox)",
}
#: Tag keys that make an object a candidate facility: reported when no rule uses it.
REPORT_KEYS: tuple[str, ...] = ("amenity", "healthcare", "social_facility", "shop")
#: How to fix missing nodes/members, per export tool.
_MISSING_HINT = (
    "Exporteer in Overpass Turbo met '(._;>;); out body;' of 'out geom;', of maak het "
    "uittreksel ruimer (Geofabrik, 'osmium extract --strategy=smart')."
)


#: OSM tag rules in priority order: ``(type, condition)``; a condition is a mapping of tag
#: key to accepted values (any of them; ``None`` = any value) and all keys must match.
#: Documented choices: ``shop=convenience`` is not a supermarket; ``healthcare=centre``,
#: ``amenity=clinic``, ``place_of_worship`` and ``library`` are not mapped; a doctor whose
#: ``healthcare:speciality`` is given and not ``general`` is not a GP; a doctor whose name
#: contains "huisartsenpost" is a ``gp_post``; nursing homes are somatic unless
#: ``social_facility:for`` mentions dementia (OSM rarely records the difference).
#: A ``healthcare=*`` or ``social_facility=*`` tag alone is enough (issue 11): many
#: Dutch care sites carry no ``amenity``. ``social_facility=assisted_living`` is clustered
#: housing; ``group_home`` only for seniors; ``day_care`` when it is for seniors or does
#: not say for whom (the OSM wiki defines it as day care for the elderly or disabled;
#: children's day care is ``amenity=childcare``), ``outreach`` only for seniors.
OSM_TAG_RULES: tuple[tuple[str, dict[str, tuple[str, ...] | None]], ...] = (
    ("hospital", {"amenity": ("hospital",)}),
    ("hospital", {"healthcare": ("hospital",)}),
    ("nursing_dementia", {"amenity": ("nursing_home",), "social_facility:for": ("dementia",)}),
    ("nursing_dementia", {"social_facility": ("nursing_home",),
                          "social_facility:for": ("dementia",)}),
    ("nursing_dementia", {"healthcare": ("nursing_home",),
                          "social_facility:for": ("dementia",)}),
    ("nursing_somatic", {"amenity": ("nursing_home",)}),
    ("nursing_somatic", {"amenity": ("social_facility",), "social_facility": ("nursing_home",)}),
    ("nursing_somatic", {"social_facility": ("nursing_home",)}),
    ("nursing_somatic", {"healthcare": ("nursing_home",)}),
    ("clustered_housing", {"amenity": ("social_facility",),
                           "social_facility": ("assisted_living",)}),
    ("clustered_housing", {"social_facility": ("assisted_living",)}),
    ("clustered_housing", {"social_facility": ("group_home",),
                           "social_facility:for": ("senior", "elderly")}),
    ("day_care", {"amenity": ("social_facility",),
                  "social_facility": ("day_care", "outreach"),
                  "social_facility:for": ("senior", "elderly")}),
    ("day_care", {"social_facility": ("day_care",),
                  "social_facility:for": ("senior", "elderly", "")}),
    ("day_care", {"social_facility": ("outreach",), "social_facility:for": ("senior", "elderly")}),
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
#: Keys the rules start from; nodes are read with these, ways and relations without
#: ``highway`` (every road has it; ``highway=bus_stop`` is a node).
_RULE_KEYS = ("amenity", "healthcare", "shop", "highway", "public_transport", "social_facility")
_SELECTION = OsmSelection(
    node_keys=_RULE_KEYS,
    way_keys=tuple(k for k in _RULE_KEYS if k != "highway"),
    area_keys=tuple(k for k in _RULE_KEYS if k != "highway"),
)


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
    """Nodes that duplicate a way/relation facility; fills its empty attributes from them.

    ``polys`` are the shapes (closed and open ways, multipolygons) in RD. A node is a
    duplicate when it lies inside or within :data:`OSM_MERGE_DISTANCE_M` of a
    shape of the same type whose name is compatible (equal after normalising, one empty,
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


def _check_bbox(bbox_wgs84) -> tuple[float, float, float, float] | None:
    if bbox_wgs84 is None:
        return None
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
    return bbox


def _candidates(ext: OsmExtract) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """Every object read: id, whether it is a shape (way/relation), problem, WGS84 geometry.

    Returns
    -------
    tuple
        Frame with ``facility_id``, ``shape``, ``problem``, ``geometry`` and the tag dicts.
    """
    nodes, ways, areas = ext.nodes, ext.ways, ext.areas
    node_ok = ~(np.isnan(nodes.lon) | np.isnan(nodes.lat))
    node_geoms = np.full(len(nodes.ids), None, dtype=object)
    if node_ok.any():
        node_geoms[node_ok] = shapely.points(nodes.lon[node_ok], nodes.lat[node_ok])
    way_geoms = ways.geometries()
    parts = [
        pd.DataFrame({"facility_id": [f"osm_node_{i}" for i in nodes.ids.tolist()],
                      "shape": False, "problem": np.where(node_ok, "", "no_location"),
                      "geometry": node_geoms}),
        pd.DataFrame({"facility_id": [f"osm_way_{i}" for i in ways.ids.tolist()],
                      "shape": True,
                      "problem": np.where(pd.isna(way_geoms), "missing_nodes", ""),
                      "geometry": way_geoms}),
        pd.DataFrame({"facility_id": [f"osm_relation_{i}" for i in areas.ids.tolist()],
                      "shape": True, "problem": np.asarray(areas.problem, dtype=object),
                      "geometry": areas.geometry}),
    ]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(
        len(p) for p in parts) else parts[0]
    return frame, nodes.tags + ways.tags + areas.tags


def _tag_labels(tags: Mapping[str, pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """The tag that names each object (``amenity=bench``) and whether it is a candidate."""
    n = len(tags["amenity"])
    labels = np.full(n, "", dtype=object)
    for key in (*REPORT_KEYS, "highway", "public_transport"):
        values = tags[key].to_numpy(dtype=object)
        take = (labels == "") & (values != "")
        labels[take] = key + "=" + values[take]
    reportable = np.zeros(n, dtype=bool)
    for key in REPORT_KEYS:
        reportable |= (tags[key] != "").to_numpy()
    return labels, reportable


def _unused_report(reasons: np.ndarray, labels: np.ndarray, ids: np.ndarray,
                   stats: dict[str, int]) -> list[str]:
    """Dutch lines per reason (counts per tag; ids for geometry problems); fills ``stats``."""
    lines = []
    stats["unused"] = int((reasons != "").sum())
    for reason, text in UNUSED_REASONS.items():
        mask = reasons == reason
        n = int(mask.sum())
        if not n:
            continue
        stats[f"unused_{reason}"] = n
        counts = Counter(labels[mask].tolist())
        for tag, count in counts.items():
            stats[f"unused_{reason}:{tag}"] = count
        top = counts.most_common(8)
        listed = ", ".join(f"{tag} ({fmt_int(count)})" for tag, count in top)
        if len(counts) > len(top):
            listed += f" en {len(counts) - len(top)} andere tag(s)"
        line = f"Niet gebruikt ({text}): {fmt_int(n)} OSM-object(en): {listed}."
        if reason != "no_type" and reason != "outside_bbox":
            shown = ids[mask][:5].tolist()
            line += " Objecten: " + ", ".join(str(i).removeprefix("osm_").replace("_", " ")
                                              for i in shown) + (", …" if n > 5 else "") + "."
        if reason in ("missing_nodes", "missing_members"):
            line += " " + _MISSING_HINT
        lines.append(line)
    return lines


def _attributes(tags: Mapping[str, pd.Series], ids: np.ndarray, ftype: np.ndarray
                ) -> pd.DataFrame:
    raw_capacity = tags["capacity"].where(tags["capacity"] != "", tags["beds"])
    capacity = pd.Series(to_number(raw_capacity), index=raw_capacity.index).astype("float64")
    return pd.DataFrame({
        "facility_id": ids,
        "facility_type": ftype,
        "name": tags["name"].to_numpy(dtype=object),
        "operator": tags["operator"].to_numpy(dtype=object),
        "capacity": capacity.where(capacity >= 0).to_numpy(),
        "woonplaats": tags["addr:city"].to_numpy(dtype=object),
    })


def _representative_points(geoms: np.ndarray) -> np.ndarray:
    """A point inside each polygon (repaired first if invalid); the middle of each line."""
    out = np.empty(len(geoms), dtype=object)
    if not len(geoms):
        return out
    lines = shapely.get_dimensions(geoms) == 1
    out[lines] = shapely.line_interpolate_point(geoms[lines], 0.5, normalized=True)
    polys = geoms[~lines]
    invalid = ~shapely.is_valid(polys)
    polys[invalid] = shapely.make_valid(polys[invalid])
    out[~lines] = shapely.point_on_surface(polys)
    return out


def _found_line(frame: pd.DataFrame) -> str:
    counts = frame["facility_type"].value_counts()
    return "Gevonden: " + ", ".join(
        f"{fmt_int(n)} × {vocabulary.FACILITY_LABELS.get(t, t).lower()}"
        for t, n in counts.items()) + "."


def read_osm_facilities(
    data: InputData,
    name: str | None = None,
    *,
    bbox_wgs84: tuple[float, float, float, float] | None = None,
) -> Facilities:
    """Read care and daily-life facilities from an OpenStreetMap extract.

    The file is read from memory by :func:`geo.io.osm_reader.read_osm` (pyosmium), in any
    element order (Overpass ``out qt``, JOSM); no internet is needed. Tags map to facility
    types by :data:`OSM_TAG_RULES`. Facilities may be nodes, closed ways and multipolygon
    relations (located at a point inside the shape, in RD) or open ways (the middle of the
    line). A node inside or within 50 m of a way/relation of the same type with a
    compatible name is the same facility: the shape is kept (id ``osm_way_…`` /
    ``osm_relation_…``) and its empty name/operator/capacity are taken from the node. Ids
    are ``osm_node_<id>``, ``osm_way_<id>`` and ``osm_relation_<id>``.

    Objects with one of :data:`REPORT_KEYS` that no rule maps, and facilities whose
    geometry is incomplete (a way with nodes missing from the file, a relation with
    missing members or open rings, a relation that is not a multipolygon) or outside the
    bbox, are not used; they are counted per reason (:data:`UNUSED_REASONS`) and tag in
    the warnings and in ``stats`` (``unused``, ``unused_<reason>``,
    ``unused_<reason>:<key>=<value>``).

    Parameters
    ----------
    data
        ``.osm.pbf``, ``.osm`` (XML) or ``.osm.gz``/``.osm.bz2`` bytes or path (size limit of
        :func:`geo.io.uploads.max_bytes`; read through :func:`geo.io.uploads.load_osm_bytes`).
    name
        File name for messages.
    bbox_wgs84
        Optional ``(min_lon, min_lat, max_lon, max_lat)``: only facilities intersecting it.

    Returns
    -------
    Facilities
        Facilities in EPSG:28992 with :data:`OSM_NOTE` among the warnings; ``stats`` with
        ``read`` (tagged objects read), ``points``, ``polygons`` (ways and relations kept),
        ``lines``, ``merged``, ``matched``, ``names_filled``, ``kept`` and the unused counts.

    Raises
    ------
    ImportDataError
        When the content is not OSM, cannot be parsed, the bbox is invalid or no
        facility is found (the message lists what was not used).
    """
    bbox = _check_bbox(bbox_wgs84)
    raw, label = load_osm_bytes(data, name)
    extract = read_osm(raw, osm_format(raw) or "osm", _SELECTION, label=label)
    frame, tag_dicts = _candidates(extract)
    tags = {key: pd.Series(values, dtype=object)
            for key, values in tag_table(tag_dicts, _OSM_KEYS).items()}
    ftype = _osm_types(tags)
    labels, reportable = _tag_labels(tags)
    problem = frame["problem"].to_numpy(dtype=object)
    reasons = np.where(ftype == "", np.where(reportable, "no_type", ""), problem)
    if bbox is not None:
        usable = np.flatnonzero((reasons == "") & (ftype != ""))
        inside = shapely.intersects(frame["geometry"].to_numpy()[usable], shapely.box(*bbox))
        reasons[usable[~inside]] = "outside_bbox"
    kept = (ftype != "") & (reasons == "")
    ids = frame["facility_id"].to_numpy(dtype=object)
    stats = {"read": len(frame), "ignored_other": int(((ftype == "") & ~reportable).sum())}
    unused_lines = _unused_report(reasons, labels, ids, stats)

    attrs = _attributes(tags, ids, ftype)
    shape = frame["shape"].to_numpy(dtype=bool)
    rd = gpd.GeoSeries(frame["geometry"].to_numpy()[kept], crs=vocabulary.DISPLAY_CRS)
    rd = shapely.force_2d(rd.to_crs(vocabulary.METRIC_CRS).to_numpy())
    is_node, is_shape = ~shape[kept], shape[kept]
    nodes = attrs[kept][is_node].reset_index(drop=True)
    shapes = attrs[kept][is_shape].reset_index(drop=True)
    node_geoms, shape_geoms = rd[is_node], rd[is_shape]
    stats.update(points=len(nodes), polygons=int((shapely.get_dimensions(shape_geoms) == 2)
                                                 .sum()) if len(shape_geoms) else 0)
    stats["lines"] = len(shapes) - stats["polygons"]
    merged, shapes = _merge_osm(nodes, node_geoms, shapes, shape_geoms)
    stats["merged"] = int(merged.sum())
    stats["matched"] = len(nodes) + len(shapes)
    out = pd.concat([shapes, nodes[~merged]], ignore_index=True)
    geoms = np.concatenate([_representative_points(shape_geoms), node_geoms[~merged]])
    if not len(out):
        raise ImportDataError(
            f"'{label}' bevat geen voorzieningen die de atlas kent"
            + (" binnen de opgegeven bbox" if bbox is not None else "")
            + ". Controleer of het uittreksel het juiste gebied dekt; herkende tags: "
            "amenity=doctors/pharmacy/hospital/nursing_home/community_centre, "
            "healthcare=doctor/pharmacy/hospital, social_facility=nursing_home/"
            "assisted_living/day_care, shop=supermarket, highway=bus_stop."
            + ("".join(" " + line for line in unused_lines))
        )
    no_name = out["name"] == ""
    out.loc[no_name, "name"] = out.loc[no_name, "facility_type"].map(vocabulary.FACILITY_LABELS)
    stats["names_filled"] = int(no_name.sum())
    out["capacity"] = out["capacity"].astype("float64")
    warnings = [OSM_NOTE]
    if stats["merged"]:
        warnings.append(
            f"{stats['merged']} OSM-punt(en) samengevoegd met het gebouw of terrein van "
            "dezelfde voorziening (zelfde soort, passende naam, binnen 50 m)."
        )
    if stats["lines"]:
        warnings.append(f"{stats['lines']} voorziening(en) zijn als open lijn getekend; ze "
                        "staan op het midden van die lijn.")
    warnings.extend(unused_lines)
    warnings.append(_found_line(out))
    return finish_facilities(out, geoms, warnings, stats, f"{OSM_SOURCE}, bestand '{label}'")
