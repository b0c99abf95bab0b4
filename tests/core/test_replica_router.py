"""Reads on a real PostgreSQL streaming replica (issue 17): a primary and a replica made with
pg_basebackup -R in a temporary directory; a child process runs the site against them
(tests/core/replica_script.py) and reports where the pages read and what they saw."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_basebackup").exists(),
                       reason="PostgreSQL server binaries (initdb, pg_basebackup) not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_pg(args, **kw):
    """Run a server binary; as root, as the postgres OS user (initdb refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=180, **kw)


@pytest.fixture
def primary_and_replica():
    tmp = Path(tempfile.mkdtemp(prefix="yzyh-replica-"))
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres")
    primary, replica = tmp / "primary", tmp / "replica"
    p_port, r_port = _free_port(), _free_port()
    started = []
    try:
        _as_pg([str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--locale=C"])
        with open(primary / "postgresql.conf", "a") as f:
            f.write(f"port = {p_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{tmp}'\n"
                    "fsync = off\nshared_buffers = 32MB\n")
        _as_pg([str(PG_BIN / "pg_ctl"), "-D", str(primary), "-l", str(tmp / "primary.log"), "-w", "start"])
        started.append(primary)
        _as_pg([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres",
                "-D", str(replica), "-R", "-X", "stream"])
        with open(replica / "postgresql.conf", "a") as f:
            f.write(f"port = {r_port}\n")
        _as_pg([str(PG_BIN / "pg_ctl"), "-D", str(replica), "-l", str(tmp / "replica.log"), "-w", "start"])
        started.append(replica)
        _as_pg([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(p_port), "-U", "postgres", "yzyh"])
        yield (f"postgres://postgres@127.0.0.1:{p_port}/yzyh", f"postgres://postgres@127.0.0.1:{r_port}/yzyh", tmp)
    finally:
        for d in reversed(started):
            subprocess.run((["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else [])
                           + [str(PG_BIN / "pg_ctl"), "-D", str(d), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


def test_replica_routing_and_read_your_writes(primary_and_replica):
    primary_url, replica_url, tmp = primary_and_replica
    env = {**os.environ, "DATABASE_URL": primary_url, "DATABASE_REPLICA_URLS": replica_url,
           "REPLICA_PIN_SECONDS": "2", "DJANGO_SETTINGS_MODULE": "yizuyihui.settings", "YZYH_DATA_DIR": str(tmp / "data"),
           "DB_CONN_MAX_AGE": "0"}
    env.pop("REDIS_URL", None)
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name("replica_script.py"))], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["aliases"] == ["default", "replica_1"]
    # The dashboard reads its rollups on the replica (and, replay paused, does not yet see the new matter).
    assert out["dashboard_status"] == 200
    assert out["dashboard_rollup_reads_on_replica"] >= 1 and out["dashboard_rollup_reads_on_primary"] == 0, out["primary_rollup_sql"]
    assert out["dashboard_total"] == 0
    assert out["worklist_replica_queries"] == 0
    # The resident's own write is visible right after, from the primary; once the pin expires the
    # board reads the (paused) replica again, and after replay the replica has it too.
    assert out["file_status"] == 302 and out["pin_cookie"]
    assert out["pinned_board_shows_own_write"] and out["pinned_board_replica_queries"] == 0
    assert out["unpinned_board_replica_queries"] > 0 and not out["unpinned_board_shows_write_while_replay_paused"]
    assert out["board_after_replay"]
