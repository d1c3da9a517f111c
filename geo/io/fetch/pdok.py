"""CBS buurten and wijken of one municipality from PDOK (OGC API Features), as GeoJSON.

``buurten_{GM}_{year}.geojson`` and ``wijken_{GM}_{year}.geojson`` are FeatureCollections
of the CBS buurten / wijken of the municipality, exactly as PDOK serves them (all CBS
properties, including the nabijheid distances where the edition has them), in the OGC
API's default CRS, **CRS84 (WGS84 lon/lat)**. We do not ask PDOK for RD New
(``crs=…28992``): GeoJSON is CRS84 by definition (RFC 7946), so the files stay valid for
every reader, and the CBS importer reprojects to :data:`geo.vocabulary.METRIC_CRS` anyway.
:mod:`geo.io.fetch.region` adds the wijk names (and missing nabijheid figures) to the
buurten file, so a build names core areas after villages, not ``WK173100``.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from geo.config import Config
from geo.errors import ImportDataError
from geo.io.fetch._common import (
    LICENCE_PDOK,
    MAX_PAGES,
    WBK_PAGE_URL,
    FetchResult,
    Source,
    base_url_of,
    check_year,
    now,
    update_metadata,
    write_atomic,
)
from geo.io.fetch.cache import UrlCache
from geo.io.fetch.ogc import page_features
from geo.io.progress import Progress, report
from geo.model.crs import normalize_gemeente_code

__all__ = ["PAGE_LIMIT", "buurten_url", "fetch_buurten", "fetch_wijken", "wijken_url"]

#: Features per OGC API page (PDOK's maximum).
PAGE_LIMIT: int = 1000

_BUURT_CODE_FIELDS = ("buurtcode", "buurt_code", "BU_CODE", "statcode")
_WIJK_CODE_FIELDS = ("wijkcode", "wijk_code", "WK_CODE", "statcode")
_GEMEENTE_CODE_FIELDS = ("gemeentecode", "gemeente_code", "GM_CODE")
_UNITS = {"buurt": _BUURT_CODE_FIELDS, "wijk": _WIJK_CODE_FIELDS}


def _collection_url(collection: str, gemeente: str, year: int, base_url: str | None,
                    config: Config | None) -> str:
    code = normalize_gemeente_code(gemeente)
    base = base_url_of(base_url, "pdok_url", config)
    query = urllib.parse.urlencode({"gemeentecode": code, "limit": PAGE_LIMIT, "f": "json"})
    dataset = f"wijken-en-buurten-{check_year(year)}"
    return f"{base}/cbs/{dataset}/ogc/v1/collections/{collection}/items?{query}"


def buurten_url(gemeente: str, year: int, *, base_url: str | None = None,
                config: Config | None = None) -> str:
    """Return the first PDOK OGC API Features URL for the buurten of a municipality.

    Parameters
    ----------
    gemeente
        Municipality code, ``"GM1731"`` or ``"1731"``.
    year
        Edition of the Wijk- en Buurtkaart.
    base_url
        Root of the PDOK APIs; default :attr:`geo.config.Config.pdok_url`.
    config
        Settings; default :func:`geo.config.get_config`.

    Raises
    ------
    ImportDataError
        On a bad code, year or base URL.

    Examples
    --------
    >>> buurten_url("1731", 2024, base_url="https://api.pdok.nl")  # doctest: +ELLIPSIS
    'https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items?gemeen...'
    """
    return _collection_url("buurten", gemeente, year, base_url, config)


def wijken_url(gemeente: str, year: int, *, base_url: str | None = None,
               config: Config | None = None) -> str:
    """Return the first PDOK OGC API Features URL for the wijken of a municipality.

    Same parameters and errors as :func:`buurten_url`.

    Examples
    --------
    >>> wijken_url("1731", 2024, base_url="https://api.pdok.nl")  # doctest: +ELLIPSIS
    'https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/wijken/items?gemeen...'
    """
    return _collection_url("wijken", gemeente, year, base_url, config)


def _first_field(properties: dict[str, Any], names: Iterable[str]) -> str | None:
    for name in names:
        value = properties.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _unit_check(code: str, source: Source, unit: str,
                code_fields: tuple[str, ...]) -> Callable[[dict[str, Any], str], None]:
    """A feature check: it carries a ``{unit}code`` of the municipality ``code``."""
    def check(feature: dict[str, Any], url: str) -> None:
        props = feature["properties"]
        own = _first_field(props, code_fields)
        if own is None:
            raise source.invalid(f"de objecten hebben geen veld '{unit}code'; is dit wel de "
                                 f"collectie '{unit}en' van CBS?", url)
        gemeente = _first_field(props, _GEMEENTE_CODE_FIELDS)
        other = gemeente if gemeente is not None else f"GM{own[2:6]}"
        if other.upper() != code:
            raise source.invalid(f"de server gaf ook {unit}en van een andere gemeente "
                                 f"({other}, {unit} {own}); het filter op gemeentecode "
                                 "werkt niet", url)
    return check


def _fetch_units(unit: str, gemeente: str, year: int, out_dir: Path | str, *,
                 base_url: str | None, timeout: float, progress: Progress | None,
                 max_pages: int, config: Config | None,
                 cache: UrlCache | None) -> FetchResult:
    """Download the ``{unit}en`` collection of one municipality and write it as GeoJSON."""
    code = normalize_gemeente_code(gemeente)
    year = check_year(year)
    out = Path(out_dir)
    collection = f"{unit}en"
    url = _collection_url(collection, code, year, base_url, config)
    source = Source(
        label=f"de CBS-{collection} van {year} (PDOK)",
        manual=f"de Wijk- en Buurtkaart {year} handmatig van {WBK_PAGE_URL.format(year=year)}",
        client_hint=(f"Controleer het jaar (PDOK publiceert de {collection} per jaargang; "
                     f"bestaat {year} al?) en de gemeentecode."),
    )
    code_fields = _UNITS[unit]

    def on_page(page: int, count: int) -> None:
        report(progress, 0.9 * page / (page + 1),
               f"{collection}: pagina {page} opgehaald ({count} {collection})")

    paged = page_features(url, source=source, timeout=timeout, cache=cache,
                          check=_unit_check(code, source, unit, code_fields),
                          max_pages=max_pages, on_page=on_page)
    features, urls = paged.features, paged.urls
    seen_codes: set[str] = set()
    for feature in features:
        own = _first_field(feature["properties"], code_fields) or ""
        if own in seen_codes:
            raise source.invalid(f"{unit} {own} komt twee keer voor; de paginering van de "
                                 "server klopt niet", url)
        seen_codes.add(own)
    if not features:
        raise ImportDataError(
            f"gemeente {code} niet gevonden in de CBS-{collection} van {year} (PDOK gaf 0 "
            f"{collection}). Controleer de gemeentecode (bijv. GM1731 voor Midden-Drenthe) en "
            f"of de gemeente in {year} bestond (herindelingen veranderen codes)."
        )

    path = out / f"{collection}_{code}_{year}.geojson"
    doc = {"type": "FeatureCollection", "name": path.stem, "features": features}
    report(progress, 0.95, f"{collection}: {path.name} schrijven")
    write_atomic(path, lambda fh: json.dump(doc, fh, ensure_ascii=False,
                                             separators=(",", ":")))
    meta = update_metadata(out, code, year, collection, {
        "file": path.name,
        "source": f"CBS Wijk- en Buurtkaart {year} via PDOK OGC API Features "
                  f"(wijken-en-buurten-{year}, collectie {collection})",
        "urls": urls,
        "downloaded": len(paged.downloaded),
        "fetched_at": now(),
        "feature_count": len(features),
        "crs": "OGC:CRS84",
        "licence": LICENCE_PDOK,
    })
    report(progress, 1.0, f"{collection}: {len(features)} {collection} opgeslagen")
    return FetchResult(path=path, metadata_path=meta, gemeente_code=code, year=year,
                       count=len(features), urls=tuple(urls))


def fetch_buurten(
    gemeente: str,
    year: int,
    out_dir: Path | str,
    *,
    base_url: str | None = None,
    timeout: float = 30,
    progress: Progress | None = None,
    max_pages: int = MAX_PAGES,
    config: Config | None = None,
    cache: UrlCache | None = None,
) -> FetchResult:
    """Download the CBS buurten of one municipality from PDOK and write them as GeoJSON.

    Requests ``{base}/cbs/wijken-en-buurten-{year}/ogc/v1/collections/buurten/items``
    with ``gemeentecode``, ``limit=1000`` and ``f=json`` and follows the ``rel="next"``
    links. The features are kept as served (CRS84 lon/lat, all CBS properties in the
    API's own naming, snake_case or camelCase) in ``buurten_{GM}_{year}.geojson``.

    Parameters
    ----------
    gemeente
        Municipality code, ``"GM1731"`` or ``"1731"``.
    year
        Edition of the Wijk- en Buurtkaart (PDOK has one API per year, e.g. 2023–2025).
    out_dir
        Directory for the GeoJSON file and ``fetch_{GM}_{year}.json``; created if needed.
    base_url
        Root of the PDOK APIs; default :attr:`geo.config.Config.pdok_url`
        (``$WOONZORGATLAS_PDOK_URL``, else ``https://api.pdok.nl``).
    timeout
        Seconds to wait for a connection or for data, per request.
    progress
        Called with ``(fraction 0–1, Dutch message)`` after every page.
    max_pages
        Give up (with an error) when more pages would follow.
    config
        Settings (PDOK URL); default :func:`geo.config.get_config`.
    cache
        Answers kept between runs (:class:`~geo.io.fetch.cache.UrlCache`); pages found
        there are not requested again. ``None`` (default) downloads everything.

    Returns
    -------
    FetchResult
        The files written, the number of buurten and the URLs requested.

    Raises
    ------
    ImportDataError
        On a bad code or year, any network or HTTP problem, an answer that is not a
        FeatureCollection of buurten, too many pages, or no buurten for the municipality.
        No output file is written or changed then.
    """
    return _fetch_units("buurt", gemeente, year, out_dir, base_url=base_url,
                        timeout=timeout, progress=progress, max_pages=max_pages,
                        config=config, cache=cache)


def fetch_wijken(
    gemeente: str,
    year: int,
    out_dir: Path | str,
    *,
    base_url: str | None = None,
    timeout: float = 30,
    progress: Progress | None = None,
    max_pages: int = MAX_PAGES,
    config: Config | None = None,
    cache: UrlCache | None = None,
) -> FetchResult:
    """Download the CBS wijken (with ``wijknaam``) of one municipality from PDOK.

    Same request, paging and checks as :func:`fetch_buurten` on the collection
    ``wijken``; writes ``wijken_{GM}_{year}.geojson``.

    Parameters
    ----------
    gemeente
        Municipality code, ``"GM1731"`` or ``"1731"``.
    year
        Edition of the Wijk- en Buurtkaart (PDOK has one API per year, e.g. 2023–2025).
    out_dir
        Directory for the GeoJSON file and ``fetch_{GM}_{year}.json``; created if needed.
    base_url
        Root of the PDOK APIs; default :attr:`geo.config.Config.pdok_url`
        (``$WOONZORGATLAS_PDOK_URL``, else ``https://api.pdok.nl``).
    timeout
        Seconds to wait for a connection or for data, per request.
    progress
        Called with ``(fraction 0–1, Dutch message)`` after every page.
    max_pages
        Give up (with an error) when more pages would follow.
    config
        Settings (PDOK URL); default :func:`geo.config.get_config`.
    cache
        Answers kept between runs (:class:`~geo.io.fetch.cache.UrlCache`); pages found
        there are not requested again. ``None`` (default) downloads everything.

    Returns
    -------
    FetchResult
        The files written, the number of wijken and the URLs requested.

    Raises
    ------
    ImportDataError
        As :func:`fetch_buurten`; no output file is written or changed then.
    """
    return _fetch_units("wijk", gemeente, year, out_dir, base_url=base_url,
                        timeout=timeout, progress=progress, max_pages=max_pages,
                        config=config, cache=cache)

