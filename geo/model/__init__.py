"""What the data is: dataclasses, schemas and validation — no files, GDAL, HTTP or SQLite.

- :mod:`geo.model.region` — :class:`~geo.model.region.Region`, the layer schema,
  ``validate_region``, point-in-buurt lookup;
- :mod:`geo.model.norms` — norm sets and presets; :mod:`geo.model.prognosis` — prognosis
  variants and their parameters;
- :mod:`geo.model.scenario`, :mod:`geo.model.scenario_checks`,
  :mod:`geo.model.scenario_text` — scenarios, their validation and their TOML text;
- :mod:`geo.model.crs` — RD↔WGS84, the Netherlands' bounds, gemeente codes.

Imports only the top-level vocabulary (:mod:`geo.vocabulary`, :mod:`geo.formats`,
:mod:`geo.errors`, :mod:`geo.config`).
"""

__all__: list[str] = []
