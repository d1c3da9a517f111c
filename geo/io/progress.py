"""Progress reporting of the io layer: one callback type and one clamp helper.

Long imports and downloads accept ``progress: Progress | None``; they report through
:func:`report` (fractions clamped to 0…1) and hand a sub-range of their own progress to a
step with :func:`scaled`. Rendering is the caller's business (the CLI draws a bar, the app
a Streamlit progress widget).

Examples
--------
>>> seen = []
>>> report(lambda f, m: seen.append((f, m)), 1.7, "klaar")
>>> inner = scaled(lambda f, m: seen.append((f, m)), 0.5, 0.5, "BAG: ")
>>> inner(0.5, "lezen")
>>> seen
[(1.0, 'klaar'), (0.75, 'BAG: lezen')]
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Progress", "report", "scaled"]

#: ``progress(fraction, message)``: fraction 0…1 of the whole job, a Dutch message.
Progress = Callable[[float, str], None]


def report(progress: Progress | None, fraction: float, message: str) -> None:
    """Call ``progress`` (if any) with ``fraction`` clamped to 0…1.

    Parameters
    ----------
    progress
        The callback, or ``None`` for no reporting.
    fraction
        Share of the job done; values outside 0…1 are clamped.
    message
        Dutch description of the current step.
    """
    if progress is not None:
        progress(min(max(float(fraction), 0.0), 1.0), message)


def scaled(progress: Progress | None, start: float, span: float,
           prefix: str = "") -> Progress:
    """A callback that maps a step's own 0…1 onto ``start … start + span`` of ``progress``.

    Parameters
    ----------
    progress
        The callback of the whole job, or ``None``.
    start, span
        Where the step begins in the whole job and how large a share it is.
    prefix
        Text put before every message of the step (e.g. ``"BAG: "``).

    Returns
    -------
    Progress
        A callback for the step (reports nothing when ``progress`` is ``None``).
    """
    def step(fraction: float, message: str) -> None:
        report(progress, start + span * fraction, f"{prefix}{message}")

    return step
