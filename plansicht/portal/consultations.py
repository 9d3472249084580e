"""Public pages of the consultations: a programme's list, one consultation's page with the
form while it is open and the results after the close, its draft document and its results as
CSV.

A staff-only consultation exists only for the organisation's staff
(``consultations.reads.may_see``): anyone else gets 404 on its pages and finds it in no list.
Before the close nobody sees results here (the office does); the CSV answers 404 until then.
The pages are not cached: what they show changes at the open and the close, within a day,
and depends on who is signed in.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from plansicht import clock
from plansicht.consultations import reads, results
from plansicht.consultations.models import ANSWER_LENGTH, Consultation, Question, Response
from plansicht.participation.people import may_take_part
from plansicht.plan.models import Measure, Programme
from plansicht.services import Actor, ServiceError
from plansicht.services import consultations as service


def _programme(slug):
    return get_object_or_404(Programme.objects.select_related("organisation"), slug=slug)


def shown(programme, user):
    """The consultations of ``programme`` ``user`` may see: the public ones (not about a
    draft measure) and, for the organisation's staff, the staff-only ones."""
    items = Consultation.objects.filter(programme=programme)
    public = items.public()
    if reads.is_staff_of(user, programme.organisation):
        return items.filter(Q(pk__in=public) | Q(audience=Consultation.STAFF))
    return public


def _consultation(request, programme, code) -> Consultation:
    item = (
        shown(programme, request.user)
        .select_related("measure", "programme__organisation")
        .filter(code=code)
        .first()
    )
    if item is None:
        raise Http404(_("There is no consultation with this code."))
    return item


def consultations(request, slug):
    """The consultations the visitor may see: open, coming and closed ones."""
    programme = _programme(slug)
    now = clock.now()
    items = list(shown(programme, request.user).select_related("measure"))
    public_measures = set(
        Measure.objects.filter(programme=programme).public().values_list("pk", flat=True)
    )
    return render(
        request,
        "portal/consultations.html",
        {
            "programme": programme,
            "open": [c for c in items if c.is_open(now)],
            "coming": sorted((c for c in items if now < c.opens), key=lambda c: c.opens),
            "closed": [c for c in items if c.is_closed(now)],
            "public_measures": public_measures,
            "nav": "consultations",
        },
    )


# -- the answer form --------------------------------------------------------------------------

REQUIRED = pgettext_lazy("consultation question", "required")
OPTIONAL = pgettext_lazy("consultation question", "optional")


def _label(question) -> str:
    mark = REQUIRED if question.required else OPTIONAL
    return f"{question.number}. {question.text} ({mark})"


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose field id is the first box's: the error summary links there."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


class AnswerForm(forms.Form):
    """One field per question, ``q<number>``; the service checks the answers again."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            name = f"q{q.number}"
            common = {"label": _label(q), "required": q.required}
            if q.kind == Question.TEXT:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=ANSWER_LENGTH,
                    strip=True,
                    **common,
                )
            elif q.kind == Question.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=[(str(i), c) for i, c in enumerate(q.choices)],
                    widget=Checkboxes,
                    **common,
                )
            else:
                labels = q.choices if q.kind == Question.SINGLE else [str(r) for r in range(1, 6)]
                values = range(len(labels)) if q.kind == Question.SINGLE else range(1, 6)
                field = forms.ChoiceField(
                    choices=[(str(v), label) for v, label in zip(values, labels, strict=True)],
                    widget=forms.RadioSelect,
                    **common,
                )
            field.error_messages["required"] = _("Please answer this question.")
            field.error_messages["invalid_choice"] = _("Choose one of the choices.")
            self.fields[name] = field
            self.fields[name].question = q

    def answers(self) -> dict:
        data = {}
        for q in self.questions:
            value = self.cleaned_data.get(f"q{q.number}")
            if q.kind == Question.MULTIPLE:
                data[q.number] = [int(v) for v in value or []]
            elif q.kind == Question.SINGLE or q.kind == Question.RATING:
                data[q.number] = int(value) if value not in (None, "") else None
            else:
                data[q.number] = value or ""
        return data


def _initial(response) -> dict:
    if response is None:
        return {}
    initial = {}
    for a in response.answers.select_related("question"):
        name = f"q{a.question.number}"
        if a.question.kind == Question.TEXT:
            initial[name] = a.text
        elif a.question.kind == Question.RATING:
            initial[name] = str(a.rating) if a.rating else ""
        elif a.question.kind == Question.SINGLE:
            initial[name] = str(a.choices[0]) if a.choices else ""
        else:
            initial[name] = [str(i) for i in a.choices]
    return initial


def _receive(request, consultation, questions):
    if not may_take_part(request.user):
        raise PermissionDenied(_("Only participants with a confirmed e-mail address may answer."))
    form = AnswerForm(request.POST, questions=questions, auto_id="answer-%s")
    if not form.is_valid():
        return form
    try:
        service.answer(
            consultation,
            actor=Actor.for_user(request.user, consultation.programme),
            user=request.user,
            answers=form.answers(),
        )
    except ServiceError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return form
    messages.success(
        request,
        _("Thank you: your answers were saved. You may change them until {when}.").format(
            when=service.moment_words(consultation.closes)
        ),
    )
    return redirect("portal:consultation", consultation.programme.slug, consultation.code)


def consultation(request, slug, code):
    """What the consultation is about, its period and draft; the form while it is open; the
    results and the summary after the close."""
    programme = _programme(slug)
    item = _consultation(request, programme, code)
    questions = list(item.questions.order_by("number"))
    now = clock.now()
    is_open, is_closed = item.is_open(now), item.is_closed(now)
    user = request.user
    may_answer = is_open and may_take_part(user)
    own = (
        Response.objects.filter(consultation=item, user=user).first()
        if user.is_authenticated
        else None
    )
    form, status = None, 200
    if request.method == "POST":
        if not is_open:
            messages.error(request, service.not_open_message(item, now))
            return redirect("portal:consultation", programme.slug, item.code)
        result = _receive(request, item, questions)
        if not isinstance(result, AnswerForm):
            return result
        form, status = result, 400
    elif may_answer:
        form = AnswerForm(initial=_initial(own), questions=questions, auto_id="answer-%s")
    measure = None
    if item.measure_id and Measure.objects.filter(pk=item.measure_id).public().exists():
        measure = item.measure
    return render(
        request,
        "portal/consultation.html",
        {
            "programme": programme,
            "item": item,
            "measure": measure,
            "questions": questions,
            "is_open": is_open,
            "is_closed": is_closed,
            "opens_words": service.moment_words(item.opens),
            "closes_words": service.moment_words(item.closes),
            "form": form,
            "answered": own,
            "signed_in": user.is_authenticated,
            "results": results.result_rows(item) if is_closed else None,
            "respondents": reads.respondents(item) if is_closed else None,
            "pdf": _pdf_of(programme, item),
            "nav": "consultations",
        },
        status=status,
    )


def _pdf_of(programme, item) -> dict | None:
    if not item.document:
        return None
    try:
        size = item.document.size
    except OSError:
        return None
    return {
        "url": reverse("portal:consultation_pdf", args=[programme.slug, item.code]),
        "name": f"{item.code}.pdf",
        "size": size,
    }


def consultation_pdf(request, slug, code):
    """The draft document of a consultation the visitor may see; 404 for anyone else. The
    files are never served from MEDIA_URL."""
    programme = _programme(slug)
    item = _consultation(request, programme, code)
    if not item.document:
        raise Http404(_("This consultation has no draft document."))
    try:
        handle = item.document.open("rb")
    except OSError:
        raise Http404(_("This consultation has no draft document.")) from None
    response = FileResponse(handle, content_type="application/pdf", filename=f"{item.code}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response


def consultation_results_csv(request, slug, code):
    """The results as CSV, only after the close (404 before: nobody but the office sees
    interim results)."""
    programme = _programme(slug)
    item = _consultation(request, programme, code)
    if not item.is_closed(clock.now()):
        raise Http404(_("The results are published after the close."))
    response = HttpResponse(results.results_csv(item), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{programme.slug}-{item.code}.csv"'
    response["Cache-Control"] = "private, no-cache"
    return response
