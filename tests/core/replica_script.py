"""Run by test_replica_router.py in a child process against a real primary + streaming replica
(DATABASE_URL / DATABASE_REPLICA_URLS in the environment). Prints one JSON line of findings."""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizuyihui.settings")
import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def wait_replica(check_sql: str, params=()) -> None:
    """Until the replica has replayed everything the primary has written."""
    with connections["default"].cursor() as c:
        c.execute("SELECT pg_current_wal_lsn()")
        lsn = c.fetchone()[0]
    for _ in range(300):
        with connections["replica_1"].cursor() as c:
            c.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            if c.fetchone()[0]:
                return
        time.sleep(0.05)
    raise SystemExit("replica did not catch up")


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    from yizuyihui.cases import services as s
    from yizuyihui.demo.cast import build_cast
    from yizuyihui.insights import rollups

    cast = build_cast()
    out: dict = {"aliases": sorted(connections.settings)}
    admin, resident = Client(), Client()
    admin.force_login(cast.users["city_admin"])
    resident.force_login(cast.users["resident"])
    wait_replica("")

    # 1. Routing: the dashboard reads the rollups on the replica (replay paused: it sees the past).
    with connections["replica_1"].cursor() as c:
        c.execute("SELECT pg_wal_replay_pause()")
    s.case_file(unit=cast.unit_a, actor=cast.users["resident"], title="另一人的事", description="", channel="web")
    rollups.refresh()
    with CaptureQueriesContext(connections["replica_1"]) as rq, CaptureQueriesContext(connections["default"]) as pq:
        r = admin.get("/insights/")
    out["dashboard_status"] = r.status_code
    out["dashboard_total"] = r.context["m"].total
    out["dashboard_rollup_reads_on_replica"] = sum("insights_casedaytotal" in q["sql"] for q in rq.captured_queries)
    out["dashboard_rollup_reads_on_primary"] = sum(
        "insights_casedaytotal" in q["sql"] and "FOR UPDATE" not in q["sql"] for q in pq.captured_queries)
    out["primary_rollup_sql"] = [q["sql"][:300] for q in pq.captured_queries if "insights_casedaytotal" in q["sql"]]
    with CaptureQueriesContext(connections["replica_1"]) as rq:
        admin.get("/cases/")  # a worklist: never on a replica
    out["worklist_replica_queries"] = len(rq.captured_queries)

    # 2. Read-your-writes: the resident files through the page, then opens the public board.
    r = resident.post("/cases/new/", {"title": "楼道灯坏了-RYW", "description": "", "place": ""})
    out["file_status"] = r.status_code
    out["pin_cookie"] = "yzyh_primary_until" in r.cookies
    with CaptureQueriesContext(connections["replica_1"]) as rq:
        board = resident.get(f"/cases/board/{cast.unit_a.pk}/").content.decode()
    out["pinned_board_shows_own_write"] = "楼道灯坏了-RYW" in board
    out["pinned_board_replica_queries"] = len(rq.captured_queries)
    time.sleep(float(os.environ["REPLICA_PIN_SECONDS"]) + 0.5)  # the pin expires
    with CaptureQueriesContext(connections["replica_1"]) as rq:
        board = resident.get(f"/cases/board/{cast.unit_a.pk}/").content.decode()
    out["unpinned_board_replica_queries"] = len(rq.captured_queries)
    out["unpinned_board_shows_write_while_replay_paused"] = "楼道灯坏了-RYW" in board
    with connections["replica_1"].cursor() as c:
        c.execute("SELECT pg_wal_replay_resume()")
    wait_replica("")
    board = resident.get(f"/cases/board/{cast.unit_a.pk}/").content.decode()
    out["board_after_replay"] = "楼道灯坏了-RYW" in board
    print(json.dumps(out))


if __name__ == "__main__":
    main()
    sys.stdout.flush()
