"""Importers that turn real public data into region-package layers.

Each importer reads user-supplied files only through :mod:`geo.io.uploads` and
:mod:`geo.io.tables` (size limits, format sniffing, zip checks, driver whitelist, the OSM
gate), maps the source's field names to the region schema of :mod:`geo.model.region` and
raises :class:`geo.errors.ImportDataError` with a Dutch message for anything it cannot use.
None of them calls GDAL directly (that is :mod:`geo.io._gdal`). Modules:

- :mod:`geo.io.importers.cbs` — CBS Wijk- en Buurtkaart: buurt outlines and key figures,
  population by age band;
- :mod:`geo.io.importers.bag` — BAG dwellings → ``homes``;
- :mod:`geo.io.importers.addresses` — the one canonical address key and matching lists to
  BAG addresses;
- :mod:`geo.io.importers.corporations` — housing-corporation lists (social rent, owner);
- :mod:`geo.io.importers.facilities` — the municipality's own facility lists (with
  coordinates, or addresses placed on the BAG);
- :mod:`geo.io.importers.osm` — facilities from an OpenStreetMap extract.
"""

from __future__ import annotations
