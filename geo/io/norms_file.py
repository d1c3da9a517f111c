"""Norms files: read a TOML or JSON file of planning norms (format in :mod:`geo.model.norms`).

A file may carry a table per municipality (``[gemeente.GM0114.demand.step_free]``) that
overrides the norms for the buurten of that municipality (see :mod:`geo.model.norms`).

Analysis functions take :class:`~geo.model.norms.Norms` objects or preset keys only; a
caller with a file path (the CLI, the app) reads it here first.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from geo.errors import NormsError
from geo.model.norms import DEFAULT_PRESET, PRESETS, Norms, get_preset, norms_from_dict

__all__ = ["load_norms", "read_norms_file"]


def read_norms_file(path: str | Path) -> Norms:
    """Read norms from a ``.toml`` or ``.json`` file.

    Parameters
    ----------
    path
        The file; its suffix chooses the format.

    Returns
    -------
    Norms
        The file's values on top of its ``preset`` (default: the default preset).

    Raises
    ------
    NormsError
        When the file is missing, unreadable or not a table, or holds invalid values.
    """
    path = Path(path)
    if not path.is_file():
        raise NormsError(f"normbestand '{path}' bestaat niet.")
    try:
        raw = path.read_bytes().decode("utf-8")
        data = tomllib.loads(raw) if path.suffix.lower() == ".toml" else json.loads(raw)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise NormsError(f"normbestand '{path.name}' is niet leesbaar: {exc}") from exc
    if not isinstance(data, dict):
        raise NormsError(f"normbestand '{path.name}' moet een tabel/object zijn.")
    return norms_from_dict(data)


def load_norms(preset_or_file: str | Path | None = None) -> Norms:
    """Return norms from a preset key or a ``.toml`` / ``.json`` file (``None``: default).

    Raises
    ------
    NormsError
        Unknown preset, unreadable file or invalid values.
    """
    if preset_or_file is None:
        return get_preset(DEFAULT_PRESET)
    text = str(preset_or_file)
    if text in PRESETS:
        return PRESETS[text]
    path = Path(text)
    if path.suffix.lower() not in (".toml", ".json"):
        return get_preset(text)
    return read_norms_file(path)
