"""Published CBS figures for the region's ``reference`` layer (what the model is checked against).

Two kinds of input give the same layer (schema in :mod:`geo.model.region`):

* a **CBS Wijk- en Buurtkaart** frame — the buurten the CBS importer read (its canonical
  columns: ``inhabitants``, ``households`` …) or a raw layer of the map (``buurten``,
  ``wijken``, ``gemeenten``) with CBS's own columns in any of its naming schemes
  (``aantal_inwoners`` / ``AANT_INW`` / ``aantalInwoners``, the aliases of
  :data:`geo.io.importers.cbs.FIELD_ALIASES`): :func:`reference_from_cbs`, and
  :func:`read_cbs_levels` for the ``wijken`` and ``gemeenten`` layers of a multi-layer
  GeoPackage;
* a **Kerncijfers wijken en buurten** table (CSV): one row per gemeente, wijk or buurt
  (``gwb_code`` / ``WijkenEnBuurten`` / ``Codering``, optionally ``soort_regio``, ``jaar``,
  ``cbs_tabel``) with the StatLine columns, snake_case (``aantal_personen_65_jaar_en_ouder``)
  or OData keys with or without their numeric suffix (``k_65JaarOfOuder_12``,
  ``AfstandTotHuisartsenpraktijk_110``): :func:`read_reference_table`.

Rules: every CBS no-data code (≤ -99990, ``.``, empty) is NaN, never a number; only rows of
the chosen municipalities are kept (their ``GM`` codes and the ``WK``/``BU`` codes that
start with their numbers; a region may hold several); with several editions of one code
the latest is kept unless a year is asked for. The age groups are taken only from
**counts** (``aantal_personen_…``): the map's whole percentages give counts that are off by
up to half a percent of the inhabitants, so they are not published figures and are left
empty (a note says so).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.errors import ImportDataError
from geo.io import tables, uploads
from geo.io.importers.cbs import FIELD_ALIASES, CbsBuurten
from geo.model.region import LAYER_COLUMNS, REFERENCE_LEVELS, validate_reference

__all__ = [
    "REFERENCE_FIELDS",
    "ReferenceTable",
    "build_reference",
    "households_per_buurt",
    "merge_reference",
    "read_cbs_levels",
    "read_reference_table",
    "reference_from_cbs",
]

#: Figure of the reference layer → column names in CBS's naming schemes (compared by
#: :func:`geo.io.tables.normalise_name`, also after dropping an OData ``_<number>`` suffix).
REFERENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "inhabitants": (*FIELD_ALIASES["inhabitants"], "AantalInwoners"),
    "pop_0_14": ("aantal_personen_0_tot_15_jaar", "k_0Tot15Jaar", "pop_0_14"),
    "pop_65plus": ("aantal_personen_65_jaar_en_ouder", "k_65JaarOfOuder", "pop_65plus"),
    "households": (*FIELD_ALIASES["households"], "HuishoudensTotaal"),
    "dwellings": (*FIELD_ALIASES["dwellings"],),
    "share_single_family": (*FIELD_ALIASES["pct_single_family"], "PercentageEengezinswoning",
                            "share_single_family"),
    "share_owner_occupied": (*FIELD_ALIASES["pct_owner_occupied"], "Koopwoningen",
                             "share_owner_occupied"),
    "dist_gp_km": (*FIELD_ALIASES["dist_gp_km"], "AfstandTotHuisartsenpraktijk"),
    "dist_supermarket_km": (*FIELD_ALIASES["dist_supermarket_km"], "AfstandTotGroteSupermarkt"),
}
# canonical names of geo.io.importers.cbs.CbsBuurten.counts are accepted as well
_CANONICAL = {"inhabitants": "inhabitants", "households": "households",
              "dwellings": "dwellings", "share_single_family": "pct_single_family",
              "share_owner_occupied": "pct_owner_occupied", "dist_gp_km": "dist_gp_km",
              "dist_supermarket_km": "dist_supermarket_km"}
_CODE_COLUMNS = ("gwb_code", "Codering", "WijkenEnBuurten", "statcode", "code",
                 "buurt_code", "buurtcode", "BU_CODE", "wijk_code", "wijkcode", "WK_CODE",
                 "gemeente_code", "gemeentecode", "GM_CODE")
_NAME_COLUMNS = {"any": ("regio", "statnaam", "name"),
                 "buurt": ("buurt_name", "buurtnaam", "BU_NAAM"),
                 "wijk": ("wijk_name", "wijknaam", "WK_NAAM"),
                 "gemeente": ("gemeente_name", "gemeentenaam", "GM_NAAM")}
_YEAR_COLUMNS = ("jaar", "year", "Perioden", "jrstatcode")
_PCT_AGE = ("percentage_personen_65_jaar_en_ouder", "P_65_EO_JR")
_FIGURES = tuple(REFERENCE_FIELDS)
_CODE_RE = re.compile(r"^(BU\d{8}|WK\d{6}|GM\d{4})$")


@dataclass(frozen=True)
class ReferenceTable:
    """Result of the readers: the layer and notes for the build's warnings.

    Attributes
    ----------
    reference
        The ``reference`` layer (validated; columns of ``LAYER_COLUMNS["reference"]``).
    notes
        Dutch notes: what was skipped and which figures the input lacks.
    """

    reference: pd.DataFrame
    notes: tuple[str, ...] = ()


def _column_lookup(columns: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    stripped: dict[str, str] = {}
    for col in columns:
        exact.setdefault(tables.normalise_name(col), col)
        stripped.setdefault(tables.normalise_name(re.sub(r"_\d+$", "", str(col))), col)
    return exact, stripped


def _find(lookup: tuple[dict[str, str], dict[str, str]], aliases: Iterable[str]) -> str | None:
    keys = [tables.normalise_name(a) for a in aliases]
    for table in lookup:
        for key in keys:
            if key in table:
                return table[key]
    return None


def _codes(frame: pd.DataFrame, lookup: tuple[dict[str, str], dict[str, str]],
           label: str) -> pd.Series:
    """The first column whose values are CBS codes (``BU…``, ``WK…``, ``GM…``)."""
    tried = []
    for alias in _CODE_COLUMNS:
        col = _find(lookup, [alias])
        if col is None or col in tried:
            continue
        tried.append(col)
        values = frame[col].astype("string").str.strip().str.upper()
        if values.str.match(r"^(BU|WK|GM|NL)\d").fillna(False).mean() >= 0.5:
            return values.fillna("")
    raise ImportDataError(
        f"{label}: geen kolom met CBS-codes (BU…, WK…, GM…) gevonden (kolommen: "
        f"{', '.join(map(str, frame.columns[:12]))}). Gebruik een Kerncijfers-tabel met "
        "gwb_code, WijkenEnBuurten of Codering, of de Wijk- en Buurtkaart zelf.")


def _gemeente_digits(gemeente: str) -> str:
    match = re.fullmatch(r"(?i)\s*(?:gm)?\s*(\d{1,4})\s*", str(gemeente))
    if not match:
        raise ImportDataError(f"gemeentecode '{gemeente}' is ongeldig; gebruik bijv. GM1731.")
    return match.group(1).zfill(4)


def _all_digits(gemeente: str | Sequence[str]) -> list[str]:
    """The four digits of every municipality code (one code or several)."""
    items = [gemeente] if isinstance(gemeente, str) else list(gemeente)
    return list(dict.fromkeys(_gemeente_digits(g) for g in items))


def _unit_pattern(gemeente: str | Sequence[str]) -> str:
    digits = "|".join(_all_digits(gemeente))
    return rf"GM(?:{digits})|WK(?:{digits})\d{{2}}|BU(?:{digits})\d{{4}}"


def _names(frame: pd.DataFrame, lookup: tuple[dict[str, str], dict[str, str]],
           levels: pd.Series, codes: pd.Series) -> pd.Series:
    names = pd.Series("", index=frame.index, dtype=object)
    for level in ("any", *REFERENCE_LEVELS):
        col = _find(lookup, _NAME_COLUMNS[level])
        if col is None:
            continue
        values = frame[col].astype("string").str.strip().fillna("")
        mask = (names == "") & (values != "") & ~values.str.fullmatch(r"(BU|WK|GM)\d+")
        if level != "any":
            mask &= levels == level
        names[mask] = values[mask]
    return names.where(names != "", codes)


def _years(frame: pd.DataFrame, lookup: tuple[dict[str, str], dict[str, str]],
           year: int | None) -> pd.Series:
    col = _find(lookup, _YEAR_COLUMNS)
    if col is not None:
        found = pd.to_numeric(frame[col].astype("string").str.extract(r"(\d{4})")[0],
                              errors="coerce")
        if found.notna().any():
            return found.fillna(year if year is not None else np.nan)
    return pd.Series(np.nan if year is None else float(year), index=frame.index)


def _build(frame: pd.DataFrame, *, gemeente: str | Sequence[str], year: int | None,
           source: str, label: str, canonical: bool = False
           ) -> tuple[pd.DataFrame, list[str]]:
    """The reference rows of the region's municipalities from any CBS-shaped frame."""
    notes: list[str] = []
    lookup = _column_lookup(c for c in frame.columns if c != "geometry")
    codes = _codes(frame, lookup, label)
    keep = codes.str.fullmatch(_unit_pattern(gemeente))
    frame, codes = frame.loc[keep], codes[keep]
    levels = codes.str[:2].map({p: lv for lv, p in REFERENCE_LEVELS.items()})
    out = pd.DataFrame({"level": levels, "code": codes,
                        "name": _names(frame, lookup, levels, codes),
                        "year": _years(frame, lookup, year)})
    missing = []
    for field, aliases in REFERENCE_FIELDS.items():
        names = (*aliases, _CANONICAL[field]) if canonical and field in _CANONICAL else aliases
        col = _find(lookup, names)
        if col is None:
            out[field] = np.nan
            missing.append(field)
            continue
        try:
            out[field] = tables.to_number(frame[col]).to_numpy(dtype=float)
        except ImportDataError as exc:
            raise ImportDataError(f"{label}: {exc}") from exc
    if {"pop_65plus", "pop_0_14"} & set(missing) and _find(lookup, _PCT_AGE) is not None:
        notes.append(f"{label}: 0–14 en 65+ staan er alleen als afgerond percentage in; "
                     "die zijn niet als gepubliceerd aantal overgenomen (controle: 'geen "
                     "gegevens').")
    if out["year"].isna().any():
        raise ImportDataError(f"{label}: het jaar van de cijfers is niet te herkennen; geef "
                              "het basisjaar op (--year).")
    out["source"] = source
    return out, notes


def _latest(ref: pd.DataFrame, year: int | None) -> pd.DataFrame:
    if year is not None:
        ref = ref[ref["year"] == year]
    ref = ref.sort_values("year", kind="stable")
    return ref.drop_duplicates(["level", "code"], keep="last")


def _has_figures(ref: pd.DataFrame) -> pd.Series:
    return ref[list(_FIGURES)].notna().any(axis=1)


def reference_from_cbs(frame: pd.DataFrame, *, gemeente: str | Sequence[str], year: int,
                       source: str, label: str = "CBS-kaart") -> ReferenceTable:
    """Reference rows from a Wijk- en Buurtkaart frame (buurten, wijken or gemeenten).

    Parameters
    ----------
    frame
        A layer of the map with CBS's columns, or ``CbsBuurten.areas`` joined with
        ``CbsBuurten.counts`` (canonical names); codes in any CBS code column.
    gemeente
        Municipality code (``GM1731`` or ``1731``) or several codes (a region); rows of
        other municipalities are dropped.
    year
        Edition year, used where the frame has no ``jaar``/``jrstatcode``.
    source
        Source text stored in every row.
    label
        Name of the input for messages.

    Returns
    -------
    ReferenceTable
        Rows that hold at least one figure (none when the map has only boundaries).

    Raises
    ------
    ImportDataError
        No code column, or a figure that is neither a number nor a CBS no-data code.
    """
    ref, notes = _build(pd.DataFrame(frame), gemeente=gemeente, year=year, source=source,
                        label=label, canonical=True)
    ref = ref[_has_figures(ref)]
    return ReferenceTable(validate_reference(_latest(ref, None)), tuple(notes))


def read_cbs_levels(data: uploads.InputData, name: str | None, *,
                    gemeente: str | Sequence[str],
                    year: int, source: str) -> ReferenceTable:
    """Reference rows from the ``wijken`` and ``gemeenten`` layers of a Wijk- en Buurtkaart.

    Single-layer files (a buurten GeoJSON, a zipped shapefile) give an empty table.

    Raises
    ------
    ImportDataError
        As :func:`reference_from_cbs`, or when a layer cannot be read.
    """
    buf, label = uploads.load_bytes(data, name)
    try:
        layers = uploads.list_layers(buf, label)
    except ImportDataError:
        layers = []
    frames, notes = [], []
    for layer in layers:
        if layer.casefold() not in ("wijken", "gemeenten"):
            continue
        raw = uploads.read_vector(buf, label, layer=layer, expect="polygon", drop_empty=False)
        part = reference_from_cbs(pd.DataFrame(raw.drop(columns=raw.geometry.name)),
                                  gemeente=gemeente, year=year, source=source,
                                  label=f"{label} (laag {layer})")
        frames.append(part.reference)
        notes.extend(part.notes)
    ref = pd.concat(frames, ignore_index=True) if frames else _empty()
    return ReferenceTable(validate_reference(ref), tuple(notes))


def read_reference_table(data: uploads.InputData, name: str | None = None, *,
                         gemeente: str | Sequence[str], year: int | None = None
                         ) -> ReferenceTable:
    """Reference rows of the region's municipalities from a Kerncijfers wijken en buurten CSV.

    Parameters
    ----------
    data
        Bytes, binary file object or local path of the CSV (``;``/``,``/tab, UTF-8).
    name
        File name for messages.
    gemeente
        Municipality code, or several (a region); rows of other municipalities and of the
        country are skipped. A municipality of the region without any row gets a note.
    year
        Edition to keep; default the latest edition of every code.

    Returns
    -------
    ReferenceTable

    Raises
    ------
    ImportDataError
        Unreadable file, no code column, no figure column, or no row of any of the
        municipalities.
    """
    buf, label = uploads.load_bytes(data, name)
    table = tables.read_table(buf, label)
    lookup = _column_lookup(table.columns)
    if not any(_find(lookup, aliases) for aliases in REFERENCE_FIELDS.values()):
        raise ImportDataError(
            f"{label}: geen bekende kolom met cijfers (bijv. aantal_inwoners, "
            "aantal_personen_65_jaar_en_ouder, woningvoorraad, "
            "huisartsenpraktijk_gemiddelde_afstand_in_km of de OData-sleutels "
            "AantalInwoners_5, k_65JaarOfOuder_12).")
    tabel_col = _find(lookup, ("cbs_tabel", "tabel", "table"))
    tabel = table[tabel_col].astype(str).str.strip() if tabel_col else pd.Series(
        "", index=table.index)
    ref, notes = _build(table, gemeente=gemeente, year=year, source="", label=label)
    wanted = [f"GM{d}" for d in _all_digits(gemeente)]
    if ref.empty:
        raise ImportDataError(
            f"{label}: geen rij van gemeente {' of '.join(wanted)} (codes GM…, WK…, BU… van "
            f"{'die gemeente' if len(wanted) == 1 else 'die gemeenten'}); kies de tabel van "
            f"{'deze gemeente' if len(wanted) == 1 else 'deze gemeenten'}.")
    held = set("GM" + ref["code"].str[2:6])
    absent = [code for code in wanted if code not in held]
    if absent:
        notes.append(f"{label}: geen cijfers voor {', '.join(absent)}; de controle van "
                     f"{'die gemeente' if len(absent) == 1 else 'die gemeenten'} blijft leeg.")
    ids = tabel.loc[ref.index]
    ref["source"] = [f"CBS {t + ' ' if t else ''}Kerncijfers wijken en buurten {int(y)} "
                     f"('{label}'), CC BY 4.0" for t, y in zip(ids, ref["year"], strict=True)]
    ref = _latest(ref[_has_figures(ref)], year)
    if ref.empty:
        raise ImportDataError(f"{label}: geen cijfers voor het jaar {year}.")
    return ReferenceTable(validate_reference(ref), tuple(notes))


def merge_reference(*tables_: pd.DataFrame | None) -> pd.DataFrame | None:
    """Combine reference layers; a later table's row replaces an earlier one's (same unit).

    Rows are replaced whole, so one row never mixes editions. ``None`` when all are empty.
    """
    frames = [t for t in tables_ if t is not None and len(t)]
    if not frames:
        return None
    ref = pd.concat(frames, ignore_index=True).drop_duplicates(["level", "code"], keep="last")
    return validate_reference(ref)


def households_per_buurt(counts: pd.DataFrame) -> pd.Series | None:
    """Households per buurt from ``CbsBuurten.counts`` (``None`` when the map has none)."""
    if "households" not in counts.columns or counts["households"].isna().all():
        return None
    return counts.set_index("buurt_code")["households"].astype("float64")


def _empty() -> pd.DataFrame:
    cols = LAYER_COLUMNS["reference"]
    return pd.DataFrame({c: pd.Series([], dtype=object if c in ("level", "code", "name",
                                                                "source") else float)
                         for c in cols})


def build_reference(cbs_data: uploads.InputData, cbs_name: str | None, buurten: CbsBuurten, *,
                    gemeente: str | Sequence[str], year: int,
                    table: uploads.InputData | None = None,
                    table_name: str | None = None) -> ReferenceTable:
    """The reference layer of a build: the map's own figures, then a Kerncijfers table.

    Parameters
    ----------
    cbs_data, cbs_name
        The Wijk- en Buurtkaart input of the build (its ``wijken``/``gemeenten`` layers are
        read when present).
    buurten
        The :class:`geo.io.importers.cbs.CbsBuurten` the build read from it.
    gemeente
        Municipality code, or the codes of a region of several municipalities.
    year
        Edition year of the map (the build's base year when the map does not say).
    table, table_name
        Optional Kerncijfers table (``--reference``); its rows replace the map's rows of the
        same unit.

    Returns
    -------
    ReferenceTable
        The merged layer (empty when neither input has a figure) and notes.
    """
    source = buurten.source or "CBS Wijk- en Buurtkaart"
    frame = pd.concat([pd.DataFrame(buurten.areas.drop(columns="geometry")),
                       buurten.counts.drop(columns="buurt_code")], axis=1)
    own = reference_from_cbs(frame, gemeente=gemeente, year=year, source=source,
                             label=cbs_name or "CBS-kaart")
    levels = read_cbs_levels(cbs_data, cbs_name, gemeente=gemeente, year=year, source=source)
    notes = [*own.notes, *levels.notes]
    parts = [levels.reference, own.reference]
    if table is not None:
        given = read_reference_table(table, table_name, gemeente=gemeente)
        notes.extend(given.notes)
        parts.append(given.reference)
        notes.append(f"Controlecijfers uit {table_name or 'de kerncijfertabel'}: "
                     f"{len(given.reference)} gebieden (gemeente, wijken, buurten).")
    merged = merge_reference(*parts)
    return ReferenceTable(merged if merged is not None else _empty(), tuple(notes))
