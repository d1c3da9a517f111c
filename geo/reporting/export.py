"""Exports for other GIS software: Shapefile (zip), GeoPackage, GeoJSON and CSV.

Layers (:data:`LAYERS`): the gap layers per buurt, kerngebied, municipality, for the whole
region and per grid cell, the housing stock with its suitability class, the facilities
(``outside_region``: used across the region's border), and the facilities' walking-norm
catchments (circles of the norm distance, straight line). Every row carries the municipality
code ``gemeente_code`` (the region row: the comma-separated codes; facilities outside the
region: empty). Every export is cut from one :class:`geo.analysis.gaps.GapResult` — the
same object the app shows — so the numbers match. :class:`ExportSelection` filters by
municipality, kerngebied and (homes) owner.

Formats (:data:`FORMATS`):

- **GeoPackage** (recommended): full field names and types, EPSG:28992, QGIS styles in the
  ``layer_styles`` table, a ``field_dictionary`` and a ``provenance`` table; when the region
  records a data status per layer, the field dictionary has an ``origin`` column (Dutch:
  real, estimated or generated, see :mod:`geo.reporting.provenance`);
- **Shapefile**, one zip: ``.shp .shx .dbf .prj .cpg`` (UTF-8), field names of at most 10
  characters chosen by :mod:`geo.reporting.fields` (never truncated by the driver; the ``.dbf`` is
  written by :mod:`geo.reporting._dbf`: numbers rounded to 6 decimals), a QGIS style
  ``<layer>.qml``, ``velden.csv`` (short name → full name, unit, description) and
  ``LEESMIJ.txt`` (source, scenario, year, norms, date, and what is real, estimated or
  generated per layer);
- **GeoJSON**: WGS84 per RFC 7946 (longitude/latitude, 7 decimals, exterior rings
  counter-clockwise, no ``crs`` member), provenance in the ``description`` member;
- **CSV**: attributes only, comma-separated, decimal point, UTF-8, empty = missing; codes
  and names of the areas (points also get RD x/y).

All files are written under a temporary name and renamed when complete
(:func:`geo.io._atomic.atomic_path`).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import shapely

from geo import vocabulary
from geo._version import __version__
from geo.analysis.gaps import GapResult
from geo.errors import ExportError
from geo.io import _gdal
from geo.io._atomic import atomic_path
from geo.model.crs import transformer
from geo.reporting._dbf import write_dbf
from geo.reporting._qml import facility_qml, graduated_qml, outline_qml, suitability_qml
from geo.reporting.export_layers import (
    LAYERS,
    ExportSelection,
    gemeente_code_of,
    select_layer,
)
from geo.reporting.fields import field_table
from geo.reporting.output import provenance_table
from geo.reporting.provenance import DataProvenance

__all__ = ["FORMATS", "LAYERS", "ExportSelection", "export_bytes", "export_filename",
           "gemeente_code_of", "select_layer", "write_export"]

FORMATS: dict[str, tuple[str, str, str]] = {  # key -> (label, suffix, MIME type)
    "gpkg": ("GeoPackage (aanbevolen)", ".gpkg", "application/geopackage+sqlite3"),
    "shp": ("Shapefile (zip)", ".zip", "application/zip"),
    "geojson": ("GeoJSON (WGS84)", ".geojson", "application/geo+json"),
    "csv": ("CSV (attributen)", ".csv", "text/csv"),
}
ALL_LAYERS = "all"
_AREA_LAYERS = ("gaps_buurt", "gaps_kern", "gaps_gemeente", "gaps_regio", "gaps_grid")


def _theme(frame: pd.DataFrame, theme: str | None) -> str:
    return theme if theme is not None and theme in frame.columns else "shortage_step_free"


def _style(layer: str, frame: gpd.GeoDataFrame, names: dict[str, str],
           theme: str | None) -> str:
    """QML for the layer; ``names`` maps columns to the field names as written."""
    if layer in _AREA_LAYERS:
        column = _theme(frame, theme)
        return graduated_qml(names[column], frame[column].to_numpy(dtype=float),
                             label=column, diverging=column.startswith("shortage_"))
    if layer == "homes":
        return suitability_qml(names["suitability"])
    if layer == "facilities":
        return facility_qml(names["facility_type"], frame["facility_type"].unique())
    return outline_qml()


def _provenance(result: GapResult, layer: str, fmt: str, sel: ExportSelection,
                created: str) -> pd.DataFrame:
    prov = provenance_table(result)
    extra = {"export_layer": layer, "export_format": fmt,
             "export_gemeente": sel.gemeente or "hele regio",
             "export_kerngebied": sel.kerngebied or "hele gemeente",
             "export_owner": sel.owner or "", "export_created": created,
             "app": f"Woonzorgatlas {__version__}", "crs": vocabulary.METRIC_CRS
             if fmt != "geojson" else "OGC:CRS84 (WGS84, RFC 7946)"}
    prov = prov[prov["key"] != "created"]
    return pd.concat([prov, pd.DataFrame({"key": list(extra), "value": list(extra.values())})],
                     ignore_index=True)


def _readme(result: GapResult, layer: str, fmt: str, sel: ExportSelection, created: str,
            fields: pd.DataFrame) -> str:
    a = result.assumptions
    lines = [
        f"Woonzorgatlas-export: {LAYERS[layer]} ({layer})",
        "=" * 60,
        f"Regio:        {a['region']}",
        f"Jaar:         {a['year']} (basisjaar van de data: {a['base_year']})",
        f"Scenario:     {a.get('scenario_name', 'geen (huidige situatie / basis)')}",
        f"Normen:       {result.norms.name} ({result.norms.key}); bron: {result.norms.source}",
        f"Prognose:     {result.prognosis.name}",
        f"Selectie:     {sel.kerngebied or 'hele gemeente'}"
        + (f"; gemeente {sel.gemeente}" if sel.gemeente else "")
        + (f"; eigenaar {sel.owner}" if sel.owner else ""),
        f"Projectie:    {'WGS84 (RFC 7946)' if fmt == 'geojson' else 'EPSG:28992 (RD New)'}",
        f"Gemaakt:      {created} met Woonzorgatlas {__version__}",
        "",
    ]
    prov = DataProvenance.from_assumptions(a)
    if prov.known:
        lines += [f"Gegevens:     {prov.title()}"] + [
            f"- {r.label}: {r.status_label}" + (f" — {r.note}" if r.note else "")
            for r in prov.rows(list(prov.statuses))] + [""]
    elif a.get("demo"):
        lines += ["LET OP: " + (a.get("notice") or "demodata met gegenereerde details."), ""]
    lines += ["Bronnen:"] + [f"- {k}: {v}" for k, v in a["sources"].items()] + [""]
    if fmt == "shp":
        lines += ["Veldnamen zijn ingekort tot 10 tekens (Shapefile-limiet). Zie velden.csv",
                  "voor de volledige naam, eenheid en omschrijving van elk veld:", ""]
        lines += [f"  {r.short_name:<10}  {r.full_name:<24} {r.unit:<12} {r.description}"
                  + (f" [{r.origin}]" if getattr(r, "origin", "") else "")
                  for r in fields.itertuples()]
        lines += ["", f"De stijl voor QGIS staat in {layer}.qml (wordt automatisch geladen).",
                  "Voorkeur: de GeoPackage-export houdt de volledige veldnamen."]
    distance = a.get("distance_text") or "Afstanden zijn rechte lijnen (hemelsbreed)."
    lines += ["", f"Tekort = vraag - aanbod (negatief = overschot). {distance}",
              "Methode en aannames: zie de pagina 'Data & methode' van de app en de README."]
    return "\n".join(lines) + "\n"


def _write_shapefile_zip(frame: gpd.GeoDataFrame, layer: str, target: Path, readme: str,
                         fields: pd.DataFrame, qml: str) -> None:
    names = dict(zip(fields["full_name"], fields["short_name"], strict=True))
    # geo.reporting._dbf stores booleans as 0/1 and categories as text
    attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name)).rename(columns=names)
    with tempfile.TemporaryDirectory(prefix="woonzorgatlas-shp-") as tmp:
        shp = Path(tmp) / f"{layer}.shp"
        # GDAL writes the geometry (.shp/.shx/.prj/.cpg); the attribute table comes from
        # geo.reporting._dbf, which is ~3× faster and sizes the fields to their values
        _gdal.write_dataframe(frame[[frame.geometry.name]], shp, driver="ESRI Shapefile",
                                layer_options={"ENCODING": "UTF-8", "2GB_LIMIT": "YES"})
        write_dbf(attrs, shp.with_suffix(".dbf"))
        # level 1: a national grid's .dbf is ~200 MB of digits; fast deflate still gives ~3×
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=1) as zf:
            for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
                member = shp.with_suffix(ext)
                if not member.exists():
                    raise ExportError(f"Shapefile-onderdeel {member.name} ontbreekt na het "
                                      "schrijven.")
                zf.write(member, member.name)
            zf.writestr(f"{layer}.qml", qml)
            zf.writestr("velden.csv", fields.to_csv(index=False))
            zf.writestr("LEESMIJ.txt", readme)


_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
  styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))
"""


def _add_gpkg_styles(path: Path, styles: dict[str, str]) -> None:
    """Store QML styles in the ``layer_styles`` table (as QGIS does), default per layer."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(_STYLES_DDL)
            con.execute(
                "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                "description) VALUES ('layer_styles', 'attributes', 'layer_styles', "
                "'QGIS-stijlen')")
            for layer, qml in styles.items():
                geom_col = con.execute(
                    "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                    (layer,)).fetchone()
                con.execute(
                    "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
                    "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, "
                    "description, owner, ui) VALUES ('', '', ?, ?, ?, ?, '', 1, ?, '', '')",
                    (layer, geom_col[0] if geom_col else "geom", f"{layer} (Woonzorgatlas)",
                     qml, "Stijl uit Woonzorgatlas"))
    finally:
        con.close()


def _write_gpkg(frames: dict[str, gpd.GeoDataFrame], target: Path, provenance: pd.DataFrame,
                fields: pd.DataFrame, styles: dict[str, str]) -> None:
    for i, (layer, frame) in enumerate(frames.items()):
        # GeoPackage 1.2: read without warnings by the GDAL of older QGIS releases (3.22 LTR)
        _gdal.write_dataframe(
            frame, target, layer=layer, driver="GPKG", use_arrow=True,
            dataset_options={"VERSION": "1.2"} if i == 0 else None,
            layer_options={"DESCRIPTION": LAYERS[layer], "IDENTIFIER": LAYERS[layer]})
    _gdal.write_dataframe(provenance, target, layer="provenance", driver="GPKG")
    _gdal.write_dataframe(fields, target, layer="field_dictionary", driver="GPKG")
    _add_gpkg_styles(target, styles)


def _json_values(values: pd.Series) -> pa.Array:
    """JSON text of every value of a column (``null`` for missing, NaN and infinity)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        arr = pa.array(values.to_numpy(dtype=bool))
        return pc.if_else(arr, "true", "false")
    if pd.api.types.is_numeric_dtype(dtype):
        num = values.to_numpy(dtype=float)
        arr = pa.array(np.where(np.isfinite(num), num, np.nan), from_pandas=True)
        if pd.api.types.is_integer_dtype(dtype):
            arr = pc.cast(arr, pa.int64())
        return pc.fill_null(pc.cast(arr, pa.string()), "null")
    texts = [("null" if v is None or (isinstance(v, float) and v != v)
              else json.dumps(str(v), ensure_ascii=False)) for v in values.tolist()]
    return pa.array(texts, type=pa.string())


def _wgs84_rfc7946(geoms: np.ndarray, crs: object) -> np.ndarray:
    """Geometries in WGS84 lon/lat, 7 decimals, exterior rings counter-clockwise."""
    to_wgs = transformer(crs, vocabulary.DISPLAY_CRS)  # type: ignore[arg-type]

    def project(xy: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs.transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([lon, lat]), 7)

    return shapely.orient_polygons(shapely.transform(geoms, project), exterior_cw=False)


GEOJSON_BATCH = 50_000  # features per batch: bounded memory, Arrow offsets well below 2 GB


def _contiguous(strings: pa.Array) -> memoryview:
    """The bytes of all values of a string array, back to back."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32, count=len(strings) + 1,
                            offset=strings.offset * 4)
    return memoryview(strings.buffers()[2])[offsets[0]:offsets[-1]]


def _geojson_features(frame: gpd.GeoDataFrame) -> pa.Array:
    """One JSON text per feature, each followed by a comma and a line break."""
    geoms = _wgs84_rfc7946(frame.geometry.values, frame.crs)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    with ThreadPoolExecutor(max_workers=2) as pool:
        values = list(pool.map(lambda c: _json_values(
            frame[c].astype(str) if isinstance(frame[c].dtype, pd.CategoricalDtype)
            else frame[c]), columns))
    args: list[object] = []
    for i, (col, vals) in enumerate(zip(columns, values, strict=True)):
        args += [("" if i else '{"type":"Feature","properties":{') + ("," if i else "")
                 + json.dumps(col) + ":", vals]
    if not columns:
        args.append('{"type":"Feature","properties":{')
    args += ['},"geometry":', pa.array(shapely.to_geojson(geoms).astype(object),
                                       type=pa.string()), "},\n"]
    return pc.binary_join_element_wise(*args, "")


def _write_geojson(frame: gpd.GeoDataFrame, target: Path, provenance: pd.DataFrame,
                   name: str) -> None:
    """GeoJSON per RFC 7946 (see the module docstring).

    The text is assembled with Arrow string kernels (columns formatted in two threads,
    joined in one pass, written from the Arrow buffers) in batches of
    :data:`GEOJSON_BATCH` features; GDAL's writer takes ~20 s for 150,000 features with 47
    fields.
    """
    summary = "; ".join(f"{k}={v}" for k, v in zip(provenance["key"], provenance["value"],
                                                     strict=True)
                        if not k.endswith("_json"))
    head = ('{"type":"FeatureCollection","name":' + json.dumps(name)
            + ',"description":' + json.dumps(summary, ensure_ascii=False) + ',"features":[\n')
    n = len(frame)
    with open(target, "wb") as fh:
        fh.write(head.encode("utf-8"))
        for start in range(0, n, GEOJSON_BATCH):
            data = _contiguous(_geojson_features(frame.iloc[start:start + GEOJSON_BATCH]))
            fh.write(data[:-2] if start + GEOJSON_BATCH >= n else data)  # no comma at the end
        fh.write(b"\n]}\n")


def _write_csv(frame: gpd.GeoDataFrame, target: Path) -> None:
    data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if (shapely.get_type_id(frame.geometry.values) == 0).all():
        xy = shapely.get_coordinates(frame.geometry.values)
        data["x_rd"], data["y_rd"] = xy[:, 0], xy[:, 1]
    for col in data.columns:
        if isinstance(data[col].dtype, pd.CategoricalDtype):
            data[col] = data[col].astype(str)
    table = pa.Table.from_pandas(data, preserve_index=False)
    pacsv.write_csv(table, target, write_options=pacsv.WriteOptions(quoting_style="needed"))


def _csv_columns(frame: gpd.GeoDataFrame) -> list[str]:
    cols = [c for c in frame.columns if c != frame.geometry.name]
    if len(frame) and (shapely.get_type_id(frame.geometry.values) == 0).all():
        cols += ["x_rd", "y_rd"]
    return cols


def write_export(result: GapResult, layer: str, fmt: str, path: str | Path,
                 selection: ExportSelection | None = None, *,
                 created: str | None = None) -> Path:
    """Write one layer (or, for GeoPackage, ``"all"`` layers) in one format.

    Parameters
    ----------
    result
        The analysis (base or scenario) to export.
    layer
        A key of :data:`LAYERS`, or ``"all"`` (GeoPackage only).
    fmt
        ``"gpkg"``, ``"shp"`` (a ``.zip``), ``"geojson"`` or ``"csv"``.
    path
        Target file; written atomically (an existing file is replaced only on success).
    selection
        Filters and the figure the QGIS style colours by.
    created
        Timestamp to record (UTC ISO; now when ``None``).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ExportError
        Unknown layer or format, empty selection, or a target with the wrong suffix.
    geo.errors.WoonzorgError
        The folder does not exist or is not writable.
    """
    sel = selection or ExportSelection()
    if fmt not in FORMATS:
        raise ExportError(f"onbekend formaat '{fmt}'; kies uit {', '.join(FORMATS)}.")
    path = Path(path)
    suffix = FORMATS[fmt][1]
    if path.suffix.lower() != suffix:
        raise ExportError(f"een {FORMATS[fmt][0]}-export moet eindigen op '{suffix}', niet "
                          f"'{path.name}'.")
    if layer == ALL_LAYERS and fmt != "gpkg":
        raise ExportError("alle lagen in één bestand kan alleen als GeoPackage; kies één laag "
                          "voor Shapefile, GeoJSON of CSV.")
    created = created or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    layers = list(LAYERS) if layer == ALL_LAYERS else [layer]
    frames: dict[str, gpd.GeoDataFrame] = {}
    for name in layers:
        try:
            # with all layers in one package, the owner filter applies to the homes only
            own = sel if layer != ALL_LAYERS or name == "homes" else ExportSelection(
                kerngebied=sel.kerngebied, theme=sel.theme, gemeente=sel.gemeente)
            frames[name] = select_layer(result, name, own)
        except ExportError:
            if layer != ALL_LAYERS:
                raise
    if not frames:
        raise ExportError("de selectie is leeg voor alle lagen; kies een andere gemeente of "
                          "een ander kerngebied.")
    provenance = _provenance(result, layer, fmt, sel, created)
    all_cols = [c for f in frames.values() for c in
                (_csv_columns(f) if fmt == "csv" else f.columns) if c != f.geometry.name]
    fields = field_table(dict.fromkeys(all_cols))
    prov = DataProvenance.from_assumptions(result.assumptions)
    if prov.known:  # where each field comes from: real, estimated or generated data
        fields["origin"] = [prov.field_origin(c) for c in fields["full_name"]]
    with atomic_path(path) as tmp:
        if fmt == "gpkg":
            styles = {name: _style(name, f, {c: c for c in f.columns}, sel.theme)
                      for name, f in frames.items()}
            _write_gpkg(frames, tmp, provenance, fields, styles)
        elif fmt == "shp":
            frame = frames[layer]  # one layer: ``fields`` describes exactly its columns
            names = dict(zip(fields["full_name"], fields["short_name"], strict=True))
            _write_shapefile_zip(frame, layer, tmp, _readme(result, layer, fmt, sel, created,
                                                            fields),
                                 fields, _style(layer, frame, names, sel.theme))
        elif fmt == "geojson":
            _write_geojson(frames[layer], tmp, provenance, layer)
        else:
            _write_csv(frames[layer], tmp)
    return path


def export_filename(result: GapResult, layer: str, fmt: str,
                    selection: ExportSelection | None = None) -> str:
    """A descriptive file name, e.g. ``woonzorgatlas_gaps_buurt_2030_smilde.gpkg``."""
    sel = selection or ExportSelection()
    parts = ["woonzorgatlas", layer, str(result.year)]
    scenario = result.assumptions.get("scenario_name")
    for extra in (scenario, sel.gemeente, sel.kerngebied, sel.owner):
        if extra:
            words = "".join(ch if ch.isalnum() else " " for ch in str(extra).lower()).split()
            slug = ""
            for word in words:  # whole words, at most ~40 characters
                if slug and len(slug) + 1 + len(word) > 40:
                    break
                slug = f"{slug}-{word}" if slug else word[:40]
            parts.append(slug)
    return "_".join(parts) + FORMATS[fmt][1]


def export_bytes(result: GapResult, layer: str, fmt: str,
                 selection: ExportSelection | None = None) -> tuple[bytes, str, str]:
    """Export into memory (for a download button).

    Returns
    -------
    tuple
        ``(data, file name, MIME type)``.
    """
    name = export_filename(result, layer, fmt, selection)
    with tempfile.TemporaryDirectory(prefix="woonzorgatlas-export-") as tmp:
        path = write_export(result, layer, fmt, Path(tmp) / name, selection)
        data = path.read_bytes()
    return data, name, FORMATS[fmt][2]

