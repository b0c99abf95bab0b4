"""`yzyh serve`'s gunicorn command: access lines on stdout unless --no-access-log."""

from __future__ import annotations

from yizuyihui.core.cli import gunicorn_command


def test_the_access_log_is_on_by_default_and_can_be_turned_off():
    on = gunicorn_command(port=8000, control_socket=False)
    off = gunicorn_command(port=8000, control_socket=False, access_log=False)
    assert on[on.index("--access-logfile") + 1] == "-"
    assert "--access-logfile" not in off
    assert [a for a in on if a not in ("--access-logfile", "-")] == off  # nothing else changes


def test_serve_passes_the_flag_through(monkeypatch):
    from click.testing import CliRunner

    from yizuyihui.core import cli

    seen = {}
    monkeypatch.setattr(cli, "collectstatic", lambda: None)
    monkeypatch.setattr(cli.os, "execv", lambda exe, cmd: seen.setdefault("cmd", cmd))
    assert CliRunner().invoke(cli.serve, ["--no-access-log"]).exit_code == 0
    assert "--access-logfile" not in seen["cmd"]
    seen.clear()
    assert CliRunner().invoke(cli.serve, []).exit_code == 0
    assert "--access-logfile" in seen["cmd"]


def test_serve_runs_two_threads_a_worker_unless_told(monkeypatch):
    """2 threads a worker is the measured default (core/cli.py THREADS, docs/scale.md); --threads
    changes it, and out-of-range values are refused before anything starts."""
    from click.testing import CliRunner

    from yizuyihui.core import cli

    seen = {}
    monkeypatch.setattr(cli, "collectstatic", lambda: None)
    monkeypatch.setattr(cli.os, "execv", lambda exe, cmd: seen.setdefault("cmd", cmd))
    assert CliRunner().invoke(cli.serve, []).exit_code == 0
    assert seen["cmd"][seen["cmd"].index("--threads") + 1] == "2"
    seen.clear()
    assert CliRunner().invoke(cli.serve, ["--threads", "4"]).exit_code == 0
    assert seen["cmd"][seen["cmd"].index("--threads") + 1] == "4"
    seen.clear()
    assert CliRunner().invoke(cli.serve, ["--threads", "0"]).exit_code != 0 and not seen
