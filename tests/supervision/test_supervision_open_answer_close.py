"""督办 over any subject: idempotent opening, answer by the supervised level, close by the level above."""

from __future__ import annotations

import pytest

from yizuyihui.core.errors import ServiceForbidden
from yizuyihui.supervision import selectors
from yizuyihui.supervision.services import supervision_answer, supervision_close, supervision_open

pytestmark = pytest.mark.django_db


def test_supervision_is_idempotent_answered_and_closed(cast):
    # Any model with a node (here a unit) may be supervised: the generic relation knows no app.
    sup = supervision_open(subject=cast.unit_a, node=cast.community, reason="逾期")
    assert supervision_open(subject=cast.unit_a, node=cast.community, reason="again").pk == sup.pk
    assert selectors.supervision_open_count(user=cast.users["community_cadre"]) == 1
    assert selectors.supervision_open_count(user=cast.users["outsider"]) == 0
    with pytest.raises(ServiceForbidden):
        supervision_answer(supervision=sup, actor=cast.users["outsider"], answer="x")
    supervision_answer(supervision=sup, actor=cast.users["unit_leader"], answer="配件未到")
    with pytest.raises(ServiceForbidden):
        supervision_close(supervision=sup, actor=cast.users["unit_leader"])
    supervision_close(supervision=sup, actor=cast.users["community_cadre"])
    assert sup.state == "closed"
    assert list(selectors.supervisions_of(cast.unit_a)) == [sup]
