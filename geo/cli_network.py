"""Street-network commands of ``python -m geo``: ``network`` and ``distances``.

``network --region R.gpkg --osm FILE.osm.pbf [--buffer-km 5] --out R2.gpkg`` builds the
street network of the region from a local OSM extract (:func:`geo.io.network.build_network`:
clipped to the region plus the buffer, split at junctions, RD metres) and writes the region
package with the layers ``network_nodes`` and ``network_edges`` (atomically: on any error
nothing is written and the input region is never changed).

``distances --network FILE --origins A.csv --destinations B.csv --profile P --out C.csv``
gives, for every origin, the nearest destination over the network
(:func:`geo.analysis.network.nearest_network`). ``FILE`` is an OSM extract (the whole
file is used) or a region package with a network. The CSVs have ``id,x,y`` in RD metres
(EPSG:28992), optionally ``buurt_code``; the output has ``origin_id``, ``destination_id``,
``distance_m`` (0.1 m) and ``minutes`` (0.01 min), both empty for an origin that cannot
reach any destination. The report counts those origins, per buurt when buurten are known
(a ``buurt_code`` column, or the buurten of the region package).
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
import pandas as pd

from geo.formats import fmt_decimal, fmt_distance, fmt_int, fmt_share

__all__ = ["add_network_parsers"]

_FAR_M = 1_000.0  # access leg beyond which an origin is reported as off the network


def _is_package(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == b"SQLite format 3\x00"


def _cmd_network(args: argparse.Namespace) -> int:
    import shapely

    from geo.cli import _build_config, _load
    from geo.cli_progress import ProgressBar
    from geo.config import use_config
    from geo.io.network import attach_network, build_network
    from geo.io.region_package import write_region

    start = time.perf_counter()
    region = _load(args.region)
    outline = shapely.union_all(region.areas.geometry.values)
    with use_config(_build_config(args.max_mb)):
        build = build_network(args.osm, outline=outline, buffer_m=args.buffer_km * 1000.0,
                              progress=ProgressBar())
    out = write_region(attach_network(region, build, buffer_m=args.buffer_km * 1000.0),
                       args.out)
    s = build.stats
    print(f"{region.name}: straatnetwerk uit {Path(args.osm).name} (regio + "
          f"{fmt_distance(args.buffer_km * 1000.0)}): {fmt_int(s['nodes'])} knopen, "
          f"{fmt_int(s['edges'])} wegvakken, {fmt_int(s['km'])} km ({fmt_int(s['ways_used'])} "
          f"van {fmt_int(s['ways_read'])} OSM-wegen) in "
          f"{fmt_decimal(time.perf_counter() - start, 1)} s")
    from geo.model.profiles import PROFILES

    print("Bruikbaar per profiel: " + "; ".join(
        f"{name} {fmt_int(s[f'km_{name}'])} km" for name in PROFILES))
    for note in build.notes:
        print(f"Let op: {note}")
    print(f"Geschreven: {out} (lagen network_nodes, network_edges)")
    return 0


def _network_of(path: str):  # noqa: ANN202 - (network, areas|None)
    """The network and, for a region package, its buurten."""
    from geo.cli import _load
    from geo.errors import NetworkError
    from geo.io.network import build_network

    if not Path(path).is_file():
        from geo.errors import ImportDataError

        raise ImportDataError(f"bestand '{path}' bestaat niet.")
    if _is_package(path):
        region = _load(path)
        if region.network is None:
            raise NetworkError(f"regiopakket '{Path(path).name}' heeft geen straatnetwerk; "
                               "voeg het toe met `python -m geo network --region … --osm "
                               "….osm.pbf --out …`.")
        return region.network, region.areas, []
    build = build_network(path)
    return build.network, None, list(build.notes)


def _report_unreachable(result, origins: pd.DataFrame, areas) -> None:  # noqa: ANN001
    from geo.analysis.network import unreachable_by_area
    from geo.model.region import buurt_codes_at

    n, lost = len(origins), result.unreachable
    print(f"Bereikt: {fmt_int(n - lost)} van {fmt_int(n)} herkomsten; "
          f"geen bestemming bereikbaar: {fmt_int(lost)}")
    if not lost:
        return
    if "buurt_code" in origins.columns:
        codes = origins["buurt_code"].to_numpy(dtype=object)
    elif areas is not None:
        codes = buurt_codes_at(origins[["x", "y"]].to_numpy(), areas)
    else:
        print("  (geen buurten bekend: geef een kolom buurt_code of een regiopakket)")
        return
    table = unreachable_by_area(result.distance_m, codes)
    print("  Onbereikbaar per buurt (netwerk in stukken of afgesloten wegen):")
    for _, row in table.head(20).iterrows():
        print(f"    {row['code']}: {fmt_int(row['unreachable'])} van "
              f"{fmt_int(row['origins'])}")
    if len(table) > 20:
        print(f"    … en {len(table) - 20} buurten meer")


def _cmd_distances(args: argparse.Namespace) -> int:
    from geo.analysis.network import nearest_network
    from geo.errors import NetworkError
    from geo.io._atomic import atomic_path
    from geo.io.network import read_points_csv
    from geo.model.profiles import get_profile

    profile = get_profile(args.profile)
    origins = read_points_csv(args.origins)
    destinations = read_points_csv(args.destinations)
    start = time.perf_counter()
    orig_xy = origins[["x", "y"]].to_numpy()
    network, areas, notes = _network_of(args.network)
    built = time.perf_counter() - start
    result = nearest_network(network, profile.name, orig_xy,
                             destinations[["x", "y"]].to_numpy(),
                             limit_m=args.limit_m)
    far = result.access_m > _FAR_M
    if len(far) and far.mean() > 0.5:
        raise NetworkError(
            f"{fmt_share(far.mean())} van de herkomsten ligt meer dan 1 km van de dichtstbijzijnde "
            f"weg voor '{profile.name}': het netwerk dekt het gebied van de punten niet. "
            "Gebruik een OSM-uittreksel van dit gebied. Er is niets geschreven.")
    if far.any():  # an origin more than 1 km from any usable street is not on the network
        result = dataclasses.replace(
            result, distance_m=np.where(far, np.inf, result.distance_m),
            nearest=np.where(far, -1, result.nearest),
            minutes=np.where(far, np.inf, result.minutes))
    reached = np.isfinite(result.distance_m)
    dest_ids = destinations["id"].to_numpy(dtype=object)
    out = pd.DataFrame({
        "origin_id": origins["id"],
        "destination_id": np.where(reached, dest_ids[np.maximum(result.nearest, 0)], ""),
        "distance_m": np.where(reached, np.round(result.distance_m, 1), np.nan),
        "minutes": np.where(reached, np.round(result.minutes, 2), np.nan)})
    with atomic_path(args.out) as tmp:
        out.to_csv(tmp, index=False, na_rep="")
    elapsed = time.perf_counter() - start
    print(f"Netwerkafstanden ({profile.label}): {fmt_int(len(origins))} herkomsten, "
          f"{fmt_int(len(destinations))} bestemmingen; netwerk {fmt_int(network.n_nodes)} "
          f"knopen, {fmt_int(network.n_edges)} wegvakken ({fmt_decimal(built, 1)} s laden), totaal "
          f"{fmt_decimal(elapsed, 1)} s")
    for note in notes:
        print(f"Let op: {note}")
    if far.any():
        print(f"Let op: {fmt_int(far.sum())} herkomst(en) liggen meer dan 1 km van een "
              "bruikbare weg; zij tellen als niet bereikbaar (lege afstand).")
    _report_unreachable(result, origins, areas)
    if reached.any():
        dist = result.distance_m[reached]
        print(f"Afstand tot de dichtstbijzijnde: mediaan {fmt_int(np.median(dist))} m, "
              f"gemiddeld {fmt_int(dist.mean())} m")
    print(f"Geschreven: {args.out}")
    return 0


def add_network_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``network`` and ``distances`` commands to the ``python -m geo`` parser."""
    from geo.cli import BUILD_MAX_MB
    from geo.config import MAX_UPLOAD_ENV
    from geo.model.profiles import PROFILES

    p = sub.add_parser("network", help="straatnetwerk uit een OSM-bestand aan een regiopakket "
                       "toevoegen (offline)")
    p.add_argument("--region", help="regiopakket (.gpkg); standaard de ingebouwde demo")
    p.add_argument("--osm", required=True, help="OSM-uittreksel (.osm.pbf, .osm, .osm.gz), "
                   "bijv. drenthe-latest.osm.pbf van Geofabrik")
    p.add_argument("--buffer-km", type=float, default=5.0,
                   help="wegen tot zoveel km buiten de regio meenemen (standaard 5; minstens "
                   "de grootste verzorgingsafstand)")
    p.add_argument("--max-mb", type=int, help="grootste toegestane invoerbestand in MB "
                   f"(standaard ${MAX_UPLOAD_ENV} of {BUILD_MAX_MB})")
    p.add_argument("--out", required=True, help="uitvoer: regiopakket .gpkg met netwerk")
    p.set_defaults(func=_cmd_network)

    p = sub.add_parser("distances", help="afstand over het straatnetwerk naar de "
                       "dichtstbijzijnde bestemming (CSV)")
    p.add_argument("--network", required=True,
                   help="OSM-bestand (.osm.pbf/.osm) of regiopakket (.gpkg) met netwerk")
    p.add_argument("--origins", required=True, help="CSV id,x,y (RD, meters); optioneel "
                   "buurt_code")
    p.add_argument("--destinations", required=True, help="CSV id,x,y (RD, meters)")
    p.add_argument("--profile", default="walk", choices=list(PROFILES),
                   help="vervoersprofiel (standaard walk)")
    p.add_argument("--limit-m", type=float, help="niet verder zoeken dan zoveel meter")
    p.add_argument("--out", required=True, help="uitvoer: CSV origin_id,destination_id,"
                   "distance_m,minutes")
    p.set_defaults(func=_cmd_distances)
