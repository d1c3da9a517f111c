"""geo.config: one validated Config, built from the environment, overridable per block."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from geo import config
from geo.config import Config, get_config, use_config
from geo.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_streamlit_upload_limit_matches_config():
    streamlit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert streamlit["server"]["maxUploadSize"] == Config.from_env({}).max_upload_mb


def test_defaults_from_an_empty_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    cfg = Config.from_env({})
    assert cfg.max_upload_mb == config.DEFAULT_MAX_UPLOAD_MB
    assert cfg.pdok_url == config.DEFAULT_PDOK_URL
    assert cfg.cbs_odata_url == config.DEFAULT_CBS_ODATA_URL
    assert cfg.data_dir == tmp_path / ".local/share/woonzorgatlas"
    assert (cfg.planning_horizon, cfg.max_year) == (2040, 2050)


def test_every_variable_is_read(tmp_path):
    cfg = Config.from_env({
        config.DATA_DIR_ENV: str(tmp_path / "d"),
        config.MAX_UPLOAD_ENV: "1,5",
        config.PDOK_URL_ENV: "http://127.0.0.1:8000/",
        config.CBS_ODATA_URL_ENV: "http://127.0.0.1:8001/odata",
    })
    assert cfg.data_dir == tmp_path / "d"
    assert cfg.max_upload_mb == 1.5
    assert cfg.max_upload_bytes == int(1.5 * 2**20)
    assert cfg.pdok_url == "http://127.0.0.1:8000"
    assert cfg.cbs_odata_url == "http://127.0.0.1:8001/odata"


def test_xdg_data_home_is_used_when_absolute(tmp_path):
    assert Config.from_env({"XDG_DATA_HOME": str(tmp_path)}).data_dir == tmp_path / "woonzorgatlas"


@pytest.mark.parametrize("raw", ["0", "-3", "veel", "nan", "inf"])
def test_invalid_upload_limit_is_refused_in_dutch(raw):
    with pytest.raises(ConfigError, match="geen geldig aantal MB"):
        Config.from_env({config.MAX_UPLOAD_ENV: raw})


@pytest.mark.parametrize("changes", [
    {"pdok_url": "ftp://example.org"},
    {"cbs_odata_url": "file:///etc/passwd"},
    {"max_upload_mb": 0},
    {"max_upload_mb": True},
    {"planning_horizon": 2060},
    {"max_year": 1990},
])
def test_replace_validates(changes):
    with pytest.raises(ConfigError):
        Config.from_env({}).replace(**changes)


def test_replace_refuses_unknown_fields():
    with pytest.raises(ConfigError, match="onbekende instelling"):
        Config.from_env({}).replace(max_upload=5)


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        Config.from_env({}).max_upload_mb = 3  # type: ignore[misc]


def test_get_config_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path / "a"))
    assert get_config().data_dir == tmp_path / "a"
    assert get_config() is get_config()  # built once per environment
    monkeypatch.setenv(config.DATA_DIR_ENV, str(tmp_path / "b"))
    assert get_config().data_dir == tmp_path / "b"


def test_use_config_overrides_inside_the_block_only(monkeypatch):
    monkeypatch.delenv(config.MAX_UPLOAD_ENV, raising=False)
    with use_config(get_config().replace(max_upload_mb=3)) as cfg:
        assert get_config() is cfg
        assert get_config().max_upload_mb == 3
    assert get_config().max_upload_mb == config.DEFAULT_MAX_UPLOAD_MB
