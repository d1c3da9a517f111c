"""Turning a GapResult into what people read and use.

- :mod:`geo.reporting.display` — light WGS84 copies for web maps;
- :mod:`geo.reporting.style` — palettes and class breaks (map, PDF, QGIS);
  :mod:`geo.reporting.lights` — traffic lights;
- :mod:`geo.reporting.profile`, :mod:`geo.reporting.assumptions` — the tables behind the pages;
- :mod:`geo.reporting.output` — the CLI's analysis GeoPackage with provenance;
- :mod:`geo.reporting.export` (with :mod:`~geo.reporting.fields`, ``_dbf``, ``_qml``) —
  GeoPackage, Shapefile, GeoJSON and CSV exports with QGIS styles;
- :mod:`geo.reporting.handout` (with ``_pdf``) — the councillors' PDF.

May import :mod:`geo.analysis`, :mod:`geo.model` and the writers of :mod:`geo.io`.
"""

__all__: list[str] = []
