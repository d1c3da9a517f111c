"""``python -m geo fetch``: its options and its run (see :mod:`geo.io.fetch`)."""

from __future__ import annotations

import argparse

from geo.cli_progress import ProgressBar
from geo.config import (
    DEFAULT_BAG_URL,
    DEFAULT_CBS_ODATA_URL,
    DEFAULT_OVERPASS_URL,
    DEFAULT_PDOK_URL,
)

__all__ = ["add_fetch_arguments", "run_fetch"]


def add_fetch_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``python -m geo fetch`` to ``parser``."""
    from geo.io.fetch import (
        BAG_URL_ENV,
        CBS_ODATA_URL_ENV,
        DEFAULT_TILE_M,
        KWB_TABLES,
        OPTIONAL_PARTS,
        OVERPASS_URL_ENV,
        PDOK_URL_ENV,
    )

    parser.add_argument("--gemeente", required=True,
                        help="CBS-gemeentecode, bijv. GM1731 of 1731 (Midden-Drenthe)")
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
                        f"{DEFAULT_TILE_M / 1000:g})")
    parser.add_argument("--buffer", type=float, default=5.0,
                        help="voorzieningen tot zoveel km buiten de gemeente ophalen "
                        "(standaard 5)")
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

    Downloads everything a region needs (:func:`geo.io.fetch.fetch_region`) with the URL
    cache in ``<data_dir>/cache/fetch`` (resume after an interruption), unless
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
    from geo.io.fetch import FetchUrls, default_cache, fetch_region

    cache = None if getattr(args, "no_cache", False) else default_cache(
        refresh=getattr(args, "refresh", False))
    done = fetch_region(
        args.gemeente, args.year, args.out, skip=getattr(args, "skip", ()) or (),
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
        print(f"  {kind}: {result.count} {units[kind]} -> {result.path}")
    for note in done.notes:
        print(f"  {note}")
    print(f"  herkomst en licentie: {done.metadata_path}")
    inputs = done.build_inputs()
    command = [f"python -m geo build --gemeente {done.gemeente_code}", f"--cbs {inputs['cbs']}"]
    if "population" in inputs:
        command.append(f"--population {inputs['population']}")
    if "bag" in inputs:
        command.append(f"--bag {inputs['bag']}")
    if "facilities" in inputs:
        command.append(f"--facilities {' '.join(map(str, inputs['facilities']))}")
    print("Licenties: CBS/PDOK CC BY 4.0; BAG CC0; OpenStreetMap ODbL 1.0.")
    print("Bouw de regio met:\n  " + " ".join(command) + " --out regio.gpkg")
    return 0
