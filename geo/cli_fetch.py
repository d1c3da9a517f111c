"""``python -m geo fetch``: its options and its run (see :mod:`geo.io.fetch`)."""

from __future__ import annotations

import argparse

from geo.cli_progress import ProgressBar
from geo.config import (
    BAG_URL_ENV,
    CBS_ODATA_URL_ENV,
    DEFAULT_BAG_URL,
    DEFAULT_CBS_ODATA_URL,
    DEFAULT_OVERPASS_URL,
    DEFAULT_PDOK_URL,
    OVERPASS_URL_ENV,
    PDOK_URL_ENV,
)
from geo.formats import fmt_distance, fmt_int
from geo.io.fetch.bag import DEFAULT_TILE_M
from geo.io.fetch.cbs_odata import KWB_TABLES
from geo.io.fetch.overpass import DEFAULT_BUFFER_M
from geo.io.fetch.region import OPTIONAL_PARTS
from geo.model.regions_presets import REGION_PRESETS

__all__ = ["add_fetch_arguments", "run_fetch"]


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``python -m geo fetch`` to ``parser``.

    ``--gemeente`` may be given more than once (a region of several municipalities, each
    fetched and then combined, see :mod:`geo.io.fetch.multi`); ``--preset`` names one of
    :data:`geo.model.regions_presets.REGION_PRESETS` instead.
    """
    parser.add_argument("--gemeente", action="append", metavar="CODE",
                        help="CBS-gemeentecode, bijv. GM1731 of 1731 (Midden-Drenthe); "
                        "meer keer geven (of GM1681,GM0109) voor een regio van meer gemeenten")
    parser.add_argument("--preset", metavar="REGIO",
                        help="een benoemde regio in plaats van --gemeente: "
                        + "; ".join(f"'{name}'" for name in REGION_PRESETS))
    parser.add_argument("--naam", help="naam van de regio (standaard die van de preset of de "
                        "gemeenten)")
    parser.add_argument("--year", type=int, required=True,
                        help="jaargang van de CBS-buurten, bijv. 2024")
    parser.add_argument("--out", required=True, help="map voor de gedownloade bestanden")
    parser.add_argument("--skip", nargs="+", choices=OPTIONAL_PARTS, default=[],
                        metavar="ONDERDEEL",
                        help="onderdelen overslaan: bevolking (CBS StatLine), bag (woningen, "
                        "PDOK BAG-API), osm (voorzieningen, Overpass); buurten en wijken "
                        "worden altijd opgehaald")
    parser.add_argument("--population", action="store_true",
                        help="(verouderd; de bevolking wordt nu standaard opgehaald)")
    parser.add_argument("--table-id",
                        help="StatLine-tabel voor bevolking en nabijheid (standaard die van het "
                        f"jaar, bekend: {min(KWB_TABLES)}–{max(KWB_TABLES)})")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconden wachten per verzoek (standaard 60; Overpass minstens "
                        "180)")
    parser.add_argument("--tile-km", type=float, default=DEFAULT_TILE_M / 1000,
                        help="zijde van een BAG-tegel in km (standaard "
                        f"{fmt_distance(DEFAULT_TILE_M)})")
    parser.add_argument("--buffer", type=float, default=DEFAULT_BUFFER_M / 1000,
                        help="voorzieningen tot zoveel km buiten de gemeente ophalen "
                        f"(standaard {fmt_distance(DEFAULT_BUFFER_M)}: het grootste "
                        "verzorgingsgebied)")
    parser.add_argument("--no-cache", action="store_true",
                        help="geen lokale cache gebruiken (dan kan een onderbroken download "
                        "niet hervat worden)")
    parser.add_argument("--refresh", action="store_true",
                        help="alles opnieuw downloaden, ook wat nog in de cache staat")
    parser.add_argument("--pdok-url", help=f"basisadres PDOK (standaard ${PDOK_URL_ENV} of "
                        f"{DEFAULT_PDOK_URL})")
    parser.add_argument("--cbs-url", help=f"basisadres CBS OData (standaard "
                        f"${CBS_ODATA_URL_ENV} of {DEFAULT_CBS_ODATA_URL})")
    parser.add_argument("--bag-url", help=f"basisadres BAG OGC API (standaard ${BAG_URL_ENV} "
                        f"of {DEFAULT_BAG_URL})")
    parser.add_argument("--overpass-url", help=f"Overpass-API (standaard ${OVERPASS_URL_ENV} "
                        f"of {DEFAULT_OVERPASS_URL})")


def run_fetch(args: argparse.Namespace) -> int:
    """Run ``python -m geo fetch``: progress to stderr, a Dutch summary to stdout.

    Downloads everything a region of one or more municipalities needs
    (:func:`geo.io.fetch.fetch_regions`; ``--gemeente`` more than once or ``--preset``) with
    the URL cache in ``<data_dir>/cache/fetch`` (resume after an interruption), unless
    ``--no-cache``.

    Returns
    -------
    int
        ``0`` on success.

    Raises
    ------
    ImportDataError
        When a download fails (files of earlier, successful steps are kept).
    """
    from geo.io.fetch import FetchUrls, default_cache, fetch_regions
    from geo.model.regions_presets import resolve_region

    gemeenten, name = resolve_region(args.gemeente, getattr(args, "preset", None),
                                     getattr(args, "naam", None))
    cache = None if getattr(args, "no_cache", False) else default_cache(
        refresh=getattr(args, "refresh", False))
    done = fetch_regions(
        gemeenten, args.year, args.out, name=name, skip=getattr(args, "skip", ()) or (),
        urls=FetchUrls(pdok=getattr(args, "pdok_url", None),
                       cbs=getattr(args, "cbs_url", None),
                       bag=getattr(args, "bag_url", None),
                       overpass=getattr(args, "overpass_url", None)),
        table_id=getattr(args, "table_id", None),
        tile_m=float(getattr(args, "tile_km", 2.5)) * 1000.0,
        buffer_m=float(getattr(args, "buffer", 5.0)) * 1000.0,
        timeout=float(getattr(args, "timeout", 60.0)), cache=cache,
        progress=ProgressBar(width=0))
    units = {"wijken": "wijken", "buurten": "buurten",
             "bevolking": "regio's (gemeente, wijken, buurten)",
             "bag": "verblijfsobjecten", "osm": "objecten met voorzieningstags"}
    print(f"Gedownload voor {done.gemeente_code} ({done.year}):")
    for kind, result in done.results.items():
        print(f"  {kind}: {fmt_int(result.count)} {units[kind]} -> {result.path}")
    for path in done.extra_facilities:
        print(f"  osm: -> {path}")
    for note in done.notes:
        print(f"  {note}")
    print(f"  herkomst en licentie: {done.metadata_path}")
    inputs = done.build_inputs()
    codes = done.gemeenten or (done.gemeente_code,)
    command = ["python -m geo build " + " ".join(f"--gemeente {c}" for c in codes)
               + (f' --naam "{done.name}"' if done.name else ""), f"--cbs {inputs['cbs']}"]
    if "population" in inputs:
        command.append(f"--population {inputs['population']}")
    if "bag" in inputs:
        command.append(f"--bag {inputs['bag']}")
    if "facilities" in inputs:
        command.append(f"--facilities {' '.join(map(str, inputs['facilities']))}")
    print("Licenties: CBS/PDOK CC BY 4.0; BAG CC0; OpenStreetMap ODbL 1.0.")
    print("Bouw de regio met:\n  " + " ".join(command) + " --out regio.gpkg")
    return 0
