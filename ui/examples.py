"""Built-in example scenarios (TOML text), offered next to the saved scenarios."""

from __future__ import annotations

from geo.scenario import loads_scenario

EXAMPLES: dict[str, str] = {
    "Voorbeeld: Vergrijzing 2040, huidige voorraad": """\
name = "Vergrijzing 2040, huidige voorraad"
description = "Alleen de vergrijzing tot 2040; geen nieuwe woningen of voorzieningen."
year = 2040
""",
    "Voorbeeld: 60 nultredenwoningen Smilde 2028": """\
name = "60 nultredenwoningen Smilde 2028"
description = "Nieuwbouw van 60 nultredenwoningen in Smilde, opgeleverd in 2028."
year = 2030

[[projects]]
name = "Nieuwbouw Smilde-Noord"
x = 226600.0
y = 552400.0
ready = 2028
units = { step_free = 60 }
""",
}
for _text in EXAMPLES.values():  # fail loudly at import if an example is ever broken
    loads_scenario(_text)

