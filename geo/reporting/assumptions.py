"""The assumptions in force, as tables for the Data & methode page.

:func:`demand_rates_table`, :func:`walking_table`, :func:`access_table`,
:func:`prognosis_table` and :func:`data_layers` show the norms, the prognosis variant and
the loaded layers; :data:`EXAMPLE_NORMS_TOML` is a small norms file to start from. Labels
are Dutch (shown in the app); column names are English identifiers.
"""

from __future__ import annotations

import math

import pandas as pd

from geo import vocabulary
from geo.formats import fmt_decimal, fmt_int
from geo.model.norms import Norms
from geo.model.prognosis import PrognosisSettings
from geo.model.region import Region
from geo.reporting.profile import PRODUCT_UNITS
from geo.reporting.provenance import DataProvenance

__all__ = [
    "EXAMPLE_NORMS_TOML",
    "access_table",
    "data_layers",
    "demand_rates_table",
    "group_label",
    "prognosis_table",
    "walking_table",
]

#: A small norms file, shown on the Data & methode page (and tested to load).
EXAMPLE_NORMS_TOML: str = """\
# eigen-normen.toml — gebruik: python -m geo analyse --norms eigen-normen.toml
preset = "landelijk_2030"          # begin bij een normset; overschrijf wat afwijkt
name = "Woonzorgvisie 2025"
source = "Raadsbesluit woonzorgvisie 2025"
year = 2025

[demand.clustered]                 # wooneenheden per 1.000 inwoners van een leeftijdsgroep
"75_84" = 100
"85_plus" = 250

[walking]                          # loopnormen in meters
supermarket = 600

[access.gp]                        # huisarts: straal en afstandsverval (E2SFCA)
radius = 6000
steps = [[2000, 1.0], [4000, 0.6], [6000, 0.2]]
"""


def group_label(group: str) -> str:
    """Dutch label of an age group key (``"75_84"`` → ``"75–84"``, ``"65+"`` stays).

    Examples
    --------
    >>> group_label("85_plus"), group_label("75+"), group_label("total")
    ('85+', '75+', 'alle leeftijden')
    """
    if group == "total":
        return "alle leeftijden"
    return vocabulary.AGE_BAND_LABELS.get(group, group)


def demand_rates_table(norms: Norms) -> pd.DataFrame:
    """Demand rates per product and age group (units per 1,000 people of the group).

    Returns
    -------
    pandas.DataFrame
        One row per product: ``product``, ``label``, ``unit``, then one column per age
        group used by any product (labels as :func:`group_label`, in order of first
        use); empty cells (NaN) where a product has no rate for a group.
    """
    groups: list[str] = []
    for rates in norms.demand.values():
        for group in rates:
            if group not in groups:
                groups.append(group)
    rows = []
    for product in vocabulary.PRODUCTS:
        rates = norms.demand.get(product, {})
        row: dict[str, object] = {"product": product, "label": vocabulary.PRODUCT_LABELS[product],
                                  "unit": PRODUCT_UNITS[product]}
        for group in groups:
            row[group_label(group)] = float(rates[group]) if group in rates else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def walking_table(norms: Norms) -> pd.DataFrame:
    """Walking norms: ``facility_type``, ``label``, ``norm_m``."""
    return pd.DataFrame(
        [{"facility_type": f, "label": vocabulary.FACILITY_LABELS[f], "norm_m": float(m)}
         for f, m in norms.walking.items()],
        columns=["facility_type", "label", "norm_m"],
    )


def access_table(norms: Norms) -> pd.DataFrame:
    """Accessibility measures: one row per 2SFCA/E2SFCA measure.

    Returns
    -------
    pandas.DataFrame
        ``key``, ``label``, ``facility`` (Dutch facility label), ``population`` (Dutch
        age-group label), ``radius_m``, ``method`` (``"2SFCA"`` or ``"E2SFCA"``),
        ``steps`` (Dutch text such as ``"≤ 1.500 m: 1,00; ≤ 3.000 m: 0,68"``, empty for
        2SFCA) and ``per``.
    """
    rows = []
    for key, spec in norms.access.items():
        steps = "; ".join(f"≤ {fmt_int(d)} m: {fmt_decimal(w, 2)}" for d, w in spec.steps)
        rows.append({
            "key": key,
            "label": spec.label or key,
            "facility": vocabulary.FACILITY_LABELS.get(spec.facility_type, spec.facility_type),
            "population": group_label(spec.population),
            "radius_m": float(spec.radius),
            "method": "E2SFCA" if spec.steps else "2SFCA",
            "steps": steps,
            "per": float(spec.per),
        })
    return pd.DataFrame(rows, columns=["key", "label", "facility", "population", "radius_m",
                                       "method", "steps", "per"])


def prognosis_table(prognosis: PrognosisSettings) -> pd.DataFrame:
    """Per age band: annual survival probability and net migration (fractions per year).

    Returns
    -------
    pandas.DataFrame
        ``band``, ``label``, ``width`` (years; NaN for the open band), ``survival``,
        ``migration_rate``.
    """
    bands = list(vocabulary.AGE_BANDS)
    return pd.DataFrame({
        "band": bands,
        "label": [vocabulary.AGE_BAND_LABELS[b] for b in bands],
        "width": [float(w) if (w := vocabulary.AGE_BAND_WIDTHS[b]) is not None else math.nan
                  for b in bands],
        "survival": [float(prognosis.survival[b]) for b in bands],
        "migration_rate": [float(prognosis.migration_rate[b]) for b in bands],
    })


_LAYER_LABELS = {
    "areas": "Buurten (grenzen, wijk, kerngebied)",
    "population": "Bevolking per buurt en leeftijdsklasse (basisjaar)",
    "homes": "Woningen (adrespunten met kenmerken)",
    "facilities": "Voorzieningen (type, capaciteit)",
    "villages": "Dorpen en kernen (namen, inwonertallen)",
    "reference": "Controlecijfers (gepubliceerde CBS-cijfers per buurt, wijk en gemeente)",
}


def data_layers(region: Region) -> pd.DataFrame:
    """The loaded layers of a region with their size, source and data status.

    Returns
    -------
    pandas.DataFrame
        ``layer``, ``label`` (Dutch), ``rows`` (number of features or rows), ``source``
        (``region.source(layer)``), ``status`` (Dutch: echt / geschat / gegenereerd (demo)
        / gemengd, or "niet vermeld" when the package records none; see
        :mod:`geo.reporting.provenance`) and ``note`` (what in the layer is real, estimated
        or generated; ``""`` if none); ``villages`` and ``reference``
        only when present.
    """
    prov = DataProvenance.from_region(region)
    frames: dict[str, pd.DataFrame | None] = {
        "areas": region.areas, "population": region.population, "homes": region.homes,
        "facilities": region.facilities, "villages": region.villages,
        "reference": region.reference,
    }
    rows = [{"layer": name, "label": _LAYER_LABELS[name], "rows": len(frame),
             "source": region.source(name), "status": prov.status_label(name),
             "note": region.data_note(name)}
            for name, frame in frames.items() if frame is not None]
    return pd.DataFrame(rows, columns=["layer", "label", "rows", "source", "status", "note"])
