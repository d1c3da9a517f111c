"""Altair helpers: Dutch number labels on chart axes.

Vega formats axis numbers with d3-format in the English locale (``2500`` with ``d``,
``2,500`` with ``,d``). :func:`count_axis` rewrites the labels with a Vega ``labelExpr`` so
whole numbers get a dot between thousands (``2.500``), as :func:`geo.formats.fmt_int` writes
them everywhere else; it needs no locale support from the Vega build Streamlit ships.
"""

from __future__ import annotations

from typing import Any

import altair as alt

__all__ = ["DUTCH_INTEGER_LABEL", "count_axis"]

#: Vega expression: the axis value rounded, grouped by thousands with a dot (``12.345``).
DUTCH_INTEGER_LABEL = "replace(format(datum.value, ',d'), regexp(',', 'g'), '.')"


def count_axis(**kwargs: Any) -> alt.Axis:
    """An :class:`altair.Axis` for counts with Dutch labels (``2.500``); ``kwargs`` pass on.

    Years are not counts: give a year axis ``format="d"`` (``2030``) instead.
    """
    return alt.Axis(labelExpr=DUTCH_INTEGER_LABEL, tickMinStep=1, **kwargs)
