"""Offline map assets: Leaflet served by the app itself, no CDN.

Leaflet's JS, CSS and images come from the installed package ``django-js-lib-leaflet``
(Leaflet 1.9.4 repackaged, no Django needed). At start the app copies them into
``static/vendor/leaflet/`` (git-ignored), which Streamlit serves at
``/app/static/vendor/leaflet/`` (``server.enableStaticServing``). folium is pointed at
those absolute URLs; its other default assets (jQuery, Bootstrap, awesome-markers) are
dropped, because the maps use only Leaflet core (GeoJson, CircleMarker, DivIcon).
"""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import branca.element
import folium
import folium.features
import jinja2
import js_lib_leaflet

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor" / "leaflet"
URL_PREFIX = "/app/static/vendor/leaflet"
_FILES = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
          "images/marker-icon.png", "images/marker-icon-2x.png", "images/marker-shadow.png")


def _source_dir() -> Path:
    return Path(js_lib_leaflet.__file__).resolve().parent / "static" / "js_lib_leaflet"


def ensure_vendored_assets() -> None:
    """Copy Leaflet into ``static/`` when missing or changed, and point folium at it."""
    src = _source_dir()
    for name in _FILES:
        source, target = src / name, VENDOR_DIR / name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(target.suffix + ".tmp")
            shutil.copyfile(source, tmp)
            tmp.replace(target)
    configure_folium()


@lru_cache(maxsize=4096)
def _compiled(source: str) -> jinja2.Template:
    return jinja2.Template(source)


def _cached_template(source: str, *args: object, **kwargs: object) -> jinja2.Template:
    """``jinja2.Template`` with compiled templates reused per source string.

    folium/branca compile a template for every element on every render (about 0.3 s per
    map render here); most sources repeat, and a compiled template is immutable.
    """
    if args or kwargs:
        return jinja2.Template(source, *args, **kwargs)
    return _compiled(source)


def configure_folium() -> None:
    """Make every folium map load Leaflet from the app instead of CDNs; reuse templates."""
    folium.Map.default_js = [("leaflet", f"{URL_PREFIX}/leaflet.js")]
    folium.Map.default_css = [("leaflet_css", f"{URL_PREFIX}/leaflet.css")]
    branca.element.Template = _cached_template
    folium.features.Template = _cached_template
