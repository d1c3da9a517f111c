"""Importers that turn real public data into region-package layers.

Each importer reads user-supplied files only through :mod:`geo.io.sources` (size limits, format
sniffing, zip checks, driver whitelist), maps the source's field names to the region schema
of :mod:`geo.model.region` and raises :class:`geo.errors.ImportDataError` with a Dutch message for
anything it cannot use. Modules: :mod:`geo.io.importers.cbs` (CBS Wijk- en Buurtkaart: buurt
outlines and key figures, population by age band).
"""

from __future__ import annotations
