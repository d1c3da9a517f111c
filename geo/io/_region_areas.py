"""The areas of a built region: kerngebieden, municipality names, facilities outside.

Internal helpers of :mod:`geo.io.build`:

* **kerngebieden** — from a kerngebieden file (a table ``buurt_code``/``wijk_code`` +
  ``kerngebied``, or polygons), else per municipality: the Welwozo core areas Beilen,
  Smilde and Westerbork for Midden-Drenthe (GM1731), the wijk named after its village for
  every other municipality. A kerngebied belongs to exactly one municipality: when a name
  occurs in two or more municipalities, every occurrence gets the municipality's name in
  parentheses ("Centrum (Emmen)", "Centrum (Coevorden)"), so names stay unique in the region.
* **municipality names** — a CBS file without ``gemeentenaam`` gives the code as name; the
  name is then taken from the Drenthe list of :mod:`geo.model.regions_presets`, else from
  the ``gemeente`` rows of the reference table.
* **outside_region** — a facility whose point is not in any buurt of the region.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import vocabulary
from geo.errors import ImportDataError
from geo.io import tables, uploads
from geo.model.norms import PRESETS as NORM_PRESETS
from geo.model.regions_presets import gemeente_name

__all__ = ["LARGEST_CATCHMENT_M", "MIDDEN_DRENTHE", "assign_kerngebieden",
           "fill_gemeente_names", "outside_region", "unique_kerngebieden", "villages_layer"]

MIDDEN_DRENTHE = "GM1731"
#: The largest catchment radius of the built-in norm sets (metres; 15 km for verpleegzorg):
#: the default buffer around a region for facilities (build and OpenStreetMap fetch), so
#: people at the region's edge find every place they can reach (research notes §2.2.4).
LARGEST_CATCHMENT_M: float = max(spec.radius for norms in NORM_PRESETS.values()
                                 for spec in norms.access.values())


def midden_drenthe_kerngebieden(areas: gpd.GeoDataFrame) -> pd.Series:
    """Welwozo core areas (Beilen, Smilde, Westerbork) per buurt for Midden-Drenthe.

    The rule of the default region
    (:func:`geo.datasets.midden_drenthe.kerngebied_per_buurt`): a village's buurt goes to
    that village's core area (the nearest of the three, an assumption of the facts file), any
    other buurt to its wijk's main village's, else to the nearest core village.
    """
    from geo.datasets.midden_drenthe import kerngebied_per_buurt, load_villages

    return kerngebied_per_buurt(areas, load_villages())


def villages_layer(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The Midden-Drenthe villages (labels and reference totals) with their kerngebied."""
    from geo.datasets.midden_drenthe import load_villages

    v = load_villages()
    kerngebied_of = areas.set_index("buurt_code")["kerngebied"]
    return gpd.GeoDataFrame(
        {"name": v["village"], "inhabitants": v["inhabitants"].astype("int64"),
         "kerngebied": v["core_buurt"].map(kerngebied_of)
                                      .fillna(v["kerngebied_default"]).to_numpy()},
        geometry=shapely.points(v[["x_rd", "y_rd"]].to_numpy(dtype=float)),
        crs=vocabulary.METRIC_CRS)


def kerngebieden_from_file(data: uploads.InputData, name: str | None,
                           areas: gpd.GeoDataFrame) -> pd.Series:
    """Kerngebied per buurt (aligned with ``areas``) from a table or polygons."""
    raw, label = uploads.load_bytes(data, name)
    try:
        table = tables.read_table(raw, label)
    except ImportDataError:
        table = None
    if table is not None and "kerngebied" in {c.lower() for c in table.columns}:
        cols = {c.lower().replace("_", ""): c for c in table.columns}
        kerngebied_col = cols["kerngebied"]
        for key, target in (("buurtcode", "buurt_code"), ("wijkcode", "wijk_code")):
            if key in cols:
                mapping = dict(zip(table[cols[key]].astype(str).str.strip(),
                                   table[kerngebied_col].astype(str).str.strip(), strict=True))
                kerngebied = areas[target].map(mapping)
                break
        else:
            raise ImportDataError(
                f"{label}: kolom 'buurt_code' of 'wijk_code' ontbreekt naast 'kerngebied' "
                f"(gevonden: {', '.join(table.columns)}).")
    else:
        polygons = uploads.read_vector(raw, label, expect="polygon")
        kcol = next((c for c in polygons.columns if c.lower() == "kerngebied"), None)
        if kcol is None:
            raise ImportDataError(
                f"{label}: een kolom 'kerngebied' ontbreekt (gevonden: "
                f"{', '.join(c for c in polygons.columns if c != 'geometry')}). Geef een CSV "
                "met buurt_code;kerngebied of vlakken met een kolom kerngebied.")
        polygons = polygons.to_crs(vocabulary.METRIC_CRS)
        points = areas.geometry.representative_point().to_numpy()
        tree = shapely.STRtree(polygons.geometry.values)
        pt_idx, poly_idx = tree.query(points, predicate="within")
        kerngebied = pd.Series(np.full(len(areas), None, dtype=object), index=areas.index)
        kerngebied.iloc[pt_idx] = polygons[kcol].astype(str).to_numpy()[poly_idx]
    missing = areas.loc[kerngebied.isna(), "buurt_code"].tolist()
    if missing:
        raise ImportDataError(
            f"{label}: geen kerngebied voor {len(missing)} buurt(en), bijv. "
            f"{', '.join(missing[:5])}. Vul het bestand aan zodat elke buurt een kerngebied "
            "heeft.")
    return kerngebied


def assign_kerngebieden(areas: gpd.GeoDataFrame, file: tuple | None,
                        warnings: list[str]) -> str:
    """Set ``areas['kerngebied']`` in place; return the Dutch source text.

    ``file`` is ``(data, name)`` of a kerngebieden file or ``None``. Without a file,
    Midden-Drenthe's buurten get the Welwozo core areas and every other municipality's
    buurten keep the wijk name the CBS importer gave (a warning says so). Names are made
    unique per municipality by :func:`unique_kerngebieden`.
    """
    if file is not None:
        areas["kerngebied"] = kerngebieden_from_file(file[0], file[1], areas).to_numpy()
        source = f"kerngebieden uit {file[1] or 'het opgegeven bestand'}"
    else:
        parts = []
        md = (areas["gemeente_code"] == MIDDEN_DRENTHE).to_numpy()
        if md.any():
            areas.loc[md, "kerngebied"] = midden_drenthe_kerngebieden(areas[md]).to_numpy()
            parts.append("kerngebieden Beilen, Smilde, Westerbork: elke wijk bij het "
                         "dichtstbijzijnde kerndorp (aanname, data/midden_drenthe_villages.csv)"
                         + (" voor Midden-Drenthe" if not md.all() else ""))
        if not md.all():
            parts.append("kerngebied = wijk (geef een kerngebiedenbestand voor een eigen "
                         "indeling)")
            warnings.append("Geen kerngebiedenbestand: elke wijk is een kerngebied"
                            + (" (Midden-Drenthe: Beilen, Smilde, Westerbork)."
                               if md.any() else "."))
        source = "; ".join(parts)
    renamed = unique_kerngebieden(areas)
    if renamed:
        warnings.append("Kerngebieden met dezelfde naam in meer gemeenten kregen de "
                        f"gemeentenaam erbij: {', '.join(renamed)}.")
    return source


def unique_kerngebieden(areas: gpd.GeoDataFrame) -> list[str]:
    """Suffix kerngebied names that occur in several municipalities (in place).

    Every occurrence of such a name gets `` (<gemeente_name>)``; the new names are returned.
    A region of one municipality is left as it is.
    """
    per_name = areas.groupby("kerngebied")["gemeente_code"].nunique()
    shared = set(per_name.index[per_name > 1])
    if not shared:
        return []
    mask = areas["kerngebied"].isin(shared)
    areas.loc[mask, "kerngebied"] = (areas.loc[mask, "kerngebied"].astype(str) + " ("
                                     + areas.loc[mask, "gemeente_name"].astype(str) + ")")
    return list(dict.fromkeys(areas.loc[mask, "kerngebied"]))


def fill_gemeente_names(areas: gpd.GeoDataFrame, reference: pd.DataFrame | None) -> list[str]:
    """Give municipalities named by their code a real name (in place); return the notes.

    Source order: the Drenthe list (:data:`geo.model.regions_presets.DRENTHE_GEMEENTEN`),
    then the ``gemeente`` rows of the reference layer (Kerncijfers table or map).
    """
    from_reference: dict[str, str] = {}
    if reference is not None and len(reference):
        rows = reference[(reference["level"] == "gemeente")
                         & (reference["name"] != reference["code"])]
        from_reference = dict(zip(rows["code"], rows["name"], strict=True))
    notes = []
    for code in list(dict.fromkeys(areas["gemeente_code"])):
        rows = areas["gemeente_code"] == code
        if (areas.loc[rows, "gemeente_name"] != code).any():
            continue
        name, source = gemeente_name(code), "de lijst van Drentse gemeenten"
        if name is None and code in from_reference:
            name, source = from_reference[code], "de controlecijfers"
        if name is not None:
            areas.loc[rows, "gemeente_name"] = name
            notes.append(f"naam van {code} ({name}) uit {source}: het CBS-bestand heeft geen "
                         "gemeentenaam.")
    return notes


def outside_region(points: np.ndarray, outline: shapely.Geometry) -> np.ndarray:
    """Bool per point: not inside (nor on the edge of) the region's outline."""
    shapely.prepare(outline)
    return ~shapely.intersects(outline, points)
