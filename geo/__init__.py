"""Woonzorgatlas analysis core: housing, care facilities and ageing per buurt and kerngebied.

Pure Python, no Streamlit; all metric work in EPSG:28992 (RD New). The package is layered
(see the README, "Architecture"):

- :mod:`geo.model` — what the data is: region, norms, prognosis variants, scenarios, CRS;
- :mod:`geo.io` — everything that touches files, GDAL, HTTP or SQLite: importers, the
  region package, scenario files, saved regions and scenarios, downloads;
- :mod:`geo.analysis` — computation: prognosis, demand, supply, catchments and 2SFCA, gaps,
  ranking, applying a scenario;
- :mod:`geo.reporting` — what people read: display layers, profiles, exports, the handout;
- :mod:`geo.datasets` — the embedded default region;
- top level: :mod:`geo.config` (runtime settings), :mod:`geo.errors` (every exception),
  :mod:`geo.vocabulary` and :mod:`geo.formats` (the Dutch vocabulary), :mod:`geo.cli`.

The names below are the public API; everything else may change between versions. They are
loaded on first use, so ``import geo`` stays cheap.

Examples
--------
>>> import geo
>>> region = geo.load_demo_region()
>>> result = geo.analyse(region, year=2030)
>>> sorted(result.kerngebied["kerngebied"])
['Beilen', 'Smilde', 'Westerbork']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from geo._version import __version__
from geo.io._gdal import harden_gdal

# GDAL must never follow references inside files (OGR VRT): before anything loads pyogrio.
harden_gdal(strict=False)

#: Public name → module that defines it.
_API: dict[str, str] = {
    # region and data
    "Region": "geo.model.region",
    "load_region": "geo.io.region_package",
    "write_region": "geo.io.region_package",
    "load_demo_region": "geo.datasets",
    "build_region": "geo.io.build",
    # analysis
    "analyse": "geo.analysis.gaps",
    "GapResult": "geo.analysis.gaps",
    "two_step_fca": "geo.analysis.fca",
    "fca_from_catchment": "geo.analysis.fca",
    "build_catchment": "geo.analysis.catchment",
    # norms and scenarios
    "Norms": "geo.model.norms",
    "get_preset": "geo.model.norms",
    "Scenario": "geo.model.scenario",
    "load_scenario": "geo.io.scenario_toml",
    "save_scenario": "geo.io.scenario_toml",
    "analyse_scenario": "geo.analysis.scenario",
    "compare": "geo.analysis.scenario",
    # outputs
    "write_export": "geo.reporting.export",
    "make_handout": "geo.reporting.handout",
    # configuration
    "Config": "geo.config",
    "get_config": "geo.config",
    # errors
    "WoonzorgError": "geo.errors",
    "RegionError": "geo.errors",
    "NormsError": "geo.errors",
    "AnalysisError": "geo.errors",
    "ImportDataError": "geo.errors",
    "ExportError": "geo.errors",
    "ScenarioError": "geo.errors",
    "ConfigError": "geo.errors",
}

__all__ = [
    "__version__",
    "Region",
    "load_region",
    "write_region",
    "load_demo_region",
    "build_region",
    "analyse",
    "GapResult",
    "two_step_fca",
    "fca_from_catchment",
    "build_catchment",
    "Norms",
    "get_preset",
    "Scenario",
    "load_scenario",
    "save_scenario",
    "analyse_scenario",
    "compare",
    "write_export",
    "make_handout",
    "Config",
    "get_config",
    "WoonzorgError",
    "RegionError",
    "NormsError",
    "AnalysisError",
    "ImportDataError",
    "ExportError",
    "ScenarioError",
    "ConfigError",
]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time names load lazily
    from geo.analysis.catchment import build_catchment
    from geo.analysis.fca import fca_from_catchment, two_step_fca
    from geo.analysis.gaps import GapResult, analyse
    from geo.analysis.scenario import analyse_scenario, compare
    from geo.config import Config, get_config
    from geo.datasets import load_demo_region
    from geo.errors import (
        AnalysisError,
        ConfigError,
        ExportError,
        ImportDataError,
        NormsError,
        RegionError,
        ScenarioError,
        WoonzorgError,
    )
    from geo.io.build import build_region
    from geo.io.region_package import load_region, write_region
    from geo.io.scenario_toml import load_scenario, save_scenario
    from geo.model.norms import Norms, get_preset
    from geo.model.region import Region
    from geo.model.scenario import Scenario
    from geo.reporting.export import write_export
    from geo.reporting.handout import make_handout


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_API))
