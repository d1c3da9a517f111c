"""Coordinate systems, the Netherlands' bounds and CBS code normalisers: one definition each.

All metric work is in RD New (EPSG:28992, metres); WGS84 (EPSG:4326, lon/lat) is for display
and for input that arrives in it. Transformers are built once per direction and reused.

Examples
--------
>>> x, y = to_rd(6.5934, 52.8606)          # Beilen, lon/lat
>>> round(float(x), -2), round(float(y), -2)
(236200.0, 542200.0)
>>> bool(in_rd_bounds(236200, 542200)), bool(in_lonlat_bounds(6.59, 52.86))
(True, True)
>>> normalize_gemeente_code(" gm1731 "), normalize_gemeente_code(14)
('GM1731', 'GM0014')
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from geo import vocabulary
from geo.errors import ImportDataError

if TYPE_CHECKING:
    from pyproj import Transformer

__all__ = [
    "NL_LONLAT_BOUNDS",
    "NL_RD_BOUNDS",
    "in_lonlat_bounds",
    "in_rd_bounds",
    "normalize_gemeente_code",
    "to_rd",
    "to_wgs84",
    "transformer",
]

#: Bounds of the Netherlands (with the EEZ coast) in RD New: (xmin, ymin, xmax, ymax), metres.
#: The official validity area of EPSG:28992.
NL_RD_BOUNDS: tuple[float, float, float, float] = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)
#: The same area in WGS84 longitude/latitude degrees, rounded outward.
NL_LONLAT_BOUNDS: tuple[float, float, float, float] = (2.5, 50.5, 7.5, 54.0)


@lru_cache(maxsize=8)
def transformer(source: str, target: str) -> Transformer:
    """The (cached, thread-safe to share) pyproj transformer from ``source`` to ``target``.

    Axis order is always x/lon first (``always_xy``).
    """
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def to_rd(lon: object, lat: object) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat (degrees) to RD New x/y (metres); scalars or arrays of equal shape."""
    x, y = transformer(vocabulary.DISPLAY_CRS, vocabulary.METRIC_CRS).transform(
        np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def to_wgs84(x: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    """RD New x/y (metres) to WGS84 lon/lat (degrees); scalars or arrays of equal shape."""
    lon, lat = transformer(vocabulary.METRIC_CRS, vocabulary.DISPLAY_CRS).transform(
        np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon), np.asarray(lat)


def _within(x: object, y: object, bounds: tuple[float, float, float, float]) -> np.ndarray:
    xmin, ymin, xmax, ymax = bounds
    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return (xa >= xmin) & (xa <= xmax) & (ya >= ymin) & (ya <= ymax)


def in_rd_bounds(x: object, y: object) -> np.ndarray:
    """Whether RD coordinates lie within :data:`NL_RD_BOUNDS` (element-wise)."""
    return _within(x, y, NL_RD_BOUNDS)


def in_lonlat_bounds(lon: object, lat: object) -> np.ndarray:
    """Whether lon/lat coordinates lie within :data:`NL_LONLAT_BOUNDS` (element-wise)."""
    return _within(lon, lat, NL_LONLAT_BOUNDS)


def normalize_gemeente_code(gemeente: str | int) -> str:
    """Return the CBS municipality code ``GMxxxx`` for ``"GM1731"``, ``"1731"`` or ``1731``.

    Parameters
    ----------
    gemeente
        Code with or without the ``GM`` prefix (any case, spaces around it ignored),
        1–4 digits; zero-padded.

    Returns
    -------
    str
        ``"GM"`` followed by four digits.

    Raises
    ------
    ImportDataError
        For anything else (a name, a wijk or buurt code, too many digits).
    """
    text = str(gemeente).strip()
    match = re.fullmatch(r"(?:GM)?(\d{1,4})", text, flags=re.IGNORECASE)
    if not match:
        raise ImportDataError(
            f"gemeentecode '{text}' wordt niet herkend: geef de CBS-code als GM1731 of 1731 "
            "(vier cijfers; zoek de code op bij CBS, bijv. 1731 voor Midden-Drenthe)."
        )
    return f"GM{match.group(1).zfill(4)}"
