"""Which distance the analysis uses: straight lines or the street network, per profile.

:func:`resolve_distance` turns the ``distance=`` / ``profile=`` choice of
:func:`geo.analysis.gaps.analyse` (and the CLI's ``--distance`` / ``--profile``, the
sidebar's "Afstand") into a :class:`DistanceMethod`:

``"network"``
    Distances over the region's street network (:attr:`geo.model.region.Region.network`)
    for one mobility profile (:mod:`geo.model.profiles`, default :data:`DEFAULT_PROFILE`),
    computed by :mod:`geo.analysis.network` (nearest facility) and
    :mod:`geo.analysis.network_catchment` (2SFCA pairs). The default when the region has a
    network.
``"straight"``
    Straight lines in RD New (metres). The default, and the only choice, without a
    network.

Unreachable homes. Over a network in pieces a home may reach no facility of a type
(distance ``inf``). Such a home's people count as **not covered** by the walking norm
(they cannot walk there), are **left out of the mean distances** (there is no finite
distance to average) and are **counted** per area in ``homes_unreachable`` (see
:func:`unreachable_points`), with a notice in the app and the CLI — never silently
counted either way. In the 2SFCA they have no facility in reach (score 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo.analysis.catchment import Catchment, build_catchment
from geo.analysis.fca import nearest_distance
from geo.analysis.network import nearest_network_distance
from geo.analysis.network_catchment import network_catchment
from geo.errors import AnalysisError
from geo.model.network import StreetNetwork
from geo.model.profiles import PROFILES, get_profile
from geo.model.region import Region

__all__ = [
    "DEFAULT_PROFILE",
    "DISTANCE_LABELS",
    "DISTANCE_METHODS",
    "DistanceMethod",
    "describe_distance",
    "resolve_distance",
    "unreachable_points",
]

DISTANCE_METHODS: tuple[str, str] = ("network", "straight")
#: Dutch labels of the methods (sidebar, captions).
DISTANCE_LABELS: dict[str, str] = {"straight": "rechte lijn", "network": "over het netwerk"}
#: Profile of network distances when none is chosen: older people walking (0.75 m/s).
DEFAULT_PROFILE = "walk75"


@dataclass(frozen=True, eq=False)
class DistanceMethod:
    """The distance the analysis uses.

    Attributes
    ----------
    method
        ``"network"`` or ``"straight"``.
    profile
        The mobility profile of network distances (``""`` for straight lines).
    network
        The street network (``None`` for straight lines).
    """

    method: str
    profile: str = ""
    network: StreetNetwork | None = None

    @property
    def is_network(self) -> bool:
        """Whether distances are measured over the street network."""
        return self.method == "network"

    @property
    def key(self) -> tuple[str, str, int]:
        """A hashable key of the method (cache keys): ``(method, profile, network id)``."""
        return (self.method, self.profile, id(self.network) if self.network else 0)

    def nearest(self, origins_xy: np.ndarray, targets_xy: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
        """Distance from every origin to its nearest target and which target.

        Parameters
        ----------
        origins_xy, targets_xy
            ``(n, 2)`` and ``(m, 2)`` RD coordinates in metres; ``m`` may be 0.

        Returns
        -------
        tuple of numpy.ndarray
            ``(distance_m, nearest)``: float64 metres (``inf`` without a reachable target)
            and the int64 target index (``-1`` then; straight lines: ``-1`` always, the
            index is only kept for network updates).
        """
        if self.is_network:
            return nearest_network_distance(self.network, self.profile, origins_xy,
                                            targets_xy)
        d = nearest_distance(origins_xy, targets_xy)
        return d, np.full(len(d), -1, dtype=np.int64)

    def catchment(self, demand_xy: np.ndarray, supply_xy: np.ndarray,
                  radius: float) -> Catchment:
        """Every (demand, supply) pair within ``radius`` metres (see :class:`Catchment`)."""
        if self.is_network:
            return network_catchment(self.network, self.profile, demand_xy, supply_xy, radius)
        return build_catchment(demand_xy, supply_xy, radius)


def resolve_distance(region: Region, distance: str | None = None,
                     profile: str | None = None) -> DistanceMethod:
    """The distance method of an analysis of ``region``.

    Parameters
    ----------
    region
        The region (its :attr:`~geo.model.region.Region.network`, if any, decides the
        default).
    distance
        ``"network"``, ``"straight"`` or ``None`` (network when the region has one, else
        straight lines).
    profile
        Mobility profile of network distances (:data:`geo.model.profiles.PROFILES`);
        ``None``: :data:`DEFAULT_PROFILE`. Ignored for straight lines, but still checked.

    Returns
    -------
    DistanceMethod

    Raises
    ------
    AnalysisError
        An unknown method or profile, or ``"network"`` for a region without a network.
    """
    name = get_profile(profile).name if profile else DEFAULT_PROFILE
    choice = (distance or "").strip().lower() or (
        "network" if region.network is not None else "straight")
    if choice not in DISTANCE_METHODS:
        raise AnalysisError(f"onbekende afstandsmethode '{distance}'; kies 'network' (over "
                            "het straatnetwerk) of 'straight' (rechte lijn).")
    if choice == "straight":
        return DistanceMethod("straight")
    if region.network is None:
        raise AnalysisError(
            f"regio '{region.name}' heeft geen straatnetwerk, dus afstanden over het netwerk "
            "kunnen niet: voeg er een toe met `python -m geo network --region … --osm "
            "bestand.osm.pbf --out …`, of kies rechte lijnen (--distance straight).")
    return DistanceMethod("network", name, region.network)


def describe_distance(method: str, profile: str = "") -> str:
    """One Dutch sentence saying how distances were measured (captions, reports).

    Examples
    --------
    >>> describe_distance("straight")
    'Afstanden zijn rechte lijnen (hemelsbreed).'
    >>> describe_distance("network", "walk75")
    'Afstanden over het straatnetwerk (OpenStreetMap), profiel lopen 75+ (0,75 m/s).'
    """
    if method == "network":
        label = PROFILES[profile].label if profile in PROFILES else profile
        return f"Afstanden over het straatnetwerk (OpenStreetMap), profiel {label}."
    return "Afstanden zijn rechte lijnen (hemelsbreed)."



def unreachable_points(distances: list[np.ndarray], n: int) -> np.ndarray:
    """Per point, whether some facility type cannot be reached (network in pieces).

    Parameters
    ----------
    distances
        Per facility type that has facilities, ``(n,)`` distances (``inf`` unreachable).
    n
        Number of points.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` bool.
    """
    out = np.zeros(n, dtype=bool)
    for d in distances:
        out |= ~np.isfinite(d)
    return out
