"""Schemathesis over every /api/ operation outside /api/cases (those have their own run in
tests/cases): generated requests never cause a server error, for a staff key and a resident."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from yizuyihui.accounts.apikeys import apikey_create


@pytest.mark.django_db
@pytest.mark.usefixtures("wsgi_keeps_test_connection")
@pytest.mark.parametrize("persona", ["grid_worker", "resident"])
def test_the_rest_of_the_api_has_no_server_errors(cast, persona):
    from yizuyihui.wsgi import application

    apikey_create(user=cast.users[persona], name="schemathesis", raw=f"schema-{persona}")[0]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if not op.path.startswith("/api/cases")]
    assert {op.path for op in operations} >= {"/api/org/units", "/api/people/persons/{person_id}"}
    failures = []
    def run(operation):
        @settings(max_examples=20, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much])
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(headers={"Authorization": f"Bearer schema-{persona}"})
            if response.status_code >= 500:
                failures.append((operation.label, case.path_parameters, case.query, response.status_code))

        check()

    for operation in operations:
        run(operation)
    assert not failures, failures[:5]
