"""Deliberation (议事, DOMAIN §6): 组在前，会在后.

Topics come from matters (议单 puts a case on the unit's agenda) and from proposals. The Party
group's pre-meeting ranks them and sets the direction (把方向); only then may the council meeting
take them up, with its fixed members and invited "+" members, in an open place. Each topic ends in
a resolution (consensus or a counted vote); a passed resolution becomes tracked actions with an
owner and a deadline, which the unit keeps supervising (不间断协商监督).

Every write goes through `meetings.services`; nothing else assigns a status.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import Unit
from yizuyihui.people.models import Body, Identity


class TopicSource(models.TextChoices):
    MATTER = "matter", _("Matter (议单)")
    PROPOSAL = "proposal", _("Proposal")


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting the Party group")
    CONSIDERED = "considered", _("Set by the Party group")
    SET_ASIDE = "set_aside", _("Set aside by the Party group")
    SETTLED = "settled", _("Settled")


# Topics the council may take up (组在前): the Party group considered them and kept them.
COUNCIL_READY = (TopicStatus.CONSIDERED, TopicStatus.SETTLED)
LIVE_TOPIC = (TopicStatus.PROPOSED, TopicStatus.CONSIDERED)


class Topic(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="topics", verbose_name=_("unit"))
    source = models.CharField(_("source"), max_length=10, choices=TopicSource.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="meeting_topics", verbose_name=_("matter"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=TopicStatus.choices, default=TopicStatus.PROPOSED)
    # Set by the Party group's pre-meeting: 1 = most important; the council's agenda follows it.
    rank = models.PositiveSmallIntegerField(_("importance rank"), null=True, blank=True)
    direction = models.TextField(_("direction (把方向)"), blank=True)
    considered_in = models.ForeignKey("Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="considered_topics")
    considered_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["unit", "status"], name="topic_unit_status")]
        constraints = [
            # One live topic per matter: a second 议单 of the same case reuses it.
            models.UniqueConstraint(fields=["case"], condition=models.Q(status__in=["proposed", "considered"]),
                                    name="one_live_topic_per_case"),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingKind(models.TextChoices):
    PARTY_GROUP = "party_group", _("Party-group pre-meeting")
    COUNCIL = "council", _("Council meeting")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")


class PlaceKind(models.TextChoices):
    """Open places where people can join in (paper: 小区物业单位、楼道居民家里、农村文化广场)."""

    PROPERTY_OFFICE = "property_office", _("Property office")
    RESIDENT_HOME = "resident_home", _("A resident's home")
    CULTURE_SQUARE = "culture_square", _("Village culture square")
    STAIRWELL = "stairwell", _("Stairwell or courtyard")
    SERVICE_CENTRE = "service_centre", _("Party and public service centre")
    OTHER = "other", _("Other place")


class Meeting(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    title = models.CharField(_("title"), max_length=200)
    place_kind = models.CharField(_("kind of place"), max_length=20, choices=PlaceKind.choices)
    # Free text ("3号楼王阿姨家"): may name a resident, so the public board shows only place_kind.
    place = models.CharField(_("place"), max_length=200, blank=True)
    scheduled_at = models.DateTimeField(_("time"))
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    convened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_at = models.DateTimeField(null=True, blank=True)
    # Accountability (问责): a meeting reconvened over an earlier one whose actions went wrong.
    reconvenes = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="reconvened", verbose_name=_("reconvenes"))
    reconvene_reason = models.TextField(_("why reconvened"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [
            models.Index(fields=["unit", "kind", "status"], name="meeting_unit_kind_status"),
            models.Index(fields=["status", "held_at"], name="meeting_status_held"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_council(self) -> bool:
        return self.kind == MeetingKind.COUNCIL


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "topic"], name="one_item_per_topic_per_meeting")]


class Participant(models.Model):
    """A fixed member or an invited "+" member of one meeting; `attended` is known once it is held."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="meeting_seats")
    body = models.CharField(_("body"), max_length=12, choices=Body.choices)
    identity = models.CharField(_("identity"), max_length=20, choices=Identity.choices, blank=True)
    # For "+" members: the membership people.services created for this meeting.
    membership = models.ForeignKey("people.Membership", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attended = models.BooleanField(_("attended"), null=True)

    class Meta:
        ordering = ["body", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="one_seat_per_person_per_meeting")]

    def __str__(self) -> str:
        return str(self.person)


class Opinion(models.Model):
    """What one participant said on one topic: everyone may speak (充分发声)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="opinions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="opinions")
    text = models.TextField(_("view"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]


class Decision(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus")
    VOTE = "vote", _("Vote")


class Resolution(models.Model):
    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="resolution")
    # Denormalised from the item so the public board and the measures filter without joins.
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="resolutions")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="resolutions")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="resolutions")
    text = models.TextField(_("resolution"))
    decided_by = models.CharField(_("decided by"), max_length=10, choices=Decision.choices)
    votes_for = models.PositiveSmallIntegerField(_("for"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("against"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("abstain"), default=0)
    passed = models.BooleanField(_("passed"))
    adopted_at = models.DateTimeField()
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-adopted_at", "-pk"]
        indexes = [models.Index(fields=["unit", "adopted_at"], name="resolution_unit_adopted")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(decided_by="consensus") | models.Q(passed=True),
                                   name="consensus_always_passes"),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    SUPERSEDED = "superseded", _("Superseded by a later resolution")


class Action(models.Model):
    """One tracked step of a resolution (件件有落实): who carries it out, by when."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="actions")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="meeting_actions")
    title = models.CharField(_("action"), max_length=200)
    owner = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="meeting_actions",
                              verbose_name=_("owner"))
    due = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    note = models.TextField(_("note"), blank=True)
    # Set once by the overdue sweep; what makes the sweep idempotent.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due", "pk"]
        indexes = [models.Index(fields=["status", "due"], name="action_sweep"),
                   models.Index(fields=["unit", "status"], name="action_unit_status")]

    def __str__(self) -> str:
        return self.title


class CommunityReport(models.Model):
    """监督意见: the unit reports to the community when carrying out a resolution goes wrong."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="community_reports")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    actions = models.ManyToManyField(Action, blank=True, related_name="reports")
    text = models.TextField(_("report"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    @property
    def title(self) -> str:
        # Shown as the subject of the community's 督办 record.
        return f"{self.unit.name}: {self.text[:60]}"
