"""Office pages for the consultations: the list, the editor (create and change, one question
per row), the results at any time (interim ones marked as such), the moderation of free-text
answers and the summary of what the city does with the results.

Every office role reads the list and the results; editors and administrators
(``can_edit_plan``) create, change and summarise; moderators (``can_moderate``) release and
hide free-text answers. Every change goes through ``plansicht.services.consultations``.
Who answered what is never shown: the answers are counted, and free texts are shown without
their authors.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht import clock
from plansicht.consultations import reads, results
from plansicht.consultations.models import (
    ANSWER_LENGTH,
    TITLE_LENGTH,
    Answer,
    Consultation,
    Question,
)
from plansicht.participation.models import TEXT_LENGTH
from plansicht.plan.models import Measure
from plansicht.services import ServiceError
from plansicht.services import consultations as service
from plansicht.services.permissions import can_edit_plan, can_moderate, is_admin

from .common import actor, get_programme_for_user, page_context, show_error
from .forms import version_field

MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y, %H:%M"]
EXTRA_ROWS = 3  # empty question rows below the stored ones


class MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def moment_field(label):
    return forms.DateTimeField(
        label=label,
        input_formats=MOMENT_FORMATS,
        widget=MomentInput,
        help_text=gettext_lazy("Local time (Berlin), e.g. 31.12.2026 18:00."),
    )


class ConsultationForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_LENGTH)
    description = forms.CharField(
        label=gettext_lazy("What it is about"),
        required=False,
        max_length=service.DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    measure = forms.ModelChoiceField(
        label=gettext_lazy("Measure"), queryset=Measure.objects.none(), required=False
    )
    document = forms.FileField(
        label=gettext_lazy("Draft document (PDF)"),
        required=False,
        help_text=gettext_lazy("At most 10 MB. A new file replaces the stored one."),
    )
    opens = moment_field(gettext_lazy("Opens"))
    closes = moment_field(gettext_lazy("Closes"))
    audience = forms.ChoiceField(label=gettext_lazy("For"), choices=Consultation.AUDIENCES)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = version_field()

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.filter(programme=programme).order_by(
            "code"
        )
        self.fields["measure"].empty_label = "—"
        self.fields["measure"].label_from_instance = lambda m: f"{m.code} {m.title}"


class QuestionRowForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), choices=[("", "—"), *Question.KINDS], required=False
    )
    text = forms.CharField(label=gettext_lazy("Question"), required=False, max_length=TEXT_LENGTH)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    choices = forms.CharField(
        label=gettext_lazy("Choices, one per line"),
        required=False,
        max_length=service.MAX_CHOICES * 201,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only for single and multiple choice."),
    )

    def value(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("kind") and not (data.get("text") or "").strip():
            return None  # an empty row
        return {
            "kind": data.get("kind") or "",
            "text": data.get("text") or "",
            "required": bool(data.get("required")),
            "choices": [c for c in (data.get("choices") or "").splitlines() if c.strip()],
        }


QuestionRows = forms.formset_factory(QuestionRowForm, extra=0, max_num=service.MAX_QUESTIONS)


def _rows(data=None, stored=()):
    initial = [
        {
            "kind": q["kind"],
            "text": q["text"],
            "required": q["required"],
            "choices": "\n".join(q["choices"]),
        }
        for q in stored
    ]
    initial += [{} for _ in range(EXTRA_ROWS)]
    if data is not None:
        return QuestionRows(data, prefix="questions")
    return QuestionRows(initial=initial, prefix="questions")


def _get(programme, code) -> Consultation:
    return get_object_or_404(
        Consultation.objects.select_related("measure", "programme__organisation"),
        programme=programme,
        code=code,
    )


def _context(request, programme, **extra):
    return page_context(
        request,
        programme,
        nav="consultations",
        can_moderate=can_moderate(request.user, programme),
        is_admin=is_admin(request.user, programme),
        **extra,
    )


@login_required
def consultations(request, slug):
    """Every consultation of the programme, with its period and its number of responses."""
    programme = get_programme_for_user(request, slug)
    now = clock.now()
    items = list(
        Consultation.objects.filter(programme=programme)
        .select_related("measure")
        .order_by("-opens", "-pk")
    )
    counts = {c.pk: reads.respondents(c) for c in items}
    rows = [
        {
            "item": c,
            "responses": counts[c.pk],
            "state": _("open")
            if c.is_open(now)
            else (_("closed") if c.is_closed(now) else _("not open yet")),
        }
        for c in items
    ]
    return render(request, "office/consultations.html", _context(request, programme, rows=rows))


def _save(request, programme, item):
    stored = service.stored_questions(item) if item is not None else []
    initial = {}
    if item is not None:
        initial = {
            "title": item.title,
            "description": item.description,
            "measure": item.measure_id,
            "opens": item.opens,
            "closes": item.closes,
            "audience": item.audience,
            "version": item.version,
        }
    form = ConsultationForm(initial=initial, programme=programme, auto_id="c-%s")
    rows = _rows(stored=stored)
    status = 200
    if request.method == "POST":
        form = ConsultationForm(request.POST, request.FILES, programme=programme, auto_id="c-%s")
        rows = _rows(request.POST)
        if form.is_valid() and rows.is_valid():
            data = form.cleaned_data
            questions = [v for v in (r.value() for r in rows) if v is not None]
            try:
                saved = service.save_consultation(
                    programme,
                    actor=actor(request, programme),
                    title=data["title"],
                    description=data["description"],
                    measure=data["measure"],
                    document=data["document"] or None,
                    opens=data["opens"],
                    closes=data["closes"],
                    audience=data["audience"],
                    questions=questions,
                    consultation=item,
                    reason=data["reason"],
                    expected_version=data["version"],
                )
            except ServiceError as e:
                _show(form, rows, e)
            else:
                messages.success(
                    request,
                    _("Consultation %(code)s was saved.") % {"code": saved.code},
                )
                return redirect("office:consultation", programme.slug, saved.code)
        elif not rows.is_valid():
            form.add_error(None, _("Check the questions below."))
        status = 400
    return render(
        request,
        "office/consultation_form.html",
        _context(
            request,
            programme,
            form=form,
            rows=rows,
            item=item,
            answered=item is not None and item.responses.exists(),
        ),
        status=status,
    )


def _show(form, rows, error):
    """A service's refusal at the question row it names, else on the form."""
    name = error.field or ""
    if name.startswith("questions."):
        _prefix, number, field = (name.split(".") + ["", ""])[:3]
        # The service numbers the filled rows; the empty ones were left out.
        filled = [r for r in rows if r.value() is not None]
        if number.isdigit() and 0 < int(number) <= len(filled):
            row = filled[int(number) - 1]
            row.add_error(field if field in row.fields else None, error.message)
            form.add_error(None, error.message)
            return
    if name == "questions":
        form.add_error(None, error.message)
        return
    show_error(form, error)


@login_required
def new(request, slug):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    return _save(request, programme, None)


@login_required
def edit(request, slug, code):
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    return _save(request, programme, _get(programme, code))


@login_required
def consultation(request, slug, code):
    """The consultation with its results at any time: interim ones while it is open."""
    programme = get_programme_for_user(request, slug)
    item = _get(programme, code)
    now = clock.now()
    return render(
        request,
        "office/consultation.html",
        _context(
            request,
            programme,
            item=item,
            questions=list(item.questions.order_by("number")),
            is_open=item.is_open(now),
            is_closed=item.is_closed(now),
            respondents=reads.respondents(item),
            results=results.result_rows(item),
            awaiting=Answer.objects.filter(
                question__consultation=item,
                question__kind=Question.TEXT,
                released=False,
                hidden=False,
            )
            .exclude(text="")
            .count(),
        ),
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("What the city does with the results"),
        max_length=service.SUMMARY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Published on the consultation's page and in the history."),
    )
    version = version_field()


@login_required
def summary(request, slug, code):
    """The summary of what the city does with the results: after the close, by editors."""
    programme = get_programme_for_user(request, slug, may=can_edit_plan)
    item = _get(programme, code)
    form = SummaryForm(initial={"summary": item.summary, "version": item.version})
    status = 200
    if request.method == "POST":
        form = SummaryForm(request.POST)
        if form.is_valid():
            try:
                service.publish_summary(
                    item,
                    actor=actor(request, programme),
                    summary=form.cleaned_data["summary"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as e:
                show_error(form, e)
            else:
                messages.success(request, _("The summary was published."))
                return redirect("office:consultation", programme.slug, item.code)
        status = 400
    return render(
        request,
        "office/consultation_summary.html",
        _context(
            request,
            programme,
            item=item,
            form=form,
            is_closed=item.is_closed(clock.now()),
        ),
        status=status,
    )


class AnswerModerationForm(forms.Form):
    answer = forms.IntegerField(widget=forms.HiddenInput)
    op = forms.ChoiceField(choices=[(service.RELEASE, "release"), (service.HIDE, "hide")])


@login_required
def moderation(request, slug, code):
    """The free-text answers of a consultation, without their authors: release or hide."""
    programme = get_programme_for_user(request, slug, may=can_moderate)
    item = _get(programme, code)
    if request.method == "POST":
        form = AnswerModerationForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an answer and whether to release or hide it."))
            return redirect("office:consultation_moderation", programme.slug, item.code)
        answer = (
            Answer.objects.filter(pk=form.cleaned_data["answer"], question__consultation=item)
            .select_related("question__consultation__programme")
            .first()
        )
        if answer is None:
            raise PermissionDenied
        try:
            service.moderate_answer(
                answer, actor=actor(request, programme), op=form.cleaned_data["op"]
            )
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(
                request,
                _("The answer was released.")
                if form.cleaned_data["op"] == service.RELEASE
                else _("The answer was hidden."),
            )
        return redirect("office:consultation_moderation", programme.slug, item.code)
    answers = (
        Answer.objects.filter(question__consultation=item, question__kind=Question.TEXT)
        .exclude(text="")
        .select_related("question")
        .order_by("released", "hidden", "question__number", "pk")
    )
    return render(
        request,
        "office/consultation_moderation.html",
        _context(request, programme, item=item, answers=answers, limit=ANSWER_LENGTH),
    )


class StaffAudienceForm(forms.Form):
    domains = forms.CharField(
        label=gettext_lazy("E-mail domains of the staff"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "One per line, e.g. musterstadt.de: participants with a confirmed address there "
            "count as staff."
        ),
    )
    group = forms.CharField(
        label=gettext_lazy("Staff group at single sign-on"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Members of this group at the city's sign-on count as staff."),
    )
    version = version_field()


@login_required
def staff_audience(request, slug):
    """Who counts as the city's staff for staff-only consultations (administrators)."""
    programme = get_programme_for_user(request, slug, may=is_admin)
    organisation = programme.organisation
    form = StaffAudienceForm(
        initial={
            "domains": "\n".join(organisation.staff_email_domains or []),
            "group": organisation.staff_group,
            "version": programme.version,
        }
    )
    status = 200
    if request.method == "POST":
        form = StaffAudienceForm(request.POST)
        if form.is_valid():
            try:
                service.save_staff_audience(
                    programme,
                    actor=actor(request, programme),
                    domains=form.cleaned_data["domains"].replace(",", "\n").split(),
                    group=form.cleaned_data["group"],
                    expected_version=form.cleaned_data["version"],
                )
            except ServiceError as e:
                show_error(form, e)
            else:
                messages.success(request, _("Saved: who counts as staff."))
                return redirect("office:consultations", programme.slug)
        status = 400
    return render(
        request,
        "office/consultation_staff.html",
        _context(request, programme, form=form, organisation=organisation),
        status=status,
    )
