"""Download CBS buurten (PDOK OGC API Features) and population figures (CBS OData v3).

The optional "refresh" path of ``python -m geo fetch`` (the command line lives in
:mod:`geo.cli`): when the machine is online, it downloads the buurt outlines of one
municipality and, if asked, the population per gemeente/wijk/buurt, and writes them next to
a metadata file:

- ``buurten_{GM}_{year}.geojson`` — :func:`fetch_buurten` (:mod:`geo.io.fetch.pdok`);
- ``bevolking_{GM}_{year}.csv`` — :func:`fetch_population` (:mod:`geo.io.fetch.cbs_odata`);
- ``fetch_{GM}_{year}.json`` — provenance: per download the URLs requested, the UTC
  time, the number of features or rows and the licence.

Only the standard library is used (:mod:`geo.io.fetch.http`). Base URLs come from the
``base_url`` argument, else from :class:`geo.config.Config` (``pdok_url``,
``cbs_odata_url``; environment variables ``WOONZORGATLAS_PDOK_URL`` /
``WOONZORGATLAS_CBS_ODATA_URL``). Only ``http``/``https`` URLs are ever opened, also for
paging links and redirects.

Every download is read completely into memory before anything is written, and every
file is written to a temporary file in the target directory and then moved into place
(:func:`os.replace`), so a failed download never leaves a partial file behind. Every
failure — offline, DNS, time-out, HTTP error, HTML or invalid JSON instead of data, an
unknown municipality — raises :class:`~geo.errors.ImportDataError` with a Dutch message
that says what happened and what to do.
"""

from __future__ import annotations

from geo.config import CBS_ODATA_URL_ENV, PDOK_URL_ENV
from geo.io.fetch._common import (
    BUILD_HINT,
    LICENCE_CBS,
    LICENCE_PDOK,
    MAX_PAGES,
    FetchResult,
    check_year,
)
from geo.io.fetch.cbs_odata import KWB_TABLES, POPULATION_COLUMNS, fetch_population, resolve_table
from geo.io.fetch.pdok import buurten_url, fetch_buurten
from geo.model.crs import normalize_gemeente_code

__all__ = [
    "BUILD_HINT",
    "CBS_ODATA_URL_ENV",
    "KWB_TABLES",
    "LICENCE_CBS",
    "LICENCE_PDOK",
    "MAX_PAGES",
    "PDOK_URL_ENV",
    "POPULATION_COLUMNS",
    "FetchResult",
    "buurten_url",
    "check_year",
    "fetch_buurten",
    "fetch_population",
    "normalize_gemeente_code",
    "resolve_table",
]
