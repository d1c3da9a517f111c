"""Region packages on disk: read (and validate) and write the GeoPackage of a region.

The layers and their columns are documented in :mod:`geo.model.region`; this module is the
only one that opens a region package. :func:`load_region` raises
:class:`geo.errors.RegionError` naming the layer and the problem.

Packages written by an earlier version still load: columns renamed since
(:data:`RENAMED_COLUMNS`, e.g. the facilities' ``type``, now ``facility_type``) are renamed
on read, and the region carries one Dutch notice (:attr:`Region.notices`) for the caller to
show. The file itself is not changed; :func:`write_region` writes the current names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from geo.errors import RegionError
from geo.io import _gdal
from geo.io._atomic import atomic_path
from geo.model.network import NETWORK_LAYERS, network_frames, network_from_frames
from geo.model.region import LAYER_COLUMNS, REQUIRED_LAYERS, Region, validate_region

__all__ = ["RENAMED_COLUMNS", "load_region", "write_region"]

#: Columns renamed since earlier versions, per layer: ``{old name: current name}``.
RENAMED_COLUMNS: dict[str, dict[str, str]] = {"facilities": {"type": "facility_type"}}


def load_region(path: str | Path) -> Region:
    """Read and validate a region package.

    Parameters
    ----------
    path
        Path of the GeoPackage.

    Returns
    -------
    Region
        The validated layers; homes get a ``buurt_code`` by location when absent. A
        package of an earlier version is migrated (:data:`RENAMED_COLUMNS`) and the region
        then has one notice in ``notices``.

    Raises
    ------
    RegionError
        When the file is missing or not a GeoPackage, or a layer is missing or invalid.
    """
    path = Path(path)
    if not path.is_file():
        raise RegionError(None, f"bestand '{path}' bestaat niet.")
    with open(path, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise RegionError(
                None,
                f"'{path.name}' is geen GeoPackage (.gpkg); een regiopakket is één GeoPackage.",
            )
    try:
        present = {str(name) for name, _ in _gdal.list_layers(path)}
    except Exception as exc:  # GDAL errors have many types
        raise RegionError(None, f"'{path.name}' kan niet gelezen worden: {exc}") from exc
    missing = [name for name in REQUIRED_LAYERS if name not in present]
    if missing:
        raise RegionError(
            missing[0],
            f"ontbreekt in '{path.name}' (aanwezig: {', '.join(sorted(present)) or 'geen'}). "
            f"Een regiopakket heeft de lagen {', '.join(REQUIRED_LAYERS)}.",
        )
    frames: dict[str, Any] = {}
    for name in (*REQUIRED_LAYERS, "villages", "reference", *NETWORK_LAYERS):
        if name not in present:
            continue
        try:
            frames[name] = _gdal.read_dataframe(path, layer=name)
        except Exception as exc:
            raise RegionError(name, f"kan niet gelezen worden: {exc}") from exc
    notices = _migrate_columns(frames, path.name)
    metadata = _metadata_dict(frames["metadata"])
    region = Region(
        areas=frames["areas"],
        population=pd.DataFrame(frames["population"]),
        homes=frames["homes"],
        facilities=frames["facilities"],
        metadata=metadata,
        villages=frames.get("villages"),
        reference=_table(frames.get("reference")),
        network=_network(frames, metadata),
        source_path=path,
        notices=notices,
    )
    return validate_region(region)


def _migrate_columns(frames: dict[str, Any], file_name: str) -> tuple[str, ...]:
    """Rename columns of an earlier version in place; one notice when any was renamed.

    A column is renamed only when the current name is absent, so a package that has both
    keeps its current column (the old one is then an extra column, as any other).
    """
    renamed: list[str] = []
    for layer, mapping in RENAMED_COLUMNS.items():
        frame = frames.get(layer)
        if frame is None:
            continue
        todo = {old: new for old, new in mapping.items()
                if old in frame.columns and new not in frame.columns}
        if todo:
            frames[layer] = frame.rename(columns=todo)
            renamed += [f"'{old}' in laag '{layer}' heet nu '{new}'" for old, new in todo.items()]
    if not renamed:
        return ()
    return (f"Regiopakket '{file_name}' is gemaakt met een eerdere versie en is bij het inlezen "
            f"omgezet: kolom {'; kolom '.join(renamed)}. Het bestand zelf is niet gewijzigd; "
            "sla de regio opnieuw op om de nieuwe namen vast te leggen.",)


def _network(frames: dict[str, Any], metadata: dict[str, str]):  # noqa: ANN202
    """The street network of the package (``None`` without its layers)."""
    present = [name for name in NETWORK_LAYERS if name in frames]
    if not present:
        return None
    if len(present) == 1:
        other = next(n for n in NETWORK_LAYERS if n not in frames)
        raise RegionError(other, f"ontbreekt terwijl '{present[0]}' er wel is; bouw het "
                                 "netwerk opnieuw met `python -m geo network`.")
    return network_from_frames(*(frames[n] for n in NETWORK_LAYERS),
                               source=metadata.get("source_network", ""))


def _table(frame: Any) -> pd.DataFrame | None:
    """A non-spatial layer as a plain DataFrame (``None`` when the layer is absent)."""
    if frame is None:
        return None
    return pd.DataFrame(frame).drop(columns="geometry", errors="ignore")


def _metadata_dict(frame: pd.DataFrame) -> dict[str, str]:
    missing = [col for col in LAYER_COLUMNS["metadata"] if col not in frame.columns]
    if missing:
        raise RegionError(
            "metadata",
            f"kolom(men) ontbreken: {', '.join(missing)}. "
            f"Verwacht: {', '.join(LAYER_COLUMNS['metadata'])}.",
        )
    keys = frame["key"].astype(str)
    if keys.duplicated().any():
        dup = ", ".join(sorted(set(keys[keys.duplicated()])))
        raise RegionError("metadata", f"sleutels komen dubbel voor: {dup}.")
    return dict(zip(keys, frame["value"].astype(str), strict=True))


def write_region(region: Region, path: str | Path) -> Path:
    """Write a region package atomically (temporary file, then rename).

    Parameters
    ----------
    region
        The region to write.
    path
        Target ``.gpkg`` path; an existing file is replaced only on success.

    Returns
    -------
    Path
        The written path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    layers: list[tuple[str, pd.DataFrame]] = [
        ("areas", region.areas),
        ("population", region.population),
        ("homes", region.homes),
        ("facilities", region.facilities),
    ]
    if region.villages is not None:
        layers.append(("villages", region.villages))
    if region.reference is not None:
        layers.append(("reference", region.reference))
    if region.network is not None:
        layers += list(zip(NETWORK_LAYERS, network_frames(region.network), strict=True))
    meta = pd.DataFrame(
        {"key": list(region.metadata), "value": [str(v) for v in region.metadata.values()]}
    )
    layers.append(("metadata", meta))
    with atomic_path(path, translate_errors=False) as tmp:
        for name, frame in layers:
            _gdal.write_dataframe(frame, tmp, layer=name, driver="GPKG")
    return path
