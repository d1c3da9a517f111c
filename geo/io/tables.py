r"""CSV tables from users and CBS: reading, numbers with CBS no-data codes, column names.

Tables (:func:`read_table`) are CSV with ``;``, ``,`` or tab as delimiter, in UTF-8 (with or
without BOM) or, when the bytes are not UTF-8 but decode as Windows-1252 (what Dutch Excel
writes for "CSV (gescheiden door lijstscheidingsteken)"), in Windows-1252 with a note in
``attrs["notes"]``. The bytes pass the same gate as geodata
(:func:`geo.io.uploads.load_bytes`: size limit, local paths only). All columns are read as
text; numbers are converted with :func:`to_number` / :func:`clean_numbers`, which turn CBS
no-data codes (any value ≤ :data:`CBS_SENTINEL_MAX`, ``"."``, ``"-"``, ``"x"``, empty) into
NaN and understand a decimal comma and thousands separators (``"1.234,5"``,
``"1.234.567"``; with ``whole=True`` also ``"34.025"`` as 34025). :func:`normalise_name`
is the key importers compare column names by.

Every problem raises :class:`geo.errors.ImportDataError` with a Dutch message that names the
file, says what is wrong and how to fix it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geo.errors import ImportDataError
from geo.io._vetting import BOMS
from geo.io._vetting import file_error as _fail
from geo.io.uploads import InputData, load_bytes

if TYPE_CHECKING:
    from geo.config import Config

__all__ = [
    "CBS_SENTINEL_MAX",
    "CP1252_NOTE",
    "clean_numbers",
    "decode_text",
    "normalise_name",
    "read_table",
    "to_number",
]

#: CBS no-data codes (-99991 … -99999999) are all at or below this value.
CBS_SENTINEL_MAX: float = -99990
_MISSING_TEXT = frozenset({"", ".", "-", "x", "X", "–"})
#: Note added to ``attrs["notes"]`` when a text file was read as Windows-1252.
CP1252_NOTE = ("de tekst is geen UTF-8 en is gelezen als Windows-1252 (de standaard van "
               "Nederlandse Excel); controleer letters met accenten (bijv. 'é', 'ë'). Sla "
               "het bestand voortaan op als 'CSV UTF-8' om dit te voorkomen.")
_THOUSANDS = r"\d{1,3}(?:[.,]\d{3})+"


def normalise_name(name: object) -> str:
    """Column-name comparison key: ASCII, lower case, letters and digits only.

    Examples
    --------
    >>> normalise_name("Pand_Identificatie ")
    'pandidentificatie'
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())



def _sniff_delimiter(text: str) -> str:
    """``;``, tab or ``,``: the most frequent outside quotes on the first line that has one.

    Title lines without any separator (StatLine "CSV met opmaak") are passed over.
    """
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    for header in lines:
        counts = dict.fromkeys((";", "\t", ","), 0)
        quoted = False
        for ch in header:
            if ch == '"':
                quoted = not quoted
            elif not quoted and ch in counts:
                counts[ch] += 1
        best = max(counts, key=lambda sep: counts[sep])  # ties: ';' before tab before ','
        if counts[best]:
            return best
    return ","


def read_table(data: InputData, name: str | None = None, *,
               config: Config | None = None) -> pd.DataFrame:
    r"""Read a user-supplied CSV table; every column as text.

    Parameters
    ----------
    data
        Raw bytes, a binary file object or a local path.
    name
        File name for messages.
    config
        Settings (size limit); default :func:`geo.config.get_config`.

    Returns
    -------
    pandas.DataFrame
        All columns as strings (stripped column names); convert numbers with
        :func:`to_number` or :func:`clean_numbers`. ``attrs["delimiter"]`` holds the
        sniffed delimiter (``;``, ``,`` or tab), ``attrs["source"]`` the name,
        ``attrs["encoding"]`` ``"utf-8"`` or ``"cp1252"`` and ``attrs["notes"]`` Dutch
        notes for the import report (the Windows-1252 fallback).

    Raises
    ------
    ImportDataError
        When the file is too large, binary (e.g. Excel), neither UTF-8 nor Windows-1252,
        empty or malformed.

    Examples
    --------
    >>> frame = read_table(b'"Leeftijd";"Aantal"\n"65 tot 75 jaar";"1,5"\n')
    >>> frame.attrs["delimiter"], list(frame.columns), float(to_number(frame["Aantal"])[0])
    (';', ['Leeftijd', 'Aantal'], 1.5)
    """
    buf, label = load_bytes(data, name, config=config)
    if buf.startswith(b"PK\x03\x04"):
        raise _fail(label, "lijkt een Excel-bestand (.xlsx) of zip; sla de tabel op als CSV "
                           "UTF-8 (Excel: Opslaan als → 'CSV UTF-8 (door komma's gescheiden)').")
    for bom, enc in BOMS.items():
        if buf.startswith(bom):
            raise _fail(label, f"is {enc}-tekst; sla de tabel op als CSV UTF-8 (Excel: Opslaan "
                               "als → 'CSV UTF-8').")
    if b"\x00" in buf[:65536]:
        raise _fail(label, "is geen tekstbestand; lever een CSV-bestand (UTF-8) aan.")
    text, encoding = decode_text(buf, label)
    if not text.strip():
        raise _fail(label, "is leeg; lever een CSV-bestand met een kopregel aan.")
    sep = _sniff_delimiter(text)
    frame = _parse_csv(text, sep, label)
    notes = (CP1252_NOTE,) if encoding == "cp1252" else ()
    frame.attrs.update({"delimiter": sep, "source": label, "encoding": encoding,
                        "notes": notes})
    return frame


def decode_text(buf: bytes, label: str) -> tuple[str, str]:
    """Decode the bytes of a text file: UTF-8 (BOM dropped), else Windows-1252.

    Parameters
    ----------
    buf
        The file content.
    label
        File name for messages.

    Returns
    -------
    tuple of (str, str)
        The text and the encoding used (``"utf-8"`` or ``"cp1252"``).

    Raises
    ------
    ImportDataError
        When the bytes are neither UTF-8 nor Windows-1252 (the five bytes 0x81, 0x8D,
        0x8F, 0x90 and 0x9D are undefined in Windows-1252).

    Examples
    --------
    >>> decode_text("café".encode("cp1252"), "x.csv")
    ('café', 'cp1252')
    """
    try:
        return buf.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return buf.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _fail(label, "tekst in het bestand is geen UTF-8 en ook geen Windows-1252 "
                           f"(byte {exc.object[exc.start:exc.start + 1]!r} op positie "
                           f"{exc.start}); sla het op als CSV UTF-8 (Excel: Opslaan als → 'CSV "
                           "UTF-8'; LibreOffice: Tekenset 'Unicode (UTF-8)').") from exc


def _title_line(row: list[str]) -> bool:
    """A line with one filled cell (a title such as "Kerncijfers wijken en buurten 2024")."""
    return sum(1 for cell in row if cell.strip()) == 1


def _parse_csv(text: str, sep: str, label: str) -> pd.DataFrame:
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep)
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise _fail(label, f"is geen geldige CSV-tabel ({exc}); controleer de aanhalingstekens."
                    ) from exc
    while len(rows) > 1 and _title_line(rows[0]) and len(rows[1]) > 1:
        rows = rows[1:]  # StatLine "CSV met opmaak": table title lines above the header
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


def _decimal_of(values: pd.Series, whole: bool = False) -> str:
    """The decimal separator of a column of number texts (the other one groups thousands).

    Unambiguous cases first: a value with two dots (``"1.234.567"``) or a dot before a comma
    means a decimal comma; two commas or a comma before a dot mean a decimal point. With
    ``whole`` (counts), values that all look like thousand groups (``"34.025"``,
    ``"1,250"``) are thousands. Otherwise a lone comma is decimal and a lone dot too.
    """
    has_comma = values.str.contains(",", regex=False)
    has_dot = values.str.contains(".", regex=False)
    if (values.str.count(r"\.") > 1).any():
        return ","
    if (values.str.count(",") > 1).any():
        return "."
    grouped = values[has_comma | has_dot]
    if whole and len(grouped) and grouped.str.fullmatch(r"[-+]?" + _THOUSANDS).all():
        return "," if has_dot.any() and not has_comma.any() else "."
    if has_comma.any() and not has_dot.any():
        return ","
    if has_dot.any() and not has_comma.any():
        return "."
    both = values[has_comma & has_dot]
    if len(both) and (both.str.rfind(",") > both.str.rfind(".")).all():
        return ","
    return "."


def to_number(series: pd.Series, *, decimal: str | None = None,
              whole: bool = False) -> pd.Series:
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
    whole
        The column holds counts (whole numbers): when every value with a separator looks
        like thousand groups (``"34.025"``, ``"1,250"``), the separator groups thousands.

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
    >>> to_number(pd.Series(["34.025", "1.234.567", "1.234,5"])).tolist()  # one column, one style
    [34025.0, 1234567.0, 1234.5]
    >>> to_number(pd.Series(["34.025"])).tolist()  # ambiguous: a decimal point
    [34.025]
    >>> to_number(pd.Series(["34.025", "980"]), whole=True).tolist()
    [34025.0, 980.0]
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.astype("float64")
    else:
        values = _parse_text_numbers(series, decimal, whole)
    return values.mask(values <= CBS_SENTINEL_MAX).rename(series.name)


def _parse_text_numbers(series: pd.Series, decimal: str | None, whole: bool) -> pd.Series:
    text = series.astype("string").str.strip()
    text = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True)
    missing = text.isna() | text.isin(_MISSING_TEXT)
    present = text[~missing]
    sep = decimal or (_decimal_of(present, whole) if len(present) else ".")
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
