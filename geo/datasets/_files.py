"""The shipped data files by name (the registry behind :func:`geo.datasets.get_path`)."""

from __future__ import annotations

from pathlib import Path

from geo.errors import RegionError

__all__ = ["DEMO_REGION", "available", "data_dir", "get_path"]

#: Folder of the shipped data files (``data/`` at the top of the repository).
_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

_FILES: dict[str, str] = {
    "midden_drenthe": "midden_drenthe.gpkg",
    "midden_drenthe_villages": "midden_drenthe_villages.csv",
    "midden_drenthe_care_locations": "midden_drenthe_care_locations.csv",
    "cbs_buurten": "cbs_buurten_2022_GM1731_wgs84.geojson",
    "cbs_wijken": "cbs_wijken_2024_GM1731_wgs84.geojson",
    "cbs_gemeente": "cbs_gemeente_2024_GM1731_wgs84.geojson",
    "cbs_kerncijfers": "cbs_kerncijfers_GM1731.csv",
    "zuidoost_drenthe": "zuidoost_drenthe.gpkg.zip",
    "boce_buurten": "cbs_buurten_2024_BOCE_wgs84.geojson",
    "boce_wijken": "cbs_wijken_2024_BOCE_wgs84.geojson",
    "boce_kerncijfers": "cbs_kerncijfers_BOCE.csv",
}

#: Names accepted by :func:`get_path`.
available: list[str] = list(_FILES)

#: Name of the embedded default region package (real CBS data with generated homes).
DEMO_REGION = "midden_drenthe"


def data_dir() -> Path:
    """The folder of the shipped data files."""
    return _DATA_DIR


def get_path(name: str) -> Path:
    """Path of a shipped dataset.

    Parameters
    ----------
    name
        One of :data:`available`.

    Returns
    -------
    pathlib.Path
        The file's path (it is not opened or checked here).

    Raises
    ------
    RegionError
        For an unknown name; the message lists the available ones.
    """
    try:
        return _DATA_DIR / _FILES[name]
    except KeyError:
        raise RegionError(
            None, f"onbekende dataset '{name}'; beschikbaar: {', '.join(available)}."
        ) from None
