"""Every choice of every TextChoices/IntegerChoices in the project reads in Chinese, and no Chinese
word stands for two different things (urgency "Ordinary" is not the household category 一般户)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict

from django.db import models
from django.utils import translation

import yizuyihui

# Proper names that read the same in Chinese.
SAME_IN_CHINESE = {"Open311", "API"}
# Enums that deliberately share words: a status and the step that leads to it (已派单), the open/done
# states of things that are followed up, a person's identity in a body and the post of the same kind.
SHARED_VOCABULARY = [
    {"CaseStatus", "EventAction", "SupervisionState"},
    {"ActionStatus", "FollowUpStatus", "SupervisionState", "BoardStatus", "NeedStatus", "TaskStatus"},
    {"CommandLevel", "Level"},  # the emergency command's levels are the tree's levels
    {"BoardStatus", "CaseStatus", "EventAction", "SupervisionState"},  # 已关闭
    # the people a body or a matter draws in: the same person kind as identity, resource and source
    {"Identity", "Role", "Origin", "ProfessionalKind", "Source"},
]


def _choices() -> dict[str, type[models.Choices]]:
    found = {}
    for info in pkgutil.walk_packages(yizuyihui.__path__, "yizuyihui."):
        if any(part in info.name for part in (".migrations", ".bench", "settings", ".wsgi")):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if (inspect.isclass(obj) and issubclass(obj, models.Choices) and obj.__module__.startswith("yizuyihui")
                    and obj not in (models.TextChoices, models.IntegerChoices)):
                found[obj.__qualname__] = obj
    return found


def test_every_choice_is_translated_and_no_translation_is_reused(db):
    enums = _choices()
    assert {"CaseStatus", "EventAction", "Urgency", "Rating", "HouseholdCategory", "Role"} <= set(enums)
    untranslated, used = [], defaultdict(set)
    for name, enum in sorted(enums.items()):
        for member in enum:
            with translation.override("en"):
                english = str(member.label)
            with translation.override("zh-hans"):
                chinese = str(member.label)
            if chinese == english and english not in SAME_IN_CHINESE:
                untranslated.append(f"{name}.{member.name} {english!r}")
            used[chinese].add((name, member.value))
    assert not untranslated, untranslated

    def allowed(names: set[str]) -> bool:
        return len(names) == 1 or any(names <= group for group in SHARED_VOCABULARY)

    reused = {zh: sorted(owners) for zh, owners in used.items()
              if not allowed({n for n, _v in owners}) or any(len([v for n2, v in owners if n2 == n]) > 1
                                                            for n, _v in owners)}
    assert not reused, reused


def test_urgency_ordinary_is_not_a_household_category():
    from yizuyihui.cases.models import Urgency
    from yizuyihui.people.models import HouseholdCategory

    with translation.override("zh-hans"):
        assert str(Urgency.NORMAL.label) != str(HouseholdCategory.ORDINARY.label)
        assert str(HouseholdCategory.ORDINARY.label) == "一般户"
