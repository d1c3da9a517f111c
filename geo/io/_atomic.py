"""Atomic file writing: write under a temporary name in the target folder, then rename.

A failed write (disk full, bad data, interrupted process) never leaves a half-written file
at the target path, and an existing file there stays intact until the new one is complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from geo.errors import WriteError

__all__ = ["atomic_path", "check_writable_folder"]


def check_writable_folder(path: str | Path) -> Path:
    """Return the folder of ``path`` after checking it exists and is writable.

    Raises
    ------
    WriteError
        With a Dutch message saying which folder is missing or not writable.
    """
    folder = Path(path).parent if str(Path(path).parent) else Path(".")
    if not folder.is_dir():
        raise WriteError(f"map '{folder}' bestaat niet; maak hem eerst aan of kies een "
                            "andere map.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WriteError(f"map '{folder}' is niet schrijfbaar; kies een map waarin u "
                            "bestanden mag opslaan.")
    return folder


@contextmanager
def atomic_path(path: str | Path, suffix: str | None = None, *,
                translate_errors: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` when the block succeeds.

    The temporary path does not exist yet (writers such as GDAL want to create it). On an
    exception it is removed and the exception propagates; with ``translate_errors`` an
    ``OSError`` becomes :class:`~geo.errors.WriteError` with a message naming the target.

    Parameters
    ----------
    path
        Final file path.
    suffix
        Suffix of the temporary name (default: the suffix of ``path``), so drivers that
        choose by extension see the right one.
    """
    path = Path(path)
    folder = check_writable_folder(path)
    try:
        fd, tmp_name = tempfile.mkstemp(suffix=suffix if suffix is not None else path.suffix,
                                        dir=folder, prefix=".tmp-")
    except OSError as exc:
        raise WriteError(f"kan niet schrijven in '{folder}': {exc.strerror}.") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        if not translate_errors:
            raise
        raise WriteError(f"schrijven naar '{path}' mislukt: {exc.strerror or exc}. "
                            "Een eerder bestand met die naam is niet gewijzigd.") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
