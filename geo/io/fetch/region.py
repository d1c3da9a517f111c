"""Everything a region needs, in one call: :func:`fetch_region`.

Order and files (all in ``out_dir``, provenance in ``fetch_{GM}_{year}.json``):

1. ``wijken_{GM}_{year}.geojson`` — PDOK ``wijken`` (names of the wijken);
2. ``buurten_{GM}_{year}.geojson`` — PDOK ``buurten``, completed with ``wijknaam`` and,
   where missing, the CBS nabijheid distances (:mod:`geo.io.fetch.enrich`);
3. ``bevolking_{GM}_{year}.csv`` — CBS StatLine population per gemeente/wijk/buurt;
4. ``bag_{GM}.gpkg`` — BAG verblijfsobjecten and panden (:mod:`geo.io.fetch.bag`);
5. ``osm_{GM}.osm`` — OpenStreetMap facilities (:mod:`geo.io.fetch.overpass`).

Steps 3–5 can be skipped. Each step writes its file only when it completed; with a
:class:`~geo.io.fetch.cache.UrlCache` every page is kept as it arrives, so running again
after an interruption (network gone, laptop closed) requests only what is still missing.
:meth:`RegionFetch.build_inputs` gives the arguments of :func:`geo.io.build.build_region`.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely

from geo import vocabulary
from geo.config import Config
from geo.errors import ImportDataError
from geo.io.fetch._common import FetchResult, check_year, update_metadata
from geo.io.fetch.bag import DEFAULT_TILE_M, fetch_bag
from geo.io.fetch.cache import UrlCache
from geo.io.fetch.cbs_odata import fetch_population, resolve_table
from geo.io.fetch.enrich import NABIJHEID_FIELDS, enrich_buurten, fetch_nabijheid
from geo.io.fetch.overpass import DEFAULT_BUFFER_M, fetch_osm
from geo.io.fetch.pdok import fetch_buurten, fetch_wijken
from geo.io.progress import Progress, report, scaled
from geo.model.crs import normalize_gemeente_code

__all__ = ["OPTIONAL_PARTS", "FetchUrls", "RegionFetch", "area_outline_rd", "fetch_region"]

#: Parts that can be skipped (buurten and wijken are always fetched).
OPTIONAL_PARTS: tuple[str, ...] = ("bevolking", "bag", "osm")
# Share of the whole job per step, for the progress bar.
_SHARES = {"wijken": 0.05, "buurten": 0.1, "bevolking": 0.1, "bag": 0.6, "osm": 0.15}


@dataclass(frozen=True)
class FetchUrls:
    """Base URLs; ``None`` = the one of :class:`geo.config.Config`."""

    pdok: str | None = None
    cbs: str | None = None
    bag: str | None = None
    overpass: str | None = None


@dataclass
class RegionFetch:
    """What :func:`fetch_region` wrote.

    Attributes
    ----------
    gemeente_code, year
        Normalised code and edition year.
    results
        Per part (``wijken``, ``buurten``, ``bevolking``, ``bag``, ``osm``) its
        :class:`~geo.io.fetch.FetchResult`; skipped parts are absent.
    notes
        Dutch remarks for the user (names added, nabijheid source, OSM counts, cache use).
    metadata_path
        ``fetch_{GM}_{year}.json``.
    gemeenten
        For a region of several municipalities (:func:`geo.io.fetch.multi.fetch_regions`):
        their codes; ``gemeente_code`` is then the region key (codes joined by ``-``).
    name
        Region name for the build, if one was given.
    extra_facilities
        Further OpenStreetMap files (one per municipality after the first).
    """

    gemeente_code: str
    year: int
    results: dict[str, FetchResult] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    metadata_path: Path | None = None
    gemeenten: tuple[str, ...] = ()
    name: str | None = None
    extra_facilities: tuple[Path, ...] = ()

    def build_inputs(self) -> dict[str, Any]:
        """Keyword arguments for :func:`geo.io.build.build_region` (paths of the files)."""
        inputs: dict[str, Any] = {"cbs": self.results["buurten"].path,
                                  "gemeente": list(self.gemeenten) or self.gemeente_code}
        if self.name:
            inputs["name"] = self.name
        if "bevolking" in self.results:
            inputs["population"] = self.results["bevolking"].path
        if "bag" in self.results:
            inputs["bag"] = self.results["bag"].path
        if "osm" in self.results:
            inputs["facilities"] = [self.results["osm"].path, *self.extra_facilities]
        return inputs


def area_outline_rd(buurten_path: Path) -> shapely.Geometry:
    """The union of the buurten of a fetched (CRS84) GeoJSON, in EPSG:28992.

    Raises
    ------
    ImportDataError
        When the file holds no polygon.
    """
    doc = json.loads(buurten_path.read_text(encoding="utf-8"))
    shapes = []
    for feature in doc.get("features", []):
        try:
            shapes.append(shapely.geometry.shape(feature["geometry"]))
        except Exception:  # noqa: BLE001, S112 - a buurt without geometry adds no area
            continue
    area = shapely.union_all([shapely.make_valid(s) for s in shapes if not s.is_empty])
    if area.is_empty:
        raise ImportDataError(f"'{buurten_path.name}' bevat geen buurtvlakken; zonder "
                              "gebied kunnen BAG en OpenStreetMap niet worden opgehaald.")
    to_rd = pyproj.Transformer.from_crs(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS,
                                        always_xy=True)
    return shapely.transform(area, lambda xy: np.column_stack(to_rd.transform(xy[:, 0],
                                                                       xy[:, 1])))


def _nabijheid_note(stats: dict[str, Any]) -> str:
    parts = []
    for canonical, counts in stats["nabijheid"].items():
        label = NABIJHEID_FIELDS[canonical][2].removeprefix("afstand tot ")
        parts.append(f"{label}: {counts['pdok']} van PDOK, {counts['cbs']} van CBS StatLine, "
                     f"{counts['missing']} onbekend")
    return "Nabijheid (afstand per buurt) — " + "; ".join(parts) + "."


def fetch_region(
    gemeente: str,
    year: int,
    out_dir: Path | str,
    *,
    skip: Collection[str] = (),
    urls: FetchUrls | None = None,
    table_id: str | None = None,
    tile_m: float = DEFAULT_TILE_M,
    buffer_m: float = DEFAULT_BUFFER_M,
    timeout: float = 60,
    cache: UrlCache | None = None,
    progress: Progress | None = None,
    config: Config | None = None,
) -> RegionFetch:
    """Download everything a region needs (see the module docstring).

    Parameters
    ----------
    gemeente
        Municipality code, ``"GM1731"`` or ``"1731"``.
    year
        Edition of the CBS Wijk- en Buurtkaart and the StatLine table.
    out_dir
        Target directory (created if needed).
    skip
        Parts of :data:`OPTIONAL_PARTS` not to fetch.
    urls
        Base URLs (default: the configuration's).
    table_id
        StatLine table instead of the year's "Kerncijfers wijken en buurten".
    tile_m
        Side of a BAG tile in metres.
    buffer_m
        Facilities this far outside the municipality are fetched too.
    timeout
        Seconds per request (the Overpass request gets at least 180 s).
    cache
        Answers kept between runs (resume); ``None`` downloads everything.
    progress
        Called with ``(fraction 0–1, Dutch message)``.
    config
        Settings; default :func:`geo.config.get_config`.

    Returns
    -------
    RegionFetch

    Raises
    ------
    ImportDataError
        When a step fails (Dutch message naming the source, the URL and what to do). Files
        of steps that completed are kept; the failing step writes nothing.
    """
    code = normalize_gemeente_code(gemeente)
    year = check_year(year)
    unknown = set(skip) - set(OPTIONAL_PARTS)
    if unknown:
        raise ImportDataError(f"onbekend onderdeel {', '.join(sorted(unknown))}: kies uit "
                              f"{', '.join(OPTIONAL_PARTS)}.")
    wanted = [p for p in ("wijken", "buurten", *OPTIONAL_PARTS) if p not in skip]
    if "bevolking" in wanted:
        resolve_table(year, table_id)  # an unknown year fails before anything is downloaded
    urls = urls or FetchUrls()
    out = Path(out_dir)
    done = RegionFetch(gemeente_code=code, year=year)
    total = sum(_SHARES[p] for p in wanted)
    start = 0.0

    def step(part: str) -> Progress:
        nonlocal start
        share = _SHARES[part] / total
        sub = scaled(progress, start, share)
        start += share
        return sub

    common = {"timeout": timeout, "config": config, "cache": cache}
    wijken = fetch_wijken(code, year, out, base_url=urls.pdok, progress=step("wijken"),
                          **common)
    done.results["wijken"] = wijken
    done.results["buurten"] = fetch_buurten(code, year, out, base_url=urls.pdok,
                                            progress=step("buurten"), **common)
    nabijheid = None
    if "bevolking" in wanted:
        sub = step("bevolking")
        done.results["bevolking"] = fetch_population(
            code, year, out, base_url=urls.cbs, table_id=table_id,
            progress=lambda f, m: sub(0.8 * f, m), **common)
        report(sub, 0.9, "nabijheid: afstanden per buurt ophalen")
        nabijheid = fetch_nabijheid(code, year, base_url=urls.cbs, table_id=table_id,
                                    **common)
    wijk_doc = json.loads(wijken.path.read_text(encoding="utf-8"))
    names = {str(f["properties"].get("wijkcode", "")).strip():
             str(f["properties"].get("wijknaam", "")).strip()
             for f in wijk_doc["features"] if str(f["properties"].get("wijknaam", "")).strip()}
    stats = enrich_buurten(done.results["buurten"].path, wijk_names=names, nabijheid=nabijheid)
    update_metadata(out, code, year, "aanvulling", {
        "wijknaam_added": stats["wijknaam_added"], "nabijheid": stats["nabijheid"],
        "nabijheid_table": getattr(nabijheid, "table", None),
        "nabijheid_columns": getattr(nabijheid, "columns", None)})
    done.notes.append(f"Wijknamen: {stats['wijknaam_added']} buurten kregen de naam van hun "
                      "wijk uit de PDOK-collectie wijken.")
    if stats["wijk_without_name"]:
        done.notes.append("Wijken zonder naam (de code wordt gebruikt): "
                          + ", ".join(stats["wijk_without_name"]) + ".")
    done.notes.append(_nabijheid_note(stats))

    if "bag" in wanted or "osm" in wanted:
        area = area_outline_rd(done.results["buurten"].path)
    if "bag" in wanted:
        done.results["bag"] = fetch_bag(code, year, out, area, base_url=urls.bag,
                                        tile_m=tile_m, progress=step("bag"), **common)
    if "osm" in wanted:
        result, summary = fetch_osm(code, year, out, area, base_url=urls.overpass,
                                    buffer_m=buffer_m, timeout=max(timeout, 180.0),
                                    progress=step("osm"), config=config, cache=cache)
        done.results["osm"] = result
        done.notes.append(f"OpenStreetMap: {summary['tagged']} objecten met "
                          f"voorzieningstags ({summary['nodes']} punten, {summary['ways']} "
                          f"wegen/vlakken, {summary['relations']} relaties).")
    if cache is not None and cache.hits:
        done.notes.append(f"{cache.hits} antwoorden kwamen uit de lokale cache ({cache.root}); "
                          "alleen de rest is gedownload.")
    done.metadata_path = done.results["buurten"].metadata_path
    report(progress, 1.0, f"Alles opgehaald voor {code} ({year}).")
    return done
