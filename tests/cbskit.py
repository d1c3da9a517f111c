"""Small CBS Wijk- en Buurtkaart fixtures in the real schemas, built in code.

Two municipalities: GM9991 "Testdorp" (five buurten incl. a water buurt, a self-intersecting
bow-tie, a "Verspreide huizen" buurt and a secret (-99997) one) and GM9992 "Anderstad"
(two buurten with -99995 / -99999999 values). Writers produce the three real spellings:
GeoPackage 2022+ (snake_case), shapefile zip ≤2021 (UPPERCASE) and PDOK GeoJSON (camelCase,
WGS84).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

X0, Y0 = 230_000.0, 545_000.0  # Drenthe in RD New

SNAKE_TO_UPPER = {
    "buurtcode": "BU_CODE",
    "buurtnaam": "BU_NAAM",
    "wijkcode": "WK_CODE",
    "wijknaam": "WK_NAAM",
    "gemeentecode": "GM_CODE",
    "gemeentenaam": "GM_NAAM",
    "water": "WATER",
    "aantal_inwoners": "AANT_INW",
    "percentage_personen_0_tot_15_jaar": "P_00_14_JR",
    "percentage_personen_15_tot_25_jaar": "P_15_24_JR",
    "percentage_personen_25_tot_45_jaar": "P_25_44_JR",
    "percentage_personen_45_tot_65_jaar": "P_45_64_JR",
    "percentage_personen_65_jaar_en_ouder": "P_65_EO_JR",
    "aantal_huishoudens": "AANTAL_HH",
    "woningvoorraad": "WONINGEN",
    "perc_huurwoningen_in_bezit_woningcorporaties": "P_WCORPW",
    "huisartsenpraktijk_gemiddelde_afstand_in_km": "AF_ARTSPR",
}


def snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def square(ix: int, iy: int, size: float = 1000.0) -> shapely.Polygon:
    return shapely.box(X0 + ix * size, Y0 + iy * size, X0 + (ix + 1) * size,
                       Y0 + (iy + 1) * size)


def bow_tie(ix: int, iy: int, size: float = 1000.0) -> shapely.Polygon:
    x0, y0 = X0 + ix * size, Y0 + iy * size
    return shapely.Polygon([(x0, y0), (x0 + size, y0 + size), (x0 + size, y0),
                            (x0, y0 + size), (x0, y0)])


# code, name, wijk code, wijk name, gm code, gm name, water, inhabitants,
# % 0-15, 15-25, 25-45, 45-65, 65+, households, dwellings, % corporation, km GP, geometry
ROWS = [
    ("BU99910000", "Dorp-Centrum", "WK999100", "Dorp", "GM9991", "Testdorp", "NEE",
     1000, 15, 10, 20, 25, 30, 450, 470, 30, 0.8, square(0, 0)),
    ("BU99910001", "Dorp-Noord", "WK999100", "Dorp", "GM9991", "Testdorp", "NEE",
     500, 16, 11, 21, 26, 27, 210, 220, 12, 1.1, bow_tie(0, 1)),
    ("BU99910009", "Verspreide huizen Dorp", "WK999100", "Dorp", "GM9991", "Testdorp", "NEE",
     200, 10, 10, 20, 30, 30, 90, 95, -99997, 3.4, square(1, 0)),
    ("BU99910100", "Gehucht", "WK999101", "Gehucht", "GM9991", "Testdorp", "NEE",
     -99997, -99997, -99997, -99997, -99997, -99997, -99997, 5, -99997, -99997, square(2, 0)),
    ("BU99919997", "Water", "WK999199", "Water", "GM9991", "Testdorp", "JA",
     0, -99997, -99997, -99997, -99997, -99997, 0, 0, -99997, -99997, square(3, 0)),
    ("BU99920000", "Stad-Centrum", "WK999200", "Stad", "GM9992", "Anderstad", "NEE",
     2000, 20, 15, 25, 25, 15, 900, -99995, -99995, -99995, square(0, 5)),
    ("BU99920001", "Haven", "WK999200", "Stad", "GM9992", "Anderstad", "NEE",
     -99995, -99995, -99995, -99995, -99995, -99999999, -99995, -99995, -99995, -99995,
     square(1, 5)),
]
FIELDS = ["buurtcode", "buurtnaam", "wijkcode", "wijknaam", "gemeentecode", "gemeentenaam",
          "water", "aantal_inwoners", "percentage_personen_0_tot_15_jaar",
          "percentage_personen_15_tot_25_jaar", "percentage_personen_25_tot_45_jaar",
          "percentage_personen_45_tot_65_jaar", "percentage_personen_65_jaar_en_ouder",
          "aantal_huishoudens", "woningvoorraad",
          "perc_huurwoningen_in_bezit_woningcorporaties",
          "huisartsenpraktijk_gemiddelde_afstand_in_km"]


def buurten(scheme: str = "snake", rows: list[tuple] | None = None) -> gpd.GeoDataFrame:
    """The fixture buurten in RD New with field names of ``scheme`` (snake/upper/camel)."""
    rows = ROWS if rows is None else rows
    data = {field: [row[i] for row in rows] for i, field in enumerate(FIELDS)}
    data["huisartsenpraktijk_gemiddelde_afstand_in_km"] = [
        float(v) for v in data["huisartsenpraktijk_gemiddelde_afstand_in_km"]]
    frame = gpd.GeoDataFrame(data, geometry=[row[-1] for row in rows], crs="EPSG:28992")
    if scheme == "upper":
        frame = frame.rename(columns=SNAKE_TO_UPPER)
    elif scheme == "camel":
        frame = frame.rename(columns={f: snake_to_camel(f) for f in FIELDS})
    return frame


def gpkg_bytes(layers: dict[str, gpd.GeoDataFrame]) -> bytes:
    """Write layers into one GeoPackage and return its bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kaart.gpkg"
        for name, frame in layers.items():
            pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")
        return path.read_bytes()


def cbs_gpkg_bytes(frame: gpd.GeoDataFrame | None = None) -> bytes:
    """A WBK-2022+-style GeoPackage with the layers gemeenten, wijken and buurten."""
    frame = buurten("snake") if frame is None else frame
    boxes = frame.set_geometry(frame.geometry.envelope)  # the bow-tie cannot be dissolved
    gemeenten = boxes.dissolve("gemeentecode").reset_index()[["gemeentecode", "geometry"]]
    wijken = boxes.dissolve("wijkcode").reset_index()[["wijkcode", "geometry"]]
    return gpkg_bytes({"gemeenten": gemeenten, "wijken": wijken, "buurten": frame})


def shapefile_parts(frame: gpd.GeoDataFrame, encoding: str | None = None) -> dict[str, bytes]:
    """The member files of a shapefile written from ``frame`` (extension → bytes)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "buurt_2021.shp"
        kwargs = {"encoding": encoding} if encoding else {}
        pyogrio.write_dataframe(frame, path, driver="ESRI Shapefile", **kwargs)
        return {p.suffix: p.read_bytes() for p in Path(tmp).iterdir()}


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return buf.getvalue()


def shapefile_zip(frame: gpd.GeoDataFrame | None = None, *, folder: str = "",
                  drop: tuple[str, ...] = (), extra: dict[str, bytes] | None = None,
                  stem: str = "buurt_2021") -> bytes:
    """A zipped ≤2021-style shapefile (UPPERCASE fields) with optional defects."""
    frame = buurten("upper") if frame is None else frame
    parts = shapefile_parts(frame)
    members = {f"{folder}{stem}{ext}": content for ext, content in parts.items()
               if ext not in drop}
    members.update(extra or {})
    return zip_bytes(members)


def geojson_bytes(frame: gpd.GeoDataFrame | None = None) -> bytes:
    """A PDOK-style GeoJSON FeatureCollection (camelCase, WGS84 lon/lat)."""
    frame = buurten("camel") if frame is None else frame
    return frame.to_crs("EPSG:4326").to_json().encode("utf-8")
