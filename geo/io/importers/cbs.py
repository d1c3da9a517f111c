"""Import the CBS Wijk- en Buurtkaart: buurt outlines and key figures.

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
* Buurten with ``water = 'JA'`` are dropped (a note names them). Buurten whose geometry is
  null or empty (or a GeometryCollection without a polygon) are dropped too — a region
  needs outlines and the region schema refuses rows without geometry — and reported with
  the inhabitants they carry (:attr:`CbsBuurten.dropped`; the build adds the population
  table's figure when the map has none). Duplicate buurt codes are an error.
* Geometry: Z and M are dropped; a GeometryCollection (as ``make_valid`` and clip tools
  write) keeps its polygonal parts, with a note naming the buurt (code and name).
* Missing names: no ``wijknaam`` → the names come from the sibling ``wijken`` layer of the
  same file (the GeoPackage of 2022 and later has ``wijkcode`` only in ``buurten``) or from
  a wijken file given as ``wijken`` (PDOK's wijken collection, a CSV); a wijk without a
  name there gets its code as name. No ``gemeentenaam`` → the gemeente code is the name;
  no wijk/gemeente code → derived from the buurt code (``BU1731ww bb`` → ``WK1731ww``,
  ``GM1731``). Each fallback adds a note.
* ``kerngebied`` defaults to the **wijk name** without CBS's "Wijk NN " prefix ("Wijk 00
  Beilen" → "Beilen"): in rural municipalities such as Midden-Drenthe a wijk is one village
  with its surroundings. Grouping villages into the municipality's core areas (Beilen,
  Smilde, Westerbork) is a later, explicit step.
* Everything recognised, repaired and dropped is also written to
  :attr:`CbsBuurten.report` (:class:`geo.io.import_report.ImportReport`).
* ``buurt_type`` is ``verspreide_huizen`` when the buurt name starts with "Verspreide
  huizen" (CBS convention, e.g. Midden-Drenthe ``BU1731ww09``) or ends with
  "Buitengebied" (e.g. Borger-Odoorn), else ``kern``. Codes are not used: ``..09`` is not a
  national rule.
* Geometry ends in EPSG:28992 and is valid (repaired where needed).

Population by age band (from :attr:`CbsBuurten.counts`) is derived in
:mod:`geo.io.importers.cbs_population`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io import tables, uploads
from geo.io._vetting import file_error as _fail
from geo.io.import_report import HERKEND, HERSTELD, LET_OP, WEGGELATEN, ImportReport
from geo.io.importers._cbs_common import listing, plural
from geo.io.importers._cbs_geometry import drop_empty, dropped_note, report_geometry
from geo.io.importers._cbs_wijken import fill_wijk_names, kerngebied_names, sibling_wijken_layer

__all__ = [
    "COUNT_COLUMNS",
    "GEMEENTE_NAME_NOTE",
    "dropped_note",
    "FIELD_ALIASES",
    "CbsBuurten",
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
_HOUSING_COLUMNS = ("dwellings", "pct_single_family", "pct_owner_occupied", "pct_corporation",
                    "dist_gp_km", "dist_supermarket_km")
_SENTINEL_REASONS = {
    -99997.0: "geheim of niet aanwezig, -99997",
    -99995.0: "wordt later gepubliceerd, -99995",
    -99991.0: "niet meer gepubliceerd, -99991",
    -99999999.0: "geheim of onbekend, -99999999",
}
_AREA_COLUMNS = ("buurt_code", "buurt_name", "wijk_code", "wijk_name", "gemeente_code",
                 "gemeente_name", "kerngebied", "buurt_type")


#: Note when the file has no municipality names (the build may still find them).
GEMEENTE_NAME_NOTE = ("het bestand heeft geen gemeentenaam; de gemeentecode wordt als naam "
                      "gebruikt.")
_NAME_FALLBACK_NOTES = {
    "buurt_name": "het bestand heeft geen buurtnamen; de buurtcode wordt als naam gebruikt.",
    "gemeente_name": GEMEENTE_NAME_NOTE,
}


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", str(name).lower())



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
        Dutch notes on what was dropped, repaired or is missing (the texts of every
        :attr:`report` line outside the section "herkend").
    source
        Short Dutch description of the source for the region metadata.
    report
        The same notes by section, plus what was recognised (file, form, layer, columns).
    dropped
        Buurten left out for lack of geometry: ``buurt_code``, ``buurt_name``, ``reason``
        (Dutch) and ``inhabitants`` (float, NaN when the map has no figure).
    inhabitants_note
        The report line (section "let op") on buurten without inhabitants, ``""`` when
        none; the build drops it when a population table supplies the figures.
    """

    areas: gpd.GeoDataFrame
    counts: pd.DataFrame
    edition: str = ""
    warnings: tuple[str, ...] = ()
    source: str = ""
    report: ImportReport = dataclasses.field(default_factory=ImportReport)
    dropped: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(
        {"buurt_code": [], "buurt_name": [], "reason": [], "inhabitants": []}))
    inhabitants_note: str = ""


# --------------------------------------------------------------------------- reading


def _buurt_layer(names: list[str]) -> str | None:
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
    raise _fail(label, f"buurtcodes moeten met 'BU' beginnen, gevonden: {listing(bad, 5)}. "
                       "Gebruik de buurtenlaag van de CBS Wijk- en Buurtkaart.")


def _normalise_gm(value: object) -> object:
    if value is None:
        return None
    text = str(value).strip().upper()
    digits = text.removeprefix("GM")
    return f"GM{digits.zfill(4)}" if digits.isdigit() else text


def _identity(raw: pd.DataFrame, cols: dict[str, str], label: str,
              report: ImportReport) -> pd.DataFrame:
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
    fallbacks = {"buurt_name": "buurt_code", "wijk_name": None,
                 "gemeente_name": "gemeente_code"}
    for name_field, fallback in fallbacks.items():
        values = (_text(raw, cols[name_field]) if name_field in cols
                  else pd.Series(None, index=raw.index, dtype=object))
        present = values.notna() & (values != "")
        if fallback is None:  # wijk names: see _fill_wijk_names
            out[name_field] = values.where(present, None)
            continue
        if values.isna().all():
            report.add(LET_OP, _NAME_FALLBACK_NOTES[name_field])
        out[name_field] = values.where(present, out[fallback])
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


def _gemeente_mask(frame: gpd.GeoDataFrame, wanted: str) -> pd.Series:
    match = re.fullmatch(r"(?i)(?:gm)?\s*(\d{1,4})", wanted)
    if match:
        return frame["gemeente_code"] == f"GM{match.group(1).zfill(4)}"

    def norm(text: object) -> str:
        return re.sub(r"[\W_]+", "", str(text).casefold())
    return frame["gemeente_name"].map(norm) == norm(wanted)


def _select_gemeente(frame: gpd.GeoDataFrame, gemeente: str | Sequence[str] | None,
                     label: str) -> gpd.GeoDataFrame:
    """The buurten of the wanted municipalities (one or more codes or names)."""
    available = frame.drop_duplicates("gemeente_code")
    known = listing(
        code if name == code else f"{code} {name}"
        for code, name in zip(available["gemeente_code"], available["gemeente_name"],
                              strict=True)
    )
    if gemeente is None:
        if len(available) == 1:
            return frame
        raise _fail(label, f"bevat {len(available)} gemeenten; kies er één of meer (code of "
                           f"naam): {known}.")
    wanted = [gemeente] if isinstance(gemeente, str) else list(gemeente)
    wanted = list(dict.fromkeys(str(w).strip() for w in wanted if str(w).strip()))
    mask = pd.Series(False, index=frame.index)
    missing = []
    for item in wanted:
        found = _gemeente_mask(frame, item)
        if not found.any():
            missing.append(item)
        mask |= found
    if missing or not wanted:
        no_names = (available["gemeente_name"] == available["gemeente_code"]).all()
        hint = " Het bestand heeft geen gemeentenamen; kies met de code." if no_names else ""
        what = (f"gemeente '{missing[0]}' staat" if len(missing) == 1 else
                f"gemeenten {', '.join(repr(m) for m in missing)} staan")
        raise _fail(label, f"{what} niet in het bestand. Beschikbaar: {known}.{hint}"
                           + (" Gebruik een bestand dat alle gemeenten van de regio bevat "
                              "(bijv. de landelijke Wijk- en Buurtkaart)."
                              if len(wanted) > 1 else ""))
    return frame.loc[mask]


def _drop_rows(frame: gpd.GeoDataFrame, mask: pd.Series, what: str, tail: str,
               report: ImportReport) -> gpd.GeoDataFrame:
    if mask.any():
        codes = listing(frame.loc[mask, "buurt_code"], 10)
        report.add(WEGGELATEN, f"{plural(int(mask.sum()), 'buurt', 'buurten')} {what} "
                               f"weggelaten: {codes}{tail}", count=int(mask.sum()))
    return frame.loc[~mask]


def _check_duplicates(frame: pd.DataFrame, label: str) -> None:
    dup = frame["buurt_code"].duplicated(keep=False)
    if dup.any():
        codes = listing(sorted(set(frame.loc[dup, "buurt_code"])), 10)
        raise _fail(label, f"buurtcodes komen dubbel voor: {codes}. Elke buurt hoort één keer "
                           "in het bestand te staan; gebruik het originele CBS-bestand of "
                           "voeg de delen samen (QGIS: Samenvoegen op buurtcode).")


def _to_metric(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, np.ndarray]:
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
    return out, invalid


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
    return (f"{plural(int(missing.sum()), 'buurt', 'buurten')} zonder inwonersaantal "
            f"({detail}); {'die blijft' if missing.sum() == 1 else 'ze blijven'} op de "
            "kaart met bevolking 0.")


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


def _describe_input(raw: gpd.GeoDataFrame, cols: dict[str, str], label: str) -> str:
    form = {"GPKG": "GeoPackage", "ESRI Shapefile": "gezipt Shapefile",
            "GeoJSON": "GeoJSON"}.get(str(raw.attrs.get("driver", "")), "geodata")
    used = listing([cols[f] for f in FIELD_ALIASES if f in cols], 40)
    return (f"CBS-buurten: '{label}' ({form}, laag '{raw.attrs.get('layer', '')}', "
            f"{raw.crs.name if raw.crs is not None else 'zonder CRS'}); kolommen gebruikt: "
            f"{used}")


def read_cbs_buurten(
    data: uploads.InputData,
    name: str | None = None,
    *,
    gemeente: str | Sequence[str] | None = None,
    layer: str | None = None,
    wijken: uploads.InputData | None = None,
    wijken_name: str | None = None,
) -> CbsBuurten:
    """Read the buurten of one or more municipalities from a CBS Wijk- en Buurtkaart file.

    Parameters
    ----------
    data
        Bytes, binary file object or local path of a GeoPackage, zipped shapefile or
        (PDOK) GeoJSON; see the module docstring.
    name
        File name for messages.
    gemeente
        Municipality code (``"GM1731"`` or ``"1731"``) or name (case-insensitive, e.g.
        ``"midden-drenthe"``), or a sequence of them for a region of several
        municipalities (every one must be in the file). Required when the file holds
        several municipalities.
    layer
        Layer to read; by default the ``buurten`` layer of a multi-layer GeoPackage.
    wijken, wijken_name
        Wijken with their names (layer ``wijken`` of the Wijk- en Buurtkaart, PDOK's
        wijken collection as GeoJSON, or a CSV ``wijkcode;wijknaam``) and its file name;
        used where the buurten carry no wijk name. Default: the ``wijken`` layer of the
        same file, if it has one.

    Returns
    -------
    CbsBuurten
        Areas (EPSG:28992), key figures per buurt, edition, warnings and report.

    Raises
    ------
    ImportDataError
        Unsafe or unreadable file, no buurt codes, wijken/gemeenten instead of buurten,
        unknown or unspecified municipality, duplicate buurt codes, no buurt left, or a
        ``wijken`` file without wijk codes and names.
    """
    buf, label = uploads.load_bytes(data, name)
    layers = uploads.list_layers(buf, label)
    if layer is None:
        layer = _buurt_layer(layers)
    raw = uploads.read_vector(buf, label, layer=layer, expect="polygon", drop_empty=False)
    report = ImportReport()
    for note in raw.attrs.get("notes", ()):  # e.g. a shapefile read as Windows-1252
        report.add(LET_OP, note)
    cols = _column_map(c for c in raw.columns if c != raw.geometry.name)
    report.add(HERKEND, _describe_input(raw, cols, label))
    identity = _identity(raw, cols, label, report)
    frame = gpd.GeoDataFrame(
        pd.concat([identity, _numbers(raw, cols, label)], axis=1),
        geometry=raw.geometry, crs=raw.crs,
    )
    frame["_row"] = np.arange(len(frame))
    frame = _select_gemeente(frame, gemeente, label)
    _check_duplicates(frame, label)
    sibling = sibling_wijken_layer(layers, str(raw.attrs.get("layer", layer)))
    source = ((wijken, wijken_name, None) if wijken is not None
              else (buf, label, sibling) if sibling is not None else None)
    frame = _drop_rows(frame, frame["water"].fillna("").eq("JA"), "met water = 'JA'",
                       " (waterbuurten).", report)
    fill_wijk_names(frame, source, wijken is not None, report)
    report_geometry(frame, raw, report)
    frame, dropped = drop_empty(frame, raw, report)
    if frame.empty:
        raise _fail(label, "na het weglaten van water en lege geometrieën blijft geen buurt "
                           "over; controleer de gemeente en het bestand.")
    frame, fixed_after = _to_metric(frame)
    repaired = frame["_row"].isin(raw.attrs.get("repaired_rows", [])).to_numpy() | fixed_after
    if repaired.any():
        names = [f"{c} {n}" if n != c else c for c, n in
                 zip(frame.loc[repaired, "buurt_code"], frame.loc[repaired, "buurt_name"],
                     strict=True)]
        what = plural(int(repaired.sum()), "ongeldige geometrie", "ongeldige geometrieën")
        report.add(HERSTELD, f"{what} hersteld (make_valid): {listing(names, 10)}.",
                   count=int(repaired.sum()))
    frame = frame.reset_index(drop=True)
    areas = _areas(frame)
    counts = pd.concat([frame[["buurt_code"]], frame[list(COUNT_COLUMNS)].astype("float64")],
                       axis=1)
    raw_inh = raw[cols["inhabitants"]].iloc[frame["_row"]].reset_index(drop=True) \
        if "inhabitants" in cols else None
    inhabitants_note = _missing_inhabitants_note(raw_inh, counts["inhabitants"])
    report.add(LET_OP, inhabitants_note)
    report.add(LET_OP, _version_note(raw.iloc[frame["_row"]], cols))
    edition = _edition(raw, cols, str(raw.attrs.get("layer", "")), label)
    source_text = f"CBS Wijk- en Buurtkaart {edition}".strip() + f" ('{label}'), CC BY 4.0"
    warnings = tuple(line.text for line in report if line.section != HERKEND)
    return CbsBuurten(areas=areas, counts=counts, edition=edition, warnings=warnings,
                      source=source_text, report=report, dropped=dropped,
                      inhabitants_note=inhabitants_note)


def _areas(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    areas = gpd.GeoDataFrame(
        {
            "buurt_code": frame["buurt_code"].astype(str),
            "buurt_name": frame["buurt_name"].astype(str),
            "wijk_code": frame["wijk_code"].astype(str),
            "wijk_name": frame["wijk_name"].astype(str),
            "gemeente_code": frame["gemeente_code"].astype(str),
            "gemeente_name": frame["gemeente_name"].astype(str),
            "kerngebied": kerngebied_names(frame["wijk_name"]),
            "buurt_type": _buurt_type(frame["buurt_name"]),
        },
        geometry=frame.geometry.values,
        crs=vocabulary.METRIC_CRS,
    )
    return areas[[*_AREA_COLUMNS, "geometry"]]
