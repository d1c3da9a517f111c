"""Scenario files: read and write a scenario as a UTF-8 ``.toml`` file.

The format is documented in :mod:`geo.model.scenario_text`; writes are atomic.
"""

from __future__ import annotations

from pathlib import Path

from geo.errors import ScenarioError, WoonzorgError
from geo.io._atomic import atomic_path
from geo.model.scenario import Scenario
from geo.model.scenario_text import dumps_scenario, loads_scenario

__all__ = ["load_scenario", "save_scenario"]


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario from a ``.toml`` file.

    Raises
    ------
    ScenarioError
        When the file is missing or unreadable, or not a valid scenario; the message
        starts with the file name.
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"scenariobestand '{path}' bestaat niet.")
    try:
        text = path.read_bytes().decode("utf-8")
        return loads_scenario(text)
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"scenariobestand '{path.name}' is geen UTF-8-tekst.") from exc
    except ScenarioError as exc:
        raise ScenarioError([f"scenariobestand '{path.name}': {p}" for p in exc.problems]
                            ) from exc


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario file atomically (temporary file in the same folder, then rename).

    Returns
    -------
    Path
        The written path.

    Raises
    ------
    ScenarioError
        When the folder does not exist or is not writable.
    """
    path = Path(path)
    text = dumps_scenario(scenario)
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="\n")
    except ScenarioError:
        raise
    except WoonzorgError as exc:
        raise ScenarioError(f"kan niet schrijven: {exc}") from exc
    return path
