"""A region of several municipalities in one call: :func:`fetch_regions`.

Every municipality is fetched on its own by :func:`geo.io.fetch.region.fetch_region` (the
same requests as a one-municipality fetch, so the URL cache of an earlier fetch of any of
them is reused and an interrupted run resumes), and the per-municipality files are then
combined into the files **one** build reads (``KEY`` = the codes joined by ``-``, e.g.
``GM1681-GM0109-GM0114``):

* ``buurten_{KEY}_{year}.geojson`` and ``wijken_{KEY}_{year}.geojson`` — the features of
  every municipality in one FeatureCollection (CRS84, as PDOK gives them);
* ``bevolking_{KEY}_{year}.csv`` — the rows of every municipality's population table (the
  same StatLine table, so the same columns);
* ``bag_{KEY}.gpkg`` — the verblijfsobjecten and panden of every municipality; tiles at
  the borders overlap, so each BAG object is kept once (by ``identificatie``);
* OpenStreetMap stays one file per municipality (``osm_{GM}.osm``): the build takes several
  facility lists and counts an OSM object that two extracts share once.

Provenance: ``fetch_{KEY}_{year}.json`` (section ``regio``: the codes and the combined
files) next to each municipality's own ``fetch_{GM}_{year}.json``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Sequence
from pathlib import Path

import pandas as pd

from geo.config import Config
from geo.errors import ImportDataError
from geo.io import _gdal
from geo.io.fetch._common import FetchResult, check_year, update_metadata, write_atomic
from geo.io.fetch.bag import DEFAULT_TILE_M, _write_gpkg
from geo.io.fetch.cache import UrlCache
from geo.io.fetch.overpass import DEFAULT_BUFFER_M
from geo.io.fetch.region import FetchUrls, RegionFetch, fetch_region
from geo.io.progress import Progress, report, scaled
from geo.model.crs import normalize_gemeente_code

__all__ = ["fetch_regions", "region_key"]


def region_key(codes: Sequence[str]) -> str:
    """The file-name key of a region: its codes joined by ``-`` (``GM1681-GM0109``)."""
    return "-".join(codes)


def _merge_geojson(paths: list[Path], target: Path) -> int:
    features = []
    for path in paths:
        features.extend(json.loads(path.read_text(encoding="utf-8")).get("features", []))
    doc = {"type": "FeatureCollection", "features": features}
    write_atomic(target, lambda fh: fh.write(json.dumps(doc, ensure_ascii=False)))
    return len(features)


def _merge_csv(paths: list[Path], target: Path) -> int:
    header: list[str] = []
    rows: list[dict[str, str]] = []
    for path in paths:
        reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";")
        header += [c for c in reader.fieldnames or [] if c not in header]
        rows.extend(reader)

    def write(fh) -> None:  # noqa: ANN001 - text file
        writer = csv.DictWriter(fh, fieldnames=header, delimiter=";", lineterminator="\n",
                                restval="")
        writer.writeheader()
        writer.writerows(rows)
    write_atomic(target, write)
    return len(rows)


def _merge_bag(paths: list[Path], target: Path) -> int:
    layers = {}
    for layer in ("verblijfsobject", "pand"):
        frames = [_gdal.read_dataframe(path, layer=layer) for path in paths]
        frame = pd.concat(frames, ignore_index=True)
        layers[layer] = frame.drop_duplicates("identificatie").reset_index(drop=True)
    _write_gpkg(target, layers["verblijfsobject"], layers["pand"])
    return len(layers["verblijfsobject"])


def _combined(kind: str, parts: list[FetchResult], target: Path, key: str,
              year: int) -> FetchResult:
    merge = {"bag": _merge_bag, "bevolking": _merge_csv}.get(kind, _merge_geojson)
    try:
        count = merge([p.path for p in parts], target)
    except (OSError, ValueError) as exc:
        raise ImportDataError(f"de bestanden van de gemeenten ({kind}) kunnen niet worden "
                              f"samengevoegd tot '{target}': {exc}.") from exc
    return FetchResult(path=target, metadata_path=parts[0].metadata_path, gemeente_code=key,
                       year=year, count=count,
                       urls=tuple(url for p in parts for url in p.urls))


def fetch_regions(
    gemeenten: Sequence[str],
    year: int,
    out_dir: Path | str,
    *,
    name: str | None = None,
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
    """Download a region of one or more municipalities (see the module docstring).

    Parameters
    ----------
    gemeenten
        Municipality codes (``"GM1681"`` or ``"1681"``); duplicates are dropped.
    year, out_dir, skip, urls, table_id, tile_m, buffer_m, timeout, cache, progress, config
        As :func:`geo.io.fetch.region.fetch_region`, for every municipality.
    name
        Region name handed to the build (:meth:`RegionFetch.build_inputs`).

    Returns
    -------
    RegionFetch
        ``gemeente_code`` is the region key, ``gemeenten`` the codes; ``results`` holds the
        combined files (``osm``: the first municipality's; every OSM file is in
        ``build_inputs()['facilities']``). One municipality gives exactly what
        :func:`fetch_region` gives (plus the name).

    Raises
    ------
    ImportDataError
        A bad code or year, any failing download (files of completed steps and
        municipalities are kept; running again resumes), or files that cannot be combined.
    """
    codes = list(dict.fromkeys(normalize_gemeente_code(g) for g in gemeenten))
    if not codes:
        raise ImportDataError("geen gemeente opgegeven: geef een of meer gemeentecodes.")
    year = check_year(year)
    out = Path(out_dir)
    options = {"skip": skip, "urls": urls, "table_id": table_id, "tile_m": tile_m,
               "buffer_m": buffer_m, "timeout": timeout, "cache": cache, "config": config}
    if len(codes) == 1:
        only = fetch_region(codes[0], year, out, progress=progress, **options)
        only.name = name
        return only
    done_each: list[RegionFetch] = []
    share = 0.95 / len(codes)
    for i, code in enumerate(codes):
        report(progress, i * share, f"{code} ({i + 1} van {len(codes)})…")
        done_each.append(fetch_region(
            code, year, out, progress=scaled(progress, i * share, share, f"{code}: "),
            **options))
    key = region_key(codes)
    done = RegionFetch(gemeente_code=key, year=year, gemeenten=tuple(codes), name=name)
    targets = {"wijken": out / f"wijken_{key}_{year}.geojson",
               "buurten": out / f"buurten_{key}_{year}.geojson",
               "bevolking": out / f"bevolking_{key}_{year}.csv",
               "bag": out / f"bag_{key}.gpkg"}
    report(progress, 0.96, "Bestanden van de gemeenten samenvoegen…")
    for kind, target in targets.items():
        parts = [d.results[kind] for d in done_each if kind in d.results]
        if parts:
            done.results[kind] = _combined(kind, parts, target, key, year)
    osm = [d.results["osm"] for d in done_each if "osm" in d.results]
    if osm:
        done.results["osm"] = osm[0]
        done.extra_facilities = tuple(r.path for r in osm[1:])
    for code, each in zip(codes, done_each, strict=True):
        done.notes.extend(f"{code}: {note}" for note in each.notes)
    done.metadata_path = update_metadata(out, key, year, "regio", {
        "gemeenten": codes, "name": name,
        "files": {kind: str(r.path.name) for kind, r in done.results.items()},
        "osm_files": [str(r.path.name) for r in osm]})
    report(progress, 1.0, f"Alles opgehaald voor {', '.join(codes)} ({year}).")
    return done
