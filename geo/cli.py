"""Command-line interface: ``python -m geo <command>``.

Commands: ``analyse``, ``build``, ``check``, ``compare``, ``export``, ``fetch``, ``info``,
``generate-demo``, and the street-network commands ``network`` and ``distances``
(:mod:`geo.cli_network`).

``check`` puts the model beside the published CBS figures of the region's ``reference``
layer (see :mod:`geo.analysis.check`): targets and the gemeente first, then per wijk, per buurt
with ``--detail``; ``--out`` writes every row as CSV. The verdicts are data: exit code 0
whenever the check ran (also for a region without reference figures, which says so).

Scenarios (see :mod:`geo.model.scenario_text` for the TOML format):

- ``analyse --scenario FILE.toml`` applies the scenario to the region and analyses it with
  the scenario's year, norms and prognosis. ``--year``, ``--norms`` and ``--prognosis``,
  when given explicitly, override the scenario's values (a year override also decides
  which projects are ready); the ``provenance`` layer records ``scenario_name``,
  ``scenario_toml`` and any ``scenario_overrides``.
- ``compare A.toml B.toml [C.toml …]`` prints the key figures per core area and for the
  municipality side by side, with the difference of every scenario against the first.
  The special name ``basis`` stands for the region without changes, analysed with the
  year, norms and prognosis of the first scenario file given; with a single file,
  ``basis`` is added in front automatically.

``export`` writes one layer (gap layers, homes, facilities, catchments; ``all`` for a
GeoPackage with every layer) of the analysis — optionally of a scenario, a year, one core
area and, for homes, one owner — as GeoPackage, Shapefile zip, GeoJSON or CSV (see
:mod:`geo.reporting.export`).

``build`` makes a region package from real data (CBS buurten, BAG, facility lists; see
:mod:`geo.io.build`) of one municipality or several (``--gemeente`` more than once, or
``--preset`` with a named region of :mod:`geo.model.regions_presets`; ``--naam`` names it);
``fetch`` downloads everything a region needs when the machine is online — CBS buurten and
wijken (PDOK), population and nabijheid (CBS OData), BAG dwellings (PDOK BAG API) and OSM
facilities (Overpass) — resumably, for one municipality or several (the same options; see
:mod:`geo.io.fetch`; its command line is :mod:`geo.cli_fetch`).

Errors go to stderr with exit code 2 (bad input) or 1 (unexpected failure), 130 when
interrupted (Ctrl+C); each starts on its own line, also when a progress bar was drawing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

from geo import vocabulary
from geo.cli_fetch import add_fetch_arguments, run_fetch
from geo.cli_parser import DutchArgumentParser
from geo.cli_progress import ProgressBar, end_progress_line
from geo.config import (
    MAX_UPLOAD_ENV,
    Config,
    get_config,
    use_config,
)
from geo.errors import WoonzorgError
from geo.formats import fmt_decimal, fmt_diff, fmt_int, fmt_share, fmt_share_diff
from geo.model.norms import PRESETS
from geo.model.prognosis import VARIANTS

__all__ = ["BUILD_MAX_MB", "add_fetch_arguments", "build_parser", "main", "run_fetch"]

#: Size limit (MB) of one input file of ``build`` unless ``--max-mb`` or the environment
#: says otherwise: local files chosen by the operator, e.g. a national CBS map.
BUILD_MAX_MB: int = 4096


def _notify(notices: Sequence[str]) -> None:
    """Show reading notices (e.g. a file of an earlier version was migrated) on stderr."""
    for notice in notices:
        print(f"Let op: {notice}", file=sys.stderr)


def _load(path: str | None):  # noqa: ANN202 - Region, imported lazily
    from geo.datasets import BUILTIN_PREFIX, load_builtin_region, load_demo_region
    from geo.io.region_package import load_region

    if path and path.strip().casefold().startswith(BUILTIN_PREFIX):
        region = load_builtin_region(path)
    else:
        region = load_region(path) if path else load_demo_region()
    _notify(region.notices)
    return region


def _data_warning(region) -> None:  # noqa: ANN001 - Region, imported lazily
    """Print "LET OP: …" for generated (demo) data and for missing homes or facilities."""
    from geo.reporting.provenance import DataProvenance

    data = DataProvenance.from_region(region)
    if data.known and data.warn:
        print(f"LET OP: {data.title()}.")
    elif not data.known and region.is_demo:
        print("LET OP: demodata met gegenereerde details.")
    for missing in data.missing():
        print(f"LET OP: {missing}")


def _load_scenario(path: str):  # noqa: ANN202 - Scenario, imported lazily
    from geo.io.scenario_toml import load_scenario

    scenario = load_scenario(path)
    _notify(scenario.notices)
    return scenario


def _distance_notice(result) -> None:  # noqa: ANN001 - GapResult, imported lazily
    """Say which distance was used and how many homes reach nothing over the network."""
    a = result.assumptions
    print(a.get("distance_text", ""))
    lost = int(a.get("homes_unreachable", 0))
    if lost:
        frame = result.buurt[result.buurt["homes_unreachable"] > 0]
        where = ", ".join(f"{r.buurt_code} {int(r.homes_unreachable)}"
                          for r in frame.itertuples())
        print(f"Let op: {lost} woning(en) kunnen over het netwerk niet elke soort voorziening "
              f"bereiken (netwerk in stukken; tellen als niet binnen de loopnorm en niet mee "
              f"in de gemiddelde afstand) — per buurt: {where}", file=sys.stderr)


def _add_distance_arguments(p: argparse.ArgumentParser) -> None:
    from geo.model.profiles import PROFILES

    p.add_argument("--distance", choices=["network", "straight"],
                   help="afstanden over het straatnetwerk van de regio of in rechte lijn "
                        "(standaard: netwerk als de regio er een heeft)")
    p.add_argument("--profile", choices=list(PROFILES),
                   help="vervoersprofiel voor netwerkafstanden (standaard walk75)")


def _result_for(args: argparse.Namespace):  # noqa: ANN202 - (Region, GapResult)
    """Region and analysis for --region/--scenario/--year/--norms/--prognosis/--distance."""
    from geo.analysis.gaps import analyse
    from geo.io.norms_file import load_norms

    region = _load(args.region)
    norms = None if args.norms is None else load_norms(args.norms)  # preset key or file
    if args.scenario:
        from geo.analysis.scenario import analyse_scenario

        scenario = _load_scenario(args.scenario)
        return region, analyse_scenario(region, scenario, year=args.year, norms=norms,
                                        prognosis=args.prognosis, distance=args.distance,
                                        profile=args.profile)
    return region, analyse(region, year=args.year, norms=norms, prognosis=args.prognosis,
                           distance=args.distance, profile=args.profile)


def _cmd_analyse(args: argparse.Namespace) -> int:
    from geo.reporting.output import write_result

    start = time.perf_counter()
    region, result = _result_for(args)
    elapsed = time.perf_counter() - start
    out = write_result(result, args.out)
    print(f"{region.name}: analyse {result.year} ({result.norms.name}) in "
          f"{fmt_decimal(elapsed, 2)} s")
    if "scenario_name" in result.assumptions:
        print(f"Scenario: {result.assumptions['scenario_name']}")
        if "scenario_overrides" in result.assumptions:
            print(f"  overschreven op de opdrachtregel: "
                  f"{result.assumptions['scenario_overrides']}")
    _data_warning(region)
    _distance_notice(result)
    for _, row in result.kerngebied.iterrows():
        parts = [f"{vocabulary.PRODUCT_LABELS[p]} {fmt_int(row[f'shortage_{p}'])}"
                 for p in vocabulary.PRODUCTS]
        print(f"  {row['kerngebied']:<12} tekort: " + "; ".join(parts))
    if result.is_multi_gemeente and result.regio is not None:  # totals per municipality
        for label, frame in (("gemeente", result.gemeente), ("regio", result.regio)):
            for _, row in frame.iterrows():
                parts = [f"{vocabulary.PRODUCT_LABELS[p]} {fmt_int(row[f'shortage_{p}'])}"
                         for p in vocabulary.PRODUCTS]
                name = row["gemeente"] if label == "gemeente" else "Regio"
                print(f"  {name:<12} tekort: " + "; ".join(parts))
    print(f"Geschreven: {out} (gaps_buurt {len(result.buurt)}, gaps_kern {len(result.kerngebied)}, "
          f"gaps_gemeente {len(result.gemeente)}, gaps_regio 1, "
          f"gaps_grid {len(result.grid)}, ranking {len(result.ranking)})")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from geo.reporting.export import FORMATS, LAYERS, ExportSelection, write_export

    region, result = _result_for(args)
    start = time.perf_counter()
    sel = ExportSelection(kerngebied=args.kerngebied, owner=args.owner, theme=args.theme,
                          gemeente=args.gemeente)
    out = write_export(result, args.layer, args.format, args.out, sel)
    elapsed = time.perf_counter() - start
    label = "alle lagen" if args.layer == "all" else LAYERS[args.layer]
    print(f"{region.name}: {label}, {result.year}"
          + (f", scenario '{result.assumptions['scenario_name']}'"
             if "scenario_name" in result.assumptions else "")
          + (f", gemeente {args.gemeente}" if args.gemeente else "")
          + (f", kerngebied {args.kerngebied}" if args.kerngebied else "")
          + (f", eigenaar {args.owner}" if args.owner else ""))
    _data_warning(region)
    _distance_notice(result)
    print(f"Geschreven: {out} ({FORMATS[args.format][0]}) in {fmt_decimal(elapsed, 2)} s")
    return 0


#: Whether a progress bar line on stderr is open (drawn without a line end).
def _build_config(max_mb: float | None) -> Config:
    """The settings of ``build``: local files chosen by the operator may be large.

    ``--max-mb`` wins; else ``$WOONZORGATLAS_MAX_UPLOAD_MB`` if set; else
    :data:`BUILD_MAX_MB` (a national CBS map exceeds the app's upload limit).
    """
    config = get_config()
    if max_mb is None and not os.environ.get(MAX_UPLOAD_ENV, "").strip():
        max_mb = BUILD_MAX_MB
    return config if max_mb is None else config.replace(max_upload_mb=max_mb)


def _cmd_build(args: argparse.Namespace) -> int:
    from geo.io.build import FACILITY_BUFFER_M, build_region
    from geo.io.region_package import write_region
    from geo.model.regions_presets import resolve_region

    start = time.perf_counter()
    gemeenten, name = resolve_region(args.gemeente, args.preset, args.naam)
    with use_config(_build_config(args.max_mb)):
        result = build_region(
            cbs=args.cbs, gemeente=gemeenten, name=name, bag=args.bag,
            facilities=args.facilities or (), corporations=args.corporations,
            kerngebieden=args.kerngebieden, age_distribution=args.age_distribution,
            population=args.population, wijken=args.wijken, reference=args.reference,
            base_year=args.year,
            buffer_m=FACILITY_BUFFER_M if args.buffer is None else args.buffer * 1000.0,
            progress=ProgressBar())
    out = write_region(result.region, args.out)
    region, stats = result.region, result.stats
    if region.is_multi_gemeente:
        print("Gemeenten: " + ", ".join(f"{code} {name}" for code, name in region.gemeenten))
    print(f"Regio {region.name} ({region.metadata['gemeente_code']}), basisjaar "
          f"{region.base_year}: {stats['buurten']} buurten, {fmt_int(stats['inhabitants'])} "
          f"inwoners, {fmt_int(stats['homes'])} woningen, {fmt_int(stats['facilities'])} "
          f"voorzieningen in {fmt_decimal(time.perf_counter() - start, 1)} s")
    print(f"Kerngebieden: {', '.join(region.kerngebieden)}")
    if stats.get("facilities_outside_region"):
        print(f"Voorzieningen buiten de regio (meegeteld, gemarkeerd): "
              f"{stats['facilities_outside_region']}")
    if len(result.report):
        print("IMPORTVERSLAG")
        print(result.report.to_text(indent="  "))
    print(f"Geschreven: {out}  (analyse: python -m geo analyse --region {out} --out …)")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from geo.analysis.check import check_region
    from geo.analysis.gaps import analyse
    from geo.reporting.check_report import check_text, write_check_csv

    region = _load(args.region)
    result = analyse(region, year=args.year, distance=args.distance, profile=args.profile)
    table = check_region(region, result)
    print(check_text(table, region.name, detail=args.detail))
    if args.out and not table.empty:
        print(f"Geschreven: {write_check_csv(table, args.out)} ({len(table)} rijen)")
    return 0


def _fmt_value(key: str, value: float, *, diff: bool = False) -> str:
    """Dutch display of a key figure (shares in %, counts whole) or of a difference."""
    if key.startswith("cov75_share_"):
        return fmt_share_diff(value, 1) if diff else fmt_share(value, 1)
    return fmt_diff(value) if diff else fmt_int(value)


def _format_comparison(table, labels: list[str]) -> str:  # noqa: ANN001 - DataFrame
    """Readable text of :func:`geo.analysis.scenario.compare` (one block per area)."""
    width = max(len(x) for x in table["omschrijving"]) + 2
    heads = labels + [f"{x} − {labels[0]}" for x in labels[1:]]
    lines = []
    for area, block in table.groupby("gebied", sort=False):
        lines.append(f"{area:<{width}}" + "".join(f"{h:>12}" for h in heads))
        for _, row in block.iterrows():
            cells = [_fmt_value(row["kengetal"], row[x]) for x in labels]
            cells += [_fmt_value(row["kengetal"], row[f"verschil {x}"], diff=True)
                      for x in labels[1:]]
            lines.append(f"  {row['omschrijving']:<{width - 2}}"
                         + "".join(f"{c:>12}" for c in cells))
        lines.append("")
    return "\n".join(lines)


def _cmd_compare(args: argparse.Namespace) -> int:
    from geo.analysis.scenario import analyse_scenario, compare
    from geo.errors import ScenarioError
    from geo.model.scenario import without_changes

    names = list(args.scenarios)
    files = [n for n in names if n != "basis"]
    if not files:
        raise ScenarioError("vergelijken: geef minstens één scenariobestand (.toml).")
    if len(names) == 1:
        names.insert(0, "basis")
    loaded = {n: _load_scenario(n) for n in files}
    region = _load(args.region)
    first = loaded[files[0]]
    results = {}
    print(f"{region.name}: scenario's vergeleken (verschil ten opzichte van de eerste)")
    for i, name in enumerate(names):
        letter = chr(ord("A") + i) if i < 26 else f"S{i + 1}"
        scenario = without_changes(first) if name == "basis" else loaded[name]
        source = "basisregio" if name == "basis" else name
        results[letter] = analyse_scenario(region, scenario, year=args.year)
        print(f"  {letter} = {source}: {scenario.name}, jaar {results[letter].year}, "
              f"{results[letter].norms.name}, prognose {results[letter].prognosis.name}")
    _data_warning(region)
    print("Tekort = vraag − aanbod (negatief = overschot); pp = procentpunt.")
    print()
    print(_format_comparison(compare(results), list(results)))
    return 0


def _cmd_info(args: argparse.Namespace) -> int:
    from geo.reporting.provenance import DataProvenance

    region = _load(args.region)
    pop = region.population[vocabulary.band_columns()].to_numpy().sum()
    old = region.population[vocabulary.band_columns(vocabulary.AGE_GROUPS["65+"])].to_numpy().sum()
    data = DataProvenance.from_region(region)
    if data.known:  # per layer: real, estimated or generated ("demo" only for generated)
        print(f"Regio: {region.name}")
        print(f"Gegevens: {data.title()}")
        for row in data.rows(list(data.statuses)):
            print(f"  {row.label}: {row.status_label}" + (f" — {row.note}" if row.note else ""))
    else:
        print(f"Regio: {region.name}" + ("  [DEMODATA]" if region.is_demo else ""))
        if region.is_demo:
            print(f"  {region.metadata.get('notice', '')}")
    print(f"Bestand: {region.source_path}")
    print(f"Basisjaar: {region.base_year}; peildatum {region.metadata.get('reference_date', '?')}")
    print(f"Kerngebieden: {', '.join(region.kerngebieden)}")
    print(f"Buurten: {len(region.areas)}; wijken: {region.areas['wijk_code'].nunique()}")
    print(f"Inwoners: {fmt_int(pop)} (65+: {fmt_int(old)}, {fmt_share(old / max(pop, 1), 1)})")
    print(f"Woningen: {fmt_int(len(region.homes))}; nultreden: "
          f"{fmt_share(region.homes['step_free'].mean(), 1)}")
    counts = region.facilities["facility_type"].value_counts()
    print("Voorzieningen: " + ", ".join(
        f"{vocabulary.FACILITY_LABELS[t]} {counts.get(t, 0)}" for t in vocabulary.FACILITY_TYPES))
    print(f"Licentie: {region.metadata.get('licence', '?')}")
    for layer in ("areas", "population", "homes", "facilities", "villages"):
        print(f"Bron {layer}: {region.source(layer)}")
    if region.reference is not None:
        print(f"Controlecijfers (reference): {len(region.reference)} gebieden; "
              f"{region.source('reference')} (python -m geo check)")
    return 0


def _cmd_generate_demo(args: argparse.Namespace) -> int:
    from geo.datasets import BUILTIN_REGIONS, find_builtin
    from geo.datasets._builtin import generate_builtin, write_builtin

    # --out without --region: the default region (as before there were two)
    names = [args.region] if args.region else \
        ["midden-drenthe"] if args.out else list(BUILTIN_REGIONS)
    for name in names:
        if find_builtin(name) is None:
            print(f"Fout: onbekende ingebouwde regio '{name}'; beschikbaar: "
                  f"{', '.join(BUILTIN_REGIONS)}.", file=sys.stderr)
            return 2
        region = generate_builtin(name, seed=args.seed)
        out = write_builtin(name, region, args.out)
        print(f"Ingebouwde regio geschreven: {out} ({len(region.areas)} CBS-buurten, "
              f"{len(region.homes)} gegenereerde woningen, {len(region.facilities)} "
              "voorzieningen)")
    return 0


def _cmd_regions(args: argparse.Namespace) -> int:
    """List the saved regions and show (or set, ``--default``) the server default."""
    from geo.io.saved_regions import regions_overview, set_default_region

    if args.default is not None:
        set_default_region(args.default)
    print("\n".join(regions_overview()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m geo``."""
    parser = DutchArgumentParser(
        prog="python -m geo",
        description="Woonzorgatlas: tekorten aan geschikte woningen en voorzieningen.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("analyse", help="tekortenanalyse naar een GeoPackage")
    p.add_argument("--region", help="regiopakket (.gpkg) of een ingebouwde regio "
                   "(builtin:zuidoost-drenthe); standaard de ingebouwde demo")
    p.add_argument("--year", type=int, help=f"jaar (basisjaar t/m {get_config().max_year})")
    p.add_argument("--norms", help=f"normset ({', '.join(PRESETS)}) of .toml/.json-bestand")
    p.add_argument("--prognosis", choices=sorted(VARIANTS), help="prognosevariant")
    p.add_argument("--scenario", help="scenariobestand (.toml); --year/--norms/--prognosis "
                   "overschrijven de waarden uit het scenario")
    _add_distance_arguments(p)
    p.add_argument("--out", required=True, help="uitvoerbestand .gpkg")
    p.set_defaults(func=_cmd_analyse)

    p = sub.add_parser("compare", help="scenario's naast elkaar per kerngebied")
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                   help="scenariobestanden (.toml); 'basis' = de regio zonder wijzigingen "
                   "(jaar, normen en prognose van het eerste bestand)")
    p.add_argument("--region", help="regiopakket (.gpkg) of een ingebouwde regio "
                   "(builtin:zuidoost-drenthe); standaard de ingebouwde demo")
    p.add_argument("--year", type=int, help="jaar voor alle scenario's (overschrijft 'year')")
    p.set_defaults(func=_cmd_compare)

    from geo.reporting.export import ALL_LAYERS, FORMATS, LAYERS

    p = sub.add_parser("export", help="een laag exporteren voor QGIS of andere software")
    p.add_argument("--region", help="regiopakket (.gpkg) of een ingebouwde regio "
                   "(builtin:zuidoost-drenthe); standaard de ingebouwde demo")
    p.add_argument("--scenario", help="scenariobestand (.toml)")
    p.add_argument("--year", type=int, help=f"jaar (basisjaar t/m {get_config().max_year})")
    p.add_argument("--norms", help=f"normset ({', '.join(PRESETS)}) of .toml/.json-bestand")
    p.add_argument("--prognosis", choices=sorted(VARIANTS), help="prognosevariant")
    p.add_argument("--layer", required=True, choices=[*LAYERS, ALL_LAYERS],
                   help="; ".join(f"{k}: {v}" for k, v in LAYERS.items())
                   + f"; {ALL_LAYERS}: alle lagen (alleen gpkg)")
    p.add_argument("--format", required=True, choices=list(FORMATS),
                   help="gpkg (aanbevolen), shp (zip), geojson (WGS84) of csv")
    # --kern: the option's earlier name, still accepted so existing command lines work
    p.add_argument("--kerngebied", "--kern", dest="kerngebied",
                   help="alleen dit kerngebied (oude naam --kern werkt ook)")
    p.add_argument("--gemeente", help="alleen deze gemeente van de regio (code GM… of naam)")
    p.add_argument("--owner", help="alleen woningen van deze eigenaar (laag homes)")
    p.add_argument("--theme", help="kolom waarop de QGIS-stijl kleurt "
                   "(standaard shortage_step_free)")
    _add_distance_arguments(p)
    p.add_argument("--out", required=True, help="uitvoerbestand (.gpkg, .zip, .geojson, .csv)")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("build", help="regiopakket bouwen uit CBS-, BAG- en voorzieningenbestanden")
    p.add_argument("--gemeente", action="append", metavar="CODE",
                   help="gemeentecode (GM1731 of 1731) of -naam; meer keer geven (of "
                   "GM1681,GM0109) voor één regio van meer gemeenten uit hetzelfde CBS-bestand")
    p.add_argument("--preset", metavar="REGIO", help="benoemde regio in plaats van --gemeente, "
                   "bijv. 'Zuidoost-Drenthe (woonzorgakkoord)', 'Noord-Drenthe (woondeal)', "
                   "'Drenthe'")
    p.add_argument("--naam", help="naam van de regio (standaard die van de gemeente/preset)")
    p.add_argument("--cbs", required=True,
                   help="CBS Wijk- en Buurtkaart: GeoPackage, gezipt Shapefile of GeoJSON")
    p.add_argument("--bag", help="BAG-GeoPackage (verblijfsobject + pand), bijv. een uitsnede "
                   "van bag-light.gpkg")
    p.add_argument("--facilities", nargs="+", action="extend", metavar="FILE",
                   help="voorzieningenlijst(en): CSV (RD x/y of lon/lat; of alleen adressen, "
                   "dan met --bag), GeoJSON, GeoPackage, .osm.pbf")
    p.add_argument("--corporations", help="CSV met corporatiewoningen (BAG-id of adres, eigenaar)")
    p.add_argument("--kerngebieden", help="CSV (buurt_code/wijk_code;kerngebied) of vlakken "
                   "met een kolom kerngebied")
    p.add_argument("--age-distribution", help="StatLine-export bevolking naar leeftijd "
                   "(verdeling 65-74/75-84/85+)")
    p.add_argument("--population", help="bevolking per buurt: een CBS-tabel als CSV (geo fetch, "
                   "OData, StatLine-export, Wijk- en Buurtkaart-kolommen); "
                   "vervangt inwoners en leeftijdsgroepen van de kaart")
    p.add_argument("--wijken", help="wijken met namen (laag 'wijken' van de Wijk- en "
                   "Buurtkaart, PDOK-wijken of CSV wijkcode;wijknaam) voor buurten met alleen "
                   "een wijkcode; standaard de laag 'wijken' van het CBS-bestand zelf")
    p.add_argument("--reference", help="CBS Kerncijfers wijken en buurten (CSV) voor de controle "
                   "(python -m geo check); de cijfers van de CBS-kaart worden altijd bewaard")
    p.add_argument("--year", type=int, help="basisjaar (standaard de editie van de CBS-kaart)")
    p.add_argument("--buffer", type=float, help="voorzieningen tot zoveel km buiten de regio "
                   "meenemen (standaard het grootste verzorgingsgebied, 15 km)")
    p.add_argument("--max-mb", type=int, help="grootste toegestane invoerbestand in MB "
                   f"(standaard ${MAX_UPLOAD_ENV} of {BUILD_MAX_MB})")
    p.add_argument("--out", required=True, help="uitvoer: regiopakket .gpkg")
    p.set_defaults(func=_cmd_build)

    p = sub.add_parser("check", help="het model naast de gepubliceerde CBS-cijfers (controle)")
    p.add_argument("--region", help="regiopakket (.gpkg) of een ingebouwde regio "
                   "(builtin:zuidoost-drenthe); standaard de ingebouwde demo")
    p.add_argument("--year", type=int, help="jaar van het model (standaard het basisjaar)")
    p.add_argument("--detail", action="store_true", help="ook elke buurt tonen")
    _add_distance_arguments(p)
    p.add_argument("--out", help="alle rijen als CSV-bestand")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("fetch", help="alles voor een regio downloaden: CBS-buurten, wijken, "
                       "bevolking, BAG-woningen, OSM-voorzieningen (online)")
    add_fetch_arguments(p)
    p.set_defaults(func=run_fetch)

    from geo.cli_network import add_network_parsers

    add_network_parsers(sub)

    p = sub.add_parser("info", help="samenvatting van een regiopakket")
    p.add_argument("--region", help="regiopakket (.gpkg) of een ingebouwde regio "
                   "(builtin:zuidoost-drenthe); standaard de ingebouwde demo")
    p.set_defaults(func=_cmd_info)

    p = sub.add_parser("regions", help="opgeslagen regio's en de standaardregio van de server")
    p.add_argument("--default", metavar="ID", help="standaardregio voor nieuwe sessies (id "
                   "of naam; 'demo' = ingebouwd); WOONZORGATLAS_DEFAULT_REGION gaat voor")
    p.set_defaults(func=_cmd_regions)

    p = sub.add_parser("generate-demo", help="de ingebouwde regio's (CBS-data met "
                                             "gegenereerde woningen) opnieuw bouwen uit data/")
    p.add_argument("--region", help="alleen deze ingebouwde regio (midden-drenthe of "
                                    "zuidoost-drenthe); standaard beide")
    p.add_argument("--out", help="doelbestand (één regio: --region, anders Midden-Drenthe; "
                                 "standaard het bestand in data/)")
    p.add_argument("--seed", type=int, help="seed (standaard de vaste seed)")
    p.set_defaults(func=_cmd_generate_demo)
    return parser


def _stdout_closed() -> int:
    """The reader of stdout went away (``python -m geo check | head -3``): stop quietly.

    Python's documented recipe (library/signal, "Note on SIGPIPE"): point stdout at devnull
    so the interpreter's final flush does not fail again, and exit 0 — the reader had all
    it wanted, as with ``head``.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a descriptor (tests)
        pass
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code.

    0 when done (also when the reader of stdout stopped early, as ``head`` does), 2 for bad
    input (a Dutch ``Fout: …`` on stderr), 130 after Ctrl+C, 1 for an unexpected failure.
    """
    try:
        args = build_parser().parse_args(argv)
        code = int(args.func(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        return _stdout_closed()
    except WoonzorgError as exc:
        end_progress_line()
        print(f"Fout: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        end_progress_line()
        print("Afgebroken (Ctrl+C); er is niets geschreven.", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: no traceback for users, but say what happened
        end_progress_line()
        print(f"Onverwachte fout ({type(exc).__name__}): {exc}", file=sys.stderr)
        return 1
    finally:
        end_progress_line()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
