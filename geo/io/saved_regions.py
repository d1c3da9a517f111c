"""Saved region packages: the real-data regions a user built, kept in the data directory.

Regions built on the Data page (or copied there) live in ``<data dir>/regions/*.gpkg``
(data dir: :func:`geo.io.scenario_store.data_dir`). The embedded demo is never among them and cannot
be deleted. Saved regions are shared by everyone using the data directory.

Which region a user sees is that user's choice, kept by the app per session and in the URL
(``?regio=<id>``; see ``ui/regions.py``). A new session without ``?regio=`` starts in the
*server default* (:func:`default_region_ref`): ``Config.default_region``
(``WOONZORGATLAS_DEFAULT_REGION``), else the region an administrator set with ``python -m
geo regions --default`` (kept in ``<data dir>/active_region.txt``, the file name of a saved
region; :func:`set_active_region`), else the built-in region. The app never writes that
marker: one user switching regions does not change what another sees.

A region's id is its file name without ``.gpkg`` (:attr:`SavedRegion.id`);
:func:`find_saved_region` also accepts the region's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from geo.config import Config, get_config
from geo.errors import RegionError
from geo.io import _gdal
from geo.io._atomic import atomic_path
from geo.io.region_package import write_region
from geo.io.scenario_store import data_dir
from geo.model.region import Region

__all__ = ["SavedRegion", "active_region_path", "default_region_ref", "delete_saved_region",
           "find_saved_region", "list_saved_regions", "regions_dir", "regions_overview",
           "save_region", "set_active_region", "set_default_region"]

ACTIVE_FILE = "active_region.txt"


@dataclass(frozen=True)
class SavedRegion:
    """A region package in the data directory (read from its metadata only)."""

    path: Path
    name: str
    gemeente_code: str
    base_year: str
    created: str

    @property
    def id(self) -> str:
        """Id of the region in links (``?regio=…``): the file name without ``.gpkg``."""
        return self.path.stem

    @property
    def label(self) -> str:
        """Display label, e.g. ``Midden-Drenthe (GM1731, 2024)``."""
        return f"{self.name} ({self.gemeente_code}, {self.base_year})"


def regions_dir() -> Path:
    """``<data dir>/regions``, created on demand."""
    path = data_dir() / "regions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "regio"


def save_region(region: Region) -> Path:
    """Write ``region`` into the regions folder (atomically) and return its path.

    The file name is ``<gemeente code>-<base year>-<name>.gpkg``; a region with the same
    name replaces the earlier one only when the new file is complete.
    """
    code = region.metadata.get("gemeente_code", "")
    name = f"{code}_{region.base_year}_{_slug(region.name)}" if code else \
        f"{region.base_year}_{_slug(region.name)}"
    return write_region(region, regions_dir() / f"{_slug(name)}.gpkg")


def _read_saved(path: Path) -> SavedRegion | None:
    try:
        meta = _gdal.read_dataframe(path, layer="metadata")
    except Exception:  # not a region package (or being written): skip it
        return None
    values = dict(zip(meta["key"].astype(str), meta["value"].astype(str), strict=False))
    return SavedRegion(path=path, name=values.get("region_name", path.stem),
                       gemeente_code=values.get("gemeente_code", ""),
                       base_year=values.get("base_year", "?"),
                       created=values.get("created", ""))


def list_saved_regions() -> list[SavedRegion]:
    """Saved regions, newest first; unreadable files are skipped."""
    out = [r for path in sorted(regions_dir().glob("*.gpkg"))
           if (r := _read_saved(path)) is not None]
    return sorted(out, key=lambda r: (r.created, r.name), reverse=True)


def delete_saved_region(path: str | Path) -> None:
    """Delete a saved region file (only files inside the regions folder).

    Raises
    ------
    RegionError
        When ``path`` is not a saved region file.
    """
    path = Path(path).resolve()
    folder = regions_dir().resolve()
    if path.parent != folder or path.suffix != ".gpkg":
        raise RegionError(None, f"'{path.name}' is geen opgeslagen regio en wordt niet "
                          "verwijderd.")
    path.unlink(missing_ok=True)


def active_region_path() -> Path | None:
    """Saved region of the server-default marker, or ``None`` (unset or a missing file)."""
    marker = data_dir() / ACTIVE_FILE
    try:
        name = marker.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not name or "/" in name or "\\" in name:
        return None
    path = regions_dir() / name
    return path if path.is_file() else None


def set_active_region(path: str | Path | None) -> None:
    """Set the server-default marker to a saved region (``None``: clear it); atomic.

    Used by ``python -m geo regions --default``; ``Config.default_region`` takes
    precedence over it (see the module docstring).
    """
    name = ""
    if path is not None:
        path = Path(path).resolve()
        if path.parent != regions_dir().resolve() or not path.is_file():
            raise RegionError(None, f"'{path.name}' is geen opgeslagen regio.")
        name = path.name
    with atomic_path(data_dir() / ACTIVE_FILE) as tmp:
        tmp.write_text(name, encoding="utf-8")


def find_saved_region(ref: str) -> SavedRegion | None:
    """The saved region whose id, file name or name is ``ref`` (case-insensitive).

    Parameters
    ----------
    ref
        An id (``gm1731_2024_midden-drenthe``), a file name (with ``.gpkg``) or a region
        name (``Midden-Drenthe``). Names may be shared by several files: then the newest.

    Returns
    -------
    SavedRegion or None
        ``None`` when no saved region matches (or ``ref`` is empty).
    """
    wanted = ref.strip().casefold()
    if not wanted or any(ch in wanted for ch in "/\\\x00"):
        return None
    stem = wanted.removesuffix(".gpkg")
    direct = regions_dir() / f"{stem}.gpkg"  # the usual case: an id, one file to read
    if stem and direct.is_file() and (found := _read_saved(direct)) is not None:
        return found
    saved = list_saved_regions()  # newest first
    for region in saved:
        if wanted in (region.id.casefold(), region.path.name.casefold()):
            return region
    return next((r for r in saved if r.name.strip().casefold() == wanted), None)


def default_region_ref(config: Config | None = None) -> str:
    """The server default region as a reference (``""``: the built-in region).

    ``config.default_region`` when set, else the id of the region set with
    :func:`set_active_region` (``python -m geo regions --default``), else ``""``.
    """
    cfg = config or get_config()
    if cfg.default_region:
        return cfg.default_region
    path = active_region_path()
    return path.stem if path is not None else ""


def set_default_region(ref: str) -> None:
    """Set the server default to a saved region (id or name) or the built-in (``demo``).

    Raises
    ------
    RegionError
        When ``ref`` names no saved region.
    """
    text = ref.strip()
    if text.lower() in ("", "demo", "ingebouwd"):
        set_active_region(None)
        return
    found = find_saved_region(text)
    if found is None:
        raise RegionError(None, f"geen opgeslagen regio '{text}'; kies een id uit "
                          "`python -m geo regions` of 'demo'.")
    set_active_region(found.path)


def regions_overview(config: Config | None = None) -> list[str]:
    """Dutch lines listing the saved regions (``*`` = server default) and the default."""
    cfg = config or get_config()
    default = default_region_ref(cfg)
    chosen = find_saved_region(default) if default else None
    lines = [f"{'*' if chosen == r else ' '} {r.id}  {r.label}" for r in list_saved_regions()]
    lines.append(f"Standaardregio van de server: {default or 'demo (ingebouwd)'}"
                 + (" (WOONZORGATLAS_DEFAULT_REGION)" if cfg.default_region else "")
                 + ". Elke gebruiker kan in de app een andere regio kiezen (?regio=…).")
    return lines
