"""Import the CBS Wijk- en Buurtkaart: buurt outlines, key figures and population by age.

Accepted inputs (all read through :func:`geo.io.uploads.read_vector`):

* the **GeoPackage** of 2021 and later (``wijkenbuurten_2023_v1.gpkg``, layer ``buurten``,
  snake_case long field names such as ``aantal_inwoners``); the buurten layer is chosen
  automatically when the file also holds ``gemeenten`` and ``wijken``;
* the **zipped shapefile** of 2021 and earlier (UPPERCASE short names: ``BU_CODE``,
  ``AANT_INW``, ``P_65_EO_JR``);
* **PDOK** OGC API Features / WFS **GeoJSON** (camelCase: ``aantalInwoners``), usually in
  CRS84/WGS84, and the generalised *gebiedsindelingen* files (``statcode``/``statnaam``).

Field names are matched through one alias table (:data:`FIELD_ALIASES`) after dropping case
and non-alphanumerics, so ``aantal_inwoners`` and ``aantalInwoners`` are the same key.

Rules and choices:

* Every numeric value ≤ -99990 (CBS -99991/-99995/-99997, older -99999999) and ``"."`` is
  NaN, never a number. Percentages stay whole CBS percentages.
* Buurten with ``water = 'JA'`` are dropped (a warning names them); so are buurten without
  geometry. Duplicate buurt codes are an error.
* Missing names: no ``wijknaam`` → the wijk code is the wijk name; no ``gemeentenaam`` →
  the gemeente code is the name; no wijk/gemeente code → derived from the buurt code
  (``BU1731ww bb`` → ``WK1731ww``, ``GM1731``). Each fallback adds a warning.
* ``kerngebied`` defaults to the **wijk name**: in rural municipalities such as
  Midden-Drenthe a wijk is one village with its surroundings. Grouping villages into the
  municipality's core areas (Beilen, Smilde, Westerbork) is a later, explicit step.
* ``buurt_type`` is ``verspreide_huizen`` when the buurt name starts with "Verspreide
  huizen" (CBS convention, e.g. Midden-Drenthe ``BU1731ww09``) or ends with
  "Buitengebied" (e.g. Borger-Odoorn), else ``kern``. Codes are not used: ``..09`` is not a
  national rule.
* Geometry ends in EPSG:28992 and is valid (repaired where needed).

Population (:func:`population_from_cbs`): the buurt level only has the bands 0–15, 15–25,
25–45, 45–65 and 65+ as whole percentages; they are rescaled to sum to 100 % and applied
to the inhabitants with largest-remainder rounding, so the bands add up to the inhabitants
exactly. 65+ is split into 65–74 / 75–84 / 85+ with an :class:`AgeDistribution` (default
:data:`DEFAULT_65PLUS_SPLIT`, an assumption; better: a municipal StatLine table read with
:func:`read_age_distribution`). The result is flagged ``estimated``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io import tables, uploads

__all__ = [
    "COUNT_COLUMNS",
    "DEFAULT_65PLUS_SPLIT",
    "FIELD_ALIASES",
    "AgeDistribution",
    "CbsBuurten",
    "population_from_cbs",
    "read_age_distribution",
    "read_cbs_buurten",
]

#: Canonical field → spellings in the four CBS naming schemes (compared without case
#: and non-alphanumerics, so snake_case and camelCase variants match each other).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "buurt_code": ("buurtcode", "BU_CODE", "statcode"),
    "buurt_name": ("buurtnaam", "BU_NAAM", "statnaam"),
    "wijk_code": ("wijkcode", "WK_CODE"),
    "wijk_name": ("wijknaam", "WK_NAAM"),
    "gemeente_code": ("gemeentecode", "GM_CODE", "gmCode"),
    "gemeente_name": ("gemeentenaam", "GM_NAAM", "gm_naam"),
    "water": ("water", "WATER", "H2O"),
    "stat_year_code": ("jrstatcode", "jaarstatcode"),
    "year": ("jaar",),
    "inhabitants": ("aantal_inwoners", "AANT_INW", "a_inw"),
    "men": ("mannen", "AANT_MAN", "a_man"),
    "women": ("vrouwen", "AANT_VROUW", "a_vrouw"),
    "pct_0_14": ("percentage_personen_0_tot_15_jaar", "P_00_14_JR"),
    "pct_15_24": ("percentage_personen_15_tot_25_jaar", "P_15_24_JR"),
    "pct_25_44": ("percentage_personen_25_tot_45_jaar", "P_25_44_JR"),
    "pct_45_64": ("percentage_personen_45_tot_65_jaar", "P_45_64_JR"),
    "pct_65_plus": ("percentage_personen_65_jaar_en_ouder", "P_65_EO_JR"),
    "households": ("aantal_huishoudens", "AANTAL_HH", "a_hh"),
    "pct_one_person_households": ("percentage_eenpersoonshuishoudens", "P_EENP_HH"),
    "avg_household_size": ("gemiddelde_huishoudsgrootte", "GEM_HH_GR", "g_hhgro"),
    "dwellings": ("woningvoorraad", "WONINGEN", "a_woning"),
    "pct_single_family": ("percentage_eengezinswoning", "P_1GEZW", "p_1gezw"),
    "pct_multi_family": ("percentage_meergezinswoning", "P_MGEZW", "p_mgezw"),
    "pct_owner_occupied": ("percentage_koopwoningen", "P_KOOPWON", "p_koopw"),
    "pct_rented": ("percentage_huurwoningen", "P_HUURWON", "p_huurw"),
    "pct_corporation": ("perc_huurwoningen_in_bezit_woningcorporaties", "P_WCORPW",
                        "P_HUURCORP", "p_wcorpw"),
    "avg_woz": ("gemiddelde_woningwaarde", "WOZ", "g_woz"),
    "aow_recipients": ("aantal_personen_met_een_aow_uitkering_totaal", "a_soz_ow"),
    "wmo_clients": ("aantal_wmo_clienten", "a_wmo_t"),
    "area_land_ha": ("oppervlakte_land_in_ha", "OPP_LAND", "a_lan_ha"),
    "dist_gp_km": ("huisartsenpraktijk_gemiddelde_afstand_in_km", "AF_ARTSPR", "g_afs_hp"),
    "dist_gp_post_km": ("huisartsenpost_gemiddelde_afstand_in_km", "AF_ARTSPO"),
    "dist_pharmacy_km": ("apotheek_gemiddelde_afstand_in_km", "AF_APOTH"),
    "dist_supermarket_km": ("grote_supermarkt_gemiddelde_afstand_in_km", "AF_SUPERM",
                            "g_afs_gs"),
    "dist_hospital_km": ("ziekenhuis_incl_buitenpolikliniek_gem_afst_in_km", "AF_ZIEK_I"),
}

_TEXT_FIELDS = ("buurt_code", "buurt_name", "wijk_code", "wijk_name", "gemeente_code",
                "gemeente_name", "water", "stat_year_code")
#: Numeric columns of :attr:`CbsBuurten.counts` (NaN where missing or not in the file).
COUNT_COLUMNS: tuple[str, ...] = tuple(
    key for key in FIELD_ALIASES if key not in _TEXT_FIELDS and key != "year"
)
_PCT_COLUMNS = ("pct_0_14", "pct_15_24", "pct_25_44", "pct_45_64", "pct_65_plus")
_HOUSING_COLUMNS = ("dwellings", "pct_single_family", "pct_owner_occupied", "pct_corporation",
                    "dist_gp_km", "dist_supermarket_km")
_SENTINEL_REASONS = {
    -99997.0: "geheim of niet aanwezig, -99997",
    -99995.0: "wordt later gepubliceerd, -99995",
    -99991.0: "niet meer gepubliceerd, -99991",
}
_AREA_COLUMNS = ("buurt_code", "buurt_name", "wijk_code", "wijk_name", "gemeente_code",
                 "gemeente_name", "kerngebied", "buurt_type")


_NAME_FALLBACK_NOTES = {
    "buurt_name": "het bestand heeft geen buurtnamen; de buurtcode wordt als naam gebruikt.",
    "wijk_name": "het bestand heeft geen wijknamen; de wijkcode wordt als wijknaam en als "
                 "kerngebied gebruikt (deel de kerngebieden later zelf in).",
    "gemeente_name": "het bestand heeft geen gemeentenaam; de gemeentecode wordt als naam "
                     "gebruikt.",
}


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).lower())


def _fail(label: str, problem: str) -> ImportDataError:
    return ImportDataError(f"bestand '{label}': {problem}")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _listing(items: Iterable[str], limit: int = 10) -> str:
    items = list(items)
    text = ", ".join(items[:limit])
    return text + (f" … en {len(items) - limit} meer" if len(items) > limit else "")


# --------------------------------------------------------------------------- age split


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


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class CbsBuurten:
    """Result of :func:`read_cbs_buurten`.

    Attributes
    ----------
    areas
        The region ``areas`` layer (EPSG:28992): ``buurt_code``, ``buurt_name``,
        ``wijk_code``, ``wijk_name``, ``gemeente_code``, ``gemeente_name``, ``kerngebied``,
        ``buurt_type`` and geometry.
    counts
        One row per buurt (same order as ``areas``): ``buurt_code`` and the float columns
        :data:`COUNT_COLUMNS` (inhabitants, age percentages, households, dwellings, tenure
        percentages, distances …); NaN where CBS has no value or the file lacks the field.
    edition
        Edition year of the map (``"2022"``) when it can be detected, else ``""``.
    warnings
        Dutch notes on what was dropped, repaired or is missing.
    source
        Short Dutch description of the source for the region metadata.
    """

    areas: gpd.GeoDataFrame
    counts: pd.DataFrame
    edition: str = ""
    warnings: tuple[str, ...] = ()
    source: str = ""


# --------------------------------------------------------------------------- reading


def _buurt_layer(buf: bytes, label: str) -> str | None:
    names = uploads.list_layers(buf, label)
    if len(names) <= 1:
        return None
    exact = [n for n in names if n.casefold() == "buurten"]
    if exact:
        return exact[0]
    candidates = [n for n in names if "buurt" in n.casefold()]
    return candidates[0] if len(candidates) == 1 else None


def _column_map(columns: Iterable[str]) -> dict[str, str]:
    by_key: dict[str, str] = {}
    for col in columns:
        by_key.setdefault(_key(col), col)
    found: dict[str, str] = {}
    for field, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if _key(alias) in by_key:
                found[field] = by_key[_key(alias)]
                break
    return found


def _text(raw: pd.DataFrame, col: str) -> pd.Series:
    values = raw[col].astype("string").str.strip()
    return values.astype(object).where(values.notna(), None)


def _check_codes(codes: pd.Series, label: str) -> None:
    if codes.isna().any() or (codes == "").any():
        raise _fail(label, f"{int((codes.isna() | (codes == '')).sum())} buurt(en) zonder "
                           "buurtcode; vul de codes aan of gebruik het originele CBS-bestand.")
    prefixes = codes.str[:2].str.upper()
    if (prefixes == "BU").all():
        return
    if (prefixes == "WK").all():
        raise _fail(label, "bevat wijken (WK…), geen buurten; kies de laag 'buurten' van de "
                           "Wijk- en Buurtkaart.")
    if (prefixes == "GM").all():
        raise _fail(label, "bevat gemeenten (GM…), geen buurten; kies de laag 'buurten' van "
                           "de Wijk- en Buurtkaart.")
    bad = codes[prefixes != "BU"]
    raise _fail(label, f"buurtcodes moeten met 'BU' beginnen, gevonden: {_listing(bad, 5)}. "
                       "Gebruik de buurtenlaag van de CBS Wijk- en Buurtkaart.")


def _normalise_gm(value: object) -> object:
    if value is None:
        return None
    text = str(value).strip().upper()
    digits = text.removeprefix("GM")
    return f"GM{digits.zfill(4)}" if digits.isdigit() else text


def _identity(raw: pd.DataFrame, cols: dict[str, str], label: str,
              notes: list[str]) -> pd.DataFrame:
    """Codes and names in the region schema (fallbacks documented in the module)."""
    if "buurt_code" not in cols:
        raise _fail(label, "heeft geen kolom met buurtcodes (buurtcode, BU_CODE of statcode); "
                           "is dit de buurtenlaag van de CBS Wijk- en Buurtkaart?")
    out = pd.DataFrame(index=raw.index)
    out["buurt_code"] = _text(raw, cols["buurt_code"])
    _check_codes(out["buurt_code"], label)
    out["buurt_code"] = out["buurt_code"].str.upper()
    derived = {"gemeente_code": ("GM", 6), "wijk_code": ("WK", 8)}
    for field, (prefix, end) in derived.items():
        if field in cols:
            out[field] = _text(raw, cols[field])
        else:
            out[field] = prefix + out["buurt_code"].str[2:end]
    out["gemeente_code"] = out["gemeente_code"].map(_normalise_gm)
    out["wijk_code"] = out["wijk_code"].str.upper()
    fallbacks = {"buurt_name": "buurt_code", "wijk_name": "wijk_code",
                 "gemeente_name": "gemeente_code"}
    for field, fallback in fallbacks.items():
        values = _text(raw, cols[field]) if field in cols else pd.Series(None, index=raw.index,
                                                                          dtype=object)
        if values.isna().all():
            notes.append(_NAME_FALLBACK_NOTES[field])
        out[field] = values.where(values.notna() & (values != ""), out[fallback])
    out["water"] = _text(raw, cols["water"]).str.upper() if "water" in cols else None
    return out


def _numbers(raw: pd.DataFrame, cols: dict[str, str], label: str) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    for field in COUNT_COLUMNS:
        if field not in cols:
            out[field] = np.nan
            continue
        try:
            out[field] = tables.to_number(raw[cols[field]]).to_numpy()
        except ImportDataError as exc:
            raise _fail(label, str(exc)) from exc
    return out


def _select_gemeente(frame: gpd.GeoDataFrame, gemeente: str | None,
                     label: str) -> gpd.GeoDataFrame:
    available = frame.drop_duplicates("gemeente_code")
    listing = _listing(
        code if name == code else f"{code} {name}"
        for code, name in zip(available["gemeente_code"], available["gemeente_name"],
                              strict=True)
    )
    if gemeente is None:
        if len(available) == 1:
            return frame
        raise _fail(label, f"bevat {len(available)} gemeenten; kies er één (code of naam): "
                           f"{listing}.")
    wanted = str(gemeente).strip()
    match = re.fullmatch(r"(?i)(?:gm)?\s*(\d{1,4})", wanted)
    if match:
        mask = frame["gemeente_code"] == f"GM{match.group(1).zfill(4)}"
    else:
        def norm(text: object) -> str:
            return re.sub(r"[\W_]+", "", str(text).casefold())
        mask = frame["gemeente_name"].map(norm) == norm(wanted)
    if not mask.any():
        no_names = (available["gemeente_name"] == available["gemeente_code"]).all()
        hint = " Het bestand heeft geen gemeentenamen; kies met de code." if no_names else ""
        raise _fail(label, f"gemeente '{wanted}' staat niet in het bestand. Beschikbaar: "
                           f"{listing}.{hint}")
    return frame.loc[mask]


def _drop_rows(frame: gpd.GeoDataFrame, mask: pd.Series, what: str, tail: str,
               notes: list[str]) -> gpd.GeoDataFrame:
    if mask.any():
        codes = _listing(frame.loc[mask, "buurt_code"], 10)
        notes.append(f"{_plural(int(mask.sum()), 'buurt', 'buurten')} {what} weggelaten: "
                     f"{codes}{tail}")
    return frame.loc[~mask]


def _check_duplicates(frame: pd.DataFrame, label: str) -> None:
    dup = frame["buurt_code"].duplicated(keep=False)
    if dup.any():
        codes = _listing(sorted(set(frame.loc[dup, "buurt_code"])), 10)
        raise _fail(label, f"buurtcodes komen dubbel voor: {codes}. Elke buurt hoort één keer "
                           "in het bestand te staan; gebruik het originele CBS-bestand of "
                           "voeg de delen samen (QGIS: Samenvoegen op buurtcode).")


def _to_metric(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    out = frame.to_crs(vocabulary.METRIC_CRS)
    geoms = np.asarray(out.geometry.values, dtype=object)
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        fixed = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        geoms[invalid] = [
            shapely.union_all([p for p in shapely.get_parts(g)
                               if p.geom_type in ("Polygon", "MultiPolygon")])
            for g in fixed
        ]
        out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=out.crs))
    return out, int(invalid.sum())


def _buurt_type(names: pd.Series) -> pd.Series:
    folded = names.astype(str).str.strip().str.casefold()
    spread = folded.str.startswith("verspreide huizen") | folded.str.endswith("buitengebied")
    return pd.Series(np.where(spread, "verspreide_huizen", "kern"), index=names.index)


def _edition(raw: pd.DataFrame, cols: dict[str, str], layer: str, label: str) -> str:
    if "stat_year_code" in cols:
        years = raw[cols["stat_year_code"]].astype("string").str.extract(r"^(\d{4})")[0]
        years = set(years.dropna())
        if len(years) == 1:
            return years.pop()
    if "year" in cols:
        years = set(tables.to_number(raw[cols["year"]]).dropna().astype(int).astype(str))
        if len(years) == 1:
            return years.pop()
    for text in (layer, label):
        match = re.search(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)", text or "")
        if match:
            return match.group(1)
    return ""


def _missing_inhabitants_note(raw_values: pd.Series | None, inhabitants: pd.Series) -> str:
    if raw_values is None:
        return ("het bestand heeft geen inwonersaantallen (alleen grenzen); alle buurten "
                "krijgen bevolking 0 tot u bevolkingscijfers laadt.")
    missing = inhabitants.isna()
    if not missing.any():
        return ""
    numeric = pd.to_numeric(raw_values[missing], errors="coerce")
    reasons: dict[str, int] = {}
    for value in numeric:
        reason = _SENTINEL_REASONS.get(value) if pd.notna(value) else None
        if reason is None:
            reason = f"geen waarde, {value:.0f}" if pd.notna(value) else "geen waarde"
        reasons[reason] = reasons.get(reason, 0) + 1
    detail = "; ".join(f"{reason}: {n}" for reason, n in reasons.items())
    return (f"{_plural(int(missing.sum()), 'buurt', 'buurten')} zonder inwonersaantal "
            f"({detail}); ze blijven op de kaart met bevolking 0.")


def _version_note(raw: pd.DataFrame, cols: dict[str, str]) -> str:
    present = [cols[f] for f in _HOUSING_COLUMNS if f in cols]
    if not present or not len(raw):
        return ""
    values = raw[present].apply(pd.to_numeric, errors="coerce")
    share = float((values == -99995).to_numpy().mean())
    if share < 0.5:
        return ""
    return ("veel woning- en afstandscijfers zijn -99995 ('wordt later gepubliceerd'): dit is "
            "waarschijnlijk versie 1 van de kaart; gebruik voor woningcijfers een latere versie.")


def read_cbs_buurten(
    data: uploads.InputData,
    name: str | None = None,
    *,
    gemeente: str | None = None,
    layer: str | None = None,
) -> CbsBuurten:
    """Read the buurten of one municipality from a CBS Wijk- en Buurtkaart file.

    Parameters
    ----------
    data
        Bytes, binary file object or local path of a GeoPackage, zipped shapefile or
        (PDOK) GeoJSON; see the module docstring.
    name
        File name for messages.
    gemeente
        Municipality code (``"GM1731"`` or ``"1731"``) or name (case-insensitive, e.g.
        ``"midden-drenthe"``). Required when the file holds several municipalities.
    layer
        Layer to read; by default the ``buurten`` layer of a multi-layer GeoPackage.

    Returns
    -------
    CbsBuurten
        Areas (EPSG:28992), key figures per buurt, edition and warnings.

    Raises
    ------
    ImportDataError
        Unsafe or unreadable file, no buurt codes, wijken/gemeenten instead of buurten,
        unknown or unspecified municipality, duplicate buurt codes, or no buurt left.
    """
    buf, label = uploads.load_bytes(data, name)
    if layer is None:
        layer = _buurt_layer(buf, label)
    raw = uploads.read_vector(buf, label, layer=layer, expect="polygon", drop_empty=False)
    notes: list[str] = []
    cols = _column_map(c for c in raw.columns if c != raw.geometry.name)
    identity = _identity(raw, cols, label, notes)
    frame = gpd.GeoDataFrame(
        pd.concat([identity, _numbers(raw, cols, label)], axis=1),
        geometry=raw.geometry, crs=raw.crs,
    )
    frame["_row"] = np.arange(len(frame))
    frame = _select_gemeente(frame, gemeente, label)
    _check_duplicates(frame, label)
    frame = _drop_rows(frame, frame["water"].fillna("").eq("JA"), "met water = 'JA'",
                       " (waterbuurten).", notes)
    geoms = np.asarray(frame.geometry.values, dtype=object)
    empty = pd.Series(shapely.is_missing(geoms) | shapely.is_empty(geoms), index=frame.index)
    frame = _drop_rows(frame, empty, "zonder geometrie",
                       "; hun inwoners tellen niet mee.", notes)
    if frame.empty:
        raise _fail(label, "na het weglaten van water en lege geometrieën blijft geen buurt "
                           "over; controleer de gemeente en het bestand.")
    frame, fixed_after = _to_metric(frame)
    repaired = int(frame["_row"].isin(raw.attrs.get("repaired_rows", [])).sum()) + fixed_after
    if repaired:
        notes.append(f"{_plural(repaired, 'ongeldige geometrie', 'ongeldige geometrieën')} "
                     "hersteld (make_valid).")
    frame = frame.reset_index(drop=True)
    areas = _areas(frame)
    counts = pd.concat([frame[["buurt_code"]], frame[list(COUNT_COLUMNS)].astype("float64")],
                       axis=1)
    raw_inh = raw[cols["inhabitants"]].iloc[frame["_row"]].reset_index(drop=True) \
        if "inhabitants" in cols else None
    for note in (_missing_inhabitants_note(raw_inh, counts["inhabitants"]),
                 _version_note(raw.iloc[frame["_row"]], cols)):
        if note:
            notes.append(note)
    edition = _edition(raw, cols, str(raw.attrs.get("layer", "")), label)
    source = f"CBS Wijk- en Buurtkaart {edition}".strip() + f" ('{label}'), CC BY 4.0"
    return CbsBuurten(areas=areas, counts=counts, edition=edition, warnings=tuple(notes),
                      source=source)


def _areas(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    areas = gpd.GeoDataFrame(
        {
            "buurt_code": frame["buurt_code"].astype(str),
            "buurt_name": frame["buurt_name"].astype(str),
            "wijk_code": frame["wijk_code"].astype(str),
            "wijk_name": frame["wijk_name"].astype(str),
            "gemeente_code": frame["gemeente_code"].astype(str),
            "gemeente_name": frame["gemeente_name"].astype(str),
            "kerngebied": frame["wijk_name"].astype(str),
            "buurt_type": _buurt_type(frame["buurt_name"]),
        },
        geometry=frame.geometry.values,
        crs=vocabulary.METRIC_CRS,
    )
    return areas[[*_AREA_COLUMNS, "geometry"]]


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


def _age_shares(pct: np.ndarray, inhabitants: np.ndarray) -> tuple[np.ndarray, int]:
    """Per-buurt shares of the five CBS bands; gaps filled from the municipality."""
    known = np.isfinite(pct) & (pct >= 0)
    pct = np.where(known, pct, np.nan)
    complete = known.all(axis=1) & (np.nansum(pct, axis=1) > 0)
    weights = np.where(complete, inhabitants, 0).astype(float)
    ref: np.ndarray | None = None
    if weights.sum() > 0:
        rows = pct[complete] / pct[complete].sum(axis=1, keepdims=True)
        ref = (rows * weights[complete, None]).sum(axis=0) / weights.sum()
    shares = np.full(pct.shape, 0.2)
    filled = 0
    for i in range(len(pct)):
        if complete[i]:
            shares[i] = pct[i] / pct[i].sum()
            continue
        if inhabitants[i] <= 0:
            continue
        if ref is None:
            raise ImportDataError(
                "de gegevens hebben geen (volledige) leeftijdspercentages (0–15, 15–25, 25–45, "
                "45–65, 65+) voor buurten met inwoners; gebruik de Wijk- en Buurtkaart met "
                "kerncijfers of lever de bevolking per leeftijdsgroep apart aan."
            )
        shares[i] = _fill_row(pct[i], known[i], ref)
        filled += 1
    return shares, filled


def _fill_row(row: np.ndarray, known: np.ndarray, ref: np.ndarray) -> np.ndarray:
    values = np.where(known, row, 0.0)
    missing = ~known
    if missing.any():
        rest = max(100.0 - values.sum(), 0.0)
        weights = ref[missing] if ref[missing].sum() > 0 else np.ones(int(missing.sum()))
        values[missing] = rest * weights / weights.sum()
    return values / values.sum() if values.sum() > 0 else ref


def population_from_cbs(
    counts: pd.DataFrame, *, distribution: AgeDistribution | None = None
) -> pd.DataFrame:
    """Derive the region ``population`` layer from CBS key figures per buurt.

    Parameters
    ----------
    counts
        ``CbsBuurten.counts`` (or any frame with ``buurt_code``, ``inhabitants`` and the
        percentage columns ``pct_0_14`` … ``pct_65_plus``).
    distribution
        Split of 65+ into 65–74 / 75–84 / 85+ (default :data:`DEFAULT_65PLUS_SPLIT`).

    Returns
    -------
    pandas.DataFrame
        ``buurt_code``, ``pop_0_14`` … ``pop_85_plus`` (int64) and ``estimated`` (True).
        Each row sums to the buurt's inhabitants (0 where unknown). ``attrs["warnings"]``
        lists buurten without inhabitants or with gap-filled percentages; ``attrs["source"]``
        describes the method.

    Raises
    ------
    ImportDataError
        When buurten have inhabitants but the data has no usable age percentages at all.

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
        for col in _PCT_COLUMNS
    ]) if n else np.zeros((0, 5))
    shares, filled = _age_shares(pct, inhabitants)
    five = _apportion(inhabitants, shares)
    old = _apportion(five[:, 4], np.tile(dist.shares, (n, 1)))
    bands = np.column_stack([five[:, :4], old]) if n else np.zeros((0, 7), dtype=np.int64)
    frame = pd.DataFrame(bands, columns=vocabulary.band_columns(), dtype="int64")
    frame.insert(0, "buurt_code", counts["buurt_code"].astype(str).to_numpy())
    frame["estimated"] = True
    notes = []
    if unknown.any():
        notes.append(f"{_plural(int(unknown.sum()), 'buurt', 'buurten')} zonder "
                     "inwonersaantal krijgen bevolking 0.")
    if filled:
        notes.append(f"{_plural(filled, 'buurt', 'buurten')} zonder (volledige) "
                     "leeftijdspercentages: de verdeling van de hele gemeente is gebruikt.")
    frame.attrs["warnings"] = tuple(notes)
    frame.attrs["source"] = (
        "CBS-kerncijfers: inwoners × leeftijdspercentages (herschaald tot 100 %, afgerond op "
        f"hele personen); 65+ gesplitst met: {dist.source}"
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
        found = _listing(rows[age_col].astype(str), 12)
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
