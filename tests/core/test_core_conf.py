"""Configuration comes from the environment through typed helpers that refuse bad values."""

import subprocess
import sys

import pytest

from yizuyihui import conf


@pytest.mark.parametrize("raw, expected", [("1", True), ("true", True), ("ON", True), ("0", False), ("no", False), ("", False)])
def test_booleans_are_parsed(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert conf.env_bool("X_FLAG") is expected


@pytest.mark.parametrize("name, raw, call", [
    ("X_FLAG", "maybe", lambda: conf.env_bool("X_FLAG")),
    ("X_INT", "12a", lambda: conf.env_int("X_INT", 1)),
    ("X_INT", "0", lambda: conf.env_int("X_INT", 1, minimum=1)),
    ("X_LIST", "a,,b", lambda: conf.env_list("X_LIST", [])),
    ("X_URL", "mysql://x", lambda: conf.env_url("X_URL", schemes=("postgres",))),
    ("SECRET_KEY", "short", lambda: conf.persistent_secret(__import__("pathlib").Path("/tmp"))),
])
def test_bad_values_are_refused_with_the_variable_named(monkeypatch, name, raw, call):
    monkeypatch.setenv(name, raw)
    with pytest.raises(conf.ConfigError, match=name):
        call()


def test_a_generated_secret_key_is_kept_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = conf.persistent_secret(tmp_path)
    assert len(first) >= 50 and conf.persistent_secret(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_the_settings_module_refuses_a_bad_debug_value(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "perhaps", "YZYH_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import yizuyihui.settings"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "DEBUG='perhaps' is not a boolean" in result.stderr


def test_yzyh_help_lists_every_command():
    from click.testing import CliRunner

    from yizuyihui.cli import main

    output = CliRunner().invoke(main, ["--help"]).output
    for command in ["demo", "serve", "worker", "migrate", "manage", "bench", "org"]:
        assert f"  {command} " in output, command
    bench = CliRunner().invoke(main, ["bench", "--help"]).output
    assert "  demo " in bench
