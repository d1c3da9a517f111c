"""The rows and columns of every export layer, cut from one analysis result.

:func:`select_layer` gives one layer of :data:`LAYERS` (EPSG:28992) filtered by an
:class:`ExportSelection` (municipality, kerngebied, owner); :mod:`geo.reporting.export`
writes it. Every row carries the municipality code ``gemeente_code`` (the region row: the
comma-separated codes; facilities outside the region: empty), and the facilities carry
``outside_region``.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo import vocabulary
from geo.analysis.gaps import GapResult
from geo.errors import ExportError

__all__ = ["CATCHMENT_SEGMENTS", "LAYERS", "ExportSelection", "gemeente_code_of", "select_layer"]

CATCHMENT_SEGMENTS = 16  # quarter-circle segments of the catchment circles
LAYERS: dict[str, str] = {
    "gaps_buurt": "Tekorten per buurt",
    "gaps_kern": "Tekorten per kerngebied",
    "gaps_gemeente": "Tekorten per gemeente",
    "gaps_regio": "Tekorten van de hele regio",
    "gaps_grid": "Tekorten per rastercel",
    "homes": "Woningvoorraad met geschiktheid",
    "facilities": "Voorzieningen met capaciteit",
    "catchments": "Loopafstandsgebieden van voorzieningen",
}


@dataclass(frozen=True)
class ExportSelection:
    """What to export (besides the result): the filters and the figure to style on.

    Attributes
    ----------
    kerngebied
        Only this kerngebied (``None``: the whole municipality or region).
    gemeente
        Only this municipality, by code (``GM…``) or name, case-insensitive (``None``: the
        whole region). Not for the ``gaps_regio`` layer.
    owner
        Homes layer only: only homes of this owner (case-insensitive).
    theme
        Column the QGIS style colours area layers by (default: shortage of step-free
        homes).
    """

    kerngebied: str | None = None
    owner: str | None = None
    theme: str | None = None
    gemeente: str | None = None


def _of_points(result: GapResult, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Kerngebied and municipality code of points (``None`` outside every buurt)."""
    buurt = result.buurt
    tree = shapely.STRtree(buurt.geometry.values)
    pts, idx = tree.query(shapely.points(xy), predicate="within") if len(xy) else ([], [])
    pts, idx = np.asarray(pts, dtype=int), np.asarray(idx, dtype=int)
    kern = np.full(len(xy), None, dtype=object)
    gm = np.full(len(xy), None, dtype=object)
    kern[pts] = buurt["kerngebied"].to_numpy(dtype=object)[idx]
    gm[pts] = buurt["gemeente_code"].to_numpy(dtype=object)[idx]
    return kern, gm


def _homes(result: GapResult) -> gpd.GeoDataFrame:
    homes = result.homes
    of_buurt = result.buurt.set_index("buurt_code")[["kerngebied", "gemeente_code"]]
    out = homes.copy()
    out["suitability"] = out["suitability"].astype(str)
    where = of_buurt.reindex(out["buurt_code"])
    out["kerngebied"] = where["kerngebied"].to_numpy()
    out["gemeente_code"] = where["gemeente_code"].to_numpy()
    return out


def _facilities(result: GapResult) -> gpd.GeoDataFrame:
    if result.facilities is None:
        raise ExportError("dit resultaat bevat geen voorzieningen; reken het opnieuw door.")
    fac = result.facilities.copy()
    xy = shapely.get_coordinates(fac.geometry.values)
    ftype = fac["facility_type"]
    fac["type_label"] = ftype.map(vocabulary.FACILITY_LABELS).fillna(ftype)
    fac["kerngebied"], fac["gemeente_code"] = _of_points(result, xy)
    fac["in_region"] = fac["kerngebied"].notna()
    if "outside_region" in fac.columns:  # as the analysis flagged it (recorded or computed)
        fac["outside_region"] = fac["outside_region"].fillna(~fac["in_region"]).astype(bool)
    else:
        fac["outside_region"] = ~fac["in_region"]
    fac["norm_m"] = ftype.map({k: float(v) for k, v in result.norms.walking.items()})
    return fac


def _catchments(result: GapResult) -> gpd.GeoDataFrame:
    fac = _facilities(result)
    fac = fac[fac["norm_m"].notna()]
    circles = shapely.buffer(fac.geometry.values, fac["norm_m"].to_numpy(dtype=float),
                             quad_segs=CATCHMENT_SEGMENTS)
    return fac.set_geometry(gpd.GeoSeries(circles, index=fac.index, crs=fac.crs))


def select_layer(result: GapResult, layer: str,
                 selection: ExportSelection | None = None) -> gpd.GeoDataFrame:
    """The rows and columns of one export layer (EPSG:28992), filtered.

    Parameters
    ----------
    result
        The analysis (base or scenario) the app shows.
    layer
        A key of :data:`LAYERS`.
    selection
        Filters (kerngebied; owner for homes).

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame; ``result`` is not changed.

    Raises
    ------
    ExportError
        Unknown layer, kerngebied or owner, or an empty selection.
    """
    sel = selection or ExportSelection()
    if layer not in LAYERS:
        raise ExportError(f"onbekende laag '{layer}'; kies uit {', '.join(LAYERS)}.")
    frame = {
        "gaps_buurt": lambda: result.buurt.copy(),
        "gaps_kern": lambda: result.kerngebied.copy(),
        "gaps_gemeente": lambda: result.gemeente.copy(),
        "gaps_regio": lambda: _regio(result),
        "gaps_grid": lambda: result.grid.copy(),
        "homes": lambda: _homes(result),
        "facilities": lambda: _facilities(result),
        "catchments": lambda: _catchments(result),
    }[layer]()
    if layer in ("gaps_regio", "gaps_gemeente") and sel.kerngebied is not None:
        raise ExportError(f"de laag '{LAYERS[layer]}' heeft geen kerngebieden; een filter op "
                          "kerngebied past bij de lagen per buurt, kerngebied of rastercel.")
    if sel.gemeente is not None:
        frame = _only_gemeente(result, layer, frame, sel.gemeente)
    if sel.kerngebied is not None:
        kerngebieden = list(dict.fromkeys(result.buurt["kerngebied"]))
        if sel.kerngebied not in kerngebieden:
            raise ExportError(f"onbekend kerngebied '{sel.kerngebied}'; kies uit "
                              f"{', '.join(kerngebieden)}.")
        frame = frame[frame["kerngebied"] == sel.kerngebied]
    if sel.owner is not None:
        if layer != "homes":
            raise ExportError("een filter op eigenaar kan alleen bij de laag 'homes' "
                              "(woningvoorraad).")
        owners = sorted(set(result.homes["owner"].dropna().astype(str)))
        match = [o for o in owners if o.lower() == sel.owner.strip().lower()]
        if not match:
            raise ExportError(f"onbekende eigenaar '{sel.owner}'; bekend zijn: "
                              f"{', '.join(owners[:15])}.")
        frame = frame[frame["owner"].astype(str) == match[0]]
    if frame.empty:
        what = [f"gemeente {sel.gemeente}" if sel.gemeente else "",
                f"kerngebied {sel.kerngebied}" if sel.kerngebied else "", f"eigenaar {sel.owner}"
                if sel.owner else ""]
        raise ExportError(f"de selectie is leeg: laag '{LAYERS[layer]}' heeft geen rijen voor "
                          f"{' en '.join(w for w in what if w) or 'deze keuze'}. "
                          "Kies een ander kerngebied, een andere eigenaar of een andere laag.")
    return frame.reset_index(drop=True)


def _regio(result: GapResult) -> gpd.GeoDataFrame:
    """The region row (older results without one: the municipality row)."""
    if result.regio is not None:
        return result.regio.copy()
    return result.gemeente.copy()


def gemeente_code_of(result: GapResult, value: str) -> str:
    """The municipality code of the region matching a code or name (case-insensitive).

    Raises
    ------
    ExportError
        When no municipality of the region matches; the message lists them.
    """
    pairs = dict(zip(result.gemeente["gemeente_code"].astype(str),
                     result.gemeente["gemeente"].astype(str), strict=True))
    wanted = str(value).strip().lower()
    for code, name in pairs.items():
        if wanted in (code.lower(), name.lower()):
            return code
    known = ", ".join(f"{c} ({n})" for c, n in pairs.items())
    raise ExportError(f"onbekende gemeente '{value}'; deze regio bestaat uit {known}. Geef "
                      "de gemeentecode (GM…) of de naam.")


def _only_gemeente(result: GapResult, layer: str, frame: gpd.GeoDataFrame,
                   value: str) -> gpd.GeoDataFrame:
    """Rows of one municipality (facilities outside the region belong to none)."""
    code = gemeente_code_of(result, value)
    if layer == "gaps_regio":
        raise ExportError("de laag 'Tekorten van de hele regio' is één rij voor alle "
                          "gemeenten samen; kies voor één gemeente de laag 'gaps_gemeente'.")
    return frame[frame["gemeente_code"].astype(str) == code]
