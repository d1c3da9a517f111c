"""Every exception class of Woonzorgatlas (no other module defines one).

All subclass :class:`ValueError`, so callers that only know "bad input" can catch
that; the app and the CLI catch :class:`WoonzorgError` and show its message.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "AnalysisError",
    "ConfigError",
    "DownloadError",
    "ExportError",
    "ImportDataError",
    "NetworkError",
    "NormsError",
    "RegionError",
    "ScenarioError",
    "StoreConflictError",
    "StoreError",
    "WoonzorgError",
    "WriteError",
]


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


class NetworkError(WoonzorgError):
    """A street network cannot be built or used; nothing was changed.

    E.g. an OSM file that does not cover the region, or no ways for a mobility profile.
    """


class ExportError(WoonzorgError):
    """An export request cannot be fulfilled (unknown layer or format, empty selection)."""


class ConfigError(WoonzorgError):
    """A runtime setting (environment variable or :class:`geo.config.Config` field) is invalid."""


class WriteError(WoonzorgError):
    """A file cannot be written (folder missing or not writable, disk full); nothing was changed."""


class ScenarioError(WoonzorgError):
    """A scenario file or scenario is malformed or does not fit the region.

    Parameters
    ----------
    problems
        One or more Dutch messages, each naming the item and what to fix.
    """

    def __init__(self, problems: str | Iterable[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        if len(self.problems) == 1:
            text = self.problems[0]
        else:
            text = f"{len(self.problems)} problemen:\n" + "\n".join(
                f"  - {p}" for p in self.problems)
        super().__init__(text)


class StoreError(WoonzorgError):
    """Saved scenarios cannot be read or written; the message says what to do."""


class StoreConflictError(StoreError):
    """Someone else changed (or deleted) the scenario since it was loaded."""


class DownloadError(ImportDataError):
    """One HTTP request failed; :mod:`geo.io.fetch` turns it into a plain ImportDataError.

    Parameters
    ----------
    kind
        ``"network"`` (no answer), ``"client"`` (HTTP 4xx), ``"server"`` (HTTP 5xx) or
        ``"content"`` (an answer that is not the data expected).
    reason
        Dutch description of what went wrong.
    url
        The address requested.
    status
        HTTP status code, if there was an answer.
    """

    def __init__(self, kind: str, reason: str, url: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.url = url
        self.status = status
