"""Writing analysis results to a GeoPackage (atomically, with provenance)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from geo.analysis.gaps import GapResult
from geo.errors import ExportError
from geo.io import _gdal
from geo.io._atomic import atomic_path
from geo.reporting.provenance import DataProvenance

__all__ = ["provenance_table", "write_result"]


def provenance_table(result: GapResult) -> pd.DataFrame:
    """Key/value table of everything the numbers depend on (sources, norms, year).

    Includes the municipalities of a region of several (``gemeenten``, JSON), those with
    their own norms (``norms_gemeente_json``), the number of facilities outside the region
    (``facilities_outside_region``), the distance method (``distance_method``
    ``network``/``straight``, ``distance_profile``, ``distance_text``, ``homes_unreachable``),
    ``data_status_<layer>`` (real / estimated / generated /
    mixed) and
    ``data_note_<layer>`` for every layer whose status the region package records, and
    ``data_summary`` (one Dutch line, e.g. "Buurtgrenzen: echt · Woningen: gegenereerd
    (demo)").
    """
    a = result.assumptions
    rows = {
        "region": a["region"],
        "demo": "true" if a["demo"] else "false",
        "notice": a.get("notice", ""),
        "base_year": str(a["base_year"]),
        "year": str(a["year"]),
        "norms_key": result.norms.key,
        "norms_name": result.norms.name,
        "norms_source": result.norms.source,
        "norms_json": json.dumps(a["norms"], ensure_ascii=False),
        "prognosis_variant": result.prognosis.name,
        "prognosis_json": json.dumps(a["prognosis"], ensure_ascii=False),
        "grid_size_m": str(a["grid_size_m"]),
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        **{f"source_{k}": v for k, v in a["sources"].items()},
    }
    if len(a.get("gemeenten") or []) > 1:  # a region of several municipalities
        rows["gemeenten"] = json.dumps(a["gemeenten"], ensure_ascii=False)
    if a.get("norms_gemeente"):
        rows["norms_gemeente_json"] = json.dumps(a["norms_gemeente"], ensure_ascii=False)
    if "facilities_outside" in a:
        rows["facilities_outside_region"] = str(a["facilities_outside"])
    if "distance_method" in a:  # geo.analysis.distance
        rows["distance_method"] = a["distance_method"]
        rows["distance_profile"] = a.get("distance_profile", "")
        rows["distance_text"] = a.get("distance_text", "")
        rows["homes_unreachable"] = str(a.get("homes_unreachable", 0))
    if a.get("import_report"):  # JSON of geo.io.import_report.ImportReport
        rows["import_report"] = a["import_report"]
    prov = DataProvenance.from_assumptions(a)
    if prov.known:
        rows["data_summary"] = prov.summary()
        for row in prov.rows(list(prov.statuses)):
            rows[f"data_status_{row.layer}"] = row.status or ""
            rows[f"data_note_{row.layer}"] = row.note
    for key, value in a.items():
        if key.startswith("scenario") and isinstance(value, str):
            rows[key] = value
    return pd.DataFrame({"key": list(rows), "value": list(rows.values())})


def write_result(result: GapResult, path: str | Path) -> Path:
    """Write the gap layers, the ranking and a ``provenance`` table to a GeoPackage.

    The file is written under a temporary name in the same folder and renamed on
    success, so a failed write never leaves a half-written file.

    Raises
    ------
    ExportError
        When the path does not end in ``.gpkg``.
    WriteError
        When the folder does not exist or is not writable.
    """
    path = Path(path)
    if path.suffix.lower() != ".gpkg":
        raise ExportError(f"uitvoer moet een .gpkg-bestand zijn, niet '{path.name}'.")
    with atomic_path(path) as tmp:
        for name, frame in result.layers().items():
            _gdal.write_dataframe(frame, tmp, layer=name, driver="GPKG")
        _gdal.write_dataframe(provenance_table(result), tmp, layer="provenance", driver="GPKG")
    return path
