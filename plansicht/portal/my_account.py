"""A participant's own pages: "Mein Konto" (the name shown, how notices come, what they follow,
what they asked), the download of their data and the deletion of their account.

Only a signed-in participant sees them, and only their own things; items that are not public
(a measure set back to draft, a question awaiting release by someone else) are never named.
Every change goes through ``services.participation``.
"""

import json
from functools import wraps

from allauth.account.models import EmailAddress
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from plansicht import clock
from plansicht.consultations.models import Response
from plansicht.participation.figures import STATUS_LABELS
from plansicht.participation.models import NAME_LENGTH, Follow, Participant, Submission
from plansicht.plan.models import Measure, Milestone
from plansicht.proposals.models import Proposal, Support
from plansicht.services import Actor, ServiceError
from plansicht.services import participation as service


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Display name"),
        max_length=NAME_LENGTH,
        help_text=gettext_lazy(
            "Shown publicly with your questions and comments, the earlier ones too. "
            "Not your e-mail address."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
        error_messages={"required": service.NAME_REQUIRED},
    )
    mail_mode = forms.ChoiceField(
        label=gettext_lazy("Notifications by mail"),
        choices=Participant.MAIL_MODES,
        widget=forms.RadioSelect,
    )

    def clean_display_name(self):
        try:
            return service.check_display_name(self.cleaned_data["display_name"])
        except ServiceError as error:
            raise forms.ValidationError(error.message) from None


def participant_required(view):
    """Signed-in participants only: others are sent to the participants' login, a staff
    account gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        participant = Participant.objects.filter(user=request.user).first()
        if participant is None:
            raise PermissionDenied
        response = view(request, participant, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return login_required(wrapper, login_url="account_login")


def _public_ids():
    return (
        set(Measure.objects.public().values_list("pk", flat=True)),
        set(Milestone.objects.public().values_list("pk", flat=True)),
        set(Submission.objects.public().values_list("pk", flat=True)),
    )


def _followed(follows, public):
    """What each follow is about, for the page and the export: a label, the public page (or
    None) and whether it is public now. A thing that is not public is not named."""
    measures, _milestones, submissions = public
    rows = []
    for f in follows:
        programme = f.programme
        if f.submission_id:
            item = f.submission
            shown = item.pk in submissions
            kind = _("Question") if item.kind == Submission.QUESTION else _("Statement")
            label = f"{kind} {item.code}"
            url = _about_url(item, public) if shown else None
        elif f.proposal_id:
            item = f.proposal
            shown = Proposal.objects.public().filter(pk=item.pk).exists()
            label = _("Proposal %(code)s") % {"code": item.code}
            url = reverse("portal:proposal", args=[programme.slug, item.code])
        elif f.measure_id:
            shown = f.measure_id in measures
            label = f"{f.measure.code} {f.measure.title}"
            url = reverse("portal:measure", args=[programme.slug, f.measure.code])
        elif f.position_id:
            shown = True
            label = f"{f.position.code} {f.position.title}"
            url = reverse("portal:positions", args=[programme.slug])
        else:
            shown = True
            label = _("The whole programme")
            url = reverse("portal:overview", args=[programme.slug])
        if not shown:
            label, url = _("Something that is not public at the moment"), None
        rows.append({"follow": f, "programme": programme, "label": label, "url": url})
    return rows


def _about_url(item, public):
    """The public page of what a question or statement is about."""
    measures, milestones, _submissions = public
    slug = item.programme.slug
    if item.milestone_id and item.milestone_id in milestones:
        return reverse("portal:milestone", args=[slug, item.milestone.code])
    if item.measure_id and item.measure_id in measures:
        return reverse("portal:measure", args=[slug, item.measure.code])
    if item.position_id:
        return reverse("portal:positions", args=[slug])
    return reverse("portal:overview", args=[slug])


def _about_label(item, public):
    measures, milestones, _submissions = public
    if item.milestone_id:
        shown = item.milestone_id in milestones
        thing = item.milestone
    elif item.measure_id:
        shown = item.measure_id in measures
        thing = item.measure
    elif item.position_id:
        shown, thing = True, item.position
    else:
        return _("the programme")
    return f"{thing.code} {thing.title}" if shown else _("something that is not public")


def _follows(user):
    return (
        Follow.objects.filter(user=user)
        .select_related("programme", "measure", "position", "submission__programme", "proposal")
        .select_related("submission__measure", "submission__milestone")
        .order_by("programme__title", "created", "pk")
    )


def _submissions(user):
    return (
        Submission.objects.filter(author=user)
        .select_related("programme", "measure", "milestone", "position", "body")
        .prefetch_related("extensions")
        .order_by("-received", "-pk")
    )


def _contributions(user, public, today):
    rows = []
    for item in _submissions(user):
        status = item.status(today)
        rows.append(
            {
                "item": item,
                "about": _about_label(item, public),
                "status": STATUS_LABELS.get(status, "") if status else "",
                "url": _about_url(item, public),
            }
        )
    return rows


@participant_required
def overview(request, participant):
    user = request.user
    if request.method == "POST" and "unfollow" in request.POST:
        follow = Follow.objects.filter(user=user, pk=request.POST.get("unfollow")).first()
        if follow is not None:
            service.unfollow(follow, actor=Actor(user=user))
            messages.success(request, _("You no longer follow it."))
        return redirect("portal:account")
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                service.change_participant(
                    user,
                    actor=Actor(user=user),
                    display_name=form.cleaned_data["display_name"],
                    mail_mode=form.cleaned_data["mail_mode"],
                )
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Your settings are saved."))
                return redirect("portal:account")
    else:
        form = ProfileForm(
            initial={"display_name": participant.display_name, "mail_mode": participant.mail_mode}
        )
    public = _public_ids()
    context = {
        "nav": "account",
        "participant": participant,
        "form": form,
        "follows": _followed(_follows(user), public),
        "contributions": _contributions(user, public, clock.today()),
        "addresses": EmailAddress.objects.filter(user=user).order_by("-primary", "email"),
    }
    return render(request, "portal/account.html", context)


def export_data(user) -> dict:
    """Everything Plansicht keeps about the participant, as they may take it with them
    (Art. 15 and 20 GDPR): nothing about other people, nothing only the office sees."""
    participant = Participant.objects.get(user=user)
    public = _public_ids()
    today = clock.today()
    follows = [
        {
            "programme": row["programme"].title,
            "what": str(row["label"]),
            "since": row["follow"].created,
        }
        for row in _followed(_follows(user), public)
    ]
    contributions = []
    for item in _submissions(user):
        contributions.append(
            {
                "programme": item.programme.title,
                "kind": item.kind,
                "code": item.code,
                "about": str(_about_label(item, public)),
                "body": item.body.name if item.body_id else None,
                "shown_name": item.author_name,
                "received": item.received,
                "due": item.due,
                "due_in_force": item.due_in_force(today),
                "text": item.text,
                "status": item.status(today),
                "awaiting_release": item.pending,
                "hidden_by_moderation": item.hidden,
                "reason_for_hiding": item.hidden_reason or None,
                "withdrawn_on": item.withdrawn_on,
                "answer": (
                    {"text": item.answer, "on": item.answered_on} if item.answered_on else None
                ),
                "extensions": [
                    {"granted_on": e.on, "to": e.to, "reason": e.reason}
                    for e in item.extensions.all()
                ],
            }
        )
    return {
        "exported_at": timezone.localtime(),
        "display_name": participant.display_name,
        "mail_mode": participant.mail_mode,
        "signed_up": timezone.localtime(user.date_joined),
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("-primary", "email")
        ],
        "speaker_for": sorted(body.name for body in user.bodies_spoken_for.all()),
        "follows": follows,
        "questions_and_statements": contributions,
        "proposals": [
            {
                "programme": p.programme.title,
                "code": p.code,
                "title": p.title,
                "text": p.text,
                "received": p.received,
                "body": p.body.name if p.body_id else None,
                "status": p.status,
                "hidden_by_moderation": p.hidden,
                "reason_for_hiding": p.hidden_reason or None,
            }
            for p in Proposal.objects.filter(author=user).select_related("programme", "body")
        ],
        "supports": [
            {"programme": s.proposal.programme.title, "proposal": s.proposal.code, "on": s.on}
            for s in Support.objects.filter(user=user).select_related("proposal__programme")
        ],
        "consultation_answers": [
            {
                "programme": r.consultation.programme.title,
                "consultation": r.consultation.title,
                "first_answered": timezone.localtime(r.submitted),
                "last_changed": timezone.localtime(r.changed),
                "answers": [
                    {
                        "question": a.question.text,
                        "text": a.text or None,
                        "chosen": [
                            a.question.choices[i]
                            for i in a.choices
                            if isinstance(i, int) and 0 <= i < len(a.question.choices)
                        ],
                        "rating": a.rating,
                    }
                    for a in r.answers.select_related("question")
                ],
            }
            for r in Response.objects.filter(user=user).select_related("consultation__programme")
        ],
    }


@participant_required
def export(request, participant):
    data = export_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="plansicht-meine-daten-{clock.today().isoformat()}.json"'
    )
    return response


@participant_required
def delete(request, participant):
    if request.method == "POST":
        user = request.user
        try:
            service.delete_participant(user, actor=Actor(user=user))
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("portal:account_delete")
        logout(request)
        messages.success(request, _("Your account is deleted."))
        return redirect("portal:index")
    count = Submission.objects.filter(author=request.user).count()
    return render(request, "portal/account_delete.html", {"count": count})
