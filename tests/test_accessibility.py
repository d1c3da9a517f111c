"""2SFCA / E2SFCA and distance helpers: answers known by hand or by brute force.

In the style of pysal/access's synthetic grid tests (``access/tests/util.py``
``create_nxn_grid``, ``test_floating_catchment_area.py``): a catchment that covers
everything must give total supply / total demand everywhere.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist

from geo.analysis.catchment import Catchment, build_catchment
from geo.analysis.fca import fca_from_catchment, nearest_distance, two_step_fca, within_distance
from geo.errors import WoonzorgError

STEPS = [(400.0, 1.0), (800.0, 0.68), (1200.0, 0.22)]
RD = np.array([215_000.0, 530_000.0])  # RD New offset: large coordinates like real data


def nxn_grid(n: int, spacing: float = 100.0) -> np.ndarray:
    """``n * n`` points on a square grid (row by row), like access's create_nxn_grid."""
    xs, ys = np.meshgrid(np.arange(n) * spacing, np.arange(n) * spacing)
    return np.column_stack([xs.ravel(), ys.ravel()])


def brute_force_fca(dxy, demand, sxy, capacity, radius, steps=None):
    """Dense reference: the formulas of Luo & Wang (2003) / Luo & Qi (2009) literally."""
    d = cdist(np.asarray(dxy, float), np.asarray(sxy, float))
    if steps is None:
        w = (d <= radius).astype(float)
    else:
        w = np.zeros_like(d)
        for limit, weight in reversed(steps):
            w[d <= limit] = weight
        w[d > radius] = 0.0
    total = w.T @ np.asarray(demand, float)
    ratio = np.divide(capacity, total, out=np.zeros_like(total), where=total > 0)
    return w @ ratio


def random_problem(seed, n=800, m=40, side=6_000.0, offset=RD):
    rng = np.random.default_rng(seed)
    dxy = rng.uniform(0, side, (n, 2)) + offset
    sxy = rng.uniform(0, side, (m, 2)) + offset
    demand = rng.integers(0, 50, n).astype(float)
    capacity = rng.integers(1, 30, m).astype(float)
    return dxy, demand, sxy, capacity


# --------------------------------------------------------------------------- known answers


@pytest.mark.parametrize("weights", [None, [(10_000.0, 1.0)], [(10.0, 1.0), (10_000.0, 0.5)]])
def test_catchment_covering_everything_gives_total_ratio(weights):
    dxy = nxn_grid(10)  # 100 demand points, 900 m x 900 m
    demand = np.arange(1.0, 101.0)
    sxy = nxn_grid(3, spacing=400.0) + 50.0
    capacity = np.arange(1.0, 10.0)
    result = two_step_fca(dxy, demand, sxy, capacity, 10_000.0, weights=weights)
    # with two steps every pair is in the 0.5 band (all distances > 10 m): the weight
    # cancels out of W * S / (W * sum P)
    np.testing.assert_allclose(result, capacity.sum() / demand.sum(), rtol=1e-13)


def test_hand_computed_2sfca_on_a_line():
    # demand at 0, 1000, 2000 m; supplies at 0 m (10) and 2000 m (20); radius 1000 m.
    # R0 = 10 / (100 + 200) and R1 = 20 / (200 + 100); the middle point reaches both
    # (a distance equal to the radius counts).
    dxy = np.array([[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0]]) + RD
    sxy = np.array([[0.0, 0.0], [2000.0, 0.0]]) + RD
    result = two_step_fca(dxy, [100, 200, 100], sxy, [10, 20], 1000)
    np.testing.assert_allclose(result, [10 / 300, 10 / 300 + 20 / 300, 20 / 300], rtol=1e-15)
    assert result.dtype == np.float64 and result.shape == (3,)


def test_supply_without_demand_in_reach_and_demand_without_supply():
    dxy = [[0.0, 0.0], [500.0, 0.0], [9000.0, 0.0]]  # the last point is out of reach
    sxy = [[0.0, 0.0], [5000.0, 5000.0]]  # the second supply reaches nobody
    result = two_step_fca(dxy, [30, 10, 50], sxy, [4, 1000], 1000)
    assert not np.isnan(result).any()
    np.testing.assert_allclose(result, [4 / 40, 4 / 40, 0.0], rtol=1e-15)
    assert result[2] == 0.0
    # a supply whose reachable demand is all zero gets R = 0, not NaN
    zero = two_step_fca(dxy, [0, 0, 50], sxy, [4, 1000], 1000)
    np.testing.assert_array_equal(zero, [0.0, 0.0, 0.0])


def test_hand_computed_e2sfca():
    # Supply A (6 places) at the origin; demand at 300 m (100 people, weight 1),
    # 700 m (200, weight 0.68), 1100 m (50, weight 0.22) and 1500 m (beyond the last
    # step). Supply B (2 places) is 5 km from everyone: the radius (5 km) is capped
    # by the last step (1200 m), so B reaches nobody and adds nothing.
    dxy = np.array([[300.0, 0.0], [0.0, 700.0], [-1100.0, 0.0], [0.0, -1500.0]]) + RD
    sxy = np.array([[0.0, 0.0], [-1100.0, -5000.0]]) + RD
    result = two_step_fca(dxy, [100, 200, 50, 70], sxy, [6, 2], 5000, weights=STEPS)
    total_a = 1.0 * 100 + 0.68 * 200 + 0.22 * 50
    r_a = 6 / total_a
    np.testing.assert_allclose(result, [r_a, 0.68 * r_a, 0.22 * r_a, 0.0], rtol=1e-14)


def test_hand_computed_e2sfca_two_supplies():
    dxy = [[0, 0], [1000, 0], [2000, 0]]
    sxy = [[0, 0], [2000, 0]]
    result = two_step_fca(
        dxy, [100, 200, 100], sxy, [10, 20], 1000, weights=[(500, 1), (1000, 0.5)]
    )
    # R0 = 10 / (100 + 0.5 * 200) = 0.05, R1 = 20 / (0.5 * 200 + 100) = 0.1
    np.testing.assert_allclose(result, [0.05, 0.5 * 0.05 + 0.5 * 0.1, 0.1], rtol=1e-15)


def test_single_step_equals_unweighted():
    dxy, demand, sxy, capacity = random_problem(1)
    plain = two_step_fca(dxy, demand, sxy, capacity, 900.0)
    stepped = two_step_fca(dxy, demand, sxy, capacity, 900.0, weights=[(900.0, 1.0)])
    np.testing.assert_array_equal(plain, stepped)
    catchment = build_catchment(dxy, sxy, 900.0)
    np.testing.assert_array_equal(
        fca_from_catchment(catchment, demand, capacity),
        fca_from_catchment(catchment, demand, capacity, weights=[(900.0, 1.0)]),
    )


def test_radius_caps_the_steps():
    dxy, demand, sxy, capacity = random_problem(2)
    capped = two_step_fca(dxy, demand, sxy, capacity, 800.0, weights=STEPS)
    cut = two_step_fca(dxy, demand, sxy, capacity, 5_000.0, weights=[(400, 1.0), (800, 0.68)])
    np.testing.assert_array_equal(capped, cut)
    wide = two_step_fca(dxy, demand, sxy, capacity, 5_000.0, weights=STEPS)
    exact = two_step_fca(dxy, demand, sxy, capacity, 1_200.0, weights=STEPS)
    np.testing.assert_array_equal(wide, exact)
    np.testing.assert_allclose(
        wide, brute_force_fca(dxy, demand, sxy, capacity, 1_200.0, STEPS), rtol=1e-12
    )


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("radius", [250.0, 1_000.0, 3_000.0])
def test_matches_brute_force(seed, radius):
    dxy, demand, sxy, capacity = random_problem(seed)
    np.testing.assert_allclose(
        two_step_fca(dxy, demand, sxy, capacity, radius),
        brute_force_fca(dxy, demand, sxy, capacity, radius),
        rtol=1e-12,
        atol=1e-300,
    )
    np.testing.assert_allclose(
        two_step_fca(dxy, demand, sxy, capacity, radius, weights=STEPS),
        brute_force_fca(dxy, demand, sxy, capacity, radius, STEPS),
        rtol=1e-12,
        atol=1e-300,
    )


def _access_reference(dxy, demand, sxy, capacity, radius, weight_fn=None):
    access_fca = pytest.importorskip("access.fca")
    d = cdist(dxy, sxy)
    i, j = np.nonzero(d <= radius)
    cost = pd.DataFrame({"origin": i, "dest": j, "cost": d[i, j]})
    demand_df = pd.DataFrame({"geoid": np.arange(len(dxy)), "demand": demand})
    supply_df = pd.DataFrame(
        {"supply": capacity}, index=pd.Index(np.arange(len(sxy)), name="geoid")
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        series = access_fca.two_stage_fca(
            demand_df, supply_df, cost, max_cost=radius, weight_fn=weight_fn
        )
    return series.reindex(np.arange(len(dxy)), fill_value=0.0).to_numpy(dtype=float)


@pytest.mark.parametrize("seed", [0, 7])
def test_equals_pysal_access_two_stage_fca(seed):
    dxy, demand, sxy, capacity = random_problem(seed, n=2_000, m=80, side=10_000.0)
    demand[demand == 0] = 1.0  # access divides 0 by 0 for supplies with zero demand
    expected = _access_reference(dxy, demand, sxy, capacity, 1_500.0)
    result = two_step_fca(dxy, demand, sxy, capacity, 1_500.0)
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=0)


def test_equals_pysal_access_e2sfca():
    weights = pytest.importorskip("access.weights")
    dxy, demand, sxy, capacity = random_problem(3, n=1_500, m=60, side=8_000.0)
    demand[demand == 0] = 1.0
    step_fn = weights.step_fn(dict(STEPS))
    expected = _access_reference(dxy, demand, sxy, capacity, 1_200.0, weight_fn=step_fn)
    result = two_step_fca(dxy, demand, sxy, capacity, 1_200.0, weights=STEPS)
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=0)


# --------------------------------------------------------------------------- pair search


def _pair_set(catchment):
    return set(zip(catchment.demand_index.tolist(), catchment.supply_index.tolist(), strict=True))


PAIR_CASES = {
    "uniform_rd": lambda rng: (
        rng.uniform(0, 5e3, (700, 2)) + RD,
        rng.uniform(0, 5e3, (50, 2)) + RD,
        600.0,
    ),
    # grid points: many pairs at exactly the radius (300-400-500 triangles, 500-0)
    "grid_exact_boundary": lambda rng: (nxn_grid(25) + RD, nxn_grid(5, 500.0) + RD, 500.0),
    "duplicates": lambda rng: (
        np.repeat(rng.uniform(0, 2e3, (60, 2)), 5, axis=0),
        rng.uniform(0, 2e3, (20, 2)),
        400.0,
    ),
    "supply_outside_extent": lambda rng: (
        rng.uniform(0, 1e3, (300, 2)),
        rng.uniform(-2e3, 3e3, (40, 2)),
        700.0,
    ),
    "sparse_small_radius": lambda rng: (
        rng.uniform(0, 1e6, (400, 2)),
        rng.uniform(0, 1e6, (300, 2)),
        20_000.0,
    ),
    "tiny_radius": lambda rng: (rng.uniform(0, 1e3, (500, 2)), rng.uniform(0, 1e3, (50, 2)), 1.0),
    "huge_radius": lambda rng: (rng.uniform(0, 1e3, (200, 2)), rng.uniform(0, 1e3, (10, 2)), 1e7),
    "one_demand_point": lambda rng: (np.array([[5.0, 5.0]]), rng.uniform(0, 10, (30, 2)), 6.0),
    "collinear": lambda rng: (
        np.column_stack([np.arange(300) * 10.0, np.zeros(300)]),
        np.array([[1000.0, 0.0], [1000.0, 50.0]]),
        250.0,
    ),
}


@pytest.mark.parametrize("case", sorted(PAIR_CASES))
def test_catchment_pairs_match_brute_force(case):
    dxy, sxy, radius = PAIR_CASES[case](np.random.default_rng(42))
    catchment = build_catchment(dxy, sxy, radius)
    d = cdist(dxy, sxy)
    i, j = np.nonzero(d <= radius)
    assert _pair_set(catchment) == set(zip(i.tolist(), j.tolist(), strict=True))
    assert catchment.n_demand == len(dxy) and catchment.n_supply == len(sxy)
    np.testing.assert_allclose(
        catchment.distance, d[catchment.demand_index, catchment.supply_index], rtol=1e-12, atol=1e-9
    )
    assert (catchment.distance <= radius).all()
    assert (np.diff(catchment.supply_index) >= 0).all()  # grouped by supply
    rng = np.random.default_rng(0)
    demand = rng.integers(0, 9, len(dxy)).astype(float)
    capacity = rng.integers(1, 9, len(sxy)).astype(float)
    result = two_step_fca(dxy, demand, sxy, capacity, radius)
    np.testing.assert_array_equal(result, fca_from_catchment(catchment, demand, capacity))
    np.testing.assert_allclose(
        result, brute_force_fca(dxy, demand, sxy, capacity, radius), rtol=1e-12, atol=1e-300
    )


# --------------------------------------------------------------------------- catchment reuse


def test_catchment_reuse_is_identical_to_two_step_fca():
    dxy, demand, sxy, capacity = random_problem(5, n=3_000, m=120, side=12_000.0)
    catchment = build_catchment(dxy, sxy, 1_200.0)
    for scale in (1.0, 1.3, 0.0):  # scenarios: other demand, other capacity
        dem, cap = demand * scale, capacity[::-1].copy()
        np.testing.assert_array_equal(
            fca_from_catchment(catchment, dem, cap),
            two_step_fca(dxy, dem, sxy, cap, 1_200.0),
        )
        np.testing.assert_array_equal(
            fca_from_catchment(catchment, dem, cap, weights=STEPS),
            two_step_fca(dxy, dem, sxy, cap, 1_200.0, weights=STEPS),
        )


def test_catchment_in_any_pair_order():
    dxy, demand, sxy, capacity = random_problem(6)
    built = build_catchment(dxy, sxy, 1_000.0)
    perm = np.random.default_rng(1).permutation(built.n_pairs)
    shuffled = Catchment(
        built.n_demand,
        built.n_supply,
        built.demand_index[perm],
        built.supply_index[perm],
        built.distance[perm],
    )
    np.testing.assert_allclose(
        fca_from_catchment(shuffled, demand, capacity, weights=STEPS),
        fca_from_catchment(built, demand, capacity, weights=STEPS),
        rtol=1e-13,
    )


def test_catchment_is_read_only_and_leaves_caller_arrays_alone():
    di, si, d = np.array([0, 1]), np.array([0, 0]), np.array([10.0, 20.0])
    catchment = Catchment(2, 1, di, si, d)
    with pytest.raises(ValueError):
        catchment.distance[0] = 1.0
    with pytest.raises(AttributeError):
        catchment.n_demand = 5  # type: ignore[misc]
    d[0] = 1.0  # the caller's array stays writeable
    assert catchment.n_pairs == 2


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((2, 1, [0, 1], [0], [1.0, 2.0]), "even lang"),
        ((2, 1, [0, 2], [0, 0], [1.0, 2.0]), "buiten"),
        ((2, 1, [0, 1], [0, 1], [1.0, 2.0]), "buiten"),
        ((2, 1, [0, 1], [0, 0], [1.0, np.nan]), "distance"),
        ((2, 1, [0, 1], [0, 0], [-1.0, 2.0]), "distance"),
        ((-1, 1, [], [], []), "n_demand"),
    ],
)
def test_catchment_validates(args, match):
    with pytest.raises(WoonzorgError, match=match):
        Catchment(*args)


def test_inputs_not_mutated():
    dxy, demand, sxy, capacity = random_problem(4)
    arrays = [dxy, demand, sxy, capacity]
    before = [a.copy() for a in arrays]
    for a in arrays:
        a.flags.writeable = False  # would raise on any in-place write
    two_step_fca(dxy, demand, sxy, capacity, 700.0)
    two_step_fca(dxy, demand, sxy, capacity, 700.0, weights=STEPS)
    catchment = build_catchment(dxy, sxy, 700.0)
    fca_from_catchment(catchment, demand, capacity, weights=STEPS)
    nearest_distance(dxy, sxy)
    within_distance(dxy, sxy, 300.0)
    for a, b in zip(arrays, before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_accepts_lists_and_fortran_arrays():
    dxy, demand, sxy, capacity = random_problem(8, n=200, m=10)
    expected = two_step_fca(dxy, demand, sxy, capacity, 1_500.0)
    np.testing.assert_array_equal(
        two_step_fca(dxy.tolist(), demand.tolist(), np.asfortranarray(sxy), capacity, 1_500),
        expected,
    )


def test_empty_inputs():
    assert two_step_fca(np.empty((0, 2)), [], [[0, 0]], [5], 100).shape == (0,)
    np.testing.assert_array_equal(
        two_step_fca([[0, 0], [1, 1]], [1, 2], np.empty((0, 2)), [], 100), [0, 0]
    )
    empty = build_catchment([[0, 0]], np.empty((0, 2)), 100)
    assert empty.n_pairs == 0 and empty.n_supply == 0
    np.testing.assert_array_equal(fca_from_catchment(empty, [3], []), [0.0])
    nobody = build_catchment([[0, 0]], [[1000, 0]], 100)
    assert nobody.n_pairs == 0
    np.testing.assert_array_equal(fca_from_catchment(nobody, [3], [4]), [0.0])


# --------------------------------------------------------------------------- bad input

GOOD = {
    "demand_xy": [[0.0, 0.0], [100.0, 0.0]],
    "demand": [1.0, 2.0],
    "supply_xy": [[50.0, 0.0]],
    "capacity": [3.0],
    "radius": 500.0,
}


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"demand_xy": [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]}, r"demand_xy moet een \(n, 2\)-array"),
        ({"demand_xy": [0.0, 1.0]}, r"demand_xy moet een \(n, 2\)-array"),
        ({"supply_xy": [[np.nan, 0.0]]}, "supply_xy bevat NaN"),
        ({"demand_xy": [["a", "b"], ["c", "d"]]}, "demand_xy moet een numerieke"),
        ({"demand": [1.0, 2.0, 3.0]}, "demand moet een 1-D-array zijn met 2 waarden"),
        ({"demand": [1.0, -2.0]}, "demand mag niet negatief"),
        ({"capacity": [np.inf]}, "capacity bevat NaN"),
        ({"capacity": [[3.0]]}, "capacity moet een 1-D-array"),
        ({"radius": 0.0}, "radius moet een eindig getal groter dan 0"),
        ({"radius": -5.0}, "radius moet"),
        ({"radius": float("nan")}, "radius moet"),
        ({"radius": "ver"}, "radius moet een getal"),
        ({"weights": []}, "weights moet een niet-lege lijst"),
        ({"weights": [(800.0, 1.0), (400.0, 0.5)]}, "strikt oplopen"),
        ({"weights": [(400.0, 1.0), (400.0, 0.5)]}, "strikt oplopen"),
        ({"weights": [(0.0, 1.0)]}, "groter dan 0"),
        ({"weights": [(400.0, -1.0)]}, "niet negatief"),
        ({"weights": [(400.0, np.nan)]}, "weights bevat NaN"),
        ({"weights": [400.0, 800.0]}, "paren"),
    ],
)
def test_bad_input_raises_woonzorg_error(change, match):
    with pytest.raises(WoonzorgError, match=match) as info:
        two_step_fca(**{**GOOD, **change})
    assert isinstance(info.value, ValueError)


def test_bad_input_to_catchment_functions():
    catchment = build_catchment(GOOD["demand_xy"], GOOD["supply_xy"], 500.0)
    with pytest.raises(WoonzorgError, match="demand moet een 1-D-array zijn met 2 waarden"):
        fca_from_catchment(catchment, [1.0], [3.0])
    with pytest.raises(WoonzorgError, match="capacity mag niet negatief"):
        fca_from_catchment(catchment, [1.0, 2.0], [-3.0])
    with pytest.raises(WoonzorgError, match="catchment moet een Catchment"):
        fca_from_catchment("catchment", [1.0, 2.0], [3.0])  # type: ignore[arg-type]
    with pytest.raises(WoonzorgError, match="radius"):
        build_catchment(GOOD["demand_xy"], GOOD["supply_xy"], 0)
    with pytest.raises(WoonzorgError, match="max_distance"):
        within_distance(GOOD["demand_xy"], GOOD["supply_xy"], -1.0)
    with pytest.raises(WoonzorgError, match="points_xy"):
        nearest_distance([[1.0, 2.0, 3.0]], GOOD["supply_xy"])


# --------------------------------------------------------------------------- distances


def test_nearest_and_within_distance_on_a_grid():
    points = nxn_grid(3)  # (0..200, 0..200) step 100
    targets = np.array([[0.0, 0.0], [200.0, 200.0]])
    expected = np.array([0, 100, 200, 100, np.hypot(100, 100), 100, 200, 100, 0], dtype=float)
    np.testing.assert_allclose(nearest_distance(points, targets), expected, rtol=1e-15)
    np.testing.assert_array_equal(within_distance(points, targets, 100.0), expected <= 100.0)
    assert within_distance(points, targets, 100.0).sum() == 6  # the boundary counts
    assert within_distance(points, targets, 0.0).tolist() == [True] + [False] * 7 + [True]
    np.testing.assert_array_equal(
        within_distance(points + RD, targets + RD, 150.0), expected <= 150.0
    )


def test_no_targets():
    points = nxn_grid(2)
    assert np.isinf(nearest_distance(points, np.empty((0, 2)))).all()
    assert not within_distance(points, np.empty((0, 2)), 1e9).any()
    assert nearest_distance(np.empty((0, 2)), points).shape == (0,)


# --------------------------------------------------------------------------- benchmark smoke


def test_benchmark_quick_runs(capsys):
    pytest.importorskip("access")
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_fca.py"
    spec = importlib.util.spec_from_file_location("bench_fca", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--quick", "--repeat", "1"]) == 0
    assert "RESULT: PASS" in capsys.readouterr().out
