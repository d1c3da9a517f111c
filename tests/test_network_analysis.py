"""The analysis over the street network: a canal with one bridge and an island (netkit).

Coverage and distances differ from straight lines exactly where the network makes people
walk further (Oost, across the canal), are the same where it does not (West), and homes
that reach no GP over the network (Eiland) are counted per buurt, not covered, and left
out of the mean distances.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from netkit import EILAND, HOMES, NETWORK_M, OOST, STRAIGHT_M, WEST, canal_region

from geo.analysis.gaps import analyse
from geo.analysis.prepared import prepare_region
from geo.analysis.scenario import analyse_scenario
from geo.errors import AnalysisError
from geo.model.scenario import FacilityChange, Scenario


def mean_of(table: dict[str, float], buurt: str) -> float:
    values = [table[h] for h, (code, _, _) in HOMES.items() if code == buurt]
    finite = [v for v in values if math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def covered(table: dict[str, float], buurt: str, norm: float = 1000.0) -> float:
    """People 75+ (20 per buurt, 10 per home) within the norm."""
    return 10.0 * sum(table[h] <= norm for h, (code, _, _) in HOMES.items() if code == buurt)


@pytest.fixture(scope="module")
def results():
    region = canal_region()
    return (analyse(region, distance="straight"), analyse(region, distance="network"),
            region)


def by_buurt(result, column: str) -> dict[str, float]:
    return dict(zip(result.buurt["buurt_code"], result.buurt[column].astype(float),
                    strict=True))


def test_network_differs_exactly_where_people_walk_further(results):
    straight, network, _ = results
    cov_s, cov_n = by_buurt(straight, "cov75_gp"), by_buurt(network, "cov75_gp")
    dist_s, dist_n = by_buurt(straight, "dist_gp"), by_buurt(network, "dist_gp")
    for buurt in (WEST, OOST, EILAND):
        assert cov_s[buurt] == pytest.approx(covered(STRAIGHT_M, buurt))
        assert cov_n[buurt] == pytest.approx(covered(NETWORK_M, buurt))
        assert dist_s[buurt] == pytest.approx(mean_of(STRAIGHT_M, buurt), abs=0.01)
    # West: the same; Oost: covered by straight line, not over the bridge
    assert cov_n[WEST] == cov_s[WEST] == 20.0
    assert dist_n[WEST] == pytest.approx(dist_s[WEST], abs=0.01)
    assert cov_s[OOST] == 20.0 and cov_n[OOST] == 0.0
    assert dist_n[OOST] == pytest.approx((1900 + 1200) / 2, abs=0.01)
    # Eiland: unreachable — not covered, no mean distance, counted
    assert cov_n[EILAND] == 0.0 and math.isnan(dist_n[EILAND])
    unreachable = by_buurt(network, "homes_unreachable")
    assert unreachable == {WEST: 0.0, OOST: 0.0, EILAND: 2.0}
    assert set(by_buurt(straight, "homes_unreachable").values()) == {0.0}
    # the levels add up; the municipality mean leaves the island out
    assert network.gemeente["homes_unreachable"].sum() == 2
    assert network.regio["homes_unreachable"].iloc[0] == 2
    assert network.gemeente["cov75_gp"].iloc[0] == pytest.approx(20.0)
    assert network.gemeente["dist_gp"].iloc[0] == pytest.approx(
        (100 + 400 + 1900 + 1200) / 4, abs=0.01)


def test_assumptions_record_the_method(results):
    straight, network, _ = results
    assert straight.assumptions["distance_method"] == "straight"
    assert straight.assumptions["distance_profile"] == ""
    assert "rechte lijnen" in straight.assumptions["distance_text"]
    assert network.assumptions["distance_method"] == "network"
    assert network.assumptions["distance_profile"] == "walk75"
    assert "straatnetwerk" in network.assumptions["distance_text"]
    assert network.assumptions["homes_unreachable"] == 2


def test_default_is_network_when_the_region_has_one(results):
    _, network, region = results
    default = analyse(region)
    assert default.assumptions["distance_method"] == "network"
    np.testing.assert_array_equal(default.buurt["cov75_gp"], network.buurt["cov75_gp"])
    assert analyse(canal_region(network=False)).assumptions["distance_method"] == "straight"


def test_e2sfca_uses_network_distances(results):
    straight, network, _ = results
    acc_s, acc_n = by_buurt(straight, "acc_gp"), by_buurt(network, "acc_gp")
    assert acc_s[EILAND] > 0  # 1.4 km by straight line: within the 5 km catchment
    assert acc_n[EILAND] == 0.0  # no route
    # Oost walks 1.2–1.9 km: a lower weight than West's (≤ 1.5 km: 1.0)
    assert acc_n[OOST] < acc_n[WEST]
    assert acc_s[OOST] == pytest.approx(acc_s[WEST])


def test_profile_changes_the_network(results):
    _, _, region = results
    car = analyse(region, distance="network", profile="car")
    assert car.assumptions["distance_profile"] == "car"
    # the island street is a footway: a car cannot use it, so E1/E2 snap to the nearest
    # road (no longer unreachable), the canal still forces the bridge
    assert by_buurt(car, "cov75_gp")[OOST] == 0.0


def test_bad_choices_are_clear():
    with pytest.raises(AnalysisError, match="geen straatnetwerk"):
        analyse(canal_region(network=False), distance="network")
    with pytest.raises(AnalysisError, match="onbekende afstandsmethode"):
        analyse(canal_region(), distance="hemelsbreed")
    with pytest.raises(AnalysisError, match="vervoersprofiel"):
        analyse(canal_region(), profile="paard")


def _gp_scenario(action: str, x: float = 0.0, y: float = 0.0) -> Scenario:
    from regionkit import X0, Y0

    change = FacilityChange(action="open", id="G2", facility_type="gp", name="Huisarts Oost",
                            x=X0 + x, y=Y0 + y,
                            capacity=1500.0) if action == "open" else \
        FacilityChange(action="close", id="G1")
    return Scenario(name=f"{action} gp", year=2024, facility_changes=(change,))


def test_scenario_recompute_over_the_network_matches_a_fresh_analysis():
    region = canal_region()
    prepared = prepare_region(region)
    base = analyse(region, prepared=prepared)
    opened = analyse_scenario(region, _gp_scenario("open", 1050.0, 1300.0),
                              prepared=prepared)
    fresh = analyse_scenario(region, _gp_scenario("open", 1050.0, 1300.0))
    for col in ("cov75_gp", "dist_gp", "acc_gp", "homes_unreachable"):
        np.testing.assert_allclose(opened.buurt[col], fresh.buurt[col], equal_nan=True)
    # a GP on the east bank: Oost covered again (300 m and 400 m along its street)
    assert by_buurt(opened, "cov75_gp")[OOST] == 20.0
    assert by_buurt(opened, "dist_gp")[OOST] == pytest.approx(350.0, abs=0.01)
    assert by_buurt(base, "cov75_gp")[OOST] == 0.0
    closed = analyse_scenario(region, _gp_scenario("close"), prepared=prepared)
    # no GP left in the region: coverage unknown ("geen gegevens"), not 0
    assert all(np.isnan(v) for v in by_buurt(closed, "cov75_gp").values())
    # without any GP nothing is "unreachable": there is nothing to reach
    assert closed.assumptions["homes_unreachable"] == 0


def test_stale_network_never_changes_the_numbers():
    region = canal_region()
    prepared = prepare_region(region)
    analyse(region, prepared=prepared, distance="straight")
    net = analyse(region, prepared=prepared, distance="network")
    assert by_buurt(net, "cov75_gp")[OOST] == 0.0
    other = dataclasses.replace(region, network=None)
    assert by_buurt(analyse(other, prepared=prepared), "cov75_gp")[OOST] == 20.0


# --------------------------------------------------------------------------- check


def _with_reference(region):
    from checkkit import reference_frame

    from geo.model.region import validate_region

    src = {"year": 2024, "source": "test"}
    reference = reference_frame([
        {"level": "gemeente", "code": "GM9999", "name": "Kanaalgemeente", "inhabitants": 300,
         "dist_gp_km": 1.2, **src},
        {"level": "buurt", "code": WEST, "name": "West", "inhabitants": 100,
         "dist_gp_km": 0.3, **src},
        {"level": "buurt", "code": OOST, "name": "Oost", "inhabitants": 100,
         "dist_gp_km": 1.6, **src},
        {"level": "buurt", "code": EILAND, "name": "Eiland", "inhabitants": 100,
         "dist_gp_km": 1.6, **src},
    ])
    net = region.network
    return dataclasses.replace(validate_region(dataclasses.replace(region, reference=reference)),
                               network=net)


def _gp_rows(table, level: str = "buurt") -> dict[str, float]:
    rows = table[(table["measure"] == "dist_gp_km") & (table["level"] == level)
                 & (table["part"] == level)]
    return dict(zip(rows["code"], rows["model"], strict=True))


def test_check_uses_the_car_network_when_loaded():
    from geo.analysis.check import check_region

    region = _with_reference(canal_region())
    assert region.network is not None
    table = check_region(region, analyse(region))  # the analysis walks (walk75)
    model = _gp_rows(table)
    # by car: the island's footway is closed, E1/E2 take a 602 m leg to the bank road
    leg = math.hypot(450, 400)
    assert model[WEST] == pytest.approx(0.25, abs=1e-4)
    assert model[OOST] == pytest.approx((1.9 + 1.2) / 2, abs=1e-4)
    assert model[EILAND] == pytest.approx((leg + 900 + leg + 1000) / 2000, abs=1e-3)
    method = table.loc[table["measure"] == "dist_gp_km", "method"].iloc[0]
    assert "profiel car" in method and "straatnetwerk" in method
    assert not table["measure"].str.startswith("detour_").any()
    # straight lines: as before, with the detour factor row
    straight = check_region(region, analyse(region, distance="straight"))
    assert _gp_rows(straight)[OOST] == pytest.approx(
        (STRAIGHT_M["O1"] + STRAIGHT_M["O2"]) / 2000, abs=1e-4)
    assert straight["measure"].str.startswith("detour_").any()
    assert "rechte lijn" in straight.loc[straight["measure"] == "dist_gp_km", "method"].iloc[0]


# --------------------------------------------------------------------------- CLI


def test_cli_distance_choice(tmp_path, capsys):
    import geopandas as gpd

    from geo.cli import main
    from geo.io.region_package import write_region

    path = write_region(canal_region(), tmp_path / "kanaal.gpkg")
    out = tmp_path / "net.gpkg"
    assert main(["analyse", "--region", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "straatnetwerk" in captured.out and "lopen 75+" in captured.out
    assert "2 woning(en)" in captured.err and f"{EILAND} 2" in captured.err
    net = gpd.read_file(out, layer="gaps_buurt").set_index("buurt_code")
    assert net.loc[OOST, "cov75_gp"] == 0 and net.loc[EILAND, "homes_unreachable"] == 2
    prov = gpd.read_file(out, layer="provenance")
    text = " ".join(prov.astype(str).to_numpy().ravel())
    assert "network" in text and "walk75" in text

    out2 = tmp_path / "recht.gpkg"
    assert main(["analyse", "--region", str(path), "--distance", "straight",
                 "--out", str(out2)]) == 0
    assert "rechte lijnen" in capsys.readouterr().out
    assert gpd.read_file(out2, layer="gaps_buurt").set_index("buurt_code").loc[
        OOST, "cov75_gp"] == 20

    assert main(["analyse", "--region", str(path), "--profile", "rollator",
                 "--out", str(tmp_path / "r.gpkg")]) == 0
    assert "rollator" in capsys.readouterr().out

    plain = write_region(canal_region(network=False), tmp_path / "zonder.gpkg")
    assert main(["analyse", "--region", str(plain), "--distance", "network",
                 "--out", str(tmp_path / "x.gpkg")]) == 2
    assert "geen straatnetwerk" in capsys.readouterr().err
