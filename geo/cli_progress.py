"""The command line's progress display on stderr (shared by ``build``, ``fetch`` and others)."""

from __future__ import annotations

import sys

__all__ = ["ProgressBar", "end_progress_line"]

_OPEN_LINE = {"stderr": False}


def end_progress_line() -> None:
    """End an open progress-bar line, so the next message starts on its own line."""
    if _OPEN_LINE["stderr"]:
        print(file=sys.stderr, flush=True)
        _OPEN_LINE["stderr"] = False


class ProgressBar:
    """The CLI's progress display on stderr, for every long command.

    With ``width > 0`` a one-line bar redrawn in place (``[#####     ]  50% message``); with
    ``width=0`` one line per step (``[ 50%] message``), which reads well in logs. An open
    bar line is ended (:func:`end_progress_line`) before any error is printed.
    """

    def __init__(self, width: int = 30) -> None:
        self.width = width
        self.last = ""

    def __call__(self, fraction: float, message: str) -> None:
        """Show ``fraction`` (0–1) done with ``message`` (a :data:`geo.io.progress.Progress`)."""
        if not self.width:
            print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)
            return
        filled = int(round(fraction * self.width))
        line = f"[{'#' * filled}{' ' * (self.width - filled)}] {fraction:4.0%} {message}"
        end = "\n" if fraction >= 1.0 else ""
        print("\r" + line.ljust(len(self.last)), end=end, file=sys.stderr, flush=True)
        _OPEN_LINE["stderr"] = not end
        self.last = line
