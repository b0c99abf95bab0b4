"""The "+" of 一组一会+ (DOMAIN §7): people drawn in per matter, 三报到 officials, volunteer teams,
professionals (community police, legal advisers, property companies) and the urban–rural board.

Everything that is matched carries the path of its org node (`path`), copied when the row is
written: matching a need against a district's 50,000 volunteers is then one indexed
`path LIKE 'prefix%'` range per table, without joining the tree (see `yzyh bench resources`).
Availability is a bit mask of 21 slots (7 days × morning/afternoon/evening) so "free when the
need is" is one bitwise AND in SQL.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import OrgNode, Unit
from yizuyihui.people.models import Membership, Person, Registration

DAYS = 7
SLOTS = 3  # morning, afternoon, evening
ALL_SLOTS = (1 << (DAYS * SLOTS)) - 1
WEEKDAY_DAYTIME = sum(1 << (d * SLOTS + s) for d in range(5) for s in range(2))
WEEKEND = sum(1 << (d * SLOTS + s) for d in (5, 6) for s in range(SLOTS))
EVENINGS = sum(1 << (d * SLOTS + 2) for d in range(DAYS))


STEP = 4  # treebeard steplen of org.models.OrgNode


def district_of(path: str) -> str:
    return path[: 2 * STEP]


def street_of(path: str) -> str:
    return path[: 3 * STEP]


def slot_bit(day: int, slot: int) -> int:
    """day 0 = Monday; slot 0 morning, 1 afternoon, 2 evening."""
    return 1 << (day * SLOTS + slot)


class PlusRole(models.TextChoices):
    ADVISE = "advise", _("Advise")
    MEDIATE = "mediate", _("Mediate")
    HANDLE = "handle", _("Handle")
    WITNESS = "witness", _("Witness")


class Source(models.TextChoices):
    """Where a "+" member is drawn from."""

    UNIT = "unit", _("Unit member")
    OFFICIAL = "official", _("Registered official (三报到)")
    VOLUNTEER = "volunteer", _("Volunteer")
    PROFESSIONAL = "professional", _("Professional")
    OUTSIDE = "outside", _("Outside member")
    RESIDENT = "resident", _("Resident concerned")


class ServiceType(models.TextChoices):
    ELDER_CARE = "elder_care", _("Elder care (助老)")
    LEGAL = "legal", _("Legal (法律)")
    MEDICAL = "medical", _("Medical (医疗义诊)")
    ENVIRONMENT = "environment", _("Environment (环境)")
    PATROL = "patrol", _("Public-order patrol (治安巡逻)")
    EMERGENCY = "emergency", _("Emergency (应急)")
    CHARITY = "charity", _("Charity (爱心公益)")
    YOUTH = "youth", _("Youth education (青少年教育)")


# --- "+" members per matter -----------------------------------------------------------------------
class PlusMember(models.Model):
    """A person drawn into one matter with a role on it. The unit's "+" seat (people.Membership,
    body "plus") is opened with it, so the unit's "+" members are counted in one place."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plus_members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="plus_matters")
    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    role = models.CharField(_("role on the matter"), max_length=10, choices=PlusRole.choices)
    source = models.CharField(_("drawn from"), max_length=12, choices=Source.choices)
    team = models.ForeignKey("VolunteerTeam", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    professional = models.ForeignKey("Professional", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    drawn_at = models.DateTimeField(_("drawn in at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("“+” member of a matter")
        verbose_name_plural = _("“+” members of matters")
        indexes = [models.Index(fields=["person", "ended_at"], name="plus_person_active"),
                   models.Index(fields=["case", "ended_at"], name="plus_case_active")]
        constraints = [models.UniqueConstraint(fields=["case", "person"], condition=models.Q(ended_at__isnull=True),
                                               name="plus_one_active_seat_per_matter")]


class PlusNote(models.Model):
    """A progress note by a "+" member, a dispatched team or a property company (answer)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Progress note")
        ANSWER = "answer", _("Property company's answer")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plus_notes")
    author = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(_("note"))
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="plusnote_case_at")]


# --- 三报到 --------------------------------------------------------------------------------------
class RegistrationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the community")
    CONFIRMED = "confirmed", _("Confirmed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RegistrationTerms(models.Model):
    """What a 三报到 registration (people.Registration) offers, and whether the community confirmed it."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="terms")
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.PENDING)
    services = models.JSONField(_("services offered"), default=list)
    availability = models.PositiveIntegerField(_("available times"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    path = models.CharField(max_length=255, db_index=True)  # the registration node's path (scope)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    assigned_unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("assigned to unit"))

    @property
    def services_display(self) -> str:
        """The services offered in words (the JSON holds ServiceType codes)."""
        from django.utils.translation import get_language

        labels = dict(ServiceType.choices)
        sep = "、" if (get_language() or "").startswith("zh") else ", "
        return sep.join(str(labels.get(code, code)) for code in self.services or [])

    class Meta:
        indexes = [models.Index(fields=["status", "path"], name="regterms_status_path")]


class ActivityKind(models.TextChoices):
    RESEARCH = "research", _("Research (调研)")
    SERVICE = "service", _("Volunteer service")
    PAIRING = "pairing", _("Pairing with households (结对)")
    PLUS = "plus", _("“+” member on a matter")


class Activity(models.Model):
    """One thing a registered official did: the lines of the report their organisation receives."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    on = models.DateField(_("on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["registration", "on"], name="activity_reg_on")]


# --- volunteer teams -----------------------------------------------------------------------------
class VolunteerTeam(models.Model):
    name = models.CharField(_("name"), max_length=100)
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="volunteer_teams",
                             verbose_name=_("community or village"))
    path = models.CharField(max_length=255)
    # The district's and street's path prefixes, copied: matching is an equality lookup on an
    # index (a LIKE prefix cannot use a b-tree under PostgreSQL's non-C collations, nor in SQLite).
    district_path = models.CharField(max_length=8, default="")
    street_path = models.CharField(max_length=12, default="")
    service_type = models.CharField(_("service type"), max_length=12, choices=ServiceType.choices)
    leader = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_teams",
                               verbose_name=_("leader"))
    # Rollups kept by the services (members join/leave, hours logged): ranking reads them, not COUNT/SUM.
    member_count = models.PositiveIntegerField(default=0)
    availability = models.PositiveIntegerField(default=0)  # OR of the members' slots
    hours_total = models.DecimalField(max_digits=10, decimal_places=1, default=0)
    dispatch_count = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("volunteer team")
        verbose_name_plural = _("volunteer teams")
        # The matching query: one service type under a district/street prefix.
        indexes = [models.Index(fields=["service_type", "district_path"], name="team_type_district")]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="volunteering")
    # Copied from the team so the individual match is one index range (service type, path).
    service_type = models.CharField(max_length=12, choices=ServiceType.choices)
    path = models.CharField(max_length=255)
    district_path = models.CharField(max_length=8, default="")
    street_path = models.CharField(max_length=12, default="")
    availability = models.PositiveIntegerField(_("available times"), default=ALL_SLOTS)
    hours_total = models.DecimalField(max_digits=8, decimal_places=1, default=0)
    active = models.BooleanField(default=True)
    joined = models.DateField(_("joined"))

    class Meta:
        indexes = [models.Index(fields=["service_type", "street_path", "hours_total"], name="volunteer_type_street"),
                   models.Index(fields=["service_type", "district_path", "hours_total"], name="volunteer_type_district")]
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="volunteer_once_per_team")]


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISPATCHED = "dispatched", _("Team dispatched")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Need(models.Model):
    """A need for volunteers: from a matter or from a unit (a recurring elder-care round …)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="resource_needs")
    path = models.CharField(max_length=255, db_index=True)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="needs")
    service_type = models.CharField(_("service type"), max_length=12, choices=ServiceType.choices)
    title = models.CharField(_("title"), max_length=200)
    # The task's place; shown to volunteers only once a team is dispatched.
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    when = models.PositiveIntegerField(_("wanted times"), default=ALL_SLOTS)
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()
    matched_at = models.DateTimeField(null=True, blank=True)


class Dispatch(models.Model):
    """A team sent on a matter (and its need): the team's members see the matter and log hours."""

    team = models.ForeignKey(VolunteerTeam, on_delete=models.PROTECT, related_name="dispatches")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="team_dispatches")
    need = models.ForeignKey(Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="dispatches")
    path = models.CharField(max_length=255, db_index=True)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "team"], name="dispatch_case_team")]


class ServiceHours(models.Model):
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="hours")
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="hours")
    path = models.CharField(max_length=255)
    on = models.DateField(_("on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["path", "on"], name="hours_path_on")]


# --- professionals -------------------------------------------------------------------------------
class ProfessionalKind(models.TextChoices):
    POLICE = "police", _("Community police")
    LEGAL = "legal", _("Legal adviser")
    PROPERTY = "property", _("Property company")


class Professional(models.Model):
    """A community police officer, a legal adviser, or a property company (with its contact
    person). `node` is the area served; a property company's estates are its `estates`."""

    kind = models.CharField(_("kind"), max_length=10, choices=ProfessionalKind.choices)
    name = models.CharField(_("name"), max_length=100)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="professional_roles")
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("area served"))
    path = models.CharField(max_length=255)
    estates = models.ManyToManyField(Unit, blank=True, related_name="property_companies", verbose_name=_("estates"))
    staff = models.ManyToManyField(Person, blank=True, related_name="property_employers")
    load = models.PositiveIntegerField(default=0)  # matters drawn into (rollup, ranking prefers the less busy)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")
        indexes = [models.Index(fields=["kind", "path"], name="professional_kind_path")]

    def __str__(self) -> str:
        return self.name


class PropertySupervisor(models.Model):
    """物业服务质量监督员: a member of the unit watching the property company's service."""

    company = models.ForeignKey(Professional, on_delete=models.CASCADE, related_name="supervisors")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    since = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "unit", "person"], name="supervisor_once")]


# --- urban–rural board (城乡资源共享) --------------------------------------------------------------
class BoardKind(models.TextChoices):
    TRAINING = "training", _("Agricultural training (农业技术培训)")
    INVESTMENT = "investment", _("Investment (招商引资)")
    SALES = "sales", _("Product sales (产品销售)")
    OPPORTUNITY = "opportunity", _("Opportunity for villagers")


class OutsideMember(models.Model):
    """乡贤 / 外出人员: someone from the village who works, trades or studies elsewhere. Kept by
    the village with their consent; contact data only for the village's cadres."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="outside_entries")
    village = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    path = models.CharField(max_length=255, db_index=True)
    where = models.CharField(_("where"), max_length=100)
    what = models.CharField(_("work, trade or study"), max_length=100)
    contact = models.CharField(_("how to reach"), max_length=100)
    can_offer = models.CharField(_("can offer"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("consent given at"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Their personal link (sent by SMS or WeChat by the village): they post offers and see their
    # matches without an account. Only the SHA-256 of the token is kept; a new link kills the old.
    link_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outside member")
        verbose_name_plural = _("outside members")


class BoardStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MATCHED = "matched", _("Matched")
    FULFILLED = "fulfilled", _("Fulfilled")
    CLOSED = "closed", _("Closed")


class BoardPost(models.Model):
    """A village's need or an outside member's offer on the board."""

    village = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)
    is_offer = models.BooleanField(default=False)
    member = models.ForeignKey(OutsideMember, on_delete=models.CASCADE, null=True, blank=True, related_name="offers")
    kind = models.CharField(_("kind"), max_length=12, choices=BoardKind.choices)
    title = models.CharField(_("title"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BoardStatus.choices, default=BoardStatus.OPEN)
    created_at = models.DateTimeField()


class BoardMatch(models.Model):
    need = models.ForeignKey(BoardPost, on_delete=models.CASCADE, related_name="need_matches")
    offer = models.ForeignKey(BoardPost, on_delete=models.CASCADE, related_name="offer_matches")
    path = models.CharField(max_length=255, db_index=True)
    matched_at = models.DateTimeField()
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="board_match_once")]
