"""What is real, estimated or generated: the data status of every layer, in Dutch.

One source for the notice on every page, ``python -m geo info``, the Data & methode page,
the exports (provenance table, ``LEESMIJ.txt``, field dictionary) and the handout.

A region package may record per layer ``data_status_<layer>`` (``real``, ``estimated``,
``generated`` or ``mixed``; see :data:`geo.model.region.DATA_STATUSES`) and a Dutch
``data_note_<layer>``. :class:`DataProvenance` reads them from a region
(:meth:`DataProvenance.from_region`) or from an analysis
(:meth:`DataProvenance.from_assumptions`, the copy in ``GapResult.assumptions``) and words
them. The word *demo* is used only for what is generated: "Woningen: gegenereerd (demo)".

Missing layers are said too (:meth:`DataProvenance.missing`): a region without homes (no
BAG) has an unknown supply of step-free homes — the analysis keeps supply 0, so the shortage
shown is the whole demand, an upper bound, and every page says so; a region without a
facility of a walking-norm type has unknown coverage and distance for that type ("geen
gegevens", NaN in the gap layers).

A package without these keys (older packages, the generated demo of before) is described
as before by its ``demo`` flag alone: "Demodata — niet gebruiken voor besluiten", or real
data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from geo import vocabulary
from geo.model.norms import DEFAULT_PRESET, PRESETS
from geo.model.region import DATA_LAYERS, Region

__all__ = [
    "DEMO_TITLE",
    "LAYER_LABELS",
    "STATUS_LABELS",
    "DataProvenance",
    "LayerStatus",
    "field_layers",
]

#: Headline of a package that is demo data as a whole (no per-layer status recorded).
DEMO_TITLE = "Demodata — niet gebruiken voor besluiten"

#: Dutch label of each layer (short, as in a sentence "Woningen: gegenereerd (demo)").
LAYER_LABELS: dict[str, str] = {
    "areas": "Buurtgrenzen",
    "population": "Bevolking",
    "homes": "Woningen",
    "facilities": "Voorzieningen",
    "villages": "Dorpen en kernen",
    "reference": "Gepubliceerde cijfers (controle)",
}
#: Dutch label of each data status.
STATUS_LABELS: dict[str, str] = {
    "real": "echt",
    "estimated": "geschat",
    "generated": "gegenereerd (demo)",
    "mixed": "gemengd",
}
_UNKNOWN = "niet vermeld"


@dataclass(frozen=True)
class LayerStatus:
    """One layer's data status for a table (Data & methode, exports, handout)."""

    layer: str
    label: str          # Dutch layer label
    status: str | None  # one of DATA_STATUSES, None when not recorded
    status_label: str   # Dutch: echt / geschat / gegenereerd (demo) / gemengd / niet vermeld
    source: str
    note: str


@dataclass(frozen=True)
class DataProvenance:
    """The data status of a region's layers and the Dutch texts built from it.

    Attributes
    ----------
    statuses
        ``{layer: status}`` for the layers with a recorded status (may be empty).
    notes
        ``{layer: Dutch note}`` (what in the layer is real, estimated or generated).
    sources
        ``{layer: recorded source}``.
    demo
        The package's ``demo`` flag (used only when no status is recorded).
    notice
        The package's free-text notice.
    n_homes
        Number of homes in the region (``None``: not known, e.g. an older analysis).
    facility_types
        The facility types present (``None``: not known).
    walking
        The facility types with a walking norm (coverage and distance are computed for them).
    """

    statuses: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    demo: bool = False
    notice: str = ""
    n_homes: int | None = None
    facility_types: tuple[str, ...] | None = None
    walking: tuple[str, ...] = tuple(PRESETS[DEFAULT_PRESET].walking)

    @classmethod
    def from_region(cls, region: Region) -> DataProvenance:
        """The provenance recorded in a region package's metadata."""
        return cls(statuses=region.data_statuses(),
                   notes={layer: note for layer in DATA_LAYERS
                          if (note := region.data_note(layer))},
                   sources={k[len("source_"):]: v for k, v in region.metadata.items()
                            if k.startswith("source_")},
                   demo=region.is_demo, notice=region.metadata.get("notice", ""),
                   n_homes=len(region.homes),
                   facility_types=tuple(sorted(set(region.facilities["facility_type"]))))

    @classmethod
    def from_assumptions(cls, assumptions: Mapping[str, Any]) -> DataProvenance:
        """The provenance an analysis recorded (``GapResult.assumptions``)."""
        return cls(statuses=dict(assumptions.get("data_status") or {}),
                   notes=dict(assumptions.get("data_notes") or {}),
                   sources=dict(assumptions.get("sources") or {}),
                   demo=bool(assumptions.get("demo", False)),
                   notice=str(assumptions.get("notice") or ""),
                   n_homes=assumptions.get("n_homes"),
                   facility_types=(None if assumptions.get("facility_types") is None
                                   else tuple(assumptions["facility_types"])),
                   walking=tuple((assumptions.get("norms") or {}).get("walking")
                                 or PRESETS[DEFAULT_PRESET].walking))

    def missing(self) -> list[str]:
        """Dutch sentences for layers that are absent, so results are unknown, not zero.

        Examples
        --------
        >>> DataProvenance(n_homes=0, facility_types=()).missing()  # doctest: +NORMALIZE_WHITESPACE
        ['Geen woningen geladen: het aanbod van nultredenwoningen is onbekend (het getoonde
          tekort is de hele vraag, een bovengrens).',
         'Geen voorzieningen geladen: dekking en afstanden zijn onbekend (geen gegevens).']
        >>> DataProvenance(facility_types=("gp",), walking=("gp", "pharmacy")).missing()
        ['Geen apotheek geladen: de dekking en loopafstand daarvan zijn onbekend.']
        """
        out = []
        if self.n_homes == 0:
            out.append("Geen woningen geladen: het aanbod van nultredenwoningen is onbekend "
                       "(het getoonde tekort is de hele vraag, een bovengrens).")
        if self.facility_types is not None and not self.facility_types:
            out.append("Geen voorzieningen geladen: dekking en afstanden zijn onbekend "
                       "(geen gegevens).")
        elif self.facility_types is not None:
            absent = [vocabulary.FACILITY_LABELS.get(t, t).lower() for t in self.walking
                      if t not in self.facility_types]
            if absent:
                listed = absent[0] if len(absent) == 1 else (
                    ", ".join(absent[:-1]) + " en " + absent[-1])
                out.append(f"Geen {listed} geladen: de dekking en loopafstand daarvan zijn "
                           "onbekend.")
        return out

    @property
    def known(self) -> bool:
        """Whether any layer has a recorded status (else only the demo flag speaks)."""
        return bool(self.statuses)

    @property
    def generated(self) -> list[str]:
        """Layers whose data are generated (demo), in :data:`DATA_LAYERS` order."""
        return [layer for layer in DATA_LAYERS if self.statuses.get(layer) == "generated"]

    @property
    def warn(self) -> bool:
        """Whether the data must not be used for decisions (anything generated, or demo)."""
        return bool(self.generated) if self.known else self.demo

    def status_label(self, layer: str) -> str:
        """Dutch status of one layer (``"niet vermeld"`` when not recorded)."""
        return STATUS_LABELS.get(str(self.statuses.get(layer)), _UNKNOWN)

    def rows(self, layers: Iterable[str] | None = None) -> list[LayerStatus]:
        """One :class:`LayerStatus` per layer that has a status or a source.

        Parameters
        ----------
        layers
            The layers to describe (default: :data:`geo.model.region.DATA_LAYERS` plus any
            other layer with a recorded source), in this order.
        """
        if layers is None:
            layers = [*DATA_LAYERS, *(k for k in self.sources if k not in DATA_LAYERS)]
        return [LayerStatus(layer, LAYER_LABELS.get(layer, layer), self.statuses.get(layer),
                            self.status_label(layer), str(self.sources.get(layer, "")),
                            str(self.notes.get(layer, "")))
                for layer in layers if layer in self.statuses or layer in self.sources]

    def summary(self) -> str:
        """One Dutch line: ``"Buurtgrenzen: echt · Bevolking: gemengd · Woningen: …"``.

        Empty when no status is recorded.

        Examples
        --------
        >>> DataProvenance({"areas": "real", "homes": "generated"}).summary()
        'Buurtgrenzen: echt · Woningen: gegenereerd (demo)'
        """
        return " · ".join(f"{LAYER_LABELS.get(layer, layer)}: {STATUS_LABELS[status]}"
                          for layer in DATA_LAYERS
                          if (status := self.statuses.get(layer)) in STATUS_LABELS)

    def title(self) -> str:
        """Headline of the data, e.g. for the notice box.

        Without recorded statuses: :data:`DEMO_TITLE` for demo data, else "Echte data".
        With statuses: the generated layers named ("Woningen gegenereerd (demo) — …"), else
        whether anything is estimated.

        Examples
        --------
        >>> DataProvenance({"areas": "real", "homes": "generated"}).title()
        'Woningen gegenereerd (demo) — uitkomsten niet gebruiken voor besluiten'
        >>> DataProvenance({"areas": "real", "population": "mixed"}).title()
        'Echte data, deels geschat'
        """
        if not self.known:
            return DEMO_TITLE if self.demo else "Echte data"
        if self.generated:
            names = [LAYER_LABELS[g] for g in self.generated]
            listed = names[0] if len(names) == 1 else (
                ", ".join(names[:-1]) + " en " + names[-1].lower())
            return f"{listed} gegenereerd (demo) — uitkomsten niet gebruiken voor besluiten"
        if set(self.statuses.values()) & {"estimated", "mixed"}:
            return "Echte data, deels geschat"
        return "Echte data"

    def kind(self) -> str:
        """Short Dutch kind of data (a metric on Data & methode).

        Examples
        --------
        >>> DataProvenance({"areas": "real", "population": "mixed",
        ...                 "homes": "generated"}).kind()
        'Deels gegenereerd'
        >>> DataProvenance({"areas": "real", "population": "mixed"}).kind()
        'Echt, deels geschat'
        """
        if not self.known:
            return "Demodata" if self.demo else "Eigen data"
        present = set(self.statuses.values())
        if present == {"generated"}:
            return "Gegenereerd (demo)"
        if "generated" in present:
            return "Deels gegenereerd"
        if present & {"estimated", "mixed"}:
            return "Echt, deels geschat" if present & {"real", "mixed"} else "Geschat"
        return "Echt"

    def field_origin(self, column: str) -> str:
        """Dutch origin of an exported field: the status of the layers it comes from.

        ``""`` when no status is recorded or the field does not come from a layer.

        Examples
        --------
        >>> p = DataProvenance({"population": "mixed", "homes": "generated"})
        >>> p.field_origin("pop_75plus"), p.field_origin("shortage_step_free")
        ('gemengd', 'uit bevolking (gemengd) en woningen (gegenereerd, demo)')
        """
        layers = [layer for layer in field_layers(column) if layer in self.statuses]
        if not layers:
            return ""
        labels = [self.status_label(layer) for layer in layers]
        if len(set(labels)) == 1:
            return labels[0]
        parts = [f"{LAYER_LABELS[layer].lower()} ({label.replace(' (demo)', ', demo')})"
                 for layer, label in zip(layers, labels, strict=True)]
        return "uit " + ", ".join(parts[:-1]) + " en " + parts[-1]


_AREA_FIELDS = {"buurt_code", "buurt_name", "buurt_type", "wijk_code", "wijk_name",
                "gemeente_code", "gemeente_name", "gemeente", "kerngebied", "n_buurten"}
_HOME_FIELDS = {"home_id", "construction_year", "dwelling_type", "step_free", "lift",
                "floor_area", "tenure", "owner", "suitability"}
_FACILITY_FIELDS = {"facility_id", "facility_type", "type_label", "name", "operator",
                    "capacity", "in_region", "norm_m"}
_ALL = ("population", "homes", "facilities")


def field_layers(column: str) -> tuple[str, ...]:
    """The region layers an exported field is computed from (``()`` for none).

    Examples
    --------
    >>> field_layers("supply_step_free"), field_layers("shortage_clustered")
    (('homes',), ('population', 'facilities'))
    """
    if column in _AREA_FIELDS:
        return ("areas",)
    if column in _HOME_FIELDS or column.startswith("homes_"):
        return ("homes",)
    if column in _FACILITY_FIELDS:
        return ("facilities",)
    if column.startswith(("pop_", "share_", "demand_")):
        return ("population",)
    for prefix, layers in (("supply_", ()), ("shortage_", ("population",))):
        if column.startswith(prefix):
            own = "homes" if column == f"{prefix}step_free" else "facilities"
            return (*layers, own)
    if column.startswith(("cov75_", "dist_", "uncov_", "acc_")):
        return _ALL
    return ()
