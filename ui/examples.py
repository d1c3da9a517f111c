"""Built-in example scenarios (TOML text), offered next to the saved scenarios."""

from __future__ import annotations

from geo.model.scenario_text import loads_scenario

EXAMPLES: dict[str, str] = {
    "Voorbeeld: Vergrijzing 2040, huidige voorraad": """\
name = "Vergrijzing 2040, huidige voorraad"
description = "Alleen de vergrijzing tot 2040; geen nieuwe woningen of voorzieningen."
year = 2040
""",
    "Voorbeeld: 60 nultredenwoningen Smilde 2028": """\
name = "60 nultredenwoningen Smilde 2028"
description = "Nieuwbouw van 60 nultredenwoningen (Actium) in Smilde-Centrum, opgeleverd in 2028."
year = 2030

[[projects]]
name = "Nieuwbouw Smilde-Centrum"
x = 226600.0
y = 552400.0
ready = 2028
owner = "Actium"
units = { step_free = 60 }
""",
    "Voorbeeld: Sluiting dagbesteding 't Derkshoes 2027": """\
name = "Sluiting dagbesteding 't Derkshoes 2027"
description = "De dagbesteding van 't Derkshoes in Westerbork (id F0005) sluit per 2027."
year = 2030

[[facility_changes]]
action = "close"
id = "F0005"
from_year = 2027
""",
    "Voorbeeld: Altingerhof meer PG, kleinschalig PG in Smilde 2028": """\
name = "Altingerhof meer PG, kleinschalig PG in Smilde 2028"
description = \"\"\"Altingerhof in Beilen (80 plaatsen) zet 20 somatische plaatsen om naar PG \
(F0001 naar 60, F0002 naar 20) en in Smilde-Centrum opent een kleinschalige PG-woonvorm \
met 24 plaatsen; beide per 2028.\"\"\"
year = 2030

[[facility_changes]]
action = "capacity"
id = "F0001"
capacity = 60.0
from_year = 2028

[[facility_changes]]
action = "capacity"
id = "F0002"
capacity = 20.0
from_year = 2028

[[facility_changes]]
action = "open"
facility_type = "nursing_dementia"
name = "Kleinschalig wonen PG Smilde"
capacity = 24.0
x = 226500.0
y = 552100.0
from_year = 2028
""",
}
for _text in EXAMPLES.values():  # fail loudly at import if an example is ever broken
    loads_scenario(_text)



BASIS = "basis"


def scenario_choices(base_label: str, region=None) -> tuple[  # noqa: ANN001 - Region
        dict[str, str], dict[str, str], int]:
    """Scenarios to choose from: the base, the saved ones and the built-in examples.

    Returns ``(labels, tomls, n_saved)``: display label and TOML text per key
    (``"basis"``, ``"store:<id>"``, ``"example:<name>"``). Store problems are shown with
    ``st.error`` and leave the examples available. With ``region``, only the examples that
    fit it are offered (they are written for the default Midden-Drenthe region: locations, ids).
    """
    import streamlit as st

    from geo.errors import WoonzorgError
    from geo.io.scenario_store import ScenarioStore

    labels: dict[str, str] = {BASIS: base_label}
    tomls: dict[str, str] = {}
    try:
        store = ScenarioStore()
        stored = store.list()
    except WoonzorgError as exc:
        store, stored = None, []
        st.error(f"De opgeslagen scenario's kunnen niet worden gelezen: {exc} "
                 "De voorbeelden zijn wel beschikbaar.")
    for item in stored:
        key = f"store:{item.id}"
        try:
            tomls[key] = store.get(item.id).toml_text or ""
        except WoonzorgError as exc:
            st.error(f"Scenario '{item.name}' kan niet worden gelezen: {exc}")
            continue
        try:
            labels[key] = f"{item.name} ({loads_scenario(tomls[key]).year})"
        except ValueError:
            labels[key] = item.name
    from geo.model.scenario_checks import validate_scenario

    for name, text in EXAMPLES.items():
        if region is not None:
            try:
                validate_scenario(loads_scenario(text), region)
            except WoonzorgError:
                continue
        tomls[f"example:{name}"] = text
        labels[f"example:{name}"] = name
    return labels, tomls, len(stored)


def resolve_result(key: str, labels: dict[str, str], tomls: dict[str, str], base_result,
                   region, region_key: str):  # noqa: ANN001, ANN201 - GapResult/Region
    """The analysis of one choice (the base result for ``"basis"``); ``None`` on error."""
    import streamlit as st

    from geo.errors import WoonzorgError
    from ui.cache import distance_of, scenario_result

    if key == BASIS:
        return base_result
    try:
        return scenario_result(region, region_key, tomls[key], *distance_of(base_result))
    except WoonzorgError as exc:
        st.error(f"Scenario '{labels[key]}' kan niet worden doorgerekend: {exc} "
                 "Pas het aan op de pagina Scenario's.")
        return None
