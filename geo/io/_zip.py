"""Zip vetting for uploads: a zipped shapefile is checked in memory, nothing is extracted.

The rules are listed in :mod:`geo.io.uploads` (rule 4); :func:`vet_shapefile_zip` applies
them and rebuilds a zip of the vetted parts for GDAL.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

from geo.io._vetting import file_error as _fail

__all__ = ["MAX_MEMBER_RATIO", "MAX_ZIP_MEMBERS", "RATIO_FLOOR", "ZIP_EXTENSIONS", "ZIP_RATIO",
           "vet_shapefile_zip"]

#: Maximum number of entries in an uploaded zip.
MAX_ZIP_MEMBERS = 50
#: A zip's total uncompressed size may be at most this many times the size limit.
ZIP_RATIO = 5
#: Extensions allowed inside a zip (shapefile parts, QGIS style/metadata, a readme).
ZIP_EXTENSIONS: tuple[str, ...] = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qmd", ".xml",
                                   ".txt")

#: A member may unpack to at most this many times its compressed size once it unpacks to
#: more than :data:`RATIO_FLOOR` bytes. Real shapefile geometry (doubles) compresses 2–5×,
#: a whole ``.dbf`` of blank padding rarely beyond 50×; a run of zeros reaches ~1000×.
MAX_MEMBER_RATIO = 100
#: Members up to this uncompressed size are never refused for their compression ratio.
RATIO_FLOOR = 20 * 1_048_576

_SHAPE_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian
_ARCHIVE_EXTENSIONS = (".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz")
_IGNORED_ZIP_NAMES = (".ds_store", "thumbs.db")
_SHAPE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def _member_parts(member: str, label: str) -> list[str]:
    if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member):
        raise _fail(label, f"het zip-archief bevat een absoluut pad ('{member}'); "
                           "maak het archief opnieuw met alleen de shapefile-bestanden.")
    parts = [part for part in re.split(r"[\\/]", member) if part]
    if any(part in ("..", ".") for part in parts):
        raise _fail(label, f"het zip-archief bevat een pad met '..' ('{member}'); dat is niet "
                           "toegestaan. Maak het archief opnieuw met alleen de shapefile.")
    return parts


def _vet_members(zf: zipfile.ZipFile, label: str,
                 limit: int) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _fail(label, f"het zip-archief heeft {len(infos)} onderdelen; maximaal "
                           f"{MAX_ZIP_MEMBERS}. Zip alleen de bestanden van één shapefile "
                           "(.shp, .shx, .dbf, .prj, .cpg).")
    unpacked = ZIP_RATIO * limit
    if sum(info.file_size for info in infos) > unpacked:
        raise _fail(label, f"het zip-archief pakt uit tot meer dan {unpacked / 1_048_576:.0f} MB "
                           "(mogelijk een zip-bom). Lever een kleiner bestand aan.")
    kept: list[tuple[zipfile.ZipInfo, PurePosixPath]] = []
    for info in infos:
        parts = _member_parts(info.filename, label)
        if not parts or parts[0] == "__MACOSX" or parts[-1].lower() in _IGNORED_ZIP_NAMES:
            continue
        if len(parts) > (1 if info.is_dir() else 2):
            raise _fail(label, f"'{info.filename}' zit te diep in mappen; een map op het "
                               "hoogste niveau mag, dieper niet. Zip de shapefile zonder "
                               "geneste mappen.")
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise _fail(label, f"'{info.filename}' is versleuteld; lever een zip zonder "
                               "wachtwoord aan.")
        path = PurePosixPath(*parts)
        suffix = path.suffix.lower()
        _check_ratio(info, label)
        if suffix in _ARCHIVE_EXTENSIONS:
            raise _fail(label, f"het zip-archief bevat weer een archief ('{info.filename}'); "
                               "pak dat eerst uit en zip alleen de shapefile-bestanden.")
        if suffix not in ZIP_EXTENSIONS:
            raise _fail(label, f"het zip-archief bevat '{info.filename}'; toegestaan zijn "
                               f"alleen {', '.join(ZIP_EXTENSIONS)}. Verwijder andere bestanden "
                               "en zip alleen de shapefile.")
        kept.append((info, path))
    return kept


def _check_ratio(info: zipfile.ZipInfo, label: str) -> None:
    """Refuse a member that unpacks absurdly far (rule: > 100 × compressed and > 20 MB)."""
    size, packed = info.file_size, max(info.compress_size, 1)
    if size > RATIO_FLOOR and size > MAX_MEMBER_RATIO * packed:
        raise _fail(label, f"'{info.filename}' pakt uit van {packed / 1_048_576:.1f} MB tot "
                           f"{size / 1_048_576:.0f} MB (meer dan {MAX_MEMBER_RATIO} keer zo "
                           "groot); echte shapefile-bestanden comprimeren veel minder, dit is "
                           "vermoedelijk een zip-bom of een beschadigd bestand. Exporteer de "
                           "laag opnieuw als ESRI Shapefile en zip die.")


def _check_shape_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, ext: str,
                        label: str) -> None:
    """Check a .shp/.shx header: file code 9994 and declared length = member size.

    The header stores the file length at bytes 24–27, big-endian, in 16-bit words
    (ESRI Shapefile Technical Description, 1998, p. 4).
    """
    try:
        with zf.open(info) as fh:
            head = fh.read(100)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise _fail(label, f"'{info.filename}' kan niet uitgepakt worden ({exc}); maak het "
                           "zip-archief opnieuw (gewone 'deflate'-compressie).") from exc
    if not head.startswith(_SHAPE_MAGIC):
        raise _fail(label, f"'{info.filename}' is geen echt {ext}-bestand (bestandscode "
                           "9994 ontbreekt); exporteer de laag opnieuw als ESRI Shapefile.")
    declared = int.from_bytes(head[24:28], "big") * 2 if len(head) >= 28 else -1
    if declared != info.file_size:
        raise _fail(label, f"'{info.filename}' is beschadigd: de kop zegt {declared:,} bytes, "
                           f"het bestand is {info.file_size:,} bytes. Exporteer de laag opnieuw "
                           "als ESRI Shapefile en zip die.".replace(",", "."))


def _shapefile_members(
    kept: list[tuple[zipfile.ZipInfo, PurePosixPath]], label: str
) -> dict[str, zipfile.ZipInfo]:
    shps = [(info, path) for info, path in kept if path.suffix.lower() == ".shp"]
    if not shps:
        raise _fail(label, "het zip-archief bevat geen .shp-bestand; een shapefile bestaat uit "
                           ".shp, .shx, .dbf en .prj. Zip die vier samen.")
    if len(shps) > 1:
        names = ", ".join(str(path) for _, path in shps[:5])
        raise _fail(label, f"het zip-archief bevat meer dan één shapefile ({names}); "
                           "lever er één per keer aan.")
    stem = shps[0][1].with_suffix("")
    parts: dict[str, zipfile.ZipInfo] = {}
    for info, path in kept:
        same_stem = path.with_suffix("").as_posix().lower() == stem.as_posix().lower()
        if same_stem and path.suffix.lower() in _SHAPE_PARTS:
            parts[path.suffix.lower()] = info
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        raise _fail(label, f"bij '{shps[0][1]}' ontbreekt {' en '.join(missing)}; een shapefile "
                           "heeft .shp, .shx, .dbf en .prj met dezelfde naam. Zip ze samen.")
    if ".prj" not in parts:
        raise _fail(label, f"bij '{shps[0][1]}' ontbreekt de .prj: zonder .prj is de projectie "
                           "onbekend; exporteer opnieuw met projectie (QGIS: Laag opslaan "
                           "als… → CRS EPSG:28992) en zip de .prj mee.")
    return parts


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, label: str) -> bytes:
    try:
        with zf.open(info) as fh:
            content = fh.read(budget + 1)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
        raise _fail(label, f"'{info.filename}' kan niet uitgepakt worden ({exc}); maak het "
                           "zip-archief opnieuw (gewone 'deflate'-compressie).") from exc
    if len(content) > budget:
        raise _fail(label, "het zip-archief pakt uit tot meer dan toegestaan (mogelijk een "
                           "zip-bom). Lever een kleiner bestand aan.")
    return content


def vet_shapefile_zip(buf: bytes, label: str, limit: int) -> tuple[bytes, bool]:
    """Check a zipped shapefile in memory and rebuild it from its vetted parts.

    Parameters
    ----------
    buf
        The zip archive.
    label
        File name for messages.
    limit
        Size limit of one input file in bytes; the archive may unpack to at most
        :data:`ZIP_RATIO` times this.

    Returns
    -------
    tuple of (bytes, bool)
        A new zip holding only ``.shp/.shx/.dbf/.prj/.cpg`` at its root, and whether GDAL
        must decode the ``.dbf`` as UTF-8 (no code page given).

    Raises
    ------
    ImportDataError
        For every zip rule of :mod:`geo.io.uploads` that is broken.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(buf))
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(label, f"is geen geldig zip-archief ({exc}); maak het opnieuw.") from exc
    with zf:
        parts = _shapefile_members(_vet_members(zf, label, limit), label)
        for ext in (".shp", ".shx"):
            _check_shape_header(zf, parts[ext], ext, label)
        budget = ZIP_RATIO * limit
        contents: dict[str, bytes] = {}
        for ext, info in parts.items():
            contents[ext] = _read_member(zf, info, budget, label)
            budget -= len(contents[ext])
    stem = PurePosixPath(parts[".shp"].filename.replace("\\", "/")).stem or "laag"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as rebuilt:
        for ext, content in contents.items():
            rebuilt.writestr(f"{stem}{ext}", content)
    dbf = contents[".dbf"]
    has_codepage = ".cpg" in contents or (len(dbf) > 29 and dbf[29] != 0)
    return out.getvalue(), not has_codepage

