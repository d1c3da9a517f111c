"""The one boundary between Woonzorgatlas and GDAL (through pyogrio).

Everything in :mod:`geo.io` that reads or writes a GDAL format goes through this module,
and ``pyogrio`` is imported nowhere else in :mod:`geo.io`:

- :func:`harden_gdal` keeps GDAL from opening OGR VRT files (which can read server-local
  files and URLs named inside an upload). It sets ``GDAL_SKIP`` and, when pyogrio is
  already loaded, registers the drivers again so the setting takes effect; if the VRT
  driver is still there, nothing is read. Entry points (``geo/__init__``, ``app.py``, the
  test set-up) call it before anything imports pyogrio; every wrapper below calls it again.
- :func:`read_dataframe`, :func:`read_info`, :func:`list_layers` and
  :func:`write_dataframe` wrap the pyogrio functions of the same name. ``pyogrio`` is
  imported lazily, so importing this module never registers GDAL's drivers.
- :func:`scrub_message` turns a GDAL error into text fit for a user: in-memory paths
  (``/vsimem/…``) replaced by the file's display name, GDAL's hints cut, length capped.
"""

from __future__ import annotations

import importlib
import io
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import ImportDataError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "VRT_DRIVERS",
    "harden_gdal",
    "list_layers",
    "read_dataframe",
    "read_info",
    "scrub_message",
    "write_dataframe",
]

#: GDAL drivers that must never be available: they follow references inside a file.
VRT_DRIVERS: tuple[str, ...] = ("OGR_VRT", "VRT")

Source = bytes | str | os.PathLike[str]


def harden_gdal(*, strict: bool = True) -> bool:
    """Make sure GDAL cannot open OGR VRT files, whatever the import order was.

    Adds :data:`VRT_DRIVERS` to the ``GDAL_SKIP`` environment variable (keeping what is
    there). If pyogrio is not loaded yet, that is enough: GDAL reads ``GDAL_SKIP`` when it
    registers its drivers. If it is loaded (e.g. by geopandas in a test run), GDAL applies
    ``GDAL_SKIP`` again on every registration, so the drivers are registered once more.

    Parameters
    ----------
    strict
        Raise when the VRT driver is still registered afterwards (default); with
        ``False`` return ``False`` instead (for import time, where a refusal would stop
        the app before it can show the message).

    Returns
    -------
    bool
        ``True`` when GDAL cannot open VRT files (or will not, once pyogrio loads).

    Raises
    ------
    ImportDataError
        With ``strict``, when the VRT driver cannot be removed; no file is read then.
    """
    skip = [part for part in re.split(r"[ ,]+", os.environ.get("GDAL_SKIP", "")) if part]
    missing = [drv for drv in VRT_DRIVERS if drv not in skip]
    if missing:
        os.environ["GDAL_SKIP"] = ",".join([*skip, *missing])
    if "pyogrio" not in sys.modules:
        return True
    pyogrio = sys.modules["pyogrio"]
    if "OGR_VRT" not in pyogrio.list_drivers():
        return True
    try:
        register = importlib.import_module("pyogrio._ogr")._register_drivers
    except (ImportError, AttributeError):  # private API; fall through to the check
        register = None
    if register is not None:
        register()
    if "OGR_VRT" not in pyogrio.list_drivers():
        return True
    if not strict:
        return False
    raise ImportDataError(
        "de server is onveilig ingesteld: GDAL kan VRT-bestanden openen. Start de app "
        "opnieuw met GDAL_SKIP=OGR_VRT,VRT; tot dan worden geen bestanden gelezen."
    )


def _pyogrio() -> Any:
    """pyogrio, imported after :func:`harden_gdal` (which refuses an unsafe GDAL)."""
    harden_gdal()
    import pyogrio

    harden_gdal()  # the first import registered the drivers: check the result
    return pyogrio


def _source(source: Source) -> Any:
    return io.BytesIO(source) if isinstance(source, bytes | bytearray) else source


def scrub_message(exc: BaseException, label: str) -> str:
    """A GDAL/pyogrio error as text for a user.

    In-memory paths (``/vsimem/…``, ``/vsizip//vsimem/…``) become ``label``, GDAL's
    "It might help…" hints are cut and the text is at most 300 characters.

    Examples
    --------
    >>> scrub_message(RuntimeError("'/vsimem/pyogrio_1a2b' not recognized; It might help "
    ...                            "to …"), "buurten.gpkg")
    "'buurten.gpkg' not recognized"
    """
    text = re.sub(r"(/vsizip/)?/vsimem/[^\s'\"]*", label, str(exc))
    text = text.split("; It might help")[0]
    return text.strip()[:300]


def read_dataframe(source: Source, **kwargs: Any) -> gpd.GeoDataFrame:
    """:func:`pyogrio.read_dataframe` of bytes (read from memory) or a trusted local path.

    User input must be vetted first (:func:`geo.io.uploads.read_vector`); only the app's
    own files are read by path.

    Raises
    ------
    ImportDataError
        When GDAL could open VRT files (see :func:`harden_gdal`); pyogrio's own errors
        propagate unchanged.
    """
    return _pyogrio().read_dataframe(_source(source), **kwargs)


def read_info(source: Source, **kwargs: Any) -> dict[str, Any]:
    """:func:`pyogrio.read_info` of bytes or a trusted local path (see :func:`read_dataframe`)."""
    return _pyogrio().read_info(_source(source), **kwargs)


def list_layers(source: Source) -> list[tuple[str, str | None]]:
    """``(layer name, geometry type or None)`` per layer of bytes or a trusted local path."""
    rows = _pyogrio().list_layers(_source(source))
    return [(str(row[0]), None if row[1] is None else str(row[1])) for row in rows]


def write_dataframe(frame: gpd.GeoDataFrame, path: str | Path, **kwargs: Any) -> None:
    """:func:`pyogrio.write_dataframe` to a local path (use with :mod:`geo.io._atomic`)."""
    _pyogrio().write_dataframe(frame, path, **kwargs)
