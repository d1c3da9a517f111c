"""Population per gemeente, wijk and buurt from CBS StatLine (OData v3), written as CSV.

``bevolking_{GM}_{year}.csv`` is UTF-8, ``;``-separated, one row per region of the
municipality (the gemeente, its wijken and buurten) from the StatLine table "Kerncijfers
wijken en buurten" of that year; see :data:`POPULATION_COLUMNS`.

The CBS OData v3 pitfalls handled (see the CBS documentation of the OData API):

- region keys are right-padded to 10 characters (``"GM1731    "``): stripped;
- column keys carry a table-specific numeric suffix (``AantalInwoners_5``): mapped to
  stable names via the table's ``DataProperties`` (by key without suffix, else by title);
- ``substringof('GM1731',WijkenEnBuurten)`` would only match the gemeente itself (wijk
  and buurt keys are ``WK1731…``/``BU1731…``), so the query filters on the four digits
  and the rows are then filtered exactly on positions 3–6 of the key;
- a result may be paged with ``odata.nextLink``: followed.
"""

from __future__ import annotations

import csv
import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from geo.config import Config
from geo.errors import ImportDataError
from geo.io.fetch._common import (
    LICENCE_CBS,
    MAX_PAGES,
    WBK_PAGE_URL,
    FetchResult,
    Source,
    base_url_of,
    check_year,
    next_page,
    now,
    update_metadata,
    write_atomic,
)
from geo.io.fetch.cache import UrlCache
from geo.io.fetch.http import decode_json
from geo.io.fetch.ogc import cached_request
from geo.io.progress import Progress, report
from geo.model.crs import normalize_gemeente_code

__all__ = ["KWB_TABLES", "POPULATION_COLUMNS", "fetch_population", "resolve_table"]

#: StatLine table ids of "Kerncijfers wijken en buurten" per year (OData v3). 2025
#: (86165NED) is only published in the new OData v4 format and is not supported here.
KWB_TABLES: dict[int, str] = {
    2014: "82931NED",
    2016: "83487NED",
    2017: "83765NED",
    2018: "84286NED",
    2019: "84583NED",
    2020: "84799NED",
    2021: "85039NED",
    2022: "85318NED",
    2023: "85618NED",
    2024: "85984NED",
}

#: Columns of ``bevolking_{GM}_{year}.csv``, in order. ``WijkenEnBuurten`` is the stripped
#: region code (``GM…``, ``WK…``, ``BU…``); the others are the StatLine keys without their
#: numeric suffix. Counts are absolute (rounded to multiples of 5 by CBS at buurt level);
#: a column the table lacks is left empty (and listed in the metadata).
POPULATION_COLUMNS: tuple[str, ...] = (
    "WijkenEnBuurten",
    "Gemeentenaam",
    "SoortRegio",
    "AantalInwoners",
    "k_0Tot15Jaar",
    "k_15Tot25Jaar",
    "k_25Tot45Jaar",
    "k_45Tot65Jaar",
    "k_65JaarOfOuder",
)

# Stable column -> accepted (normalised) StatLine titles, used when no key matches.
_POPULATION_TITLES: dict[str, tuple[str, ...]] = {
    "Gemeentenaam": ("gemeentenaam",),
    "SoortRegio": ("soort regio",),
    "AantalInwoners": ("aantal inwoners",),
    "k_0Tot15Jaar": ("0 tot 15 jaar",),
    "k_15Tot25Jaar": ("15 tot 25 jaar",),
    "k_25Tot45Jaar": ("25 tot 45 jaar",),
    "k_45Tot65Jaar": ("45 tot 65 jaar",),
    "k_65JaarOfOuder": ("65 jaar of ouder", "65 jaar en ouder"),
}
_REGION_KEY = "WijkenEnBuurten"
_REGION_KINDS = {"GM": "Gemeente", "WK": "Wijk", "BU": "Buurt"}
_STATLINE_URL = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table}/table"


def _norm_title(text: Any) -> str:
    return " ".join(str(text or "").lower().split())


def _map_population_keys(properties: list[Any]) -> dict[str, str]:
    """Map stable column names to the table's suffixed keys via ``DataProperties``.

    A topic matches by its key without the numeric suffix (``k_65JaarOfOuder_12`` →
    ``k_65JaarOfOuder``, case-insensitive), else by its title (``"65 jaar of ouder"``).

    Examples
    --------
    >>> _map_population_keys([
    ...     {"Type": "Topic", "Key": "AantalInwoners_5", "Title": "Aantal inwoners"},
    ...     {"Type": "Topic", "Key": "Ouderen_12", "Title": "65 jaar of ouder"}])
    {'AantalInwoners': 'AantalInwoners_5', 'k_65JaarOfOuder': 'Ouderen_12'}
    """
    topics = [p for p in properties
              if isinstance(p, dict) and p.get("Type") == "Topic" and isinstance(p.get("Key"), str)]
    mapping: dict[str, str] = {}
    for stable, titles in _POPULATION_TITLES.items():
        by_key = [p["Key"] for p in topics
                  if re.sub(r"_\d+$", "", p["Key"]).lower() == stable.lower()]
        by_title = [p["Key"] for p in topics if _norm_title(p.get("Title")) in titles]
        if by_key or by_title:
            mapping[stable] = (by_key or by_title)[0]
    return mapping


def _odata_url(base: str, table: str, entity: str, params: dict[str, str]) -> str:
    query = "&".join(f"{key}={urllib.parse.quote(value, safe=',')}"
                     for key, value in params.items())
    return f"{base}/{table}/{entity}?{query}"


def _odata_values(data: Any, url: str, source: Source) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("value"), list) \
            or not all(isinstance(row, dict) for row in data["value"]):
        raise source.invalid("het antwoord is geen OData-resultaat (geen lijst 'value')", url)
    return data["value"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _getter(source: Source, timeout: float, cache: UrlCache | None,
            urls: list[str]) -> Callable[[str], dict[str, Any]]:
    """``get(url)``: an OData answer with a list ``value``, through the cache."""
    def parse(body: bytes, content_type: str, url: str) -> dict[str, Any]:
        data = decode_json(body, content_type, url)
        _odata_values(data, url, source)
        return data

    def get(url: str) -> dict[str, Any]:
        urls.append(url)
        return cached_request(url, source=source, timeout=timeout, accept="application/json",
                              cache=cache, parse=parse)
    return get


def _table_properties(get: Callable[[str], dict[str, Any]], url: str, table: str,
                      source: Source) -> list[Any]:
    properties = get(url)["value"]
    if not any(isinstance(p, dict) and p.get("Key") == _REGION_KEY for p in properties):
        raise source.invalid(f"de tabel heeft geen dimensie '{_REGION_KEY}'; is {table} wel "
                             "een tabel 'Kerncijfers wijken en buurten'?", url)
    return properties


def resolve_table(year: int, table_id: str | None) -> str:
    """The StatLine table id to use: ``table_id`` if given (checked), else the year's.

    Raises
    ------
    ImportDataError
        For a malformed ``table_id``, or a year without a known table.
    """
    if table_id is not None:
        table = table_id.strip()
        if not re.fullmatch(r"[0-9A-Za-z]{5,12}", table):
            raise ImportDataError(f"tabel-id '{table_id}' is ongeldig: gebruik een StatLine-id "
                                  "zoals 85984NED.")
        return table
    if year not in KWB_TABLES:
        known = ", ".join(f"{y} ({t})" for y, t in sorted(KWB_TABLES.items()))
        raise ImportDataError(
            f"voor {year} is geen StatLine-tabel 'Kerncijfers wijken en buurten' bekend. "
            f"Bekende jaren: {known}. Geef anders zelf het tabel-id op (--table-id)."
        )
    return KWB_TABLES[year]


def fetch_population(
    gemeente: str,
    year: int,
    out_dir: Path | str,
    *,
    base_url: str | None = None,
    table_id: str | None = None,
    timeout: float = 30,
    progress: Progress | None = None,
    max_pages: int = MAX_PAGES,
    config: Config | None = None,
    cache: UrlCache | None = None,
) -> FetchResult:
    """Download population counts per gemeente, wijk and buurt from CBS StatLine (OData v3).

    Reads ``{base}/{table}/DataProperties`` to find the table's keys, then
    ``{base}/{table}/TypedDataSet?$filter=substringof('1731',WijkenEnBuurten)&$select=…``
    (following ``odata.nextLink``), keeps the rows whose code belongs to the municipality
    and writes ``bevolking_{GM}_{year}.csv`` with the columns :data:`POPULATION_COLUMNS`.

    Parameters
    ----------
    gemeente
        Municipality code, ``"GM1731"`` or ``"1731"``.
    year
        Year of the table "Kerncijfers wijken en buurten" (see :data:`KWB_TABLES`).
    out_dir
        Directory for ``bevolking_{GM}_{year}.csv`` and ``fetch_{GM}_{year}.json``.
    base_url
        Root of the OData v3 API; default :attr:`geo.config.Config.cbs_odata_url`
        (``$WOONZORGATLAS_CBS_ODATA_URL``, else ``https://opendata.cbs.nl/ODataApi/OData``).
    table_id
        StatLine table id to use instead of the one known for ``year``.
    timeout
        Seconds to wait for a connection or for data, per request.
    progress
        Called with ``(fraction 0–1, Dutch message)`` after every request.
    max_pages
        Give up (with an error) when more result pages would follow.
    config
        Settings (CBS OData URL); default :func:`geo.config.get_config`.
    cache
        Answers kept between runs; requests found there are not sent again.

    Returns
    -------
    FetchResult
        The files written, the number of rows (regions) and the URLs requested.

    Raises
    ------
    ImportDataError
        On an unknown year without ``table_id``, any network or HTTP problem, a table
        without regions or inhabitants, or no rows for the municipality. No output file
        is written or changed then.
    """
    code = normalize_gemeente_code(gemeente)
    year = check_year(year)
    table = resolve_table(year, table_id)
    base = base_url_of(base_url, "cbs_odata_url", config)
    out = Path(out_dir)
    wbk = WBK_PAGE_URL.format(year=year)
    source = Source(
        label=f"de bevolkingscijfers van {year} (CBS StatLine, tabel {table})",
        manual=(f"tabel {table} handmatig van {_STATLINE_URL.format(table=table)} of de Wijk- "
                f"en Buurtkaart {year} (met bevolking per buurt) van {wbk}"),
        client_hint=f"Controleer het tabel-id ({table}) en het jaar.",
    )
    urls: list[str] = []
    get = _getter(source, timeout, cache, urls)
    props_url = _odata_url(base, table, "DataProperties", {"$format": "json"})
    properties = _table_properties(get, props_url, table, source)
    mapping = _map_population_keys(properties)
    if "AantalInwoners" not in mapping:
        raise source.invalid("de tabel heeft geen onderwerp 'Aantal inwoners'; is dit wel een "
                             "tabel 'Kerncijfers wijken en buurten'?", props_url)
    report(progress, 0.1, f"bevolking: kolommen van tabel {table} gelezen")

    digits = code[2:]
    select = [_REGION_KEY, *mapping.values()]
    url = _odata_url(base, table, "TypedDataSet", {
        "$filter": f"substringof('{digits}',{_REGION_KEY})",
        "$select": ",".join(select),
        "$format": "json",
    })
    rows: list[dict[str, Any]] = []
    for page in range(1, max_pages + 1):
        data = get(url)
        rows.extend(data["value"])
        report(progress, 0.1 + 0.8 * page / (page + 1),
                f"bevolking: pagina {page} opgehaald ({len(rows)} rijen)")
        href = data.get("odata.nextLink")
        if not isinstance(href, str) or not href:
            break
        url = next_page(url, href, urls, source)
    else:
        raise source.invalid(f"meer dan {max_pages} pagina's; de paginering van de server "
                             "lijkt niet te kloppen", url)

    order = {"GM": 0, "WK": 1, "BU": 2}
    records: list[list[str]] = []
    for row in rows:
        region = _cell(row.get(_REGION_KEY)).upper()
        if region[:2] not in order or region[2:6] != digits:
            continue  # the filter also matches e.g. BU00173101 for "1731"
        record = {stable: _cell(row.get(key)) for stable, key in mapping.items()}
        record[_REGION_KEY] = region
        if not record.get("SoortRegio"):
            record["SoortRegio"] = _REGION_KINDS[region[:2]]
        records.append([record.get(column, "") for column in POPULATION_COLUMNS])
    if not records:
        raise ImportDataError(
            f"gemeente {code} niet gevonden in CBS-tabel {table} ({year}): geen gemeente, "
            "wijken of buurten met deze code. Controleer de gemeentecode (bijv. GM1731 voor "
            "Midden-Drenthe) en of de gemeente in dat jaar bestond."
        )
    records.sort(key=lambda r: (order[r[0][:2]], r[0]))

    path = out / f"bevolking_{code}_{year}.csv"

    def write_csv(fh: IO[str]) -> None:
        writer = csv.writer(fh, delimiter=";", lineterminator="\n")
        writer.writerow(POPULATION_COLUMNS)
        writer.writerows(records)

    report(progress, 0.95, f"bevolking: {path.name} schrijven")
    write_atomic(path, write_csv)
    missing = [c for c in POPULATION_COLUMNS[1:] if c not in mapping and c != "SoortRegio"]
    meta = update_metadata(out, code, year, "bevolking", {
        "file": path.name,
        "source": f"CBS StatLine, Kerncijfers wijken en buurten {year} (tabel {table}, "
                  "OData v3)",
        "table_id": table,
        "urls": urls,
        "fetched_at": now(),
        "row_count": len(records),
        "buurt_count": sum(r[0].startswith("BU") for r in records),
        "columns": {stable: mapping.get(stable) for stable in POPULATION_COLUMNS[1:]},
        "missing_columns": missing,
        "licence": LICENCE_CBS,
    })
    report(progress, 1.0, f"bevolking: {len(records)} regio's opgeslagen")
    return FetchResult(path=path, metadata_path=meta, gemeente_code=code, year=year,
                       count=len(records), urls=tuple(urls))


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------
