"""The life cycle is declared once (cases/lifecycle.py): the model's transitions, the page's buttons,
the API's steps and `available_actions` all come from it and agree for every status × persona."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from factories import file_matter

from yizuyihui.cases import lifecycle
from yizuyihui.cases import services as s
from yizuyihui.cases.lifecycle import STEPS, CaseStatus
from yizuyihui.cases.models import Case
from yizuyihui.cases.selectors import available_actions
from yizuyihui.demo.cast import PERSONAS

pytestmark = pytest.mark.django_db


def _matters(cast) -> dict[str, Case]:
    """One matter in every status (and one with an extension asked), made through the services."""
    u = cast.users

    def filed():
        return file_matter(cast)

    def step(case, *calls):
        for fn, actor, kw in calls:
            fn(case=case, actor=u[actor], **kw)
        return case

    receive = (s.case_receive, "unit_leader", {})
    dispatch = (s.case_dispatch, "unit_leader", {"handlers": [u["grid_worker"], u["building_head"]]})
    claim = (s.case_claim, "grid_worker", {})
    progress = (s.case_progress, "grid_worker", {"note": "在修"})
    resolve = (s.case_resolve, "grid_worker", {"result": "修好了"})
    feed_back = (s.case_feed_back, "council_member", {"feedback": "已修好"})
    later = timezone.now() + dt.timedelta(days=30)
    out = {
        "filed": filed(),
        "received": step(filed(), receive),
        "deliberating": step(filed(), receive, (s.case_deliberate, "unit_leader", {})),
        "dispatched": step(filed(), receive, dispatch),
        "claimed": step(filed(), receive, dispatch, claim),
        "in_progress": step(filed(), receive, dispatch, claim, progress),
        "in_progress+extension": step(filed(), receive, dispatch, claim, progress,
                                      (s.case_request_extension, "grid_worker", {"until": later, "reason": "等配件"})),
        "suspended": step(filed(), receive, dispatch, claim, (s.case_suspend, "grid_worker", {"reason": "等配件"})),
        "resolved": step(filed(), receive, dispatch, claim, resolve),
        "fed_back": step(filed(), receive, dispatch, claim, resolve, feed_back),
        # 反馈 eight days ago and no rating: may be closed as 未评价.
        "fed_back+unrated": step(filed(), receive, dispatch, claim, resolve,
                                 (s.case_feed_back, "council_member", {"feedback": "已修好",
                                                                        "now": timezone.now() - dt.timedelta(days=8)})),
        "reopened": step(filed(), receive, dispatch, claim, resolve, feed_back,
                         (s.case_rate, "resident", {"rating": "dissatisfied"})),
        "closed": step(filed(), receive, dispatch, claim, resolve, feed_back, (s.case_rate, "resident", {"rating": "satisfied"})),
        "returned": step(filed(), (s.case_return, "unit_leader", {"reason": "不属于本组"})),
    }
    out["merged"] = step(filed(), (s.case_merge, "unit_leader", {"into": out["received"]}))
    return out


def test_every_status_is_reached_and_every_step_is_declared_on_the_model(cast):
    matters = _matters(cast)
    assert {c.status for c in matters.values()} == set(CaseStatus.values)
    declared = {name for name, _sources, _target in lifecycle.transitions()}
    assert declared == {n for n in dir(Case) if n.startswith("t_")}
    for name, sources, _target in lifecycle.transitions():
        for status in CaseStatus.values:
            case = Case(status=status)
            assert getattr(case, name) and (status in sources) == _can(case, name), (name, status)


def _can(case, name) -> bool:
    from django_fsm import can_proceed

    return can_proceed(getattr(case, name))


def test_page_api_and_available_actions_offer_the_same_steps(cast, client):
    from django.contrib.auth import get_user_model

    matters = _matters(cast)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=PERSONAS)}
    offered_somewhere = set()
    for persona in PERSONAS:
        client.force_login(users[persona])
        for label, case in matters.items():
            case = Case.objects.get(pk=case.pk)
            selector = available_actions(user=users[persona], case=case)
            page = client.get(f"/cases/{case.pk}/")
            buttons = re.findall(r'data-testid="act-(\w+)"', page.content.decode()) if page.status_code == 200 else []
            api = client.get(f"/api/cases/{case.pk}/actions")
            api_steps = api.json() if api.status_code == 200 else []
            # The page shows the primary step first and rare ones under "more": the same set.
            assert selector == api_steps and sorted(selector) == sorted(buttons), (persona, label, selector, buttons)
            # …and exactly the declaration: source status, guard, permission.
            users[persona].__dict__.pop("_yzyh_role_paths", None)
            expected = [n for n, st in STEPS.items() if case.status in st.sources
                        and st.allowed(case) and users[persona].has_perm(st.perm, case)]
            assert selector == expected, (persona, label)
            offered_somewhere.update(selector)
    # The fixture reaches every step (for someone, in some status).
    assert offered_somewhere == set(STEPS)


def test_the_api_action_enum_is_the_declaration(client, cast):
    client.force_login(cast.users["unit_leader"])
    schema = client.get("/api/openapi.json").json()
    op = schema["paths"]["/api/cases/{case_id}/actions/{action}"]["post"]
    param = next(p for p in op["parameters"] if p["name"] == "action")
    enum = param["schema"].get("enum") or schema["components"]["schemas"][param["schema"]["$ref"].rsplit("/", 1)[-1]]["enum"]
    assert enum == list(STEPS)
