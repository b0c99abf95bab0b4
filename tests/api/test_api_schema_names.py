"""ninja names an OpenAPI component after its class: two different schemas of one name in two apps
made the document describe one with the other (the unit's members were documented as a volunteer
team's — a client generated from the document could not read a unit)."""

from __future__ import annotations

import json
from collections import defaultdict

from ninja import Schema

from yizuyihui.core.plugins import app_modules


def test_no_two_different_schemas_share_a_name():
    by_name = defaultdict(dict)
    for module in app_modules("api"):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Schema) and obj.__module__ == module.__name__:
                by_name[obj.__name__][module.__name__] = json.dumps(obj.model_json_schema(), sort_keys=True)
    clashes = {name: sorted(shapes) for name, shapes in by_name.items() if len(set(shapes.values())) > 1}
    assert not clashes, clashes


def test_the_document_describes_a_units_members_as_members(client):
    doc = client.get("/api/openapi.json").json()
    members = doc["components"]["schemas"]["UnitDetailOut"]["properties"]["members"]["items"]["$ref"]
    assert set(doc["components"]["schemas"][members.rsplit("/", 1)[1]]["required"]) >= {"person_id", "name", "role"}
