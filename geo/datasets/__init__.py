"""Datasets shipped with Woonzorgatlas (momepy-style): find them by name, load the default.

=================================  =============================================================
name                               file (in ``data/``; sources and licences: ``data/SOURCES.md``)
=================================  =============================================================
``midden_drenthe``                 the default region package (GeoPackage), built by
                                   :mod:`geo.datasets.midden_drenthe` from the files below
``midden_drenthe_villages``        village names, points, inhabitants, core buurt, kerngebied
``midden_drenthe_care_locations``  named care locations with their published capacity
``cbs_buurten``                    the 48 CBS buurten (2022 edition = 2024 codes, WGS84 GeoJSON)
``cbs_wijken``                     the 17 CBS wijken 2024 (WGS84 GeoJSON)
``cbs_gemeente``                   the gemeente outline 2024 (WGS84 GeoJSON)
``cbs_kerncijfers``                CBS Kerncijfers wijken en buurten 2024 (and the gemeente 2019)
``zuidoost_drenthe``               the second built-in region (Borger-Odoorn, Coevorden, Emmen;
                                   zipped GeoPackage), built by
                                   :mod:`geo.datasets.zuidoost_drenthe` from the files below
``boce_buurten``                   the 209 CBS buurten 2024 of the three gemeenten (WGS84)
``boce_wijken``                    their 61 wijken 2024 (WGS84 GeoJSON)
``boce_kerncijfers``               CBS Kerncijfers 2024 of the three (and the gemeenten 2019)
=================================  =============================================================

The built-in regions by id (``midden-drenthe``, ``zuidoost-drenthe``):
:data:`BUILTIN_REGIONS`, :func:`find_builtin`, :func:`load_builtin_region`.

Examples
--------
>>> "midden_drenthe" in available
True
>>> get_path("midden_drenthe").name
'midden_drenthe.gpkg'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.datasets._builtin import (
    BUILTIN_PREFIX,
    BUILTIN_REGIONS,
    BuiltinRegion,
    find_builtin,
    load_builtin_region,
)
from geo.datasets._files import DEMO_REGION, available, data_dir, get_path

if TYPE_CHECKING:
    import pandas as pd

    from geo.model.region import Region

__all__ = ["BUILTIN_PREFIX", "BUILTIN_REGIONS", "DEMO_REGION", "BuiltinRegion", "available",
           "data_dir", "find_builtin", "get_path", "load_builtin_region", "load_demo_region",
           "reference_figures"]


def load_demo_region() -> Region:
    """Load and validate the embedded default region (Midden-Drenthe, CBS 2024).

    Raises
    ------
    RegionError
        When the package is missing or invalid (rebuild it with
        ``python -m geo generate-demo``).
    """
    from geo.io.region_package import load_region

    return load_region(get_path(DEMO_REGION))


def reference_figures() -> pd.DataFrame:
    """Published CBS figures of the default region per buurt, wijk and gemeente.

    See :func:`geo.datasets.midden_drenthe.reference_figures` for the columns.
    """
    from geo.datasets.midden_drenthe import reference_figures as figures

    return figures()
