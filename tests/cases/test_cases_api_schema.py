"""Schemathesis over /api/openapi.json: generated requests to the cases endpoints never cause a 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from factories import file_matter
from hypothesis import HealthCheck, given, settings

from yizuyihui.accounts.apikeys import apikey_create


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_keeps_test_connection")
def test_the_cases_api_has_no_server_errors(cast):
    from yizuyihui.wsgi import application

    apikey_create(user=cast.users["unit_leader"], name="schemathesis", raw="schema-key-1")[0]
    file_matter(cast, title="样例", description="", channel="web")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    failures = []
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith("/api/cases")]
    assert len(operations) >= 6
    for operation in operations:

        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers={"Authorization": "Bearer schema-key-1"})
            if response.status_code >= 500:
                failures.append((operation.label, case.path_parameters, case.query, case.body, response.status_code))  # noqa: B023 (check() runs within this iteration)

        check()
    assert not failures, failures[:5]
