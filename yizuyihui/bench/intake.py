"""`yzyh bench intake`: drive a running server's filing endpoint with N keep-alive clients for S
seconds each and print creates/s, p50/p95, errors, the server's CPU per create and its memory.

The same driver points at django-helpdesk's ticket API (`--helpdesk-token`) so both are measured
with one load generator (docs/scale.md, "Intake against django-helpdesk"). Server CPU is read
from /proc for the processes given (`--pid`: a gunicorn master and its children, `--job-pid`: the
job worker) and for the PostgreSQL backends of `--pg-db`; memory is VmRSS and PSS
(/proc/<pid>/smaps_rollup) of the master and its workers.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import click

from yizuyihui.bench.cases import _pct

_TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    kids = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _tree(pid: int | None) -> list[int]:
    if not pid:
        return []
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICK


def _memory_mb(pids: list[int]) -> tuple[float, float]:
    """(Σ VmRSS, Σ Pss) in MB."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def _pg_backends(pg_url: str, db: str) -> list[int]:
    if not db:
        return []
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        return [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                                           (db,))]


def _request_maker(kind: str, *, path: str, token: str, unit_id: int, queue: int):
    """(path, body, headers) for the i-th create."""
    if kind == "helpdesk":
        headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}

        def make(i: int, slot: int = 0):
            return path or "/api/tickets/", json.dumps({
                "queue": queue, "title": f"路灯不亮 {i}", "description": "小区东门的路灯坏了一周，晚上很黑，老人出行不便。",
                "submitter_email": "resident@example.org", "priority": 3}), headers
        return make
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def make(i: int, slot: int = 0):
        body = json.dumps({"unit_id": unit_id, "title": f"路灯不亮 {i}",
                           "description": "小区东门的路灯坏了一周，晚上很黑，老人出行不便。"})
        return path or "/api/cases/", body, {**headers, "Idempotency-Key": uuid.uuid4().hex}
    return make


def _run(url: str, make, *, clients: int, seconds: float, warmup: int, think: float = 0.0) -> dict:
    """`clients` threads, each on its own keep-alive connection, in a closed loop: `make(i, slot)`
    gives the i-th request overall (i counts across the clients; `slot` is the client) as (path,
    body, headers) — a POST, or a GET when body is None. First `warmup` untimed requests per
    client, then `seconds` timed; `think`: seconds a client waits after each answer before its next
    request (0: none, the server's saturation). `raw` has every timed request as (seconds, status, i)."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    stop = threading.Event()
    results: list[list[tuple[float, int, int]]] = [[] for _ in range(clients)]
    errors: list[str] = []
    counter = iter(range(10**9))
    lock = threading.Lock()

    def client(slot: int, until: float | None, count: int | None) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        done = 0
        while not stop.is_set() and (until is None or time.perf_counter() < until) and (count is None or done < count):
            with lock:
                i = next(counter)
            path, body, headers = make(i, slot)
            t = time.perf_counter()
            try:
                conn.request("GET" if body is None else "POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                payload = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                status, payload = 0, str(exc).encode()
            if until is not None:
                results[slot].append((time.perf_counter() - t, status, i))
            if status not in (200, 201) and len(errors) < 5:
                errors.append(f"{status}: {payload[:200]!r}")
            done += 1
            if think and until is not None:
                time.sleep(min(think, max(0.0, until - time.perf_counter())))
        conn.close()

    warm = [threading.Thread(target=client, args=(k, None, warmup)) for k in range(clients)]
    for th in warm:
        th.start()
    for th in warm:
        th.join()
    errors.clear()
    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k, start + seconds, None)) for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - start
    flat = [r for rs in results for r in rs]
    ok = [t for t, s, _i in flat if s in (200, 201)]
    return {"n": len(ok), "errors": len(flat) - len(ok), "wall": wall, "rate": len(ok) / wall,
            "p50_ms": _pct(ok, 50) * 1000, "p95_ms": _pct(ok, 95) * 1000, "error_samples": errors, "raw": flat}


@click.command(name="intake")
@click.option("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
@click.option("--clients", default="4,16", show_default=True, help="client counts, comma-separated (one run each)")
@click.option("--seconds", default=30.0, show_default=True, help="timed seconds per run")
@click.option("--warmup", default=5, show_default=True, help="untimed creates per client before each run")
@click.option("--key", default="", help="API key of a user who may file for --unit (ours)")
@click.option("--unit", "unit_id", default=0, type=int, help="unit to file into (ours)")
@click.option("--prepare", is_flag=True,
              help="ours: migrate the configured database, seed the demo cast, make a key; file as its grid worker")
@click.option("--helpdesk-token", default="", help="drive django-helpdesk's POST /api/tickets/ with this DRF token")
@click.option("--helpdesk-queue", default=1, show_default=True, help="django-helpdesk queue id")
@click.option("--path", default="", help="endpoint path (default /api/cases/, or /api/tickets/ for helpdesk)")
@click.option("--pid", default=0, type=int, help="gunicorn master pid: CPU and memory of it and its workers")
@click.option("--job-pid", default=0, type=int, help="job worker pid (ours): its CPU counts too")
@click.option("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres", show_default=True)
@click.option("--pg-db", default="", help="database whose PostgreSQL backends' CPU counts per create")
@click.option("--label", default="", help="a name printed on each line (ours / helpdesk)")
@click.option("--think", default=0.0, show_default=True,
              help="seconds each client waits after each create (a steady stream of filings beside another bench)")
def bench_intake(url, clients, seconds, warmup, key, unit_id, prepare, helpdesk_token, helpdesk_queue, path, pid,
                 job_pid, pg_url, pg_db, label, think) -> None:
    """Filing throughput of a running server: creates/s, p50/p95 latency, errors, server + database
    CPU per create, server memory (VmRSS and PSS sums), with the load average."""
    if prepare:
        from yizuyihui.bench.cases import _prepare
        from yizuyihui.core.cli import setup_django

        setup_django()
        info = _prepare()
        key, unit_id = info["key"], info["unit_id"]
        click.echo(f"prepared: unit {unit_id}, key {key}")
    kind = "helpdesk" if helpdesk_token else "ours"
    if kind == "ours" and not (key and unit_id):
        raise click.UsageError("give --key and --unit (or --prepare), or --helpdesk-token")
    make = _request_maker(kind, path=path, token=helpdesk_token or key, unit_id=unit_id, queue=helpdesk_queue)
    label = label or kind
    for n in [int(c) for c in clients.split(",") if c.strip()]:
        if warmup:  # untimed and not counted: connections, caches, the job worker's model
            _run(url, make, clients=n, seconds=0, warmup=warmup)
            time.sleep(2 if job_pid else 0)
        load = os.getloadavg()
        server = _tree(pid)
        jobs = _tree(job_pid)
        db = _pg_backends(pg_url, pg_db) if pg_db else []
        db_before = {p: _cpu_seconds([p]) for p in db}
        before = (_cpu_seconds(server), _cpu_seconds(jobs), time.process_time())
        r = _run(url, make, clients=n, seconds=seconds, warmup=0, think=think)
        if job_pid:  # let the job worker finish the suggestions queued by this run (their CPU is a create's)
            time.sleep(min(10.0, seconds / 3))
        db_after = _pg_backends(pg_url, pg_db) if pg_db else []
        after = (_cpu_seconds(server), _cpu_seconds(jobs), time.process_time())
        web_cpu, job_cpu, me_cpu = (a - b for a, b in zip(after, before, strict=True))
        # Backends alive at both ends: their difference; opened during the run: all their CPU (those
        # that ended during the run — a connection past its CONN_MAX_AGE — are not counted).
        db_cpu = sum(_cpu_seconds([p]) - db_before[p] if p in db_before else _cpu_seconds([p]) for p in db_after)
        per = 1000 / max(r["n"], 1)
        rss, pss = _memory_mb(_tree(pid)) if pid else (0.0, 0.0)
        line = (f"{label:<9} clients {n:>2}: {r['rate']:6.1f} creates/s, p50 {r['p50_ms']:6.1f} ms, "
                f"p95 {r['p95_ms']:6.1f} ms, errors {r['errors']} ({r['n']} in {r['wall']:.0f} s); load {load[0]:.1f}")
        if pid:
            line += (f"; CPU/create web {web_cpu * per:.1f} ms"
                     + (f" + jobs {job_cpu * per:.1f} ms" if job_pid else "")
                     + (f" + db {db_cpu * per:.1f} ms" if pg_db else "")
                     + f" (client {me_cpu * per:.1f} ms); server VmRSS {rss:.0f} MB, PSS {pss:.0f} MB"
                     + f" ({len(_tree(pid))} processes)")
        click.echo(line)
        for sample in r["error_samples"]:
            click.echo(f"  error {sample}")
