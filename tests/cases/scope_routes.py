"""Scope-matrix entries for the cases app (merged by tests/accounts/test_accounts_scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse
from factories import file_matter
from scope import ALL, MANAGERS_OVER_A, OVER_UNIT_A, OVER_UNIT_D, STAFF, Probe


def _case(c, unit="unit_a"):
    return file_matter(c, unit=unit)


def _attachment(c):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from yizuyihui.cases.services import attachment_add

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    case = _case(c)
    return attachment_add(case=case, actor=c.users["resident"], file=SimpleUploadedFile("a.png", buf.getvalue()))


# What public routes must never return (core/public.py): numbers typed into a matter, the
# reporter's home address, and matters of confidential kinds.
PHONE, ID_NUMBER, HOME = "13812345678", "34010419900101123X", "幸福小区12号楼3单元501室"
PUBLIC_SECRETS = (PHONE, "12345678", ID_NUMBER, "19900101", HOME, "501室", "张三", "漏水")


def _public_cases(c) -> str:
    from yizuyihui.cases.services import case_file

    ordinary = case_file(unit=c.unit_a, actor=c.users["resident"], title=f"路灯坏了，电话{PHONE}",
                         description=f"家住{HOME}，身份证{ID_NUMBER}，座机0551-12345678", channel="web", place=HOME,
                         suggest=False)
    dispute = case_file(unit=c.unit_a, actor=c.users["grid_worker"], title="邻里纠纷：张三家楼上漏水",
                        description=f"张三{PHONE}", channel="visit", suggest=False)
    return f"{ordinary.pk},{dispute.pk}"


ROUTES = {
    "cases:worklist": lambda c: [Probe(reverse("cases:worklist"), ALL)],  # residents are redirected to "my matters"
    "cases:worklist_section": lambda c: [Probe(reverse("cases:worklist_section", args=[name]), ALL)
                                         for name in ("inbox", "claims", "feedback", "board", "closable")],
    # every persona lives in a unit; a superuser account does not (403: no unit to file for)
    "cases:resident_file": lambda c: [Probe(reverse("cases:resident_file"), ALL, superuser_too=False)],
    "cases:staff_file": lambda c: [Probe(reverse("cases:staff_file"), STAFF)],
    "cases:my_cases": lambda c: [Probe(reverse("cases:my_cases"), ALL)],
    "cases:my_case": lambda c: [Probe(reverse("cases:my_case", args=[_case(c).public_id]), OVER_UNIT_A | {"resident"})],
    "cases:detail": lambda c: [
        Probe(reverse("cases:detail", args=[_case(c).pk]), OVER_UNIT_A | {"resident"}),
        Probe(reverse("cases:detail", args=[_case(c, "unit_d").pk]), OVER_UNIT_D),
    ],
    # Only the Party group (its leader and grid worker) and the levels above may receive; others who
    # can see it get 403.
    "cases:act": lambda c: [Probe(reverse("cases:act", args=[_case(c).pk, "receive"]), MANAGERS_OVER_A | {"grid_worker"},
                                  method="post")],
    "cases:handler_search": lambda c: [Probe(reverse("cases:handler_search", args=[_case(c).pk]), MANAGERS_OVER_A)],
    "cases:public_board": lambda c: [
        Probe(reverse("cases:public_board", args=[c.unit_a.pk]), ALL - {"outsider"},  # the outsider lives in unit D
              secrets=PUBLIC_SECRETS if _public_cases(c) else ()),
        Probe(reverse("cases:public_board", args=[c.unit_d.pk]), OVER_UNIT_D),
    ],
    "cases:attachment": lambda c: [Probe(reverse("cases:attachment", args=[_attachment(c).pk]), OVER_UNIT_A | {"resident"})],
    "api:case_list": lambda c: [Probe("/api/cases/", ALL)],
    "api:case_create": lambda c: [Probe("/api/cases/", OVER_UNIT_A | {"resident"}, method="post", json=True,
                                        data={"unit_id": c.unit_a.pk, "title": "路灯坏了"})],
    "api:case_claims": lambda c: [Probe("/api/cases/worklist/claims", ALL)],
    "api:case_categories": lambda c: [Probe("/api/cases/categories", ALL)],
    "api:case_detail": lambda c: [Probe(f"/api/cases/{_case(c).pk}", OVER_UNIT_A | {"resident"})],
    "api:case_events": lambda c: [Probe(f"/api/cases/{_case(c).pk}/events", OVER_UNIT_A | {"resident"})],
    "api:case_action": lambda c: [Probe(f"/api/cases/{_case(c).pk}/actions/receive", MANAGERS_OVER_A | {"grid_worker"}, method="post",
                                        json=True, data={"reason": ""}, state_errors_ok=True)],
    "api:case_available_actions": lambda c: [Probe(f"/api/cases/{_case(c).pk}/actions", OVER_UNIT_A | {"resident"})],
    "open311:discovery": lambda c: [Probe("/open311/v2/discovery.json", ALL, anonymous_ok=True)],
    "open311:services": lambda c: [Probe("/open311/v2/services.xml", ALL, anonymous_ok=True)],
    "open311:service_definition": lambda c: [Probe("/open311/v2/services/01.json", ALL, anonymous_ok=True)],
    "open311:requests": lambda c: [  # public data only
        Probe(f"/open311/v2/requests.{fmt}", ALL, anonymous_ok=True, secrets=PUBLIC_SECRETS) for fmt in ("json", "xml")
    ] + [Probe(f"/open311/v2/requests.xml?service_request_id={_public_cases(c)}", ALL, anonymous_ok=True,
               secrets=PUBLIC_SECRETS)],
    "open311:request_detail": lambda c: [
        # the ordinary matter is public; the dispute is unknown to everyone (404)
        Probe(f"/open311/v2/requests/{pk}.xml", ALL if public else frozenset(), anonymous_ok=public,
              secrets=PUBLIC_SECRETS)
        for ids in [_public_cases(c)] for public, pk in zip((True, False), ids.split(","), strict=True)
    ],
    "open311:token": lambda c: [Probe(f"/open311/v2/tokens/{_case(c).public_id}.json", ALL, anonymous_ok=True)],
}
