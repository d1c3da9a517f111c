"""Care and daily-life facilities around a municipality from OpenStreetMap (Overpass API).

``osm_{GM}.osm`` is OSM XML as the Overpass API writes it, for the municipality's bounding
box plus a buffer (facilities just across the border serve its inhabitants too): every
node, way and relation tagged with one of the keys of :data:`OVERPASS_FILTERS`, and the
nodes (and members) they need for their geometry. The file is read by
:func:`geo.io.importers.osm.read_osm_facilities` (``--facilities`` of ``geo build``).

Decisions:

- The query ends with ``(._;>;); out body;``: one sorted output (nodes, then ways, then
  relations, each by id). ``out body; >; out skel qt;`` would be smaller but puts the nodes
  of ways *after* the ways, which readers that need sorted files (GDAL's OSM driver) refuse.
- It asks for a wider set of tags than the importer maps (e.g. all ``healthcare=*``), so
  the import report can list what was found but not used.
- Overpass reports a query that ran out of time or memory as HTTP 200 with a
  ``<remark> runtime error …</remark>`` and *partial* data; such an answer is refused, never
  saved or cached.

Licence: ODbL 1.0, © OpenStreetMap contributors.
"""

from __future__ import annotations

import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pyproj
import shapely

from geo import vocabulary
from geo.config import Config
from geo.errors import DownloadError, ImportDataError
from geo.io._region_areas import LARGEST_CATCHMENT_M
from geo.io.fetch._common import (
    FetchResult,
    Source,
    base_url_of,
    check_year,
    now,
    update_metadata,
    write_atomic,
)
from geo.io.fetch.cache import UrlCache
from geo.io.fetch.ogc import cached_request
from geo.io.progress import Progress, report
from geo.model.crs import normalize_gemeente_code

__all__ = ["DEFAULT_BUFFER_M", "LICENCE_OSM", "OVERPASS_FILTERS", "OsmSummary", "fetch_osm",
           "overpass_query"]

LICENCE_OSM = "ODbL 1.0, © OpenStreetMap-bijdragers"
#: Facilities this far (metres) outside the municipality are included (as ``geo build``).
#: Facilities this far around the area are fetched: the largest catchment (15 km).
DEFAULT_BUFFER_M: float = LARGEST_CATCHMENT_M
#: Overpass filters, one statement each (``nwr`` = nodes, ways and relations).
OVERPASS_FILTERS: tuple[str, ...] = (
    'nwr["amenity"~"^(doctors|pharmacy|hospital|clinic|nursing_home|social_facility|'
    'community_centre|social_centre|dentist|library)$"]',
    'nwr["shop"~"^(supermarket|convenience|bakery|butcher|greengrocer|chemist)$"]',
    'nwr["healthcare"]',
    'nwr["social_facility"]',
    'node["highway"="bus_stop"]',
    'nwr["public_transport"="platform"]["bus"="yes"]',
    'nwr["railway"="station"]',
)
_QUERY_KEYS = ("amenity", "shop", "healthcare", "social_facility", "highway",
               "public_transport", "railway")
_EXTRACT_URL = "https://download.geofabrik.de/europe/netherlands.html"


class OsmSummary(dict):
    """Counts of one Overpass answer: ``nodes``, ``ways``, ``relations``, ``tagged``."""


def overpass_query(bbox_wgs84: tuple[float, float, float, float], *,
                   server_timeout_s: int = 180) -> str:
    """The Overpass QL query for the facilities in a bounding box.

    Parameters
    ----------
    bbox_wgs84
        ``(min_lon, min_lat, max_lon, max_lat)`` in degrees.
    server_timeout_s
        Seconds the Overpass server may spend (``[timeout:…]``).

    Examples
    --------
    >>> print(overpass_query((6.4, 52.8, 6.6, 52.9)).splitlines()[0])
    [out:xml][timeout:180][bbox:52.800000,6.400000,52.900000,6.600000];
    """
    w, s, e, n = bbox_wgs84
    lines = [f"[out:xml][timeout:{server_timeout_s}][bbox:{s:.6f},{w:.6f},{n:.6f},{e:.6f}];",
             "("]
    lines += [f"  {statement};" for statement in OVERPASS_FILTERS]
    lines += [");", "(._;>;);", "out body;"]
    return "\n".join(lines)


def _bbox_wgs84(area_rd: shapely.Geometry, buffer_m: float) -> tuple[float, ...]:
    minx, miny, maxx, maxy = area_rd.bounds
    minx, miny, maxx, maxy = minx - buffer_m, miny - buffer_m, maxx + buffer_m, maxy + buffer_m
    to_wgs = pyproj.Transformer.from_crs(vocabulary.METRIC_CRS, vocabulary.DISPLAY_CRS,
                                         always_xy=True)
    lons, lats = to_wgs.transform([minx, minx, maxx, maxx], [miny, maxy, miny, maxy])
    return (min(lons), min(lats), max(lons), max(lats))


def _parse(source: Source) -> Callable[[bytes, str, str], OsmSummary]:
    def parse(body: bytes, content_type: str, url: str) -> OsmSummary:
        head = body.lstrip()[:512].lower()
        if "html" in content_type.lower() or head.startswith((b"<!doctype html", b"<html")):
            raise DownloadError("content", "de server stuurde een webpagina (HTML) in plaats "
                                 "van OSM-gegevens (een inlogpagina of een foutpagina van "
                                 "Overpass?)", url)
        if b"<!DOCTYPE" in body[:65536] or b"<!ENTITY" in body:
            raise source.invalid("het antwoord bevat een DOCTYPE of XML-entiteiten; dat "
                                 "doet Overpass nooit", url)
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise source.invalid(f"het antwoord is geen geldige XML (onvolledig of "
                                 f"beschadigd: {exc})", url) from exc
        if root.tag != "osm":
            raise source.invalid(f"het antwoord is geen OSM-XML (hoofdelement <{root.tag}>)",
                                 url)
        for remark in root.iter("remark"):
            text = " ".join((remark.text or "").split())
            if "error" in text.lower():
                raise source.invalid(f"Overpass brak de zoekvraag af en gaf onvolledige "
                                     f"gegevens ('{text[:160]}')", url)
        summary = OsmSummary(nodes=0, ways=0, relations=0, tagged=0)
        for element in root:
            kind = {"node": "nodes", "way": "ways", "relation": "relations"}.get(element.tag)
            if kind is None:
                continue
            summary[kind] += 1
            if any(tag.get("k") in _QUERY_KEYS for tag in element.iter("tag")):
                summary["tagged"] += 1
        return summary
    return parse


def fetch_osm(
    gemeente: str,
    year: int,
    out_dir: Path | str,
    area_rd: shapely.Geometry,
    *,
    base_url: str | None = None,
    buffer_m: float = DEFAULT_BUFFER_M,
    timeout: float = 240,
    progress: Progress | None = None,
    config: Config | None = None,
    cache: UrlCache | None = None,
) -> tuple[FetchResult, OsmSummary]:
    """Download the OSM facilities around a municipality and save them as ``.osm`` XML.

    Parameters
    ----------
    gemeente
        Municipality code (names the file ``osm_{GM}.osm``).
    year
        Edition year of the other downloads (names ``fetch_{GM}_{year}.json``).
    out_dir
        Target directory.
    area_rd
        The municipality's outline in EPSG:28992.
    base_url
        Overpass endpoint; default :attr:`geo.config.Config.overpass_url`
        (``$WOONZORGATLAS_OVERPASS_URL``, else ``https://overpass-api.de/api/interpreter``).
    buffer_m
        Metres around the municipality's bounding box (>= 0).
    timeout
        Seconds to wait for the answer (Overpass may take minutes for a large area).
    progress
        Called with ``(fraction 0–1, Dutch message)``.
    config
        Settings; default :func:`geo.config.get_config`.
    cache
        Answers kept between runs (the query is one URL).

    Returns
    -------
    (FetchResult, OsmSummary)
        ``count`` is the number of tagged objects; the summary has all element counts.

    Raises
    ------
    ImportDataError
        On any network/HTTP problem (Overpass answers 429 when busy, 504 on overload),
        HTML, XML that is not OSM or is cut short, or an Overpass runtime error. Nothing
        is written then.
    """
    code = normalize_gemeente_code(gemeente)
    year = check_year(year)
    if not buffer_m >= 0:
        raise ImportDataError(f"buffer {buffer_m} m is ongeldig: geef 0 of meer.")
    base = base_url_of(base_url, "overpass_url", config)
    bbox = _bbox_wgs84(area_rd, buffer_m)
    query = overpass_query(bbox, server_timeout_s=max(25, int(timeout) - 15))
    url = f"{base}?{urllib.parse.urlencode({'data': query})}"
    source = Source(
        label="de voorzieningen uit OpenStreetMap (Overpass API)",
        manual=f"een OSM-uittreksel (.osm.pbf) van de provincie, bijv. van {_EXTRACT_URL},",
        client_hint=("Overpass weigert bij drukte (HTTP 429): wacht een paar minuten en "
                     "probeer opnieuw, of kies een andere Overpass-server (--overpass-url)."),
        build_hint="`python -m geo build … --facilities FILE`",
    )
    report(progress, 0.05, "OSM: zoekvraag naar Overpass gestuurd (dit kan een minuut duren)")
    downloaded: list[str] = []
    body_holder: dict[str, bytes] = {}
    parse = _parse(source)

    def parse_and_keep(body: bytes, content_type: str, url: str) -> OsmSummary:
        summary = parse(body, content_type, url)
        body_holder["body"] = body
        return summary

    summary = cached_request(url, source=source, timeout=timeout,
                             accept="application/osm3s+xml, application/xml;q=0.9",
                             cache=cache, parse=parse_and_keep, downloaded=downloaded)
    path = Path(out_dir) / f"osm_{code}.osm"
    report(progress, 0.9, f"OSM: {path.name} schrijven")
    body = body_holder["body"]
    write_atomic(path, lambda fh: fh.write(body.decode("utf-8")))
    meta = update_metadata(Path(out_dir), code, year, "osm", {
        "file": path.name,
        "source": f"OpenStreetMap via de Overpass API ({base})",
        "bbox_wgs84": [round(v, 6) for v in bbox],
        "buffer_m": buffer_m,
        "query": query,
        "downloaded": len(downloaded),
        "fetched_at": now(),
        **summary,
        "licence": LICENCE_OSM,
    })
    report(progress, 1.0, f"OSM: {summary['tagged']} objecten met voorzieningstags opgeslagen")
    return (FetchResult(path=path, metadata_path=meta, gemeente_code=code, year=year,
                        count=summary["tagged"], urls=(url,)), summary)
