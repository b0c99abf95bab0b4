"""`yzyh bench scale --clients N`: the bench's pages under concurrent HTTP clients against gunicorn
(issue 17's "16 clients"), run end to end on a tiny city in a scratch SQLite file."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from yizuyihui.insights.bench_scale import PAGES


def _cli(env: dict, *args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "yizuyihui.cli", "bench", "scale", *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def test_concurrent_mode_times_every_page_over_http(tmp_path):
    env = {**os.environ, "YZYH_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/yzyh.sqlite3",
           "DJANGO_SETTINGS_MODULE": "yizuyihui.settings"}
    env.pop("REDIS_URL", None)
    _cli(env, "--years", "0.02", "--fraction", "0.0001", "--jobs", "1", "--build-only")
    out = _cli(env, "--measure-only", "--clients", "2", "--seconds", "3")

    table = out.split("(2 clients, closed loop", 1)[1]
    names = {(page, scope) for page, scope, _who, _url in PAGES}
    assert len(names) == 22
    for page, scope in names:
        line = re.search(rf"^{re.escape(page)} +{scope} +([\d.]+) +([\d.]+) +(\d+) +(\d+)$", table, re.M)
        assert line, f"{page} ({scope}) missing from:\n{table}"
        p50, p95, count, errors = float(line[1]), float(line[2]), int(line[3]), int(line[4])
        assert count > 0 and errors == 0 and 0 < p50 <= p95, line[0]
    total = re.search(r"^all pages +[\d.]+ +[\d.]+ +(\d+) +(\d+)$", table, re.M)
    assert total and int(total[1]) >= 22 and int(total[2]) == 0
    assert re.search(r"[\d.]+ pages/s; server CPU per page: web [\d.]+ ms", table)
    assert re.search(r"load average [\d.]+ [\d.]+ [\d.]+ at start, [\d.]+ [\d.]+ [\d.]+ at end", table)
    memory = re.search(r"server memory \(gunicorn master \+ workers\): VmRSS (\d+) MB, PSS (\d+) MB", table)
    assert memory and int(memory[1]) >= int(memory[2]) > 0


def test_the_bench_server_keeps_its_database_connections_for_the_whole_run(monkeypatch):
    """PostgreSQL's CPU per page is read from the backends alive before and after the run: a
    connection closed at the default 60 s lifetime took its CPU with it (a 60 s run read 0.1 ms)."""
    from yizuyihui.insights.bench_scale import _server_env

    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    assert int(_server_env(60)["DB_CONN_MAX_AGE"]) > 60 + 300
    assert int(_server_env(600)["DB_CONN_MAX_AGE"]) > 600 + 300
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")  # a site behind pgbouncer measures as it runs
    assert _server_env(60)["DB_CONN_MAX_AGE"] == "0"
