"""Former module of the default-region generator, kept so existing imports keep working.

The generator is :mod:`geo.datasets.midden_drenthe` (real CBS boundaries and figures,
generated homes); :func:`generate_demo_region` is its :func:`generate_region`.
"""

from __future__ import annotations

from geo.datasets.midden_drenthe import NOTICE as DEMO_NOTICE
from geo.datasets.midden_drenthe import SEED, load_villages, villages_path
from geo.datasets.midden_drenthe import generate_region as generate_demo_region

__all__ = ["DEMO_NOTICE", "SEED", "generate_demo_region", "load_villages", "villages_path"]
