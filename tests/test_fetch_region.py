"""`geo fetch` brings everything a region needs, against a real local server (tests/fetchkit).

Wijken with names, nabijheid distances, BAG by bbox tiles, OSM from Overpass; the URL cache
and resume after an interruption; error paths; and the chain fetch → build → analyse.
"""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
from fetchkit import EXPECTED_FACILITIES, EXPECTED_HOMES, VBOS, serve

from geo.config import Config
from geo.errors import ConfigError, ImportDataError
from geo.io import _gdal
from geo.io.fetch import (
    FetchUrls,
    UrlCache,
    bag_tiles,
    fetch_osm,
    fetch_region,
)
from geo.io.fetch.region import area_outline_rd

YEAR = 2024
TILE_M = 800.0  # small tiles: several per buurt square, some pages per tile


@pytest.fixture(scope="module")
def server():
    yield from serve()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch, server):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    server.fail_after = None


def urls(server, scenario: str = "ok", **other: str) -> FetchUrls:
    base = server.base(scenario)
    parts = {"pdok": base, "cbs": base + "/odata", "bag": base + "/bag",
             "overpass": base + "/overpass"}
    parts.update({k: server.base(v) + {"pdok": "", "cbs": "/odata", "bag": "/bag",
                                        "overpass": "/overpass"}[k] for k, v in other.items()})
    return FetchUrls(**parts)


def run(server, out: Path, *, cache: UrlCache | None = None, scenario: str = "ok",
        **kwargs):
    return fetch_region("GM1731", YEAR, out, urls=kwargs.pop("urls", urls(server, scenario)),
                        tile_m=TILE_M, timeout=10, cache=cache, **kwargs)


def bag_requests(server) -> list[str]:
    return [r for r in server.requests if "/bag/collections/" in r]


def files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir()) if out.exists() else []


# ---------------------------------------------------------------------- everything


def test_fetch_region_writes_every_file(server, tmp_path):
    calls: list[tuple[float, str]] = []
    done = run(server, tmp_path, progress=lambda f, m: calls.append((f, m)))
    assert files(tmp_path) == ["bag_GM1731.gpkg", "bevolking_GM1731_2024.csv",
                               "buurten_GM1731_2024.geojson", "fetch_GM1731_2024.json",
                               "osm_GM1731.osm", "wijken_GM1731_2024.geojson"]
    assert set(done.results) == {"wijken", "buurten", "bevolking", "bag", "osm"}
    fractions = [f for f, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(m.startswith("BAG: tegel") for _, m in calls)
    meta = json.loads(done.metadata_path.read_text(encoding="utf-8"))["downloads"]
    assert set(meta) == {"wijken", "buurten", "bevolking", "aanvulling", "bag", "osm"}
    assert meta["bag"]["licence"].startswith("CC0") and meta["osm"]["licence"].startswith("ODbL")
    inputs = done.build_inputs()
    assert inputs["bag"] == tmp_path / "bag_GM1731.gpkg"
    assert inputs["facilities"] == [tmp_path / "osm_GM1731.osm"]


def test_buurten_get_wijk_names_and_nabijheid(server, tmp_path):
    done = run(server, tmp_path, skip=("bag", "osm"))
    doc = json.loads(done.results["buurten"].path.read_text(encoding="utf-8"))
    props = {f["properties"]["buurtcode"]: f["properties"] for f in doc["features"]}
    assert {c: p["wijknaam"] for c, p in props.items()} == {
        "BU17310000": "Beilen", "BU17310009": "Beilen", "BU17310100": "Smilde",
        "BU17310109": "Smilde"}
    gp = {c: p["huisartsenpraktijk_gemiddelde_afstand_in_km"] for c, p in props.items()}
    # PDOK's own value kept (0.5, not StatLine's 0.4); -99995 replaced from StatLine;
    # a secret StatLine value leaves the CBS code in place
    assert gp == {"BU17310000": 0.5, "BU17310009": 2.1, "BU17310100": 0.7,
                  "BU17310109": -99995}
    assert props["BU17310100"]["grote_supermarkt_gemiddelde_afstand_in_km"] == 0.9
    assert "grote_supermarkt_gemiddelde_afstand_in_km" not in props["BU17310109"]
    assert props["BU17310000"]["aantal_inwoners"] == 4630  # everything else as served
    meta = json.loads(done.metadata_path.read_text(encoding="utf-8"))["downloads"]
    extra = meta["aanvulling"]
    assert extra["wijknaam_added"] == 4
    assert extra["nabijheid"]["huisartsenpraktijk_gemiddelde_afstand_in_km"] == {
        "pdok": 1, "cbs": 2, "missing": 1}
    assert extra["nabijheid_columns"]["grote_supermarkt_gemiddelde_afstand_in_km"] == \
        "AfstandTotGroteSupermarkt_96"
    assert any("Nabijheid" in n and "1 van PDOK, 2 van CBS StatLine" in n for n in done.notes)
    wijken = json.loads(done.results["wijken"].path.read_text(encoding="utf-8"))
    assert [f["properties"]["wijknaam"] for f in wijken["features"]] == ["Beilen", "Smilde"]


def test_bag_gpkg_in_the_bag_light_schema(server, tmp_path):
    done = run(server, tmp_path, skip=("bevolking", "osm"))
    path = done.results["bag"].path
    assert [name for name, _ in _gdal.list_layers(path)] == ["verblijfsobject", "pand"]
    vbo = _gdal.read_dataframe(path, layer="verblijfsobject")
    pand = _gdal.read_dataframe(path, layer="pand")
    assert vbo.crs.to_epsg() == 28992 and pand.crs.to_epsg() == 28992
    inside = {v[0] for v in VBOS} - {"1731010000000011"}  # the one across the border left out
    assert set(vbo["identificatie"]) == inside
    assert vbo["identificatie"].is_unique  # tile-edge duplicates dropped
    row = vbo.set_index("identificatie").loc["1731010000000007"]
    assert row["gebruiksdoel"] == "woonfunctie,gezondheidszorgfunctie"  # list joined
    assert row["pand_identificatie"] == "1731100000000005"  # pand.href resolved
    assert row["bouwjaar"] == 1930  # via the pand
    letter = vbo.set_index("identificatie").loc["1731010000000004"]
    assert (letter["huisletter"], letter["toevoeging"], letter["postcode"]) == ("A", "", "9411AC")
    assert "1731100000000008" not in set(pand["identificatie"])
    assert done.results["bag"].count == len(inside)
    meta = json.loads(done.metadata_path.read_text(encoding="utf-8"))["downloads"]["bag"]
    assert meta["tiles"] == len(bag_tiles(area_outline_rd(done.results["buurten"].path),
                                          TILE_M))
    assert meta["requests"] > 2 * meta["tiles"]  # some tiles needed a second page
    first = urllib.parse.parse_qs(urllib.parse.urlsplit(
        next(r for r in bag_requests(server) if "verblijfsobject" in r)).query)
    assert first["bbox-crs"] == first["crs"] == ["http://www.opengis.net/def/crs/EPSG/0/28992"]
    assert first["limit"] == ["1000"]


def test_tiles_only_where_the_municipality_is():
    import shapely
    l_shape = shapely.union_all([shapely.box(0, 0, 3000, 1000), shapely.box(0, 0, 1000, 3000)])
    tiles = bag_tiles(l_shape, 1000)
    assert len(tiles) == 5 and (2000, 2000, 3000, 3000) not in tiles
    with pytest.raises(ImportDataError, match="tegelgrootte"):
        bag_tiles(l_shape, 0)


def test_osm_saved_as_overpass_wrote_it(server, tmp_path):
    done = run(server, tmp_path, skip=("bevolking", "bag"))
    text = done.results["osm"].path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6"')
    assert text.index("<node") < text.index("<way")  # sorted: readers need nodes first
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(
        next(r for r in server.requests if "/overpass?" in r)).query)["data"][0]
    assert query.startswith("[out:xml][timeout:") and query.endswith("(._;>;);\nout body;")
    assert 'nwr["healthcare"];' in query and 'node["highway"="bus_stop"];' in query
    meta = json.loads(done.metadata_path.read_text(encoding="utf-8"))["downloads"]["osm"]
    # the buffer is the largest catchment (15 km)
    assert meta["tagged"] == 5 and meta["ways"] == 1 and meta["buffer_m"] == 15000
    w, s, e, n = meta["bbox_wgs84"]
    # the area plus 15 km (≈ 0.15° lon, 0.09° lat) on every side
    assert 6.15 < w < 6.26 and 6.71 < e < 6.85 and 52.7 < s < 52.77 and 53.07 < n < 53.12


# ---------------------------------------------------------------------- cache and resume


def test_second_run_comes_from_the_cache(server, tmp_path):
    cache = UrlCache(tmp_path / "cache")
    run(server, tmp_path / "a", cache=cache)
    server.requests.clear()
    again = run(server, tmp_path / "b", cache=UrlCache(tmp_path / "cache"))
    assert server.requests == []
    assert any("lokale cache" in n for n in again.notes)
    assert files(tmp_path / "b") == files(tmp_path / "a")
    server.requests.clear()
    run(server, tmp_path / "c", cache=UrlCache(tmp_path / "cache", refresh=True))
    assert len(server.requests) > 10  # --refresh asks the server again


def test_resume_after_interruption_requests_only_the_missing_parts(server, tmp_path):
    # the full list of BAG requests, from a run without cache
    server.requests.clear()
    run(server, tmp_path / "fresh", skip=("bevolking", "osm"))
    everything = bag_requests(server)
    assert len(everything) > 8

    cache_dir = tmp_path / "cache"
    out = tmp_path / "out"
    server.requests.clear()
    server.fail_after, server.bag_count = 5, 0
    with pytest.raises(ImportDataError) as err:
        run(server, out, cache=UrlCache(cache_dir), skip=("bevolking", "osm"))
    msg = str(err.value)
    assert "BAG" in msg and "verbinding werd onderbroken" in msg
    assert "bag_GM1731.gpkg" not in files(out)  # nothing half-written
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp")]
    got_first = bag_requests(server)[:5]

    server.requests.clear()
    server.fail_after = None
    done = run(server, out, cache=UrlCache(cache_dir), skip=("bevolking", "osm"))
    second = bag_requests(server)
    assert not set(second) & set(got_first)  # what arrived is not asked again
    assert sorted(second + got_first) == sorted(everything)  # and nothing else is missing
    assert not [r for r in server.requests if "/cbs/" in r]  # buurten/wijken from the cache
    assert done.results["bag"].count == len(VBOS) - 1


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(("scenario", "words"), [
    ("bag500", ["BAG", "HTTP 500", "Probeer het later opnieuw", "bag-light",
                "python -m geo build … --bag FILE"]),
    ("lonlat", ["RD-coördinaten", "crs=EPSG:28992"]),
])
def test_bag_errors_write_no_bag_file(server, tmp_path, scenario, words):
    with pytest.raises(ImportDataError) as err:
        run(server, tmp_path, skip=("bevolking", "osm"), urls=urls(server, "ok", bag=scenario))
    for word in words:
        assert word in str(err.value)
    assert "bag_GM1731.gpkg" not in files(tmp_path)


@pytest.mark.parametrize(("scenario", "words"), [
    ("osmremark", ["Overpass brak de zoekvraag af", "Query timed out"]),
    ("osm429", ["HTTP 429", "bij drukte", "--overpass-url",
                "python -m geo build … --facilities FILE"]),
    ("html", ["webpagina (HTML)"]),
])
def test_overpass_errors_write_nothing(server, tmp_path, scenario, words):
    cache = UrlCache(tmp_path / "cache")
    area = area_outline_rd(run(server, tmp_path / "b", skip=("bevolking", "bag", "osm"))
                           .results["buurten"].path)
    with pytest.raises(ImportDataError) as err:
        fetch_osm("GM1731", YEAR, tmp_path / "out", area,
                  base_url=server.base(scenario) + "/overpass", cache=cache, timeout=10)
    msg = str(err.value)
    assert msg.startswith("downloaden van de voorzieningen uit OpenStreetMap")
    for word in words:
        assert word in msg
    assert files(tmp_path / "out") == []
    assert list((tmp_path / "cache").glob("*.bin")) == []  # a refused answer is not cached


def test_offline_gives_a_dutch_message_and_writes_nothing(tmp_path):
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = f"http://127.0.0.1:{port}"
    with pytest.raises(ImportDataError) as err:
        fetch_region("GM1731", YEAR, tmp_path, urls=FetchUrls(dead, dead, dead, dead),
                     timeout=2)
    msg = str(err.value)
    assert "Geen internetverbinding?" in msg and "geweigerd" in msg
    assert files(tmp_path) == []


def test_unknown_part_and_year_fail_before_downloading(server, tmp_path):
    server.requests.clear()
    with pytest.raises(ImportDataError, match="onbekend onderdeel"):
        run(server, tmp_path, skip=("woningen",))
    with pytest.raises(ImportDataError, match="Bekende jaren"):
        fetch_region("GM1731", 2031, tmp_path, urls=urls(server))
    assert server.requests == [] and files(tmp_path) == []


def test_config_urls_from_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("WOONZORGATLAS_BAG_URL", server.base() + "/bag/")
    monkeypatch.setenv("WOONZORGATLAS_OVERPASS_URL", server.base() + "/overpass")
    cfg = Config.from_env()
    assert cfg.bag_url == server.base() + "/bag" and cfg.overpass_url.endswith("/overpass")
    with pytest.raises(ConfigError, match="bag_url"):
        Config.from_env({"WOONZORGATLAS_BAG_URL": "ftp://example.org"})
    with pytest.raises(ConfigError, match="overpass_url"):
        Config(data_dir=tmp_path, overpass_url="overpass-api.de")
    done = fetch_region("GM1731", YEAR, tmp_path, tile_m=TILE_M, timeout=10,
                        urls=FetchUrls(pdok=server.base(), cbs=server.base() + "/odata"))
    assert done.results["bag"].count == len(VBOS) - 1


# ---------------------------------------------------------------------- the chain


def test_fetch_build_analyse(server, tmp_path):
    """fetch → build → analyse: the fetched files make a region with homes and facilities."""
    from geo.analysis.gaps import analyse
    from geo.io.build import build_region
    from geo.io.importers.osm import read_osm_facilities

    done = run(server, tmp_path)
    osm = read_osm_facilities(done.results["osm"].path)
    assert osm.facilities["facility_type"].value_counts().to_dict() == EXPECTED_FACILITIES
    built = build_region(**done.build_inputs())
    region = built.region
    assert sorted(region.areas["buurt_code"]) == ["BU17310000", "BU17310009", "BU17310100",
                                                  "BU17310109"]
    assert set(region.areas["wijk_name"]) == {"Beilen", "Smilde"}  # names, not WK codes
    assert set(region.homes["home_id"]) == EXPECTED_HOMES
    homes = region.homes.set_index("home_id")
    assert homes.loc["1731010000000003", "dwelling_type"] == "multi_family"
    assert bool(homes.loc["1731010000000003", "step_free"])  # 2005 apartment
    assert not bool(homes.loc["1731010000000008", "step_free"])  # 1975 apartment
    assert homes.loc["1731010000000001", "construction_year"] == 1960
    assert region.facilities["facility_type"].value_counts().to_dict() == EXPECTED_FACILITIES
    assert region.population.drop(columns=["buurt_code", "estimated"]).to_numpy().sum() > 0
    result = analyse(region, year=2030)
    assert sorted(result.buurt["buurt_code"]) == sorted(region.areas["buurt_code"])
    assert len(result.homes) == len(EXPECTED_HOMES)


# ---------------------------------------------------------------------- command line


def cli(server, out: Path, *extra: str, scenario: str = "ok") -> list[str]:
    base = server.base(scenario)
    return ["fetch", "--gemeente", "1731", "--year", str(YEAR), "--out", str(out),
            "--pdok-url", base, "--cbs-url", base + "/odata", "--bag-url", base + "/bag",
            "--overpass-url", base + "/overpass", "--tile-km", "0.8", "--timeout", "10",
            *extra]


def test_cli_fetch_everything_then_build(server, tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    out = tmp_path / "dl"
    assert main(cli(server, out)) == 0
    captured = capsys.readouterr()
    assert "Gedownload voor GM1731 (2024)" in captured.out
    assert "bag: 10 verblijfsobjecten" in captured.out
    assert "osm: 5 objecten met voorzieningstags" in captured.out
    assert "wijken: 2 wijken" in captured.out and "Wijknamen: 4 buurten" in captured.out
    assert "[100%]" in captured.err and "BAG: tegel" in captured.err
    command = captured.out.split("Bouw de regio met:\n  ")[1].strip()
    assert command.startswith("python -m geo build --gemeente GM1731 --cbs ")
    assert f"--bag {out / 'bag_GM1731.gpkg'}" in command
    assert list((tmp_path / "data" / "cache" / "fetch").glob("*.bin"))  # cache in data dir

    args = command.removeprefix("python -m geo ").replace("regio.gpkg",
                                                          str(tmp_path / "r.gpkg")).split()
    assert main(args) == 0
    assert "8 woningen" in capsys.readouterr().out.replace(".", "")


def test_cli_skip_and_no_cache(server, tmp_path, monkeypatch, capsys):
    from geo.cli import main

    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    server.requests.clear()
    assert main(cli(server, tmp_path / "dl", "--skip", "bag", "osm", "--no-cache")) == 0
    out = capsys.readouterr().out
    assert "bag:" not in out and "osm:" not in out and "bevolking: 7 regio's" in out
    assert files(tmp_path / "dl") == ["bevolking_GM1731_2024.csv",
                                      "buurten_GM1731_2024.geojson", "fetch_GM1731_2024.json",
                                      "wijken_GM1731_2024.geojson"]
    assert not (tmp_path / "data").exists()
    assert not bag_requests(server)


def test_cli_offline_error_on_its_own_line(tmp_path, monkeypatch, capsys):
    import socket

    from geo.cli import main

    monkeypatch.setenv("WOONZORGATLAS_DATA_DIR", str(tmp_path / "data"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead = f"http://127.0.0.1:{port}"
    code = main(["fetch", "--gemeente", "1731", "--year", str(YEAR), "--out",
                 str(tmp_path / "dl"), "--pdok-url", dead, "--timeout", "2"])
    assert code == 2
    err = capsys.readouterr().err
    assert "\nFout: downloaden van de CBS-wijken van 2024 (PDOK) mislukt" in "\n" + err
    assert "Geen internetverbinding?" in err
    assert files(tmp_path / "dl") == []
