import pytest
from yizuyihui.cases import services as s
from yizuyihui.cases.models import Category, WorkingDay, DeadlinePolicy, CaseEvent

def test_it(cast):
    assert Category.objects.count() > 400
    assert WorkingDay.objects.count() > 50
    assert DeadlinePolicy.objects.count() == 6
    u = cast.users
    c = s.case_file(unit=cast.unit_a, actor=u["resident"], title="路灯坏了", description="x", channel="web")
    s.case_receive(case=c, actor=u["unit_leader"])
    s.case_dispatch(case=c, actor=u["unit_leader"], handlers=[u["grid_worker"]])
    s.case_claim(case=c, actor=u["grid_worker"])
    s.case_resolve(case=c, actor=u["grid_worker"], result="修好了")
    s.case_feed_back(case=c, actor=u["council_member"], feedback="已修好")
    s.case_rate(case=c, actor=u["resident"], rating="satisfied")
    assert c.status == "closed"
    assert CaseEvent.objects.filter(case=c).count() == 7
