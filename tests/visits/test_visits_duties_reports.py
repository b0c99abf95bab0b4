"""六必到 duties (deadlines, check-in, escalation) and 六必报 routing, including who may read the
confidential notes on instability factors."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from yizuyihui.cases.models import Case
from yizuyihui.notifications.models import Notification
from yizuyihui.people.models import Household, Person
from yizuyihui.supervision.models import Supervision
from yizuyihui.visits import selectors, services
from yizuyihui.visits.models import (
    ConfidentialNote,
    Duty,
    DutyStatus,
    EventType,
    HealthFollowUp,
    Inflow,
    Rental,
    Report,
)

NOW = dt.datetime(2026, 5, 6, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "event_type, minutes",
    [
        (EventType.FAMILY_MISFORTUNE, 24 * 60),
        (EventType.SUDDEN_HARDSHIP, 24 * 60),
        (EventType.NEIGHBOUR_DISPUTE, 24 * 60),
        (EventType.COMMUNITY_EMERGENCY, 120),
        (EventType.GROUP_CONFLICT, 120),
        (EventType.PUBLIC_SECURITY, 120),
    ],
)
def test_it_gives_duties_the_deadline_of_the_event_type(cast, event_type, minutes):
    event = services.event_register(unit=cast.unit_a, event_type=event_type, actor=cast.users["resident"],
                                    description="王大爷家出事了", at=NOW)
    duties = list(event.duties.all())
    assert duties, "nobody was named"
    assert {d.due_at for d in duties} == {NOW + dt.timedelta(minutes=minutes)}
    assert event.urgent == (minutes == 120)


def test_it_creates_duties_for_the_named_people_and_tells_them(cast):
    named = [cast.users["council_member"], cast.users["building_head"]]
    event = services.event_register(unit=cast.unit_a, event_type=EventType.NEIGHBOUR_DISPUTE, actor=cast.users["grid_worker"],
                                    description="楼上漏水", named=named, at=NOW)
    assert set(event.duties.values_list("assignee__username", flat=True)) == {"council_member", "building_head"}
    assert Notification.objects.filter(user=cast.users["building_head"]).exists()


def test_default_responders_are_the_grid_worker_and_leader_plus_cadres_when_urgent(cast):
    calm = services.event_register(unit=cast.unit_a, event_type=EventType.FAMILY_MISFORTUNE, actor=None, description="x", at=NOW)
    assert set(calm.duties.values_list("assignee__username", flat=True)) == {"grid_worker", "unit_leader"}
    urgent = services.event_register(unit=cast.unit_a, event_type=EventType.FAMILY_MISFORTUNE, actor=None, description="y",
                                     urgent=True, at=NOW)
    assert set(urgent.duties.values_list("assignee__username", flat=True)) == {"grid_worker", "unit_leader", "community_cadre"}
    assert {d.due_at for d in urgent.duties.all()} == {NOW + dt.timedelta(hours=2)}


def test_an_edited_policy_changes_the_deadline(cast):
    services.duty_policy_set(event_type=EventType.SUDDEN_HARDSHIP, urgent=False, deadline_minutes=8 * 60)
    event = services.event_register(unit=cast.unit_a, event_type=EventType.SUDDEN_HARDSHIP, actor=None, description="x", at=NOW)
    assert event.duties.first().due_at == NOW + dt.timedelta(hours=8)


def test_check_in_records_the_arrival(cast):
    event = services.event_register(unit=cast.unit_a, event_type=EventType.COMMUNITY_EMERGENCY, actor=None, description="x", at=NOW)
    duty = event.duties.get(assignee=cast.users["grid_worker"])
    services.duty_check_in(duty=duty, actor=cast.users["grid_worker"], at=NOW + dt.timedelta(minutes=35), latitude=31.8, longitude=117.2)
    duty.refresh_from_db()
    assert duty.status == DutyStatus.ARRIVED and duty.arrival_minutes == 35 and duty.on_time
    with pytest.raises(services.VisitsError):
        services.duty_check_in(duty=event.duties.get(assignee=cast.users["unit_leader"]), actor=cast.users["grid_worker"])


def test_the_sweep_escalates_missed_duties_once(cast):
    event = services.event_register(unit=cast.unit_a, event_type=EventType.PUBLIC_SECURITY, actor=None, description="x", at=NOW)
    services.duty_check_in(duty=event.duties.get(assignee=cast.users["grid_worker"]), actor=cast.users["grid_worker"],
                           at=NOW + dt.timedelta(minutes=50))
    assert services.duty_sweep(now=NOW + dt.timedelta(minutes=119)) == 0
    # Urgent: the grid worker (arrived), the unit leader and the community cadre were named.
    assert services.duty_sweep(now=NOW + dt.timedelta(minutes=121)) == 2
    assert services.duty_sweep(now=NOW + dt.timedelta(minutes=180)) == 0  # idempotent
    missed = Duty.objects.get(event=event, assignee=cast.users["unit_leader"])
    assert missed.status == DutyStatus.MISSED
    sup = Supervision.objects.get(content_type=ContentType.objects.get_for_model(Duty), object_id=missed.pk)
    assert sup.node == cast.community and sup.kind == "overdue"
    assert missed.supervision_id == sup.pk
    assert Notification.objects.filter(user=cast.users["community_cadre"], subject__contains="督办").exists()
    # A late arrival is still recorded.
    services.duty_check_in(duty=missed, actor=cast.users["unit_leader"], at=NOW + dt.timedelta(hours=3))
    missed.refresh_from_db()
    assert missed.arrived_at and not missed.on_time


def test_my_duties_keep_a_missed_one_for_a_late_arrival_then_let_it_go(cast):
    """The "be on site" list: pending duties, and missed ones for LATE_ARRIVAL_DAYS after their
    deadline (a late arrival is still recorded); not the events of months ago, nor arrivals."""
    worker = cast.users["grid_worker"]
    old = services.event_register(unit=cast.unit_a, event_type=EventType.PUBLIC_SECURITY, actor=None, description="x",
                                  at=NOW - dt.timedelta(days=selectors.LATE_ARRIVAL_DAYS, hours=3))
    late = services.event_register(unit=cast.unit_a, event_type=EventType.PUBLIC_SECURITY, actor=None, description="x",
                                   at=NOW - dt.timedelta(days=1))
    soon = services.event_register(unit=cast.unit_a, event_type=EventType.NEIGHBOUR_DISPUTE, actor=None, description="x",
                                   at=NOW - dt.timedelta(hours=1))
    done = services.event_register(unit=cast.unit_a, event_type=EventType.NEIGHBOUR_DISPUTE, actor=None, description="x",
                                   at=NOW - dt.timedelta(hours=2))
    services.duty_check_in(duty=done.duties.get(assignee=worker), actor=worker, at=NOW - dt.timedelta(hours=1))
    services.duty_sweep(now=NOW)
    listed = list(selectors.my_open_duties(worker, now=NOW).values_list("event_id", flat=True))
    assert listed == [late.pk, soon.pk]  # oldest deadline first
    assert Duty.objects.get(event=old, assignee=worker).status == DutyStatus.MISSED  # still supervised
    assert Duty.objects.get(event=late, assignee=worker).status == DutyStatus.MISSED


def test_the_periodic_task_runs_the_sweep(cast, time_machine):
    from yizuyihui.visits.tasks import duties_sweep_task

    time_machine.move_to(NOW)
    services.event_register(unit=cast.unit_a, event_type=EventType.PUBLIC_SECURITY, actor=None, description="x")
    time_machine.move_to(NOW + dt.timedelta(hours=3))
    duties_sweep_task.call_local()
    assert not Duty.objects.filter(status=DutyStatus.PENDING).exists()


def test_registering_can_file_a_matter(cast):
    event = services.event_register(unit=cast.unit_a, event_type=EventType.NEIGHBOUR_DISPUTE, actor=cast.users["grid_worker"],
                                    description="两户因停车争执", file_matter=True, at=NOW)
    case = Case.objects.get(pk=event.case_id)
    assert case.origin == "duty" and case.origin_ref == f"event:{event.pk}"


# --- 六必报 ---------------------------------------------------------------------------------------


def test_damaged_facilities_become_a_matter(cast):
    report = services.report_file(unit=cast.unit_a, report_type="damaged_facility", actor=cast.users["building_head"],
                                  description="3号楼路灯坏了", place="3号楼")
    case = Case.objects.get(pk=report.case_id)
    assert (case.origin, case.urgency, case.unit_id) == ("report", "normal", cast.unit_a.pk)


def test_safety_hazards_become_an_urgent_matter(cast):
    report = services.report_file(unit=cast.unit_a, report_type="safety_hazard", actor=cast.users["resident"],
                                  description="楼道堆放电动车充电")
    case = Case.objects.get(pk=report.case_id)
    assert (case.origin, case.urgency) == ("report", "urgent")


def test_inflow_of_outsiders_adds_a_household_member_and_a_registry_row(cast):
    household = Household.objects.filter(unit=cast.unit_a).first()
    size = household.size
    report = services.report_file(unit=cast.unit_a, report_type="outsider_inflow", actor=cast.users["grid_worker"],
                                  household=household, person_name="外来甲", gender="F", came_from="安徽阜阳")
    inflow = Inflow.objects.get(report=report)
    assert inflow.person.household == household and inflow.person.is_migrant
    household.refresh_from_db()
    assert household.size == size + 1
    assert report.case_id is None


def test_rentals_go_to_the_rental_registry(cast):
    household = Household.objects.filter(unit=cast.unit_a).first()
    report = services.report_file(unit=cast.unit_a, report_type="rental", actor=cast.users["grid_worker"], household=household,
                                  person_name="租户乙", tenants=2)
    rental = Rental.objects.get(report=report)
    assert (rental.household, rental.tenants, rental.ended) == (household, 2, None)
    assert selectors.rentals_visible_to(cast.users["street_official"]).filter(pk=rental.pk).exists()
    assert not selectors.rentals_visible_to(cast.users["outsider"]).exists()


def test_a_new_pregnancy_opens_a_health_follow_up_for_the_community(cast):
    household = Household.objects.filter(unit=cast.unit_a).first()
    report = services.report_file(unit=cast.unit_a, report_type="new_pregnancy", actor=cast.users["grid_worker"], household=household)
    followup = HealthFollowUp.objects.get(report=report)
    assert followup.community == cast.community and followup.status == "open"
    services.followup_close(followup=followup, actor=cast.users["community_cadre"], note="已建档")
    followup.refresh_from_db()
    assert followup.status == "done"


# --- confidential notes -------------------------------------------------------------------------

SECRET = "某户扬言集体上访"
READERS = {"community_cadre", "street_official", "district_official", "city_admin"}
NON_READERS = {"grid_worker", "unit_leader", "council_member", "building_head", "resident", "department_handler", "outsider"}


@pytest.fixture
def note(cast):
    report = services.report_file(unit=cast.unit_a, report_type="instability", actor=cast.users["grid_worker"], description=SECRET)
    assert report.description == ""  # the text is not on the report
    return ConfidentialNote.objects.get(report=report)


@pytest.mark.parametrize("persona", sorted(READERS | NON_READERS))
def test_instability_notes_are_readable_only_by_the_branch_and_above(cast, note, persona, login):
    user = cast.users[persona]
    can_read = persona in READERS
    assert user.has_perm("visits.read_note", note) is can_read
    assert selectors.notes_visible_to(user).filter(pk=note.pk).exists() is can_read
    client = login(persona)
    detail = client.get(reverse("visits:note_detail", args=[note.pk]))
    assert (detail.status_code == 200) is can_read
    assert (SECRET in detail.content.decode()) is can_read
    for url in (reverse("visits:note_list"), reverse("visits:report_list"), reverse("visits:compliance"), reverse("visits:due")):
        page = client.get(url)
        assert (SECRET in page.content.decode()) is (can_read and url == reverse("visits:note_list")), (persona, url)


def test_the_branch_is_told_without_the_text(cast, note):
    row = Notification.objects.get(user=cast.users["community_cadre"])
    assert SECRET not in row.subject + row.body
    assert not Notification.objects.filter(user=cast.users["grid_worker"], subject__contains="Confidential").exists()


def test_no_person_is_created_without_a_name(cast):
    with pytest.raises(services.VisitsError):
        services.report_file(unit=cast.unit_a, report_type="outsider_inflow", actor=cast.users["grid_worker"])
    assert not Person.objects.filter(is_migrant=True).exists()
    assert not Report.objects.exists()


def test_now_is_timezone_aware():
    assert timezone.is_aware(NOW)
