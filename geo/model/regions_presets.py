"""Named regions of several municipalities (presets) and the Drenthe municipality names.

A region package may hold several municipalities (:attr:`geo.model.region.Region.gemeenten`).
A preset is a named set of CBS municipality codes that ``python -m geo build --preset`` and
the Data page offer instead of typing the codes. Only groupings whose composition is stated
in a source are included:

* **Zuidoost-Drenthe (woonzorgakkoord)** — Borger-Odoorn, Coevorden and Emmen signed the
  first regional woonzorgakkoord of the Netherlands on 6 December 2023 (announcement of the
  three municipalities, project seed ``shared/seeds``; research notes §2.1, "BOCE").
* **Noord-Drenthe (woondeal)** — Assen, Noordenveld and Tynaarlo (research notes §2.1,
  citing Provincie Drenthe, news December 2022, and RTV Drenthe 15215513).
* **Drenthe** — all 12 municipalities of the province (CBS gemeentelijke indeling 2024).
* **Zuidwest- en Midden-Drenthe (studiegebied Companen 2022)** — Meppel, Westerveld,
  Midden-Drenthe, De Wolden and Hoogeveen: the area of the housing-need study (RTV Drenthe
  14452004). This is a study area, *not* the woondeal Zuidwest-Drenthe: the composition of
  that woondeal (and of the woondeal Zuidoost-Drenthe) is not stated in the project's sources
  (research notes §2.1 mark it [VERIFY]), so neither woondeal is offered as a preset.

Codes follow the CBS gemeentelijke indeling 2024 (no Drenthe municipality changed between
2018 and 2024). This module holds data only (model layer: no files).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.errors import ImportDataError

__all__ = [
    "DRENTHE_GEMEENTEN",
    "REGION_PRESETS",
    "RegionPreset",
    "find_preset",
    "gemeente_name",
    "normalise_gemeente_codes",
    "resolve_region",
]

#: The 12 municipalities of Drenthe, CBS code → name (CBS gemeenten 2024).
DRENTHE_GEMEENTEN: dict[str, str] = {
    "GM1680": "Aa en Hunze",
    "GM0106": "Assen",
    "GM1681": "Borger-Odoorn",
    "GM0109": "Coevorden",
    "GM1690": "De Wolden",
    "GM0114": "Emmen",
    "GM0118": "Hoogeveen",
    "GM0119": "Meppel",
    "GM1731": "Midden-Drenthe",
    "GM1699": "Noordenveld",
    "GM1730": "Tynaarlo",
    "GM1701": "Westerveld",
}


@dataclass(frozen=True)
class RegionPreset:
    """A named region of several municipalities.

    Attributes
    ----------
    name
        Region name (stored as the package's ``region_name``).
    kind
        ``woonzorgakkoord``, ``woondeal``, ``provincie`` or ``studiegebied``.
    codes
        CBS municipality codes (``GM`` + four digits), in the order shown.
    source
        Where the composition comes from (Dutch or a citation).
    """

    name: str
    kind: str
    codes: tuple[str, ...]
    source: str

    @property
    def gemeenten(self) -> list[tuple[str, str]]:
        """``[(code, name), …]`` of the members."""
        return [(code, DRENTHE_GEMEENTEN.get(code, code)) for code in self.codes]


REGION_PRESETS: dict[str, RegionPreset] = {p.name: p for p in (
    RegionPreset("Zuidoost-Drenthe (woonzorgakkoord)", "woonzorgakkoord",
                 ("GM1681", "GM0109", "GM0114"),
                 "Regionaal woonzorgakkoord Borger-Odoorn, Coevorden en Emmen, getekend "
                 "6 december 2023 met 35 partijen"),
    RegionPreset("Noord-Drenthe (woondeal)", "woondeal", ("GM0106", "GM1699", "GM1730"),
                 "Woondeal Noord-Drenthe (Assen, Noordenveld, Tynaarlo), binnen de woondeal "
                 "Groningen-Assen; Provincie Drenthe, nieuws december 2022; RTV Drenthe "
                 "15215513"),
    RegionPreset("Drenthe", "provincie", tuple(DRENTHE_GEMEENTEN),
                 "Alle 12 gemeenten van de provincie Drenthe (CBS-gemeentelijke indeling "
                 "2024)"),
    RegionPreset("Zuidwest- en Midden-Drenthe (studiegebied Companen 2022)", "studiegebied",
                 ("GM0119", "GM1701", "GM1731", "GM1690", "GM0118"),
                 "Studiegebied woningbehoefte Companen 2022 (RTV Drenthe 14452004); niet de "
                 "woondeal Zuidwest-Drenthe, waarvan de samenstelling niet vaststaat"),
)}

#: Short names accepted for presets besides their full names (compared folded).
_ALIASES = {"boce": "Zuidoost-Drenthe (woonzorgakkoord)",
            "zuidoostdrenthe": "Zuidoost-Drenthe (woonzorgakkoord)",
            "woonzorgakkoord": "Zuidoost-Drenthe (woonzorgakkoord)",
            "noorddrenthe": "Noord-Drenthe (woondeal)",
            "provinciedrenthe": "Drenthe"}


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", str(text).casefold())


def find_preset(name: str) -> RegionPreset:
    """The preset called ``name`` (case, spaces and punctuation do not matter).

    Also accepted: the part before the parenthesis ("Zuidoost-Drenthe") and the short
    name "BOCE".

    Raises
    ------
    ImportDataError
        Unknown name; the message lists every preset.
    """
    wanted = _fold(name)
    for preset in REGION_PRESETS.values():
        if wanted in (_fold(preset.name), _fold(preset.name.split(" (")[0])):
            return preset
    if wanted in _ALIASES:
        return REGION_PRESETS[_ALIASES[wanted]]
    raise ImportDataError(
        f"onbekende regio '{name}'. Kies een van: "
        + "; ".join(f"'{p.name}'" for p in REGION_PRESETS.values())
        + ", of geef de gemeenten zelf op (--gemeente GM1681 --gemeente GM0109 …).")


def gemeente_name(code: str) -> str | None:
    """Name of a Drenthe municipality by code (``None`` for other codes)."""
    return DRENTHE_GEMEENTEN.get(code)


def normalise_gemeente_codes(values: list[str] | tuple[str, ...] | str) -> list[str]:
    """Split and tidy municipality selections; duplicates dropped, order kept.

    ``values`` are codes (``GM1681``, ``1681``) or names, each possibly a comma- or
    semicolon-separated list (``"GM1681, GM0109"``). Codes become ``GM`` + four digits;
    names are kept as typed (the CBS importer matches them against the file).

    Raises
    ------
    ImportDataError
        A code-like value that is not a CBS municipality code (e.g. ``GM12345``), or nothing
        given at all.
    """
    items = [values] if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in items:
        for part in re.split(r"[,;]", str(item)):
            text = part.strip()
            if not text:
                continue
            if re.fullmatch(r"(?i)gm\s*\d+|\d+", text):
                digits = re.sub(r"\D", "", text)
                if len(digits) > 4:
                    raise ImportDataError(
                        f"gemeentecode '{text}' is ongeldig: een CBS-gemeentecode is GM met "
                        "vier cijfers, bijv. GM1731 (of 1731), of de naam van de gemeente.")
                text = f"GM{digits.zfill(4)}"
            if text not in out:
                out.append(text)
    if not out:
        raise ImportDataError("geen gemeente opgegeven: geef een of meer gemeentecodes "
                              "(GM1731) of -namen, of kies een regio.")
    return out


def resolve_region(gemeenten: list[str] | tuple[str, ...] | str | None = None,
                   preset: str | None = None, naam: str | None = None,
                   ) -> tuple[list[str], str | None]:
    """The municipalities and name of a region from codes/names or a preset.

    Parameters
    ----------
    gemeenten
        Codes or names (each may be a comma-separated list); see
        :func:`normalise_gemeente_codes`.
    preset
        Name of a :data:`REGION_PRESETS` entry (instead of ``gemeenten``).
    naam
        Region name; default the preset's name, else ``None`` (the build names it).

    Returns
    -------
    (list of str, str or None)
        Codes/names in order, and the region name.

    Raises
    ------
    ImportDataError
        Both or neither of ``gemeenten`` and ``preset``, an unknown preset or a bad code.
    """
    given = [g for g in ([gemeenten] if isinstance(gemeenten, str) else gemeenten or [])
             if str(g).strip()]
    has_preset = bool((preset or "").strip())
    if given and has_preset:
        raise ImportDataError("kies gemeenten óf een regio, niet allebei (de regio bepaalt "
                              "zelf welke gemeenten erbij horen).")
    name = (naam or "").strip() or None
    if has_preset:
        found = find_preset(str(preset))
        return list(found.codes), name or found.name
    return normalise_gemeente_codes(given), name
