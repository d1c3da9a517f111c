"""OpenStreetMap extracts as Overpass, JOSM and Geofabrik write them (issue 11, kind 5).

Fixtures are generated here: XML in any element order (Overpass ``out qt``: ids not
sorted, ways and relations before the nodes they use; ``out geom``: coordinates on the way
nodes), gzip/bzip2 XML, and PBF written with pyosmium itself.
"""

from __future__ import annotations

import bz2
import gzip

import numpy as np
import osmium
import pytest
import shapely
from osmium.osm.mutable import Node, Relation, Way
from pyproj import Transformer

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io.importers.facilities import read_facilities
from geo.io.importers.osm import read_osm_facilities
from geo.io.osm_reader import OsmSelection, read_osm
from geo.io.uploads import is_osm, load_osm_bytes, osm_format

TO_RD = Transformer.from_crs(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS, always_xy=True)
LON0, LAT0 = 6.513, 52.862  # Beilen


def _tags(tags: dict[str, str]) -> str:
    return "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())


def node_xml(nid: int, lon: float, lat: float, tags: dict | None = None) -> str:
    return (f'<node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">'
            f"{_tags(tags or {})}</node>")


def way_xml(wid: int, refs: list[int], tags: dict) -> str:
    return (f'<way id="{wid}" version="1">' + "".join(f'<nd ref="{r}"/>' for r in refs)
            + _tags(tags) + "</way>")


def relation_xml(rid: int, members: list[tuple[int, str]], tags: dict) -> str:
    return (f'<relation id="{rid}" version="1">'
            + "".join(f'<member type="way" ref="{r}" role="{role}"/>' for r, role in members)
            + _tags(tags) + "</relation>")


def document(*elements: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="Overpass '
            'API 0.7.62">\n' + "\n".join(elements) + "\n</osm>\n").encode()


def square(first: int, lon: float, lat: float, d: float = 0.0004) -> list[tuple]:
    """Four corner nodes (id, lon, lat) counter-clockwise from the south-west."""
    return [(first, lon, lat), (first + 1, lon + d, lat), (first + 2, lon + d, lat + d),
            (first + 3, lon, lat + d)]


def ring(first: int) -> list[int]:
    return [first, first + 1, first + 2, first + 3, first]


def rd_box(corners: list[tuple]) -> shapely.Polygon:
    return shapely.Polygon([TO_RD.transform(lon, lat) for _, lon, lat in corners])


def facilities_by_id(result) -> dict:
    fac = result.facilities.set_index("facility_id")
    return dict(fac.iterrows())


# --------------------------------------------------------------------------- unsorted


# An Overpass 'out qt' export: the relation first, then ways, then nodes in quadtile (not
# id) order, several used before they appear.
GP_BUILDING = square(900, LON0, LAT0)                    # healthcare=doctor only
HOSPITAL_OUTER_A = [(810, LON0 + 0.01, LAT0), (811, LON0 + 0.012, LAT0),
                    (812, LON0 + 0.012, LAT0 + 0.002)]
HOSPITAL_OUTER_B = [(813, LON0 + 0.01, LAT0 + 0.002)]
HOSPITAL_INNER = square(820, LON0 + 0.0105, LAT0 + 0.0005, 0.001)
NURSING = square(700, LON0 + 0.02, LAT0)                 # social_facility only


def unsorted_extract() -> bytes:
    nodes = [*GP_BUILDING, *HOSPITAL_OUTER_A, *HOSPITAL_OUTER_B, *HOSPITAL_INNER, *NURSING]
    nodes = sorted(nodes, key=lambda n: -n[0])  # descending ids
    return document(
        relation_xml(5001, [(401, "outer"), (402, "outer"), (403, "inner")],
                     {"type": "multipolygon", "amenity": "hospital", "name": "Ziekenhuis"}),
        way_xml(301, ring(900), {"building": "yes", "healthcare": "doctor",
                                 "name": "Huisartsen Beilen"}),
        way_xml(402, [812, 813, 810], {}),               # second half of the outer ring
        way_xml(302, ring(700), {"building": "yes", "social_facility": "nursing_home",
                                 "name": "De Wijde Wereld", "beds": "48"}),
        way_xml(401, [810, 811, 812], {}),
        way_xml(403, ring(820), {}),
        node_xml(1, LON0 + 0.03, LAT0, {"healthcare": "pharmacy", "name": "Apotheek"}),
        *(node_xml(nid, lon, lat) for nid, lon, lat in nodes),
    )


def test_unsorted_overpass_extract_is_read_with_ways_and_relations():
    result = read_osm_facilities(unsorted_extract(), "overpass.osm")
    got = {fid: (row["facility_type"], row["name"])
           for fid, row in facilities_by_id(result).items()}
    assert got == {
        "osm_way_301": ("gp", "Huisartsen Beilen"),
        "osm_way_302": ("nursing_somatic", "De Wijde Wereld"),
        "osm_relation_5001": ("hospital", "Ziekenhuis"),
        "osm_node_1": ("pharmacy", "Apotheek"),
    }
    fac = facilities_by_id(result)
    assert rd_box(GP_BUILDING).contains(fac["osm_way_301"]["geometry"])
    assert rd_box(NURSING).contains(fac["osm_way_302"]["geometry"])
    assert fac["osm_way_302"]["capacity"] == 48.0
    # the hospital point lies in the outer ring, not in the courtyard (inner ring)
    outer = rd_box([*HOSPITAL_OUTER_A, *HOSPITAL_OUTER_B])
    hospital = fac["osm_relation_5001"]["geometry"]
    assert outer.contains(hospital) and not rd_box(HOSPITAL_INNER).contains(hospital)
    assert result.stats["polygons"] == 3 and result.stats["points"] == 1
    assert result.stats["unused"] == 0


def test_element_order_does_not_change_the_result():
    unsorted = read_osm_facilities(unsorted_extract(), "a.osm").facilities
    xml = unsorted_extract().decode().splitlines()
    body = [line for line in xml if line.startswith(("<node", "<way", "<relation"))]
    order = {"<no": 0, "<wa": 1, "<re": 2}
    body.sort(key=lambda line: order[line[:3]])  # sorted the Geofabrik way
    resorted = read_osm_facilities(document(*body), "b.osm").facilities
    a = unsorted.sort_values("facility_id").reset_index(drop=True)
    b = resorted.sort_values("facility_id").reset_index(drop=True)
    assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
    assert np.allclose(shapely.get_coordinates(a.geometry.values),
                       shapely.get_coordinates(b.geometry.values))


def test_overpass_out_geom_without_node_elements():
    """``out geom``: coordinates on the ``nd`` elements, no ``node`` elements at all."""
    nds = "".join(f'<nd ref="{nid}" lat="{lat}" lon="{lon}"/>'
                  for nid, lon, lat in [*GP_BUILDING, GP_BUILDING[0]])
    xml = document(f'<way id="301">{nds}{_tags({"amenity": "doctors"})}</way>')
    fac = facilities_by_id(read_osm_facilities(xml, "geom.osm"))
    assert list(fac) == ["osm_way_301"]
    assert rd_box(GP_BUILDING).contains(fac["osm_way_301"]["geometry"])


# --------------------------------------------------------------------------- tags alone


@pytest.mark.parametrize(("tags", "expected"), [
    ({"healthcare": "doctor"}, "gp"),
    ({"healthcare": "doctor", "healthcare:speciality": "general"}, "gp"),
    ({"healthcare": "pharmacy"}, "pharmacy"),
    ({"healthcare": "hospital"}, "hospital"),
    ({"healthcare": "doctor", "name": "Huisartsenpost Assen"}, "gp_post"),
    ({"social_facility": "nursing_home"}, "nursing_somatic"),
    ({"social_facility": "nursing_home", "social_facility:for": "dementia"},
     "nursing_dementia"),
    ({"social_facility": "assisted_living"}, "clustered_housing"),
    ({"social_facility": "group_home", "social_facility:for": "senior"},
     "clustered_housing"),
    ({"social_facility": "day_care"}, "day_care"),
    ({"social_facility": "day_care", "social_facility:for": "elderly"}, "day_care"),
    ({"social_facility": "outreach", "social_facility:for": "senior"}, "day_care"),
])
def test_healthcare_or_social_facility_alone_is_enough(tags, expected):
    for xml in (document(node_xml(1, LON0, LAT0, tags)),
                document(*(node_xml(n, lon, lat) for n, lon, lat in GP_BUILDING),
                         way_xml(9, ring(900), {"building": "yes", **tags}))):
        fac = read_osm_facilities(xml, "x.osm").facilities
        assert fac["facility_type"].tolist() == [expected]


# --------------------------------------------------------------------------- reported


def test_unused_tagged_objects_are_counted_per_reason_and_tag():
    xml = document(
        node_xml(1, LON0, LAT0, {"amenity": "doctors", "name": "Praktijk"}),
        node_xml(2, LON0, LAT0 + 0.001, {"amenity": "bench"}),
        node_xml(3, LON0, LAT0 + 0.002, {"amenity": "bench"}),
        node_xml(4, LON0, LAT0 + 0.003, {"healthcare": "physiotherapist"}),
        node_xml(5, LON0, LAT0 + 0.004, {"shop": "bakery"}),
        node_xml(6, LON0, LAT0 + 0.005, {"social_facility": "day_care",
                                         "social_facility:for": "disabled"}),
        node_xml(7, LON0, LAT0 + 0.006, {"healthcare": "doctor",
                                         "healthcare:speciality": "dermatology"}),
        node_xml(8, LON0, LAT0 + 0.007, {"highway": "street_lamp"}),
        # a way whose node 999 is not in the file (extract cut at its border)
        *(node_xml(n, lon, lat) for n, lon, lat in GP_BUILDING),
        way_xml(300, [900, 901, 999, 903, 900], {"amenity": "pharmacy"}),
        # relations: a member way missing, and a site relation (not an area)
        relation_xml(600, [(777, "outer")], {"type": "multipolygon", "amenity": "hospital"}),
        relation_xml(601, [(300, "")], {"type": "site", "amenity": "nursing_home"}),
    )
    result = read_osm_facilities(xml, "x.osm")
    assert result.facilities["facility_id"].tolist() == ["osm_node_1"]
    stats = result.stats
    assert stats["unused_no_type"] == 6
    assert stats["unused_no_type:amenity=bench"] == 2
    assert stats["unused_no_type:healthcare=physiotherapist"] == 1
    assert stats["unused_no_type:shop=bakery"] == 1
    assert stats["unused_no_type:social_facility=day_care"] == 1
    assert stats["unused_no_type:healthcare=doctor"] == 1
    assert stats["unused_missing_nodes:amenity=pharmacy"] == 1
    assert stats["unused_missing_members:amenity=hospital"] == 1
    assert stats["unused_not_multipolygon:amenity=nursing_home"] == 1
    assert stats["unused"] == 9
    assert stats["ignored_other"] == 1  # the street lamp: no facility key
    text = "\n".join(result.warnings)
    assert "amenity=bench (2)" in text
    assert "way 300" in text and "relation 600" in text and "relation 601" in text
    assert "out body" in text  # how to export the missing nodes


def test_nothing_usable_names_what_was_found():
    xml = document(node_xml(1, LON0, LAT0, {"amenity": "bench"}),
                   node_xml(2, LON0, LAT0, {"shop": "bakery"}))
    with pytest.raises(ImportDataError, match=r"geen voorzieningen.*amenity=bench \(1\)"):
        read_osm_facilities(xml, "x.osm")


def test_bbox_outside_is_counted():
    xml = document(node_xml(1, LON0, LAT0, {"amenity": "pharmacy"}),
                   node_xml(2, LON0 + 1, LAT0, {"amenity": "pharmacy"}),
                   node_xml(3, LON0 + 1, LAT0, {"highway": "crossing"}))
    result = read_osm_facilities(xml, "x.osm", bbox_wgs84=(6.4, 52.8, 6.6, 52.9))
    assert result.facilities["facility_id"].tolist() == ["osm_node_1"]
    assert result.stats["unused_outside_bbox"] == 1
    assert result.stats["unused"] == 1  # the crossing is no facility candidate


def test_open_way_is_placed_on_its_middle():
    pts = [(1, LON0, LAT0), (2, LON0 + 0.002, LAT0), (3, LON0 + 0.002, LAT0 + 0.002)]
    xml = document(*(node_xml(*p) for p in pts),
                   way_xml(10, [1, 2, 3], {"public_transport": "platform", "bus": "yes"}))
    result = read_osm_facilities(xml, "x.osm")
    point = result.facilities.geometry.iloc[0]
    assert result.facilities["facility_type"].tolist() == ["bus_stop"]
    assert result.stats["lines"] == 1
    line = shapely.LineString([TO_RD.transform(lon, lat) for _, lon, lat in pts])
    assert point.distance(line.interpolate(0.5, normalized=True)) < 0.01
    assert point.distance(shapely.Point(line.coords[1])) > 10  # not a vertex


def test_node_inside_a_multipolygon_merges_into_it():
    xml = document(
        relation_xml(7, [(401, "outer"), (402, "outer")],
                     {"type": "multipolygon", "amenity": "hospital"}),
        way_xml(401, [810, 811, 812], {}), way_xml(402, [812, 813, 810], {}),
        *(node_xml(*p) for p in [*HOSPITAL_OUTER_A, *HOSPITAL_OUTER_B]),
        node_xml(1, LON0 + 0.011, LAT0 + 0.001, {"amenity": "hospital", "name": "WZA"}),
    )
    result = read_osm_facilities(xml, "x.osm")
    fac = facilities_by_id(result)
    assert list(fac) == ["osm_relation_7"]
    assert fac["osm_relation_7"]["name"] == "WZA"
    assert result.stats["merged"] == 1


# --------------------------------------------------------------------------- formats


def test_compressed_xml_and_pbf_written_by_pyosmium(tmp_path):
    xml = unsorted_extract()
    expected = read_osm_facilities(xml, "x.osm").facilities.sort_values("facility_id")
    pbf = tmp_path / "drenthe.osm.pbf"
    writer = osmium.SimpleWriter(str(pbf))
    # ways before the nodes they use, relation first: unsorted PBF as well
    writer.add_relation(Relation(id=5001, members=[("w", 401, "outer"), ("w", 402, "outer"),
                                                   ("w", 403, "inner")],
                                 tags={"type": "multipolygon", "amenity": "hospital",
                                       "name": "Ziekenhuis"}))
    writer.add_way(Way(id=301, nodes=ring(900), tags={"healthcare": "doctor",
                                                      "name": "Huisartsen Beilen"}))
    writer.add_way(Way(id=302, nodes=ring(700), tags={"social_facility": "nursing_home",
                                                      "name": "De Wijde Wereld",
                                                      "beds": "48"}))
    for wid, refs in ((401, [810, 811, 812]), (402, [812, 813, 810]), (403, ring(820))):
        writer.add_way(Way(id=wid, nodes=refs, tags={}))
    writer.add_node(Node(id=1, location=(LON0 + 0.03, LAT0),
                         tags={"healthcare": "pharmacy", "name": "Apotheek"}))
    for nid, lon, lat in [*GP_BUILDING, *HOSPITAL_OUTER_A, *HOSPITAL_OUTER_B,
                          *HOSPITAL_INNER, *NURSING]:
        writer.add_node(Node(id=nid, location=(lon, lat)))
    writer.close()
    for data, name in ((pbf, None), (gzip.compress(xml), "x.osm.gz"),
                       (bz2.compress(xml), "x.osm.bz2")):
        got = read_facilities(data, name).facilities.sort_values("facility_id")
        assert got["facility_id"].tolist() == expected["facility_id"].tolist()
        assert got["facility_type"].tolist() == expected["facility_type"].tolist()
        assert np.allclose(shapely.get_coordinates(got.geometry.values),
                           shapely.get_coordinates(expected.geometry.values), atol=0.05)


def test_sniffing_osm_formats():
    xml = unsorted_extract()
    assert osm_format(xml) == "osm"
    assert osm_format(gzip.compress(xml)) == "osm.gz"
    assert osm_format(bz2.compress(xml)) == "osm.bz2"
    assert is_osm(gzip.compress(xml)[:4096]) and is_osm(bz2.compress(xml)[:200])
    assert osm_format(gzip.compress(b"naam;soort\n")) is None
    assert not is_osm(b"naam;soort\nA;huisarts\n")


def test_not_osm_gives_a_dutch_message():
    with pytest.raises(ImportDataError, match="is geen OpenStreetMap-bestand.*Overpass"):
        read_osm_facilities(b"naam;soort;x;y\nA;huisarts;1;2\n", "lijst.osm")
    with pytest.raises(ImportDataError, match="gecomprimeerd.*geen OpenStreetMap-XML"):
        load_osm_bytes(gzip.compress(b"naam;soort\n"), "lijst.osm.gz")
    broken = document(node_xml(1, LON0, LAT0, {"amenity": "pharmacy"}))[:-30]
    with pytest.raises(ImportDataError, match="kan niet als OpenStreetMap gelezen worden"):
        read_osm_facilities(broken, "kapot.osm")
    bomb = gzip.compress(b'<?xml version="1.0"?>\n<osm version="0.6"><!DOCTYPE osm '
                         b'[<!ENTITY a "aaaa">]></osm>')
    with pytest.raises(ImportDataError, match="entiteiten"):
        read_osm_facilities(bomb, "x.osm.gz")


# --------------------------------------------------------------------------- the reader


def test_reader_gives_ways_with_locations_for_networks():
    """What the street-network builder needs: highway ways, refs and locations (CSR)."""
    xml = document(
        way_xml(2, [3, 1, 2], {"highway": "residential"}),
        way_xml(1, [1, 4], {"highway": "footway"}),
        way_xml(3, [1, 5], {"building": "yes"}),
        node_xml(4, 6.51, 52.87), node_xml(2, 6.52, 52.86),
        node_xml(1, 6.51, 52.86), node_xml(3, 6.50, 52.86),
    )
    ext = read_osm(xml, "osm", OsmSelection(way_keys=("highway",)))
    ways = ext.ways
    assert ways.ids.tolist() == [2, 1]
    assert ways.offsets.tolist() == [0, 3, 5]
    assert ways.refs.tolist() == [3, 1, 2, 1, 4]
    assert np.allclose(ways.lon, [6.50, 6.51, 6.52, 6.51, 6.51])
    assert np.allclose(ways.lat, [52.86, 52.86, 52.86, 52.86, 52.87])
    assert ways.missing.tolist() == [0, 0] and ways.closed.tolist() == [False, False]
    assert [g.geom_type for g in ways.geometries()] == ["LineString", "LineString"]
    assert ways.tags[0] == {"highway": "residential"}
    assert len(ext.nodes.ids) == 0 and len(ext.areas.ids) == 0


def test_reader_marks_missing_nodes_and_members():
    xml = document(
        way_xml(1, [1, 2, 3, 1], {"amenity": "x"}),
        way_xml(2, [1, 2, 3, 4, 1], {"amenity": "y"}),
        relation_xml(9, [(1, "outer"), (55, "outer")], {"type": "multipolygon", "amenity": "z"}),
        relation_xml(10, [(1, "outer")], {"type": "multipolygon", "amenity": "z"}),
        node_xml(1, 6.5, 52.8), node_xml(2, 6.51, 52.8), node_xml(3, 6.51, 52.81),
    )
    ext = read_osm(xml, "osm", OsmSelection(way_keys=("amenity",), area_keys=("amenity",)))
    assert ext.ways.missing.tolist() == [0, 1]
    geoms = ext.ways.geometries()
    assert geoms[0].geom_type == "Polygon" and geoms[1] is None
    assert ext.areas.problem == ["missing_members", ""]
    assert ext.areas.geometry[1].equals(geoms[0])
