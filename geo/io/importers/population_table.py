"""Population per buurt from a CBS table, in every form CBS produces.

:func:`read_population_table` reads a CSV (``;``/``,``/tab, UTF-8 or Windows-1252, decimal
comma, see :mod:`geo.io.tables`) and recognises its columns through one declarative
table, :data:`COLUMN_NAMES`, compared by :func:`column_key`:

* CBS OData ``TypedDataSet`` keys with or without their numeric suffix
  (``AantalInwoners_5``, ``k_65JaarOfOuder_12``, ``k_0Tot15Jaar``; the CSV of
  ``python -m geo fetch``);
* StatLine web-export titles (``Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)``,
  ``Bevolking/Aantal inwoners (aantal)``, ``Regioaanduiding/Codering (code)``); a title with
  the unit ``(%)`` is a percentage of the inhabitants;
* cbsodata-style tables: region names in ``WijkenEnBuurten`` and the code in ``Codering``
  (``Codering_3``);
* the Wijk- en Buurtkaart's own columns (``aantal_inwoners``,
  ``aantal_personen_65_jaar_en_ouder``, ``percentage_personen_0_tot_15_jaar``; percentages
  are multiplied by the inhabitants) and the CBS ``kwb-YYYY.xlsx`` codes (``gwb_code``,
  ``a_inw``, ``a_00_14`` … ``a_65_oo``).

Rules:

* The region code is the first recognised code column whose values are CBS codes
  (``BU…``, ``WK…``, ``GM…``, ``NL…``); values are stripped of spaces (OData pads them to
  10 characters) and upper-cased. Rows of other levels (gemeente, wijk, land, provincie)
  and rows without a code are ignored and counted.
* A buurt listed twice is an error, unless a year column (``jaar``, ``Perioden``) tells
  the rows apart: the latest year is used.
* Age bands the table does not give stay NaN here; they are estimated, and marked as
  estimates, by :func:`geo.io.importers.cbs_population.population_from_cbs`.
* Plausibility (:func:`_check_plausible`): a negative count or percentage (CBS no-data
  codes ≤ -99991 stay unknown), a count above :data:`MAX_BUURT_INHABITANTS`, a
  percentage above 100, a value that is not finite, or given age bands that add up to
  more than the inhabitants plus :data:`BAND_SLACK_ABS` or :data:`BAND_SLACK_SHARE`
  (whichever is larger; CBS rounds buurt counts to 5) stop the build with the buurt
  code, the column and the value.
* Matching: a table that matches fewer than :data:`MIN_MATCH_SHARE` (half) of the
  region's buurten, or buurten holding less than half of the inhabitants the buurten map
  gives, is refused with the codes found and expected; it is not the table of this
  municipality or of this edition of the buurt boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.errors import ImportDataError
from geo.io import tables, uploads
from geo.io._vetting import file_error as _fail
from geo.io.importers._cbs_common import PCT_COLUMNS, listing, plural

__all__ = [
    "COLUMN_NAMES",
    "MIN_MATCH_SHARE",
    "PopulationTable",
    "column_key",
    "read_population_table",
]

#: A table must match at least this share of the region's buurten (and of their
#: inhabitants, when the buurten map gives them); below it the build stops.
MIN_MATCH_SHARE = 0.5

#: Largest plausible count in one buurt. The largest Dutch buurten have ~25,000
#: inhabitants (CBS Kerncijfers wijken en buurten); four times that is surely an error.
MAX_BUURT_INHABITANTS = 100_000
#: Given age bands may exceed the inhabitants by at most the larger of these (CBS rounds
#: buurt counts to multiples of 5, so five rounded bands can exceed by up to 10).
BAND_SLACK_ABS = 10
BAND_SLACK_SHARE = 0.02
#: Percentage bands (whole percentages) may add up to at most this.
MAX_PCT_SUM = 103.0

#: The five CBS age bands as counts (same order as ``PCT_COLUMNS``).
COUNT_BANDS: tuple[str, ...] = ("n_0_14", "n_15_24", "n_25_44", "n_45_64", "n_65_plus")

#: Field -> recognised column names, compared by :func:`column_key` (lower case, ASCII,
#: letters and digits only; an OData suffix ``_5``, a StatLine path ``Bevolking/…`` and a
#: unit ``(aantal)`` are dropped first). A count name with the unit ``(%)`` is read as
#: the percentage field of the same band.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "code": ("codering", "gwbcode", "buurtcode", "bucode", "statcode", "regiocode",
             "gwbcode10", "wijkenenbuurten", "code"),
    "year": ("jaar", "perioden", "peiljaar"),
    "inhabitants": ("aantalinwoners", "ainw", "aantinw", "inwoners", "totalebevolking"),
    "n_0_14": ("k0tot15jaar", "0tot15jaar", "aantalpersonen0tot15jaar", "a0014",
               "personen0tot15jaar"),
    "n_15_24": ("k15tot25jaar", "15tot25jaar", "aantalpersonen15tot25jaar", "a1524",
                "personen15tot25jaar"),
    "n_25_44": ("k25tot45jaar", "25tot45jaar", "aantalpersonen25tot45jaar", "a2544",
                "personen25tot45jaar"),
    "n_45_64": ("k45tot65jaar", "45tot65jaar", "aantalpersonen45tot65jaar", "a4564",
                "personen45tot65jaar"),
    "n_65_plus": ("k65jaarofouder", "65jaarofouder", "65jaarenouder",
                  "aantalpersonen65jaarenouder", "aantalpersonen65jaarofouder", "a65oo",
                  "personen65jaarenouder"),
    "households": ("aantalhuishoudens", "huishoudenstotaal", "ahh", "aantalhh",
                   "particulierehuishoudens", "huishoudens"),
    "pct_0_14": ("percentagepersonen0tot15jaar", "p0014jr", "percentage0tot15jaar"),
    "pct_15_24": ("percentagepersonen15tot25jaar", "p1524jr", "percentage15tot25jaar"),
    "pct_25_44": ("percentagepersonen25tot45jaar", "p2544jr", "percentage25tot45jaar"),
    "pct_45_64": ("percentagepersonen45tot65jaar", "p4564jr", "percentage45tot65jaar"),
    "pct_65_plus": ("percentagepersonen65jaarenouder", "p65eojr",
                    "percentage65jaarenouder", "percentage65jaarofouder"),
}

_CODE = re.compile(r"(BU\d{8}|WK\d{6}|GM\d{4}|NL\d{2}|PV\d{2}|LD\d{2}|CR\d{2})")
_LEVELS = {"BU": ("buurt", "buurten"), "WK": ("wijk", "wijken"),
           "GM": ("gemeente", "gemeenten"), "NL": ("land", "landen"),
           "PV": ("provincie", "provincies"), "LD": ("landsdeel", "landsdelen"),
           "CR": ("COROP-gebied", "COROP-gebieden")}
_LOOKUP = {name: fld for fld, names in COLUMN_NAMES.items() for name in names}


def column_key(name: object) -> tuple[str, bool]:
    """Comparison key of a column name and whether its unit says percent.

    Examples
    --------
    >>> column_key("Bevolking/Leeftijdsgroepen/0 tot 15 jaar (aantal)")
    ('0tot15jaar', False)
    >>> column_key("k_65JaarOfOuder_12"), column_key("0 tot 15 jaar (%)")
    (('k65jaarofouder', False), ('0tot15jaar', True))
    """
    text = str(name).strip().rsplit("/", 1)[-1]
    unit = re.search(r"\(([^()]*)\)\s*$", text)
    percent = bool(unit and ("%" in unit.group(1) or "procent" in unit.group(1).lower()))
    text = text[:unit.start()] if unit else text
    text = re.sub(r"_\d+\s*$", "", text.strip())
    return tables.normalise_name(unicodedata.normalize("NFKC", text)), percent


@dataclass(frozen=True)
class PopulationTable:
    """Result of :func:`read_population_table`.

    Attributes
    ----------
    values
        One row per buurt of the region found in the table, index ``buurt_code``:
        ``inhabitants``, the counts ``n_0_14`` … ``n_65_plus`` (float, NaN where the
        table has no value; percentage columns already × inhabitants / 100) and, when the
        table gives it, ``households`` (``aantal_huishoudens``, ``HuishoudensTotaal``).
    bands
        The age bands (of ``COUNT_BANDS``) the table gives, as counts or percentages.
    form
        Dutch description of the form recognised.
    columns
        Field -> column name used.
    matched, expected
        Buurten of the region found in the table, and the region's number of buurten.
    missing
        Buurt codes of the region not in the table.
    notes
        Dutch notes for the import report (rows ignored, Windows-1252, duplicates …).
    label
        File name.
    """

    values: pd.DataFrame
    bands: tuple[str, ...]
    form: str
    columns: dict[str, str]
    matched: int
    expected: int
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    label: str = ""

    @property
    def source(self) -> str:
        """Provenance in Dutch: file, form and the columns used."""
        used = ", ".join(f"{col} → {_FIELD_LABELS.get(fld, fld)}"
                         for fld, col in self.columns.items() if fld != "year")
        return (f"bevolkingstabel '{self.label}' ({self.form}); kolommen: {used}; "
                f"{self.matched} van {self.expected} buurten gevonden")


_FIELD_LABELS = {"code": "regiocode", "inhabitants": "inwoners", "households": "huishoudens",
                 "n_0_14": "0–15 (aantal)",
                 "n_15_24": "15–25 (aantal)", "n_25_44": "25–45 (aantal)",
                 "n_45_64": "45–65 (aantal)", "n_65_plus": "65+ (aantal)",
                 "pct_0_14": "0–15 (%)", "pct_15_24": "15–25 (%)", "pct_25_44": "25–45 (%)",
                 "pct_45_64": "45–65 (%)", "pct_65_plus": "65+ (%)"}


# --------------------------------------------------------------------------- columns


def _recognise(columns: Sequence[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Candidate columns per field (file order) and the value fields found."""
    candidates: dict[str, list[str]] = {}
    for col in columns:
        key, percent = column_key(col)
        fld = _LOOKUP.get(key)
        if fld is None:
            continue
        if percent and fld.startswith("n_"):
            fld = "pct_" + fld[2:]
        candidates.setdefault(fld, []).append(col)
    chosen = {fld: cols[0] for fld, cols in candidates.items() if fld not in ("code",)}
    return candidates, chosen


def _codes(series: pd.Series) -> pd.Series:
    return series.astype("string").str.strip().str.upper().str.replace(r"\s+", "", regex=True)


def _code_column(frame: pd.DataFrame, candidates: list[str], label: str) -> str:
    """The column holding CBS region codes: a recognised name first, else any column."""
    ordered = candidates + [c for c in frame.columns if c not in candidates]
    best, best_hits = None, 0
    for col in ordered:
        hits = int(_codes(frame[col]).str.fullmatch(_CODE).fillna(False).sum())
        buurten = int(_codes(frame[col]).str.fullmatch(r"BU\d{8}").fillna(False).sum())
        if buurten and col in candidates:
            return col
        if hits + buurten > best_hits:
            best, best_hits = col, hits + buurten
    if best is None:
        raise _fail(label, "heeft geen kolom met CBS-regiocodes (BU…, WK…, GM…), bijv. "
                           "'WijkenEnBuurten', 'Codering' of 'gwb_code' (gevonden kolommen: "
                           f"{listing(map(str, frame.columns), 12)}). Exporteer de tabel "
                           "met de regiocodes.")
    return best


def _form(columns: dict[str, str], code_col: str, names_elsewhere: bool) -> str:
    raw = [columns[f] for f in columns if f not in ("code", "year")]
    if any("/" in c or re.search(r"\([^()]*\)\s*$", c) for c in raw):
        form = "StatLine-webexport (titels)"
    elif any(" " in c.strip() for c in raw):
        form = "tabel met StatLine-titels"
    elif any(re.search(r"_\d+\s*$", c) for c in raw):
        form = "CBS OData TypedDataSet (sleutels met volgnummer)"
    elif any(column_key(c)[0].startswith(("k0", "k1", "k2", "k4", "k6")) for c in raw):
        form = "CBS OData-sleutels zonder volgnummer"
    elif any(column_key(c)[0].startswith(("aantalpersonen", "percentagepersonen", "p"))
             for c in raw):
        form = "kolommen van de Wijk- en Buurtkaart"
    elif any(column_key(c)[0].startswith("a") and "_" in c for c in raw):
        form = "CBS kwb-tabel (a_inw, a_00_14 …)"
    else:
        form = "CBS-tabel"
    if names_elsewhere:
        form += f"; regionamen in de regiokolom, code in '{code_col}' (cbsodata)"
    return form


# --------------------------------------------------------------------------- rows


def _ignored_note(levels: pd.Series) -> str:
    counts = levels.value_counts()
    parts = [plural(int(n), *_LEVELS[lvl]) if lvl in _LEVELS else f"{int(n)} zonder code"
             for lvl, n in counts.items()]
    return f"regels van een ander niveau genegeerd: {', '.join(parts)}."


def _year(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.astype("string").str.extract(r"(\d{4})")[0], errors="coerce")


def _one_row_per_buurt(rows: pd.DataFrame, year_col: str | None, label: str,
                       notes: list[str]) -> pd.DataFrame:
    dup = rows["_code"].duplicated(keep=False)
    if not dup.any():
        return rows
    if year_col is not None:
        years = _year(rows[year_col])
        if years[dup].nunique() > 1:
            latest = years.groupby(rows["_code"]).transform("max")
            rows = rows[(years == latest) | years.isna() & ~dup]
            notes.append(f"buurten staan voor meerdere jaren in de tabel; per buurt is het "
                         f"laatste jaar ({int(latest.max())}) gebruikt.")
            dup = rows["_code"].duplicated(keep=False)
    if dup.any():
        same = rows.drop_duplicates()
        if not same["_code"].duplicated().any():
            return same
        raise _fail(label, f"buurten staan meer dan eens in de tabel "
                           f"({listing(rows.loc[dup, '_code'].unique(), 5)}); lever één "
                           "regel per buurt (één periode).")
    return rows


def _numbers(rows: pd.DataFrame, columns: dict[str, str], label: str) -> pd.DataFrame:
    out = pd.DataFrame(index=rows["_code"].to_numpy())
    for fld, col in columns.items():
        if fld in ("code", "year"):
            continue
        try:
            values = tables.to_number(rows[col], whole=not fld.startswith("pct_"))
        except ImportDataError as exc:
            raise _fail(label, str(exc)) from exc
        if values.notna().any() or fld == "inhabitants":
            out[fld] = values.to_numpy(dtype=float)
    return out


def _as_counts(values: pd.DataFrame, label: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """``inhabitants`` and ``n_*`` counts; percentages × inhabitants; bands given."""
    out = pd.DataFrame(index=values.index)
    bands = []
    for count, pct in zip(COUNT_BANDS, PCT_COLUMNS, strict=True):
        if count in values:
            out[count] = values[count]
            bands.append(count)
        elif pct in values and "inhabitants" in values:
            out[count] = values[pct] * values["inhabitants"] / 100.0
            bands.append(count)
        else:
            out[count] = np.nan
    if "inhabitants" in values:
        out.insert(0, "inhabitants", values["inhabitants"])
    elif all(c in values for c in COUNT_BANDS):
        out.insert(0, "inhabitants", values[list(COUNT_BANDS)].sum(axis=1, min_count=5))
    else:
        raise _fail(label, "heeft geen kolom met het aantal inwoners (bijv. "
                           "'AantalInwoners', 'aantal_inwoners' of 'Aantal inwoners "
                           "(aantal)'); exporteer de tabel met het onderwerp 'Aantal "
                           "inwoners'.")
    if "households" in values:
        out["households"] = values["households"]
    return out, tuple(bands)


def _shown(value: float) -> str:
    if not np.isfinite(value) or abs(value) >= 1e9:
        return f"{value:g}"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def _check_plausible(numbers: pd.DataFrame, columns: dict[str, str], label: str) -> None:
    """Stop at the first impossible value of the region's buurten (see the module rules).

    ``numbers`` holds the fields as read (index buurt code, NaN for CBS no-data codes).
    """
    for fld in numbers.columns:
        pct = fld.startswith("pct_")
        values = numbers[fld]
        top = 100.0 if pct else float(MAX_BUURT_INHABITANTS)
        bad = values.notna() & ~(np.isfinite(values) & (values >= 0) & (values <= top))
        if not bad.any():
            continue
        code, value = bad.idxmax(), float(values[bad.idxmax()])
        if np.isfinite(value) and value < 0:
            why = (f"een negatief aantal kan niet (CBS-codes voor 'geheim' of 'onbekend' "
                   f"zijn {tables.CBS_SENTINEL_MAX - 1:.0f} of lager, of '.')")
        elif pct:
            why = "een percentage ligt tussen 0 en 100"
        else:
            why = (f"meer dan {MAX_BUURT_INHABITANTS:,} in één buurt is onmogelijk (de "
                   "grootste buurten hebben ~25.000 inwoners)").replace(",", ".")
        raise _fail(label, f"buurt {code}, kolom '{columns[fld]}': waarde {_shown(value)}; "
                           f"{why}. Controleer de tabel (of exporteer haar opnieuw bij CBS) "
                           "en lever haar opnieuw aan.")
    _check_band_sums(numbers, columns, label)


def _check_band_sums(numbers: pd.DataFrame, columns: dict[str, str], label: str) -> None:
    counts = [f for f in COUNT_BANDS if f in numbers]
    if counts and "inhabitants" in numbers:
        total = numbers[counts].sum(axis=1, min_count=1)
        inh = numbers["inhabitants"]
        slack = np.maximum(BAND_SLACK_ABS, BAND_SLACK_SHARE * inh)
        over = total.notna() & inh.notna() & (total > inh + slack)
        if over.any():
            code = over.idxmax()
            cols = "', '".join(columns[f] for f in counts
                               if pd.notna(numbers.at[code, f]))
            raise _fail(label, f"buurt {code}: de leeftijdsgroepen ('{cols}') tellen op tot "
                               f"{_shown(float(total[code]))}, meer dan de "
                               f"{_shown(float(inh[code]))} inwoners (kolom "
                               f"'{columns['inhabitants']}'); meer dan de afronding van CBS "
                               "toelaat. Controleer de kolommen en lever de tabel opnieuw aan.")
    pcts = [f for f in PCT_COLUMNS if f in numbers]
    if pcts:
        total = numbers[pcts].sum(axis=1, min_count=1)
        over = total.notna() & (total > MAX_PCT_SUM)
        if over.any():
            code = over.idxmax()
            raise _fail(label, f"buurt {code}: de leeftijdspercentages ('"
                               + "', '".join(columns[f] for f in pcts)
                               + f"') tellen op tot {_shown(float(total[code]))} %, meer "
                               "dan 100 %. Controleer de kolommen en lever de tabel opnieuw "
                               "aan.")


# --------------------------------------------------------------------------- matching


def _check_match(found: pd.Index, expected: pd.Series, others: pd.Series,
                 map_inhabitants: pd.Series | None, label: str) -> None:
    hit = expected.isin(found)
    share = hit.mean() if len(expected) else 0.0
    inh_share = 1.0
    if map_inhabitants is not None and np.nansum(map_inhabitants) > 0:
        inh = map_inhabitants.fillna(0).to_numpy(dtype=float)
        inh_share = float(inh[hit.to_numpy()].sum() / inh.sum())
    if share >= MIN_MATCH_SHARE and inh_share >= MIN_MATCH_SHARE:
        return
    if len(found):
        what = f"codes in de tabel: {listing(sorted(found), 5)}"
    elif len(others):
        what = (f"de tabel heeft geen buurten, alleen {listing(sorted(others.unique()), 5)}"
                " (exporteer ook het niveau buurt)")
    else:
        what = "de tabel heeft geen buurtcodes"
    held = (f", met {inh_share * 100:.0f} % van de inwoners" if inh_share < MIN_MATCH_SHARE
            else "")
    raise _fail(label, f"de bevolkingstabel past bij {int(hit.sum())} van de "
                       f"{len(expected)} buurten van de gemeente{held} (minimaal "
                       f"{MIN_MATCH_SHARE * 100:.0f} % nodig). Verwacht: "
                       f"{listing(expected.tolist(), 5)}; {what}. Kies de tabel van deze "
                       "gemeente en van dezelfde jaargang als de buurtgrenzen.")


def read_population_table(
    data: uploads.InputData,
    name: str | None = None,
    *,
    buurt_codes: Sequence[str],
    map_inhabitants: Sequence[float] | None = None,
) -> PopulationTable:
    """Read a CBS population table and match it to the region's buurten.

    Parameters
    ----------
    data
        CSV bytes, binary file object or local path (any form in the module docstring).
    name
        File name for messages and provenance.
    buurt_codes
        The region's buurt codes (``BU…``), as in the ``areas`` layer.
    map_inhabitants
        Inhabitants per buurt from the buurten map (same order; NaN unknown), used for
        the inhabitants share of the match check; ``None`` to check buurten only.

    Returns
    -------
    PopulationTable
        Values of the matched buurten, the form and columns recognised, notes.

    Raises
    ------
    ImportDataError
        No code or inhabitants column, a value that is not a number, an impossible value
        (negative, too large, bands above the inhabitants), a buurt listed twice
        for the same period, or a table that matches fewer than :data:`MIN_MATCH_SHARE`
        of the buurten (or of their inhabitants); the message shows codes found and
        expected.
    """
    raw, label = uploads.load_bytes(data, name)
    frame = tables.read_table(raw, label)
    notes = list(frame.attrs.get("notes", ()))
    candidates, columns = _recognise([str(c) for c in frame.columns])
    code_col = _code_column(frame, candidates.get("code", []), label)
    columns = {"code": code_col, **{f: c for f, c in columns.items() if c != code_col}}
    names_elsewhere = (code_col != candidates.get("code", [code_col])[0]
                       or column_key(code_col)[0] == "codering")
    codes = _codes(frame[code_col]).fillna("")
    frame = frame.assign(_code=codes.to_numpy())
    levels = codes.str[:2].where(codes.str.fullmatch(_CODE), "")
    others = frame.loc[levels != "BU", "_code"]
    if (levels != "BU").any():
        notes.append(_ignored_note(levels[levels != "BU"]))
    rows = _one_row_per_buurt(frame[levels == "BU"], columns.get("year"), label, notes)
    numbers = _numbers(rows, columns, label)
    empty = [f for f in columns if f not in ("code", "year") and f not in numbers]
    if empty:
        notes.append(f"kolom(men) zonder waarden voor de buurten niet gebruikt: "
                     f"{listing([columns[f] for f in empty], 6)}.")
        columns = {f: c for f, c in columns.items() if f not in empty}
    values, bands = _as_counts(numbers, label)
    expected = pd.Series([str(c) for c in buurt_codes], dtype=object)
    inhabitants = None if map_inhabitants is None else pd.Series(map_inhabitants, dtype=float)
    _check_match(values.index, expected, others[others != ""], inhabitants, label)
    _check_plausible(numbers.loc[numbers.index.isin(expected)], columns, label)
    matched = values.loc[values.index.isin(expected)]
    missing = tuple(expected[~expected.isin(values.index)])
    extra = int((~values.index.isin(expected)).sum())
    if extra:
        notes.append(f"{plural(extra, 'buurt', 'buurten')} uit de tabel staan niet op de "
                     "kaart (een andere gemeente, of zonder vlak weggelaten) en zijn genegeerd.")
    if missing:
        notes.append(f"{plural(len(missing), 'buurt', 'buurten')} van de gemeente staan niet "
                     f"in de tabel ({listing(missing, 5)}); daarvoor gelden de cijfers van "
                     "de buurtenkaart.")
    return PopulationTable(values=matched, bands=bands,
                           form=_form(columns, code_col, names_elsewhere), columns=columns,
                           matched=len(matched), expected=len(expected), missing=missing,
                           notes=tuple(notes), label=label)
