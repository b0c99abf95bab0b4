"""Empty the city (the org tree, its people and everything that hangs off them) inside a test, on
SQLite and PostgreSQL alike, without Django's cascade collector (it would walk 50,000 rows).

Apps keep adding tables that point at nodes, units, persons and households (places, emergency,
resources …); listing them by hand in each test broke every time one arrived. This finds them
from the model graph instead: every model that reaches a city table through foreign keys, deleted
dependents first."""

from __future__ import annotations

from django.apps import apps

from yizuyihui.org.models import OrgNode


def _targets(model) -> set:
    """The models this one points at (foreign keys and one-to-one fields it holds)."""
    return {f.related_model for f in model._meta.get_fields()
            if f.concrete and f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not None}


def city_models() -> list:
    """Models that depend on the org tree, in an order safe to delete (dependents first)."""
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in _project_labels()]
    deps = {m: {t for t in _targets(m) if t is not None and t is not m} for m in models}
    reaches: set = {OrgNode}
    changed = True
    while changed:
        changed = False
        for m, targets in deps.items():
            if m not in reaches and targets & reaches:
                reaches.add(m)
                changed = True
    ordered: list = []
    pending = set(reaches)
    while pending:
        # a model can go once nothing still pending points at it
        free = [m for m in pending if not any(m in deps.get(o, ()) for o in pending if o is not m)]
        if not free:  # a cycle (nullable back-references): delete the rest in any order
            free = list(pending)
        for m in sorted(free, key=lambda m: m._meta.label):
            ordered.append(m)
            pending.discard(m)
    return ordered


def _project_labels() -> set[str]:
    return {c.label for c in apps.get_app_configs() if c.name.startswith("yizuyihui.")}


def wipe_city() -> None:
    for model in city_models():
        model.objects.all()._raw_delete(using="default")
