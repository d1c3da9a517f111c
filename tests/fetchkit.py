"""A local HTTP server that speaks every API `geo fetch` uses, in the real formats.

PDOK CBS OGC API (``buurten``, ``wijken``), CBS OData v3 (kerncijfers with nabijheid
topics), PDOK BAG OGC API v2 (``verblijfsobject`` / ``pand`` by ``bbox`` with
``bbox-crs``/``crs``, ``pand.href`` links, cursor paging) and the Overpass API (OSM XML).
No HTTP client is mocked. The first path segment of a base URL picks a scenario
(``/ok``, ``/osmremark`` …); ``server.fail_after`` cuts every BAG request after that many
(an interrupted download), ``server.requests`` records every path asked.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pyproj
import shapely
from test_fetch import BUURTEN, DATA_PROPERTIES, TYPED_ROWS, YEAR, _prop

RD_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
TO_RD = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:28992", always_xy=True)
TO_WGS = pyproj.Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)
PDOK_PREFIX = f"/cbs/wijken-en-buurten-{YEAR}/ogc/v1/collections/"
BAG_PAGE = 2  # features per BAG page: small, so tiles need several pages
ODATA_PAGE = 4

# --------------------------------------------------------------------------- CBS

#: Buurten as PDOK serves them (no wijknaam); GP distance from PDOK for one buurt only,
#: the rest "-99995 (published later)" as in a v1 edition.
REGION_BUURTEN = copy.deepcopy(BUURTEN)
for _i, _f in enumerate(REGION_BUURTEN):
    _f["properties"]["huisartsenpraktijk_gemiddelde_afstand_in_km"] = 0.5 if _i == 0 else -99995
WIJKEN = [
    {"type": "Feature", "id": 11, "geometry": {"type": "MultiPolygon", "coordinates": [[[
        [6.50, 52.85], [6.57, 52.85], [6.57, 52.90], [6.50, 52.90], [6.50, 52.85]]]]},
     "properties": {"wijkcode": "WK173100", "wijknaam": "Beilen", "gemeentecode": "GM1731",
                    "gemeentenaam": "Midden-Drenthe", "aantal_inwoners": 5845}},
    {"type": "Feature", "id": 12, "geometry": {"type": "MultiPolygon", "coordinates": [[[
        [6.40, 52.94], [6.46, 52.94], [6.46, 52.99], [6.40, 52.99], [6.40, 52.94]]]]},
     "properties": {"wijkcode": "WK173101", "wijknaam": "Smilde", "gemeentecode": "GM1731",
                    "gemeentenaam": "Midden-Drenthe", "aantal_inwoners": 4200}},
]
NABIJHEID_PROPS = [
    _prop(95, "Topic", "AfstandTotHuisartsenpraktijk_95", "Afstand tot huisartsenpraktijk",
          datatype="Double"),
    _prop(96, "Topic", "AfstandTotGroteSupermarkt_96", "Afstand tot grote supermarkt",
          datatype="Double"),
]
NABIJHEID_VALUES = {"BU17310000": (0.4, 0.6), "BU17310009": (2.1, 3.0),
                    "BU17310100": (0.7, 0.9), "BU17310109": (None, None)}
REGION_ROWS = []
for _row in TYPED_ROWS:
    _new = dict(_row)
    gp, sm = NABIJHEID_VALUES.get(_row["WijkenEnBuurten"].strip(), (1.5, 1.1))
    _new.update(AfstandTotHuisartsenpraktijk_95=gp, AfstandTotGroteSupermarkt_96=sm)
    REGION_ROWS.append(_new)

# --------------------------------------------------------------------------- BAG


def _rd(lon: float, lat: float) -> tuple[float, float]:
    x, y = TO_RD.transform(lon, lat)
    return round(x, 3), round(y, 3)


def _in_buurt(index: int, fx: float, fy: float) -> tuple[float, float]:
    """RD point at fractions (fx, fy) of the 0.01° square of buurt ``index``."""
    lon, lat = BUURTEN[index]["geometry"]["coordinates"][0][0][0]
    return _rd(lon + 0.01 * fx, lat + 0.01 * fy)


# (pand id, (buurt index, fx, fy) or an RD point, bouwjaar, status)
PANDEN = [
    ("1731100000000001", (0, 0.2, 0.2), 1960, "Pand in gebruik"),
    ("1731100000000002", (0, 0.5, 0.5), 2005, "Pand in gebruik"),
    ("1731100000000003", (0, 0.8, 0.3), 1990, "Pand in gebruik"),
    ("1731100000000004", (0, 0.3, 0.8), 2024, "Bouw gestart"),
    ("1731100000000005", (1, 0.5, 0.5), 1930, "Pand in gebruik"),
    ("1731100000000006", (2, 0.4, 0.6), 1975, "Pand in gebruik"),
    ("1731100000000007", (3, 0.6, 0.4), 1985, "Pand in gebruik (niet ingemeten)"),
    ("1731100000000008", (0, -0.3, 0.5), 1970, "Pand in gebruik"),  # outside the gemeente
]
IN_GEBRUIK = "Verblijfsobject in gebruik"
# (vbo id, pand id, gebruiksdoel, status, oppervlakte, postcode, nr, letter, toevoeging, dx)
VBOS = [
    ("1731010000000001", "1731100000000001", "woonfunctie", IN_GEBRUIK, 120, "9411AB", 10,
     None, None, 0),
    ("1731010000000002", "1731100000000002", "woonfunctie", IN_GEBRUIK, 70, "9411AC", 20,
     None, "1", -2),
    ("1731010000000003", "1731100000000002", "woonfunctie", IN_GEBRUIK, 72, "9411AC", 20,
     None, "2", 0),
    ("1731010000000004", "1731100000000002", "woonfunctie", IN_GEBRUIK, 75, "9411AC", 22,
     "A", None, 2),
    ("1731010000000005", "1731100000000003", "winkelfunctie", IN_GEBRUIK, 300, "9411AD", 1,
     None, None, 0),
    ("1731010000000006", "1731100000000004", "woonfunctie", "Verblijfsobject gevormd", 90,
     "9411AE", 5, None, None, 0),
    ("1731010000000007", "1731100000000005", ["woonfunctie", "gezondheidszorgfunctie"],
     IN_GEBRUIK, 140, "9411AF", 3, None, None, 0),
    ("1731010000000008", "1731100000000006", "woonfunctie", IN_GEBRUIK, 65, "9422CD", 7,
     None, None, -1),
    ("1731010000000009", "1731100000000006", "woonfunctie", IN_GEBRUIK, 66, "9422CD", 9,
     None, None, 1),
    ("1731010000000010", "1731100000000007", "woonfunctie", "Verblijfsobject in gebruik "
     "(niet ingemeten)", 110, "9423EF", 12, None, None, 0),
    ("1731010000000011", "1731100000000008", "woonfunctie", IN_GEBRUIK, 100, "9401ZZ", 1,
     None, None, 0),
]
#: Dwellings a build must find: woonfunctie, active status, inside the municipality.
EXPECTED_HOMES = {"1731010000000001", "1731010000000002", "1731010000000003",
                  "1731010000000004", "1731010000000007", "1731010000000008",
                  "1731010000000009", "1731010000000010"}


def _pand_centre(spec: tuple) -> tuple[float, float]:
    return _in_buurt(*spec)


def _pand_fid(ident: str) -> str:
    """PDOK's v2 API addresses items by an opaque feature id, not the BAG id."""
    return f"b{int(ident[-4:]):03d}e7a2-5c1d-4f5e-9a4b-{ident[-12:]}"


def bag_features(base: str) -> dict[str, list[dict]]:
    """The BAG objects of the test area as PDOK's v2 API serves them (in RD)."""
    panden, vbos = [], []
    centres = {}
    for ident, spec, year, status in PANDEN:
        x, y = _pand_centre(spec)
        centres[ident] = (x, y)
        ring = [[x - 8, y - 6], [x + 8, y - 6], [x + 8, y + 6], [x - 8, y + 6], [x - 8, y - 6]]
        panden.append({"type": "Feature", "id": _pand_fid(ident),
                       "geometry": {"type": "Polygon", "coordinates": [ring]},
                       "properties": {"identificatie": ident, "bouwjaar": year,
                                      "status": status, "gebruiksdoel": "woonfunctie",
                                      "oppervlakte_min": 60, "oppervlakte_max": 140,
                                      "aantal_verblijfsobjecten": 1}})
    for (ident, pand, doel, status, opp, pc, nr, letter, toev, dx) in VBOS:
        x, y = centres[pand]
        vbos.append({"type": "Feature", "id": f"v{ident[-6:]}-0000-4000-8000-{ident[-12:]}",
                     "geometry": {"type": "Point", "coordinates": [x + dx, y]},
                     "properties": {
                         "identificatie": ident, "oppervlakte": opp, "status": status,
                         "gebruiksdoel": doel, "openbare_ruimte_naam": "Brink",
                         "huisnummer": nr, "huisletter": letter, "toevoeging": toev,
                         "postcode": pc, "woonplaats_naam": "Beilen",
                         "bronhouder_identificatie": "1731",
                         "pand.href": [f"{base}/collections/pand/items/{_pand_fid(pand)}"],
                     }})
    return {"verblijfsobject": vbos, "pand": panden}


# --------------------------------------------------------------------------- OSM

OSM_NODES = [  # (id, buurt index, fx, fy, tags)
    (1001, 0, 0.4, 0.4, {"amenity": "doctors", "name": "Huisartsenpraktijk Beilen"}),
    (1002, 0, 0.6, 0.4, {"shop": "supermarket", "name": "Supermarkt Beilen"}),
    (1003, 1, 0.5, 0.2, {"highway": "bus_stop", "name": "Beilen, Brink"}),
    (1004, 3, 0.5, 0.5, {"amenity": "pharmacy", "name": "Apotheek Smilde"}),
]
OSM_WAY = (2001, 2, 0.6, 0.3, {"amenity": "nursing_home", "building": "yes",
                               "name": "Zorgcentrum De Brink"})
#: facility_type → count a build must find (the way is a closed building polygon).
EXPECTED_FACILITIES = {"gp": 1, "supermarket": 1, "bus_stop": 1, "pharmacy": 1,
                       "nursing_somatic": 1}


def _lonlat(index: int, fx: float, fy: float) -> tuple[float, float]:
    lon, lat = BUURTEN[index]["geometry"]["coordinates"][0][0][0]
    return lon + 0.01 * fx, lat + 0.01 * fy


def overpass_xml(bbox: tuple[float, float, float, float], remark: str | None = None) -> str:
    """OSM XML as Overpass writes it for ``(._;>;); out body;``: sorted, nodes first."""
    s, w, n, e = bbox
    nodes = []
    for nid, idx, fx, fy, tags in OSM_NODES:
        lon, lat = _lonlat(idx, fx, fy)
        nodes.append((nid, lon, lat, tags))
    wid, idx, fx, fy, wtags = OSM_WAY
    lon0, lat0 = _lonlat(idx, fx, fy)
    corners = [(lon0, lat0), (lon0 + 0.0004, lat0), (lon0 + 0.0004, lat0 + 0.0003),
               (lon0, lat0 + 0.0003)]
    way_nodes = [(3001 + i, lon, lat, {}) for i, (lon, lat) in enumerate(corners)]
    inside = [nd for nd in nodes if w <= nd[1] <= e and s <= nd[2] <= n]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<osm version="0.6" generator="Overpass API 0.7.62.1 084b4234">',
             "<note>The data included in this document is from www.openstreetmap.org. The "
             "data is made available under ODbL.</note>",
             '<meta osm_base="2025-03-01T10:00:00Z"/>', ""]
    for nid, lon, lat, tags in sorted(inside + way_nodes):
        if tags:
            lines.append(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}">')
            lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
            lines.append("  </node>")
        else:
            lines.append(f'  <node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    lines.append(f'  <way id="{wid}">')
    lines += [f'    <nd ref="{3001 + i}"/>' for i in (0, 1, 2, 3, 0)]
    lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in wtags.items()]
    lines.append("  </way>")
    if remark:
        lines.append(f"<remark> {remark} </remark>")
    lines += ["", "</osm>", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- server


class Handler(BaseHTTPRequestHandler):
    """Routes ``/{scenario}/cbs/…``, ``/{scenario}/odata/…``, ``/{scenario}/bag/…`` and
    ``/{scenario}/overpass``."""

    server: Server

    def log_message(self, format, *args):  # noqa: A002 - keep test output quiet
        pass

    def _send(self, status: int, body: bytes | str, ctype: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json(self, doc: object, ctype: str = "application/json; charset=utf-8",
              status: int = 200) -> None:
        self._send(status, json.dumps(doc), ctype)

    def _here(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    def do_GET(self):  # noqa: N802 - http.server API
        with self.server.lock:
            self.server.requests.append(self.path)
        parts = urllib.parse.urlsplit(self.path)
        scenario, _, rest = parts.path.lstrip("/").partition("/")
        query = urllib.parse.parse_qs(parts.query)
        if scenario == "html":
            return self._send(200, "<!DOCTYPE html><html><body>Log in op het gastnetwerk"
                              "</body></html>", "text/html; charset=utf-8")
        if rest.startswith(PDOK_PREFIX.lstrip("/")):
            return self._cbs(rest.removeprefix(PDOK_PREFIX.lstrip("/")), query)
        if rest.startswith("odata/"):
            return self._odata(rest.removeprefix("odata/"), query)
        if rest.startswith("bag/collections/"):
            return self._bag(scenario, rest.removeprefix("bag/collections/"), query)
        if rest == "overpass":
            return self._overpass(scenario, query)
        return self._json({"code": "NotFound"}, "application/problem+json", 404)

    # -- CBS ----------------------------------------------------------------------------
    def _cbs(self, rest: str, query: dict) -> None:
        collection = rest.removesuffix("/items")
        source = {"buurten": REGION_BUURTEN, "wijken": WIJKEN}.get(collection)
        if source is None or query.get("f") != ["json"]:
            return self._json({"code": "NotFound"}, "application/problem+json", 404)
        code = query.get("gemeentecode", [""])[0]
        selected = [f for f in source if f["properties"]["gemeentecode"] == code]
        self._json({"type": "FeatureCollection", "numberReturned": len(selected),
                    "numberMatched": len(selected), "features": selected,
                    "links": [{"rel": "self", "type": "application/geo+json",
                               "href": self._here()}]}, "application/geo+json")
        return None

    def _odata(self, rest: str, query: dict) -> None:
        table, _, entity = rest.partition("/")
        if entity == "DataProperties":
            return self._json({"odata.metadata": "…", "value": DATA_PROPERTIES
                               + NABIJHEID_PROPS})
        rows = REGION_ROWS
        match = re.fullmatch(r"substringof\('([^']*)',WijkenEnBuurten\)",
                             query.get("$filter", [""])[0])
        if match:
            rows = [r for r in rows if match.group(1) in r["WijkenEnBuurten"]]
        keys = query["$select"][0].split(",")
        rows = [{k: r[k] for k in keys if k in r} for r in rows]
        skip = int(query.get("$skip", ["0"])[0])
        doc: dict = {"odata.metadata": "…", "value": rows[skip:skip + ODATA_PAGE]}
        if skip + ODATA_PAGE < len(rows):
            nxt = dict(query) | {"$skip": [str(skip + ODATA_PAGE)]}
            doc["odata.nextLink"] = (self._here().split("?")[0] + "?"
                                     + urllib.parse.urlencode(nxt, doseq=True))
        return self._json(doc, "application/json;odata=minimalmetadata;charset=utf-8")

    # -- BAG ----------------------------------------------------------------------------
    def _bag(self, scenario: str, rest: str, query: dict) -> None:
        with self.server.lock:
            self.server.bag_count += 1
            cut = (self.server.fail_after is not None
                   and self.server.bag_count > self.server.fail_after)
        if cut:  # the network went away: promise a body, send nothing, close
            self.send_response(200)
            self.send_header("Content-Type", "application/geo+json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.close_connection = True
            return None
        if scenario == "bag500":
            return self._send(500, "Internal Server Error", "text/plain")
        collection = rest.removesuffix("/items")
        host, port = self.server.server_address[:2]
        features = bag_features(f"http://{host}:{port}/{scenario}/bag")[collection]
        bbox = shapely.box(*map(float, query["bbox"][0].split(",")))
        if query.get("bbox-crs") != [RD_URI]:
            return self._json({"code": "BadRequest", "description": "bbox-crs"},
                              "application/problem+json", 400)
        hits = [f for f in features
                if shapely.geometry.shape(f["geometry"]).intersects(bbox)]
        if query.get("crs") != [RD_URI] or scenario == "lonlat":  # default CRS84
            hits = [_to_crs84(f) for f in hits]
        cursor = int(query.get("cursor", ["0"])[0])
        page = hits[cursor:cursor + BAG_PAGE]
        links = [{"rel": "self", "type": "application/geo+json", "href": self._here()}]
        if cursor + BAG_PAGE < len(hits):
            nxt = dict(query) | {"cursor": [str(cursor + BAG_PAGE)]}
            links.append({"rel": "next", "type": "application/geo+json",
                          "href": self._here().split("?")[0] + "?"
                          + urllib.parse.urlencode(nxt, doseq=True)})
        return self._json({"type": "FeatureCollection", "numberReturned": len(page),
                           "features": page, "links": links}, "application/geo+json")

    # -- Overpass -----------------------------------------------------------------------
    def _overpass(self, scenario: str, query: dict) -> None:
        data = query.get("data", [""])[0]
        found = re.search(r"\[bbox:([-\d.]+),([-\d.]+),([-\d.]+),([-\d.]+)\]", data)
        if not found or "out body;" not in data:
            return self._send(400, "<html><body>Error: line 1: parse error</body></html>",
                              "text/html; charset=utf-8")
        if scenario == "osm429":
            return self._send(429, "<html><body>Too Many Requests</body></html>",
                              "text/html; charset=utf-8")
        remark = None
        if scenario == "osmremark":
            remark = 'runtime error: Query timed out in "query" at line 3 after 25 seconds.'
        bbox = tuple(float(v) for v in found.groups())
        return self._send(200, overpass_xml(bbox, remark), "application/osm3s+xml")


def _to_crs84(feature: dict) -> dict:
    out = copy.deepcopy(feature)
    geom = shapely.geometry.shape(feature["geometry"])
    moved = shapely.transform(geom, lambda xy: np.column_stack(TO_WGS.transform(xy[:, 0],
                                                                          xy[:, 1])))
    out["geometry"] = shapely.geometry.mapping(moved)
    return out


class Server(ThreadingHTTPServer):
    """The test server; see the module docstring."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[str] = []
        self.fail_after: int | None = None
        self.bag_count = 0
        self.lock = threading.Lock()

    def handle_error(self, request, client_address):  # a client that gave up: fine
        pass

    def base(self, scenario: str = "ok") -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/{scenario}"


def serve() -> Iterator[Server]:
    """Run a :class:`Server` in a thread for the duration of a fixture."""
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)
