"""Complete the fetched buurten: wijk names and the CBS nabijheid distances.

PDOK's ``buurten`` collection carries ``wijkcode`` but no ``wijknaam``; without names a
build would call core areas ``WK173100``. :func:`enrich_buurten` writes the ``wijknaam``
of the ``wijken`` collection into every buurt that lacks one.

The CBS *nabijheid* figures (average road distance of the inhabitants to the nearest GP
practice, large supermarket, day nursery, primary school; CBS nabijheidsstatistiek) are
properties of the same buurten in most editions, under several spellings. Where a buurt
has no valid value (absent, or a CBS code such as -99995 "published later"),
:func:`fetch_nabijheid` takes it from the StatLine table "Kerncijfers wijken en buurten"
(topics ``AfstandTotHuisartsenpraktijk_…`` etc.). The value is stored under the name of
the Wijk- en Buurtkaart GeoPackage (:data:`NABIJHEID_FIELDS`), which the CBS importer
reads, so a later check can compare the map's figures with the atlas's own distances.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from geo.config import Config
from geo.errors import ImportDataError
from geo.io.fetch._common import (
    MAX_PAGES,
    Source,
    base_url_of,
    check_year,
    next_page,
    write_atomic,
)
from geo.io.fetch.cache import UrlCache
from geo.io.fetch.cbs_odata import _getter, _odata_url, _table_properties, resolve_table
from geo.model.crs import normalize_gemeente_code

__all__ = ["NABIJHEID_FIELDS", "NabijheidTable", "enrich_buurten", "fetch_nabijheid"]

#: Canonical buurt property (Wijk- en Buurtkaart GeoPackage name, km) → (other spellings
#: in PDOK/WFS/shapefile/kwb editions, StatLine topic key without suffix, StatLine title).
NABIJHEID_FIELDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "huisartsenpraktijk_gemiddelde_afstand_in_km": (
        ("afstand_tot_huisartsenpraktijk", "afstandTotHuisartsenpraktijk",
         "huisartsenpraktijkGemiddeldeAfstandInKm", "AF_ARTSPR", "g_afs_hp"),
        "AfstandTotHuisartsenpraktijk", "afstand tot huisartsenpraktijk"),
    "grote_supermarkt_gemiddelde_afstand_in_km": (
        ("afstand_tot_grote_supermarkt", "afstandTotGroteSupermarkt",
         "groteSupermarktGemiddeldeAfstandInKm", "AF_SUPERM", "g_afs_gs"),
        "AfstandTotGroteSupermarkt", "afstand tot grote supermarkt"),
    "kinderdagverblijf_gemiddelde_afstand_in_km": (
        ("afstand_tot_kinderdagverblijf", "afstandTotKinderdagverblijf",
         "kinderdagverblijfGemiddeldeAfstandInKm", "AF_KDV", "g_afs_kv"),
        "AfstandTotKinderdagverblijf", "afstand tot kinderdagverblijf"),
    "basisonderwijs_gemiddelde_afstand_in_km": (
        ("afstand_tot_school", "afstandTotSchool", "basisonderwijsGemiddeldeAfstandInKm",
         "AF_ONDBAS", "g_afs_sc"),
        "AfstandTotSchool", "afstand tot school"),
}


def _valid(value: Any) -> float | None:
    """A usable distance: a finite number that is not a CBS code (<= -99990)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number > -99990 else None


class NabijheidTable(dict):
    """``{buurt code: {canonical field: km}}`` with ``table`` and ``columns`` attributes."""

    table: str = ""
    columns: dict[str, str] = {}  # noqa: RUF012 - replaced per instance


def fetch_nabijheid(gemeente: str, year: int, *, base_url: str | None = None,
                    table_id: str | None = None, timeout: float = 30,
                    cache: UrlCache | None = None, max_pages: int = MAX_PAGES,
                    config: Config | None = None) -> NabijheidTable:
    """The nabijheid distances per buurt from StatLine "Kerncijfers wijken en buurten".

    Parameters
    ----------
    gemeente, year, base_url, table_id, timeout, cache, max_pages, config
        As :func:`geo.io.fetch.cbs_odata.fetch_population` (same table, same server).

    Returns
    -------
    NabijheidTable
        Valid values only; empty when the table has none of the topics (some editions
        publish them later): that is not an error.

    Raises
    ------
    ImportDataError
        On any network/HTTP problem or an answer that is not an OData result.
    """
    code = normalize_gemeente_code(gemeente)
    year = check_year(year)
    table = resolve_table(year, table_id)
    base = base_url_of(base_url, "cbs_odata_url", config)
    source = Source(label=f"de nabijheidscijfers van {year} (CBS StatLine, tabel {table})",
                    manual=(f"tabel {table} handmatig van https://opendata.cbs.nl/statline/ of "
                            f"de Wijk- en Buurtkaart {year}"),
                    client_hint=f"Controleer het tabel-id ({table}) en het jaar.")
    get = _getter(source, timeout, cache, [])
    props_url = _odata_url(base, table, "DataProperties", {"$format": "json"})
    properties = _table_properties(get, props_url, table, source)
    columns: dict[str, str] = {}
    for canonical, (_, stem, title) in NABIJHEID_FIELDS.items():
        for prop in properties:
            key = prop.get("Key") if isinstance(prop, dict) else None
            if prop.get("Type") != "Topic" or not isinstance(key, str):
                continue
            if re.sub(r"_\d+$", "", key).lower() == stem.lower() or \
                    " ".join(str(prop.get("Title", "")).lower().split()) == title:
                columns[canonical] = key
                break
    result = NabijheidTable()
    result.table, result.columns = table, columns
    if not columns:
        return result
    digits = code[2:]
    url = _odata_url(base, table, "TypedDataSet", {
        "$filter": f"substringof('{digits}',WijkenEnBuurten)",
        "$select": ",".join(["WijkenEnBuurten", *columns.values()]),
        "$format": "json",
    })
    seen: list[str] = []
    for _ in range(max_pages):
        seen.append(url)
        data = get(url)
        for row in data["value"]:
            region = str(row.get("WijkenEnBuurten") or "").strip().upper()
            if not region.startswith("BU") or region[2:6] != digits:
                continue
            values = {name: _valid(row.get(key)) for name, key in columns.items()}
            result[region] = {name: v for name, v in values.items() if v is not None}
        href = data.get("odata.nextLink")
        if not isinstance(href, str) or not href:
            break
        url = next_page(url, href, seen, source)
    else:
        raise source.invalid(f"meer dan {max_pages} pagina's", url)
    return result


def enrich_buurten(path: Path, *, wijk_names: dict[str, str],
                   nabijheid: dict[str, dict[str, float]] | None = None) -> dict[str, Any]:
    """Add ``wijknaam`` and missing nabijheid distances to a fetched buurten GeoJSON.

    Existing valid values are never replaced; a valid value under another spelling is
    copied to the canonical name. The file is rewritten atomically.

    Parameters
    ----------
    path
        ``buurten_{GM}_{year}.geojson`` of :func:`geo.io.fetch.pdok.fetch_buurten`.
    wijk_names
        ``{wijkcode: wijknaam}`` (from the wijken collection).
    nabijheid
        ``{buurtcode: {canonical field: km}}`` from :func:`fetch_nabijheid`, or ``None``.

    Returns
    -------
    dict
        ``wijknaam_added``, ``wijk_without_name`` (codes) and per canonical field
        ``{"pdok": n, "cbs": n, "missing": n}`` under ``nabijheid``.

    Raises
    ------
    ImportDataError
        When the file cannot be read or written.
    """
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImportDataError(f"kan '{path}' niet lezen om wijknamen toe te voegen: {exc}."
                              ) from exc
    stats: dict[str, Any] = {"wijknaam_added": 0, "wijk_without_name": [],
                             "nabijheid": {f: {"pdok": 0, "cbs": 0, "missing": 0}
                                           for f in NABIJHEID_FIELDS}}
    for feature in doc.get("features", []):
        props = feature["properties"]
        wijk = str(props.get("wijkcode") or props.get("WK_CODE") or "").strip()
        if not str(props.get("wijknaam") or "").strip():
            if wijk in wijk_names:
                props["wijknaam"] = wijk_names[wijk]
                stats["wijknaam_added"] += 1
            elif wijk and wijk not in stats["wijk_without_name"]:
                stats["wijk_without_name"].append(wijk)
        buurt = str(props.get("buurtcode") or props.get("BU_CODE") or "").strip()
        extra = (nabijheid or {}).get(buurt, {})
        for canonical, (aliases, _, _) in NABIJHEID_FIELDS.items():
            counts = stats["nabijheid"][canonical]
            have = next((v for v in (_valid(props.get(n)) for n in (canonical, *aliases))
                         if v is not None), None)
            if have is not None:
                props[canonical] = have
                counts["pdok"] += 1
            elif canonical in extra:
                props[canonical] = extra[canonical]
                counts["cbs"] += 1
            else:
                counts["missing"] += 1
    write_atomic(path, lambda fh: json.dump(doc, fh, ensure_ascii=False,
                                             separators=(",", ":")))
    return stats
