"""Two (or 24) handlers claiming one matter at the same moment: exactly one wins (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from factories import file_matter

from yizuyihui.cases import services as s
from yizuyihui.cases.models import Assignment, CaseEvent
from yizuyihui.people.services import post_grant, user_create


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exactly_one_of_24_parallel_claimers_wins(cast):
    leader = cast.users["unit_leader"]
    handlers = []
    for i in range(24):
        user = user_create(username=f"handler{i}", password="demo-pass-2026")
        post_grant(user=user, role="grid_worker", node=cast.unit_a.node)
        handlers.append(user)
    case = file_matter(cast, title="争抢", description="", channel="web")
    s.case_receive(case=case, actor=leader)
    s.case_dispatch(case=case, actor=leader, handlers=handlers)
    barrier = threading.Barrier(len(handlers))
    results: dict[str, str] = {}

    def claim(user):
        from yizuyihui.cases.models import Case

        name = user.username
        try:
            mine = Case.objects.get(pk=case.pk)
            user = type(user).objects.get(pk=user.pk)
            barrier.wait(timeout=30)
            s.case_claim(case=mine, actor=user)
            results[name] = "won"
        except Exception as exc:  # recorded, so a crash shows up in the assertion message
            results[name] = f"{type(exc).__name__}: {exc}"
        finally:
            # Each thread has its own connection; close_old_connections() keeps persistent ones
            # (CONN_MAX_AGE) open, which would keep the test database from being dropped.
            connection.close()

    threads = [threading.Thread(target=claim, args=(h,)) for h in handlers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    winners = [name for name, r in results.items() if r == "won"]
    assert len(results) == 24 and len(winners) == 1, results
    # every loser lost the race cleanly: a conflict, or the offer was already gone when it looked
    odd = {n: r for n, r in results.items() if r != "won" and not r.startswith(("CaseConflict", "CaseForbidden"))}
    assert not odd, odd
    case.refresh_from_db()
    assert case.handler.username == winners[0]
    assert CaseEvent.objects.filter(case=case, action="claim").count() == 1
    assert Assignment.objects.filter(case=case, state="lead").count() == 1
