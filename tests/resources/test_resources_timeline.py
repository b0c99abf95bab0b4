"""The "+" members' progress notes, draws and dispatches appear in the matter's history on its
page (cases asks the `case_timeline_extra` provider; cases never imports resources)."""

from __future__ import annotations

from django.urls import reverse

from yizuyihui.cases import selectors as case_selectors
from yizuyihui.resources import services
from yizuyihui.resources.models import PlusRole


def _draw_and_note(cast, world):
    services.plus_member_draw(case=world.dispute, actor=cast.users["unit_leader"], role=PlusRole.MEDIATE,
                              source="professional", professional=world.lawyer)
    services.plus_note_add(case=world.dispute, actor=world.lawyer_user, text="已约双方周六上午调解")


def test_plus_notes_appear_in_the_matters_history_for_staff_and_the_plus_member(cast, world, login):
    _draw_and_note(cast, world)
    for client in (login("unit_leader"), login("lawyer1")):
        page = client.get(reverse("cases:detail", args=[world.dispute.pk])).content.decode()
        assert "已约双方周六上午调解" in page and 'data-testid="timeline-extra"' in page
        assert "张律师" in page  # the draw, with who


def test_the_reporter_does_not_see_the_plus_notes(cast, world):
    _draw_and_note(cast, world)
    entries = case_selectors.timeline_entries(case=world.dispute, user=cast.users["resident"], public_only=True)
    assert not any(getattr(e, "is_extra", False) for e in entries)


def test_the_history_stays_in_time_order(cast, world):
    _draw_and_note(cast, world)
    entries = case_selectors.timeline_entries(case=world.dispute, user=cast.users["unit_leader"])
    assert [e.at for e in entries] == sorted(e.at for e in entries)
    assert sum(1 for e in entries if getattr(e, "is_extra", False)) == 2  # the draw and the note


def test_cases_never_import_resources():
    import pathlib

    import yizuyihui.cases as cases_pkg

    root = pathlib.Path(cases_pkg.__file__).parent
    assert not [p for p in root.rglob("*.py") if "yizuyihui.resources" in p.read_text()]
