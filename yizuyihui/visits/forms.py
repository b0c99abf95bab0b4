from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yizuyihui.people.models import Gender, HouseholdCategory
from yizuyihui.people.selectors import user_label, user_labels
from yizuyihui.visits.models import EventType, Period, ReportType


class VisitLogForm(forms.Form):
    visited_at = forms.DateTimeField(
        label=_("Visited at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    finding = forms.CharField(
        label=_("Finding (a problem to follow up)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.ImageField(label=_("Photo"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("visited_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_visited_at(self):
        value = self.cleaned_data["visited_at"]
        if value > timezone.now() + timezone.timedelta(minutes=5):
            raise forms.ValidationError(_("A visit cannot be in the future"))
        return value


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Accounts listed as people know them (张三 · 网格员 · 幸福一网格), never by login name; the
    labels are read for the whole list at once (`labels`, set with the queryset), not per row."""

    labels: dict[int, str] = {}

    def label_from_instance(self, obj) -> str:
        return self.labels.get(obj.pk) or user_label(obj)


class EventForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    event_type = forms.ChoiceField(label=_("What happened"), choices=EventType.choices)
    description = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    urgent = forms.BooleanField(label=_("Urgent (be on site within 2 hours)"), required=False)
    named = PeopleChoiceField(label=_("Who must be on site"), queryset=None, required=False,
                              widget=forms.CheckboxSelectMultiple)
    file_matter = forms.BooleanField(label=_("Also file it as a matter"), required=False)

    def __init__(self, *args, units, candidates, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["named"].queryset = candidates
        self.fields["named"].labels = user_labels(candidates) if staff else {}
        if not staff:
            del self.fields["named"]
            del self.fields["file_matter"]


# 六必报: each report type asks only what its desk needs (issue 10: "only the fields of the chosen
# report type"); the unit is always asked.
REPORT_FIELDS = {
    "damaged_facility": ("place", "description"),
    "safety_hazard": ("place", "description"),
    "outsider_inflow": ("household", "person_name", "gender", "came_from", "description"),
    "rental": ("household", "person_name", "tenants", "description"),
    "new_pregnancy": ("household", "description"),
    "instability": ("place", "description"),
}


class ReportForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, empty_label=None)
    report_type = forms.ChoiceField(label=_("Report"), choices=ReportType.choices)
    description = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    household = forms.ModelChoiceField(label=_("Household"), queryset=None, required=False)
    person_name = forms.CharField(label=_("Name of the newcomer or tenant"), required=False, max_length=50)
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    came_from = forms.CharField(label=_("Came from"), required=False, max_length=100)
    tenants = forms.IntegerField(label=_("Number of tenants"), required=False, min_value=1, max_value=50)

    def __init__(self, *args, units, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["household"].queryset = households


class CadenceForm(forms.Form):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in HouseholdCategory.choices:
            self.fields[f"cadence_{value}"] = forms.ChoiceField(label=label, choices=Period.choices, initial=current[value])


class DutyPolicyForm(forms.Form):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in EventType.choices:
            urgent, minutes = current[value]
            self.fields[f"minutes_{value}"] = forms.IntegerField(label=label, min_value=1, max_value=7 * 24 * 60, initial=minutes)
            self.fields[f"urgent_{value}"] = forms.BooleanField(label=_("urgent"), required=False, initial=urgent)
