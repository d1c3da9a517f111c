"""The HTTP client of the downloads: standard library only, http(s) only, all in memory.

:func:`get_bytes` GETs one URL and returns its body (:func:`get_json` also decodes JSON), or
raises :class:`~geo.errors.DownloadError` with a ``kind`` (``network``, ``client``,
``server``, ``content``) and a Dutch reason; the modules of :mod:`geo.io.fetch` word that
for the user. Only ``http``/``https`` URLs are ever
opened, also for redirects (:func:`check_scheme`); an answer is read completely (at most
:data:`MAX_RESPONSE_BYTES`) before it is parsed.
"""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from geo.errors import DownloadError, ImportDataError

__all__ = ["MAX_RESPONSE_BYTES", "USER_AGENT", "DownloadError", "check_scheme", "decode_json",
           "get_bytes", "get_json"]

#: Refuse a single response larger than this (bytes).
MAX_RESPONSE_BYTES: int = 512 * 1024 * 1024
#: The ``User-Agent`` header of every request.
USER_AGENT = "woonzorgatlas-fetch/0.1 (+https://www.pdok.nl; python-urllib)"


def check_scheme(url: str) -> None:
    """Refuse every URL that is not ``http://`` or ``https://`` with a host.

    Raises
    ------
    ImportDataError
        For another scheme (``ftp:``, ``file:``, ``javascript:``) or no host.
    """
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https") or not urllib.parse.urlsplit(url).netloc:
        raise ImportDataError(
            f"webadres '{url}' wordt niet ondersteund: alleen http:// en https:// zijn "
            "toegestaan."
        )


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


def get_bytes(url: str, *, timeout: float, accept: str) -> tuple[bytes, str]:
    """GET ``url`` and return the complete body and its ``Content-Type``.

    Parameters
    ----------
    url
        ``http``/``https`` address (redirects are followed to such addresses only).
    timeout
        Seconds to wait for a connection or for data.
    accept
        The ``Accept`` header.

    Returns
    -------
    tuple of (bytes, str)
        The body (read completely, at most :data:`MAX_RESPONSE_BYTES`) and the content type
        (``""`` when the server sends none).

    Raises
    ------
    ImportDataError
        When ``url`` is not http(s).
    DownloadError
        On any network or HTTP problem, an answer cut short or larger than
        :data:`MAX_RESPONSE_BYTES`; ``kind`` says which.
    """
    check_scheme(url)
    request = urllib.request.Request(url, headers={"Accept": accept,
                                                   "User-Agent": USER_AGENT})
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
    return body, content_type


def decode_json(body: bytes, content_type: str, url: str) -> Any:
    """Decode a JSON answer; refuse HTML (a captive portal, a proxy) and broken JSON.

    Raises
    ------
    DownloadError
        ``kind="content"`` for HTML or invalid JSON.
    """
    if "html" in content_type.lower() or body.lstrip()[:1] == b"<":
        raise DownloadError("content", "de server stuurde een webpagina (HTML) in plaats van "
                             "JSON-gegevens (een inlogpagina van een wifi-netwerk of proxy?)", url)
    try:
        return json.loads(body)
    except ValueError as exc:
        raise DownloadError("content", "het antwoord is geen geldige JSON (onvolledig of "
                             "beschadigd)", url) from exc


def get_json(url: str, *, timeout: float, accept: str) -> Any:
    """GET ``url`` and return the decoded JSON (:func:`get_bytes`, :func:`decode_json`).

    Raises
    ------
    ImportDataError
        When ``url`` is not http(s).
    DownloadError
        On any network or HTTP problem, an answer larger than
        :data:`MAX_RESPONSE_BYTES`, HTML, or invalid JSON; ``kind`` says which.
    """
    body, content_type = get_bytes(url, timeout=timeout, accept=accept)
    return decode_json(body, content_type, url)
