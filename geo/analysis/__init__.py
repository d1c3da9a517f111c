"""Pure computation: a Region (or arrays) in, frames or arrays out.

- :mod:`geo.analysis.prognosis` — population projection per age band;
- :mod:`geo.analysis.demand`, :mod:`geo.analysis.supply` — demand per product and the
  suitable supply;
- :mod:`geo.analysis.catchment`, :mod:`geo.analysis.fca` — catchments, 2SFCA/E2SFCA and
  nearest distances;
- :mod:`geo.analysis.prepared` — reusable structures for fast scenario recomputes;
- :mod:`geo.analysis.gaps` — ``analyse`` → ``GapResult``; :mod:`geo.analysis.ranking` —
  where shortages are largest; :mod:`geo.analysis.scenario` — applying and comparing
  scenarios.

May import :mod:`geo.model`; never :mod:`geo.io` (file paths are resolved by the caller).
"""

__all__: list[str] = []
