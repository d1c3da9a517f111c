"""Requests through the cache, and paging of OGC API Features collections.

:func:`cached_request` is the one way the downloads ask for a URL: from the
:class:`~geo.io.fetch.cache.UrlCache` when it holds a valid answer, else from the server;
an answer is stored only after it passed the caller's checks. :func:`page_features`
follows the ``rel="next"`` links of an OGC API Features response (PDOK's CBS and BAG
APIs) and checks ``numberReturned`` / ``numberMatched`` where the server gives them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from geo.errors import DownloadError, ImportDataError
from geo.io.fetch._common import MAX_PAGES, Source, next_page
from geo.io.fetch.cache import UrlCache
from geo.io.fetch.http import decode_json, get_bytes

__all__ = ["GEOJSON_ACCEPT", "Paged", "cached_request", "next_link", "page_features"]

GEOJSON_ACCEPT = "application/geo+json, application/json;q=0.9"

T = TypeVar("T")


def cached_request(url: str, *, source: Source, timeout: float, accept: str,
                   cache: UrlCache | None, parse: Callable[[bytes, str, str], T],
                   downloaded: list[str] | None = None) -> T:
    """The parsed answer for ``url``: from ``cache`` if valid there, else downloaded.

    Parameters
    ----------
    url
        Address to ask.
    source
        How to word a failure for the user.
    timeout, accept
        Passed to :func:`geo.io.fetch.http.get_bytes`.
    cache
        Where answers are kept between runs; ``None`` always downloads.
    parse
        ``parse(body, content_type, url)`` decodes and checks an answer; it raises
        :class:`~geo.errors.DownloadError` or :class:`~geo.errors.ImportDataError` when
        the answer is not the data expected. Only answers it accepts are stored.
    downloaded
        When given, every URL actually requested from the server is appended.

    Raises
    ------
    ImportDataError
        On any network/HTTP problem or an answer ``parse`` refuses (worded by ``source``).
    """
    if cache is not None:
        body = cache.get(url)
        if body is not None:
            try:
                return parse(body, "", url)
            except ImportDataError:
                cache.discard(url)  # stored by another version, or damaged: fetch again
    if downloaded is not None:
        downloaded.append(url)
    try:
        body, content_type = get_bytes(url, timeout=timeout, accept=accept)
        value = parse(body, content_type, url)
    except DownloadError as exc:
        raise source.error(exc) from exc
    if cache is not None:
        cache.put(url, body)
    return value


def next_link(links: Any) -> str | None:
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


@dataclass
class Paged:
    """The features of all pages of one query.

    Attributes
    ----------
    features
        Every feature, in the order served.
    urls
        Every page URL, in order (from the cache or the server).
    downloaded
        The page URLs actually requested from the server (the rest came from the cache).
    """

    features: list[dict[str, Any]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)


def _feature_page(source: Source, check: Callable[[dict[str, Any], str], None]
                  ) -> Callable[[bytes, str, str], dict[str, Any]]:
    def parse(body: bytes, content_type: str, url: str) -> dict[str, Any]:
        data = decode_json(body, content_type, url)
        if not isinstance(data, dict) or data.get("type") != "FeatureCollection" \
                or not isinstance(data.get("features"), list):
            raise source.invalid("het antwoord is geen GeoJSON FeatureCollection", url)
        for feature in data["features"]:
            if not isinstance(feature, dict) or feature.get("type") != "Feature" \
                    or not isinstance(feature.get("properties"), dict):
                raise source.invalid("het antwoord bevat een object dat geen GeoJSON-Feature "
                                     "is", url)
            check(feature, url)
        returned = data.get("numberReturned")
        if isinstance(returned, int) and returned != len(data["features"]):
            raise source.invalid(f"de pagina meldt {returned} objecten maar bevat er "
                                 f"{len(data['features'])} (onvolledig antwoord)", url)
        return data
    return parse


def page_features(first_url: str, *, source: Source, timeout: float,
                  cache: UrlCache | None, check: Callable[[dict[str, Any], str], None],
                  max_pages: int = MAX_PAGES,
                  on_page: Callable[[int, int], None] | None = None) -> Paged:
    """All features of an OGC API Features query, following ``rel="next"`` links.

    Parameters
    ----------
    first_url
        The first page (``…/collections/{c}/items?…&f=json``).
    source
        How to word a failure.
    timeout
        Seconds per request.
    cache
        Answers kept between runs (resume); ``None`` for none.
    check
        ``check(feature, url)`` raises (via ``source.invalid``) for a feature that does
        not belong to the query (wrong collection, other municipality, …).
    max_pages
        Give up when more pages would follow.
    on_page
        Called with ``(page number, features so far)`` after every page.

    Raises
    ------
    ImportDataError
        On any failure, too many pages, paging that loops, or a total that differs from the
        ``numberMatched`` the server announced.
    """
    paged = Paged()
    parse = _feature_page(source, check)
    url = first_url
    matched: int | None = None
    for page in range(1, max_pages + 1):
        paged.urls.append(url)
        data = cached_request(url, source=source, timeout=timeout, accept=GEOJSON_ACCEPT,
                              cache=cache, parse=parse, downloaded=paged.downloaded)
        paged.features.extend(data["features"])
        if page == 1 and isinstance(data.get("numberMatched"), int):
            matched = data["numberMatched"]
        if on_page is not None:
            on_page(page, len(paged.features))
        href = next_link(data.get("links"))
        if href is None:
            break
        url = next_page(url, href, paged.urls, source)
    else:
        raise source.invalid(f"meer dan {max_pages} pagina's; de paginering van de server "
                             "lijkt niet te kloppen", url)
    if matched is not None and matched != len(paged.features):
        raise source.invalid(f"de server meldde {matched} objecten maar leverde er "
                             f"{len(paged.features)} over alle pagina's (onvolledig)",
                             first_url)
    return paged
