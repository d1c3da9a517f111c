"""CBS buurten of one municipality from PDOK (OGC API Features), written as GeoJSON.

``buurten_{GM}_{year}.geojson`` is a FeatureCollection of the CBS buurten of the
municipality, exactly as PDOK serves them (all CBS properties), in the OGC API's default
CRS, **CRS84 (WGS84 lon/lat)**. We do not ask PDOK for RD New (``crs=…28992``): GeoJSON is
CRS84 by definition (RFC 7946), so the file stays valid for every reader, and the CBS
importer reprojects to :data:`geo.vocabulary.METRIC_CRS` anyway.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geo.config import Config
from geo.errors import DownloadError, ImportDataError
from geo.io.fetch._common import (
    LICENCE_PDOK,
    MAX_PAGES,
    WBK_PAGE_URL,
    FetchResult,
    Source,
    base_url_of,
    check_year,
    next_page,
    now,
    update_metadata,
    write_atomic,
)
from geo.io.fetch.http import get_json
from geo.io.progress import Progress, report
from geo.model.crs import normalize_gemeente_code

__all__ = ["PAGE_LIMIT", "buurten_url", "fetch_buurten"]

#: Features per OGC API page (PDOK's maximum).
PAGE_LIMIT: int = 1000

_BUURT_CODE_FIELDS = ("buurtcode", "buurt_code", "BU_CODE", "statcode")
_GEMEENTE_CODE_FIELDS = ("gemeentecode", "gemeente_code", "GM_CODE")


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
    code = normalize_gemeente_code(gemeente)
    base = base_url_of(base_url, "pdok_url", config)
    query = urllib.parse.urlencode({"gemeentecode": code, "limit": PAGE_LIMIT, "f": "json"})
    dataset = f"wijken-en-buurten-{check_year(year)}"
    return f"{base}/cbs/{dataset}/ogc/v1/collections/buurten/items?{query}"


def _next_link(links: Any) -> str | None:
    """Return the ``rel="next"`` href of an OGC API response (preferring a JSON one)."""
    if not isinstance(links, list):
        return None
    nexts = [link for link in links
             if isinstance(link, dict) and link.get("rel") == "next"
             and isinstance(link.get("href"), str) and link["href"]]
    for link in nexts:
        if "json" in str(link.get("type", "")):
            return link["href"]
    return nexts[0]["href"] if nexts else None


def _first_field(properties: dict[str, Any], names: Iterable[str]) -> str | None:
    for name in names:
        value = properties.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _check_features(data: Any, code: str, url: str, source: Source) -> list[dict[str, Any]]:
    """Validate one OGC API page and return its features."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
            or not isinstance(data.get("features"), list):
        raise source.invalid("het antwoord is geen GeoJSON FeatureCollection", url)
    features = data["features"]
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict) or feature.get("type") != "Feature":
            raise source.invalid("het antwoord bevat een object dat geen GeoJSON-Feature is",
                                 url)
        buurt = _first_field(props, _BUURT_CODE_FIELDS)
        if buurt is None:
            raise source.invalid("de objecten hebben geen veld 'buurtcode'; is dit wel de "
                                 "collectie 'buurten' van CBS?", url)
        gemeente = _first_field(props, _GEMEENTE_CODE_FIELDS)
        other = gemeente if gemeente is not None else f"GM{buurt[2:6]}"
        if other.upper() != code:
            raise source.invalid(f"de server gaf ook buurten van een andere gemeente "
                                 f"({other}, buurt {buurt}); het filter op gemeentecode "
                                 "werkt niet", url)
    return features


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
) -> FetchResult:
    """Download the CBS buurten of one municipality from PDOK and write them as GeoJSON.

    Requests ``{base}/cbs/wijken-en-buurten-{year}/ogc/v1/collections/buurten/items``
    with ``gemeentecode``, ``limit=1000`` and ``f=json`` and follows the ``rel="next"``
    links. The features are kept as served (CRS84 lon/lat, all CBS properties in the
    API's own naming, snake_case or camelCase).

    Parameters
    ----------
    gemeente
        Municipality code, ``"GM1731"`` or ``"1731"``.
    year
        Edition of the Wijk- en Buurtkaart (PDOK has one API per year, e.g. 2023–2025).
    out_dir
        Directory for ``buurten_{GM}_{year}.geojson`` and ``fetch_{GM}_{year}.json``;
        created if needed.
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
    code = normalize_gemeente_code(gemeente)
    year = check_year(year)
    out = Path(out_dir)
    url: str = buurten_url(code, year, base_url=base_url, config=config)
    source = Source(
        label=f"de CBS-buurten van {year} (PDOK)",
        manual=f"de Wijk- en Buurtkaart {year} handmatig van {WBK_PAGE_URL.format(year=year)}",
        client_hint=(f"Controleer het jaar (PDOK publiceert de buurten per jaargang; bestaat "
                     f"{year} al?) en de gemeentecode."),
    )
    urls: list[str] = []
    features: list[dict[str, Any]] = []
    seen_codes: set[str] = set()
    for page in range(1, max_pages + 1):
        urls.append(url)
        try:
            data = get_json(url, timeout=timeout,
                             accept="application/geo+json, application/json;q=0.9")
        except DownloadError as exc:
            raise source.error(exc) from exc
        for feature in _check_features(data, code, url, source):
            buurt = _first_field(feature["properties"], _BUURT_CODE_FIELDS) or ""
            if buurt in seen_codes:
                raise source.invalid(f"buurt {buurt} komt twee keer voor; de paginering "
                                     "van de server klopt niet", url)
            seen_codes.add(buurt)
            features.append(feature)
        report(progress, 0.9 * page / (page + 1),
                f"buurten: pagina {page} opgehaald ({len(features)} buurten)")
        href = _next_link(data.get("links"))
        if href is None:
            break
        url = next_page(url, href, urls, source)
    else:
        raise source.invalid(f"meer dan {max_pages} pagina's; dat is te veel voor één "
                             "gemeente, de paginering van de server lijkt niet te kloppen",
                             url)

    if not features:
        raise ImportDataError(
            f"gemeente {code} niet gevonden in de CBS-buurten van {year} (PDOK gaf 0 "
            f"buurten). Controleer de gemeentecode (bijv. GM1731 voor Midden-Drenthe) en of de "
            f"gemeente in {year} bestond (herindelingen veranderen codes)."
        )

    path = out / f"buurten_{code}_{year}.geojson"
    collection = {"type": "FeatureCollection", "name": path.stem, "features": features}
    report(progress, 0.95, f"buurten: {path.name} schrijven")
    write_atomic(path, lambda fh: json.dump(collection, fh, ensure_ascii=False,
                                             separators=(",", ":")))
    meta = update_metadata(out, code, year, "buurten", {
        "file": path.name,
        "source": f"CBS Wijk- en Buurtkaart {year} via PDOK OGC API Features "
                  f"(wijken-en-buurten-{year}, collectie buurten)",
        "urls": urls,
        "fetched_at": now(),
        "feature_count": len(features),
        "crs": "OGC:CRS84",
        "licence": LICENCE_PDOK,
    })
    report(progress, 1.0, f"buurten: {len(features)} buurten opgeslagen")
    return FetchResult(path=path, metadata_path=meta, gemeente_code=code, year=year,
                       count=len(features), urls=tuple(urls))
