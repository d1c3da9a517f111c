"""A fast dBase III (``.dbf``) writer for the attribute table of Shapefile exports.

GDAL formats every real number as a 24-character field with 15 decimals, one value at a
time (~7 s and ~200 MB for a national 500 m grid of 150,000 cells with 47 fields). This
writer formats whole columns with Arrow kernels and sizes each field to its values:

- whole numbers (integer columns, and float columns whose finite values are all whole) →
  ``N`` with 0 decimals;
- other floats → ``N`` with :data:`DECIMALS` decimals (rounded; far more than the app
  shows);
- text → ``C``, as wide as the longest UTF-8 value (at most 254 bytes, cut on a character
  boundary);
- missing values (None, NaN, ±infinity) → blanks, which GDAL and QGIS read as NULL.

Field names must already be unique and at most 10 ASCII characters (see
:mod:`geo.reporting.fields`). The encoding is UTF-8 and is declared by the ``.cpg`` file next to it.
"""

from __future__ import annotations

import struct
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo.errors import ExportError

__all__ = ["DECIMALS", "write_dbf"]

DECIMALS = 6
MAX_TEXT = 254
MAX_NUMERIC = 32


def _numeric(values: np.ndarray) -> tuple[pa.Array, int]:
    """Formatted numbers (ASCII, NULL for missing) and their number of decimals."""
    finite = np.isfinite(values)
    if np.abs(values[finite]).max(initial=0.0) >= 1e12:
        raise ExportError("getallen van 10^12 of meer passen niet in een Shapefile (dBase); "
                          "exporteer als GeoPackage of CSV.")
    whole = bool(np.all(np.mod(values[finite], 1) == 0)) if finite.any() else True
    clean = np.where(finite, values, np.nan)
    arr = pa.array(clean, from_pandas=True)
    if whole:
        return pc.cast(pc.cast(arr, pa.int64()), pa.string()), 0
    rounded = pc.round(arr, ndigits=DECIMALS)
    return pc.cast(pc.cast(rounded, pa.decimal128(12 + DECIMALS, DECIMALS)), pa.string()), \
        DECIMALS


def _text(values: pd.Series) -> tuple[list[bytes | None], int]:
    out: list[bytes | None] = []
    width = 1
    for value in values.tolist():
        if value is None or (isinstance(value, float) and value != value):
            out.append(None)
            continue
        raw = str(value).encode("utf-8")
        if len(raw) > MAX_TEXT:
            raw = raw[:MAX_TEXT].decode("utf-8", errors="ignore").encode("utf-8")
        width = max(width, len(raw))
        out.append(raw)
    return out, width


def write_dbf(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write the columns of ``frame`` as a dBase III table.

    Parameters
    ----------
    frame
        Attribute columns only (no geometry); booleans, integers, floats and text.
    path
        Target ``.dbf`` file (overwritten).

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    geo.errors.ExportError
        A field name longer than 10 characters or not ASCII, a number too large for a
        32-character field, or a record over 65,535 bytes (Dutch message).
    """
    n = len(frame)
    fields: list[tuple[str, bytes, int, int]] = []  # name, type, width, decimals
    cells: list[pa.Array] = []
    for name in frame.columns:
        if len(name) > 10 or not name.isascii():
            raise ExportError(f"veldnaam {name!r} past niet in een Shapefile (dBase): "
                              "hooguit 10 tekens, alleen ASCII; exporteer als GeoPackage.")
        col = frame[name]
        if pd.api.types.is_bool_dtype(col.dtype):
            col = col.astype(np.int8)
        if pd.api.types.is_numeric_dtype(col.dtype):
            texts, decimals = _numeric(col.to_numpy(dtype=float))
            width = max(1, int(pc.max(pc.utf8_length(texts)).as_py() or 1))
            if width > MAX_NUMERIC:
                raise ExportError(f"de getallen in {name!r} hebben {width} tekens nodig, "
                                  f"een Shapefile (dBase) hooguit {MAX_NUMERIC}; exporteer "
                                  "als GeoPackage of CSV.")
            padded = pc.utf8_lpad(pc.fill_null(texts, ""), width=width, padding=" ")
            fields.append((name, b"N", width, decimals))
            cells.append(pc.cast(padded, pa.binary()))
        else:
            raw, width = _text(col.astype(object) if not isinstance(col.dtype, pd.CategoricalDtype)
                               else col.astype(str))
            padded = [b" " * width if v is None else v.ljust(width, b" ") for v in raw]
            fields.append((name, b"C", width, 0))
            cells.append(pa.array(padded, type=pa.binary()))
    record_len = 1 + sum(f[2] for f in fields)
    header_len = 32 + 32 * len(fields) + 1
    if record_len > 65535:
        raise ExportError("een rij is langer dan 65.535 bytes, te lang voor een Shapefile "
                          "(dBase); exporteer minder velden of als GeoPackage.")
    today = date.today()
    header = struct.pack("<BBBBIHH20x", 0x03, today.year - 1900, today.month, today.day, n,
                         header_len, record_len)
    descriptors = b"".join(
        struct.pack("<11sc4xBB14x", name.encode("ascii"), kind, width, decimals)
        for name, kind, width, decimals in fields)
    if n:
        records = pc.binary_join_element_wise(pa.array([b" "] * n, type=pa.binary()), *cells,
                                              b"")
        offsets = np.frombuffer(records.buffers()[1], dtype=np.int32,
                                count=n + 1, offset=records.offset * 4)
        body = records.buffers()[2].to_pybytes()[offsets[0]:offsets[-1]]
    else:
        body = b""
    if len(body) != n * record_len:  # every record must be exactly record_len bytes
        raise ExportError("interne fout: dBase-rijen van ongelijke lengte; meld dit als fout.")
    path = Path(path)
    with open(path, "wb") as fh:
        fh.write(header)
        fh.write(descriptors)
        fh.write(b"\x0d")
        fh.write(body)
        fh.write(b"\x1a")
    return path
