import datetime as dt

import time_machine

from yizuyihui.cases import services as s
from yizuyihui.incentives import selectors
from yizuyihui.incentives.models import FeedbackSent, PublicNotice
from yizuyihui.notifications.models import Notification
from yizuyihui.resources import services as res
from yizuyihui.triage.models import CaseSupport

from .conftest import TZ


def _fed_back(cast, *, council=False):
    u = cast.users
    case = s.case_file(unit=cast.unit_a, actor=u["resident"], title="3号楼路灯坏了，联系13812345678",
                       description="", channel="web", suggest=False)
    CaseSupport.objects.create(case=case, person=cast.residents["building_head"], created_at=case.filed_at)
    res.plus_member_draw(case=case, actor=u["unit_leader"], role="witness", source="resident",
                         person=cast.residents["council_member"])
    s.case_receive(case=case, actor=u["unit_leader"])
    if council:
        from yizuyihui.meetings.models import AgendaItem, Meeting, Resolution, Topic

        topic = Topic.objects.create(unit=cast.unit_a, case=case, title=case.title, source="matter",
                                     created_at=case.filed_at)
        meeting = Meeting.objects.create(unit=cast.unit_a, kind="council", status="held", title="议事",
                                         place_kind="other", scheduled_at=case.filed_at, held_at=case.filed_at,
                                         created_at=case.filed_at)
        item = AgendaItem.objects.create(meeting=meeting, topic=topic)
        Resolution.objects.create(item=item, meeting=meeting, unit=cast.unit_a, topic=topic, text="由物业更换，王师傅13812345678负责",
                                  decided_by="consensus", adopted_at=case.filed_at,
                                  passed=True)
    s.case_dispatch(case=case, actor=u["unit_leader"], handlers=[u["grid_worker"]])
    s.case_claim(case=case, actor=u["grid_worker"])
    s.case_resolve(case=case, actor=u["grid_worker"], result="灯已换")
    s.case_feed_back(case=case, actor=u["council_member"], feedback="已换新灯")
    return case


def test_feedback_tells_supporters_and_plus_members_not_the_reporter_twice(cast):
    case = _fed_back(cast)
    told = dict(FeedbackSent.objects.filter(case=case).values_list("person_id", "kind"))
    assert told == {cast.residents["building_head"].pk: "supporter", cast.residents["council_member"].pk: "plus"}
    assert Notification.objects.filter(person=cast.residents["building_head"]).exists()
    assert not PublicNotice.objects.exists()  # no council decided it


def test_a_council_decided_matter_is_posted_without_personal_data(cast):
    _fed_back(cast, council=True)
    notice = PublicNotice.objects.get()
    assert "13812345678" not in notice.text and "13812345678" not in notice.title
    assert "由物业更换" in notice.text and "已换新灯" in notice.text


def test_the_monthly_digest_counts_received_settled_and_answered(cast, login, client):
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=TZ), tick=False):
        _fed_back(cast)
        s.case_file(unit=cast.unit_a, actor=cast.users["resident"], title="噪音", description="", channel="web",
                    suggest=False)
    d = selectors.unit_digest(unit=cast.unit_a, month="2026-03")
    assert (d["received"], d["settled"]["total"], d["answered"]) == (2, 1, 1)
    assert "13812345678" not in d["rows"][0]["title"]
    login("resident")
    page = client.get(f"/incentives/board/{cast.unit_a.pk}/?month=2026-03").content.decode()
    assert "13812345678" not in page and 'data-testid="digest"' in page
    login("outsider")
    assert client.get(f"/incentives/board/{cast.unit_a.pk}/").status_code == 403
