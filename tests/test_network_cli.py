"""The street network in the region package and the ``network`` / ``distances`` commands."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from regionkit import X0, Y0, tiny_region

from geo.cli import main
from geo.io.network import attach_network, build_network
from geo.io.region_package import load_region, write_region
from geo.model.crs import to_wgs84


def grid_xml(x0: float = X0 - 1000, y0: float = Y0 - 1000, n: int = 9, step: float = 500.0,
             island: bool = True) -> bytes:
    """A street grid (n × n nodes, ``step`` metres) from (x0, y0); optionally an island."""
    coords, ways = {}, []
    for i in range(n):
        for j in range(n):
            coords[1 + i * n + j] = (x0 + j * step, y0 + i * step)
    for i in range(n):
        ways.append(([1 + i * n + j for j in range(n)], {"highway": "residential"}))
        ways.append(([1 + j * n + i for j in range(n)], {"highway": "footway"}))
    if island:  # a path around a pond in buurt Alfa, not connected to the grid
        base = 10_000
        coords.update({base: (X0 + 200, Y0 + 1200), base + 1: (X0 + 300, Y0 + 1200)})
        ways.append(([base, base + 1], {"highway": "footway"}))
    ids = list(coords)
    lon, lat = to_wgs84([coords[i][0] for i in ids], [coords[i][1] for i in ids])
    nodes = [f'<node id="{i}" version="1" lat="{b:.9f}" lon="{a:.9f}"/>'
             for i, a, b in zip(ids, lon.tolist(), lat.tolist(), strict=True)]
    body = []
    for k, (refs, tags) in enumerate(ways, start=1):
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        tg = "".join(f'<tag k="{a}" v="{b}"/>' for a, b in tags.items())
        body.append(f'<way id="{k}" version="1">{nds}{tg}</way>')
    return ('<?xml version="1.0"?>\n<osm version="0.6">\n' + "\n".join(nodes + body)
            + "\n</osm>\n").encode()


@pytest.fixture
def region_file(tmp_path):
    return write_region(tiny_region(), tmp_path / "regio.gpkg")


def test_network_round_trips_in_the_region_package(tmp_path):
    region = tiny_region()
    build = build_network(grid_xml(), "raster.osm",
                          outline=region.areas.geometry.union_all(), buffer_m=500)
    with_net = attach_network(region, build, buffer_m=500)
    path = write_region(with_net, tmp_path / "met-netwerk.gpkg")
    back = load_region(path)
    net, orig = back.network, build.network
    assert net is not None and net.n_edges == orig.n_edges and net.n_nodes == orig.n_nodes
    np.testing.assert_allclose(net.length_m, orig.length_m)
    assert net.tags["highway"].tolist() == orig.tags["highway"].tolist()
    assert back.metadata["network_buffer_m"] == "500"
    assert "OpenStreetMap" in back.metadata["source_network"]
    # the region without a network still loads without one
    assert load_region(write_region(region, tmp_path / "zonder.gpkg")).network is None


def test_cli_network_then_distances(tmp_path, region_file, capsys):
    osm = tmp_path / "raster.osm"
    osm.write_bytes(grid_xml())
    out = tmp_path / "regio-net.gpkg"
    assert main(["network", "--region", str(region_file), "--osm", str(osm),
                 "--buffer-km", "1", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "wegvakken" in text and "Geschreven" in text
    assert load_region(out).network is not None

    origins = tmp_path / "woningen.csv"
    origins.write_text("id,x,y\n"
                       f"w1,{X0 + 250},{Y0 + 30}\n"      # 30 m north of the street y = Y0
                       f"w2,{X0 + 250},{Y0 + 1200}\n")   # on the island (buurt Alfa)
    destinations = tmp_path / "winkels.csv"
    destinations.write_text(f"id;x;y\nS1;{X0 + 1000:.0f};{Y0 - 20:.0f}\n")
    result = tmp_path / "afstanden.csv"
    for network in (out, osm):  # a region package with a network, or the OSM file itself
        assert main(["distances", "--network", str(network), "--origins", str(origins),
                     "--destinations", str(destinations), "--profile", "walk",
                     "--out", str(result)]) == 0
        text = capsys.readouterr().out
        table = pd.read_csv(result, dtype={"destination_id": str})
        assert list(table.columns) == ["origin_id", "destination_id", "distance_m", "minutes"]
        assert table.loc[0, "destination_id"] == "S1"
        assert table.loc[0, "distance_m"] == pytest.approx(30 + 750 + 20, abs=0.2)
        assert table.loc[0, "minutes"] == pytest.approx(800 / 1.25 / 60, abs=0.01)
        assert pd.isna(table.loc[1, "distance_m"]) and pd.isna(table.loc[1, "destination_id"])
        assert "geen bestemming bereikbaar: 1" in text
    # from the package, buurten are known: the island's buurt is named
    main(["distances", "--network", str(out), "--origins", str(origins),
          "--destinations", str(destinations), "--out", str(result)])
    assert "BU99990000: 1 van 1" in capsys.readouterr().out


def test_cli_network_bad_input_writes_nothing(tmp_path, region_file, capsys):
    before = region_file.read_bytes()
    out = tmp_path / "uit.gpkg"
    bad = tmp_path / "geen.osm.pbf"
    bad.write_bytes(b"dit is geen osm")
    assert main(["network", "--region", str(region_file), "--osm", str(bad),
                 "--out", str(out)]) == 2
    assert "geen OpenStreetMap-bestand" in capsys.readouterr().err
    far = tmp_path / "ver.osm"  # a grid 30 km away
    far.write_bytes(grid_xml(x0=X0 + 30_000, island=False))
    assert main(["network", "--region", str(region_file), "--osm", str(far),
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "dekt de regio niet" in err and "100%" in err
    assert not out.exists()
    assert region_file.read_bytes() == before
    # a region package without network for distances
    pts = tmp_path / "p.csv"
    pts.write_text(f"id,x,y\n1,{X0},{Y0}\n")
    assert main(["distances", "--network", str(region_file), "--origins", str(pts),
                 "--destinations", str(pts), "--out", str(tmp_path / "d.csv")]) == 2
    assert "heeft geen straatnetwerk" in capsys.readouterr().err
    assert not (tmp_path / "d.csv").exists()


def test_cli_distances_points_far_from_the_network(tmp_path, capsys):
    osm = tmp_path / "raster.osm"
    osm.write_bytes(grid_xml(island=False))
    pts = tmp_path / "p.csv"
    pts.write_text(f"id,x,y\n1,{X0 + 50_000},{Y0}\n")
    assert main(["distances", "--network", str(osm), "--origins", str(pts),
                 "--destinations", str(pts), "--out", str(tmp_path / "d.csv")]) == 2
    assert "dekt het gebied van de punten niet" in capsys.readouterr().err


def test_cli_distances_origin_far_from_any_street_is_not_reached(tmp_path, capsys):
    """A point kilometres away from the network is not 'reached' via a long straight leg."""
    osm = tmp_path / "raster.osm"
    osm.write_bytes(grid_xml(island=False))
    origins = tmp_path / "woningen.csv"
    origins.write_text("id,x,y\n"
                       f"w1,{X0 + 250},{Y0 + 30}\n"
                       f"w2,{X0 + 250},{Y0 + 60}\n"
                       f"ver,{X0 - 20_000},{Y0 - 20_000}\n")  # 20 km off the grid
    destinations = tmp_path / "winkels.csv"
    destinations.write_text(f"id,x,y\nS1,{X0 + 1000},{Y0 - 20}\n")
    result = tmp_path / "afstanden.csv"
    assert main(["distances", "--network", str(osm), "--origins", str(origins),
                 "--destinations", str(destinations), "--out", str(result)]) == 0
    table = pd.read_csv(result, dtype={"destination_id": str})
    assert table["distance_m"].notna().tolist() == [True, True, False]
    text = capsys.readouterr().out
    assert "geen bestemming bereikbaar: 1" in text and "niet bereikbaar" in text
