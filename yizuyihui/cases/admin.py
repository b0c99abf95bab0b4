"""Configuration pages of matters for city administrators (accounts.config_site): the taxonomy with
its default handler types per tier, the deadline policies and the working-day calendar."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from yizuyihui.accounts.config_site import CityAdminOnly, config_site
from yizuyihui.cases.models import Category, DeadlinePolicy, WorkingDay

# The handler types `cases.selectors._suggested` understands; departments are "department:<name>".
HANDLER_TYPES = (("unit", _("The unit (一组一会)")), ("community", _("Community / village cadres")),
                 ("street", _("Street / township")))
TIERS = (1, 2, 3)


def _types_field(tier: int) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=_("Tier %d: default handlers") % tier, choices=HANDLER_TYPES,
                                     required=False, widget=forms.CheckboxSelectMultiple)


def _departments_field(tier: int) -> forms.CharField:
    return forms.CharField(label=_("Tier %d: departments") % tier, required=False, max_length=300,
                           help_text=_("Department names separated by commas, e.g. 城管执法, 住建"))


class CategoryForm(forms.ModelForm):
    """handler_types edited as choices per tier, not as JSON: {"1": ["unit"], "3": ["department:城管执法"]}."""

    tier1_types, tier1_departments = _types_field(1), _departments_field(1)
    tier2_types, tier2_departments = _types_field(2), _departments_field(2)
    tier3_types, tier3_departments = _types_field(3), _departments_field(3)

    class Meta:
        model = Category
        fields = ("parent", "name", "code", "level", "active")
        labels = {"parent": _("Parent category")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.instance.handler_types or {}) if self.instance.pk else {}
        for tier in TIERS:
            types = current.get(str(tier), [])
            self.initial.setdefault(f"tier{tier}_types", [t for t in types if not t.startswith("department:")])
            self.initial.setdefault(f"tier{tier}_departments", ", ".join(
                t.split(":", 1)[1] for t in types if t.startswith("department:")))

    def clean(self):
        data = super().clean()
        handler_types = {}
        for tier in TIERS:
            names = [n.strip() for n in (data.get(f"tier{tier}_departments") or "").replace("，", ",").split(",")]
            names = [n for n in names if n]
            if any(len(n) > 100 for n in names):
                self.add_error(f"tier{tier}_departments", _("A department name is at most 100 characters"))
            types = list(data.get(f"tier{tier}_types") or []) + [f"department:{n}" for n in dict.fromkeys(names)]
            if types:
                handler_types[str(tier)] = types
        parent = data.get("parent")
        if parent is not None and data.get("level") is not None and data["level"] != parent.level + 1:
            self.add_error("level", _("A sub-category is one level below its parent"))
        if parent is not None and self.instance.pk and parent.pk == self.instance.pk:
            self.add_error("parent", _("A category cannot be its own parent"))
        self.instance.handler_types = handler_types
        return data


@admin.register(Category, site=config_site)
class CategoryAdmin(CityAdminOnly):
    form = CategoryForm
    list_display = ("code", "name", "level", "parent_name", "handlers", "active")
    list_filter = ("level", "active")
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)
    ordering = ("code",)

    @admin.display(description=_("Parent category"), ordering="parent__code")
    def parent_name(self, obj):
        return obj.parent.name if obj.parent_id else "—"

    @admin.display(description=_("default handler types per tier"))
    def handlers(self, obj):
        labels = dict(HANDLER_TYPES)
        parts = []
        for tier, types in sorted((obj.handler_types or {}).items()):
            names = [str(labels.get(t, t.split(":", 1)[-1])) for t in types]
            parts.append(f"{tier}: {'、'.join(names)}")
        return "；".join(parts) or "—"


class DeadlinePolicyForm(forms.ModelForm):
    class Meta:
        model = DeadlinePolicy
        fields = "__all__"
        labels = {"category": _("category")}  # the model's FK has no verbose name of its own


@admin.register(DeadlinePolicy, site=config_site)
class DeadlinePolicyAdmin(CityAdminOnly):
    form = DeadlinePolicyForm
    list_display = ("category_name", "tier", "urgency", "mode", "respond_hours", "resolve_hours", "resolve_working_days",
                    "working_time", "auto_escalate")
    list_filter = ("urgency", "mode", "tier", "working_time", "auto_escalate")
    search_fields = ("category__name", "category__code")
    raw_id_fields = ("category",)

    @admin.display(description=_("category"), ordering="category__code")
    def category_name(self, obj):
        return obj.category.name if obj.category_id else _("any")


@admin.register(WorkingDay, site=config_site)
class WorkingDayAdmin(CityAdminOnly):
    list_display = ("date", "is_working", "note")
    list_filter = ("is_working",)
    search_fields = ("note",)
    date_hierarchy = "date"
    ordering = ("-date",)
