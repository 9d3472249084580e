"""The public pages' filter forms (GET): they only narrow what is shown."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plansicht.history.registry import KINDS

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]
DATE_ERROR = _("Enter a date as 31.12.2025 or 2025-12-31.")
DATE_HINT = _("e.g. 31.12.2025")


class HistoryFilter(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of change"), required=False)
    measure = forms.ChoiceField(label=_("Measure (with its sub-measures)"), required=False)
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages={"invalid": DATE_ERROR},
    )
    date_until = forms.DateField(
        label=_("Until"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        error_messages={"invalid": DATE_ERROR},
    )

    def __init__(self, *args, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All changes")), *KINDS.items()]
        self.fields["measure"].choices = [("", _("All measures"))] + [
            (m.code, f"{m.code} {m.title}") for m in measures
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_until")
        if start and end and end < start:
            self.add_error("date_until", _("The end date lies before the start date."))
        return data
