import pytest

from yizuyihui.cases import demo
from yizuyihui.cases.models import Case, CaseEvent, Notification

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_year_of_matters_through_the_services(cast):
    result = demo.generate(seed=1, progress=lambda stage, n: None, matters=60)
    assert result["matters"] == Case.objects.count() == 60
    assert CaseEvent.objects.filter(action="file").count() == 60
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"closed"} <= statuses and len(statuses) >= 3
    assert Notification.objects.count() == 0  # history does not text anybody
