"""Schemathesis over the whole API as an anonymous caller, a resident and staff (with keys):
no 5xx, and every response body matches the OpenAPI schema (422 bodies included)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from yizuyihui.accounts.apikeys import apikey_create
from yizuyihui.cases.services import case_file


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_keeps_test_connection")
@pytest.mark.parametrize("persona", ["anonymous", "resident", "grid_worker"])
def test_the_whole_api_conforms_to_its_schema(cast, persona):
    from yizuyihui.wsgi import application

    headers = {}
    if persona != "anonymous":
        raw = apikey_create(user=cast.users[persona], name="schemathesis")[1]
        headers = {"Authorization": f"Bearer {raw}"}
    case_file(unit=cast.unit_a, actor=cast.users["resident"], title="样例 13812345678", description="", channel="web")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    # Negative data too: invalid bodies and parameters must get 4xx bodies that match the schema.
    for operation, mode in [(op, m) for op in operations for m in GenerationMode]:

        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
            except Exception as exc:  # noqa: BLE001 - collected so one run reports every operation
                failures.append((operation.label, mode.value, response.status_code, str(exc)[:300]))  # noqa: B023

        check()
    assert not failures, failures[:5]
