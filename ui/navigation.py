"""App entry logic: page configuration, offline assets and navigation.

``app.py`` calls :func:`run_app`, which configures the page, serves the map assets and runs
the page chosen in :data:`PAGES` through ``st.navigation``.

The navigation work-around (documented here only)
-------------------------------------------------
The page scripts live in a top-level ``pages/`` folder (the design card asks for it). For
Streamlit that name also means a *classic* multipage app: a deep link straight to a page
(``/kaart``) in a fresh server, before any session has called ``st.navigation``, runs the
page script on its own, without ``app.py`` and so without the page configuration, the
offline assets and the sidebar of the app. Streamlit decides this per server (and
``AppTest`` per run), so it cannot be switched off from the page.

:func:`ensure_navigation` detects such a run (no :func:`run_app` active on this thread),
runs the app's navigation instead, which runs this same page (its URL path is the file name
in both schemes) with the app's configuration, and stops the outer run. There is no rerun,
so widget events of this run are kept.

Every page script must call it before it draws anything: pages that start with
:func:`ui.common.page_context` get it from there; the pages that do not (Kaart, Data laden,
Presentatie) call it first themselves, with a comment pointing here. Renaming ``pages/``
would remove the need for it.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import streamlit as st
from PIL import Image, ImageDraw

from ui.assets import ensure_vendored_assets

_state = threading.local()  # one script run per thread

PAGES = [
    ("pages/kaart.py", "Kaart", ":material/map:", "kaart"),
    ("pages/buurtprofiel.py", "Buurtprofiel", ":material/home_work:", "buurtprofiel"),
    ("pages/tekorten.py", "Tekorten", ":material/format_list_numbered:", "tekorten"),
    ("pages/overzicht.py", "Kerngebieden", ":material/dashboard:", "overzicht"),
    ("pages/scenarios.py", "Scenario's", ":material/edit_note:", "scenarios"),
    ("pages/vergelijken.py", "Vergelijken", ":material/compare:", "vergelijken"),
    ("pages/presentatie.py", "Presentatie", ":material/slideshow:", "presentatie"),
    ("pages/export.py", "Export", ":material/download:", "export"),
    ("pages/data.py", "Data laden", ":material/upload_file:", "data"),
    ("pages/methode.py", "Data & methode", ":material/menu_book:", "methode"),
]


@lru_cache(maxsize=1)
def _favicon() -> Image.Image:
    """A small house icon drawn locally (a Material icon would be fetched from Google)."""
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.polygon([(32, 6), (60, 30), (4, 30)], fill=(0, 114, 178, 255))
    draw.rectangle([12, 30, 52, 58], fill=(0, 114, 178, 255))
    draw.rectangle([27, 40, 37, 58], fill=(230, 159, 0, 255))
    return img


def run_app() -> None:
    """Configure the page, serve the map assets and run the selected page."""
    st.set_page_config(page_title="Woonzorgatlas", page_icon=_favicon(), layout="wide")
    ensure_vendored_assets()
    pages = [st.Page(path, title=title, icon=icon, url_path=url, default=i == 0)
             for i, (path, title, icon, url) in enumerate(PAGES)]
    _state.active = True
    try:
        st.navigation(pages).run()
    finally:
        _state.active = False


def ensure_navigation() -> None:
    """Run this page through the app's navigation if it was started without ``app.py``.

    See the module docstring ("The navigation work-around") for why and when.
    """
    if getattr(_state, "active", False):
        return
    run_app()
    st.stop()
