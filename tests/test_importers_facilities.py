"""Facility lists (CSV, GeoJSON, GeoPackage) and OpenStreetMap extracts → facilities."""

from __future__ import annotations

import json
import struct
import zlib

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from regionkit import tiny_region

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io.importers.facilities import Facilities, read_facilities
from geo.io.importers.osm import OSM_NOTE, read_osm_facilities
from geo.model.region import Region, validate_region

TO_RD = Transformer.from_crs(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS, always_xy=True)
TO_WGS84 = Transformer.from_crs(vocabulary.METRIC_CRS, vocabulary.DISPLAY_CRS, always_xy=True)

# Beilen-ish, WGS84
LON0, LAT0 = 6.513, 52.862

RD_CSV = (
    "id;soort;naam;exploitant;capaciteit;x;y\n"
    "F1;Huisarts;Praktijk De Brink;Zorggroep;2100;233500,5;542400\n"
    "F2;apotheek;Apotheek Beilen;;;233600;542450\n"
    "F3;Supermarkt;Super Beilen;;-99997;233700;542500\n"
    "F4;verpleeghuis PG;De Horst;Zorggroep Drenthe;40;233800;542550\n"
    "F5;gp;Huisarts Oost;;.;233900;542600\n"
    "F6;Ontmoetingsplek / dorpshuis;Dorpshuis;;;234000;542650\n"
    "F7;bushalte;;;;234100;542700\n"
)


def wgs84_csv(sep: str = ",") -> bytes:
    rows = [("name", "type", "lon", "lat"),
            ("Apotheek Smilde", "pharmacy", f"{LON0:.5f}", f"{LAT0:.5f}"),
            ("Ziekenhuis", "Ziekenhuis", f"{LON0 + 0.01:.5f}", f"{LAT0 + 0.01:.5f}"),
            ("Halte Kerk", "bus_stop", f"{LON0 - 0.01:.5f}", f"{LAT0 - 0.01:.5f}")]
    return "\n".join(sep.join(r) for r in rows).encode()


def test_rd_csv_known_answer():
    result = read_facilities(RD_CSV.encode(), "voorzieningen.csv")
    assert isinstance(result, Facilities)
    fac = result.facilities.set_index("facility_id")
    assert list(fac.index) == [f"F{i}" for i in range(1, 8)]
    assert list(fac["facility_type"]) == ["gp", "pharmacy", "supermarket", "nursing_dementia", "gp",
                                 "community_centre", "bus_stop"]
    assert fac.loc["F1", "capacity"] == 2100.0
    assert np.isnan(fac.loc["F3", "capacity"])   # CBS sentinel
    assert np.isnan(fac.loc["F5", "capacity"])   # "."
    assert fac.loc["F4", "operator"] == "Zorggroep Drenthe"
    assert fac.loc["F2", "operator"] == ""
    assert fac.loc["F7", "name"] == "Bushalte"   # empty name filled with the type's label
    assert result.stats == {"read": 7, "ids_generated": 0, "names_filled": 1, "kept": 7}
    assert any("zonder naam" in w for w in result.warnings)
    assert fac.crs.equals(vocabulary.METRIC_CRS)
    assert fac.loc["F1", "geometry"].equals(shapely.Point(233500.5, 542400))
    assert result.source == "eigen lijst 'voorzieningen.csv'"


@pytest.mark.parametrize("sep", [",", ";"])
def test_wgs84_csv_is_projected_and_ids_generated(sep):
    result = read_facilities(wgs84_csv(sep), "lijst.csv", source_label="GGD-register 2024")
    fac = result.facilities
    assert list(fac["facility_id"]) == ["U0001", "U0002", "U0003"]
    assert list(fac["facility_type"]) == ["pharmacy", "hospital", "bus_stop"]
    assert result.stats["ids_generated"] == 3
    assert result.source == "GGD-register 2024"
    x, y = TO_RD.transform(LON0, LAT0)
    assert fac.geometry.iloc[0].distance(shapely.Point(x, y)) < 0.01
    assert "capacity" in fac.columns and fac["capacity"].isna().all()


def test_rd_and_wgs84_columns_together_use_rd():
    csv = b"naam;type;x;y;lat;lon\nA;gp;233500;542400;52.8;6.5\n"
    result = read_facilities(csv, "a.csv")
    assert result.facilities.geometry.iloc[0].equals(shapely.Point(233500, 542400))
    assert any("RD" in w for w in result.warnings)


def test_degrees_in_xy_columns_are_an_error():
    csv = b"naam;type;x;y\nA;gp;6,5;52,9\n"
    with pytest.raises(ImportDataError, match="graden") as err:
        read_facilities(csv, "a.csv")
    assert "'lon' en 'lat'" in str(err.value) and "a.csv" in str(err.value)


def test_metres_in_lonlat_columns_are_an_error():
    csv = b"naam,type,longitude,latitude\nA,gp,233500,542400\n"
    with pytest.raises(ImportDataError, match="RD-meters") as err:
        read_facilities(csv, "a.csv")
    assert "'x' en 'y'" in str(err.value)


def test_swapped_lonlat_is_an_error():
    csv = b"naam,type,lon,lat\nA,gp,52.9,6.5\n"
    with pytest.raises(ImportDataError, match="verwisseld"):
        read_facilities(csv, "a.csv")


def test_coordinates_outside_the_netherlands_name_the_rows():
    csv = b"naam;type;x;y\nA;gp;233500;542400\nB;gp;233500;542400\nC;gp;900000;542400\n"
    with pytest.raises(ImportDataError, match="regel 4"):
        read_facilities(csv, "a.csv")


def test_missing_coordinates_name_the_rows():
    csv = b"naam;type;x;y\nA;gp;233500;542400\nB;gp;;\n"
    with pytest.raises(ImportDataError, match="regel 3"):
        read_facilities(csv, "a.csv")


def test_no_coordinate_columns_lists_found_and_accepted_names():
    csv = b"naam;type;adres\nA;gp;Brink 1\n"
    with pytest.raises(ImportDataError, match="coördinaatkolommen") as err:
        read_facilities(csv, "a.csv")
    message = str(err.value)
    assert "naam, type, adres" in message
    assert "lon" in message and "x_rd" in message and "breedtegraad" in message


def test_unknown_types_are_listed_with_the_allowed_ones():
    csv = b"naam;type;x;y\nA;tandarts;233500;542400\nB;gp;233500;542400\nC;Fysio;233500;542400\n"
    with pytest.raises(ImportDataError, match="onbekend soort") as err:
        read_facilities(csv, "a.csv")
    message = str(err.value)
    assert "'Fysio'" in message and "'tandarts'" in message
    for code in vocabulary.FACILITY_TYPES:
        assert code in message
    assert "regel 2, 4" in message


def test_duplicate_ids_are_an_error():
    csv = b"id;naam;type;x;y\nA1;A;gp;233500;542400\nA1;B;gp;233600;542400\n"
    with pytest.raises(ImportDataError, match="dubbel") as err:
        read_facilities(csv, "a.csv")
    assert "A1" in str(err.value)


def test_empty_id_is_an_error():
    csv = b"id;naam;type;x;y\nA1;A;gp;233500;542400\n;B;gp;233600;542400\n"
    with pytest.raises(ImportDataError, match="id is leeg"):
        read_facilities(csv, "a.csv")


def test_missing_name_column_is_an_error():
    csv = b"type;x;y\ngp;233500;542400\n"
    with pytest.raises(ImportDataError, match="name") as err:
        read_facilities(csv, "a.csv")
    assert "naam" in str(err.value)


def test_bad_capacities():
    with pytest.raises(ImportDataError, match="negatief"):
        read_facilities(b"naam;type;capaciteit;x;y\nA;gp;-5;233500;542400\n", "a.csv")
    with pytest.raises(ImportDataError, match="a.csv") as err:
        read_facilities(b"naam;type;capaciteit;x;y\nA;gp;ca. 40;233500;542400\n", "a.csv")
    assert "geen getal" in str(err.value)


def test_header_only_is_an_error():
    with pytest.raises(ImportDataError, match="geen voorzieningen"):
        read_facilities(b"naam;type;x;y\n", "a.csv")


def test_geojson_points_and_polygon():
    x, y = TO_WGS84.transform(233500, 542400)
    features = [
        {"type": "Feature", "properties": {"naam": "Apotheek", "soort": "apotheek", "id": "A"},
         "geometry": {"type": "Point", "coordinates": [x, y]}},
        {"type": "Feature", "properties": {"naam": "De Horst", "soort": "Verpleeghuis",
                                           "id": "B", "capaciteit": 60},
         "geometry": {"type": "Polygon", "coordinates": [[[x, y], [x + 0.001, y],
                                                          [x + 0.001, y + 0.001],
                                                          [x, y + 0.001], [x, y]]]}},
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = read_facilities(data, "v.geojson")
    fac = result.facilities.set_index("facility_id")
    assert list(fac["facility_type"]) == ["pharmacy", "nursing_somatic"]
    assert fac.loc["B", "capacity"] == 60.0
    assert (fac.geom_type == "Point").all()
    assert fac.geometry.iloc[0].distance(shapely.Point(233500, 542400)) < 0.01
    assert any("vlak" in w for w in result.warnings)


def test_geopackage_layer(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"facility_id": ["F1", "F2"], "facility_type": ["supermarket", "gp_post"],
         "name": ["Super", "Huisartsenpost"], "operator": ["X", "Y"], "capacity": [None, 5.0],
         "woonplaats": ["Beilen", "Smilde"]},
        geometry=[shapely.Point(233500, 542400), shapely.Point(226600, 552400)],
        crs=vocabulary.METRIC_CRS)
    path = tmp_path / "lijst.gpkg"
    pyogrio.write_dataframe(gdf, path, layer="voorzieningen", driver="GPKG")
    pyogrio.write_dataframe(gdf.iloc[:1], path, layer="oud", driver="GPKG")
    result = read_facilities(path, layer="voorzieningen")
    fac = result.facilities
    assert list(fac["facility_id"]) == ["F1", "F2"]
    assert list(fac["woonplaats"]) == ["Beilen", "Smilde"]
    assert fac["capacity"].iloc[1] == 5.0
    assert result.source == "eigen lijst 'lijst.gpkg'"


def test_facilities_fit_the_region_schema():
    fac = read_facilities(RD_CSV.encode(), "v.csv").facilities
    base = tiny_region()
    region = validate_region(Region(areas=base.areas, population=base.population,
                                    homes=base.homes, facilities=fac, metadata=base.metadata))
    assert len(region.facilities) == 7


# --------------------------------------------------------------------------- OpenStreetMap
# Nodes (id, lat, lon, tags); ways (id, node refs, tags). The GP practice is mapped twice:
# as a building (way 100) and as a node inside it (node 1) -> one facility.

def _square(first_id: int, lat: float, lon: float, d: float = 0.0004):
    return [(first_id, lat, lon, {}), (first_id + 1, lat, lon + d, {}),
            (first_id + 2, lat + d, lon + d, {}), (first_id + 3, lat + d, lon, {})]


OSM_NODES = [
    (1, LAT0 + 0.0002, LON0 + 0.0002, {"amenity": "doctors", "name": "Huisartsen De Brink",
                                        "healthcare": "doctor"}),
    (2, LAT0 + 0.01, LON0, {"amenity": "pharmacy", "name": "Apotheek Beilen",
                            "operator": "BENU"}),
    (3, LAT0 + 0.02, LON0, {"highway": "bus_stop", "name": "Beilen, Kerk"}),
    (4, LAT0 + 0.03, LON0, {"shop": "supermarket", "name": "Super"}),
    (5, LAT0 + 0.04, LON0, {"shop": "convenience", "name": "Avondwinkel"}),       # ignored
    (6, LAT0 + 0.05, LON0, {"amenity": "doctors", "healthcare:speciality": "dermatology",
                            "name": "Huidarts"}),                                  # ignored
    (7, LAT0 + 0.06, LON0, {"amenity": "doctors", "name": "Huisartsenpost Assen"}),
    (8, LAT0 + 0.07, LON0, {"amenity": "community_centre", "name": "Dorpshuis"}),
    (9, LAT0 + 0.08, LON0, {"public_transport": "platform", "bus": "yes"}),
    (10, LAT0 + 0.0003, LON0 + 0.0003, {"amenity": "pharmacy", "name": "Apotheek 2"}),
    *_square(20, LAT0, LON0),
    *_square(30, LAT0 + 0.1, LON0),
    *_square(40, LAT0 + 0.2, LON0),
]
OSM_WAYS = [
    (100, [20, 21, 22, 23, 20], {"building": "yes", "amenity": "doctors"}),   # no name
    (101, [30, 31, 32, 33, 30], {"building": "yes", "amenity": "social_facility",
                                 "social_facility": "nursing_home",
                                 "social_facility:for": "senior;dementia",
                                 "name": "De Horst", "beds": "40"}),
    (102, [40, 41, 42, 43, 40], {"building": "yes", "amenity": "nursing_home",
                                 "name": "Leemdijk", "operator": "Zorggroep"}),
]
OSM_EXPECTED = {
    "osm_way_100": ("gp", "Huisartsen De Brink"),
    "osm_node_2": ("pharmacy", "Apotheek Beilen"),
    "osm_node_3": ("bus_stop", "Beilen, Kerk"),
    "osm_node_4": ("supermarket", "Super"),
    "osm_node_7": ("gp_post", "Huisartsenpost Assen"),
    "osm_node_8": ("community_centre", "Dorpshuis"),
    "osm_node_9": ("bus_stop", "Bushalte"),
    "osm_node_10": ("pharmacy", "Apotheek 2"),
    "osm_way_101": ("nursing_dementia", "De Horst"),
    "osm_way_102": ("nursing_somatic", "Leemdijk"),
}


def osm_xml(nodes=OSM_NODES, ways=OSM_WAYS) -> bytes:
    def tags(t):
        return "".join(f'<tag k="{k}" v="{v}"/>' for k, v in t.items())
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for nid, lat, lon, t in nodes:
        lines.append(f'<node id="{nid}" lat="{lat:.7f}" lon="{lon:.7f}" version="1">'
                     f"{tags(t)}</node>")
    for wid, refs, t in ways:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        lines.append(f'<way id="{wid}" version="1">{nds}{tags(t)}</way>')
    lines.append("</osm>")
    return "\n".join(lines).encode()


# Minimal OSM PBF writer (https://wiki.openstreetmap.org/wiki/PBF_Format): a header blob and
# one data blob (zlib) with a string table, DenseNodes and Ways; protobuf encoded by hand.

def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _field_varint(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _field_bytes(number: int, value: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _packed(number: int, values, *, signed: bool = False, delta: bool = False) -> bytes:
    body, previous = bytearray(), 0
    for value in values:
        item = value - previous if delta else value
        previous = value
        body += _varint(_zigzag(item) if signed else item)
    return _field_bytes(number, bytes(body))


def _blob(kind: str, payload: bytes) -> bytes:
    blob = _field_varint(2, len(payload)) + _field_bytes(3, zlib.compress(payload))
    header = _field_bytes(1, kind.encode()) + _field_varint(3, len(blob))
    return struct.pack(">I", len(header)) + header + blob


def osm_pbf(nodes=OSM_NODES, ways=OSM_WAYS) -> bytes:
    strings: dict[str, int] = {"": 0}

    def sid(text: str) -> int:
        return strings.setdefault(text, len(strings))

    keyvals = []
    for *_, t in nodes:
        for k, v in t.items():
            keyvals += [sid(k), sid(v)]
        keyvals.append(0)
    dense = (_packed(1, [n[0] for n in nodes], signed=True, delta=True)
             + _packed(8, [round(n[1] * 1e7) for n in nodes], signed=True, delta=True)
             + _packed(9, [round(n[2] * 1e7) for n in nodes], signed=True, delta=True)
             + _packed(10, keyvals))
    group = _field_bytes(2, dense)
    for wid, refs, t in ways:
        way = (_field_varint(1, wid) + _packed(2, [sid(k) for k in t])
               + _packed(3, [sid(v) for v in t.values()])
               + _packed(8, refs, signed=True, delta=True))
        group += _field_bytes(3, way)
    table = b"".join(_field_bytes(1, s.encode()) for s in strings)
    block = _field_bytes(1, table) + _field_bytes(2, group)
    header = _field_bytes(4, b"OsmSchema-V0.6") + _field_bytes(4, b"DenseNodes")
    return _blob("OSMHeader", header) + _blob("OSMData", block)


def check_osm_result(result: Facilities) -> None:
    fac = result.facilities.set_index("facility_id")
    got = {fid: (row["facility_type"], row["name"]) for fid, row in fac.iterrows()}
    assert got == OSM_EXPECTED
    assert result.stats["merged"] == 1
    assert fac.loc["osm_way_101", "capacity"] == 40.0
    assert fac.loc["osm_way_102", "operator"] == "Zorggroep"
    assert fac.loc["osm_node_2", "operator"] == "BENU"
    assert fac.crs.equals(vocabulary.METRIC_CRS)
    assert (fac.geom_type == "Point").all()
    # the merged GP lies inside its building
    x, y = TO_RD.transform(LON0 + 0.0002, LAT0 + 0.0002)
    assert fac.loc["osm_way_100", "geometry"].distance(shapely.Point(x, y)) < 60
    assert OSM_NOTE in result.warnings
    assert "OpenStreetMap" in result.source and "ODbL" in result.source


def test_osm_xml_known_answer():
    check_osm_result(read_osm_facilities(osm_xml(), "beilen.osm"))


def test_osm_pbf_known_answer(tmp_path):
    data = osm_pbf()
    assert data[4:].find(b"OSMHeader") < 16
    path = tmp_path / "beilen.osm.pbf"
    path.write_bytes(data)
    check_osm_result(read_osm_facilities(path))


def test_read_facilities_hands_osm_to_the_osm_reader():
    result = read_facilities(osm_pbf(), "drenthe-latest.osm.pbf", source_label="Geofabrik")
    assert set(result.facilities["facility_id"]) == set(OSM_EXPECTED)
    assert result.source.startswith("Geofabrik")


def test_osm_node_with_a_different_name_is_not_merged():
    nodes = [(1, LAT0 + 0.0002, LON0 + 0.0002, {"amenity": "doctors", "name": "Praktijk A"}),
             (2, LAT0 + 0.0001, LON0 + 0.0001, {"amenity": "doctors", "name": "Praktijk B"}),
             *_square(20, LAT0, LON0)]
    ways = [(100, [20, 21, 22, 23, 20], {"building": "yes", "amenity": "doctors"})]
    result = read_osm_facilities(osm_xml(nodes, ways), "x.osm")
    assert set(result.facilities["facility_id"]) == {"osm_node_1", "osm_node_2", "osm_way_100"}
    assert result.stats["merged"] == 0
    # same name further than 50 m away: two facilities
    nodes = [(1, LAT0 + 0.002, LON0, {"amenity": "doctors", "name": "Praktijk A"}),
             *_square(20, LAT0, LON0)]
    ways = [(100, [20, 21, 22, 23, 20], {"building": "yes", "amenity": "doctors",
                                         "name": "Praktijk A"})]
    result = read_osm_facilities(osm_xml(nodes, ways), "x.osm")
    assert len(result.facilities) == 2


def test_osm_bbox():
    bbox = (LON0 - 0.01, LAT0 - 0.001, LON0 + 0.01, LAT0 + 0.015)
    result = read_osm_facilities(osm_xml(), "x.osm", bbox_wgs84=bbox)
    assert set(result.facilities["facility_id"]) == {"osm_way_100", "osm_node_2",
                                                     "osm_node_10"}
    with pytest.raises(ImportDataError, match="bbox"):
        read_osm_facilities(osm_xml(), "x.osm", bbox_wgs84=(7, 53, 6, 52))


@pytest.mark.parametrize("name", ["voorzieningen.osm", "drenthe-latest.osm.pbf",
                                  "export.osm.gz", "export.osm.bz2"])
def test_corrupt_osm_named_file_says_osm_not_csv(name):
    junk = bytes(np.random.default_rng(7).integers(0, 256, 5000, dtype=np.uint8))
    with pytest.raises(ImportDataError) as info:
        read_facilities(junk, name)
    message = str(info.value)
    assert "geen OpenStreetMap-bestand" in message and "niet leesbaar" in message
    assert "Geofabrik" in message and "CSV" not in message


def test_osm_bad_input():
    with pytest.raises(ImportDataError, match="geen OpenStreetMap-bestand"):
        read_osm_facilities(b"naam;type\n", "x.osm")
    bomb = (b'<?xml version="1.0"?>\n<osm version="0.6"><!DOCTYPE osm [<!ENTITY a "aaaa">]>'
            b"</osm>")
    with pytest.raises(ImportDataError, match="entiteiten"):
        read_osm_facilities(bomb, "x.osm")
    truncated = osm_pbf()[:-20]
    with pytest.raises(ImportDataError, match="OpenStreetMap"):
        read_osm_facilities(truncated, "x.osm.pbf")
    nothing = osm_xml([(1, LAT0, LON0, {"shop": "bakery", "name": "Bakker"})], [])
    with pytest.raises(ImportDataError, match="geen voorzieningen"):
        read_osm_facilities(nothing, "x.osm")
