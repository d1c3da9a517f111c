"""BAG dwellings of one municipality from PDOK's BAG OGC API Features, as a GeoPackage.

``bag_{GM}.gpkg`` has the two layers of PDOK's *bag-light* GeoPackage that
:func:`geo.io.importers.bag.read_bag_homes` reads, in EPSG:28992:

- ``verblijfsobject`` (points): ``identificatie``, ``postcode``, ``huisnummer``,
  ``huisletter``, ``toevoeging``, ``woonplaats_naam``, ``openbare_ruimte_naam``,
  ``gebruiksdoel`` (comma-separated when PDOK gives a list), ``oppervlakte``, ``status``,
  ``pand_identificatie`` and ``bouwjaar`` (of its pand);
- ``pand`` (polygons): ``identificatie``, ``bouwjaar``, ``status``.

How it is fetched: the municipality's outline (the CBS buurten, in RD) is covered by
square tiles of ``tile_m`` metres; only tiles that touch the outline are asked for. Per
tile the collections ``verblijfsobject`` and ``pand`` are requested with
``bbox=…&bbox-crs=EPSG:28992&crs=EPSG:28992&limit=1000`` and their ``rel="next"`` pages
followed, so no single answer is large. Objects on tile edges come twice and are kept
once (by ``identificatie``); verblijfsobjecten outside the outline are left out. PDOK's v2
API links a verblijfsobject to its pand by ``pand.href`` (URL of the pand item): it is
resolved to the pand's ``identificatie`` via the pand features of the same tiles.

Every tile page goes through the :class:`~geo.io.fetch.cache.UrlCache` when one is given,
so an interrupted download resumes where it stopped. The GeoPackage is written only after
all tiles arrived, under a temporary name, then moved into place.
"""

from __future__ import annotations

import math
import re
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import vocabulary
from geo.config import Config
from geo.errors import ImportDataError, WoonzorgError
from geo.io import _gdal
from geo.io._atomic import atomic_path
from geo.io.fetch._common import (
    MAX_PAGES,
    FetchResult,
    Source,
    base_url_of,
    check_year,
    now,
    update_metadata,
)
from geo.io.fetch.cache import UrlCache
from geo.io.fetch.ogc import page_features
from geo.io.progress import Progress, report
from geo.model.crs import normalize_gemeente_code

__all__ = ["BAG_DOWNLOAD_URL", "DEFAULT_TILE_M", "LICENCE_BAG", "bag_tiles", "fetch_bag"]

#: Side of one bbox tile in metres (a village centre of 2.5 km × 2.5 km holds a few
#: thousand verblijfsobjecten: a handful of pages of 1000).
DEFAULT_TILE_M: float = 2500.0
LICENCE_BAG = "CC0, bron: Kadaster (BAG) via PDOK"
#: Where to download the BAG GeoPackage by hand.
BAG_DOWNLOAD_URL = "https://service.pdok.nl/lv/bag/atom/bag.xml"
_RD_URI = "http://www.opengis.net/def/crs/EPSG/0/28992"
_VBO_COLUMNS = ("identificatie", "postcode", "huisnummer", "huisletter", "toevoeging",
                "woonplaats_naam", "openbare_ruimte_naam", "gebruiksdoel", "oppervlakte",
                "status", "pand_identificatie", "bouwjaar")
_PAND_COLUMNS = ("identificatie", "bouwjaar", "status")
# Alternative spellings seen in PDOK's BAG services (WFS, older API versions).
_ALIASES = {
    "woonplaats_naam": ("woonplaats_naam", "woonplaats", "woonplaatsnaam"),
    "openbare_ruimte_naam": ("openbare_ruimte_naam", "openbare_ruimte", "openbareruimte"),
    "pand_identificatie": ("pand_identificatie", "pandidentificatie"),
}
_ID = re.compile(r"(?<!\d)(\d{16})(?!\d)")


def bag_tiles(area_rd: shapely.Geometry, tile_m: float = DEFAULT_TILE_M
              ) -> list[tuple[int, int, int, int]]:
    """Square tiles (RD metres) over the bounding box of ``area_rd`` that overlap it.

    Parameters
    ----------
    area_rd
        The municipality's outline in EPSG:28992.
    tile_m
        Side of a tile in metres (> 0).

    Returns
    -------
    list of (minx, miny, maxx, maxy)
        Whole metres, row by row from the south-west; the last row/column may be smaller.

    Examples
    --------
    >>> bag_tiles(shapely.box(1000, 2000, 3500, 2600), 1000)
    [(1000, 2000, 2000, 2600), (2000, 2000, 3000, 2600), (3000, 2000, 3500, 2600)]
    """
    if not tile_m > 0:
        raise ImportDataError(f"tegelgrootte {tile_m} m is ongeldig: geef een getal > 0.")
    minx, miny, maxx, maxy = area_rd.bounds
    x0, y0 = math.floor(minx), math.floor(miny)
    x1, y1 = math.ceil(maxx), math.ceil(maxy)
    step = max(1, int(round(tile_m)))
    shapely.prepare(area_rd)
    tiles = []
    for y in range(y0, y1, step):
        for x in range(x0, x1, step):
            tile = (x, y, min(x + step, x1), min(y + step, y1))
            box = shapely.box(*tile)
            if area_rd.intersects(box) and not area_rd.touches(box):  # overlap, not an edge
                tiles.append(tile)
    return tiles


def _items_url(base: str, collection: str, tile: tuple[int, int, int, int]) -> str:
    query = urllib.parse.urlencode({"bbox": ",".join(str(v) for v in tile),
                                    "bbox-crs": _RD_URI, "crs": _RD_URI,
                                    "limit": 1000, "f": "json"})
    return f"{base}/collections/{collection}/items?{query}"


def _first(props: dict[str, Any], name: str) -> Any:
    for key in _ALIASES.get(name, (name,)):
        if props.get(key) not in (None, ""):
            return props[key]
    return None


def _check_rd(feature: dict[str, Any], url: str, source: Source) -> None:
    """Refuse coordinates that are not RD New (a server that ignored ``crs=…28992``)."""
    try:
        geom = shapely.geometry.shape(feature["geometry"])
    except Exception as exc:  # shapely raises several types for bad GeoJSON
        raise source.invalid(f"object {feature.get('id')} heeft geen geldige geometrie", url
                             ) from exc
    if geom.is_empty:
        return
    x, y = geom.representative_point().coords[0][:2]
    if not (-8000 <= x <= 300000 and 289000 <= y <= 629000):
        raise source.invalid(f"object {feature.get('id')} ligt niet in Nederland in RD-"
                             f"coördinaten ({x:g}, {y:g}); negeert de server 'crs=EPSG:28992'?",
                             url)


def _checker(collection: str, source: Source) -> Callable[[dict[str, Any], str], None]:
    def check(feature: dict[str, Any], url: str) -> None:
        if _ID.search(str(feature["properties"].get("identificatie", ""))) is None:
            raise source.invalid(f"de objecten hebben geen BAG-'identificatie' van 16 cijfers; "
                                 f"is dit wel de collectie '{collection}' van de BAG?", url)
        if not isinstance(feature.get("geometry"), dict):
            raise source.invalid(f"{collection} {feature['properties']['identificatie']} "
                                 "heeft geen geometrie", url)
        _check_rd(feature, url, source)
    return check


def _pand_refs(props: dict[str, Any]) -> list[str]:
    """The pand references of a verblijfsobject: ids, or hrefs of pand items."""
    direct = _first(props, "pand_identificatie")
    raw = direct if direct is not None else props.get("pand.href", props.get("pand"))
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    refs = []
    for item in items:
        ref = item.get("href") if isinstance(item, dict) else item
        if isinstance(ref, str | int) and str(ref).strip():
            refs.append(str(ref).strip())
    return refs


def _resolve_pand(refs: list[str], by_feature_id: dict[str, str]) -> str | None:
    for ref in refs:
        last = urllib.parse.urlsplit(ref).path.rstrip("/").rsplit("/", 1)[-1] or ref
        if last in by_feature_id:
            return by_feature_id[last]
        found = _ID.search(last) or _ID.search(ref)
        if found:
            return found.group(1)
    return None


def _frames(vbos: list[dict[str, Any]], panden: list[dict[str, Any]],
            area_rd: shapely.Geometry) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, int]:
    """The two layers (deduplicated, clipped to the outline) and the number of duplicates."""
    pand_rows: dict[str, dict[str, Any]] = {}
    by_feature_id: dict[str, str] = {}
    duplicates = 0
    for feature in panden:
        props = feature["properties"]
        ident = _ID.search(str(props["identificatie"])).group(1)  # type: ignore[union-attr]
        if feature.get("id") is not None:
            by_feature_id[str(feature["id"])] = ident
        if ident in pand_rows:
            duplicates += 1
            continue
        pand_rows[ident] = {"identificatie": ident, "bouwjaar": props.get("bouwjaar"),
                            "status": props.get("status"),
                            "geometry": shapely.geometry.shape(feature["geometry"])}
    shapely.prepare(area_rd)
    vbo_rows: dict[str, dict[str, Any]] = {}
    for feature in vbos:
        props = feature["properties"]
        ident = _ID.search(str(props["identificatie"])).group(1)  # type: ignore[union-attr]
        if ident in vbo_rows:
            duplicates += 1
            continue
        point = shapely.force_2d(shapely.geometry.shape(feature["geometry"]))
        if not point.is_empty and point.geom_type != "Point":
            point = point.representative_point()
        if point.is_empty or not area_rd.intersects(point):
            continue
        doel = props.get("gebruiksdoel")
        pand = _resolve_pand(_pand_refs(props), by_feature_id)
        row = {name: _first(props, name) for name in _VBO_COLUMNS}
        row.update(identificatie=ident, pand_identificatie=pand, geometry=point,
                   gebruiksdoel=",".join(map(str, doel)) if isinstance(doel, list) else doel)
        if row["bouwjaar"] is None and pand in pand_rows:
            row["bouwjaar"] = pand_rows[pand]["bouwjaar"]
        vbo_rows[ident] = row
    used = {row["pand_identificatie"] for row in vbo_rows.values()}
    pand_list = [row for ident, row in pand_rows.items()
                 if ident in used or area_rd.intersects(row["geometry"])]
    vbo_frame = gpd.GeoDataFrame(
        pd.DataFrame(list(vbo_rows.values()), columns=[*_VBO_COLUMNS, "geometry"]),
        geometry="geometry", crs=vocabulary.METRIC_CRS)
    pand_frame = gpd.GeoDataFrame(
        pd.DataFrame(pand_list, columns=[*_PAND_COLUMNS, "geometry"]),
        geometry="geometry", crs=vocabulary.METRIC_CRS)
    for frame, cols in ((vbo_frame, _VBO_COLUMNS), (pand_frame, _PAND_COLUMNS)):
        for col in cols:
            if col in ("huisnummer", "oppervlakte", "bouwjaar"):
                frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
            else:
                frame[col] = frame[col].astype("string").fillna("").astype(object)
    return vbo_frame, pand_frame, duplicates


def _write_gpkg(path: Path, vbo: gpd.GeoDataFrame, pand: gpd.GeoDataFrame) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            _gdal.write_dataframe(vbo, tmp, layer="verblijfsobject", driver="GPKG")
            _gdal.write_dataframe(pand, tmp, layer="pand", driver="GPKG")
    except (OSError, WoonzorgError) as exc:
        raise ImportDataError(f"kan niet schrijven naar '{path}': {exc}. Kies met --out een "
                              "map waarin u mag schrijven; is de schijf vol?") from exc


def fetch_bag(
    gemeente: str,
    year: int,
    out_dir: Path | str,
    area_rd: shapely.Geometry,
    *,
    base_url: str | None = None,
    tile_m: float = DEFAULT_TILE_M,
    timeout: float = 60,
    progress: Progress | None = None,
    max_pages: int = MAX_PAGES,
    config: Config | None = None,
    cache: UrlCache | None = None,
) -> FetchResult:
    """Download the verblijfsobjecten and panden of a municipality from PDOK's BAG API.

    See the module docstring for the tiles, the layers written and the linking of
    verblijfsobject to pand.

    Parameters
    ----------
    gemeente
        Municipality code, ``"GM1731"`` or ``"1731"`` (names the file).
    year
        Edition year of the other downloads (names the metadata file
        ``fetch_{GM}_{year}.json``; the BAG itself is always the current state).
    out_dir
        Directory for ``bag_{GM}.gpkg``.
    area_rd
        The municipality's outline in EPSG:28992 (e.g. the union of its buurten).
    base_url
        Root of the BAG OGC API; default :attr:`geo.config.Config.bag_url`
        (``$WOONZORGATLAS_BAG_URL``, else ``https://api.pdok.nl/kadaster/bag/ogc/v2``).
    tile_m
        Side of a tile in metres.
    timeout
        Seconds per request.
    progress
        Called with ``(fraction 0–1, Dutch message)`` after every page.
    max_pages
        Most pages per tile and collection.
    config
        Settings; default :func:`geo.config.get_config`.
    cache
        Answers kept between runs; tiles found there are not requested again.

    Returns
    -------
    FetchResult
        ``count`` is the number of verblijfsobjecten written (all uses; the importer
        selects the dwellings).

    Raises
    ------
    ImportDataError
        On any network/HTTP problem, an answer that is not a FeatureCollection of BAG
        objects in RD, or no verblijfsobject in the municipality. Nothing is written then;
        the tiles already received stay in the cache.
    """
    code = normalize_gemeente_code(gemeente)
    year = check_year(year)
    base = base_url_of(base_url, "bag_url", config)
    out = Path(out_dir)
    source = Source(
        label="de BAG-verblijfsobjecten en -panden (PDOK BAG OGC API)",
        manual=(f"een BAG-GeoPackage (bag-light) handmatig van {BAG_DOWNLOAD_URL}, knip die "
                "bij tot de gemeente"),
        client_hint="Controleer het adres van de BAG-API (--bag-url).",
        build_hint="`python -m geo build … --bag FILE`",
    )
    tiles = bag_tiles(area_rd, tile_m)
    steps = [(collection, tile) for tile in tiles for collection in ("verblijfsobject", "pand")]
    features: dict[str, list[dict[str, Any]]] = {"verblijfsobject": [], "pand": []}
    urls: list[str] = []
    downloaded = 0
    for number, (collection, tile) in enumerate(steps, start=1):
        def on_page(page: int, count: int, collection: str = collection,
                    number: int = number) -> None:
            report(progress, 0.9 * (number - 1) / len(steps),
                   f"BAG: tegel {(number + 1) // 2} van {len(tiles)}, {collection} pagina "
                   f"{page} ({count} objecten)")

        paged = page_features(_items_url(base, collection, tile), source=source,
                              timeout=timeout, cache=cache,
                              check=_checker(collection, source), max_pages=max_pages,
                              on_page=on_page)
        features[collection].extend(paged.features)
        urls.extend(paged.urls)
        downloaded += len(paged.downloaded)

    report(progress, 0.92, "BAG: verblijfsobjecten aan panden koppelen")
    vbo, pand, duplicates = _frames(features["verblijfsobject"], features["pand"], area_rd)
    if not len(vbo):
        raise ImportDataError(
            f"de BAG-API gaf geen verblijfsobjecten binnen gemeente {code} ({len(tiles)} "
            f"tegels gevraagd bij {base}). Controleer het adres van de BAG-API, of gebruik "
            f"een BAG-GeoPackage van {BAG_DOWNLOAD_URL}."
        )
    path = out / f"bag_{code}.gpkg"
    report(progress, 0.95, f"BAG: {path.name} schrijven")
    _write_gpkg(path, vbo, pand)
    meta = update_metadata(out, code, year, "bag", {
        "file": path.name,
        "source": "BAG via PDOK BAG OGC API Features (collecties verblijfsobject en pand), "
                  f"{base}",
        "tiles": len(tiles),
        "tile_m": tile_m,
        "requests": len(urls),
        "downloaded": downloaded,
        "fetched_at": now(),
        "verblijfsobject_count": len(vbo),
        "pand_count": len(pand),
        "duplicates_on_tile_edges": duplicates,
        "crs": "EPSG:28992",
        "licence": LICENCE_BAG,
    })
    report(progress, 1.0, f"BAG: {len(vbo)} verblijfsobjecten, {len(pand)} panden opgeslagen")
    return FetchResult(path=path, metadata_path=meta, gemeente_code=code, year=year,
                       count=len(vbo), urls=tuple(urls))
