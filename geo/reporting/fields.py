"""Field dictionary of the exported layers: short names, units and descriptions.

Shapefile (dBase) field names are at most 10 characters; GDAL would truncate long names
silently and make them ambiguous (``shortage_n``, ``shortage_1``). The project chooses the
short names instead, with a fixed vocabulary, so the same column always gets the same
short name in every export:

- prefixes ``vr_`` demand (*vraag*), ``aa_`` supply (*aanbod*), ``tk_`` shortage (*tekort*),
  ``d75_`` people 75+ within the walking norm (*dekking*), ``p75_`` their share,
  ``afs_`` mean distance, ``acc_`` accessibility score;
- products ``ntr`` step-free (*nultreden*), ``clu`` clustered housing, ``vps`` nursing care
  somatic, ``vpg`` nursing care psychogeriatric (dementia);
- facility types by a three-letter code (:data:`TYPE_CODES`).

:func:`field_table` gives, for the columns of a frame, the short name, the full name, the
unit and a Dutch description: it goes into every export (``velden.csv`` in a Shapefile zip,
the ``field_dictionary`` table in a GeoPackage) and into the README of the export.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd

from geo import vocabulary

__all__ = ["TYPE_CODES", "describe", "field_table", "short_names"]

MAX_LEN = 10

PRODUCT_CODES: dict[str, str] = {
    "step_free": "ntr",
    "clustered": "clu",
    "nursing_somatic": "vps",
    "nursing_dementia": "vpg",
}
TYPE_CODES: dict[str, str] = {
    "supermarket": "sup",
    "gp": "ha",
    "gp_post": "hap",
    "pharmacy": "apo",
    "bus_stop": "bus",
    "train_station": "trn",
    "hospital": "zkh",
    "community_centre": "dh",
    "day_care": "dag",
    "clustered_housing": "clu",
    "nursing_somatic": "vps",
    "nursing_dementia": "vpg",
    "home_care": "thz",
    "library": "bib",
}

# column -> (short name, unit, description)
_FIXED: dict[str, tuple[str, str, str]] = {
    "buurt_code": ("bu_code", "", "CBS-buurtcode (BU…)"),
    "buurt_name": ("bu_naam", "", "buurtnaam"),
    "buurt_type": ("bu_type", "", "kern of verspreide huizen (buitengebied)"),
    "wijk_code": ("wk_code", "", "CBS-wijkcode (WK…)"),
    "wijk_name": ("wk_naam", "", "wijknaam"),
    "gemeente_code": ("gm_code", "", "CBS-gemeentecode (GM…); in de regiolaag alle codes, "
                                     "gescheiden door komma's"),
    "regio": ("regio", "", "naam van de regio"),
    "n_gemeenten": ("n_gem", "aantal", "aantal gemeenten in de regio"),
    "gemeente_name": ("gm_naam", "", "gemeentenaam"),
    "gemeente": ("gemeente", "", "gemeentenaam"),
    "kerngebied": ("kern", "", "kerngebied (Welwozo-indeling of eigen indeling)"),
    "cell_id": ("cel_id", "", "rastercel: E<x>N<y> van de linkeronderhoek in RD-meters"),
    "year": ("jaar", "jaar", "jaar van de analyse"),
    "n_buurten": ("n_buurten", "aantal", "aantal buurten in het gebied"),
    "pop_total": ("inw_tot", "personen", "inwoners"),
    "pop_65plus": ("inw_65p", "personen", "inwoners van 65 jaar en ouder"),
    "pop_75plus": ("inw_75p", "personen", "inwoners van 75 jaar en ouder"),
    "pop_85plus": ("inw_85p", "personen", "inwoners van 85 jaar en ouder"),
    "homes_total": ("won_tot", "woningen", "woningen"),
    "homes_suitable": ("won_gesch", "woningen", "geschikte woningen (nultreden)"),
    "homes_adaptable": ("won_aanp", "woningen", "aanpasbare woningen"),
    "homes_unsuitable": ("won_onges", "woningen", "ongeschikte woningen"),
    "homes_unreachable": ("won_onber", "woningen",
                          "woningen vanwaar over het straatnetwerk niet elke soort voorziening "
                          "met een loopnorm bereikbaar is (netwerk in stukken): niet binnen de "
                          "norm, niet in de gemiddelde afstand; 0 bij rechte lijnen"),
    # homes
    "home_id": ("won_id", "", "woning-id (BAG-verblijfsobject of demo-id)"),
    "construction_year": ("bouwjaar", "jaar", "bouwjaar"),
    "dwelling_type": ("woningtype", "", "single_family (eengezins) of multi_family (meergezins)"),
    "step_free": ("nultreden", "ja/nee", "nultredenwoning (alle hoofdvertrekken zonder trap)"),
    "lift": ("lift", "ja/nee", "bereikbaar met een lift"),
    "floor_area": ("opp_m2", "m²", "gebruiksoppervlakte"),
    "ground_floor_area": ("opp_bg_m2", "m²", "oppervlakte begane grond"),
    "tenure": ("eigendom", "", "owner_occupied (koop), social_rent (corporatie), private_rent"),
    "owner": ("eigenaar", "", "eigenaar (corporatie) of 'onbekend'"),
    "suitability": ("geschikt", "", "suitable (geschikt), adaptable (aanpasbaar), "
                                    "unsuitable (ongeschikt) — regel: zie README"),
    "woonplaats": ("woonplaats", "", "woonplaats"),
    "x_rd": ("x_rd", "m", "x-coördinaat RD New (EPSG:28992)"),
    "y_rd": ("y_rd", "m", "y-coördinaat RD New (EPSG:28992)"),
    # facilities
    "facility_id": ("vz_id", "", "id van de voorziening"),
    "facility_type": ("type", "", "soort voorziening (code)"),  # Shapefile name stays 'type'
    "type_label": ("soort", "", "soort voorziening"),
    "name": ("naam", "", "naam"),
    "operator": ("exploitant", "", "exploitant / zorgaanbieder"),
    "capacity": ("capaciteit", "plaatsen", "capaciteit (plaatsen, wooneenheden of patiënten)"),
    "norm_m": ("norm_m", "m", "loopafstandsnorm voor dit soort voorziening (meters; "
                              "hemelsbreed of over het netwerk, zie provenance)"),
    "in_region": ("in_gem", "ja/nee", "ligt binnen de buurten van de regio"),
    "outside_region": ("buiten_reg", "ja/nee", "ligt buiten de regio (binnen de buffer van "
                                               "de grootste norm); telt mee voor loopafstand "
                                               "en bereikbaarheid, niet voor het aanbod"),
}


def _facility(ftype: str) -> tuple[str, str]:
    code = TYPE_CODES.get(ftype) or re.sub(r"[^a-z]", "", ftype)[:3]
    return code, vocabulary.FACILITY_LABELS.get(ftype, ftype).lower()


def describe(column: str) -> tuple[str, str, str]:
    """Short name, unit and Dutch description of an exported column.

    Parameters
    ----------
    column
        Column name as in the analysis layers.

    Returns
    -------
    tuple of str
        ``(short name, unit, description)``; an unknown column gets a short name built
        from its letters (see :func:`short_names`, which also makes names unique).

    Examples
    --------
    >>> describe("shortage_step_free")
    ('tk_ntr', 'woningen', 'tekort nultredenwoningen (vraag − aanbod; negatief = overschot)')
    >>> describe("cov75_share_gp")[0]
    'p75_ha'
    """
    if column in _FIXED:
        return _FIXED[column]
    bands = dict(zip(vocabulary.band_columns(), vocabulary.AGE_BANDS, strict=True))
    if column in bands:
        label = vocabulary.AGE_BAND_LABELS.get(bands[column], bands[column])
        return "l" + column[len("pop_"):].replace("_plus", "p").replace("_", "")[:9], \
            "personen", f"inwoners {label}"
    for prefix, code, what in (("demand_", "vr", "vraag"), ("supply_", "aa", "aanbod"),
                               ("shortage_", "tk", "tekort")):
        product = column[len(prefix):]
        if column.startswith(prefix) and product in PRODUCT_CODES:
            label = vocabulary.PRODUCT_LABELS[product].lower()
            unit = "woningen" if product in ("step_free", "clustered") else "plaatsen"
            extra = " (vraag − aanbod; negatief = overschot)" if prefix == "shortage_" else ""
            return f"{code}_{PRODUCT_CODES[product]}", unit, f"{what} {label}{extra}"
    for prefix, code in (("cov75_share_", "p75"), ("cov75_", "d75"), ("dist_", "afs"),
                         ("uncov_share_", "n75")):
        if column.startswith(prefix):
            short, label = _facility(column[len(prefix):])
            if code == "p75":
                return f"p75_{short}", "aandeel 0–1", \
                    f"aandeel 75-plussers binnen de loopafstandsnorm van een {label}"
            if code == "d75":
                return f"d75_{short}", "personen", \
                    f"75-plussers binnen de loopafstandsnorm van een {label}"
            if code == "n75":
                return f"n75_{short}", "aandeel 0–1", \
                    f"aandeel 75-plussers verder dan de loopafstandsnorm van een {label}"
            return f"afs_{short}", "m", \
                f"gemiddelde afstand (hemelsbreed, of over het netwerk: zie provenance " \
                f"distance_method) van 75-plussers tot de dichtstbijzijnde {label}"
    if column.startswith("acc_"):
        key = column[len("acc_"):]
        code = PRODUCT_CODES.get(key) or TYPE_CODES.get(key) or re.sub(r"[^a-z0-9]", "",
                                                                        key.lower())
        return f"acc_{code}"[:MAX_LEN], "per 1000", \
            f"bereikbaarheid (2SFCA) '{column[len('acc_'):]}': capaciteit per 1000 inwoners " \
            "van de doelgroep binnen bereik"
    if column.startswith("share_"):
        return ("aand_" + column[len("share_"):].replace("plus", "p"))[:MAX_LEN], \
            "aandeel 0–1", f"aandeel {column[len('share_'):].replace('plus', '+')} in de bevolking"
    letters = re.sub(r"[^a-z0-9_]", "", column.lower())
    return letters[:MAX_LEN] or "veld", "", column


def short_names(columns: Iterable[str]) -> dict[str, str]:
    """Unique short names (≤ 10 characters) for ``columns``, deterministic.

    A clash (two columns with the same short name) is resolved by replacing the end of the
    later one with a number (``naam_2``), so no two columns share a name.

    Examples
    --------
    >>> short_names(["shortage_clustered", "supply_clustered"])
    {'shortage_clustered': 'tk_clu', 'supply_clustered': 'aa_clu'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        base = describe(column)[0][:MAX_LEN]
        name, n = base, 1
        while name.lower() in used:
            n += 1
            suffix = f"_{n}"
            name = base[: MAX_LEN - len(suffix)] + suffix
        used.add(name.lower())
        out[column] = name
    return out


def field_table(columns: Iterable[str]) -> pd.DataFrame:
    """Field dictionary of ``columns``: short name, full name, unit, description.

    Returns
    -------
    pandas.DataFrame
        Columns ``short_name``, ``full_name``, ``unit``, ``description``; one row per
        column in the given order.
    """
    columns = list(columns)
    shorts = short_names(columns)
    rows = []
    for column in columns:
        _, unit, text = describe(column)
        rows.append({"short_name": shorts[column], "full_name": column, "unit": unit,
                     "description": text})
    return pd.DataFrame(rows, columns=["short_name", "full_name", "unit", "description"])
