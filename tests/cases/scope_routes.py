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


ROUTES = {
    "cases:worklist": lambda c: [Probe(reverse("cases:worklist"), ALL)],  # residents are redirected to "my matters"
    "cases:resident_file": lambda c: [Probe(reverse("cases:resident_file"), ALL)],  # every persona lives in a unit
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
        Probe(reverse("cases:public_board", args=[c.unit_a.pk]), ALL - {"outsider"}),  # the outsider lives in unit D
        Probe(reverse("cases:public_board", args=[c.unit_d.pk]), OVER_UNIT_D),
    ],
    "cases:attachment": lambda c: [Probe(reverse("cases:attachment", args=[_attachment(c).pk]), OVER_UNIT_A | {"resident"})],
    "api:case_list": lambda c: [Probe("/api/cases/", ALL)],
    "api:case_create": lambda c: [],  # POST JSON: tests/cases/test_api.py covers who may file where
    "api:case_claims": lambda c: [Probe("/api/cases/worklist/claims", ALL)],
    "api:case_categories": lambda c: [Probe("/api/cases/categories", ALL)],
    "api:case_detail": lambda c: [Probe(f"/api/cases/{_case(c).pk}", OVER_UNIT_A | {"resident"})],
    "api:case_events": lambda c: [Probe(f"/api/cases/{_case(c).pk}/events", OVER_UNIT_A | {"resident"})],
    "api:case_action": lambda c: [],  # POST JSON: tests/cases/test_api_schema.py
    "api:case_available_actions": lambda c: [Probe(f"/api/cases/{_case(c).pk}/actions", OVER_UNIT_A | {"resident"})],
    "open311:discovery": lambda c: [Probe("/open311/v2/discovery.json", ALL, anonymous_ok=True)],
    "open311:services": lambda c: [Probe("/open311/v2/services.xml", ALL, anonymous_ok=True)],
    "open311:service_definition": lambda c: [Probe("/open311/v2/services/01.json", ALL, anonymous_ok=True)],
    "open311:requests": lambda c: [Probe("/open311/v2/requests.json", ALL, anonymous_ok=True)],  # public data only
    "open311:request_detail": lambda c: [Probe(f"/open311/v2/requests/{_case(c).pk}.xml", ALL, anonymous_ok=True)],
    "open311:token": lambda c: [Probe(f"/open311/v2/tokens/{_case(c).public_id}.json", ALL, anonymous_ok=True)],
}
