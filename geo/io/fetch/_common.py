"""What the downloads share: inputs, base URLs, error wording, atomic writing, provenance.

Base URLs come from the ``base_url`` argument, else from :class:`geo.config.Config`
(``pdok_url`` / ``cbs_odata_url``, i.e. ``WOONZORGATLAS_PDOK_URL`` /
``WOONZORGATLAS_CBS_ODATA_URL`` or the defaults). Every file is written to a temporary file
in the target directory, synced and moved into place, so a failed download never leaves a
partial file behind.
"""

from __future__ import annotations

import json
import os
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from geo.config import Config, get_config
from geo.errors import DownloadError, ImportDataError, WoonzorgError
from geo.io._atomic import atomic_path
from geo.io.fetch.http import check_scheme

__all__ = [
    "BUILD_HINT",
    "LICENCE_CBS",
    "LICENCE_PDOK",
    "MAX_PAGES",
    "WBK_PAGE_URL",
    "FetchResult",
    "Source",
    "base_url_of",
    "check_year",
    "next_page",
    "now",
    "update_metadata",
    "write_atomic",
]

#: Give up after this many pages (a municipality has at most a few hundred buurten).
MAX_PAGES: int = 100

LICENCE_PDOK: str = "CC BY 4.0, bron: CBS/PDOK"
LICENCE_CBS: str = "CC BY 4.0, bron: CBS"

#: Where to download the Wijk- en Buurtkaart by hand (``{year}`` filled in).
WBK_PAGE_URL = ("https://www.cbs.nl/nl-nl/dossier/nederland-regionaal/geografische-data/"
                "wijk-en-buurtkaart-{year}")
#: How to load downloaded (or hand-downloaded) files (Dutch hint for messages).
BUILD_HINT = "`python -m geo build --cbs FILE`"


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


def check_year(year: int) -> int:
    """Return ``year`` if it is a plausible edition year (1990–2100).

    Raises
    ------
    ImportDataError
        Otherwise, with a Dutch message.
    """
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ImportDataError(f"jaar '{year}' is ongeldig: geef een jaargang zoals 2024.")
    return year


def base_url_of(base_url: str | None, field: str, config: Config | None = None) -> str:
    """The root URL to use: ``base_url`` if given, else ``config.<field>``, without ``/``.

    Parameters
    ----------
    base_url
        Explicit root (checked to be http(s)); ``None`` or ``""`` for the configured one.
    field
        ``"pdok_url"`` or ``"cbs_odata_url"``.
    config
        Settings; default :func:`geo.config.get_config` (only read without ``base_url``).

    Raises
    ------
    ImportDataError
        When ``base_url`` is not an http(s) URL.
    ConfigError
        When the configuration (environment) holds an invalid URL.
    """
    url = base_url or getattr(config or get_config(), field)
    check_scheme(url)
    return url.rstrip("/")


@dataclass(frozen=True)
class Source:
    """How to word a failed download of one kind of data (:meth:`error`, :meth:`invalid`)."""

    label: str  # "de CBS-buurten van 2024"
    manual: str  # "de Wijk- en Buurtkaart 2024 … van URL"
    client_hint: str  # what to check on HTTP 4xx
    build_hint: str = BUILD_HINT  # how to load a hand-downloaded file

    def error(self, exc: DownloadError) -> ImportDataError:
        """The user's error for a failed request: what happened and what to do."""
        manual = f"download {self.manual} en gebruik {self.build_hint}."
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
        """The user's error for an answer that is not the data expected."""
        return self.error(DownloadError("content", problem, url))


def next_page(url: str, href: str, seen: list[str], source: Source) -> str:
    """The absolute URL of the next page; refuses other schemes and loops back."""
    next_url = urllib.parse.urljoin(url, href)
    try:
        check_scheme(next_url)
    except ImportDataError as exc:
        raise source.invalid(f"de link naar de volgende pagina is geen http(s)-adres "
                             f"({next_url})", url) from exc
    if next_url in seen:
        raise source.invalid("de link naar de volgende pagina verwijst naar een eerdere "
                             "pagina", url)
    return next_url


def write_atomic(path: Path, write: Callable[[IO[str]], None]) -> None:
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


def update_metadata(out_dir: Path, code: str, year: int, section: str,
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
    write_atomic(path, lambda fh: fh.write(json.dumps(doc, ensure_ascii=False, indent=2)
                                           + "\n"))
    return path


def now() -> str:
    """The current UTC time as ISO 8601 text, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")
