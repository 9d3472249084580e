"""Forms of the office. They only parse and check the shape of input; the rules live in the
service functions, whose errors the views put back on the right field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plansicht.plan.models import Dependency

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=DATE_FORMATS,
        help_text=help_text,
    )


def reason_field(required=False):
    return forms.CharField(
        label=_("Reason"),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the change. Needed when a finish moves later."),
    )


class DatesForm(forms.Form):
    planned_start = date_field(_("Planned start"), required=True)
    duration_days = forms.IntegerField(label=_("Duration in days"), min_value=0, max_value=36500)
    expected_finish = date_field(
        _("Expected finish"),
        help_text=_(
            "Leave empty if the unit expects no delay. Can delay the forecast, never make "
            "it earlier."
        ),
    )
    reason = reason_field()


class ActualsForm(forms.Form):
    actual_start = date_field(_("Actual start"))
    actual_finish = date_field(_("Actual finish"))
    reason = reason_field()


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress in percent"), min_value=0, max_value=100)
    reason = reason_field()


class DependencyForm(forms.Form):
    predecessor = forms.ChoiceField(label=_("Waits for milestone"))
    type = forms.ChoiceField(label=_("Type"), choices=Dependency.TYPES, initial=Dependency.FS)
    lag_days = forms.IntegerField(
        label=_("Lag in days"),
        initial=0,
        min_value=-36500,
        max_value=36500,
        help_text=_(
            "Days between the predecessor's finish (or start) and this start; may be negative."
        ),
    )
    reason = reason_field()

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["predecessor"].choices = [("", "—")] + list(choices)


class PlanVersionForm(forms.Form):
    label = forms.CharField(
        label=_("Label"), max_length=300, help_text=_("For example “Änderungsplan 2026”.")
    )
    approved_on = date_field(_("Approved on"), required=True)
    decision_ref = forms.CharField(
        label=_("Decision"),
        max_length=300,
        help_text=_("The council resolution or the funder's notice this version rests on."),
    )
    reason = reason_field()
