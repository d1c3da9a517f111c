"""Wijk names for buurten that carry only a ``wijkcode`` (CBS Wijk- en Buurtkaart).

The buurten layer of the Wijk- en Buurtkaart GeoPackage (2022 and later) has ``wijkcode``
but no ``wijknaam``; the names are in the sibling layer ``wijken`` of the same file (layers
``gemeenten``, ``wijken``, ``buurten``), in PDOK's ``wijken`` collection, or in the wijken
shapefile of the older zips. :func:`read_wijk_names` reads such a layer — or a CSV with
``wijkcode;wijknaam`` — into ``{wijk code: name}``; :func:`sibling_wijken_layer` finds the
layer next to the buurten; :func:`kerngebied_names` makes core-area names of wijk names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from geo.errors import ImportDataError
from geo.io import tables, uploads
from geo.io._vetting import file_error as _fail
from geo.io.import_report import HERKEND, LET_OP, ImportReport
from geo.io.importers._cbs_common import listing, plural

__all__ = [
    "WijkNames",
    "fill_wijk_names",
    "kerngebied_names",
    "read_wijk_names",
    "sibling_wijken_layer",
]

_CODE_KEYS = ("wijkcode", "wkcode", "statcode", "code")
_NAME_KEYS = ("wijknaam", "wknaam", "statnaam", "naam")
_NO_NAMES = ("het bestand heeft geen wijknamen (en geen laag 'wijken' met namen); de "
                 "wijkcode wordt als wijknaam en als kerngebied gebruikt. Geef de wijken "
                 "mee (--wijken: de laag 'wijken' van de Wijk- en Buurtkaart of PDOK) of "
                 "een kerngebiedenbestand.")
#: CBS names many wijken "Wijk 00 Beilen": the village is the part after the number.
_WIJK_PREFIX = re.compile(r"^\s*wijk\s+\d+\s+(?=\S)", re.IGNORECASE)


@dataclass(frozen=True)
class WijkNames:
    """Wijk names read by :func:`read_wijk_names`.

    Attributes
    ----------
    names
        ``{"WK168182": "Borger", …}`` (codes upper case, names stripped).
    source
        Dutch description: file, layer and columns used.
    """

    names: dict[str, str]
    source: str


def sibling_wijken_layer(layers: list[str], buurt_layer: str | None) -> str | None:
    """The ``wijken`` layer next to the buurten in a multi-layer file, if there is one.

    Parameters
    ----------
    layers
        Layer names of the file.
    buurt_layer
        The layer the buurten are read from (never returned).

    Returns
    -------
    str or None
        ``"wijken"`` (any case), else the one layer whose name contains "wijk" (e.g.
        ``wijk_2021_v1``), else ``None``.
    """
    others = [n for n in layers if n != buurt_layer]
    exact = [n for n in others if n.casefold() == "wijken"]
    if exact:
        return exact[0]
    candidates = [n for n in others if "wijk" in n.casefold() and "buurt" not in n.casefold()]
    return candidates[0] if len(candidates) == 1 else None


def _layer_of(buf: bytes, name: str) -> str | None:
    """The wijken layer of a multi-layer file; ``None`` for one layer or a table."""
    try:
        layers = uploads.list_layers(buf, name)
    except ImportDataError:  # not geodata (a CSV): read_wijk_names decides
        return None
    return sibling_wijken_layer(layers, None) if len(layers) > 1 else None


def _pick(columns: list[str], keys: tuple[str, ...]) -> str | None:
    by_key = {tables.normalise_name(c): c for c in columns}
    return next((by_key[k] for k in keys if k in by_key), None)


def _frame(data: uploads.InputData, name: str | None,
           layer: str | None) -> tuple[pd.DataFrame, str, str]:
    """The attribute table of a wijken layer (vector) or CSV, its label and its form."""
    buf, label = uploads.load_bytes(data, name)
    try:
        gdf = uploads.read_vector(buf, label, layer=layer, drop_empty=False)
    except ImportDataError as vector_error:
        try:
            return tables.read_table(buf, label), label, "CSV"
        except ImportDataError:
            raise vector_error from None
    where = f"{gdf.attrs.get('driver', '')}, laag '{gdf.attrs.get('layer', layer or '')}'"
    return pd.DataFrame(gdf.drop(columns=gdf.geometry.name)), label, where


def read_wijk_names(data: uploads.InputData, name: str | None = None, *,
                    layer: str | None = None) -> WijkNames:
    """Read wijk codes and names from a wijken layer or table.

    Parameters
    ----------
    data
        Bytes, binary file object or local path: a GeoPackage (layer ``wijken`` of the
        Wijk- en Buurtkaart), zipped shapefile, PDOK GeoJSON of the ``wijken`` collection,
        or a CSV with ``wijkcode`` and ``wijknaam`` columns (also ``WK_CODE``/``WK_NAAM``,
        ``statcode``/``statnaam``).
    name
        File name for messages.
    layer
        Layer to read from a multi-layer file (default: the only spatial layer).

    Returns
    -------
    WijkNames

    Raises
    ------
    ImportDataError
        Unreadable file, no code or name column, or no wijk code (``WK…``) in it.
    """
    frame, label, form = _frame(data, name, layer)
    columns = [str(c) for c in frame.columns]
    code_col, name_col = _pick(columns, _CODE_KEYS), _pick(columns, _NAME_KEYS)
    if code_col is None or name_col is None:
        raise _fail(label, "heeft geen kolommen 'wijkcode' en 'wijknaam' (ook WK_CODE/WK_NAAM "
                           f"of statcode/statnaam); gevonden: {listing(columns, 12)}. Gebruik "
                           "de laag 'wijken' van de CBS Wijk- en Buurtkaart.")
    codes = frame[code_col].astype("string").str.strip().str.upper()
    names = frame[name_col].astype("string").str.strip()
    usable = codes.str.startswith("WK", na=False) & names.notna() & (names != "")
    if not usable.any():
        raise _fail(label, f"kolom '{code_col}' bevat geen wijkcodes (WK…), bijv. "
                           f"{listing(codes.dropna().astype(str).head(3), 3)}; kies de laag "
                           "'wijken' van de Wijk- en Buurtkaart.")
    mapping = dict(zip(codes[usable].astype(str), names[usable].astype(str), strict=True))
    return WijkNames(names=mapping,
                     source=f"'{label}' ({form}; kolommen {code_col}, {name_col})")


def kerngebied_names(wijk_names: pd.Series) -> pd.Series:
    """Core-area name per buurt from its wijk name: ``"Wijk 00 Beilen"`` → ``"Beilen"``.

    The CBS prefix "Wijk NN " is dropped so core areas carry the village's name; when two
    different wijk names would end up the same, both keep their full name.

    Examples
    --------
    >>> kerngebied_names(pd.Series(["Wijk 00 Beilen", "Borger", "Wijk 01"])).tolist()
    ['Beilen', 'Borger', 'Wijk 01']
    """
    full = wijk_names.astype(str)
    short = full.str.replace(_WIJK_PREFIX, "", regex=True)
    pairs = pd.DataFrame({"full": full, "short": short}).drop_duplicates()
    clash = set(pairs.loc[pairs["short"].duplicated(keep=False), "short"])
    return short.where(~short.isin(clash), full)


def fill_wijk_names(frame: pd.DataFrame, source: tuple[object, str | None, str | None] | None,
                     explicit: bool, report: ImportReport) -> None:
    """Fill missing ``wijk_name`` values of ``frame`` in place (wijken file, else code).

    Parameters
    ----------
    frame
        Buurten with ``wijk_code`` and ``wijk_name`` (``None`` where missing).
    source
        ``(data, name, layer)`` of the wijken (see :func:`read_wijk_names`), or ``None``.
    explicit
        Whether the user gave the wijken; then a problem with them raises, else it is
        a note in ``report``.
    report
        Receives what was recognised and every fallback.

    Raises
    ------
    ImportDataError
        An explicit wijken file that cannot be read or has no wijk codes and names.
    """
    missing = frame["wijk_name"].isna()
    if not missing.any():
        if explicit:
            report.add(LET_OP, "de buurten hebben zelf wijknamen; het wijkenbestand is niet "
                               "gebruikt.")
        return
    if source is not None:
        data, name, wijken_layer = source
        try:
            if wijken_layer is None:  # a whole Wijk- en Buurtkaart given as wijken file
                data, name = uploads.load_bytes(data, name)  # type: ignore[arg-type]
                wijken_layer = _layer_of(data, name)
            wijken = read_wijk_names(data, name, layer=wijken_layer)  # type: ignore[arg-type]
        except ImportDataError as exc:
            if explicit:
                raise
            report.add(LET_OP, f"wijknamen niet uit laag '{wijken_layer}' te halen: {exc}")
        else:
            found = frame["wijk_code"].map(wijken.names)
            frame["wijk_name"] = frame["wijk_name"].where(~missing, found)
            wanted = frame.loc[missing, "wijk_code"].nunique()
            named = frame.loc[missing & found.notna(), "wijk_code"].nunique()
            report.add(HERKEND, f"wijknamen uit {wijken.source}: {named} van {wanted} wijken "
                                "gevonden", count=named)
    still = frame["wijk_name"].isna()
    if still.all():
        report.add(LET_OP, _NO_NAMES)
    elif still.any():
        codes = sorted(set(frame.loc[still, "wijk_code"]))
        report.add(LET_OP, f"{plural(len(codes), 'wijk', 'wijken')} zonder naam in de "
                           f"wijkenlaag ({listing(codes, 10)}); de wijkcode wordt de naam.",
                   count=len(codes))
    frame["wijk_name"] = frame["wijk_name"].where(~still, frame["wijk_code"])
