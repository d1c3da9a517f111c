"""The scenario's text form: TOML, written and read without touching files.

:func:`dumps_scenario` and :func:`loads_scenario` convert between a
:class:`~geo.model.scenario.Scenario` and its TOML text (the form stored in the scenario
database, recorded in every output and offered as a download); reading and writing files is
:mod:`geo.io.scenario_toml`. The fields are described in :mod:`geo.model.scenario`, the
checks against a region in :mod:`geo.model.scenario_checks`.

File format (UTF-8 TOML; keys are English, texts may be Dutch; ``#`` starts a comment)::

    name = "60 nultredenwoningen Smilde 2028"    # verplicht: naam van het scenario
    description = "Nieuwbouw Smilde-Centrum en sluiting van een dagbesteding"  # optioneel
    year = 2030                # analysejaar: basisjaar van de regio t/m 2040 (planningshorizon)
    prognosis = "basis"        # prognosevariant: basis, vergrijzing_plus of groei ...
                               # ... of een tabel [prognosis] met eigen parameters
                               # (survival, birth_rate_per_1000, migration_rate, name)

    [norms]                    # optioneel: normset, zelfde vorm als een normbestand
    preset = "landelijk_2030"
    [norms.demand.clustered]
    "75+" = 160

    [[projects]]               # een bouwproject; herhaal het blok per project
    name = "Nieuwbouw Smilde-Centrum"
    x = 226600.0               # RD New in meters (EPSG:28992) ...
    y = 552400.0
    # lon = 6.45               # ... óf lengte-/breedtegraad (WGS84), niet allebei
    # lat = 52.95
    ready = 2028               # opleverjaar; na het scenariojaar telt het project niet mee
    owner = "Actium"           # optioneel: eigenaar van de woningen (standaard "onbekend")
    units = { step_free = 60, clustered = 12 }

    [[facility_changes]]       # een voorziening sluiten
    action = "close"
    id = "F0005"
    from_year = 2027           # optioneel: geldt vanaf dit jaar (standaard: altijd)

    [[facility_changes]]       # een nieuwe voorziening openen
    action = "open"
    facility_type = "day_care" # soort voorziening; heette 'type' in oudere bestanden (wordt
                               # nog gelezen en omgezet, met één melding)
    name = "Dagbesteding Hooghalen"
    operator = ""              # optioneel
    capacity = 20.0            # optioneel
    x = 232100.0               # of lon/lat; mag tot 10 km buiten de gemeente liggen
    y = 547300.0
    # id = "N-DAG1"            # optioneel; standaard "S<volgnummer>"

    [[facility_changes]]       # capaciteit van een bestaande voorziening wijzigen
    action = "capacity"
    id = "F0004"
    capacity = 40.0

Meaning of ``units`` (products of :data:`geo.vocabulary.PRODUCTS`):

- ``step_free`` — that many new step-free homes (whole number) at the project point:
  home ids ``P<project>-<n>``, ``multi_family`` with a lift, 70 m², ``social_rent``,
  construction year = ``ready``, ``buurt_code`` by location;
- ``clustered``, ``nursing_somatic``, ``nursing_dementia`` — one new facility of type
  ``clustered_housing`` / ``nursing_somatic`` / ``nursing_dementia`` with that capacity,
  named after the project (id ``P<project>-<product>``).
"""

from __future__ import annotations

import tomllib
from typing import Any

import tomli_w

from geo.errors import ScenarioError
from geo.model.scenario import Scenario, scenario_from_dict

__all__ = ["dumps_scenario", "loads_scenario"]

_HEADER = "# Woonzorgatlas-scenario (formaat: zie geo/model/scenario_text.py)\n"


def loads_scenario(text: str) -> Scenario:
    """Parse a scenario from TOML text.

    Raises
    ------
    ScenarioError
        When the text is not valid TOML or not a valid scenario.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"scenario: geen geldige TOML: {exc}.") from exc
    return scenario_from_dict(data)


def _scalar_toml(value: Any) -> str:
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def _key_toml(key: str) -> str:
    return tomli_w.dumps({key: 0}).rsplit("=", 1)[0].strip()


def dumps_scenario(scenario: Scenario) -> str:
    """Write a scenario as readable TOML (``[[projects]]`` blocks, inline ``units``).

    ``loads_scenario(dumps_scenario(s)) == s`` for every scenario.

    Examples
    --------
    >>> from geo.model.scenario import Project
    >>> s = Scenario(name="Test", year=2030,
    ...              projects=(Project("P", 2028, {"step_free": 60}, x=1.0, y=2.0),))
    >>> print(dumps_scenario(s), end="")
    # Woonzorgatlas-scenario (formaat: zie geo/model/scenario_text.py)
    name = "Test"
    year = 2030
    prognosis = "basis"
    <BLANKLINE>
    [[projects]]
    name = "P"
    x = 1.0
    y = 2.0
    ready = 2028
    units = { step_free = 60 }
    >>> loads_scenario(dumps_scenario(s)) == s
    True
    """
    data = scenario.to_dict()
    top = {k: v for k, v in data.items() if k in ("name", "description", "year")}
    if isinstance(data["prognosis"], str):
        top["prognosis"] = data["prognosis"]
    parts = [_HEADER + tomli_w.dumps(top, multiline_strings=True)]
    if not isinstance(data["prognosis"], str):
        parts.append(tomli_w.dumps({"prognosis": data["prognosis"]}, multiline_strings=True))
    if "norms" in data:
        parts.append(tomli_w.dumps({"norms": data["norms"]}, multiline_strings=True))
    for project in data.get("projects", []):
        units = project.pop("units")
        text = "[[projects]]\n" + tomli_w.dumps(project, multiline_strings=True)
        inner = ", ".join(f"{_key_toml(k)} = {_scalar_toml(v)}" for k, v in units.items())
        text += f"units = {{ {inner} }}\n" if inner else "units = {}\n"
        parts.append(text)
    for change in data.get("facility_changes", []):
        parts.append("[[facility_changes]]\n" + tomli_w.dumps(change, multiline_strings=True))
    return "\n".join(parts)
