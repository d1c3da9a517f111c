"""Everything that touches files, GDAL, HTTP or SQLite.

- :mod:`geo.io._gdal` — the one GDAL boundary (VRT hardening, pyogrio read/write, error
  scrubbing); :mod:`geo.io.uploads` and :mod:`geo.io.tables` — vetted reading of user files;
- :mod:`geo.io.importers` — CBS, BAG, corporation lists, facility lists and OSM extracts;
- :mod:`geo.io.fetch` — PDOK and CBS downloads; :mod:`geo.io.build` — a region from them,
  with its :mod:`geo.io.import_report` (what was recognised, repaired, dropped …);
- :mod:`geo.io.region_package`, :mod:`geo.io.saved_regions` — region packages and the data
  directory; :mod:`geo.io.scenario_toml`, :mod:`geo.io.scenario_store` — scenario files and
  the SQLite store; :mod:`geo.io.norms_file` — norms files; :mod:`geo.io._atomic` — atomic
  writes; :mod:`geo.io.progress` — the progress-callback type.

May import :mod:`geo.model`; never :mod:`geo.analysis` or :mod:`geo.reporting`.
"""

__all__: list[str] = []
