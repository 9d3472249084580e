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


# -- participation ----------------------------------------------------------------------------

STATUS_FILTERS = {
    "open": _("open"),
    "overdue": _("overdue"),
    "answered": _("answered"),
}


class SubmissionFilter(forms.Form):
    """The questions or statements by status, responsible unit, body and measure."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    unit = forms.ChoiceField(label=_("Responsible unit"), required=False)
    body = forms.ChoiceField(label=_("Body"), required=False)
    measure = forms.ChoiceField(label=_("Measure (with its milestones)"), required=False)

    def __init__(self, *args, units=(), bodies=None, measures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Every status")), *STATUS_FILTERS.items()]
        self.fields["unit"].choices = [("", _("Every unit"))] + [(str(u.pk), u.name) for u in units]
        if bodies is None:
            del self.fields["body"]
        else:
            self.fields["body"].choices = [("", _("Every body"))] + [
                (str(b.pk), b.name) for b in bodies
            ]
        self.fields["measure"].choices = [("", _("Every measure"))] + [
            (m.code, f"{m.code} {m.title}") for m in measures
        ]


def _trap():
    """A field for robots: people leave it empty (it is moved out of sight, and its label
    says so); a form with it filled is refused without saying why."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class _Trapped(forms.Form):
    def filled_by_a_robot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def _checked_text(self, name, limit):
        from plansicht.content import markdown

        return markdown.check(
            self.cleaned_data[name], max_length=limit, field_label=self[name].label
        )


TEXT_HINT = _(
    "Plain text. *Emphasis*, lists and links to web pages are shown as such. Your name is shown "
    "with it, never your e-mail address."
)


class _Submission(_Trapped):
    """What a participant types, with the field for robots."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), strip=True)
    about = forms.ChoiceField(label=_("About"))
    website = _trap()

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = choices
        self.fields["text"].help_text = TEXT_HINT

    def clean_text(self):
        from plansicht.participation.models import TEXT_LENGTH

        return self._checked_text("text", TEXT_LENGTH)


class QuestionForm(_Submission):
    context = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Your question")


class StatementForm(_Submission):
    body = forms.ChoiceField(label=_("For the body"))
    # Checked by the service (a PDF by its content, at most 10 MB); its message goes here.
    attachment = forms.FileField(
        label=_("The statement as a PDF file"),
        required=False,
        help_text=_(
            "At most 10 MB. If the form is shown again with a problem, choose the file again: "
            "browsers do not keep it."
        ),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    field_order = ["body", "about", "text", "attachment", "website"]

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("The statement")
        self.fields["body"].choices = [(str(b.pk), b.name) for b in bodies]


class CommentForm(_Trapped):
    """A comment on a measure, or (``parent`` set) a reply to one of its comments."""

    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        strip=True,
        help_text=TEXT_HINT,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    website = _trap()

    def __init__(self, *args, replying_to=None, **kwargs):
        super().__init__(*args, **kwargs)
        if replying_to is not None:
            self.fields["text"].label = _("Your reply")

    def clean_text(self):
        from plansicht.participation.models import TEXT_LENGTH

        return self._checked_text("text", TEXT_LENGTH)


class ReportForm(_Trapped):
    """Why something should be looked at by the moderation."""

    reason = forms.CharField(
        label=_("Why should the moderation look at it?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=True,
        help_text=_(
            "For example: it insults someone, names private details or is advertising. Your "
            "report is not published."
        ),
        error_messages={"required": _("Please say why the moderation should look at it.")},
    )
    website = _trap()

    def clean_reason(self):
        from plansicht.participation.models import REASON_LENGTH

        return self._checked_text("reason", REASON_LENGTH)


# -- council decisions --------------------------------------------------------------------------


class DecisionFilter(forms.Form):
    """The register of council decisions by body and year."""

    body = forms.ChoiceField(label=_("Decided by"), required=False)
    year = forms.ChoiceField(label=_("Year"), required=False)

    def __init__(self, *args, bodies=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = [("", _("Every body"))] + [(b.code, b.name) for b in bodies]
        self.fields["year"].choices = [("", _("Every year"))] + [(str(y), str(y)) for y in years]
