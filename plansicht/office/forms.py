"""Forms of the office. They only parse and check the shape of input (amounts in German,
within the limits of ``plansicht.funding.amounts``); the rules live in the service
functions, whose errors the views put back on the right field. Forms for a model take its
labels, help texts, max lengths and choices (``ServiceForm``) but never save it."""

import re
from decimal import Decimal

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from plansicht.accounts.models import Unit
from plansicht.decisions.models import DECIDING_KINDS, URL_LENGTH, Assignment, Decision
from plansicht.engine import calendar
from plansicht.engine import indicators as indicator_rules
from plansicht.funding import amounts
from plansicht.funding import models as funding
from plansicht.funding.models import CostLine, Grant
from plansicht.indicators.models import INDICATOR_FIELDS, VALUE_FIELDS, Indicator, IndicatorValue
from plansicht.participation.models import PERIOD_KINDS, Body, Submission
from plansicht.plan.models import Dependency, Measure, Milestone, PlanVersion, Programme
from plansicht.reports.models import ChangeRequest
from plansicht.risks.models import RISK_FIELDS, Risk
from plansicht.services.common import range_message
from plansicht.staffing.models import POSITION_FIELDS, STEP_CHOICES, Position

DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateField(forms.DateField):
    """A date in the calendar Plansicht accepts (1990–2100), as every entered date must be."""

    widget = DateInput
    input_formats = DATE_FORMATS

    def validate(self, value):
        super().validate(value)
        if value is not None and not calendar.in_range(value):
            raise forms.ValidationError(range_message(), code="out_of_range")


def date_field(label, required=False, help_text=""):
    return DateField(label=label, required=required, help_text=help_text)


# When the service asks for a reason: the label says so in place of "optional", so that a
# field the service may require is never marked "optional" ("Reason – needed when …").
LATER = _("needed when a finish moves later")


def reason_field(needed_when=None, required=False, help_text=None):
    """A reason for the change. ``needed_when`` says when the service requires one (shown in
    the label); without it the field is truly optional and says so."""
    field = forms.CharField(
        label=_("Reason"),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text or _("Published with the change in the history."),
    )
    field.needed_when = needed_when
    return field


def version_field():
    """The version of the object when the form was opened: saving over a newer one is refused
    (``plansicht.services.ChangedMeanwhile``) instead of silently overwriting it."""
    return forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def model_formfield(db_field, **kwargs):
    """The form field for a model field: its label, help text, max length, choices and whether
    it is required come from the model; dates, amounts, checkboxes and selects are the
    office's own (a select's querysets are set by the form, from the programme)."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DateField)
    elif isinstance(db_field, models.DecimalField):
        kwargs.setdefault("form_class", AmountField)
    elif isinstance(db_field, models.BooleanField):
        kwargs.setdefault("widget", CheckboxInput)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("queryset", db_field.related_model.objects.none())
        kwargs.setdefault("empty_label", "—")
    elif db_field.choices:
        include_blank = db_field.blank or not db_field.has_default()
        kwargs.setdefault(
            "choices", db_field.get_choices(include_blank=include_blank, blank_choice=[("", "—")])
        )
    return db_field.formfield(**kwargs)


class ServiceForm(forms.ModelForm):
    """An office form whose fields are a model's (``Meta.fields``; a subclass's ``Meta``
    inherits this one). It never saves and never validates the model: the views hand
    ``cleaned_data`` to the service function, whose rules decide and whose errors land on
    the fields."""

    class Meta:
        formfield_callback = model_formfield

    def _post_clean(self):
        """No model validation: the service checks and saves (one rule, one place)."""

    def save(self, commit=True):
        raise TypeError("Office forms are saved through plansicht.services, not form.save().")


class DatesForm(ServiceForm):
    # The limits of the programme document (0 to 100 years); the model field sets none.
    duration_days = forms.IntegerField(label=_("Duration in days"), min_value=0, max_value=36500)
    reason = reason_field(LATER)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Milestone
        fields = ["planned_start", "duration_days", "expected_finish"]
        help_texts = {
            "expected_finish": _(
                "Leave empty if the unit expects no delay. Can delay the forecast, never make "
                "it earlier."
            )
        }


class ActualsForm(ServiceForm):
    reason = reason_field(LATER)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Milestone
        fields = ["actual_start", "actual_finish"]


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress in percent"), min_value=0, max_value=100)
    reason = reason_field()
    version = version_field()


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
    reason = reason_field(LATER)

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
    change_request = forms.ModelChoiceField(
        label=_("Change request"),
        queryset=ChangeRequest.objects.none(),
        required=False,
        help_text=_("The change request to the funder this version rests on, if any."),
    )
    reason = reason_field()

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_request"].queryset = change_requests_of(programme)


def change_requests_of(programme):
    """The programme's change requests, the newest first, for a select."""
    return ChangeRequest.objects.filter(programme=programme).order_by("-number")


# -- money ------------------------------------------------------------------------------------


class AmountInput(forms.TextInput):
    """A text box for euros; a stored amount is shown in German (``1234,50``) in every
    language, as the field reads it back."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int):
            return amounts.format_german(Decimal(value))
        return super().format_value(value)


def parse_amount(text) -> Decimal:
    """An amount in euros as a clerk types it in German (``amounts.parse_german``); raises a
    ValidationError saying what to type. The sign is kept: ``AmountField`` checks the limits."""
    try:
        return amounts.parse_german(text)
    except amounts.AmountError as e:
        raise forms.ValidationError(e.message, code=e.code) from None


class AmountField(forms.DecimalField):
    """Euros typed in German, within the limits every amount keeps (``amounts.check``)."""

    widget = AmountInput

    def __init__(self, *, help_text=None, **kwargs):
        super().__init__(help_text=help_text or _("In euros, e.g. 1.234,50."), **kwargs)

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return amounts.check(parse_amount(value))
        except amounts.AmountError as e:
            raise forms.ValidationError(e.message, code=e.code) from None


class CheckboxInput(forms.CheckboxInput):
    def __init__(self, attrs=None):
        super().__init__({"class": "kern-form-check__checkbox", **(attrs or {})})


class MilestoneField(forms.ModelChoiceField):
    """Every milestone of the programme; drafts (no part of any figure yet) say so."""

    public_ids: frozenset = frozenset()

    def label_from_instance(self, obj):
        label = f"{obj.code} {obj.title}"
        if obj.pk in self.public_ids:
            return label
        return _("%(milestone)s (draft, not in the forecast)") % {"milestone": label}


class CostLineField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        milestone = obj.milestone
        return f"{obj.code} · {obj.get_category_display()} · {milestone.code} {milestone.title}"


class MoneyForm(ServiceForm):
    """The base of the money forms: the choices come from the programme."""

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        fields = self.fields
        if "grant" in fields:
            fields["grant"].queryset = Grant.objects.filter(programme=programme)
        if "milestone" in fields:
            milestones = Milestone.objects.filter(programme=programme)
            fields["milestone"].queryset = milestones.order_by("code")
            fields["milestone"].public_ids = milestones.public_ids()
        if "cost_line" in fields:
            fields["cost_line"].queryset = (
                CostLine.objects.filter(programme=programme)
                .select_related("milestone")
                .order_by("code")
            )
        for name, field in fields.items():
            if isinstance(field.widget, CheckboxInput) and field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].id_for_label}-hint"


PLANNED_REASON = _(
    "Needed whenever a planned amount changes. Published with the change in the history."
)
REASON = _("Published with the change in the history.")


class CostLineForm(MoneyForm):
    reason = reason_field(
        _("needed for a new cost line and when the planned amount changes"),
        help_text=_(
            "Needed whenever the planned amount changes, for a new cost line too. "
            "Published with the change in the history."
        ),
    )
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = CostLine
        fields = ["code", "grant", "milestone", "category", "amount", "closed_on"]
        field_classes = {"milestone": MilestoneField}


class ExpenditureForm(MoneyForm):
    reason = reason_field(help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = funding.Expenditure
        fields = ["cost_line", "on", "amount", "eligible", "payee", "note", "document_ref"]
        field_classes = {"cost_line": CostLineField}
        labels = {"eligible": _("Eligible for the grant")}
        help_texts = {
            "eligible": _(
                "Untick for spending the funder does not pay for; the city pays it alone."
            )
        }


class BudgetLineForm(MoneyForm):
    reason = reason_field(_("needed when the budgeted own share changes"), help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = funding.BudgetLine
        fields = ["grant", "year", "product", "title", "own_share", "commitment_authorisation"]
        labels = {"year": _("Budget year")}


class DrawdownPlanEntryForm(MoneyForm):
    reason = reason_field(
        _("needed when a planned date or amount changes"), help_text=PLANNED_REASON
    )
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = funding.DrawdownPlanEntry
        fields = ["grant", "on", "amount"]
        labels = {"on": _("Planned for"), "amount": _("Amount to request")}


class DrawdownForm(MoneyForm):
    reason = reason_field(help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = funding.Drawdown
        fields = ["grant", "requested_on", "amount_requested", "received_on", "amount_received"]
        help_texts = {"received_on": _("Leave empty until the money arrives.")}


class RepaymentForm(MoneyForm):
    reason = reason_field(help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = funding.Repayment
        fields = ["grant", "on", "amount"]


class ProofForm(MoneyForm):
    reason = reason_field(help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = funding.ProofSubmission
        fields = ["grant", "kind", "year", "on"]
        labels = {"year": _("Year covered")}
        help_texts = {"year": _("For an interim proof: the calendar year it covers.")}


class GrantConditionsForm(ServiceForm):
    reason = reason_field(help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = funding.Grant
        fields = [
            "drawdown_window_kind",
            "drawdown_window_count",
            "interim_report_months",
            "final_report_due",
        ]
        labels = {"drawdown_window_count": _("Length of the window (months or days)")}


class NotificationForm(forms.Form):
    on = date_field(_("Notified on"), required=True)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)
    text = forms.CharField(
        label=_("What was reported"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Internal: seen in the office only."),
    )


class RemoveForm(forms.Form):
    """Asks before removing an entry; the version it was shown at guards against removing
    what someone changed meanwhile."""

    reason = reason_field(help_text=REASON)
    version = version_field()


class RemoveDrawdownPlanEntryForm(RemoveForm):
    reason = reason_field(
        _("needed to remove a planned drawdown"),
        help_text=_("The drawdown plan is binding. Published with the change in the history."),
    )


class RemoveCostLineForm(RemoveForm):
    reason = reason_field(
        _("needed to remove a cost line"),
        help_text=_(
            "Needed: removing a cost line changes the planned amounts. "
            "Published with the change in the history."
        ),
    )


# -- posts and hiring -------------------------------------------------------------------------

_FTE = re.compile(r"\d{1,2}(?:[.,]\d{1,2})?")


class FteField(forms.DecimalField):
    """A full-time equivalent as a clerk types it: 1, 0,5 or 0.5 (below 100, so a point
    cannot be a thousands separator). Whether the value is allowed (more than 0, at most 10)
    is the service's rule."""

    widget = AmountInput

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        cleaned = str(value).strip()
        if not _FTE.fullmatch(cleaned):
            raise forms.ValidationError(
                _("Enter the full-time equivalent as a number such as 1 or 0,5."), code="invalid"
            )
        return Decimal(cleaned.replace(",", "."))


class StepForm(forms.Form):
    step = forms.ChoiceField(
        label=_("Hiring step"),
        choices=[("", "—"), *STEP_CHOICES],
        help_text=_(
            "Only “filled” fills the post. When a holder leaves, enter a step back to "
            "“planned” or “advertised”."
        ),
    )
    on = date_field(
        _("Entered on"),
        required=True,
        help_text=_("The day the step happened. Not in the future: enter a step once it is done."),
    )
    reason = reason_field(LATER, help_text=REASON)


class PositionForm(ServiceForm):
    """A post's details; units come from the organisation, grants from the programme."""

    reason = reason_field(LATER, help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Position
        fields = POSITION_FIELDS
        field_classes = {"fte": FteField}
        labels = {"cover": _("Who stands in while the post is vacant")}
        help_texts = {
            "fte": _("1 for a full-time post, 0,5 for half time."),
            "needed_from": _(
                "For a post never filled: the day it is needed from. It counts as vacant from "
                "then; left empty, from the grant notice or its first hiring step, whichever "
                "is later."
            ),
            "expected_fill": _(
                "The date HR expects the post to be filled. Can delay the forecast fill date, "
                "never bring it forward."
            ),
            "holder": _("Shown in the office. Public only if the box below is ticked."),
            "contract_end": _("Leave empty for a permanent contract."),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            organisation_id=programme.organisation_id
        ).order_by("name")
        self.fields["grant"].queryset = Grant.objects.filter(programme=programme).order_by("code")
        self.fields["grant"].empty_label = _("no grant")
        self.fields["holder_public"].widget.attrs["aria-describedby"] = (
            f"{self['holder_public'].id_for_label}-hint"
        )


class WhatIfForm(forms.Form):
    """Murat's question: which post, filled by when? Read from the query string."""

    post = forms.ChoiceField(
        label=_("Post"),
        error_messages={
            "required": _("Choose the post to fill."),
            "invalid_choice": _(
                "There is no post “%(value)s” in this programme. Choose one from the list."
            ),
        },
    )
    filled_on = DateField(
        label=_("Filled on"),
        widget=DateInput(),
        input_formats=DATE_FORMATS,
        help_text=_("The day the post would be filled, today or later."),
        error_messages={
            "required": _("Enter the day the post would be filled."),
            "invalid": _("Enter a real date, for example 01.03.2026."),
        },
    )

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", "—"), *posts]


class HiringSettingsForm(forms.Form):
    """Typical days per hiring step, onboarding days and the alert thresholds."""

    onboarding_days = forms.IntegerField(
        label=_("Onboarding days after a post is filled"), min_value=0, max_value=3650
    )
    alert_not_in_establishment_plan = forms.IntegerField(
        label=_(
            "Alert when a funded post is not in the establishment plan after (days from "
            "the grant notice)"
        ),
        min_value=0,
        max_value=3650,
    )
    alert_not_advertised = forms.IntegerField(
        label=_("Alert when a funded post is not advertised after (days from the grant notice)"),
        min_value=0,
        max_value=3650,
    )
    alert_contract_ending = forms.IntegerField(
        label=_("Alert when a contract ends within (days) and no successor is sought"),
        min_value=0,
        max_value=3650,
    )
    reason = reason_field(
        LATER, help_text=_("Published with the change. Needed when fill dates move later.")
    )
    version = version_field()

    def __init__(self, *args, **kwargs):
        from plansicht.staffing.models import STEP_CHOICES

        super().__init__(*args, **kwargs)
        for step, label in STEP_CHOICES[:-1]:
            self.fields[f"days_{step}"] = forms.IntegerField(
                label=_("Typical days: %(step)s") % {"step": label}, min_value=0, max_value=3650
            )
        order = [f"days_{s}" for s, _l in STEP_CHOICES[:-1]]
        self.order_fields(order + ["onboarding_days"])


# -- the dashboard's and the milestone list's filters -----------------------------------------


class WorkFilterForm(forms.Form):
    """Read from the query string (GET): whose milestones, which unit, overdue only, and on
    the milestone list which list of open work."""

    mine = forms.BooleanField(
        label=_("Only my unit's milestones"), required=False, widget=CheckboxInput()
    )
    unit = forms.ModelChoiceField(
        label=_("Lead unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("all units"),
        help_text=_("The unit leading the measure, or the nearest measure above it."),
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"),
        required=False,
        widget=CheckboxInput(),
        help_text=_("Not finished, and the finish in the approved plan has passed."),
    )
    show = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args, programme, has_unit=False, **kwargs):
        from .work import WORK_LISTS  # it imports this module

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            organisation_id=programme.organisation_id
        ).order_by("name")
        self.fields["show"].choices = [("", _("All milestones, drafts included"))] + list(
            WORK_LISTS.items()
        )
        if not has_unit:
            del self.fields["mine"]
        self.fields["overdue"].widget.attrs["aria-describedby"] = (
            f"{self['overdue'].id_for_label}-hint"
        )


# -- questions and statements -----------------------------------------------------------------


def text_field(label, *, required=True, help_text="", rows=6):
    """A question's, statement's or answer's text; the service checks it (length, invisible
    characters) and stores it as typed."""
    return forms.CharField(
        label=label,
        required=required,
        strip=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


MARKDOWN_HINT = _(
    "Shown publicly. *Emphasis*, **strong emphasis**, lists and links to web addresses are "
    "possible; everything else appears as typed."
)


class AnswerForm(forms.Form):
    answer = text_field(_("Answer"), help_text=MARKDOWN_HINT, rows=8)
    version = version_field()


class ExtendForm(forms.Form):
    to = date_field(
        _("New due date"),
        required=True,
        help_text=_("Later than the due date in force. The original due date stays on record."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Published with the new due date, for the asker and the public."),
    )
    version = version_field()


class ForwardForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Pass on to"),
        queryset=Unit.objects.none(),
        empty_label="—",
        help_text=_("The unit that answers from now on. The due date stays."),
    )
    reason = reason_field()
    version = version_field()

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            organisation_id=programme.organisation_id
        ).order_by("name")


class ModerationForm(forms.Form):
    """Release or hide one item: the reason is published; hiding needs one."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed to hide: the public page shows it in place of the text. Optional when "
            "releasing."
        ),
    )
    version = version_field()


class SubmissionEntryForm(ServiceForm):
    """A question or statement the office received by letter, e-mail or phone."""

    about = forms.ChoiceField(
        label=_("About"),
        help_text=_("A statement is about the programme, a measure or a milestone."),
    )
    text = text_field(_("Text"), help_text=_("As received; shown publicly."), rows=8)

    class Meta(ServiceForm.Meta):
        model = Submission
        fields = ["kind", "body", "author_name", "received", "text"]
        labels = {
            "kind": _("Kind"),
            "body": _("Body"),
            "author_name": _("Sender's name as shown"),
            "received": _("Received on"),
        }
        help_texts = {
            "author_name": _(
                "Shown publicly with the item: a name such as “Anna Beispiel” or a body's "
                "name, never an e-mail address. May stay empty."
            ),
            "received": _(
                "The day the letter, e-mail or call reached the administration: the answer "
                "period counts from it."
            ),
        }

    def __init__(self, *args, programme, about_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["kind", "about", "body", "author_name", "received", "text"])
        self.fields["about"].choices = about_choices
        self.fields["body"].queryset = Body.objects.filter(
            organisation_id=programme.organisation_id
        ).order_by("name")
        self.fields["body"].help_text = _("Whose statement it is.")
        self.fields["body"].needed_when = _("needed for a statement")


class ParticipationSettingsForm(ServiceForm):
    """The answer periods (how they are counted and how many), the holiday region and
    categories, the programme office and the pre-moderation."""

    answer_period_kind = forms.ChoiceField(
        label=_("Answer period for questions: counted in"), choices=PERIOD_KINDS
    )
    answer_period_count = forms.IntegerField(
        label=_("Answer period for questions: how many"), min_value=1, max_value=366
    )
    statement_period_kind = forms.ChoiceField(
        label=_("Answer period for statements: counted in"), choices=PERIOD_KINDS
    )
    statement_period_count = forms.IntegerField(
        label=_("Answer period for statements: how many"), min_value=1, max_value=366
    )
    holiday_categories = forms.CharField(
        label=_("Further holiday categories"),
        required=False,
        max_length=200,
        help_text=_(
            "Separated by commas, e.g. catholic for Assumption Day in Catholic parts of "
            "Bavaria. Usually empty."
        ),
    )
    reason = reason_field()
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Programme
        fields = ["holiday_region", "office_unit", "premoderation"]
        labels = {"office_unit": _("Programme office")}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(
            [
                "answer_period_kind",
                "answer_period_count",
                "statement_period_kind",
                "statement_period_count",
                "holiday_region",
                "holiday_categories",
                "office_unit",
                "premoderation",
            ]
        )
        self.fields["office_unit"].queryset = Unit.objects.filter(
            organisation_id=programme.organisation_id
        ).order_by("name")
        self.fields["premoderation"].widget.attrs["aria-describedby"] = (
            f"{self['premoderation'].id_for_label}-hint"
        )


class InboxFilterForm(forms.Form):
    """The inbox's filters, read from the query string."""

    UNANSWERED = "unanswered"
    SHOW = [
        (UNANSWERED, _("unanswered (open and overdue)")),
        ("overdue", _("overdue")),
        ("open", _("open, not yet due")),
        ("answered", _("answered")),
        ("all", _("all, withdrawn and hidden ones included")),
    ]

    status = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("questions and statements")), *Submission.KINDS],
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("all units"),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            organisation_id=programme.organisation_id
        ).order_by("name")


# -- proposals --------------------------------------------------------------------------------


class ProposalFilterForm(forms.Form):
    """The review queue's filters, read from the query string: where a proposal stands as of
    today, and its status."""

    WAITING = "waiting"
    DECIDED = "decided"
    SHOW = [
        (WAITING, _("awaiting a decision (overdue, open and below the threshold)")),
        ("overdue", _("overdue")),
        ("open", _("threshold reached, not yet due")),
        ("below_threshold", _("below the threshold")),
        (DECIDED, _("decided")),
        ("all", _("all, withdrawn and hidden ones included")),
    ]

    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, status_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("every status")), *status_choices]


LINK_HINT = _(
    "What took the proposal up, written measure:CODE, milestone:CODE, plan_version:NUMBER or "
    "change_request:CODE; type or choose from the list. Shown publicly with the decision."
)


class ProposalDecisionForm(forms.Form):
    """A new status with its public reason, and what took the proposal up."""

    status = forms.ChoiceField(label=_("New status"))
    reason = text_field(
        _("Public reason"),
        help_text=_("Published with the new status on the proposal's page."),
        rows=5,
    )
    link = forms.CharField(
        label=_("Taken up by"), required=False, max_length=80, help_text=LINK_HINT
    )
    version = version_field()

    def __init__(self, *args, status_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—"), *status_choices]
        self.fields["reason"].error_messages["required"] = _(
            "Give the public reason for the new status."
        )
        self.fields["link"].needed_when = _("needed for taken into the plan and partly taken up")
        self.fields["link"].widget.attrs.update(
            {"list": "proposal-links", "autocomplete": "off", "spellcheck": "false"}
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"]
        if not reason.strip():
            raise forms.ValidationError(self.fields["reason"].error_messages["required"])
        return reason


class ProposalExtendForm(ExtendForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _(
            "Published with the new due date, for the proposer, the followers and the public."
        )


class ProposalHideForm(forms.Form):
    """Hide a proposal: the reason is published in place of its text and image."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The public page shows it in place of the text and the image. Nothing is deleted."
        ),
        error_messages={"required": _("Give the reason for hiding; it is published.")},
    )
    version = version_field()


class ProposalSettingsForm(forms.Form):
    """The supports after which a proposal must be decided, and the programme's own words for
    the six statuses (one field per status, named as the status)."""

    threshold = forms.IntegerField(
        label=_("Supports a proposal needs to be decided"),
        help_text=_(
            "At least 1. A proposal with this many current supports must be decided within the "
            "answer period for questions, counted from the day it reached them."
        ),
        error_messages={"invalid": _("Enter a whole number of supports, at least 1.")},
    )
    reason = reason_field()
    version = version_field()

    def __init__(self, *args, defaults, **kwargs):
        super().__init__(*args, **kwargs)
        for status, word in defaults:
            self.fields[status] = forms.CharField(
                label=_("Word for “%(status)s”") % {"status": word},
                required=False,
                max_length=60,
                help_text=_("Empty: “%(status)s”.") % {"status": word},
            )
        self.order_fields(["threshold", *(status for status, _word in defaults), "reason"])


# -- indicators and the funder's acceptance ---------------------------------------------------

_GERMAN_VALUE = re.compile(r"-?(?:\d+|\d{1,3}(?:\.\d{3})+)(?:,\d{1,4})?")
_POINT_VALUE = re.compile(r"-?\d+\.\d{1,4}")


class Written(str):
    """A value as stored ("12.50"), to be shown in German in the form ("12,50")."""


class ValueInput(forms.TextInput):
    """A text box for an indicator's value; a stored value is shown in German, as the field
    reads it back, and what a clerk typed is shown as typed."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Written):
            return value.replace(".", ",")
        return super().format_value(value)


class IndicatorValueField(forms.CharField):
    """A value as a clerk types it in German (70, 12,5, 1.234,5: dots only between groups of
    three digits, at most four decimals after the comma), handed to the service as written in
    the machine format ("12.5"): the digits stay as typed."""

    widget = ValueInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("A number such as 70 or 12,5; at most four decimals."))
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = "".join(str(value or "").split())
        if not text:
            return ""
        if _GERMAN_VALUE.fullmatch(text):
            written = text.replace(".", "").replace(",", ".")
            if not indicator_rules.is_value(written):
                raise forms.ValidationError(
                    _("Enter at most 15 digits before the comma."), code="too_long"
                )
            return written
        if _POINT_VALUE.fullmatch(text):
            raise forms.ValidationError(
                _("“%(value)s”: write the decimals after a comma, %(german)s.")
                % {"value": value, "german": text.replace(".", ",")},
                code="point",
            )
        raise forms.ValidationError(
            _(
                "Enter a number such as 70 or 12,5: at most four decimals after the comma, "
                "dots only between groups of three digits."
            ),
            code="invalid",
        )


class WrittenValuesForm(ServiceForm):
    """Shows the stored values of its value fields in German."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            value = self.initial.get(name)
            if isinstance(field, IndicatorValueField) and isinstance(value, str):
                self.initial[name] = Written(value)


class IndicatorForm(WrittenValuesForm):
    reason = reason_field(help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Indicator
        fields = INDICATOR_FIELDS
        field_classes = {"baseline_value": IndicatorValueField, "target_value": IndicatorValueField}
        help_texts = {
            "code": _("Unique among the indicators of this measure, e.g. I1."),
            "target_value": _(
                "May be below the baseline, e.g. a processing time that is to fall. A number "
                "such as 70 or 12,5."
            ),
        }


class IndicatorValueForm(WrittenValuesForm):
    reason = reason_field(help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = IndicatorValue
        fields = VALUE_FIELDS
        field_classes = {"value": IndicatorValueField}
        labels = {"on": _("Measured on")}
        help_texts = {"note": _("Public, e.g. how the value was counted.")}


class AcceptanceForm(ServiceForm):
    acceptance_document = forms.FileField(
        label=_("The funder's letter as a PDF file"),
        required=False,
        help_text=_(
            "At most 10 MB. Kept for the office, never published. Leave empty to keep the "
            "letter stored."
        ),
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    remove_document = forms.BooleanField(
        label=_("Remove the stored letter"), required=False, widget=CheckboxInput
    )
    reason = reason_field(help_text=REASON)
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Milestone
        fields = ["accepted_on", "acceptance_ref"]
        help_texts = {
            "accepted_on": _("On or after the actual finish. Leave empty to clear the acceptance."),
            "acceptance_ref": _("The reference the funder gave, e.g. the number of its letter."),
        }


# -- council decisions ------------------------------------------------------------------------


class DecisionForm(ServiceForm):
    """A council decision; the bodies are the organisation's council and committees, the
    links the programme's plan versions, posts, measures and grants."""

    url = forms.CharField(
        label=_("Link to the decision"),
        required=False,
        max_length=URL_LENGTH,
        help_text=_("Its page in the council information system, e.g. https://…"),
    )
    reason = reason_field()
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Decision
        fields = [
            "number",
            "body",
            "date",
            "title",
            "result",
            "text",
            "url",
            "votes_yes",
            "votes_no",
            "votes_abstain",
            "plan_versions",
            "positions",
            "measures",
            "grants",
            "change_request",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "plan_versions": forms.CheckboxSelectMultiple,
            "positions": forms.CheckboxSelectMultiple,
            "measures": forms.CheckboxSelectMultiple,
            "grants": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "votes_yes": _("Enter all three counts of the vote, or leave all three empty."),
        }

    LINKS = ("plan_versions", "positions", "measures", "grants")

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(
            organisation=programme.organisation_id, kind__in=DECIDING_KINDS
        ).order_by("name")
        self.fields["body"].help_text = _(
            "The council or the committee. Bodies of other kinds take no council decisions; "
            "an administrator adds a council or committee as a body of the organisation."
        )
        self.fields["plan_versions"].queryset = PlanVersion.objects.filter(
            programme=programme
        ).order_by("number")
        self.fields["positions"].queryset = Position.objects.filter(programme=programme).order_by(
            "code"
        )
        self.fields["measures"].queryset = Measure.objects.filter(programme=programme).order_by(
            "code"
        )
        self.fields["grants"].queryset = Grant.objects.filter(programme=programme).order_by("code")
        self.fields["change_request"].queryset = change_requests_of(programme)
        self.fields["change_request"].help_text = _(
            "The change request to the funder the decision is about, if any."
        )


class AssignmentForm(ServiceForm):
    """An assignment of a decision; of the fields that say when it is done, only those of
    the chosen kind count (the others are emptied when it is saved)."""

    reason = reason_field()
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Assignment
        fields = [
            "code",
            "title",
            "due",
            "kind",
            "milestone",
            "position",
            "step",
            "plan_version_number",
            "recorded_on",
        ]
        help_texts = {
            "kind": _(
                "Then fill in the field that goes with it: the milestone; the post and the "
                "hiring step; the plan version number; or, once it is done, the date."
            ),
            "milestone": _("Done on its actual finish."),
            "step": _("Done on the first day the post entered this step or a later one."),
            "recorded_on": _("Only for “the office records it as done”: empty while not done."),
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = (
            Milestone.objects.filter(programme=programme).select_related("measure")
        ).order_by("code")
        self.fields["position"].queryset = Position.objects.filter(programme=programme).order_by(
            "code"
        )


# -- risks ------------------------------------------------------------------------------------


class RiskForm(ServiceForm):
    """A risk of the register; the measures are the programme's, the units its
    organisation's. Likelihood and impact are checked by the service (1 to 4)."""

    likelihood = forms.IntegerField(
        label=_("Likelihood (1 to 4)"),
        help_text=_("1 unlikely, 2 possible, 3 likely, 4 very likely."),
    )
    impact = forms.IntegerField(
        label=_("Impact (1 to 4)"),
        help_text=_("1 small, 2 noticeable, 3 serious, 4 severe."),
    )
    reason = reason_field()
    version = version_field()

    class Meta(ServiceForm.Meta):
        model = Risk
        fields = list(RISK_FIELDS)
        widgets = {"mitigation": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"code": _("Unique among the risks of this programme, e.g. R1.")}

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(programme=programme).order_by(
            "code"
        )
        self.fields["owner_unit"].queryset = Unit.objects.filter(
            organisation=programme.organisation_id
        ).order_by("name")
