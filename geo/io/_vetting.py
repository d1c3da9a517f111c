"""Shared wording of upload vetting (:mod:`geo.io.uploads`, :mod:`geo.io.tables`).

One place for the Dutch error format ("bestand 'x': …"), the display name of a file and
the hints that several checks give.
"""

from __future__ import annotations

from geo.errors import ImportDataError

__all__ = ["BOMS", "NOT_GEODATA", "UTF8_HINT", "display_name", "file_error"]

#: Byte-order marks of text that is not UTF-8.
BOMS: dict[bytes, str] = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
NOT_GEODATA = (
    "is geen geodatabestand (GeoPackage, gezipt Shapefile of GeoJSON). Lever een .gpkg, "
    "een .zip met .shp/.shx/.dbf/.prj of een .geojson aan"
)
UTF8_HINT = (
    "sla het op als UTF-8 (QGIS: Laag opslaan als… → Codering UTF-8) of voeg bij een "
    "shapefile een .cpg toe met de juiste codering (bijv. 'UTF-8' of '1252')"
)


def file_error(name: str, problem: str) -> ImportDataError:
    """The error for one file: ``bestand '<name>': <problem>``."""
    return ImportDataError(f"bestand '{name}': {problem}")


def display_name(name: str | None, fallback: str) -> str:
    """``name`` (else ``fallback``) without unprintable characters, at most 120 long.

    Examples
    --------
    >>> display_name("buurten\u200b.gpkg", "upload"), display_name(None, "upload")
    ('buurten.gpkg', 'upload')
    """
    text = name if name else fallback
    text = "".join(ch for ch in str(text) if ch.isprintable())
    return text[:120] or "upload"
