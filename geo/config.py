"""Runtime configuration of Woonzorgatlas: one validated :class:`Config` object.

Everything that differs between installations lives here, not in the modules that use it.
Domain vocabulary (age bands, products, labels) is in :mod:`geo.vocabulary` instead.

=====================  ==============================  ==================================
field                  environment variable            default
=====================  ==============================  ==================================
``data_dir``           ``WOONZORGATLAS_DATA_DIR``      ``$XDG_DATA_HOME/woonzorgatlas``,
                                                       else ``~/.local/share/woonzorgatlas``
``max_upload_mb``      ``WOONZORGATLAS_MAX_UPLOAD_MB`` 200 (Streamlit's ``maxUploadSize``)
``pdok_url``           ``WOONZORGATLAS_PDOK_URL``      ``https://api.pdok.nl``
``cbs_odata_url``      ``WOONZORGATLAS_CBS_ODATA_URL`` ``https://opendata.cbs.nl/ODataApi/OData``
``bag_url``            ``WOONZORGATLAS_BAG_URL``       ``https://api.pdok.nl/kadaster/bag/ogc/v2``
``overpass_url``       ``WOONZORGATLAS_OVERPASS_URL``  ``https://overpass-api.de/api/interpreter``
``default_region``     ``WOONZORGATLAS_DEFAULT_REGION`` ``""``: the marker of ``python -m geo
                                                       regions --default``, else the built-in
                                                       region
``pdf_fonts``          (none)                          DejaVu Sans, then Liberation Sans
``planning_horizon``   (none)                          2040 (last scenario and trend year)
``max_year``           (none)                          2050 (last year the prognosis runs to)
=====================  ==============================  ==================================

:func:`get_config` returns the configuration in force: the one set by :func:`use_config`
(the CLI and tests), else the one built from the environment (built once per distinct set
of the variables above). Functions that need a setting take ``config: Config | None`` and
fall back to :func:`get_config`, so callers can always pass one explicitly.

Examples
--------
>>> cfg = Config.from_env({"WOONZORGATLAS_MAX_UPLOAD_MB": "50"})
>>> cfg.max_upload_mb, cfg.max_upload_bytes
(50.0, 52428800)
>>> cfg.replace(max_upload_mb=10).max_upload_mb
10.0
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import math
import os
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geo.errors import ConfigError

__all__ = [
    "BAG_URL_ENV",
    "CBS_ODATA_URL_ENV",
    "DATA_DIR_ENV",
    "DEFAULT_REGION_ENV",
    "DEFAULT_BAG_URL",
    "DEFAULT_CBS_ODATA_URL",
    "DEFAULT_MAX_UPLOAD_MB",
    "DEFAULT_OVERPASS_URL",
    "DEFAULT_PDF_FONTS",
    "DEFAULT_PDOK_URL",
    "MAX_UPLOAD_ENV",
    "OVERPASS_URL_ENV",
    "PDOK_URL_ENV",
    "Config",
    "get_config",
    "use_config",
]

DATA_DIR_ENV = "WOONZORGATLAS_DATA_DIR"
MAX_UPLOAD_ENV = "WOONZORGATLAS_MAX_UPLOAD_MB"
PDOK_URL_ENV = "WOONZORGATLAS_PDOK_URL"
CBS_ODATA_URL_ENV = "WOONZORGATLAS_CBS_ODATA_URL"
BAG_URL_ENV = "WOONZORGATLAS_BAG_URL"
OVERPASS_URL_ENV = "WOONZORGATLAS_OVERPASS_URL"
DEFAULT_REGION_ENV = "WOONZORGATLAS_DEFAULT_REGION"
_ENV_KEYS = (DATA_DIR_ENV, MAX_UPLOAD_ENV, PDOK_URL_ENV, CBS_ODATA_URL_ENV, BAG_URL_ENV,
             OVERPASS_URL_ENV, DEFAULT_REGION_ENV, "XDG_DATA_HOME", "HOME")

#: Default size limit of one file in MB (equal to ``.streamlit/config.toml`` maxUploadSize).
DEFAULT_MAX_UPLOAD_MB: float = 200.0
#: Default root of the PDOK APIs (the OGC API path is appended per year).
DEFAULT_PDOK_URL: str = "https://api.pdok.nl"
#: Default root of the CBS OData v3 API (the table id is appended).
DEFAULT_CBS_ODATA_URL: str = "https://opendata.cbs.nl/ODataApi/OData"
#: Default root of PDOK's BAG OGC API Features (``/collections/…`` is appended).
DEFAULT_BAG_URL: str = "https://api.pdok.nl/kadaster/bag/ogc/v2"
#: Default Overpass API endpoint (the query is sent as ``?data=…``).
DEFAULT_OVERPASS_URL: str = "https://overpass-api.de/api/interpreter"
#: TrueType fonts tried for the PDF handout, in order: (family, regular, bold).
DEFAULT_PDF_FONTS: tuple[tuple[str, str, str], ...] = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("LiberationSans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
)


def _default_data_dir(environ: Mapping[str, str]) -> Path:
    override = environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    xdg = environ.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local/share"
    return base / "woonzorgatlas"


def _parse_mb(raw: str) -> float:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = -1.0
    if not value > 0 or not math.isfinite(value):
        raise ConfigError(
            f"{MAX_UPLOAD_ENV}='{raw}' is geen geldig aantal MB; geef een positief getal, "
            f"bijv. {MAX_UPLOAD_ENV}=200."
        )
    return value


@dataclass(frozen=True)
class Config:
    """Runtime settings of one installation (immutable; see the module docstring).

    Parameters
    ----------
    data_dir
        Directory for saved regions, the active-region marker and saved scenarios.
    max_upload_mb
        Size limit of one input file in MB (> 0; may be fractional).
    pdok_url, cbs_odata_url
        Roots of the PDOK APIs and the CBS OData v3 API (http or https).
    bag_url, overpass_url
        Root of PDOK's BAG OGC API Features and the Overpass API endpoint (http or https).
    pdf_fonts
        TrueType fonts tried for the PDF handout: ``(family, regular path, bold path)``.
    planning_horizon
        Last year offered for scenarios and trend charts.
    max_year
        Last year the prognosis may run to (``>= planning_horizon``).
    default_region
        The region a new app session shows when its URL names none (``?regio=…``): a saved
        region's id (file name without ``.gpkg``) or name, or ``demo`` for the built-in
        region. Empty: the region set with ``python -m geo regions --default``, else the
        built-in region. Each session may switch regions without affecting others.

    Raises
    ------
    ConfigError
        On construction, when a value is out of range.
    """

    data_dir: Path
    max_upload_mb: float = DEFAULT_MAX_UPLOAD_MB
    pdok_url: str = DEFAULT_PDOK_URL
    cbs_odata_url: str = DEFAULT_CBS_ODATA_URL
    bag_url: str = DEFAULT_BAG_URL
    overpass_url: str = DEFAULT_OVERPASS_URL
    pdf_fonts: tuple[tuple[str, str, str], ...] = DEFAULT_PDF_FONTS
    planning_horizon: int = 2040
    max_year: int = 2050
    default_region: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        mb = self.max_upload_mb
        if isinstance(mb, bool) or not isinstance(mb, int | float) or not mb > 0 \
                or not math.isfinite(mb):
            raise ConfigError(f"max_upload_mb moet een positief getal zijn, niet {mb!r}.")
        object.__setattr__(self, "max_upload_mb", float(mb))
        for name in ("pdok_url", "cbs_odata_url", "bag_url", "overpass_url"):
            url = getattr(self, name)
            parts = urllib.parse.urlsplit(str(url))
            if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
                raise ConfigError(f"{name} '{url}' is geen http(s)-adres.")
            object.__setattr__(self, name, str(url).rstrip("/"))
        region = str(self.default_region).strip()
        if any(ch in region for ch in "/\\\x00"):
            raise ConfigError(f"default_region '{region}' is geen regio-id of -naam; geef de "
                              "bestandsnaam zonder map (bijv. gm1731-2024-midden-drenthe) of "
                              "'demo'.")
        object.__setattr__(self, "default_region", region)
        if not 2000 <= self.planning_horizon <= self.max_year <= 2100:
            raise ConfigError(
                f"planningshorizon {self.planning_horizon} en maximumjaar {self.max_year}: "
                "verwacht 2000 ≤ horizon ≤ maximumjaar ≤ 2100."
            )

    @property
    def max_upload_bytes(self) -> int:
        """The size limit in bytes (``max_upload_mb`` × 2**20, at least 1)."""
        return max(1, int(self.max_upload_mb * 1024 * 1024))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        """Build the configuration from environment variables (see the module table).

        Parameters
        ----------
        environ
            Mapping to read instead of :data:`os.environ`.

        Raises
        ------
        ConfigError
            When a variable is set to an invalid value.
        """
        env = os.environ if environ is None else environ
        raw_mb = env.get(MAX_UPLOAD_ENV, "").strip()
        return cls(
            data_dir=_default_data_dir(env),
            max_upload_mb=_parse_mb(raw_mb) if raw_mb else DEFAULT_MAX_UPLOAD_MB,
            pdok_url=env.get(PDOK_URL_ENV, "").strip() or DEFAULT_PDOK_URL,
            cbs_odata_url=env.get(CBS_ODATA_URL_ENV, "").strip() or DEFAULT_CBS_ODATA_URL,
            bag_url=env.get(BAG_URL_ENV, "").strip() or DEFAULT_BAG_URL,
            overpass_url=env.get(OVERPASS_URL_ENV, "").strip() or DEFAULT_OVERPASS_URL,
            default_region=env.get(DEFAULT_REGION_ENV, "").strip(),
        )

    def replace(self, **changes: object) -> Config:
        """Return a copy with ``changes`` applied and validated.

        Raises
        ------
        ConfigError
            For an unknown field or an invalid value.
        """
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigError(f"onbekende instelling(en): {', '.join(sorted(unknown))}.")
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


_override: contextvars.ContextVar[Config | None] = contextvars.ContextVar(
    "woonzorgatlas_config", default=None)


@lru_cache(maxsize=8)
def _from_env_cached(snapshot: tuple[tuple[str, str], ...]) -> Config:
    return Config.from_env(dict(snapshot))


def get_config() -> Config:
    """The configuration in force (see the module docstring).

    Raises
    ------
    ConfigError
        When an environment variable holds an invalid value.
    """
    current = _override.get()
    if current is not None:
        return current
    snapshot = tuple((key, os.environ.get(key, "")) for key in _ENV_KEYS)
    return _from_env_cached(snapshot)


@contextlib.contextmanager
def use_config(config: Config) -> Iterator[Config]:
    """Make ``config`` the one :func:`get_config` returns inside the ``with`` block.

    Examples
    --------
    >>> with use_config(get_config().replace(max_upload_mb=1)):
    ...     get_config().max_upload_mb
    1.0
    """
    token = _override.set(config)
    try:
        yield config
    finally:
        _override.reset(token)
