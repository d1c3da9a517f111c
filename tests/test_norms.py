"""Norms: presets with sources, overrides from files, clear errors."""

from __future__ import annotations

import json

import pytest

from geo import vocabulary
from geo.errors import NormsError
from geo.io.norms_file import load_norms
from geo.model.norms import PRESETS, get_preset, norms_from_dict


def test_presets_complete_and_sourced():
    assert len(PRESETS) >= 2
    for key, norms in PRESETS.items():
        assert norms.key == key
        assert set(norms.demand) == set(vocabulary.PRODUCTS)
        assert len(norms.source) > 40 and norms.year >= 2020
        assert norms.walking == {"supermarket": 500.0, "gp": 1000.0, "bus_stop": 500.0,
                                 "pharmacy": 1000.0}


def test_default_is_national_preset():
    assert load_norms().key == "landelijk_2030"
    assert load_norms("eigen_beleid") is PRESETS["eigen_beleid"]


def test_toml_file_overrides_one_value(tmp_path):
    path = tmp_path / "eigen.toml"
    path.write_text(
        'preset = "eigen_beleid"\nname = "Raad 2025"\n[demand.clustered]\n"75+" = 160\n'
        "[walking]\nsupermarket = 600\n",
        encoding="utf-8",
    )
    norms = load_norms(path)
    assert norms.name == "Raad 2025"
    assert norms.demand["clustered"] == {"75+": 160.0}
    assert norms.demand["step_free"] == PRESETS["eigen_beleid"].demand["step_free"]
    assert norms.walking["supermarket"] == 600.0 and norms.walking["gp"] == 1000.0
    assert norms.key == "custom"


def test_json_file(tmp_path):
    path = tmp_path / "n.json"
    path.write_text(json.dumps({"adaptable_weight": 0.25}), encoding="utf-8")
    norms = load_norms(path)
    assert norms.adaptable_weight == 0.25
    assert norms.demand == PRESETS["landelijk_2030"].demand


def test_round_trip_via_dict():
    norms = get_preset("eigen_beleid")
    again = norms_from_dict(norms.to_dict())
    assert again == norms


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"demand": {"castles": {"75+": 1}}}, "onbekend product 'castles'"),
        ({"demand": {"clustered": {"90+": 1}}}, "onbekende leeftijdsgroep '90\\+'"),
        ({"demand": {"clustered": {"75+": -5}}}, "≥ 0"),
        ({"demand": {"clustered": {"75+": "veel"}}}, "moet een getal zijn"),
        ({"walking": {"gp": 0}}, "afstand > 0"),
        ({"walking": {"pub": 300}}, "onbekend voorzieningstype 'pub'"),
        ({"adaptable_weight": 2}, "tussen 0 en 1"),
        ({"colour": "red"}, "onbekende sleutel"),
        ({"preset": "nope"}, "onbekende normset 'nope'"),
    ],
)
def test_bad_norms(data, message):
    with pytest.raises(NormsError, match=message):
        norms_from_dict(data)


def test_bad_files(tmp_path):
    with pytest.raises(NormsError, match="bestaat niet"):
        load_norms(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[demand\n", encoding="utf-8")
    with pytest.raises(NormsError, match="niet leesbaar"):
        load_norms(broken)
    with pytest.raises(NormsError, match="onbekende normset"):
        load_norms("no_such_preset")
