"""Saved region packages: the real-data regions a user built, kept in the data directory.

Regions built on the Data page (or copied there) live in ``<data dir>/regions/*.gpkg``
(data dir: :func:`geo.io.scenario_store.data_dir`). The embedded demo is never among them and cannot
be deleted. Which region the app shows is kept in ``<data dir>/active_region.txt`` (the
file name of a saved region; absent or empty = the demo), so it survives reloads and
restarts; on a server shared by several users it applies to all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from geo.errors import RegionError
from geo.io import _gdal
from geo.io._atomic import atomic_path
from geo.io.region_package import write_region
from geo.io.scenario_store import data_dir
from geo.model.region import Region

__all__ = ["SavedRegion", "active_region_path", "delete_saved_region", "list_saved_regions",
           "regions_dir", "save_region", "set_active_region"]

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


def list_saved_regions() -> list[SavedRegion]:
    """Saved regions, newest first; unreadable files are skipped."""
    out = []
    for path in sorted(regions_dir().glob("*.gpkg")):
        try:
            meta = _gdal.read_dataframe(path, layer="metadata")
        except Exception:  # not a region package (or being written): skip it
            continue
        values = dict(zip(meta["key"].astype(str), meta["value"].astype(str), strict=False))
        out.append(SavedRegion(path=path, name=values.get("region_name", path.stem),
                               gemeente_code=values.get("gemeente_code", ""),
                               base_year=values.get("base_year", "?"),
                               created=values.get("created", "")))
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
    """Path of the active saved region, or ``None`` for the demo (or a missing file)."""
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
    """Make a saved region active (``None``: the demo); written atomically."""
    name = ""
    if path is not None:
        path = Path(path).resolve()
        if path.parent != regions_dir().resolve() or not path.is_file():
            raise RegionError(None, f"'{path.name}' is geen opgeslagen regio.")
        name = path.name
    with atomic_path(data_dir() / ACTIVE_FILE) as tmp:
        tmp.write_text(name, encoding="utf-8")
