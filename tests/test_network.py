"""Street-network distances: known answers on tiny hand-made OSM networks.

Networks are drawn in RD metres around (230000, 545000) and written as OSM XML (lon/lat
from RD), so the expected metres are exact up to OSM's 1e-7° coordinate precision (~1 cm).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.analysis.network import (
    nearest_network,
    nearest_network_distance,
    nearest_with_added,
    network_service_area,
    prepare_network,
    unreachable_by_area,
)
from geo.errors import ImportDataError, NetworkError
from geo.io.network import build_network, read_points_csv
from geo.model.crs import to_wgs84
from geo.model.profiles import edge_speeds, metres_to_minutes, minutes_to_metres

X0, Y0 = 230_000.0, 545_000.0
TOL = 0.1  # metres


def osm_xml(nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict]],
            *, shuffle: bool = False) -> bytes:
    """OSM XML of nodes given in local RD metres (offset by X0, Y0) and tagged ways."""
    ids = list(nodes)
    lon, lat = to_wgs84([X0 + nodes[i][0] for i in ids], [Y0 + nodes[i][1] for i in ids])
    node_xml = [f'  <node id="{i}" version="1" lat="{la:.9f}" lon="{lo:.9f}"/>'
                for i, lo, la in zip(ids, lon.tolist(), lat.tolist(), strict=True)]
    way_xml = []
    for k, (refs, tags) in enumerate(ways, start=1):
        body = "".join(f'<nd ref="{r}"/>' for r in refs)
        body += "".join(f'<tag k="{key}" v="{val}"/>' for key, val in tags.items())
        way_xml.append(f'  <way id="{k}" version="1">{body}</way>')
    items = way_xml + node_xml if shuffle else node_xml + way_xml  # unsorted: ways first
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
            + "\n".join(items) + "\n</osm>\n").encode()


def xy(*points: tuple[float, float]) -> np.ndarray:
    return np.array([[X0 + x, Y0 + y] for x, y in points])


def canal_xml() -> bytes:
    """A canal along x = 500 with three crossings, streets on both banks.

    Steps at y = 1000, a level footbridge at y = 1400, a road bridge at y = 1800.
    """
    nodes = {1: (450, 0), 2: (450, 1000), 3: (450, 1400), 4: (450, 1800), 5: (450, 2000),
             11: (550, 0), 12: (550, 1000), 13: (550, 1400), 14: (550, 1800), 15: (550, 2000)}
    street = {"highway": "residential", "surface": "asphalt"}
    ways = [([1, 2, 3, 4, 5], street), ([11, 12, 13, 14, 15], street),
            ([2, 12], {"highway": "steps", "bridge": "yes"}),
            ([3, 13], {"highway": "footway", "bridge": "yes"}),
            ([4, 14], {"highway": "residential", "bridge": "yes"})]
    return osm_xml(nodes, ways)


HOME = (400, 1000)  # 50 m west of the west street
SHOP = (600, 1000)  # 50 m east of the east street


@pytest.fixture(scope="module")
def canal():
    return build_network(canal_xml(), "kanaal.osm").network


@pytest.mark.parametrize(("profile", "expected"), [
    ("walk", 50 + 100 + 50),                # over the steps
    ("walk75", 50 + 100 + 50),
    ("rollator", 50 + 400 + 100 + 400 + 50),  # the level footbridge
    ("scootmobiel", 50 + 400 + 100 + 400 + 50),
    ("car", 50 + 800 + 100 + 800 + 50),     # the road bridge
    ("bike", 50 + 800 + 100 + 800 + 50),    # footbridge without bicycle=yes
])
def test_canal_crossings_differ_per_profile(canal, profile, expected):
    dist, nearest = nearest_network_distance(canal, profile, xy(HOME), xy(SHOP))
    assert dist[0] == pytest.approx(expected, abs=TOL)
    assert nearest.tolist() == [0]


def test_canal_network_is_split_at_junctions(canal):
    # 4 street pieces per bank + 3 bridges; 10 nodes
    assert canal.n_edges == 11
    assert canal.n_nodes == 10
    assert canal.length_m.sum() == pytest.approx(2 * 2000 + 3 * 100, abs=0.5)


def test_minutes_follow_the_profile_speed(canal):
    walk = nearest_network(canal, "walk", xy(HOME), xy(SHOP))
    assert walk.minutes[0] == pytest.approx(200 / 1.25 / 60, abs=0.01)
    slow = nearest_network(canal, "rollator", xy(HOME), xy(SHOP))
    assert slow.minutes[0] == pytest.approx(1000 / 0.65 / 60, abs=0.01)
    car = nearest_network(canal, "car", xy(HOME), xy(SHOP))  # residential: 30 km/h
    assert car.minutes[0] == pytest.approx(1800 / (30 / 3.6) / 60, abs=0.01)


def one_way_xml() -> bytes:
    """A block A(0,0) B(300,0) C(300,200) D(0,200); A→B is one-way."""
    nodes = {1: (0, 0), 2: (300, 0), 3: (300, 200), 4: (0, 200)}
    road = {"highway": "residential"}
    return osm_xml(nodes, [([1, 2], {**road, "oneway": "yes"}), ([2, 3, 4, 1], road)])


def test_one_way_street_car_goes_round_walker_does_not():
    net = build_network(one_way_xml(), "eenrichting.osm").network
    home, shop = xy((280, -10)), xy((20, -10))  # both beside A→B, the shop behind the home
    walk, _ = nearest_network_distance(net, "walk", home, shop)
    car, _ = nearest_network_distance(net, "car", home, shop)
    assert walk[0] == pytest.approx(10 + 260 + 10, abs=TOL)  # same edge, straight back
    assert car[0] == pytest.approx(10 + 20 + 200 + 300 + 200 + 20 + 10, abs=TOL)
    # the other way round the car may drive along the one-way street
    car_back, _ = nearest_network_distance(net, "car", shop, home)
    assert car_back[0] == pytest.approx(10 + 260 + 10, abs=TOL)


def test_oneway_for_bikes_exempt():
    tags = pd.DataFrame({"highway": ["residential"] * 2, "oneway": ["yes"] * 2,
                         "oneway:bicycle": ["no", ""]})
    fw, bw = edge_speeds(tags, "bike")
    assert fw.tolist() == [15.0, 15.0] and bw.tolist() == [15.0, 0.0]


def island_xml() -> bytes:
    nodes = {1: (0, 0), 2: (1000, 0), 3: (0, 500), 4: (200, 500)}
    road = {"highway": "residential"}
    return osm_xml(nodes, [([1, 2], road), ([3, 4], road)])


def test_unreachable_island_is_inf_and_counted():
    net = build_network(island_xml(), "eiland.osm").network
    origins = xy((500, 10), (100, 510), (150, 490))
    result = nearest_network(net, "walk", origins, xy((900, -10)))
    assert result.distance_m[0] == pytest.approx(10 + 400 + 10, abs=TOL)
    assert np.isinf(result.distance_m[1:]).all()
    assert result.nearest.tolist() == [0, -1, -1]
    assert result.unreachable == 2
    table = unreachable_by_area(result.distance_m, np.array(["BU01", "BU02", "BU02"]))
    assert table.to_dict("records") == [
        {"code": "BU02", "origins": 2, "unreachable": 2, "share": 1.0}]


def test_projection_onto_nearest_edge_not_node():
    # one 1000-m street; the home lies 30 m beside its middle, the shop at the far end
    nodes = {1: (0, 0), 2: (1000, 0)}
    net = build_network(osm_xml(nodes, [([1, 2], {"highway": "residential"})]),
                        "straat.osm").network
    dist, _ = nearest_network_distance(net, "walk", xy((500, 30)), xy((1000, 0)))
    assert dist[0] == pytest.approx(30 + 500, abs=TOL)  # a node snap would give 500 + 510
    # a bent street: the projection falls on the second segment
    nodes = {1: (0, 0), 2: (400, 0), 3: (400, 400)}
    net = build_network(osm_xml(nodes, [([1, 2, 3], {"highway": "footway"})]),
                        "bocht.osm").network
    dist, _ = nearest_network_distance(net, "walk", xy((420, 100)), xy((0, -5)))
    assert dist[0] == pytest.approx(20 + 100 + 400 + 5, abs=TOL)


def test_nearest_of_several_and_same_edge():
    nodes = {1: (0, 0), 2: (1000, 0)}
    net = build_network(osm_xml(nodes, [([1, 2], {"highway": "residential"})]),
                        "straat.osm").network
    dist, nearest = nearest_network_distance(
        net, "walk", xy((100, 0), (900, 0), (480, 0)), xy((0, 0), (600, 10), (1000, 0)))
    assert dist.tolist() == pytest.approx([100, 100, 130], abs=TOL)
    assert nearest.tolist() == [0, 2, 1]


def test_limit_and_added_facility():
    nodes = {1: (0, 0), 2: (1000, 0)}
    net = build_network(osm_xml(nodes, [([1, 2], {"highway": "residential"})]),
                        "straat.osm").network
    origins = xy((100, 0), (800, 0))
    dist, _ = nearest_network_distance(net, "walk", origins, xy((0, 0)), limit_m=500)
    assert dist[0] == pytest.approx(100, abs=TOL) and np.isinf(dist[1])
    base = nearest_network_distance(net, "walk", origins, xy((0, 0)))
    new_d, new_j = nearest_with_added(net, "walk", origins, base, xy((1000, 0))[0], 1)
    full_d, full_j = nearest_network_distance(net, "walk", origins, xy((0, 0), (1000, 0)))
    assert new_d.tolist() == pytest.approx(full_d.tolist())
    assert new_j.tolist() == full_j.tolist() == [0, 1]


def test_service_area_follows_the_canal(canal):
    area = network_service_area(canal, "rollator", xy(SHOP)[0], 600, street_width_m=20)
    # reached: the east bank around the shop; the west bank only beyond the footbridge
    assert area.contains(shapely.Point(X0 + 550, Y0 + 1300))
    assert not area.contains(shapely.Point(X0 + 450, Y0 + 1000))  # across the steps: 1100 m
    walk = network_service_area(canal, "walk", xy(SHOP)[0], 600, street_width_m=20)
    assert walk.contains(shapely.Point(X0 + 450, Y0 + 1000))


def test_prepared_network_is_cached(canal):
    prepared = prepare_network(canal)
    assert prepare_network(canal) is prepared
    assert prepared.graph("walk") is prepared.graph("walk")
    a = prepared.snap("walk", xy(HOME))
    assert prepared.snap("walk", xy(HOME)) is a


def test_unsorted_xml_and_pbf_give_the_same_network(tmp_path):
    import osmium
    from osmium.osm.mutable import Node, Way

    unsorted = build_network(osm_xml(*_nodes_ways(), shuffle=True), "los.osm").network
    nodes, ways = _nodes_ways()
    lon, lat = to_wgs84([X0 + p[0] for p in nodes.values()], [Y0 + p[1] for p in nodes.values()])
    path = tmp_path / "kanaal.osm.pbf"
    writer = osmium.SimpleWriter(str(path))
    for nid, x, y in zip(nodes, lon.tolist(), lat.tolist(), strict=True):
        writer.add_node(Node(id=nid, location=(x, y)))
    for k, (refs, tags) in enumerate(ways, start=1):
        writer.add_way(Way(id=k, nodes=refs, tags=tags))
    writer.close()
    pbf = build_network(path).network
    for net in (unsorted, pbf):
        assert net.n_edges == 11
        dist, _ = nearest_network_distance(net, "rollator", xy(HOME), xy(SHOP))
        assert dist[0] == pytest.approx(1000, abs=TOL)


def _nodes_ways():
    nodes = {1: (450, 0), 2: (450, 1000), 3: (450, 1400), 4: (450, 1800), 5: (450, 2000),
             11: (550, 0), 12: (550, 1000), 13: (550, 1400), 14: (550, 1800), 15: (550, 2000)}
    street = {"highway": "residential"}
    return nodes, [([1, 2, 3, 4, 5], street), ([11, 12, 13, 14, 15], street),
                   ([2, 12], {"highway": "steps"}), ([3, 13], {"highway": "footway"}),
                   ([4, 14], {"highway": "residential"})]


# --------------------------------------------------------------------------- clipping, bad input


def test_clip_to_outline_plus_buffer():
    nodes = {1: (0, 0), 2: (1000, 0), 3: (2000, 0), 4: (9000, 0)}
    net = build_network(osm_xml(nodes, [([1, 2, 3, 4], {"highway": "residential"})]),
                        "lang.osm", outline=shapely.box(X0 - 10, Y0 - 500, X0 + 1500, Y0 + 500),
                        buffer_m=600).network
    # node 4 (7.5 km beyond the outline) is cut off; the way ends at node 3
    assert net.node_xy[:, 0].max() == pytest.approx(X0 + 2000, abs=0.05)


def test_not_osm_is_refused_in_dutch():
    with pytest.raises(ImportDataError, match="geen OpenStreetMap-bestand"):
        build_network(b"id;x;y\n1;2;3\n", "punten.csv")


def test_extract_that_misses_the_region_says_how_much():
    outline = shapely.box(X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000)
    with pytest.raises(NetworkError, match=r"dekt de regio niet.*westkant \d+\.\d km"):
        build_network(canal_xml(), "kanaal.osm", outline=outline)


def test_file_without_roads():
    xml = osm_xml({1: (0, 0), 2: (10, 0)}, [([1, 2], {"waterway": "canal"})])
    with pytest.raises(NetworkError, match="geen wegen"):
        build_network(xml, "water.osm")


def test_profile_without_usable_ways():
    xml = osm_xml({1: (0, 0), 2: (100, 0)}, [([1, 2], {"highway": "footway"})])
    net = build_network(xml, "pad.osm").network
    with pytest.raises(NetworkError, match="profiel 'car'.*geen enkele weg"):
        nearest_network_distance(net, "car", xy((0, 0)), xy((100, 0)))


def test_minutes_norm_helpers():
    assert minutes_to_metres(10, "walk") == pytest.approx(750)
    assert metres_to_minutes(750.0, "walk") == pytest.approx(10)
    assert minutes_to_metres(10, "rollator") == pytest.approx(390)


@pytest.mark.parametrize(("text", "match"), [
    (b"nr,x,y\n1,230000,545000\n", "kolom\\(men\\) id ontbreken"),
    (b"id,x,y\n1,6.5,52.8\n", "graden"),
    (b"id,x,y\na,230000,545000\na,230001,545000\n", "uniek"),
    (b"id;x;y\na;abc;545000\n", "'punten.csv'.*'abc'"),
    (b"id;x;y\na;;545000\n", "regel 2"),
])
def test_points_csv_bad_input(text, match):
    with pytest.raises(ImportDataError, match=match):
        read_points_csv(text, "punten.csv")


def test_points_csv_dutch_decimals():
    frame = read_points_csv(b"id;x;y;buurt_code\nA;230000,5;545000;BU1\n", "p.csv")
    assert frame.to_dict("records") == [{"id": "A", "x": 230000.5, "y": 545000.0,
                                         "buurt_code": "BU1"}]


def test_norms_in_minutes_become_metres_at_the_profile_speed(tmp_path):
    from geo.errors import NormsError
    from geo.io.norms_file import load_norms
    from geo.model.norms import norms_from_dict

    path = tmp_path / "normen.toml"
    path.write_text('walking_profile = "walk75"\n[walking]\nsupermarket = 600\n'
                    "[walking_minutes]\ngp = 15\n", encoding="utf-8")
    norms = load_norms(str(path))
    assert norms.walking["gp"] == pytest.approx(15 * 60 * 0.75)
    assert norms.walking["supermarket"] == 600  # metres keep working
    assert norms.walking_minutes == {"gp": 15.0} and norms.walking_profile == "walk75"
    assert norms.with_overrides({"walking_profile": "rollator"}).walking["gp"] == \
        pytest.approx(15 * 60 * 0.65)
    with pytest.raises(NormsError, match="walking_profile.*onbekend vervoersprofiel"):
        norms_from_dict({"walking_profile": "raket", "walking_minutes": {"gp": 5}})


def test_network_catchment_matches_single_destination_distances(canal):
    from geo.analysis.fca import fca_from_catchment
    from geo.analysis.network_catchment import network_catchment

    rng = np.random.default_rng(3)
    homes = xy(*[(float(x), float(y)) for x, y in
                 zip(rng.uniform(380, 620, 40), rng.uniform(-50, 2050, 40), strict=True)])
    shops = xy(SHOP, (420, 1500), (560, 100))
    radius = 900.0
    for profile in ("walk", "rollator", "car"):
        c = network_catchment(canal, profile, homes, shops, radius, batch=2)
        got = {(int(i), int(j)): float(d) for i, j, d in
               zip(c.demand_index, c.supply_index, c.distance, strict=True)}
        want = {}
        for j in range(len(shops)):
            d, _ = nearest_network_distance(canal, profile, homes, shops[j:j + 1])
            want.update({(i, j): float(d[i]) for i in np.flatnonzero(d <= radius)})
        assert got.keys() == want.keys()
        assert all(got[k] == pytest.approx(want[k]) for k in got)
        assert np.all(np.diff(c.supply_index) >= 0)
    fca_from_catchment(c, np.ones(len(homes)), np.ones(len(shops)))  # usable as is
