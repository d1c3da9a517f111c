"""The built-in regions by id: find, load, generate and write them.

=====================  ====================================  ===================================
id                     region                                file in ``data/``
=====================  ====================================  ===================================
``midden-drenthe``     Midden-Drenthe (the default; the app  ``midden_drenthe.gpkg``
                       and ``?regio=`` also call it ``demo``)
``zuidoost-drenthe``   Zuidoost-Drenthe (woonzorgakkoord):   ``zuidoost_drenthe.gpkg.zip``
                       Borger-Odoorn, Coevorden, Emmen
=====================  ====================================  ===================================

A built-in region is referred to by its id, an alias (``demo``, ``boce`` …), its name, or
``builtin:<id>`` (the CLI's ``--region``). The Zuidoost-Drenthe package (about 77,000
generated homes, 15 MB as a GeoPackage) is shipped zipped (3 MB) to keep ``data/`` small;
it is unpacked into a temporary folder on load, read into memory and the copy removed.
"""

from __future__ import annotations

import dataclasses
import importlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geo.datasets._files import get_path
from geo.errors import RegionError

if TYPE_CHECKING:
    from geo.model.region import Region

__all__ = ["BUILTIN_PREFIX", "BUILTIN_REGIONS", "BuiltinRegion", "find_builtin",
           "generate_builtin", "load_builtin_region", "write_builtin"]

#: Prefix of a built-in region in a ``--region`` argument (``builtin:zuidoost-drenthe``).
BUILTIN_PREFIX = "builtin:"
#: Fixed time stamp of the zip member (the zip then depends on the package only).
_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class BuiltinRegion:
    """One built-in region.

    Attributes
    ----------
    id
        Id in URLs and on the command line (``zuidoost-drenthe``).
    dataset
        Its name in :data:`geo.datasets.available` (the package file).
    module
        The generator module (has ``generate_region(seed=…)`` and ``SEED``).
    title
        Short Dutch title for lists.
    aliases
        Other ids accepted (case-insensitive).
    """

    id: str
    dataset: str
    module: str
    title: str
    aliases: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """The shipped file (``.gpkg`` or ``.gpkg.zip``)."""
        return get_path(self.dataset)

    @property
    def packed(self) -> bool:
        """Whether the package is shipped zipped."""
        return self.path.name.endswith(".zip")


#: The built-in regions, the default first.
BUILTIN_REGIONS: dict[str, BuiltinRegion] = {
    "midden-drenthe": BuiltinRegion(
        "midden-drenthe", "midden_drenthe", "geo.datasets.midden_drenthe",
        "Midden-Drenthe", ("demo", "ingebouwd", "standaard", "midden_drenthe", "gm1731")),
    "zuidoost-drenthe": BuiltinRegion(
        "zuidoost-drenthe", "zuidoost_drenthe", "geo.datasets.zuidoost_drenthe",
        "Zuidoost-Drenthe (woonzorgakkoord)",
        ("boce", "zuidoost_drenthe", "zuidoost-drenthe (woonzorgakkoord)", "woonzorgakkoord")),
}


def find_builtin(ref: str) -> BuiltinRegion | None:
    """The built-in region an id, alias, title or ``builtin:<id>`` refers to (else ``None``).

    Examples
    --------
    >>> find_builtin("builtin:boce").id
    'zuidoost-drenthe'
    >>> find_builtin("Demo").id
    'midden-drenthe'
    >>> find_builtin("elders") is None
    True
    """
    text = str(ref).strip().casefold()
    if text.startswith(BUILTIN_PREFIX):
        text = text[len(BUILTIN_PREFIX):].strip()
    for item in BUILTIN_REGIONS.values():
        if text in {item.id, item.title.casefold(), *item.aliases}:
            return item
    return None


def _get(name: str) -> BuiltinRegion:
    item = find_builtin(name)
    if item is None:
        raise RegionError(None, f"onbekende ingebouwde regio '{name}'; beschikbaar: "
                                f"{', '.join(BUILTIN_REGIONS)}.")
    return item


def load_builtin_region(name: str = "midden-drenthe") -> Region:
    """Load and validate a built-in region.

    Parameters
    ----------
    name
        An id of :data:`BUILTIN_REGIONS` (or an alias, see :func:`find_builtin`).

    Returns
    -------
    Region
        The region; ``source_path`` is the shipped file.

    Raises
    ------
    RegionError
        Unknown name, or a missing or invalid package (rebuild it with
        ``python -m geo generate-demo``).
    """
    from geo.io.region_package import load_region

    item = _get(name)
    if not item.packed:
        return load_region(item.path)
    member = item.path.name.removesuffix(".zip")
    try:
        with zipfile.ZipFile(item.path) as zf, tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / member
            with zf.open(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            region = load_region(target)
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise RegionError(None, f"de ingebouwde regio '{item.id}' kan niet worden gelezen "
                                f"({exc}); bouw hem opnieuw met python -m geo "
                                "generate-demo.") from exc
    return dataclasses.replace(region, source_path=item.path)


def generate_builtin(name: str, *, seed: int | None = None) -> Region:
    """Build a built-in region from the files in ``data/`` (its module's ``generate_region``)."""
    module = importlib.import_module(_get(name).module)
    return module.generate_region(seed=module.SEED if seed is None else seed)


def write_builtin(name: str, region: Region, path: str | Path | None = None) -> Path:
    """Write a built-in region to its shipped file (or ``path``), zipped where it is shipped so.

    A ``path`` ending in ``.gpkg`` gets a plain GeoPackage.
    """
    from geo.io._atomic import atomic_path
    from geo.io.region_package import write_region

    item = _get(name)
    out = Path(path) if path is not None else item.path
    if not out.name.endswith(".zip"):
        return write_region(region, out)
    member = out.name.removesuffix(".zip")
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = write_region(region, Path(tmp) / member)
        info = zipfile.ZipInfo(member, date_time=_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with atomic_path(out, translate_errors=False) as part, \
                zipfile.ZipFile(part, "w", compresslevel=9) as zf, \
                zf.open(info, "w") as dst, open(gpkg, "rb") as src:
            shutil.copyfileobj(src, dst)
    return out
