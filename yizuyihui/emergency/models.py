"""平急转换 (DOMAIN §8): one switch turns a scope of the standing structure to emergency work and back.

- `Emergency`: a scope (any org node, unit … city) switched into emergency mode, with type, level
  and reason; switching back is a separate recorded step. While it is active, every node under it
  is in urgent mode (`selectors.node_mode`, the `node_mode` provider that cases asks).
- `CommandPost`: the three-level grid command (community → grid → building), staffed bottom-up:
  the unit proposes, the community Party branch confirms.
- `EmergencyTask`: door-to-door check, supply delivery or care for special people, one per
  household and kind, tracked to full coverage.
- `DailyReport`: the day's roll-up per node of the scope (children sum to the parent).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yizuyihui.org.models import OrgNode, Unit


class EmergencyKind(models.TextChoices):
    EPIDEMIC = "epidemic", _("Epidemic")  # 疫情
    FLOOD = "flood", _("Flood")  # 汛情
    FIRE = "fire", _("Fire")  # 火灾
    GEOLOGICAL = "geological", _("Geological disaster")  # 地质灾害
    OTHER = "other", _("Other emergency")


class EmergencyLevel(models.IntegerChoices):
    # China's four-level response (Ⅰ is the most severe).
    I = 1, _("Level I (most severe)")  # noqa: E741
    II = 2, _("Level II")
    III = 3, _("Level III")
    IV = 4, _("Level IV")


class EmergencyStatus(models.TextChoices):
    ACTIVE = "active", _("In emergency mode")
    ENDED = "ended", _("Back to normal")


class Emergency(models.Model):
    """One switch into emergency mode over `node`'s subtree.

    Overlaps: several emergencies may be active over the same nodes (a flood inside an epidemic);
    a node is urgent while any active emergency covers it. A scope switched inside an already
    active emergency records that one as `parent` (a child emergency: its own type, level, reason
    and owner). Ending the parent does not end the child, and ending the child leaves its nodes
    urgent while the parent is active. The same kind twice over the same node at once is refused.
    """

    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="emergencies", verbose_name=_("scope"))
    kind = models.CharField(_("type"), max_length=12, choices=EmergencyKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=EmergencyLevel.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=8, choices=EmergencyStatus.choices, default=EmergencyStatus.ACTIVE)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children",
                               verbose_name=_("inside emergency"))
    # The level whose post authorised the switch: only it or a level above it switches back.
    authority = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("switched by level"))
    started_at = models.DateTimeField(_("started at"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+")
    end_note = models.TextField(_("note on switching back"), blank=True)
    # Figures of the switch and switch-back (matters re-timed, people told, tasks handed over).
    log = models.JSONField(default=dict, blank=True)
    review = models.JSONField(_("after-action review"), default=dict, blank=True)

    class Meta:
        verbose_name = _("emergency")
        verbose_name_plural = _("emergencies")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["status", "node"], name="emergency_status_node")]
        constraints = [
            models.UniqueConstraint(fields=["node", "kind"], condition=models.Q(status="active"),
                                    name="emergency_one_active_kind_per_node"),
        ]

    def __str__(self) -> str:
        return f"{self.node.name} {self.get_kind_display()}"

    @property
    def is_active(self) -> bool:
        return self.status == EmergencyStatus.ACTIVE


class CommandLevel(models.TextChoices):
    COMMUNITY = "community", _("Community command")  # 社区指挥部 (or the village)
    GRID = "grid", _("Grid command")  # 网格 (or natural village)
    BUILDING = "building", _("Building")  # 楼栋


class CommandState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by the unit")
    CONFIRMED = "confirmed", _("Confirmed by the branch")
    REJECTED = "rejected", _("Not confirmed")


class CommandPost(models.Model):
    """A person in the three-level grid command (三级网格指挥) at `node`: proposed by the unit that
    knows the place, confirmed by the community (village) Party branch."""

    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="command_posts")
    node = models.ForeignKey(OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("place"))
    level = models.CharField(_("command level"), max_length=10, choices=CommandLevel.choices)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="command_posts",
                               verbose_name=_("person"))
    identity = models.CharField(_("identity"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("proposed by unit"))
    state = models.CharField(_("state"), max_length=10, choices=CommandState.choices, default=CommandState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("command post")
        verbose_name_plural = _("command posts")
        constraints = [models.UniqueConstraint(fields=["emergency", "node", "person"], name="command_post_once")]


class TaskKind(models.TextChoices):
    DOOR_CHECK = "door_check", _("Door-to-door check")  # 入户排查
    SUPPLY = "supply", _("Supply delivery")  # 物资配送
    CARE = "care", _("Care for special people")  # 特殊人群关爱


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    HANDED_OVER = "handed_over", _("Handed over to normal work")
    CLOSED = "closed", _("Closed at switch-back")


class TaskResult(models.TextChoices):
    OK = "ok", _("Reached, all well")
    NEED = "need", _("Reached, need found")
    NOT_HOME = "not_home", _("Nobody at home")
    REFUSED = "refused", _("Refused")


# Results that count towards coverage (the household was reached).
REACHED = (TaskResult.OK, TaskResult.NEED)


class NeedKind(models.TextChoices):
    MEDICINE = "medicine", _("Medicine")
    FOOD = "food", _("Food and daily goods")
    TRANSPORT = "transport", _("Medical transport")
    OTHER = "other", _("Other need")


class EmergencyTask(models.Model):
    """One household's task of one kind in one emergency. Generated in bulk (core/bulk.py)."""

    # A district's ~350k rows are written by one INSERT … SELECT: every index and per-row foreign-key
    # check counts. The emergency and household are copied from rows that exist in the same
    # statement, so they carry no database constraint (Django's collector still cascades on delete);
    # the emergency is the first column of the indexes below, so it needs no index of its own.
    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="tasks", db_constraint=False,
                                  db_index=False)
    kind = models.CharField(_("task"), max_length=12, choices=TaskKind.choices)
    household = models.ForeignKey("people.Household", on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("household"), db_constraint=False)
    # Copies of the household's unit and node (a building when the tree has them: "not reached" is
    # listed per building), so coverage groups without a join. No database constraint: they are
    # copied from the household in the same statement, and a district's ~350k rows would otherwise
    # pay two more foreign-key checks each at commit.
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    node = models.ForeignKey(OrgNode, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    result = models.CharField(_("result"), max_length=10, choices=TaskResult.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    photo = models.ImageField(_("photo"), upload_to="emergency/%Y/%m/", blank=True)
    need_kind = models.CharField(_("need"), max_length=10, choices=NeedKind.choices, blank=True)
    need_case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  db_index=False)
    # Who goes: the confirmed building head of the household's building, else the grid's confirmed
    # commander (services.tasks_assign, re-run when the roster changes). Empty while nobody is confirmed.
    assignee = models.ForeignKey("people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("assigned to"), db_index=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", db_index=False)
    done_at = models.DateTimeField(null=True, blank=True)
    submission = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("emergency task")
        verbose_name_plural = _("emergency tasks")
        constraints = [models.UniqueConstraint(fields=["emergency", "household", "kind"], name="task_once_per_household")]
        # Coverage is counted in CoverageCount, so no (emergency, kind, status) index: each index is
        # written ~350k times when a district's tasks are generated.
        indexes = [models.Index(fields=["emergency", "unit", "kind"], name="task_unit"),
                   models.Index(fields=["emergency", "kind", "node"], name="task_place"),
                   # Partial: tasks are generated unassigned, so the load writes nothing to it.
                   models.Index(fields=["assignee", "status"], condition=models.Q(assignee__isnull=False),
                                name="task_assignee"),
                   # Partial: only tasks done / with a need found are in them (deleting a user or a
                   # matter sets these to null without scanning every task).
                   models.Index(fields=["done_by"], condition=models.Q(done_by__isnull=False), name="task_done_by"),
                   models.Index(fields=["need_case"], condition=models.Q(need_case__isnull=False),
                                name="task_need_case")]


class CoverageCount(models.Model):
    """Coverage kept per place (building, or the grid where the tree has no buildings) and task kind:
    set at generation (one INSERT … SELECT … GROUP BY) and moved by each task result in the same
    transaction, so the dashboard sums a few thousand rows instead of counting ~350k tasks."""

    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=TaskKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    node = models.ForeignKey(OrgNode, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    total = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["emergency", "kind", "node"], name="coverage_count_once")]
        indexes = [models.Index(fields=["emergency", "unit"], name="coverage_count_unit")]


class DailyReport(models.Model):
    """日报: one day's figures for one node of the scope (rolled up from the units under it)."""

    emergency = models.ForeignKey(Emergency, on_delete=models.CASCADE, related_name="reports")
    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    households = models.PositiveIntegerField(default=0)
    reached = models.PositiveIntegerField(default=0)
    tasks_total = models.PositiveIntegerField(default=0)
    tasks_done = models.PositiveIntegerField(default=0)
    needs_open = models.PositiveIntegerField(default=0)
    needs_met = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)
    generated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [models.UniqueConstraint(fields=["emergency", "node", "day"], name="daily_report_once")]

    @property
    def coverage(self) -> float | None:
        return self.reached / self.households if self.households else None
