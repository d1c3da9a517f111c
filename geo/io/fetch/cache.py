"""A local cache of downloaded answers, keyed by URL: what makes a download resumable.

Every answer that was received completely **and** passed the checks of its download
(a valid FeatureCollection page, an OData result, complete Overpass XML) is stored under
``<root>/<sha256 of the URL>.bin`` (written atomically, so an interrupted write leaves no
entry). A second run asks the cache first: after an interrupted download, the pages and
tiles already fetched are read from disk and only the missing ones are requested.

The default root is ``<data_dir>/cache/fetch`` (:attr:`geo.config.Config.data_dir`).
Entries older than ``max_age_days`` (default :data:`DEFAULT_MAX_AGE_DAYS`) are fetched
again, so a later run brings fresh data; ``refresh=True`` ignores older entries for this
run only (what it downloads is stored again).

Examples
--------
>>> import tempfile
>>> cache = UrlCache(Path(tempfile.mkdtemp()))
>>> cache.get("https://example.org/a") is None
True
>>> cache.put("https://example.org/a", b"{}")
>>> cache.get("https://example.org/a"), cache.hits
(b'{}', 1)
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from geo.config import Config, get_config
from geo.errors import ImportDataError, WoonzorgError
from geo.io._atomic import atomic_path

__all__ = ["DEFAULT_MAX_AGE_DAYS", "UrlCache", "default_cache"]

#: Entries older than this many days are downloaded again (PDOK's BAG changes daily, the
#: CBS figures once or twice a year; a week keeps a re-run fast and the data current).
DEFAULT_MAX_AGE_DAYS: float = 7.0


class UrlCache:
    """Answers stored on disk by URL (see the module docstring).

    Parameters
    ----------
    root
        Directory of the entries (created on the first :meth:`put`).
    max_age_days
        Entries older than this are treated as absent; ``None`` keeps them forever.
    refresh
        Treat every entry written before this object was made as absent.

    Attributes
    ----------
    hits, stored
        Number of answers read from and written to the cache by this object.
    """

    def __init__(self, root: Path | str, *, max_age_days: float | None = DEFAULT_MAX_AGE_DAYS,
                 refresh: bool = False) -> None:
        self.root = Path(root)
        self.max_age_s = None if max_age_days is None else float(max_age_days) * 86400.0
        self.not_before = time.time() if refresh else None
        self.hits = 0
        self.stored = 0

    def path(self, url: str) -> Path:
        """The file of the entry for ``url`` (it need not exist)."""
        return self.root / f"{hashlib.sha256(url.encode('utf-8')).hexdigest()}.bin"

    def get(self, url: str) -> bytes | None:
        """The stored answer for ``url``, or ``None`` when absent, too old or unreadable."""
        path = self.path(url)
        try:
            mtime = path.stat().st_mtime
            if self.max_age_s is not None and time.time() - mtime > self.max_age_s:
                return None
            if self.not_before is not None and mtime < self.not_before:
                return None
            body = path.read_bytes()
        except OSError:
            return None
        self.hits += 1
        return body

    def put(self, url: str, body: bytes) -> None:
        """Store the answer for ``url`` atomically.

        Raises
        ------
        ImportDataError
            When the cache directory cannot be written (Dutch message naming it).
        """
        path = self.path(url)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(path) as tmp, open(tmp, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
        except (OSError, WoonzorgError) as exc:
            raise ImportDataError(
                f"kan de downloadcache niet schrijven in '{self.root}': {exc}. Kies een "
                "andere datamap (WOONZORGATLAS_DATA_DIR) of zet de cache uit (--no-cache)."
            ) from exc
        self.stored += 1

    def discard(self, url: str) -> None:
        """Remove the entry for ``url`` (e.g. when it no longer passes the checks)."""
        self.path(url).unlink(missing_ok=True)


def default_cache(config: Config | None = None, *, refresh: bool = False) -> UrlCache:
    """The cache in ``<data_dir>/cache/fetch`` of the configuration in force."""
    return UrlCache((config or get_config()).data_dir / "cache" / "fetch", refresh=refresh)
