import pytest

from yizuyihui.cases import demo
from yizuyihui.cases.models import Case, CaseEvent
from yizuyihui.notifications.models import Notification

pytestmark = pytest.mark.django_db

# The demo's login roles bound to the test cast's personas (demo.LOGINS names the demo's accounts).
CAST_LOGINS = {"leader": "unit_leader", "grid": "grid_worker", "council": "council_member", "building": "building_head",
               "resident": "resident", "cadre": "community_cadre", "handler": "department_handler"}


def test_the_demo_makes_a_year_of_matters_through_the_services(cast):
    result = demo.generate(seed=1, progress=lambda stage, n: None, matters=60)
    assert result["matters"] == Case.objects.count() == 60
    assert CaseEvent.objects.filter(action="file").count() == 60
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"closed"} <= statuses and len(statuses) >= 3
    assert Notification.objects.count() == 0  # history does not text anybody


def test_the_demo_fills_the_demo_accounts_worklists(cast):
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yizuyihui.cases import selectors
    from yizuyihui.cases.models import Category

    users = {u.username: u for u in get_user_model().objects.all()}
    logins = CAST_LOGINS
    made = demo._seed_logins(rng=random.Random(1), texts=demo._texts(), tops=list(Category.objects.filter(level=2)),
                             now=timezone.now() - dt.timedelta(minutes=1), logins=logins)
    assert made > 10
    mine = set(selectors.my_cases(user=users["resident"]).values_list("status", flat=True))
    assert {"closed", "fed_back", "filed"} <= mine
    inbox = set(selectors.unit_inbox(user=users["unit_leader"]).values_list("status", flat=True))
    assert {"filed", "received", "deliberating"} <= inbox
    for who in ("grid_worker", "council_member", "building_head", "department_handler"):
        assert selectors.handler_claims(user=users[who]), who
    demo.s.sweep_overdue()
    from yizuyihui.supervision.selectors import supervision_open_count

    assert supervision_open_count(user=users["community_cadre"]) >= 1


def test_the_demo_seeds_the_worklists_when_the_resident_login_is_bound_to_nobody(cast):
    """`yzyh demo --residents 0` (the import bench's city) binds the resident login to no person:
    the other accounts' worklists are still filled, and the resident simply has no matters."""
    import datetime as dt
    import random

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from yizuyihui.cases import selectors
    from yizuyihui.cases.models import Category
    from yizuyihui.people.models import Person

    Person.objects.filter(user__username="resident").update(user=None)
    users = {u.username: u for u in get_user_model().objects.all()}
    logins = CAST_LOGINS
    made = demo._seed_logins(rng=random.Random(1), texts=demo._texts(), tops=list(Category.objects.filter(level=2)),
                             now=timezone.now() - dt.timedelta(minutes=1), logins=logins)
    assert made > 10
    assert not selectors.my_cases(user=users["resident"]).exists()
    assert selectors.unit_inbox(user=users["unit_leader"]).exists()
