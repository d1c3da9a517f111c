"""The region model: one GeoPackage ("region package") with documented layers.

Every spatial layer is in EPSG:28992 (RD New). Layers and columns:

``areas`` (Polygon/MultiPolygon, one row per CBS buurt)
    ``buurt_code`` (``BU…``, unique), ``buurt_name``, ``wijk_code`` (``WK…``),
    ``wijk_name``, ``gemeente_code`` (``GM…``), ``gemeente_name``, ``kerngebied``
    (core area, e.g. Beilen / Smilde / Westerbork, including its outlying villages and
    countryside) and optionally ``buurt_type`` (``kern`` or ``verspreide_huizen``).
``population`` (table, one row per buurt for the base year)
    ``buurt_code`` and one count column per age band ``pop_0_14`` … ``pop_85_plus``
    (see :data:`geo.vocabulary.AGE_BANDS`); optionally ``estimated`` (bool: the split of
    65+ into 65–74/75–84/85+ is an estimate) and ``households`` (number of households,
    float, NaN where unknown).
``homes`` (Point, one row per dwelling)
    ``home_id`` (unique), ``construction_year``, ``dwelling_type`` (``single_family`` /
    ``multi_family``), ``step_free`` (nultreden, bool), ``lift`` (bool), ``floor_area``
    (m²), ``tenure`` (``owner_occupied`` / ``social_rent`` / ``private_rent``), ``owner``
    (corporation name, ``particuliere verhuurder`` or ``eigenaar-bewoner``); optionally
    ``buurt_code`` (assigned by location when absent) and ``woonplaats``.
``facilities`` (Point; facilities just outside the municipality count too)
    ``facility_id`` (unique), ``facility_type`` (one of
    :data:`geo.vocabulary.FACILITY_TYPES`; ``type`` in older packages, renamed on read by
    :func:`geo.io.region_package.load_region`),
    ``name``, ``operator``, ``capacity`` (places, units or patients; empty where it does
    not apply); optionally ``woonplaats``, ``location_basis`` (``dorp bekend``: a real
    facility placed in its village; ``aanname``: placed by assumption), ``source`` and
    ``outside_region`` (bool: the facility lies outside the region's buurten, within the
    build's buffer (:attr:`geo.model.norms.Norms.max_reach`); computed from the buurten by the
    analysis where absent or empty).
``villages`` (Point, optional)
    ``name``, ``inhabitants``, ``kerngebied``: village labels and reference totals.
``reference`` (table, optional: published figures to check the model against)
    One row per unit: ``level`` (``buurt`` / ``wijk`` / ``gemeente``), ``code``
    (``BU…``/``WK…``/``GM…``, matching the level), ``name``, ``year`` (edition, integer),
    ``inhabitants``, ``pop_0_14``, ``pop_65plus``, ``households``, ``dwellings``,
    ``share_single_family`` and ``share_owner_occupied`` (whole CBS percentages, 0–100),
    ``dist_gp_km`` and ``dist_supermarket_km`` (CBS mean road distance over all
    inhabitants to a GP practice / a large supermarket) and ``source`` (text); numbers are
    floats, NaN where unknown. Codes need not be in ``areas`` (editions differ); the check
    (:mod:`geo.analysis.check`) reports them.
``network_nodes``, ``network_edges`` (Point / LineString, optional, always together)
    The street network for network distances: see :mod:`geo.model.network`; in memory
    :attr:`Region.network`. Metadata ``source_network`` and ``network_buffer_m`` record
    where it comes from.
``metadata`` (table of ``key``/``value`` text)
    ``region_name``, ``gemeente_code`` (comma-separated codes when the region holds several
    municipalities), optionally ``gemeenten`` (JSON list of ``{"code", "name"}``, see
    :attr:`Region.gemeenten`), ``base_year``, ``demo`` (``true``/``false``),
    ``reference_date``, ``licence``, ``notice`` and ``source_<layer>`` for every layer;
    optionally per layer (:data:`DATA_LAYERS`) ``data_status_<layer>`` (one of
    :data:`DATA_STATUSES`: ``real`` as published, ``estimated`` by a documented method,
    ``generated`` by the app (demo), ``mixed``) and ``data_note_<layer>`` (Dutch: what in
    the layer is real, estimated or generated). Without these keys only the ``demo`` flag
    describes the data (see :meth:`Region.data_status`).
    ``demo`` is ``true`` when any part of the region is generated.

:func:`validate_region` checks the layers and raises :class:`geo.errors.RegionError`
naming the layer and the problem. Reading and writing the package is
:mod:`geo.io.region_package`; the embedded demo is :func:`geo.datasets.load_demo_region`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import RegionError
from geo.model.crs import NL_RD_BOUNDS
from geo.model.network import StreetNetwork

__all__ = [
    "DATA_LAYERS",
    "DATA_STATUSES",
    "LAYER_COLUMNS",
    "REFERENCE_LEVELS",
    "REQUIRED_LAYERS",
    "Region",
    "buurt_codes_at",
    "locate_points",
    "validate_reference",
    "validate_region",
]

REQUIRED_LAYERS: tuple[str, ...] = ("areas", "population", "homes", "facilities", "metadata")

LAYER_COLUMNS: dict[str, tuple[str, ...]] = {
    "areas": (
        "buurt_code",
        "buurt_name",
        "wijk_code",
        "wijk_name",
        "gemeente_code",
        "gemeente_name",
        "kerngebied",
    ),
    "population": ("buurt_code", *vocabulary.band_columns()),
    "homes": (
        "home_id",
        "construction_year",
        "dwelling_type",
        "step_free",
        "lift",
        "floor_area",
        "tenure",
        "owner",
    ),
    "facilities": ("facility_id", "facility_type", "name", "operator", "capacity"),
    "villages": ("name", "inhabitants", "kerngebied"),
    "reference": ("level", "code", "name", "year", "inhabitants", "pop_0_14", "pop_65plus",
                  "households", "dwellings", "share_single_family", "share_owner_occupied",
                  "dist_gp_km", "dist_supermarket_km", "source"),
    "metadata": ("key", "value"),
}
#: Levels of the ``reference`` layer and the code prefix of each.
REFERENCE_LEVELS: dict[str, str] = {"buurt": "BU", "wijk": "WK", "gemeente": "GM"}
_REFERENCE_SHARES = ("share_single_family", "share_owner_occupied")

#: Layers that can carry a data status, in the order they are shown; ``reference`` is the
#: published figures the model is checked against (not a layer of the package itself).
DATA_LAYERS: tuple[str, ...] = ("areas", "population", "homes", "facilities", "villages",
                                "reference")
#: Data status of a layer: as published (``real``), estimated by a documented method,
#: generated by the app (demo data), or a mix (the layer's note says what is what).
DATA_STATUSES: tuple[str, ...] = ("real", "estimated", "generated", "mixed")

_GEOMETRY_TYPES: dict[str, tuple[str, ...]] = {
    "areas": ("Polygon", "MultiPolygon"),
    "homes": ("Point",),
    "facilities": ("Point",),
    "villages": ("Point",),
}
_DWELLING_TYPES = ("single_family", "multi_family")
_TENURES = ("owner_occupied", "social_rent", "private_rent")


@dataclass(frozen=True)
class Region:
    """A validated region: the layers of a region package.

    Treat the frames as read-only; analysis functions copy before they change anything.
    ``notices`` holds Dutch messages from reading the package for the caller to show (e.g.
    that a package of an earlier version was migrated); they are not region data.
    """

    areas: gpd.GeoDataFrame
    population: pd.DataFrame
    homes: gpd.GeoDataFrame
    facilities: gpd.GeoDataFrame
    metadata: dict[str, str]
    villages: gpd.GeoDataFrame | None = None
    reference: pd.DataFrame | None = None
    network: StreetNetwork | None = field(default=None, compare=False, repr=False)
    source_path: Path | None = field(default=None, compare=False)
    notices: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def name(self) -> str:
        """Human-readable region name."""
        return self.metadata.get("region_name", "onbekende regio")

    @property
    def base_year(self) -> int:
        """Reference year of the population layer."""
        return int(self.metadata["base_year"])

    @property
    def is_demo(self) -> bool:
        """Whether the package is demo data with generated detail."""
        return self.metadata.get("demo", "false").strip().lower() == "true"

    @property
    def gemeenten(self) -> list[tuple[str, str]]:
        """The municipalities of the region as ``(code, name)`` pairs, in region order.

        From ``metadata['gemeenten']`` (JSON list of ``{"code", "name"}``); without that
        key (single-municipality packages), the unique codes and names of ``areas`` in
        the order they appear.
        """
        raw = self.metadata.get("gemeenten", "")
        if raw:
            try:
                items = json.loads(raw)
                pairs = [(str(i["code"]), str(i.get("name") or i["code"])) for i in items]
            except (ValueError, TypeError, KeyError):
                pairs = []
            if pairs:
                return pairs
        frame = self.areas[["gemeente_code", "gemeente_name"]].drop_duplicates("gemeente_code")
        return [(str(c), str(n)) for c, n in frame.itertuples(index=False)]

    @property
    def is_multi_gemeente(self) -> bool:
        """Whether the region holds more than one municipality."""
        return len(self.gemeenten) > 1

    @property
    def kerngebieden(self) -> list[str]:
        """Core areas in the order they appear."""
        return list(dict.fromkeys(self.areas["kerngebied"]))

    def source(self, layer: str) -> str:
        """Return the recorded source of a layer (or a note that it is unknown)."""
        return self.metadata.get(f"source_{layer}", "bron onbekend")

    def data_status(self, layer: str) -> str | None:
        """Recorded data status of a layer (``metadata['data_status_<layer>']``).

        Returns
        -------
        str or None
            One of :data:`DATA_STATUSES`, or ``None`` when the package does not say (older
            packages and the generated demo: then :attr:`is_demo` is all there is).
        """
        value = self.metadata.get(f"data_status_{layer}", "").strip().lower()
        return value if value in DATA_STATUSES else None

    def data_note(self, layer: str) -> str:
        """Dutch note on what in a layer is real, estimated or generated (``""`` if none)."""
        return self.metadata.get(f"data_note_{layer}", "").strip()

    def data_statuses(self) -> dict[str, str]:
        """``{layer: status}`` for every layer of :data:`DATA_LAYERS` with a recorded status.

        Empty for packages without ``data_status_<layer>`` keys.
        """
        return {layer: status for layer in DATA_LAYERS
                if (status := self.data_status(layer)) is not None}


def _require_columns(layer: str, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    missing = [col for col in columns if col not in frame.columns]
    if missing:
        raise RegionError(
            layer,
            f"kolom(men) ontbreken: {', '.join(missing)}. Verwacht: {', '.join(columns)}.",
        )


def _check_geometry(layer: str, gdf: gpd.GeoDataFrame, key: str) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        raise RegionError(layer, "heeft geen geometrie; dit moet een ruimtelijke laag zijn.")
    if gdf.crs is None:
        raise RegionError(
            layer,
            "heeft geen coördinatenstelsel (CRS). Geef de laag EPSG:28992 (RD New) mee.",
        )
    if not gdf.crs.equals(vocabulary.METRIC_CRS):
        epsg = gdf.crs.to_epsg()
        label = f"EPSG:{epsg}" if epsg else gdf.crs.name
        raise RegionError(
            layer,
            f"heeft CRS {label}; een regiopakket is in EPSG:28992 (RD New). "
            "Zet de laag om, bijv. met `ogr2ogr -t_srs EPSG:28992`.",
        )
    geoms = gdf.geometry.values
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if empty.any():
        ids = ", ".join(map(str, gdf.loc[empty, key].head(5)))
        raise RegionError(layer, f"{int(empty.sum())} rij(en) zonder geometrie (o.a. {ids}).")
    kinds = set(shapely.get_type_id(geoms).tolist())
    allowed = {
        {"Point": 0, "Polygon": 3, "MultiPolygon": 6}[name] for name in _GEOMETRY_TYPES[layer]
    }
    if not kinds <= allowed:
        raise RegionError(
            layer,
            f"bevat geometrietypen {sorted(set(gdf.geom_type))}; verwacht "
            f"{' of '.join(_GEOMETRY_TYPES[layer])}.",
        )
    if len(gdf):
        xmin, ymin, xmax, ymax = gdf.total_bounds
        bxmin, bymin, bxmax, bymax = NL_RD_BOUNDS
        if xmin < bxmin or ymin < bymin or xmax > bxmax or ymax > bymax:
            hint = (
                " Het lijken graden (WGS84) die als RD zijn gelabeld."
                if max(abs(xmax), abs(ymax)) < 400
                else ""
            )
            raise RegionError(
                layer,
                f"coördinaten ({xmin:.0f}, {ymin:.0f}) – ({xmax:.0f}, {ymax:.0f}) liggen "
                f"niet in Nederland in RD New (EPSG:28992).{hint}",
            )
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        idx = np.flatnonzero(invalid)[:3]
        reasons = "; ".join(
            f"{gdf.iloc[i][key]}: {shapely.is_valid_reason(geoms[i])}" for i in idx
        )
        raise RegionError(
            layer,
            f"{int(invalid.sum())} ongeldige geometrie(ën) ({reasons}). "
            "Repareer ze, bijv. in QGIS met 'Geometrieën repareren' of `ST_MakeValid`.",
        )


def _check_unique(layer: str, frame: pd.DataFrame, key: str) -> None:
    dup = frame[key].duplicated(keep=False)
    if dup.any():
        codes = ", ".join(map(str, sorted(set(frame.loc[dup, key]))[:5]))
        raise RegionError(layer, f"'{key}' is niet uniek: {codes} komen dubbel voor.")
    if frame[key].isna().any():
        raise RegionError(layer, f"'{key}' is leeg in {int(frame[key].isna().sum())} rij(en).")


def _check_non_negative(layer: str, frame: pd.DataFrame, columns: list[str], key: str) -> None:
    for col in columns:
        values = pd.to_numeric(frame[col], errors="coerce")
        if values.isna().any() and col.startswith("pop_"):
            raise RegionError(layer, f"kolom '{col}' bevat lege of niet-numerieke waarden.")
        negative = values < 0
        if negative.any():
            ids = ", ".join(map(str, frame.loc[negative, key].head(5)))
            raise RegionError(
                layer,
                f"kolom '{col}' heeft negatieve waarden (o.a. {ids}); aantallen zijn ≥ 0. "
                "CBS-codes als -99997 betekenen 'geheim' en moeten leeg gemaakt worden.",
            )


def _check_codes(layer: str, frame: pd.DataFrame, column: str, prefix: str) -> None:
    bad = ~frame[column].astype(str).str.startswith(prefix)
    if bad.any():
        ids = ", ".join(map(str, frame.loc[bad, column].head(5)))
        raise RegionError(layer, f"'{column}' moet met '{prefix}' beginnen (CBS-stijl): {ids}.")


def _check_values(layer: str, frame: pd.DataFrame, column: str, allowed: tuple[str, ...]) -> None:
    bad = ~frame[column].isin(allowed)
    if bad.any():
        found = ", ".join(map(str, sorted(set(frame.loc[bad, column].astype(str)))[:5]))
        raise RegionError(
            layer, f"kolom '{column}' heeft onbekende waarden: {found}. Toegestaan: "
            f"{', '.join(allowed)}."
        )


def _check_data_status(metadata: dict[str, str]) -> None:
    for layer in DATA_LAYERS:
        value = metadata.get(f"data_status_{layer}")
        if value is not None and value.strip().lower() not in DATA_STATUSES:
            raise RegionError(
                "metadata", f"'data_status_{layer}' is '{value}'; toegestaan: "
                f"{', '.join(DATA_STATUSES)} (echt, geschat, gegenereerd, gemengd).")


def validate_region(region: Region) -> Region:
    """Check every layer of a region and return a normalised copy.

    Normalisation: integer population counts, boolean flags, float capacity, and a
    ``buurt_code`` for every home (assigned by location when absent).

    Raises
    ------
    RegionError
        Naming the layer and the problem.
    """
    areas = region.areas
    _require_columns("areas", areas, LAYER_COLUMNS["areas"])
    _check_geometry("areas", areas, "buurt_code")
    _check_unique("areas", areas, "buurt_code")
    _check_codes("areas", areas, "buurt_code", "BU")
    _check_codes("areas", areas, "wijk_code", "WK")
    _check_codes("areas", areas, "gemeente_code", "GM")
    if areas["kerngebied"].isna().any():
        raise RegionError("areas", "elke buurt moet een kerngebied hebben (kolom 'kerngebied').")

    population = region.population
    _require_columns("population", population, LAYER_COLUMNS["population"])
    _check_unique("population", population, "buurt_code")
    bands = vocabulary.band_columns()
    _check_non_negative("population", population,
                        bands + (["households"] if "households" in population else []),
                        "buurt_code")
    unknown = ~population["buurt_code"].isin(areas["buurt_code"])
    if unknown.any():
        ids = ", ".join(population.loc[unknown, "buurt_code"].head(5))
        raise RegionError("population", f"buurtcodes die niet in 'areas' staan: {ids}.")
    absent = ~areas["buurt_code"].isin(population["buurt_code"])
    if absent.any():
        ids = ", ".join(areas.loc[absent, "buurt_code"].head(5))
        raise RegionError("population", f"geen bevolkingscijfers voor buurt(en) {ids}.")

    homes = region.homes
    _require_columns("homes", homes, LAYER_COLUMNS["homes"])
    _check_geometry("homes", homes, "home_id")
    _check_unique("homes", homes, "home_id")
    _check_values("homes", homes, "dwelling_type", _DWELLING_TYPES)
    _check_values("homes", homes, "tenure", _TENURES)
    _check_non_negative("homes", homes, ["floor_area"], "home_id")

    facilities = region.facilities
    _require_columns("facilities", facilities, LAYER_COLUMNS["facilities"])
    _check_geometry("facilities", facilities, "facility_id")
    _check_unique("facilities", facilities, "facility_id")
    _check_values("facilities", facilities, "facility_type", vocabulary.FACILITY_TYPES)
    _check_non_negative("facilities", facilities, ["capacity"], "facility_id")

    villages = region.villages
    if villages is not None:
        _require_columns("villages", villages, LAYER_COLUMNS["villages"])
        _check_geometry("villages", villages, "name")
    reference = None if region.reference is None else validate_reference(region.reference)

    _check_data_status(region.metadata)
    for key in ("base_year", "region_name"):
        if key not in region.metadata:
            raise RegionError("metadata", f"sleutel '{key}' ontbreekt.")
    try:
        int(region.metadata["base_year"])
    except ValueError as exc:
        raise RegionError("metadata", "'base_year' moet een jaartal zijn.") from exc

    population = population.copy()
    population[bands] = population[bands].astype("int64")
    if "estimated" in population.columns:
        population["estimated"] = population["estimated"].astype(bool)
    if "households" in population.columns:
        _check_non_negative("population", population, ["households"], "buurt_code")
        population["households"] = pd.to_numeric(population["households"],
                                                 errors="coerce").astype("float64")
    homes = homes.copy()
    for col in ("step_free", "lift"):
        homes[col] = homes[col].astype(bool)
    homes["floor_area"] = homes["floor_area"].astype("float64")
    homes["construction_year"] = homes["construction_year"].astype("int64")
    if "buurt_code" not in homes.columns or homes["buurt_code"].isna().any():
        homes["buurt_code"] = buurt_codes_at(
            shapely.get_coordinates(homes.geometry.values), areas)
    facilities = facilities.copy()
    facilities["capacity"] = pd.to_numeric(facilities["capacity"], errors="coerce").astype(
        "float64"
    )
    for col in ("name", "operator"):
        facilities[col] = facilities[col].fillna("").astype(str)
    if "outside_region" in facilities.columns:
        facilities["outside_region"] = facilities["outside_region"].fillna(False).astype(bool)
    return Region(
        areas=areas.reset_index(drop=True),
        population=population.reset_index(drop=True),
        homes=homes.reset_index(drop=True),
        facilities=facilities.reset_index(drop=True),
        metadata=dict(region.metadata),
        villages=villages,
        reference=reference,
        network=region.network,
        source_path=region.source_path,
        notices=tuple(region.notices),
    )


def validate_reference(reference: pd.DataFrame) -> pd.DataFrame:
    """Check the ``reference`` layer and return a normalised copy.

    Normalisation: ``level`` lower case, ``code`` upper case, ``year`` int64, figures
    float64 (NaN where unknown), ``name`` and ``source`` text; rows sorted gemeente, wijk,
    buurt, then by code.

    Raises
    ------
    RegionError
        Missing columns, an unknown level, a code that does not fit its level, a
        duplicate (level, code), a missing or non-integer year, a figure that is not a
        number, a negative figure or a percentage above 100 (naming the code).
    """
    layer = "reference"
    _require_columns(layer, reference, LAYER_COLUMNS[layer])
    ref = pd.DataFrame(reference).copy()
    ref["level"] = ref["level"].astype(str).str.strip().str.lower()
    ref["code"] = ref["code"].astype(str).str.strip().str.upper()
    _check_values(layer, ref, "level", tuple(REFERENCE_LEVELS))
    prefix = ref["level"].map(REFERENCE_LEVELS)
    bad = ~pd.Series([c.startswith(p) for c, p in zip(ref["code"], prefix, strict=True)],
                     index=ref.index, dtype=bool)
    if bad.any():
        rows = ", ".join(f"{c} ({lv})" for c, lv in
                         zip(ref.loc[bad, "code"].head(5), ref.loc[bad, "level"], strict=False))
        raise RegionError(layer, f"code past niet bij het niveau: {rows}. Buurtcodes beginnen "
                                 "met BU, wijkcodes met WK, gemeentecodes met GM.")
    dup = ref.duplicated(["level", "code"], keep=False)
    if dup.any():
        codes = ", ".join(sorted(set(ref.loc[dup, "code"]))[:5])
        raise RegionError(layer, f"code komt dubbel voor: {codes}. Eén rij per buurt, wijk "
                                 "of gemeente (kies één jaargang).")
    year = pd.to_numeric(ref["year"], errors="coerce")
    if year.isna().any() or (year % 1 != 0).any():
        codes = ", ".join(ref.loc[year.isna() | (year % 1 != 0), "code"].head(5))
        raise RegionError(layer, f"kolom 'year' moet een jaartal zijn (jaargang van de "
                                 f"cijfers); leeg of ongeldig bij {codes}.")
    ref["year"] = year.astype("int64")
    figures = [c for c in LAYER_COLUMNS[layer] if c not in ("level", "code", "name", "year",
                                                             "source")]
    for col in figures:
        values = pd.to_numeric(ref[col], errors="coerce")
        text = ref[col].astype("string").str.strip()
        wrong = values.isna() & text.notna() & (text != "") & (text.str.lower() != "nan")
        if wrong.any():
            codes = ", ".join(ref.loc[wrong, "code"].head(5))
            raise RegionError(layer, f"kolom '{col}' bevat tekst in plaats van een getal bij "
                                     f"{codes}; laat onbekende waarden leeg.")
        ref[col] = values.astype("float64")
    negative = (ref[figures] < 0).any(axis=1)
    if negative.any():
        codes = ", ".join(ref.loc[negative, "code"].head(5))
        raise RegionError(layer, f"negatieve waarde(n) bij {codes}; cijfers zijn ≥ 0. "
                                 "CBS-codes als -99997 betekenen 'geheim': laat ze leeg.")
    over = (ref[list(_REFERENCE_SHARES)] > 100).any(axis=1)
    if over.any():
        codes = ", ".join(ref.loc[over, "code"].head(5))
        raise RegionError(layer, f"een percentage is groter dan 100 bij {codes}; "
                                 "share_single_family en share_owner_occupied zijn "
                                 "percentages (0–100).")
    for col in ("name", "source"):
        ref[col] = ref[col].fillna("").astype(str)
    order = ref["level"].map({"gemeente": 0, "wijk": 1, "buurt": 2})
    ref = ref.assign(_order=order).sort_values(["_order", "code"], kind="stable")
    return ref[list(LAYER_COLUMNS[layer])].reset_index(drop=True)


def locate_points(xy: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    """Index (row position) of the area containing each point; -1 outside all areas.

    A point on a shared border gets the area with the lowest row position, so the
    result is deterministic.

    Examples
    --------
    >>> areas = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    >>> locate_points(np.array([[0.5, 0.5], [1.0, 0.5], [5.0, 5.0]]), areas).tolist()
    [0, 0, -1]
    """
    tree = shapely.STRtree(areas.geometry.values)
    pt_idx, area_idx = tree.query(shapely.points(np.asarray(xy, dtype=float)),
                                  predicate="intersects")
    out = np.full(len(xy), -1, dtype=np.int64)
    order = np.lexsort((area_idx, pt_idx))
    pt_idx, area_idx = pt_idx[order], area_idx[order]
    first = np.unique(pt_idx, return_index=True)[1]
    out[pt_idx[first]] = area_idx[first]
    return out


def buurt_codes_at(xy: np.ndarray, areas: gpd.GeoDataFrame) -> np.ndarray:
    """``buurt_code`` of the area containing each point (``None`` outside)."""
    idx = locate_points(xy, areas)
    codes = np.full(len(idx), None, dtype=object)
    inside = idx >= 0
    codes[inside] = areas["buurt_code"].to_numpy()[idx[inside]]
    return codes
