r"""Safe reading of user-supplied geodata and tables (uploads and CLI arguments).

Every importer reads files through this module. The rules, in the order they are applied:

1. **Bytes, never paths, reach GDAL.** ``data`` is raw bytes (an upload), a binary file
   object (e.g. Streamlit's ``UploadedFile``) or a local path; a path is read in Python
   first. pyogrio only ever gets a :class:`io.BytesIO`, so ``/vsicurl/``, ``zip+https://``
   and other GDAL path tricks cannot be triggered by a user string. ``GDAL_SKIP`` (set in
   :mod:`geo` before pyogrio loads) keeps GDAL from opening OGR VRT files that read
   server-local files.
2. **Size limit.** :func:`max_bytes` (environment variable ``WOONZORGATLAS_MAX_UPLOAD_MB``,
   default 200 MB); a path's size is checked before it is read.
3. **Format by magic bytes**, before GDAL sees anything: GeoPackage (SQLite header and a
   GeoPackage ``application_id``), zip (``PK\x03\x04``) or GeoJSON (text starting with
   ``{``). Everything else is refused.
4. **Zip checks in memory** (nothing is extracted): at most :data:`MAX_ZIP_MEMBERS` members;
   no absolute paths, ``..``, backslash-only tricks or folders nested deeper than **one
   level** (``buurten.shp`` and ``map/buurten.shp`` are fine, ``a/b/buurten.shp`` is not);
   no encrypted members, no zip inside a zip; declared and actual uncompressed size at most
   :data:`ZIP_RATIO` × the size limit (zip bombs); only the extensions in
   :data:`ZIP_EXTENSIONS`; exactly one ``.shp`` with its ``.shx``, ``.dbf`` and ``.prj``
   (same folder and name); ``.shp``/``.shx`` must start with the shapefile file code 9994.
   macOS metadata (``__MACOSX/``, ``.DS_Store``) is ignored. GDAL then reads a *rebuilt*
   zip holding only the vetted ``.shp/.shx/.dbf/.prj/.cpg`` members at its root.
5. **Driver whitelist**: GDAL must open the bytes with the driver the magic bytes announced
   (``GPKG``, ``ESRI Shapefile`` or ``GeoJSON``).
6. **Content checks**: layer choice, empty layer, missing CRS, coordinates that contradict
   the CRS (:func:`check_coordinates`), text that is not UTF-8, geometry type family.
   Invalid geometries are repaired, null/empty ones dropped; both are counted in
   ``gdf.attrs`` (``"repaired"``, ``"dropped_empty"``).

Text encoding: GeoPackage and GeoJSON are UTF-8 by definition. A shapefile is decoded with
the code page of its ``.cpg`` (or of the code-page byte in the ``.dbf``) when it has one,
and as UTF-8 otherwise; bytes that do not decode give a clear error.

Tables (:func:`read_table`) are CSV in UTF-8 (with or without BOM) with ``;``, ``,`` or tab
as delimiter; all columns are read as text, numbers are converted with :func:`to_number` /
:func:`clean_numbers`, which turn CBS no-data codes (any value ≤ :data:`CBS_SENTINEL_MAX`,
``"."``, ``"-"``, ``"x"``, empty) into NaN and understand a decimal comma.

Every problem raises :class:`geo.errors.ImportDataError` with a Dutch message that names the
file, says what is wrong and how to fix it.
"""

from __future__ import annotations

import contextlib
import csv
import importlib
import io
import os
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from geo.errors import ImportDataError

__all__ = [
    "CBS_SENTINEL_MAX",
    "DEFAULT_MAX_UPLOAD_MB",
    "MAX_ZIP_MEMBERS",
    "ZIP_EXTENSIONS",
    "ZIP_RATIO",
    "check_coordinates",
    "clean_numbers",
    "list_layers",
    "load_bytes",
    "max_bytes",
    "read_table",
    "read_vector",
    "to_number",
]

#: CBS no-data codes (-99991 … -99999999) are all at or below this value.
CBS_SENTINEL_MAX: float = -99990
#: Default size limit of one file in MB (like Streamlit's ``server.maxUploadSize``).
DEFAULT_MAX_UPLOAD_MB: float = 200.0
#: Environment variable that overrides the size limit (MB, may be fractional).
MAX_UPLOAD_ENV = "WOONZORGATLAS_MAX_UPLOAD_MB"
#: Maximum number of entries in an uploaded zip.
MAX_ZIP_MEMBERS = 50
#: A zip's total uncompressed size may be at most this many times the size limit.
ZIP_RATIO = 5
#: Extensions allowed inside a zip (shapefile parts, QGIS style/metadata, a readme).
ZIP_EXTENSIONS: tuple[str, ...] = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qmd", ".xml",
                                   ".txt")

InputData = bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryIO

_SHAPE_MAGIC = b"\x00\x00\x27\x0a"  # file code 9994, big-endian
_SQLITE_MAGIC = b"SQLite format 3\x00"
_GPKG_APP_IDS = (b"GPKG", b"GP10", b"GP11")
_BOMS = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}
_ARCHIVE_EXTENSIONS = (".zip", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz")
_IGNORED_ZIP_NAMES = (".ds_store", "thumbs.db")
_SHAPE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_KIND_DRIVER = {"gpkg": "GPKG", "shapefile": "ESRI Shapefile", "geojson": "GeoJSON"}
_KIND_LABEL = {"gpkg": "GeoPackage", "shapefile": "gezipt Shapefile", "geojson": "GeoJSON"}
_NOT_GEODATA = (
    "is geen geodatabestand (GeoPackage, gezipt Shapefile of GeoJSON). Lever een .gpkg, "
    "een .zip met .shp/.shx/.dbf/.prj of een .geojson aan"
)
_UTF8_HINT = (
    "sla het op als UTF-8 (QGIS: Laag opslaan als… → Codering UTF-8) of voeg bij een "
    "shapefile een .cpg toe met de juiste codering (bijv. 'UTF-8' of '1252')"
)
_POLYGON_TYPES = frozenset({"Polygon", "MultiPolygon"})
_POINT_TYPES = frozenset({"Point", "MultiPoint"})
_TYPE_NAMES = {0: "Point", 1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}
# Plausible extent of RD New coordinates (the Netherlands plus a margin), in metres.
_RD_BOUNDS = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
# The Netherlands in degrees (lon/lat), with a margin; used to spot swapped axes.
_NL_LONLAT = (2.5, 50.5, 7.5, 54.0)
_MISSING_TEXT = frozenset({"", ".", "-", "x", "X", "–"})


def _ensure_vrt_disabled() -> None:
    """Make sure GDAL cannot open OGR VRT files, whatever the import order was.

    ``geo/__init__`` sets ``GDAL_SKIP`` before pyogrio loads, but when pyogrio was imported
    earlier (e.g. by geopandas in a test run or another entry point) GDAL registered the
    VRT driver already. GDAL applies ``GDAL_SKIP`` again on every driver registration, so
    registering once more removes it. If the driver is still there, nothing is read.
    """
    skip = [part for part in re.split(r"[ ,]+", os.environ.get("GDAL_SKIP", "")) if part]
    missing = [drv for drv in ("OGR_VRT", "VRT") if drv not in skip]
    if missing:
        os.environ["GDAL_SKIP"] = ",".join([*skip, *missing])
    if "OGR_VRT" not in pyogrio.list_drivers():
        return
    try:
        register = importlib.import_module("pyogrio._ogr")._register_drivers
    except (ImportError, AttributeError):  # private API; fall through to the check
        register = None
    if register is not None:
        register()
    if "OGR_VRT" in pyogrio.list_drivers():
        raise ImportDataError(
            "de server is onveilig ingesteld: GDAL kan VRT-bestanden openen. Start de app "
            "opnieuw met GDAL_SKIP=OGR_VRT,VRT; tot dan worden geen bestanden gelezen."
        )


with contextlib.suppress(ImportDataError):  # harden the process as soon as this is imported
    _ensure_vrt_disabled()


def normalise_name(name: object) -> str:
    """Column-name comparison key: ASCII, lower case, letters and digits only.

    Examples
    --------
    >>> normalise_name("Pand_Identificatie ")
    'pandidentificatie'
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _fail(name: str, problem: str) -> ImportDataError:
    return ImportDataError(f"bestand '{name}': {problem}")


# --------------------------------------------------------------------------- size & bytes


def max_bytes() -> int:
    """Size limit of one input file in bytes.

    Read from the environment variable ``WOONZORGATLAS_MAX_UPLOAD_MB`` (megabytes, may be
    fractional) at every call; default :data:`DEFAULT_MAX_UPLOAD_MB`.

    Raises
    ------
    ImportDataError
        When the variable is set but not a positive number.

    Examples
    --------
    >>> max_bytes() >= 1
    True
    """
    raw = os.environ.get(MAX_UPLOAD_ENV, "").strip()
    if not raw:
        return int(DEFAULT_MAX_UPLOAD_MB * 1024 * 1024)
    try:
        megabytes = float(raw.replace(",", "."))
    except ValueError:
        megabytes = -1.0
    if not megabytes > 0 or not np.isfinite(megabytes):
        raise ImportDataError(
            f"{MAX_UPLOAD_ENV}='{raw}' is geen geldig aantal MB; geef een positief getal, "
            f"bijv. {MAX_UPLOAD_ENV}=200."
        )
    return max(1, int(megabytes * 1024 * 1024))


def _too_large(name: str, size: int, limit: int) -> ImportDataError:
    return _fail(
        name,
        f"is {size / 1_048_576:.1f} MB; de grens is {limit / 1_048_576:.1f} MB "
        f"({MAX_UPLOAD_ENV}). Knip het bestand bij tot uw gemeente (bijv. in QGIS met "
        f"'Zoomen naar en selecteren' en 'Opslaan als… alleen geselecteerde objecten') "
        "of verhoog de grens.",
    )


def _display_name(name: str | None, fallback: str) -> str:
    text = name if name else fallback
    text = "".join(ch for ch in str(text) if ch.isprintable())
    return text[:120] or "upload"


def load_bytes(data: InputData, name: str | None = None) -> tuple[bytes, str]:
    """Read the input into memory, enforcing the size limit.

    Parameters
    ----------
    data
        Raw bytes, a binary file object (read from its current position) or a local path.
        URLs and GDAL virtual paths (``/vsi…``) are refused.
    name
        Name used in messages (default: the file name of a path, else ``"upload"``).

    Returns
    -------
    tuple of (bytes, str)
        The content and the display name.

    Raises
    ------
    ImportDataError
        When the file does not exist, is too large or the input type is unknown.
    """
    limit = max_bytes()
    if isinstance(data, bytes | bytearray | memoryview):
        label = _display_name(name, "upload")
        buf = bytes(data)
    elif isinstance(data, str | os.PathLike):
        buf, label = _read_path(data, name, limit)
    elif hasattr(data, "read"):
        label = _display_name(name or Path(str(getattr(data, "name", "") or "")).name,
                              "upload")
        buf = data.read(limit + 1)
        if not isinstance(buf, bytes | bytearray):
            raise _fail(label, "is als tekst geopend; geef de bytes (open het bestand met 'rb').")
        buf = bytes(buf)
    else:
        raise ImportDataError(
            f"onbekend invoertype {type(data).__name__}; geef bytes of een bestandspad."
        )
    if len(buf) > limit:
        raise _too_large(label, len(buf), limit)
    return buf, label


def _read_path(data: str | os.PathLike[str], name: str | None, limit: int) -> tuple[bytes, str]:
    text = os.fspath(data)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*://", text) or text.startswith("/vsi"):
        raise ImportDataError(
            f"'{_display_name(text, 'pad')}' is geen lokaal bestand: alleen lokale bestanden of "
            "geüploade bestanden worden gelezen. Download het bestand eerst."
        )
    path = Path(text)
    label = _display_name(name, path.name)
    if not path.is_file():
        raise _fail(label, f"bestaat niet of is geen bestand ('{path}').")
    size = path.stat().st_size
    if size > limit:
        raise _too_large(label, size, limit)
    return path.read_bytes(), label


# --------------------------------------------------------------------------- sniffing


@dataclass(frozen=True)
class _Prepared:
    """Vetted bytes for GDAL and what is known about them."""

    buf: bytes
    kind: str  # "gpkg" | "shapefile" | "geojson"
    name: str
    force_utf8: bool = False


def _sniff(buf: bytes, name: str) -> str:
    if buf.startswith(_SQLITE_MAGIC):
        if len(buf) < 72 or buf[68:72] not in _GPKG_APP_IDS:
            raise _fail(
                name,
                "is een SQLite-database maar geen GeoPackage (application_id ontbreekt). "
                "Sla de laag op als GeoPackage (QGIS: Laag opslaan als… → GeoPackage).",
            )
        return "gpkg"
    if buf.startswith(b"PK\x03\x04"):
        return "zip"
    if buf.startswith(b"PK"):
        raise _fail(name, f"is een leeg of gesplitst zip-archief en {_NOT_GEODATA}.")
    for bom, label in _BOMS.items():
        if buf.startswith(bom):
            raise _fail(name, f"is {label}-tekst, geen UTF-8; {_UTF8_HINT}.")
    head = buf[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        return "geojson"
    raise _fail(name, f"{_NOT_GEODATA}.")


def _prepare(data: InputData, name: str | None) -> _Prepared:
    _ensure_vrt_disabled()
    buf, label = load_bytes(data, name)
    kind = _sniff(buf, label)
    if kind == "zip":
        return _prepare_zip(buf, label)
    if kind == "geojson" and buf.startswith(b"\xef\xbb\xbf"):
        buf = buf[3:]
    return _Prepared(buf=buf, kind=kind, name=label)


# --------------------------------------------------------------------------- zip


def _member_parts(member: str, label: str) -> list[str]:
    if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member):
        raise _fail(label, f"het zip-archief bevat een absoluut pad ('{member}'); "
                           "maak het archief opnieuw met alleen de shapefile-bestanden.")
    parts = [part for part in re.split(r"[\\/]", member) if part]
    if any(part in ("..", ".") for part in parts):
        raise _fail(label, f"het zip-archief bevat een pad met '..' ('{member}'); dat is niet "
                           "toegestaan. Maak het archief opnieuw met alleen de shapefile.")
    return parts


def _vet_members(zf: zipfile.ZipFile, label: str) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    infos = zf.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise _fail(label, f"het zip-archief heeft {len(infos)} onderdelen; maximaal "
                           f"{MAX_ZIP_MEMBERS}. Zip alleen de bestanden van één shapefile "
                           "(.shp, .shx, .dbf, .prj, .cpg).")
    limit = ZIP_RATIO * max_bytes()
    if sum(info.file_size for info in infos) > limit:
        raise _fail(label, f"het zip-archief pakt uit tot meer dan {limit / 1_048_576:.0f} MB "
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
        if suffix in _ARCHIVE_EXTENSIONS:
            raise _fail(label, f"het zip-archief bevat weer een archief ('{info.filename}'); "
                               "pak dat eerst uit en zip alleen de shapefile-bestanden.")
        if suffix not in ZIP_EXTENSIONS:
            raise _fail(label, f"het zip-archief bevat '{info.filename}'; toegestaan zijn "
                               f"alleen {', '.join(ZIP_EXTENSIONS)}. Verwijder andere bestanden "
                               "en zip alleen de shapefile.")
        kept.append((info, path))
    return kept


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


def _prepare_zip(buf: bytes, label: str) -> _Prepared:
    try:
        zf = zipfile.ZipFile(io.BytesIO(buf))
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(label, f"is geen geldig zip-archief ({exc}); maak het opnieuw.") from exc
    with zf:
        parts = _shapefile_members(_vet_members(zf, label), label)
        budget = ZIP_RATIO * max_bytes()
        contents: dict[str, bytes] = {}
        for ext, info in parts.items():
            contents[ext] = _read_member(zf, info, budget, label)
            budget -= len(contents[ext])
    for ext in (".shp", ".shx"):
        if not contents[ext].startswith(_SHAPE_MAGIC):
            raise _fail(label, f"'{parts[ext].filename}' is geen echt {ext}-bestand (bestandscode "
                               "9994 ontbreekt); exporteer de laag opnieuw als ESRI Shapefile.")
    stem = PurePosixPath(parts[".shp"].filename.replace("\\", "/")).stem or "laag"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as rebuilt:
        for ext, content in contents.items():
            rebuilt.writestr(f"{stem}{ext}", content)
    dbf = contents[".dbf"]
    has_codepage = ".cpg" in contents or (len(dbf) > 29 and dbf[29] != 0)
    return _Prepared(buf=out.getvalue(), kind="shapefile", name=label,
                     force_utf8=not has_codepage)


# --------------------------------------------------------------------------- GDAL calls


def _gdal_message(exc: BaseException, label: str) -> str:
    text = re.sub(r"(/vsizip/)?/vsimem/[^\s'\"]*", label, str(exc))
    text = text.split("; It might help")[0]
    return text.strip()[:300]


def _call(label: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            # GeoJSON columns with mixed types ("." among numbers) stay text: fine here.
            warnings.filterwarnings("ignore", "Could not parse column", UserWarning)
            return func(*args, **kwargs)
    except UnicodeDecodeError as exc:
        raise _fail(label, f"tekst in het bestand is geen UTF-8 ({exc.reason} bij byte "
                           f"{exc.object[exc.start:exc.start + 1]!r}); {_UTF8_HINT}.") from exc
    except ImportDataError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise many exception types
        raise _fail(label, f"kan niet gelezen worden: {_gdal_message(exc, label)}. "
                           "Controleer of het bestand compleet en onbeschadigd is.") from exc


def _layers(prep: _Prepared) -> list[tuple[str, str | None]]:
    info = _call(prep.name, pyogrio.read_info, io.BytesIO(prep.buf), layer=0)
    driver = str(info.get("driver"))
    if driver != _KIND_DRIVER[prep.kind]:
        raise _fail(prep.name, f"wordt als '{driver}' herkend, niet als "
                               f"{_KIND_LABEL[prep.kind]}; {_NOT_GEODATA}.")
    raw = _call(prep.name, pyogrio.list_layers, io.BytesIO(prep.buf))
    layers = [(str(row[0]), None if row[1] is None else str(row[1])) for row in raw]
    if prep.kind != "gpkg":
        # One layer; GeoJSON without "name" gets the random in-memory file name.
        stem = PurePosixPath(prep.name).stem or "laag"
        layers = [(stem if lname.startswith("pyogrio_") else lname, geom)
                  for lname, geom in layers[:1]]
    return layers


def list_layers(data: InputData, name: str | None = None) -> list[str]:
    """Names of the layers in a geodata file (after all safety checks).

    Parameters
    ----------
    data
        Bytes, binary file object or local path, as for :func:`read_vector`.
    name
        Name used in messages.

    Returns
    -------
    list of str
        Layer names in file order (a shapefile or GeoJSON has one).
    """
    return [layer for layer, _ in _layers(_prepare(data, name))]


def _choose_layer(prep: _Prepared, layer: str | None) -> str:
    layers = _layers(prep)
    names = [item[0] for item in layers]
    if not names:
        raise _fail(prep.name, "bevat geen lagen; exporteer de gegevens opnieuw.")
    if layer is not None:
        if layer not in names:
            raise _fail(prep.name, f"heeft geen laag '{layer}'. Aanwezige lagen: "
                                   f"{', '.join(names)}.")
        return layer
    if len(names) == 1:
        return names[0]
    spatial = [lname for lname, geom in layers if geom is not None]
    if len(spatial) == 1:
        return spatial[0]
    raise _fail(prep.name, f"bevat meerdere lagen ({', '.join(names)}); kies er één "
                           "(parameter layer / keuzelijst).")


# --------------------------------------------------------------------------- checks


def _crs_label(crs: Any) -> str:
    epsg = crs.to_epsg()
    if epsg == 28992:
        return "RD New (EPSG:28992)"
    if epsg == 4326 or crs.to_string() == "OGC:CRS84":
        return "WGS84 (graden)"
    return f"EPSG:{epsg}" if epsg else str(crs.name)


def check_coordinates(gdf: gpd.GeoDataFrame, name: str | None = None) -> None:
    """Check that the coordinates match the CRS the file claims.

    Catches the two classic mix-ups: WGS84 degrees in a layer labelled RD New (or any
    projected CRS), and RD metres in a layer labelled WGS84; also RD coordinates outside
    the Netherlands and swapped latitude/longitude.

    Parameters
    ----------
    gdf
        The layer as read, in its own CRS.
    name
        File name for the message.

    Raises
    ------
    ImportDataError
        When the CRS is missing or the coordinates contradict it.

    Examples
    --------
    >>> pts = gpd.GeoDataFrame(geometry=[shapely.Point(6.5, 52.8)], crs="EPSG:28992")
    >>> check_coordinates(pts, "x.gpkg")
    Traceback (most recent call last):
    ...
    geo.errors.ImportDataError: bestand 'x.gpkg': coördinaten lijken graden (WGS84) maar ...
    """
    label = _display_name(name, "upload")
    if gdf.crs is None:
        raise _fail(label, "heeft geen coördinatenstelsel (CRS); geef de laag een projectie "
                           "(QGIS: Projectie toekennen, meestal EPSG:28992 RD New) en "
                           "exporteer opnieuw.")
    geoms = gdf.geometry.values
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms[present])
    crs = gdf.crs
    said = _crs_label(crs)
    if crs.is_geographic:
        if max(abs(xmin), abs(xmax)) > 180 or max(abs(ymin), abs(ymax)) > 90:
            raise _fail(label, f"coördinaten lijken meters (bijv. RD New) maar het bestand zegt "
                               f"{said}: ({xmin:.0f}, {ymin:.0f}) – ({xmax:.0f}, {ymax:.0f}). "
                               "Ken de juiste projectie toe (QGIS: Projectie toekennen "
                               "EPSG:28992; ogr2ogr -a_srs EPSG:28992), niet omzetten.")
        lo_x, lo_y, hi_x, hi_y = _NL_LONLAT
        inside = lo_x <= xmin and xmax <= hi_x and lo_y <= ymin and ymax <= hi_y
        swapped = lo_x <= ymin and ymax <= hi_x and lo_y <= xmin and xmax <= hi_y
        if swapped and not inside:
            raise _fail(label, "lengte- en breedtegraad lijken verwisseld (x ≈ 52, y ≈ 6); "
                               "GeoJSON heeft de volgorde lengtegraad, breedtegraad. Exporteer "
                               "opnieuw met de juiste asvolgorde.")
        return
    if max(abs(xmin), abs(xmax)) <= 180 and max(abs(ymin), abs(ymax)) <= 90:
        raise _fail(label, f"coördinaten lijken graden (WGS84) maar het bestand zegt {said}: "
                           f"({xmin:.4f}, {ymin:.4f}) – ({xmax:.4f}, {ymax:.4f}). Ken de juiste "
                           "projectie toe (QGIS: Projectie toekennen EPSG:4326; ogr2ogr -a_srs "
                           "EPSG:4326) en exporteer opnieuw.")
    if crs.to_epsg() == 28992:
        bxmin, bymin, bxmax, bymax = _RD_BOUNDS
        if xmin < bxmin or ymin < bymin or xmax > bxmax or ymax > bymax:
            raise _fail(label, f"coördinaten ({xmin:.0f}, {ymin:.0f}) – ({xmax:.0f}, "
                               f"{ymax:.0f}) liggen niet in Nederland in RD New (EPSG:28992); "
                               "controleer welke projectie de gegevens echt hebben.")


def _check_text(gdf: pd.DataFrame, label: str) -> None:
    for col in gdf.columns:
        if col == getattr(gdf, "_geometry_column_name", None):
            continue
        series = gdf[col]
        if series.dtype == object or isinstance(series.dtype, pd.StringDtype):
            text = series.dropna().astype(str)
            bad = text.str.contains("\ufffd", regex=False)
            if bad.any():
                raise _fail(label, f"tekst in het bestand is geen UTF-8 (kolom '{col}', bijv. "
                                   f"'{text[bad].iloc[0][:40]}'); {_UTF8_HINT}.")


def _polygonal(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts of each geometry (empty when nothing is left)."""
    out = np.empty(len(geoms), dtype=object)
    for i, geom in enumerate(geoms):
        if geom.geom_type in _POLYGON_TYPES:
            out[i] = geom
            continue
        parts = [p for p in shapely.get_parts(geom) if p.geom_type in _POLYGON_TYPES]
        polys = [q for p in parts for q in shapely.get_parts(p)]
        out[i] = shapely.multipolygons(polys) if polys else shapely.Polygon()
        if len(polys) == 1:
            out[i] = polys[0]
    return out


def _repair(geoms: np.ndarray, polygon_layer: bool) -> tuple[np.ndarray, np.ndarray]:
    """Repair invalid geometries; return the new array and the mask of repaired rows."""
    geoms = geoms.copy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    invalid = present & ~shapely.is_valid(geoms)
    if not invalid.any():
        return geoms, invalid
    if polygon_layer:
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        fixed = _polygonal(fixed)
    else:
        fixed = shapely.make_valid(geoms[invalid])
    geoms[invalid] = fixed
    return geoms, invalid


def _check_family(gdf: gpd.GeoDataFrame, expect: str | None, label: str) -> None:
    if expect is None:
        return
    allowed = {"polygon": _POLYGON_TYPES, "point": _POINT_TYPES}.get(expect)
    if allowed is None:
        raise ValueError(f"expect must be 'polygon', 'point' or None, not {expect!r}")
    geoms = np.asarray(gdf.geometry.values)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    names = {_TYPE_NAMES.get(t, "onbekend") for t in shapely.get_type_id(geoms[present]).tolist()}
    if not names <= allowed:
        what = "vlakken (polygonen)" if expect == "polygon" else "punten"
        raise _fail(label, f"bevat geometrietypen {', '.join(sorted(names))}; verwacht "
                           f"{what}. Kies de juiste laag of exporteer opnieuw.")


# --------------------------------------------------------------------------- read_vector


def read_vector(
    data: InputData,
    name: str | None = None,
    *,
    layer: str | None = None,
    expect: str | None = None,
    drop_empty: bool = True,
) -> gpd.GeoDataFrame:
    """Read one layer of a user-supplied GeoPackage, zipped shapefile or GeoJSON, safely.

    Parameters
    ----------
    data
        Raw bytes (an upload), a binary file object or a local path. A path is read in
        Python; GDAL only ever sees vetted bytes.
    name
        File name for messages (default: the path's name or ``"upload"``).
    layer
        Layer to read; required when a GeoPackage has several spatial layers.
    expect
        ``"polygon"``, ``"point"`` or ``None``: required geometry type family.
    drop_empty
        Drop rows with a null or empty geometry (default). With ``False`` they are kept
        (and still counted in ``attrs["dropped_empty"]``) so a caller can name them.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer in its own CRS with a fresh index. ``attrs``: ``"source"`` (display
        name), ``"driver"``, ``"layer"``, ``"repaired"`` (number of invalid geometries
        repaired with ``make_valid``; polygon layers keep only polygonal parts),
        ``"repaired_rows"`` (their row positions in the result) and ``"dropped_empty"``
        (rows with null/empty geometry, also after repair).

    Raises
    ------
    ImportDataError
        For every problem listed in the module docstring.
    """
    prep = _prepare(data, name)
    label = prep.name
    chosen = _choose_layer(prep, layer)
    kwargs: dict[str, Any] = {"layer": chosen if prep.kind == "gpkg" else 0}
    if prep.force_utf8:
        kwargs["encoding"] = "utf-8"
    gdf = _call(label, pyogrio.read_dataframe, io.BytesIO(prep.buf), **kwargs)
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        raise _fail(label, f"laag '{chosen}' heeft geen geometrie; lever een ruimtelijke laag.")
    if len(gdf) == 0:
        raise _fail(label, f"laag '{chosen}' is leeg (geen objecten); kies een andere laag of "
                           "exporteer opnieuw.")
    if gdf.crs is None:
        raise _fail(label, "heeft geen coördinatenstelsel (CRS); geef de laag een projectie "
                           "(QGIS: Projectie toekennen, meestal EPSG:28992 RD New) en "
                           "exporteer opnieuw.")
    _check_text(gdf, label)
    check_coordinates(gdf, label)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    polygon_layer = expect == "polygon" or (expect is None and _all_polygonal(geoms))
    geoms, repaired = _repair(geoms, polygon_layer)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs),
                           crs=gdf.crs)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.all():
        raise _fail(label, f"laag '{chosen}' heeft geen enkel object met geometrie; "
                           "exporteer opnieuw.")
    _check_family(gdf, expect, label)
    keep = ~empty if drop_empty else np.ones(len(gdf), dtype=bool)
    gdf = gdf.loc[keep].reset_index(drop=True)
    gdf.attrs.update({
        "source": label,
        "driver": _KIND_DRIVER[prep.kind],
        "layer": chosen,
        "repaired": int(repaired.sum()),
        "repaired_rows": np.flatnonzero(repaired[keep]).tolist(),
        "dropped_empty": int(empty.sum()),
    })
    return gdf


def _all_polygonal(geoms: np.ndarray) -> bool:
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    kinds = set(shapely.get_type_id(geoms[present]).tolist())
    return bool(kinds) and kinds <= {3, 6}


# --------------------------------------------------------------------------- tables


def _sniff_delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys((";", "\t", ","), 0)
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda sep: counts[sep])  # ties: ';' before tab before ','
    return best if counts[best] else ","


def read_table(data: InputData, name: str | None = None) -> pd.DataFrame:
    r"""Read a user-supplied CSV table; every column as text.

    Parameters
    ----------
    data
        Raw bytes, a binary file object or a local path.
    name
        File name for messages.

    Returns
    -------
    pandas.DataFrame
        All columns as strings (stripped column names); convert numbers with
        :func:`to_number` or :func:`clean_numbers`. ``attrs["delimiter"]`` holds the
        sniffed delimiter (``;``, ``,`` or tab) and ``attrs["source"]`` the name.

    Raises
    ------
    ImportDataError
        When the file is too large, binary (e.g. Excel), not UTF-8, empty or malformed.

    Examples
    --------
    >>> frame = read_table(b'"Leeftijd";"Aantal"\n"65 tot 75 jaar";"1,5"\n')
    >>> frame.attrs["delimiter"], list(frame.columns), float(to_number(frame["Aantal"])[0])
    (';', ['Leeftijd', 'Aantal'], 1.5)
    """
    buf, label = load_bytes(data, name)
    if buf.startswith(b"PK\x03\x04"):
        raise _fail(label, "lijkt een Excel-bestand (.xlsx) of zip; sla de tabel op als CSV "
                           "UTF-8 (Excel: Opslaan als → 'CSV UTF-8 (door komma's gescheiden)').")
    for bom, enc in _BOMS.items():
        if buf.startswith(bom):
            raise _fail(label, f"is {enc}-tekst; sla de tabel op als CSV UTF-8 (Excel: Opslaan "
                               "als → 'CSV UTF-8').")
    if b"\x00" in buf[:65536]:
        raise _fail(label, "is geen tekstbestand; lever een CSV-bestand (UTF-8) aan.")
    try:
        text = buf.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _fail(label, "tekst in het bestand is geen UTF-8 (waarschijnlijk Windows-1252 of "
                           "Latin-1); sla het op als CSV UTF-8 (Excel: Opslaan als → 'CSV "
                           "UTF-8'; LibreOffice: Tekenset 'Unicode (UTF-8)').") from exc
    if not text.strip():
        raise _fail(label, "is leeg; lever een CSV-bestand met een kopregel aan.")
    sep = _sniff_delimiter(text)
    frame = _parse_csv(text, sep, label)
    frame.attrs.update({"delimiter": sep, "source": label})
    return frame


def _parse_csv(text: str, sep: str, label: str) -> pd.DataFrame:
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep)
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise _fail(label, f"is geen geldige CSV-tabel ({exc}); controleer de aanhalingstekens."
                    ) from exc
    header = [cell.strip() for cell in rows[0]]
    width = len(header)
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > width:
            raise _fail(label, f"regel {number} heeft {len(row)} velden, de kopregel {width}; "
                               "controleer dat elke regel evenveel kolommen heeft (let op "
                               "scheidingstekens in tekst zonder aanhalingstekens).")
    body = [row + [""] * (width - len(row)) for row in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=str)


# --------------------------------------------------------------------------- numbers


def _decimal_of(values: pd.Series) -> str:
    has_comma = values.str.contains(",", regex=False)
    has_dot = values.str.contains(".", regex=False)
    if has_comma.any() and not has_dot.any():
        return ","
    if has_dot.any() and not has_comma.any():
        return "."
    both = values[has_comma & has_dot]
    if len(both) and (both.str.rfind(",") > both.str.rfind(".")).all():
        return ","
    return "."


def to_number(series: pd.Series, *, decimal: str | None = None) -> pd.Series:
    """Convert a column to float, with CBS no-data codes as NaN.

    NaN: empty text, ``"."`` (CBS: secret/missing), ``"-"``, ``"x"`` and every value
    ≤ :data:`CBS_SENTINEL_MAX` (-99991 … -99999999). Spaces (thousands separators) are
    removed. The decimal separator is detected per column (a comma without dots means a
    decimal comma; with both, the last one is the decimal separator) unless ``decimal``
    is given.

    Parameters
    ----------
    series
        Text or numeric values.
    decimal
        ``","`` or ``"."`` to force the decimal separator; the other one is then a
        thousands separator.

    Returns
    -------
    pandas.Series
        float64, same index and name.

    Raises
    ------
    ImportDataError
        When a value is neither a number nor a no-data code.

    Examples
    --------
    >>> to_number(pd.Series(["12,5", ".", "-99997", "", "3"])).tolist()
    [12.5, nan, nan, nan, 3.0]
    >>> to_number(pd.Series([1.0, -99999999.0])).tolist()
    [1.0, nan]
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
    else:
        values = _parse_text_numbers(series, decimal)
    return values.mask(values <= CBS_SENTINEL_MAX).rename(series.name)


def _parse_text_numbers(series: pd.Series, decimal: str | None) -> pd.Series:
    text = series.astype("string").str.strip()
    text = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    missing = text.isna() | text.isin(_MISSING_TEXT)
    present = text[~missing]
    sep = decimal or (_decimal_of(present) if len(present) else ".")
    thousands = "." if sep == "," else ","
    cleaned = present.str.replace(thousands, "", regex=False)
    if sep == ",":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    parsed = pd.to_numeric(cleaned.astype(object), errors="coerce")
    bad = parsed.isna()
    if bad.any():
        examples = ", ".join(f"'{v}'" for v in present[bad].head(3))
        raise ImportDataError(
            f"kolom '{series.name}' bevat waarden die geen getal zijn ({examples}); "
            "gebruik getallen, of '.' of leeg voor 'onbekend'."
        )
    out = pd.Series(np.nan, index=series.index, dtype="float64", name=series.name)
    out[~missing] = parsed.astype("float64").to_numpy()
    return out


def clean_numbers(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Return a copy of ``frame`` with ``columns`` converted by :func:`to_number`.

    Columns that are not in the frame are skipped (file editions differ in what they
    hold); check for required columns separately.

    Examples
    --------
    >>> frame = pd.DataFrame({"code": ["BU1"], "inw": ["-99997"], "pct": ["12"]})
    >>> out = clean_numbers(frame, ["inw", "pct", "absent"])
    >>> out["code"].item(), out["inw"].isna().item(), out["pct"].item()
    ('BU1', True, 12.0)
    """
    out = frame.copy()
    for col in columns:
        if col in out.columns:
            out[col] = to_number(out[col])
    return out
