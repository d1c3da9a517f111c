"""Download everything a region needs: CBS, BAG and OpenStreetMap (online only).

``python -m geo fetch`` and the Data page's "Ophalen" (the command line lives in
:mod:`geo.cli`) call :func:`fetch_region`, which writes, next to a metadata file:

- ``wijken_{GM}_{year}.geojson`` — :func:`fetch_wijken` (:mod:`geo.io.fetch.pdok`);
- ``buurten_{GM}_{year}.geojson`` — :func:`fetch_buurten`, completed with wijk names and
  the CBS nabijheid distances (:mod:`geo.io.fetch.enrich`);
- ``bevolking_{GM}_{year}.csv`` — :func:`fetch_population` (:mod:`geo.io.fetch.cbs_odata`);
- ``bag_{GM}.gpkg`` — :func:`fetch_bag` (PDOK BAG OGC API, by bbox tiles);
- ``osm_{GM}.osm`` — :func:`fetch_osm` (Overpass API);
- ``fetch_{GM}_{year}.json`` — provenance: per download the URLs or requests, the UTC
  time, the counts and the licence.

A region of several municipalities: :func:`fetch_regions` fetches each one as above and
combines the files into one set a single build reads (:mod:`geo.io.fetch.multi`).

HTTP uses only the standard library (:mod:`geo.io.fetch.http`). Base URLs come from the
``base_url`` argument, else from :class:`geo.config.Config` (``pdok_url``,
``cbs_odata_url``, ``bag_url``, ``overpass_url``; environment variables
``WOONZORGATLAS_PDOK_URL``, ``…_CBS_ODATA_URL``, ``…_BAG_URL``, ``…_OVERPASS_URL``). Only
``http``/``https`` URLs are ever opened, also for paging links and redirects.

Every answer is read completely and checked before it is used; with a
:class:`~geo.io.fetch.cache.UrlCache` (``<data_dir>/cache/fetch``) it is then kept, so an
interrupted download resumes. Every file is written to a temporary file in the target
directory and then moved into place, so a failed download never leaves a partial file
behind. Every failure — offline, DNS, time-out, HTTP error, HTML or invalid JSON/XML
instead of data, an unknown municipality — raises :class:`~geo.errors.ImportDataError` with
a Dutch message that says what happened and what to do.
"""

from __future__ import annotations

from geo.config import BAG_URL_ENV, CBS_ODATA_URL_ENV, OVERPASS_URL_ENV, PDOK_URL_ENV
from geo.io.fetch._common import (
    BUILD_HINT,
    LICENCE_CBS,
    LICENCE_PDOK,
    MAX_PAGES,
    FetchResult,
    check_year,
)
from geo.io.fetch.bag import DEFAULT_TILE_M, LICENCE_BAG, bag_tiles, fetch_bag
from geo.io.fetch.cache import UrlCache, default_cache
from geo.io.fetch.cbs_odata import KWB_TABLES, POPULATION_COLUMNS, fetch_population, resolve_table
from geo.io.fetch.enrich import NABIJHEID_FIELDS, enrich_buurten, fetch_nabijheid
from geo.io.fetch.multi import fetch_regions, region_key
from geo.io.fetch.overpass import DEFAULT_BUFFER_M, LICENCE_OSM, fetch_osm, overpass_query
from geo.io.fetch.pdok import buurten_url, fetch_buurten, fetch_wijken, wijken_url
from geo.io.fetch.region import OPTIONAL_PARTS, FetchUrls, RegionFetch, fetch_region
from geo.model.crs import normalize_gemeente_code

__all__ = [
    "BAG_URL_ENV",
    "BUILD_HINT",
    "CBS_ODATA_URL_ENV",
    "DEFAULT_BUFFER_M",
    "DEFAULT_TILE_M",
    "KWB_TABLES",
    "LICENCE_BAG",
    "LICENCE_CBS",
    "LICENCE_OSM",
    "LICENCE_PDOK",
    "MAX_PAGES",
    "NABIJHEID_FIELDS",
    "OPTIONAL_PARTS",
    "OVERPASS_URL_ENV",
    "PDOK_URL_ENV",
    "POPULATION_COLUMNS",
    "FetchResult",
    "FetchUrls",
    "RegionFetch",
    "UrlCache",
    "bag_tiles",
    "buurten_url",
    "check_year",
    "default_cache",
    "enrich_buurten",
    "fetch_bag",
    "fetch_buurten",
    "fetch_nabijheid",
    "fetch_osm",
    "fetch_population",
    "fetch_region",
    "fetch_regions",
    "fetch_wijken",
    "normalize_gemeente_code",
    "overpass_query",
    "region_key",
    "resolve_table",
    "wijken_url",
]
