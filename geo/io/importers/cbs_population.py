"""Population by age band from CBS figures: the 65+ split and the age distribution table.

The buurt level only has the bands 0–15, 15–25, 25–45, 45–65 and 65+ (whole percentages in
the Wijk- en Buurtkaart, counts rounded to 5 in StatLine); :func:`population_from_cbs`
applies them to the inhabitants with largest-remainder rounding, so the bands add up to the
inhabitants exactly.

**One estimation method** for everything CBS does not give per buurt: *a known total is
split over the bands it covers in proportion to a stated reference distribution, with
largest-remainder rounding* (:func:`_apportion`):

* 65+ is split into 65–74 / 75–84 / 85+ with an :class:`AgeDistribution` (default
  :data:`DEFAULT_65PLUS_SPLIT`, an assumption; better: a municipal StatLine table read with
  :func:`read_age_distribution`);
* bands of the five that a buurt lacks (secret values, or a table that gives only some
  bands, e.g. inhabitants, 0–15 and 65+) get the rest of the inhabitants (inhabitants minus
  the bands given) in proportion to the municipality's distribution over the buurten that
  have all five bands, or, when no buurt has all five, to the national distribution
  :data:`NATIONAL_AGE_BANDS` (for 15–25/25–45/45–65 that is the national split of 15–64).

With ``anchor_65`` (counts from a StatLine table) the inhabitants and the 65+ count stay
exactly as CBS gives them; when CBS's rounding to 5 makes the bands differ from the
inhabitants, the bands under 65 absorb the difference. The result is flagged
``estimated``; ``attrs["estimated_bands"]`` names the bands that were estimated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io import tables, uploads
from geo.io._vetting import file_error as _fail
from geo.io.importers._cbs_common import PCT_COLUMNS, listing, plural

__all__ = [
    "DEFAULT_65PLUS_SPLIT",
    "NATIONAL_AGE_BANDS",
    "AgeDistribution",
    "NationalAgeBands",
    "population_from_cbs",
    "read_age_distribution",
]


@dataclass(frozen=True)
class AgeDistribution:
    """Shares of 65–74, 75–84 and 85+ within the population aged 65 and over.

    Parameters
    ----------
    share_65_74, share_75_84, share_85_plus
        Non-negative shares that add up to 1 (± 0.02; they are normalised when used).
    source
        Where the shares come from, in Dutch; shown with the population layer.
    """

    share_65_74: float
    share_75_84: float
    share_85_plus: float
    source: str

    def __post_init__(self) -> None:
        values = (self.share_65_74, self.share_75_84, self.share_85_plus)
        if not all(np.isfinite(v) and v >= 0 for v in values) or not (
            0.98 <= sum(values) <= 1.02
        ):
            raise ImportDataError(
                f"leeftijdsverdeling 65+ {values} is ongeldig: de aandelen 65–74, 75–84 en "
                "85+ moeten ≥ 0 zijn en samen 1 (100 %)."
            )

    @property
    def shares(self) -> np.ndarray:
        """The three shares, normalised to sum to exactly 1."""
        values = np.array([self.share_65_74, self.share_75_84, self.share_85_plus], float)
        return values / values.sum()


#: Default split of 65+ (no Drenthe-specific figures were available to the project).
DEFAULT_65PLUS_SPLIT = AgeDistribution(
    share_65_74=0.53,
    share_75_84=0.35,
    share_85_plus=0.12,
    source=(
        "aanname, landelijke verdeling 2024 (CBS StatLine 7461BEV), afgerond op 0,01 en niet "
        "nagerekend; niet specifiek voor Drenthe of Midden-Drenthe. Laad op de pagina Data "
        "laden (of met --age-distribution) de leeftijdsopbouw van de gemeente uit StatLine "
        "voor echte cijfers"
    ),
)


@dataclass(frozen=True)
class NationalAgeBands:
    """Population in the five CBS buurt bands of a reference area (the Netherlands by default).

    Parameters
    ----------
    counts
        Persons aged 0–15, 15–25, 25–45, 45–65 and 65+.
    source
        Where the figures come from, in Dutch.
    """

    counts: tuple[float, float, float, float, float]
    source: str

    @property
    def shares(self) -> np.ndarray:
        """The five shares, summing to 1."""
        values = np.asarray(self.counts, dtype=float)
        return values / values.sum()


_NL_0_14, _NL_65_PLUS, _NL_TOTAL = 2_714_040, 3_677_228, 17_942_942
_NL_15_64 = _NL_TOTAL - _NL_0_14 - _NL_65_PLUS
#: National age distribution on 1 January 2024: 0–15, 65+ and the total are CBS figures
#: (85984NED, row NL00); 15–64 is split 19 / 40 / 41 % over 15–25 / 25–45 / 45–65.
NATIONAL_AGE_BANDS = NationalAgeBands(
    counts=(_NL_0_14, 0.19 * _NL_15_64, 0.40 * _NL_15_64, 0.41 * _NL_15_64, _NL_65_PLUS),
    source=(
        "landelijke verdeling 1 januari 2024: 0–15 jaar 2.714.040, 65+ 3.677.228 van "
        "17.942.942 inwoners (CBS 85984NED, Nederland); 15–64 verdeeld als 19 % 15–25, 40 % "
        "25–45 en 41 % 45–65 (aanname naar CBS StatLine 03759ned, afgerond op 1 %, niet "
        "nagerekend)"
    ),
)


# --------------------------------------------------------------------------- population


def _apportion(totals: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Split integer totals by shares (rows sum to 1) with largest-remainder rounding.

    Examples
    --------
    >>> _apportion(np.array([10]), np.array([[1 / 3, 1 / 3, 1 / 3]])).tolist()
    [[4, 3, 3]]
    """
    totals = np.asarray(totals, dtype=np.int64)
    raw = np.round(totals[:, None] * shares, 9)
    base = np.floor(raw).astype(np.int64)
    rest = totals - base.sum(axis=1)
    order = np.argsort(-(raw - base), axis=1, kind="stable")
    ranks = np.argsort(order, axis=1, kind="stable")
    return base + (ranks < rest[:, None])


def _age_shares(pct: np.ndarray, inhabitants: np.ndarray, anchor_65: bool,
                fallback: NationalAgeBands) -> tuple[np.ndarray, np.ndarray, str]:
    """Per-buurt shares of the five CBS bands, the mask of estimated bands, the reference.

    The reference for missing bands is ``"gemeente"`` (inhabitant-weighted mean of the
    buurten with all five bands) or ``"land"`` (``fallback``, by default
    :data:`NATIONAL_AGE_BANDS`).
    """
    known = np.isfinite(pct) & (pct >= 0)
    pct = np.where(known, pct, np.nan)
    complete = known.all(axis=1) & (np.nansum(pct, axis=1) > 0)
    weights = np.where(complete, inhabitants, 0).astype(float)
    if weights.sum() > 0:
        rows = pct[complete] / pct[complete].sum(axis=1, keepdims=True)
        ref, reference = (rows * weights[complete, None]).sum(axis=0) / weights.sum(), "gemeente"
    else:
        ref, reference = fallback.shares, "land"
    shares = np.full(pct.shape, 0.2)
    estimated = np.zeros(pct.shape, dtype=bool)
    for i in range(len(pct)):
        if complete[i]:
            shares[i] = _settle(pct[i], anchor_65)
            continue
        if inhabitants[i] <= 0:
            continue
        # no age figure anywhere: refuse; a buurt whose bands are all secret (e.g. five
        # inhabitants) among buurten with figures gets the national shares, all estimated
        if reference == "land" and not known[i].any() and not known[inhabitants > 0].any():
            raise ImportDataError(
                "de gegevens hebben geen leeftijdsgroepen of leeftijdspercentages (0–15, "
                "15–25, 25–45, 45–65, 65+) voor buurten met inwoners; gebruik de Wijk- en "
                "Buurtkaart met kerncijfers of lever de bevolking per leeftijdsgroep apart "
                "aan (minstens 65+).")
        shares[i] = _settle(_fill_row(pct[i], known[i], ref), anchor_65 and known[i][4])
        estimated[i] = ~known[i]
    return shares, estimated, reference


def _fill_row(row: np.ndarray, known: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Percentages of a row with the missing bands given the rest of 100 % by ``ref``."""
    values = np.where(known, row, 0.0)
    missing = ~known
    if missing.any():
        rest = max(100.0 - values.sum(), 0.0)
        weights = ref[missing] if ref[missing].sum() > 0 else np.ones(int(missing.sum()))
        values[missing] = rest * weights / weights.sum()
    return values if values.sum() > 0 else ref * 100.0


def _settle(row: np.ndarray, anchor_65: bool) -> np.ndarray:
    """Shares summing to 1: all bands rescaled, or (``anchor_65``) 65+ kept as given."""
    total = row.sum()
    p65 = row[4] / 100.0
    below = row[:4].sum()
    if not anchor_65 or not 0 <= p65 <= 1 or below <= 0:
        return row / total
    return np.append(row[:4] / below * (1.0 - p65), p65)


_BAND_NAMES = ("0–15", "15–25", "25–45", "45–65", "65+")


def _estimate_note(estimated: np.ndarray, reference: str,
                   fallback: NationalAgeBands = NATIONAL_AGE_BANDS) -> str:
    """Dutch note naming each estimated band with the number of buurten it was estimated for.

    Bands the source gives for every buurt are not named; a band estimated only where CBS
    kept it secret is named with its (small) number of buurten, e.g. "15–25, 25–45 en
    45–65 geschat voor 204 buurten, 0–15 en 65+ voor 3 buurten".
    """
    per_band = estimated.sum(axis=0)
    if not per_band.any():
        return ""
    groups: dict[int, list[str]] = {}
    for name, n in zip(_BAND_NAMES, per_band, strict=True):
        if n:
            groups.setdefault(int(n), []).append(name)
    parts = []
    for n, names in sorted(groups.items(), reverse=True):
        bands = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} en {names[-1]}"
        parts.append(f"{bands} {'geschat ' if not parts else ''}voor "
                     f"{plural(n, 'buurt', 'buurten')}")
    how = ("de verdeling van de buurten van de gemeente die alle groepen hebben"
           if reference == "gemeente" else fallback.source)
    word = "leeftijdsgroep" if len(groups) == 1 and per_band.astype(bool).sum() == 1 \
        else "leeftijdsgroepen"
    return (f"{word} {', '.join(parts)}: de inwoners min de gegeven groepen, "
            f"verdeeld naar {how}.")


def population_from_cbs(
    counts: pd.DataFrame, *, distribution: AgeDistribution | None = None,
    anchor_65: bool = False, reference: NationalAgeBands | None = None,
) -> pd.DataFrame:
    """Derive the region ``population`` layer from CBS key figures per buurt.

    Parameters
    ----------
    counts
        ``CbsBuurten.counts`` (or any frame with ``buurt_code``, ``inhabitants`` and the
        percentage columns ``pct_0_14`` … ``pct_65_plus``).
    distribution
        Split of 65+ into 65–74 / 75–84 / 85+ (default :data:`DEFAULT_65PLUS_SPLIT`).
    anchor_65
        Keep the 65+ share exactly as given and let the bands under 65 absorb rounding
        (for counts from a StatLine table); default: rescale all five bands.
    reference
        Distribution of the five bands used for missing bands when no buurt has all
        five, e.g. the municipality's own figures of an earlier year; default
        :data:`NATIONAL_AGE_BANDS`.

    Returns
    -------
    pandas.DataFrame
        ``buurt_code``, ``pop_0_14`` … ``pop_85_plus`` (int64) and ``estimated`` (True).
        Each row sums to the buurt's inhabitants (0 where unknown). ``attrs["warnings"]``
        lists buurten without inhabitants or with estimated bands; ``attrs["source"]``
        describes the method; ``attrs["estimated_bands"]`` names the estimated bands
        (always 65–74, 75–84 and 85+); ``attrs["unknown_note"]`` is the warning on
        buurten without inhabitants (``""`` when none).

    Raises
    ------
    ImportDataError
        When buurten have inhabitants but no age band at all, and no buurt has all five.

    Examples
    --------
    >>> counts = pd.DataFrame({"buurt_code": ["BU1"], "inhabitants": [1000.0],
    ...                        "pct_0_14": [20.0], "pct_15_24": [20.0], "pct_25_44": [20.0],
    ...                        "pct_45_64": [20.0], "pct_65_plus": [20.0]})
    >>> split = AgeDistribution(0.5, 0.35, 0.15, source="voorbeeld")
    >>> population_from_cbs(counts, distribution=split).iloc[0, 5:8].tolist()
    [100, 70, 30]
    """
    dist = distribution or DEFAULT_65PLUS_SPLIT
    if "buurt_code" not in counts.columns:
        raise ImportDataError("de kerncijfers missen de kolom 'buurt_code'.")
    n = len(counts)
    raw_inh = (tables.to_number(counts["inhabitants"]) if "inhabitants" in counts.columns
               else pd.Series(np.nan, index=counts.index))
    unknown = raw_inh.isna().to_numpy()
    inhabitants = raw_inh.fillna(0).clip(lower=0).round().to_numpy(dtype=np.int64)
    pct = np.column_stack([
        tables.to_number(counts[col]).to_numpy(float) if col in counts.columns
        else np.full(n, np.nan)
        for col in PCT_COLUMNS
    ]) if n else np.zeros((0, 5))
    fallback = reference or NATIONAL_AGE_BANDS
    shares, estimated, reference_kind = _age_shares(pct, inhabitants, anchor_65, fallback)
    five = _apportion(inhabitants, shares)
    old = _apportion(five[:, 4], np.tile(dist.shares, (n, 1)))
    bands = np.column_stack([five[:, :4], old]) if n else np.zeros((0, 7), dtype=np.int64)
    frame = pd.DataFrame(bands, columns=vocabulary.band_columns(), dtype="int64")
    frame.insert(0, "buurt_code", counts["buurt_code"].astype(str).to_numpy())
    frame["estimated"] = True
    notes = []
    if unknown.any():
        notes.append(f"{plural(int(unknown.sum()), 'buurt', 'buurten')} zonder "
                     f"inwonersaantal {'krijgt' if unknown.sum() == 1 else 'krijgen'} "
                     "bevolking 0.")
    filled = int(estimated.any(axis=1).sum())
    if filled and reference_kind == "gemeente":
        notes.append(f"{plural(filled, 'buurt', 'buurten')} zonder (volledige) "
                     "leeftijdspercentages: de verdeling van de hele gemeente is gebruikt.")
    elif filled:
        notes.append(_estimate_note(estimated, reference_kind, fallback))
    band_notes = [name for name, n in zip(_BAND_NAMES, estimated.sum(axis=0), strict=True)
                  if n]
    frame.attrs["warnings"] = tuple(notes)
    frame.attrs["unknown_note"] = notes[0] if unknown.any() else ""
    frame.attrs["estimated_bands"] = (*band_notes, "65–74", "75–84", "85+")
    rule = ("65+ en het aantal inwoners zoals gegeven, de groepen onder 65 herschaald"
            if anchor_65 else "herschaald tot 100 %")
    frame.attrs["source"] = (
        f"CBS-kerncijfers: inwoners × leeftijdsgroepen ({rule}, afgerond op hele personen); "
        + (_estimate_note(estimated, reference_kind, fallback) + " " if filled else "")
        + f"65+ gesplitst met: {dist.source}"
    )
    return frame


# --------------------------------------------------------------------------- StatLine


_TARGET_BANDS: tuple[tuple[int, int | None], ...] = ((65, 75), (75, 85), (85, None))
_COUNT_PREFERENCE = ("bevolking op 1 januari", "totale bevolking", "(aantal)", "aantal",
                     "bevolking")


def _parse_age(text: str) -> tuple[int, int | None] | None:
    s = re.sub(r"\s+", " ", str(text).casefold().strip())
    if m := re.fullmatch(r"(\d+) tot (\d+) jaar", s):
        return int(m.group(1)), int(m.group(2))
    if m := re.fullmatch(r"(\d+) ?(?:jaar )?(?:of|en) ouder|(\d+) ?\+(?: jaar)?", s):
        return int(m.group(1) or m.group(2)), None
    if m := re.fullmatch(r"(\d+) ?[-–] ?(\d+)(?: jaar)?", s):
        return int(m.group(1)), int(m.group(2)) + 1
    if m := re.fullmatch(r"(\d+) jaar", s):
        return int(m.group(1)), int(m.group(1)) + 1
    return None


def _tile(start: int, end: int | None,
          pieces: dict[int, list[tuple[int | None, float]]]) -> float | None:
    """Sum of intervals that exactly cover [start, end) (``end=None``: open-ended)."""
    for upper, value in sorted(pieces.get(start, []), key=lambda p: -(p[0] or 10**6)):
        if upper is None:
            if end is None:
                return value
            continue
        if end is not None and upper > end:
            continue
        if upper == end:
            return value
        rest = _tile(upper, end, pieces)
        if rest is not None:
            return value + rest
    return None


def _count_column(frame: pd.DataFrame, exclude: str, label: str) -> str:
    candidates = [c for c in frame.columns if c != exclude]
    for wanted in _COUNT_PREFERENCE:
        for col in candidates:
            if wanted in col.casefold():
                return col
    raise _fail(label, "heeft geen kolom met aantallen (bijv. 'Bevolking op 1 januari "
                       "(aantal)' of 'Totale bevolking (aantal)'); exporteer de StatLine-tabel "
                       "met het onderwerp bevolking (aantal).")


def _only_totals(frame: pd.DataFrame, keep: tuple[str, str]) -> pd.DataFrame:
    for col in frame.columns:
        if col in keep:
            continue
        total = frame[col].astype(str).str.strip().str.casefold().str.startswith("totaal")
        if total.any() and not total.all():
            frame = frame.loc[total]
    return frame


def read_age_distribution(data: uploads.InputData, name: str | None = None) -> AgeDistribution:
    """Read the split of 65+ from a CBS StatLine table exported as CSV.

    Expects a column ``Leeftijd`` (e.g. "65 tot 70 jaar" … "95 jaar of ouder", or "65 tot
    75 jaar", "75 tot 85 jaar", "85 jaar of ouder"; single years "65 jaar" also work) and a
    count column such as "Bevolking op 1 januari (aantal)" or "Totale bevolking (aantal)".
    Other dimension columns (Geslacht, Burgerlijke staat …) are reduced to their "Totaal…"
    rows. Aggregates such as "65 jaar of ouder" are ignored when finer groups exist.

    Parameters
    ----------
    data
        Bytes, binary file object or local path of the CSV (``;``-separated, quoted, as
        StatLine exports; ``,`` and tab work too).
    name
        File name for messages.

    Returns
    -------
    AgeDistribution
        Shares of 65–74, 75–84 and 85+ with a source naming the file (and the region and
        period when the table has one).

    Raises
    ------
    ImportDataError
        No age column, no count column, no rows from 65 years on, groups that do not cover
        65–74/75–84/85+, or several regions/periods in one table.
    """
    frame = tables.read_table(data, name)
    label = str(frame.attrs.get("source", name or "upload"))
    age_col = next((c for c in frame.columns if "leeftijd" in c.casefold()), None)
    if age_col is None:
        raise _fail(label, "heeft geen kolom 'Leeftijd'; exporteer de StatLine-tabel (bijv. "
                           "'Bevolking; geslacht, leeftijd en burgerlijke staat') met Leeftijd "
                           "in de rijen, als CSV.")
    count_col = _count_column(frame, age_col, label)
    frame = _only_totals(frame, (age_col, count_col))
    parsed = frame[age_col].map(_parse_age)
    rows = frame.loc[parsed.map(lambda p: p is not None and p[0] >= 65)]
    if rows.empty:
        raise _fail(label, "heeft geen leeftijdsgroepen vanaf 65 jaar (zoals '65 tot 70 jaar' "
                           "of '85 jaar of ouder'); kies die groepen bij de export.")
    intervals = parsed[rows.index]
    if intervals.duplicated().any():
        raise _fail(label, "heeft per leeftijdsgroep meer dan één regel (meerdere regio's of "
                           "perioden?); exporteer één regio en één periode.")
    try:
        values = tables.to_number(rows[count_col])
    except ImportDataError as exc:
        raise _fail(label, str(exc)) from exc
    pieces: dict[int, list[tuple[int | None, float]]] = {}
    for (lower, upper), value in zip(intervals, values, strict=True):
        if pd.notna(value):
            pieces.setdefault(lower, []).append((upper, float(value)))
    totals = [_tile(lo, hi, pieces) for lo, hi in _TARGET_BANDS]
    if any(t is None for t in totals) or sum(totals) <= 0:  # type: ignore[arg-type]
        found = listing(rows[age_col].astype(str), 12)
        raise _fail(label, f"de leeftijdsgroepen vanaf 65 jaar ({found}) dekken 65–74, 75–84 "
                           "en 85+ niet precies; exporteer 5-jaarsgroepen tot '95 jaar of "
                           "ouder' of de groepen 65 tot 75, 75 tot 85 en 85 jaar of ouder.")
    shares = np.array(totals, dtype=float) / float(sum(totals))  # type: ignore[arg-type]
    return AgeDistribution(*shares.tolist(), source=_statline_source(frame, label))


def _statline_source(frame: pd.DataFrame, label: str) -> str:
    details = []
    for col in frame.columns:
        folded = col.casefold()
        if folded.startswith(("regio", "perioden")):
            values = frame[col].astype(str).str.strip().unique()
            if len(values) == 1:
                details.append(values[0])
    extra = f" ({', '.join(details)})" if details else ""
    return f"CBS StatLine-export '{label}'{extra}"
