"""Which region this session shows: kept in the session and in the URL (``?regio=<id>``).

Every browser session chooses its own region; one planner switching regions never changes
what a councillor sees elsewhere. The choice lives in ``st.session_state["regio"]`` (so it
survives page changes) and in the URL parameter ``regio`` (so a reload or a shared link
opens the same region). A URL parameter that differs from the session wins (a pasted
link); a page change, which drops the URL parameters, gets it back from the session. A new
session without ``?regio=`` starts in the server default
(:func:`geo.io.saved_regions.default_region_ref`: ``WOONZORGATLAS_DEFAULT_REGION``, the
marker set with ``python -m geo regions --default``, or the built-in region).

Ids: ``demo`` for the built-in default region (Midden-Drenthe), ``zuidoost-drenthe`` for the
second built-in region (:data:`geo.datasets.BUILTIN_REGIONS`), else a saved region's file
name without ``.gpkg``; the URL may also hold the region's name or an alias such as ``boce``
(it is rewritten to the id).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from geo.datasets import BUILTIN_REGIONS, find_builtin
from geo.errors import WoonzorgError
from geo.io.saved_regions import default_region_ref, find_saved_region, list_saved_regions
from geo.model.region import Region
from geo.reporting.profile import md_escape
from geo.reporting.provenance import DataProvenance
from ui.cache import builtin_region, default_region, region_from_file

REGIO = "regio"  # session-state key and URL parameter
DEMO_ID = "demo"
_BUILTIN_ALIASES = ("demo", "ingebouwd", "standaard")


@dataclass(frozen=True)
class RegionChoice:
    """A region a session can show: the built-in one or a saved package."""

    id: str
    label: str
    path: Path | None = None
    builtin: str | None = None  # id of another built-in region (not the default)


def builtin_choice() -> RegionChoice:
    """The built-in region, labelled with what its data is."""
    region = default_region()
    data = DataProvenance.from_region(region)
    label = (f"{region.name} (ingebouwd; {data.kind().lower()})" if data.known
             else f"{region.name} (ingebouwd, gegenereerde details)")
    return RegionChoice(DEMO_ID, label)


def other_builtin_choices() -> dict[str, RegionChoice]:
    """The built-in regions besides the default, by id (labelled without loading them)."""
    default = next(iter(BUILTIN_REGIONS))
    return {item.id: RegionChoice(item.id, f"{item.title} (ingebouwd; echte CBS-grenzen en "
                                           "-cijfers, woningen en voorzieningen gegenereerd)",
                                  builtin=item.id)
            for item in BUILTIN_REGIONS.values() if item.id != default}


def region_options() -> dict[str, RegionChoice]:
    """Every region a session can choose, by id: the built-in ones, then the saved ones.

    Saved regions that cannot be listed are left out with an error message.
    """
    options = {DEMO_ID: builtin_choice(), **other_builtin_choices()}
    try:
        saved = list_saved_regions()
    except WoonzorgError as exc:
        st.error(f"De opgeslagen regio's kunnen niet worden gelezen: {exc}")
        saved = []
    for item in saved:
        options[item.id] = RegionChoice(item.id, item.label, item.path)
    return options


def resolve(ref: str) -> RegionChoice | None:
    """The region an id or name refers to (``None``: unknown)."""
    text = ref.strip()
    if not text:
        return None
    if text.casefold() in _BUILTIN_ALIASES or \
            text.casefold() == default_region().name.strip().casefold():
        return builtin_choice()
    item = find_builtin(text)
    if item is not None:
        return other_builtin_choices().get(item.id) or builtin_choice()
    try:
        found = find_saved_region(text)
    except WoonzorgError:
        found = None
    return None if found is None else RegionChoice(found.id, found.label, found.path)


def _server_default() -> RegionChoice:
    try:
        ref = default_region_ref()
    except WoonzorgError as exc:
        st.error(f"De standaardregio van de server is onleesbaar ({exc}); de ingebouwde regio "
                 "wordt getoond.")
        ref = ""
    choice = resolve(ref) if ref else None
    if ref and choice is None:
        st.warning(f"De standaardregio van de server ('{md_escape(ref)}', "
                   "WOONZORGATLAS_DEFAULT_REGION) bestaat niet; de ingebouwde regio wordt "
                   "getoond. Kies een regio op de pagina Data laden.")
    return choice or builtin_choice()


def current_choice() -> RegionChoice:
    """The region of this session (see the module docstring); keeps session and URL in step."""
    session_id = st.session_state.get(REGIO)
    url_ref = st.query_params.get(REGIO)
    choice: RegionChoice | None = None
    if url_ref and url_ref != session_id:
        choice = resolve(url_ref)
        if choice is None:
            st.warning(f"Regio '{md_escape(url_ref)}' uit de link bestaat niet (meer) op deze "
                       "server; " + ("de eerder gekozen regio" if session_id else
                                     "de standaardregio") + " wordt getoond. Kies een regio "
                       "op de pagina Data laden.")
    if choice is None and session_id:
        choice = resolve(session_id)
    if choice is None:
        choice = _server_default()
    remember(choice.id)
    return choice


def remember(region_id: str) -> None:
    """Make ``region_id`` this session's region (session state and URL)."""
    if st.session_state.get(REGIO) != region_id:
        st.session_state[REGIO] = region_id
    if st.query_params.get(REGIO) != region_id:
        st.query_params[REGIO] = region_id


def load(choice: RegionChoice) -> tuple[Region, str]:
    """The region of ``choice`` and a key that identifies it (for the caches).

    A saved region that can no longer be read falls back to the built-in region with a
    message (the session then shows the built-in region).
    """
    if choice.builtin is not None:
        try:
            return builtin_region(choice.builtin), f"builtin:{choice.builtin}"
        except WoonzorgError as exc:
            st.error(f"De ingebouwde regio {md_escape(choice.label)} kan niet worden gelezen "
                     f"({exc}); de standaardregio wordt getoond.")
            remember(DEMO_ID)
    if choice.path is not None:
        try:
            mtime = os.path.getmtime(choice.path)
            return region_from_file(str(choice.path), mtime), f"file:{choice.path}:{mtime}"
        except (OSError, WoonzorgError) as exc:
            st.error(f"De regio {md_escape(choice.path.name)} kan niet worden gelezen ({exc}); "
                     "de ingebouwde regio wordt getoond. Kies of laad een regio op de pagina "
                     "Data laden.")
            remember(DEMO_ID)
    region = default_region()
    return region, f"demo:{region.source_path}"


def region_query() -> str:
    """``regio=<id>`` of this session, for links that open a new tab."""
    from urllib.parse import quote

    return f"{REGIO}={quote(str(st.session_state.get(REGIO) or DEMO_ID))}"
