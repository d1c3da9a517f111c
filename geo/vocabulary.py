"""Project-wide constants and defaults of the analysis core.

Plain module-level values (the osmnx pattern). Tests and the CLI may override them
at import time; functions read them when called, never at import.

Attributes
----------
METRIC_CRS : str
    CRS of every region package layer and of all metric work: ``"EPSG:28992"``
    (Amersfoort / RD New, metres).
DISPLAY_CRS : str
    CRS used only for display and GeoJSON export: ``"EPSG:4326"`` (WGS84).
AGE_BANDS : tuple of str
    Canonical population age bands, youngest first. Column names in the
    ``population`` layer are ``pop_<band>``.
AGE_BAND_WIDTHS : dict
    Width in years of every band (``None`` for the open band ``85+``).
AGE_GROUPS : dict
    Named aggregates of bands (``"65+"``, ``"75+"``, ``"85+"`` and every single
    band) that norms may refer to.
PRODUCTS : tuple of str
    Housing-care products with a demand norm: step-free homes, clustered housing
    for older people, nursing-care places (somatic) and nursing-care places
    (dementia, "PG").
FACILITY_TYPES : tuple of str
    Facility types the region model knows.
PROGNOSIS_YEARS : tuple of int
    Years offered for scenarios and the app (besides the base year).
GRID_SIZE_M : float
    Default cell size of the gap grid in metres (500 m, CBS-style square cells).
"""

from __future__ import annotations

METRIC_CRS: str = "EPSG:28992"
DISPLAY_CRS: str = "EPSG:4326"

AGE_BANDS: tuple[str, ...] = (
    "0_14",
    "15_24",
    "25_44",
    "45_64",
    "65_74",
    "75_84",
    "85_plus",
)
AGE_BAND_WIDTHS: dict[str, int | None] = {
    "0_14": 15,
    "15_24": 10,
    "25_44": 20,
    "45_64": 20,
    "65_74": 10,
    "75_84": 10,
    "85_plus": None,
}
AGE_BAND_LABELS: dict[str, str] = {
    "0_14": "0–14",
    "15_24": "15–24",
    "25_44": "25–44",
    "45_64": "45–64",
    "65_74": "65–74",
    "75_84": "75–84",
    "85_plus": "85+",
}
AGE_GROUPS: dict[str, tuple[str, ...]] = {
    **{band: (band,) for band in AGE_BANDS},
    "total": AGE_BANDS,
    "65+": ("65_74", "75_84", "85_plus"),
    "75+": ("75_84", "85_plus"),
    "85+": ("85_plus",),
}

PRODUCTS: tuple[str, ...] = (
    "step_free",
    "clustered",
    "nursing_somatic",
    "nursing_dementia",
)
PRODUCT_LABELS: dict[str, str] = {
    "step_free": "Nultredenwoningen",
    "clustered": "Geclusterd wonen",
    "nursing_somatic": "Verpleegzorgplaatsen somatisch",
    "nursing_dementia": "Verpleegzorgplaatsen PG (dementie)",
}

FACILITY_TYPES: tuple[str, ...] = (
    "gp",
    "pharmacy",
    "supermarket",
    "community_centre",
    "nursing_somatic",
    "nursing_dementia",
    "clustered_housing",
    "day_care",
    "bus_stop",
    "gp_post",
    "hospital",
)
FACILITY_LABELS: dict[str, str] = {
    "gp": "Huisartspraktijk",
    "pharmacy": "Apotheek",
    "supermarket": "Supermarkt",
    "community_centre": "Ontmoetingsplek / dorpshuis",
    "nursing_somatic": "Verpleeghuis somatisch",
    "nursing_dementia": "Verpleeghuis PG (dementie)",
    "clustered_housing": "Geclusterd wonen voor ouderen",
    "day_care": "Dagbesteding",
    "bus_stop": "Bushalte",
    "gp_post": "Huisartsenpost",
    "hospital": "Ziekenhuis",
}

PROGNOSIS_YEARS: tuple[int, ...] = (2030, 2035, 2040)
GRID_SIZE_M: float = 500.0


def band_columns(bands: tuple[str, ...] = AGE_BANDS) -> list[str]:
    """Return the ``population`` layer column names of the given bands.

    Examples
    --------
    >>> band_columns(("65_74", "85_plus"))
    ['pop_65_74', 'pop_85_plus']
    """
    return [f"pop_{band}" for band in bands]
