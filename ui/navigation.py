"""App entry logic: page configuration, offline assets and navigation.

``app.py`` calls :func:`run_app`. A deep link straight to a page (``/kaart``) in a fresh
server is run by Streamlit as a classic ``pages/`` script without ``app.py`` (until some
session has called ``st.navigation``); :func:`ensure_navigation` detects that and runs
the app's navigation first, so every entry point gets the same configuration.
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
    """Restart the run through ``app.py`` if this page was started without it.

    Streamlit decides once per server whether ``pages/`` is a classic multipage folder
    (``PagesManager.uses_pages_directory``) and flips it when ``st.navigation`` runs.
    Flipping it here and rerunning sends this first deep link through ``app.py``; the
    page's URL path is the same in both schemes (the file name), so it is kept.
    """
    if getattr(_state, "active", False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()
