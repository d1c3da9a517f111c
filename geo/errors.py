"""Domain exceptions of the analysis core.

All subclass :class:`ValueError`, so callers that only know "bad input" can catch
that; the app and the CLI catch :class:`WoonzorgError` and show its message.
"""

from __future__ import annotations


class WoonzorgError(ValueError):
    """Base class: bad input that the user can fix; the message says how."""


class RegionError(WoonzorgError):
    """A region package is missing a layer or column, or holds invalid data.

    Parameters
    ----------
    layer
        Name of the layer the problem is in (``None`` for the whole package).
    problem
        What is wrong and how to fix it, in one or two sentences.
    """

    def __init__(self, layer: str | None, problem: str) -> None:
        self.layer = layer
        self.problem = problem
        where = f"laag '{layer}'" if layer else "regiopakket"
        super().__init__(f"{where}: {problem}")


class NormsError(WoonzorgError):
    """A norm set or preset is unknown or malformed."""


class AnalysisError(WoonzorgError):
    """An analysis was asked for something the data cannot answer (e.g. a year)."""


class ImportDataError(WoonzorgError):
    """An input file (upload, CLI argument or download) cannot be imported.

    The message names the file and says what is wrong and how to fix it.
    """


class ExportError(WoonzorgError):
    """An export request cannot be fulfilled (unknown layer or format, empty selection)."""
