r"""Safe reading of user-supplied geodata and tables (uploads and CLI arguments).

Every importer reads files through this module. The rules, in the order they are applied:

1. **Bytes, never paths, reach GDAL.** ``data`` is raw bytes (an upload), a binary file
   object (e.g. Streamlit's ``UploadedFile``) or a local path; a path is read in Python
   first. pyogrio only ever gets a :class:`io.BytesIO`, so ``/vsicurl/``, ``zip+https://``
   and other GDAL path tricks cannot be triggered by a user string. ``GDAL_SKIP`` (set in
   :mod:`geo` before pyogrio loads) keeps GDAL from opening OGR VRT files that read
   server-local files (:func:`geo.io._gdal.harden_gdal`, applied again before every read).
2. **Size limit.** :func:`max_bytes` (:attr:`geo.config.Config.max_upload_mb`: environment
   variable ``WOONZORGATLAS_MAX_UPLOAD_MB``, default 200 MB); a path's size is checked
   before it is read.
3. **Format by magic bytes**, before GDAL sees anything: GeoPackage (SQLite header and a
   GeoPackage ``application_id``), zip (``PK\x03\x04``) or GeoJSON (text starting with
   ``{``). Everything else is refused.
4. **Zip checks in memory** (:mod:`geo.io._zip`; nothing is extracted): at most
   :data:`~geo.io._zip.MAX_ZIP_MEMBERS` members;
   no absolute paths, ``..``, backslash-only tricks or folders nested deeper than **one
   level** (``buurten.shp`` and ``map/buurten.shp`` are fine, ``a/b/buurten.shp`` is not);
   no encrypted members, no zip inside a zip; declared and actual uncompressed size at most
   :data:`~geo.io._zip.ZIP_RATIO` × the size limit (zip bombs); only the extensions in
   :data:`~geo.io._zip.ZIP_EXTENSIONS`; exactly one ``.shp`` with its ``.shx``, ``.dbf``
   and ``.prj`` (same folder and name); no member that unpacks to more than
   :data:`~geo.io._zip.MAX_MEMBER_RATIO` × its compressed size once over
   :data:`~geo.io._zip.RATIO_FLOOR` (20 MB); ``.shp``/``.shx`` must start with the
   shapefile file code 9994 and declare (bytes 24–27) their own size. macOS metadata
   (``__MACOSX/``, ``.DS_Store``) is ignored. GDAL then
   reads a *rebuilt* zip holding only the vetted ``.shp/.shx/.dbf/.prj/.cpg`` members at
   its root.
5. **Driver whitelist**: GDAL must open the bytes with the driver the magic bytes announced
   (``GPKG``, ``ESRI Shapefile`` or ``GeoJSON``).
6. **Content checks**: layer choice, empty layer, missing CRS, coordinates that contradict
   the CRS (:func:`check_coordinates`, bounds of :mod:`geo.model.crs`), text that is not
   UTF-8, geometry type family (:mod:`geo.io._vector_checks`).
   Z and M are dropped (every output is 2D); in a polygon layer a GeometryCollection
   keeps its polygonal parts; invalid geometries are repaired, null/empty ones dropped.
   All are counted in ``gdf.attrs`` (``"flattened"``, ``"collection_rows"``,
   ``"repaired"``, ``"dropped_empty"``).

Text encoding: GeoPackage and GeoJSON are UTF-8 by definition. A shapefile is decoded with
the code page of its ``.cpg`` (or of the code-page byte in the ``.dbf``) when it has one;
without either it is read as UTF-8, and when its text is not valid UTF-8 as Windows-1252
(old CBS and municipal shapefiles), with a note in ``attrs["notes"]``; bytes that do not
decode give a clear error.

OpenStreetMap extracts (``.osm.pbf``, ``.osm`` XML, ``.osm.gz``/``.osm.bz2``) pass the same
size gate in :func:`load_osm_bytes`, which also sniffs them (:func:`osm_format`) and refuses
XML with entities or a DOCTYPE ("billion laughs"); :mod:`geo.io.osm_reader` (pyosmium) then
reads them from memory.

Tables (CSV) are read by :mod:`geo.io.tables` through :func:`load_bytes` as well.

Every problem raises :class:`geo.errors.ImportDataError` with a Dutch message that names the
file, says what is wrong and how to fix it.
"""
from __future__ import annotations

import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import geopandas as gpd
import numpy as np
import shapely

from geo.config import MAX_UPLOAD_ENV, Config, get_config
from geo.errors import ConfigError, ImportDataError
from geo.io import _gdal
from geo.io._osm_gate import decompressed_head, osm_format
from geo.io._vector_checks import (
    all_polygonal,
    check_coordinates,
    check_family,
    check_text,
    drop_zm,
    polygonal_collections,
    repair,
)
from geo.io._vetting import BOMS, NOT_GEODATA, UTF8_HINT, display_name
from geo.io._vetting import file_error as _fail
from geo.io._zip import vet_shapefile_zip

__all__ = [
    "InputData",
    "check_coordinates",
    "is_osm",
    "list_layers",
    "load_bytes",
    "load_osm_bytes",
    "osm_format",
    "max_bytes",
    "read_vector",
]

#: What an importer accepts: raw bytes (an upload), a binary file object or a local path.
InputData = bytes | bytearray | memoryview | str | os.PathLike[str] | BinaryIO

_SQLITE_MAGIC = b"SQLite format 3\x00"
_GPKG_APP_IDS = (b"GPKG", b"GP10", b"GP11")
_KIND_DRIVER = {"gpkg": "GPKG", "shapefile": "ESRI Shapefile", "geojson": "GeoJSON"}
_KIND_LABEL = {"gpkg": "GeoPackage", "shapefile": "gezipt Shapefile", "geojson": "GeoJSON"}


# --------------------------------------------------------------------------- size & bytes


def max_bytes(config: Config | None = None) -> int:
    """Size limit of one input file in bytes.

    Parameters
    ----------
    config
        Settings to take :attr:`~geo.config.Config.max_upload_mb` from; default
        :func:`geo.config.get_config` (environment variable ``WOONZORGATLAS_MAX_UPLOAD_MB``,
        megabytes, may be fractional; default 200).

    Raises
    ------
    ImportDataError
        When the environment variable is set but not a positive number.

    Examples
    --------
    >>> max_bytes() >= 1
    True
    """
    if config is None:
        try:
            config = get_config()
        except ConfigError as exc:  # no file can be read: say so as an import problem
            raise ImportDataError(str(exc)) from exc
    return config.max_upload_bytes


def _too_large(name: str, size: int, limit: int) -> ImportDataError:
    return _fail(
        name,
        f"is {size / 1_048_576:.1f} MB; de grens is {limit / 1_048_576:.1f} MB "
        f"({MAX_UPLOAD_ENV}). Knip het bestand bij tot uw gemeente (bijv. in QGIS met "
        f"'Zoomen naar en selecteren' en 'Opslaan als… alleen geselecteerde objecten') "
        "of verhoog de grens.",
    )


def load_bytes(data: InputData, name: str | None = None, *,
               config: Config | None = None) -> tuple[bytes, str]:
    """Read the input into memory, enforcing the size limit.

    Parameters
    ----------
    data
        Raw bytes, a binary file object (read from its current position) or a local path.
        URLs and GDAL virtual paths (``/vsi…``) are refused.
    name
        Name used in messages (default: the file name of a path, else ``"upload"``).
    config
        Settings (size limit, :func:`max_bytes`); default :func:`geo.config.get_config`.

    Returns
    -------
    tuple of (bytes, str)
        The content and the display name.

    Raises
    ------
    ImportDataError
        When the file does not exist, is too large or the input type is unknown.
    """
    limit = max_bytes(config)
    if isinstance(data, bytes | bytearray | memoryview):
        label = display_name(name, "upload")
        buf = bytes(data)
    elif isinstance(data, str | os.PathLike):
        buf, label = _read_path(data, name, limit)
    elif hasattr(data, "read"):
        label = display_name(name or Path(str(getattr(data, "name", "") or "")).name,
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
            f"'{display_name(text, 'pad')}' is geen lokaal bestand: alleen lokale bestanden of "
            "geüploade bestanden worden gelezen. Download het bestand eerst."
        )
    path = Path(text)
    label = display_name(name, path.name)
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
        raise _fail(name, f"is een leeg of gesplitst zip-archief en {NOT_GEODATA}.")
    for bom, label in BOMS.items():
        if buf.startswith(bom):
            raise _fail(name, f"is {label}-tekst, geen UTF-8; {UTF8_HINT}.")
    head = buf[:1024].removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"{"):
        return "geojson"
    raise _fail(name, f"{NOT_GEODATA}.")


def _prepare(data: InputData, name: str | None, config: Config | None) -> _Prepared:
    _gdal.harden_gdal()
    limit = max_bytes(config)
    buf, label = load_bytes(data, name, config=config)
    kind = _sniff(buf, label)
    if kind == "zip":
        rebuilt, force_utf8 = vet_shapefile_zip(buf, label, limit)
        return _Prepared(buf=rebuilt, kind="shapefile", name=label, force_utf8=force_utf8)
    if kind == "geojson" and buf.startswith(b"\xef\xbb\xbf"):
        buf = buf[3:]
    return _Prepared(buf=buf, kind=kind, name=label)


# --------------------------------------------------------------------------- GDAL calls


def _call(label: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            # GeoJSON columns with mixed types ("." among numbers) stay text: fine here.
            warnings.filterwarnings("ignore", "Could not parse column", UserWarning)
            return func(*args, **kwargs)
    except UnicodeDecodeError as exc:
        raise _fail(label, f"tekst in het bestand is geen UTF-8 ({exc.reason} bij byte "
                           f"{exc.object[exc.start:exc.start + 1]!r}); {UTF8_HINT}.") from exc
    except ImportDataError:
        raise
    except Exception as exc:  # pyogrio/GDAL raise many exception types
        raise _fail(label, f"kan niet gelezen worden: {_gdal.scrub_message(exc, label)}. "
                           "Controleer of het bestand compleet en onbeschadigd is.") from exc


def _layers(prep: _Prepared) -> list[tuple[str, str | None]]:
    with warnings.catch_warnings():  # measured (M) layers: read_vector says so in attrs
        warnings.filterwarnings("ignore", r"Measured \(M\) geometry", UserWarning)
        info = _call(prep.name, _gdal.read_info, prep.buf, layer=0)
        layers = _call(prep.name, _gdal.list_layers, prep.buf)
    driver = str(info.get("driver"))
    if driver != _KIND_DRIVER[prep.kind]:
        raise _fail(prep.name, f"wordt als '{driver}' herkend, niet als "
                               f"{_KIND_LABEL[prep.kind]}; {NOT_GEODATA}.")
    if prep.kind != "gpkg":
        # One layer; GeoJSON without "name" gets the random in-memory file name.
        stem = PurePosixPath(prep.name).stem or "laag"
        layers = [(stem if lname.startswith("pyogrio_") else lname, geom)
                  for lname, geom in layers[:1]]
    return layers


def list_layers(data: InputData, name: str | None = None, *,
                config: Config | None = None) -> list[str]:
    """Names of the layers in a geodata file (after all safety checks).

    Parameters
    ----------
    data
        Bytes, binary file object or local path, as for :func:`read_vector`.
    name
        Name used in messages.
    config
        Settings (size limit); default :func:`geo.config.get_config`.

    Returns
    -------
    list of str
        Layer names in file order (a shapefile or GeoJSON has one).

    Raises
    ------
    ImportDataError
        For every problem of the vetting rules in the module docstring.
    """
    return [layer for layer, _ in _layers(_prepare(data, name, config))]


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


# --------------------------------------------------------------------------- read_vector


def read_vector(
    data: InputData,
    name: str | None = None,
    *,
    layer: str | None = None,
    expect: str | None = None,
    drop_empty: bool = True,
    config: Config | None = None,
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
    config
        Settings (size limit); default :func:`geo.config.get_config`.

    Returns
    -------
    geopandas.GeoDataFrame
        The layer in its own CRS with a fresh index. ``attrs``: ``"source"`` (display
        name), ``"driver"``, ``"layer"``, ``"repaired"`` (number of invalid geometries
        repaired with ``make_valid``; polygon layers keep only polygonal parts),
        ``"repaired_rows"`` (their row positions in the result), ``"dropped_empty"``
        (rows with null/empty geometry, also after repair), ``"flattened"`` (rows whose Z
        or M was dropped), ``"measured"`` (the file had M values),
        ``"collection_rows"`` (``[row position, what was left out]`` of every
        GeometryCollection of a polygon layer reduced to its polygons) and ``"notes"``
        (Dutch notes for the import report, e.g. the Windows-1252 fallback of a shapefile).

    Raises
    ------
    ImportDataError
        For every problem listed in the module docstring.
    """
    prep = _prepare(data, name, config)
    label = prep.name
    chosen = _choose_layer(prep, layer)
    kwargs: dict[str, Any] = {"layer": chosen if prep.kind == "gpkg" else 0}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gdf, notes = _read_layer(prep, kwargs)
    # pyogrio drops M itself and says so in a warning; it becomes a count in attrs.
    measured = False
    for caught_warning in caught:
        if "Measured (M)" in str(caught_warning.message):
            measured = True
        else:
            warnings.warn(caught_warning.message, caught_warning.category, stacklevel=2)
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        raise _fail(label, f"laag '{chosen}' heeft geen geometrie; lever een ruimtelijke laag.")
    if len(gdf) == 0:
        raise _fail(label, f"laag '{chosen}' is leeg (geen objecten); kies een andere laag of "
                           "exporteer opnieuw.")
    if gdf.crs is None:
        raise _fail(label, "heeft geen coördinatenstelsel (CRS); geef de laag een projectie "
                           "(QGIS: Projectie toekennen, meestal EPSG:28992 RD New) en "
                           "exporteer opnieuw.")
    check_text(gdf, label)
    check_coordinates(gdf, label)
    geoms, flattened = drop_zm(np.asarray(gdf.geometry.values, dtype=object))
    polygon_layer = expect == "polygon" or (expect is None and all_polygonal(geoms))
    collections: dict[int, str] = {}
    if polygon_layer:
        geoms, collections = polygonal_collections(geoms)
    geoms, repaired = repair(geoms, polygon_layer)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs),
                           crs=gdf.crs)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.all():
        raise _fail(label, f"laag '{chosen}' heeft geen enkel object met geometrie; "
                           "exporteer opnieuw.")
    check_family(gdf, expect, label)
    keep = ~empty if drop_empty else np.ones(len(gdf), dtype=bool)
    gdf = gdf.loc[keep].reset_index(drop=True)
    position = np.cumsum(keep) - 1  # row position in the result
    gdf.attrs.update({
        "flattened": int(flattened.sum()) if not measured else len(gdf),
        "measured": measured,
        "collection_rows": [[int(position[i]), note] for i, note in collections.items()
                            if keep[i]],
        "source": label,
        "driver": _KIND_DRIVER[prep.kind],
        "layer": chosen,
        "repaired": int(repaired.sum()),
        "repaired_rows": np.flatnonzero(repaired[keep]).tolist(),
        "dropped_empty": int(empty.sum()),
        "notes": notes,
    })
    return gdf


#: Note in ``attrs["notes"]`` when a shapefile without code page was read as Windows-1252.
SHAPE_CP1252_NOTE = (
    "de shapefile heeft geen .cpg en geen codepagina in de .dbf, en de tekst is geen UTF-8: "
    "gelezen als Windows-1252 (gebruikelijk bij oudere CBS- en gemeentebestanden); "
    "controleer letters met accenten. Voeg een .cpg met '1252' toe om dit vast te leggen."
)


def _utf8_or_none(buf: bytes, **kwargs: Any) -> gpd.GeoDataFrame | None:
    try:
        return _gdal.read_dataframe(buf, encoding="utf-8", **kwargs)
    except UnicodeDecodeError:
        return None


def _read_layer(prep: _Prepared, kwargs: dict[str, Any]) -> tuple[Any, tuple[str, ...]]:
    """Read the chosen layer; a shapefile without code page as UTF-8, else Windows-1252."""
    if not prep.force_utf8:
        return _call(prep.name, _gdal.read_dataframe, prep.buf, **kwargs), ()
    gdf = _call(prep.name, _utf8_or_none, prep.buf, **kwargs)
    if gdf is not None:
        return gdf, ()
    gdf = _call(prep.name, _gdal.read_dataframe, prep.buf, encoding="cp1252", **kwargs)
    return gdf, (SHAPE_CP1252_NOTE,)


# --------------------------------------------------------------------------- OpenStreetMap


def is_osm(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) starts an OpenStreetMap extract.

    PBF, XML, and gzip/bzip2-compressed XML are recognised
    (:func:`geo.io._osm_gate.osm_format`); compressed content whose first block is not in
    ``head`` counts as OSM, the full read decides.

    Examples
    --------
    >>> is_osm(b'<?xml version="1.0"?> <osm version="0.6">'), is_osm(b"naam;type")
    (True, False)
    """
    return osm_format(head, partial=True) is not None


def load_osm_bytes(data: InputData, name: str | None = None, *,
                   config: Config | None = None) -> tuple[bytes, str]:
    """Content of an OpenStreetMap extract, through the gate of :func:`load_bytes`, sniffed.

    Parameters
    ----------
    data
        ``.osm.pbf``, ``.osm`` (XML) or ``.osm.gz``/``.osm.bz2`` bytes, binary file object
        or local path.
    name
        File name for messages.
    config
        Settings (size limit, on the compressed size); default
        :func:`geo.config.get_config`.

    Returns
    -------
    tuple of (bytes, str)
        The content (as given; :func:`osm_format` names its format) and the display name.

    Raises
    ------
    ImportDataError
        When the file is too large, is not OSM, or is XML with entities or a DOCTYPE
        (which can expand without bound; OSM files never use them). The start of
        compressed XML is checked here; libosmium refuses entities further on itself.
    """
    raw, label = load_bytes(data, name, config=config)
    fmt = osm_format(raw)
    if fmt is not None:
        text = raw if fmt == "osm" else (decompressed_head(raw) or b"")
        if b"<!ENTITY" in text or b"<!DOCTYPE" in text[:65_536]:
            raise ImportDataError(
                f"'{label}' bevat XML-entiteiten of een DOCTYPE; een OSM-bestand heeft die "
                "niet. Exporteer het opnieuw (bijv. als .osm.pbf)."
            )
        return raw, label
    if decompressed_head(raw) is not None:
        raise ImportDataError(
            f"'{label}' is gecomprimeerd (gzip/bzip2) maar bevat geen OpenStreetMap-XML "
            "(of is beschadigd). Pak het uit en controleer de inhoud, of download het "
            "uittreksel opnieuw als .osm.pbf."
        )
    raise ImportDataError(
        f"'{label}' is geen OpenStreetMap-bestand (of is beschadigd en niet leesbaar): "
        "verwacht een .osm.pbf (begint met een "
        "'OSMHeader'-blok), .osm-XML (begint met <osm>) of gecomprimeerde XML (.osm.gz, "
        ".osm.bz2). Download bijv. drenthe-latest.osm.pbf van Geofabrik of exporteer uit "
        "Overpass Turbo of JOSM."
    )
