"""Download CBS buurten (PDOK OGC API Features) and population figures (CBS OData v3).

The optional "refresh" path of ``python -m geo fetch``: when the machine is online, it
downloads the buurt outlines of one municipality and, if asked, the population per
gemeente/wijk/buurt, and writes them next to a metadata file:

- ``buurten_{GM}_{year}.geojson`` — a GeoJSON FeatureCollection of the CBS buurten of
  the municipality, exactly as PDOK serves them (all CBS properties), in the OGC API's
  default CRS, **CRS84 (WGS84 lon/lat)**. We do not ask PDOK for RD New (``crs=…28992``):
  GeoJSON is CRS84 by definition (RFC 7946), so the file stays valid for every reader,
  and the CBS importer reprojects to :data:`geo.vocabulary.METRIC_CRS` anyway.
- ``bevolking_{GM}_{year}.csv`` — UTF-8, ``;``-separated, one row per region of the
  municipality (the gemeente, its wijken and buurten) from the StatLine table
  "Kerncijfers wijken en buurten" of that year; see :data:`POPULATION_COLUMNS`.
- ``fetch_{GM}_{year}.json`` — provenance: per download the URLs requested, the UTC
  time, the number of features or rows and the licence.

Only the standard library is used (:mod:`urllib.request`, :mod:`json`). Base URLs come
from, in this order: the ``base_url`` argument, the environment variables
``WOONZORGATLAS_PDOK_URL`` / ``WOONZORGATLAS_CBS_ODATA_URL``, and the module constants
:data:`PDOK_BASE_URL` / :data:`CBS_ODATA_BASE_URL` (read when a function is called).
Only ``http``/``https`` URLs are ever opened, also for paging links and redirects.

Every download is read completely into memory before anything is written, and every
file is written to a temporary file in the target directory and then moved into place
(:func:`os.replace`), so a failed download never leaves a partial file behind. Every
failure — offline, DNS, time-out, HTTP error, HTML or invalid JSON instead of data, an
unknown municipality — raises :class:`~geo.errors.ImportDataError` with a Dutch message
that says what happened and what to do.

The CBS OData v3 pitfalls handled (see the CBS documentation of the OData API):

- region keys are right-padded to 10 characters (``"GM1731    "``): stripped;
- column keys carry a table-specific numeric suffix (``AantalInwoners_5``): mapped to
  stable names via the table's ``DataProperties`` (by key without suffix, else by title);
- ``substringof('GM1731',WijkenEnBuurten)`` would only match the gemeente itself (wijk
  and buurt keys are ``WK1731…``/``BU1731…``), so the query filters on the four digits
  and the rows are then filtered exactly on positions 3–6 of the key;
- a result may be paged with ``odata.nextLink``: followed.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import re
import socket
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from geo.errors import DownloadError, ImportDataError, WoonzorgError
from geo.io._atomic import atomic_path
from geo.model.crs import normalize_gemeente_code

__all__ = [
    "CBS_ODATA_BASE_URL",
    "CBS_ODATA_URL_ENV",
    "KWB_TABLES",
    "LICENCE_CBS",
    "LICENCE_PDOK",
    "MAX_PAGES",
    "PDOK_BASE_URL",
    "PDOK_URL_ENV",
    "POPULATION_COLUMNS",
    "FetchResult",
    "add_fetch_arguments",
    "buurten_url",
    "fetch_buurten",
    "fetch_population",
    "normalize_gemeente_code",
    "run_fetch",
]

#: Default root of the PDOK APIs (the OGC API path is appended per year).
PDOK_BASE_URL: str = "https://api.pdok.nl"
#: Default root of the CBS OData v3 API (the table id is appended).
CBS_ODATA_BASE_URL: str = "https://opendata.cbs.nl/ODataApi/OData"
#: Environment variable that overrides :data:`PDOK_BASE_URL`.
PDOK_URL_ENV: str = "WOONZORGATLAS_PDOK_URL"
#: Environment variable that overrides :data:`CBS_ODATA_BASE_URL`.
CBS_ODATA_URL_ENV: str = "WOONZORGATLAS_CBS_ODATA_URL"

#: Features per OGC API page (PDOK's maximum).
PAGE_LIMIT: int = 1000
#: Give up after this many pages (a municipality has at most a few hundred buurten).
MAX_PAGES: int = 100
#: Refuse a single response larger than this (bytes).
MAX_RESPONSE_BYTES: int = 512 * 1024 * 1024

LICENCE_PDOK: str = "CC BY 4.0, bron: CBS/PDOK"
LICENCE_CBS: str = "CC BY 4.0, bron: CBS"

#: StatLine table ids of "Kerncijfers wijken en buurten" per year (OData v3). 2025
#: (86165NED) is only published in the new OData v4 format and is not supported here.
KWB_TABLES: dict[int, str] = {
    2014: "82931NED",
    2016: "83487NED",
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
}

#: Columns of ``bevolking_{GM}_{year}.csv``, in order. ``WijkenEnBuurten`` is the stripped
#: region code (``GM…``, ``WK…``, ``BU…``); the others are the StatLine keys without their
#: numeric suffix. Counts are absolute (rounded to multiples of 5 by CBS at buurt level);
#: a column the table lacks is left empty (and listed in the metadata).
POPULATION_COLUMNS: tuple[str, ...] = (
    "WijkenEnBuurten",
    "Gemeentenaam",
    "SoortRegio",
    "AantalInwoners",
    "k_0Tot15Jaar",
    "k_15Tot25Jaar",
    "k_25Tot45Jaar",
    "k_45Tot65Jaar",
    "k_65JaarOfOuder",
)

# Stable column -> accepted (normalised) StatLine titles, used when no key matches.
_POPULATION_TITLES: dict[str, tuple[str, ...]] = {
    "Gemeentenaam": ("gemeentenaam",),
    "SoortRegio": ("soort regio",),
    "AantalInwoners": ("aantal inwoners",),
    "k_0Tot15Jaar": ("0 tot 15 jaar",),
    "k_15Tot25Jaar": ("15 tot 25 jaar",),
    "k_25Tot45Jaar": ("25 tot 45 jaar",),
    "k_45Tot65Jaar": ("45 tot 65 jaar",),
    "k_65JaarOfOuder": ("65 jaar of ouder", "65 jaar en ouder"),
}
_REGION_KEY = "WijkenEnBuurten"
_REGION_KINDS = {"GM": "Gemeente", "WK": "Wijk", "BU": "Buurt"}

_BUURT_CODE_FIELDS = ("buurtcode", "buurt_code", "BU_CODE", "statcode")
_GEMEENTE_CODE_FIELDS = ("gemeentecode", "gemeente_code", "GM_CODE")

_WBK_PAGE_URL = ("https://www.cbs.nl/nl-nl/dossier/nederland-regionaal/geografische-data/"
                 "wijk-en-buurtkaart-{year}")
_STATLINE_URL = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table}/table"
_BUILD_HINT = "`python -m geo build --cbs FILE`"
_USER_AGENT = "woonzorgatlas-fetch/0.1 (+https://www.pdok.nl; python-urllib)"

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class FetchResult:
    """What a download wrote.

    Attributes
    ----------
    path : Path
        The data file (``.geojson`` or ``.csv``).
    metadata_path : Path
        The provenance file ``fetch_{GM}_{year}.json`` (shared by both downloads).
    gemeente_code : str
        Normalised municipality code, e.g. ``"GM1731"``.
    year : int
        Edition year asked for.
    count : int
        Number of features (buurten) or rows (regions) written.
    urls : tuple of str
        Every URL requested, in order (all pages).
    """

    path: Path
    metadata_path: Path
    gemeente_code: str
    year: int
    count: int
    urls: tuple[str, ...]


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


def _check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ImportDataError(f"jaar '{year}' is ongeldig: geef een jaargang zoals 2024.")
    return year


def _base(base_url: str | None, env: str, default: str) -> str:
    url = base_url or os.environ.get(env) or default
    _check_scheme(url)
    return url.rstrip("/")


def _check_scheme(url: str) -> None:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https") or not urllib.parse.urlsplit(url).netloc:
        raise ImportDataError(
            f"webadres '{url}' wordt niet ondersteund: alleen http:// en https:// zijn "
            "toegestaan."
        )


def buurten_url(gemeente: str, year: int, *, base_url: str | None = None) -> str:
    """Return the first PDOK OGC API Features URL for the buurten of a municipality.

    Examples
    --------
    >>> buurten_url("1731", 2024, base_url="https://api.pdok.nl")  # doctest: +ELLIPSIS
    'https://api.pdok.nl/cbs/wijken-en-buurten-2024/ogc/v1/collections/buurten/items?gemeen...'
    """
    code = normalize_gemeente_code(gemeente)
    base = _base(base_url, PDOK_URL_ENV, PDOK_BASE_URL)
    query = urllib.parse.urlencode({"gemeentecode": code, "limit": PAGE_LIMIT, "f": "json"})
    dataset = f"wijken-en-buurten-{_check_year(year)}"
    return f"{base}/cbs/{dataset}/ogc/v1/collections/buurten/items?{query}"


# --------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http/https URLs only (urllib would also follow ``ftp:``)."""

    def http_error_302(self, req, fp, code, msg, headers):  # noqa: ANN001, ANN201, D102
        location = headers.get("location") or headers.get("uri")
        if location:
            target = urllib.parse.urljoin(req.full_url, location)
            if urllib.parse.urlsplit(target).scheme.lower() not in ("http", "https"):
                fp.close()
                raise DownloadError("content", "de server verwijst door naar een "
                                     f"niet-toegestaan adres ({target})", req.full_url)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _describe_os_error(exc: BaseException, url: str, timeout: float) -> str:
    reason: BaseException | str = exc
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
    host = urllib.parse.urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        return f"de server '{host}' is niet gevonden (DNS-fout)"
    if isinstance(reason, TimeoutError):
        return f"geen antwoord binnen {timeout:g} s (time-out)"
    if isinstance(reason, ConnectionRefusedError):
        return f"de verbinding met '{host}' is geweigerd"
    if isinstance(reason, ConnectionError):
        return f"de verbinding met '{host}' is verbroken"
    if isinstance(reason, str) and "timed out" in reason:
        return f"geen antwoord binnen {timeout:g} s (time-out)"
    return f"netwerkfout ({reason})"


def _get_json(url: str, *, timeout: float, accept: str) -> Any:
    """GET ``url`` and return the decoded JSON; raise :class:`DownloadError` otherwise."""
    _check_scheme(url)
    request = urllib.request.Request(url, headers={"Accept": accept,
                                                   "User-Agent": _USER_AGENT})
    opener = urllib.request.build_opener(_HttpOnlyRedirects)
    try:
        with opener.open(request, timeout=timeout) as response:
            content_type = response.headers.get("Content-Type", "") or ""
            body = response.read(MAX_RESPONSE_BYTES + 1)
            # read(n) silently returns less than Content-Length when the server closes
            # early; ``length`` is then what is still missing.
            missing = getattr(response, "length", None)
            if len(body) <= MAX_RESPONSE_BYTES and missing:
                raise http.client.IncompleteRead(body, missing)
    except urllib.error.HTTPError as exc:
        kind = "server" if exc.code >= 500 else "client"
        exc.close()
        raise DownloadError(kind, f"de server antwoordde met HTTP {exc.code} ({exc.reason})",
                             url, exc.code) from exc
    except http.client.HTTPException as exc:  # IncompleteRead, RemoteDisconnected, …
        raise DownloadError("network", "de verbinding werd onderbroken tijdens het downloaden "
                             f"({type(exc).__name__})", url) from exc
    except OSError as exc:  # URLError, TimeoutError, ConnectionError, ssl errors
        raise DownloadError("network", _describe_os_error(exc, url, timeout), url) from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise DownloadError("content", "het antwoord is onverwacht groot (meer dan "
                             f"{MAX_RESPONSE_BYTES // 2**20} MB)", url)
    if "html" in content_type.lower() or body.lstrip()[:1] == b"<":
        raise DownloadError("content", "de server stuurde een webpagina (HTML) in plaats van "
                             "JSON-gegevens (een inlogpagina van een wifi-netwerk of proxy?)", url)
    try:
        return json.loads(body)
    except ValueError as exc:
        raise DownloadError("content", "het antwoord is geen geldige JSON (onvolledig of "
                             "beschadigd)", url) from exc


@dataclass(frozen=True)
class _Source:
    """How to word a failed download of one kind of data."""

    label: str  # "de CBS-buurten van 2024"
    manual: str  # "de Wijk- en Buurtkaart 2024 … van URL"
    client_hint: str  # what to check on HTTP 4xx

    def error(self, exc: DownloadError) -> ImportDataError:
        manual = f"download {self.manual} en gebruik {_BUILD_HINT}."
        if exc.kind == "network":
            todo = f"Geen internetverbinding? Controleer de verbinding, of {manual}"
        elif exc.kind == "client":
            todo = f"{self.client_hint} Of {manual}"
        else:
            todo = f"Probeer het later opnieuw, of {manual}"
        return ImportDataError(
            f"downloaden van {self.label} mislukt: {exc.reason} ({exc.url}). {todo}"
        )

    def invalid(self, problem: str, url: str) -> ImportDataError:
        return self.error(DownloadError("content", problem, url))


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), message)


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def _write_atomic(path: Path, write: Callable[[IO[str]], None]) -> None:
    """Write a text file atomically (:func:`geo.io._atomic.atomic_path`), synced to disk."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
    except (OSError, WoonzorgError) as exc:
        raise ImportDataError(f"kan niet schrijven naar '{path}': {exc}. Kies met --out een "
                              "map waarin u mag schrijven; is de schijf vol?") from exc


def _metadata_path(out_dir: Path, code: str, year: int) -> Path:
    return out_dir / f"fetch_{code}_{year}.json"


def _update_metadata(out_dir: Path, code: str, year: int, section: str,
                     entry: dict[str, Any]) -> Path:
    """Add or replace one download's entry in ``fetch_{GM}_{year}.json`` (atomically)."""
    path = _metadata_path(out_dir, code, year)
    downloads: dict[str, Any] = {}
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(old, dict) and isinstance(old.get("downloads"), dict):
            downloads = old["downloads"]
    except (OSError, ValueError):
        pass  # absent or unreadable: start afresh
    downloads[section] = entry
    doc = {"gemeente_code": code, "year": year, "downloads": downloads}
    _write_atomic(path, lambda fh: fh.write(json.dumps(doc, ensure_ascii=False, indent=2)
                                            + "\n"))
    return path


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------------------
# PDOK OGC API Features: buurten
# --------------------------------------------------------------------------------------


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


def _check_features(data: Any, code: str, url: str, source: _Source) -> list[dict[str, Any]]:
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


def _next_page(url: str, href: str, seen: list[str], source: _Source) -> str:
    """The absolute URL of the next page; refuses other schemes and loops back."""
    next_url = urllib.parse.urljoin(url, href)
    try:
        _check_scheme(next_url)
    except ImportDataError as exc:
        raise source.invalid(f"de link naar de volgende pagina is geen http(s)-adres "
                             f"({next_url})", url) from exc
    if next_url in seen:
        raise source.invalid("de link naar de volgende pagina verwijst naar een eerdere "
                             "pagina", url)
    return next_url


def fetch_buurten(
    gemeente: str,
    year: int,
    out_dir: Path | str,
    *,
    base_url: str | None = None,
    timeout: float = 30,
    progress: Progress | None = None,
    max_pages: int = MAX_PAGES,
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
        Root of the PDOK APIs; default ``$WOONZORGATLAS_PDOK_URL``, else
        :data:`PDOK_BASE_URL`.
    timeout
        Seconds to wait for a connection or for data, per request.
    progress
        Called with ``(fraction 0–1, Dutch message)`` after every page.
    max_pages
        Give up (with an error) when more pages would follow.

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
    year = _check_year(year)
    out = Path(out_dir)
    url: str = buurten_url(code, year, base_url=base_url)
    source = _Source(
        label=f"de CBS-buurten van {year} (PDOK)",
        manual=f"de Wijk- en Buurtkaart {year} handmatig van {_WBK_PAGE_URL.format(year=year)}",
        client_hint=(f"Controleer het jaar (PDOK publiceert de buurten per jaargang; bestaat "
                     f"{year} al?) en de gemeentecode."),
    )
    urls: list[str] = []
    features: list[dict[str, Any]] = []
    seen_codes: set[str] = set()
    for page in range(1, max_pages + 1):
        urls.append(url)
        try:
            data = _get_json(url, timeout=timeout,
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
        _report(progress, 0.9 * page / (page + 1),
                f"buurten: pagina {page} opgehaald ({len(features)} buurten)")
        href = _next_link(data.get("links"))
        if href is None:
            break
        url = _next_page(url, href, urls, source)
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
    _report(progress, 0.95, f"buurten: {path.name} schrijven")
    _write_atomic(path, lambda fh: json.dump(collection, fh, ensure_ascii=False,
                                             separators=(",", ":")))
    meta = _update_metadata(out, code, year, "buurten", {
        "file": path.name,
        "source": f"CBS Wijk- en Buurtkaart {year} via PDOK OGC API Features "
                  f"(wijken-en-buurten-{year}, collectie buurten)",
        "urls": urls,
        "fetched_at": _now(),
        "feature_count": len(features),
        "crs": "OGC:CRS84",
        "licence": LICENCE_PDOK,
    })
    _report(progress, 1.0, f"buurten: {len(features)} buurten opgeslagen")
    return FetchResult(path=path, metadata_path=meta, gemeente_code=code, year=year,
                       count=len(features), urls=tuple(urls))


# --------------------------------------------------------------------------------------
# CBS OData v3: population
# --------------------------------------------------------------------------------------


def _norm_title(text: Any) -> str:
    return " ".join(str(text or "").lower().split())


def _map_population_keys(properties: list[Any]) -> dict[str, str]:
    """Map stable column names to the table's suffixed keys via ``DataProperties``.

    A topic matches by its key without the numeric suffix (``k_65JaarOfOuder_12`` →
    ``k_65JaarOfOuder``, case-insensitive), else by its title (``"65 jaar of ouder"``).

    Examples
    --------
    >>> _map_population_keys([
    ...     {"Type": "Topic", "Key": "AantalInwoners_5", "Title": "Aantal inwoners"},
    ...     {"Type": "Topic", "Key": "Ouderen_12", "Title": "65 jaar of ouder"}])
    {'AantalInwoners': 'AantalInwoners_5', 'k_65JaarOfOuder': 'Ouderen_12'}
    """
    topics = [p for p in properties
              if isinstance(p, dict) and p.get("Type") == "Topic" and isinstance(p.get("Key"), str)]
    mapping: dict[str, str] = {}
    for stable, titles in _POPULATION_TITLES.items():
        by_key = [p["Key"] for p in topics
                  if re.sub(r"_\d+$", "", p["Key"]).lower() == stable.lower()]
        by_title = [p["Key"] for p in topics if _norm_title(p.get("Title")) in titles]
        if by_key or by_title:
            mapping[stable] = (by_key or by_title)[0]
    return mapping


def _odata_url(base: str, table: str, entity: str, params: dict[str, str]) -> str:
    query = "&".join(f"{key}={urllib.parse.quote(value, safe=',')}"
                     for key, value in params.items())
    return f"{base}/{table}/{entity}?{query}"


def _odata_values(data: Any, url: str, source: _Source) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("value"), list) \
            or not all(isinstance(row, dict) for row in data["value"]):
        raise source.invalid("het antwoord is geen OData-resultaat (geen lijst 'value')", url)
    return data["value"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _resolve_table(year: int, table_id: str | None) -> str:
    if table_id is not None:
        table = table_id.strip()
        if not re.fullmatch(r"[0-9A-Za-z]{5,12}", table):
            raise ImportDataError(f"tabel-id '{table_id}' is ongeldig: gebruik een StatLine-id "
                                  "zoals 85984NED.")
        return table
    if year not in KWB_TABLES:
        known = ", ".join(f"{y} ({t})" for y, t in sorted(KWB_TABLES.items()))
        raise ImportDataError(
            f"voor {year} is geen StatLine-tabel 'Kerncijfers wijken en buurten' bekend. "
            f"Bekende jaren: {known}. Geef anders zelf het tabel-id op (--table-id)."
        )
    return KWB_TABLES[year]


def fetch_population(
    gemeente: str,
    year: int,
    out_dir: Path | str,
    *,
    base_url: str | None = None,
    table_id: str | None = None,
    timeout: float = 30,
    progress: Progress | None = None,
    max_pages: int = MAX_PAGES,
) -> FetchResult:
    """Download population counts per gemeente, wijk and buurt from CBS StatLine (OData v3).

    Reads ``{base}/{table}/DataProperties`` to find the table's keys, then
    ``{base}/{table}/TypedDataSet?$filter=substringof('1731',WijkenEnBuurten)&$select=…``
    (following ``odata.nextLink``), keeps the rows whose code belongs to the municipality
    and writes ``bevolking_{GM}_{year}.csv`` with the columns :data:`POPULATION_COLUMNS`.

    Parameters
    ----------
    gemeente
        Municipality code, ``"GM1731"`` or ``"1731"``.
    year
        Year of the table "Kerncijfers wijken en buurten" (see :data:`KWB_TABLES`).
    out_dir
        Directory for ``bevolking_{GM}_{year}.csv`` and ``fetch_{GM}_{year}.json``.
    base_url
        Root of the OData v3 API; default ``$WOONZORGATLAS_CBS_ODATA_URL``, else
        :data:`CBS_ODATA_BASE_URL`.
    table_id
        StatLine table id to use instead of the one known for ``year``.
    timeout
        Seconds to wait for a connection or for data, per request.
    progress
        Called with ``(fraction 0–1, Dutch message)`` after every request.
    max_pages
        Give up (with an error) when more result pages would follow.

    Returns
    -------
    FetchResult
        The files written, the number of rows (regions) and the URLs requested.

    Raises
    ------
    ImportDataError
        On an unknown year without ``table_id``, any network or HTTP problem, a table
        without regions or inhabitants, or no rows for the municipality. No output file
        is written or changed then.
    """
    code = normalize_gemeente_code(gemeente)
    year = _check_year(year)
    table = _resolve_table(year, table_id)
    base = _base(base_url, CBS_ODATA_URL_ENV, CBS_ODATA_BASE_URL)
    out = Path(out_dir)
    wbk = _WBK_PAGE_URL.format(year=year)
    source = _Source(
        label=f"de bevolkingscijfers van {year} (CBS StatLine, tabel {table})",
        manual=(f"tabel {table} handmatig van {_STATLINE_URL.format(table=table)} of de Wijk- "
                f"en Buurtkaart {year} (met bevolking per buurt) van {wbk}"),
        client_hint=f"Controleer het tabel-id ({table}) en het jaar.",
    )
    accept = "application/json"
    urls: list[str] = []

    def get(url: str) -> Any:
        urls.append(url)
        try:
            return _get_json(url, timeout=timeout, accept=accept)
        except DownloadError as exc:
            raise source.error(exc) from exc

    props_url = _odata_url(base, table, "DataProperties", {"$format": "json"})
    properties = _odata_values(get(props_url), props_url, source)
    if not any(isinstance(p, dict) and p.get("Key") == _REGION_KEY for p in properties):
        raise source.invalid(f"de tabel heeft geen dimensie '{_REGION_KEY}'; is {table} wel "
                             "een tabel 'Kerncijfers wijken en buurten'?", props_url)
    mapping = _map_population_keys(properties)
    if "AantalInwoners" not in mapping:
        raise source.invalid("de tabel heeft geen onderwerp 'Aantal inwoners'; is dit wel een "
                             "tabel 'Kerncijfers wijken en buurten'?", props_url)
    _report(progress, 0.1, f"bevolking: kolommen van tabel {table} gelezen")

    digits = code[2:]
    select = [_REGION_KEY, *mapping.values()]
    url = _odata_url(base, table, "TypedDataSet", {
        "$filter": f"substringof('{digits}',{_REGION_KEY})",
        "$select": ",".join(select),
        "$format": "json",
    })
    rows: list[dict[str, Any]] = []
    for page in range(1, max_pages + 1):
        data = get(url)
        rows.extend(_odata_values(data, url, source))
        _report(progress, 0.1 + 0.8 * page / (page + 1),
                f"bevolking: pagina {page} opgehaald ({len(rows)} rijen)")
        href = data.get("odata.nextLink")
        if not isinstance(href, str) or not href:
            break
        url = _next_page(url, href, urls, source)
    else:
        raise source.invalid(f"meer dan {max_pages} pagina's; de paginering van de server "
                             "lijkt niet te kloppen", url)

    order = {"GM": 0, "WK": 1, "BU": 2}
    records: list[list[str]] = []
    for row in rows:
        region = _cell(row.get(_REGION_KEY)).upper()
        if region[:2] not in order or region[2:6] != digits:
            continue  # the filter also matches e.g. BU00173101 for "1731"
        record = {stable: _cell(row.get(key)) for stable, key in mapping.items()}
        record[_REGION_KEY] = region
        if not record.get("SoortRegio"):
            record["SoortRegio"] = _REGION_KINDS[region[:2]]
        records.append([record.get(column, "") for column in POPULATION_COLUMNS])
    if not records:
        raise ImportDataError(
            f"gemeente {code} niet gevonden in CBS-tabel {table} ({year}): geen gemeente, "
            "wijken of buurten met deze code. Controleer de gemeentecode (bijv. GM1731 voor "
            "Midden-Drenthe) en of de gemeente in dat jaar bestond."
        )
    records.sort(key=lambda r: (order[r[0][:2]], r[0]))

    path = out / f"bevolking_{code}_{year}.csv"

    def write_csv(fh: IO[str]) -> None:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(POPULATION_COLUMNS)
        writer.writerows(records)

    _report(progress, 0.95, f"bevolking: {path.name} schrijven")
    _write_atomic(path, write_csv)
    missing = [c for c in POPULATION_COLUMNS[1:] if c not in mapping and c != "SoortRegio"]
    meta = _update_metadata(out, code, year, "bevolking", {
        "file": path.name,
        "source": f"CBS StatLine, Kerncijfers wijken en buurten {year} (tabel {table}, "
                  "OData v3)",
        "table_id": table,
        "urls": urls,
        "fetched_at": _now(),
        "row_count": len(records),
        "buurt_count": sum(r[0].startswith("BU") for r in records),
        "columns": {stable: mapping.get(stable) for stable in POPULATION_COLUMNS[1:]},
        "missing_columns": missing,
        "licence": LICENCE_CBS,
    })
    _report(progress, 1.0, f"bevolking: {len(records)} regio's opgeslagen")
    return FetchResult(path=path, metadata_path=meta, gemeente_code=code, year=year,
                       count=len(records), urls=tuple(urls))


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``python -m geo fetch`` to ``parser``."""
    parser.add_argument("--gemeente", required=True,
                        help="CBS-gemeentecode, bijv. GM1731 of 1731 (Midden-Drenthe)")
    parser.add_argument("--year", type=int, required=True,
                        help="jaargang van de CBS-buurten, bijv. 2024")
    parser.add_argument("--out", required=True, help="map voor de gedownloade bestanden")
    parser.add_argument("--population", action="store_true",
                        help="ook de bevolking per gemeente/wijk/buurt downloaden "
                        "(CBS StatLine, Kerncijfers wijken en buurten)")
    parser.add_argument("--table-id",
                        help="StatLine-tabel voor de bevolking (standaard die van het jaar, "
                        f"bekend: {min(KWB_TABLES)}–{max(KWB_TABLES)})")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconden wachten per verzoek (standaard 30)")
    parser.add_argument("--pdok-url", help=f"basisadres PDOK (standaard ${PDOK_URL_ENV} of "
                        f"{PDOK_BASE_URL})")
    parser.add_argument("--cbs-url", help=f"basisadres CBS OData (standaard "
                        f"${CBS_ODATA_URL_ENV} of {CBS_ODATA_BASE_URL})")


def _print_progress(fraction: float, message: str) -> None:
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def run_fetch(args: argparse.Namespace) -> int:
    """Run ``python -m geo fetch``: progress to stderr, a Dutch summary to stdout.

    Returns
    -------
    int
        ``0`` on success.

    Raises
    ------
    ImportDataError
        When a download fails (files of an earlier, successful step are kept).
    """
    code = normalize_gemeente_code(args.gemeente)
    year = _check_year(args.year)
    # Check the population table before downloading anything, so a bad year fails fast.
    if args.population:
        _resolve_table(year, getattr(args, "table_id", None))
    timeout = float(getattr(args, "timeout", 30.0))
    results = [("buurten", fetch_buurten(code, year, args.out,
                                         base_url=getattr(args, "pdok_url", None),
                                         timeout=timeout, progress=_print_progress))]
    if args.population:
        results.append(("bevolking", fetch_population(
            code, year, args.out, base_url=getattr(args, "cbs_url", None),
            table_id=getattr(args, "table_id", None), timeout=timeout,
            progress=_print_progress)))
    print(f"Gedownload voor {code} ({year}):")
    for kind, result in results:
        unit = "buurten" if kind == "buurten" else "regio's (gemeente, wijken, buurten)"
        print(f"  {kind}: {result.count} {unit} -> {result.path}")
    print(f"  herkomst en licentie: {results[0][1].metadata_path}")
    licences = LICENCE_PDOK + (f"; {LICENCE_CBS}" if args.population else "")
    print(f"Licentie: {licences}. Laad de buurten met {_BUILD_HINT}.")
    return 0
