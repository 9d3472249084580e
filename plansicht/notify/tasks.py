"""The background tasks that tell participants what happened (django-tasks; run by
``manage.py db_worker``). Each is enqueued when the transaction that wrote the change commits
(``notify.hooks``), so a change that is rolled back tells nobody.

Who is told:
- the asker (or the body's speaker) gets a receipt with the due date;
- followers of a question hear of its answer and of an extended due date;
- followers of the programme, or of the measure or post an item is about, hear of a new
  statement and of a new answer there (published items only);
- followers of a measure hear when its forecast finish moves later or its health worsens;
- followers of a proposal (its proposer follows it) hear of each change of its status and of
  an extended due date (not the one who made the change, such as a proposer withdrawing).
A participant who chose the daily digest gets these as one mail a day (``send_digests``).
"""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_tasks import task

from plansicht.forecast.models import HEALTH_CHOICES
from plansicht.history.models import Event
from plansicht.participation.models import Follow, Participant, Submission
from plansicht.plan.models import Measure
from plansicht.proposals.models import Proposal, status_label

from . import mail
from .models import Notice

HEALTH_ORDER = {"green": 1, "amber": 2, "red": 3}
HEALTH_WORDS = dict(HEALTH_CHOICES)


def _link(name, *args) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return mail.absolute(reverse(name, args=args))


def item_url(item: Submission) -> str:
    name = "portal:question" if item.kind == Submission.QUESTION else "portal:statement"
    return _link(name, item.programme.slug, item.code)


def _short(value: date | None) -> str:
    if value is None:
        return "–"
    with translation.override(settings.LANGUAGE_CODE):
        return date_format(value, "SHORT_DATE_FORMAT")


def _deliver(user, follow, template: str, context: dict, url: str) -> None:
    """A mail now, or a notice for the daily digest, as the participant chose."""
    participant = Participant.objects.filter(user=user).first()
    if participant is not None and participant.mail_mode == Participant.DIGEST:
        subject = mail.subject(template, context)
        Notice.objects.create(user=user, subject=subject, text="", url=url)
    else:
        mail.send(user, template, context, follow=follow)


def _followers_of_item(item: Submission):
    """(user, follow) of everyone following this question or statement itself."""
    return [(f.user, f) for f in Follow.objects.filter(submission=item).select_related("user")]


def _followers_around(item: Submission):
    """(user, follow) of everyone following the programme, or the measure or post the item is
    about (a milestone's: its measure)."""
    measure_id = item.measure_id or (item.milestone.measure_id if item.milestone_id else None)
    around = Q(measure=None, position=None, submission=None, proposal=None)
    if measure_id:
        around |= Q(measure_id=measure_id, submission=None, proposal=None)
    if item.position_id:
        around |= Q(position_id=item.position_id, submission=None, proposal=None)
    follows = Follow.objects.filter(around, programme=item.programme_id).select_related("user")
    return [(f.user, f) for f in follows]


def _once(pairs, skip=()):
    seen = set(skip)
    for user, follow in pairs:
        if user.pk not in seen:
            seen.add(user.pk)
            yield user, follow


@task()
def event_notices(event_id: int) -> int:
    """Tell everyone concerned about one participation event; returns how many were told."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None or event.subject_id is None:
        return 0
    if event.action.startswith("proposal."):
        return _proposal_notices(event)
    item = (
        Submission.objects.select_related("programme", "milestone", "measure", "position")
        .filter(pk=event.subject_id)
        .first()
    )
    if item is None:
        return 0
    url = item_url(item)
    context = {"item": item, "url": url, "programme": item.programme}
    told = 0
    published = not item.pending and not item.hidden
    if event.action in ("question.received", "statement.received"):
        if item.author_id is not None:
            context["due"] = _short(item.due)
            if mail.send(item.author, "receipt", context, follow=_own_follow(item)):
                told += 1
        if event.action == "statement.received" and published:
            for user, follow in _once(_followers_around(item), skip=[item.author_id]):
                _deliver(user, follow, "new_statement", context, url)
                told += 1
    elif event.action == "submission.answered" and published:
        pairs = _followers_of_item(item) + _followers_around(item)
        for user, follow in _once(pairs):
            _deliver(user, follow, "answered", context, url)
            told += 1
    elif event.action == "submission.extended" and published:
        extension = item.extensions.order_by("-on", "-pk").first()
        context.update(to=_short(extension.to if extension else None), reason=event.reason)
        for user, follow in _once(_followers_of_item(item)):
            _deliver(user, follow, "extended", context, url)
            told += 1
    return told


def proposal_url(item: Proposal) -> str:
    """The proposal's public page; the programme's overview where the portal has no page for
    proposals."""
    try:
        return _link("portal:proposal", item.programme.slug, item.code)
    except NoReverseMatch:
        return _link("portal:overview", item.programme.slug)


def _proposal_notices(event) -> int:
    """Tell the followers of a proposal (but not whoever made the change) that its status
    changed or its due date was extended. Nothing for a hidden proposal or one the public
    does not see."""
    item = (
        Proposal.objects.public()
        .select_related("programme")
        .filter(pk=event.subject_id, hidden=False)
        .first()
    )
    if item is None:
        return 0
    url = proposal_url(item)
    context = {"item": item, "url": url, "programme": item.programme, "reason": event.reason}
    if event.action == "proposal.decided":
        decision = item.decisions.order_by("-on", "-pk").first()
        if decision is None:
            return 0
        with translation.override(settings.LANGUAGE_CODE):
            context.update(status=status_label(item.programme, decision.status))
        context.update(on=_short(decision.on), link=decision.link)
        template = "proposal_decided"
    elif event.action == "proposal.extended":
        extension = item.extensions.order_by("-on", "-pk").first()
        context.update(to=_short(extension.to if extension else None))
        template = "proposal_extended"
    else:
        return 0
    told = 0
    follows = Follow.objects.filter(proposal=item).select_related("user")
    pairs = ((f.user, f) for f in follows)
    for user, follow in _once(pairs, skip=[event.user_id] if event.user_id else ()):
        _deliver(user, follow, template, context, url)
        told += 1
    return told


def _own_follow(item):
    return Follow.objects.filter(user_id=item.author_id, submission=item).first()


@task()
def forecast_notices(programme_id: int, changes: list) -> int:
    """Tell the followers of each measure in ``changes`` — [measure id, old finish, new
    finish, old health, new health] with ISO dates — that its forecast got worse."""
    told = 0
    measures = Measure.objects.select_related("programme").in_bulk([c[0] for c in changes])
    for measure_id, old_finish, new_finish, old_health, new_health in changes:
        measure = measures.get(measure_id)
        if measure is None or measure.draft:
            continue
        url = _link("portal:measure", measure.programme.slug, measure.code)
        context = {
            "measure": measure,
            "url": url,
            "old_finish": _short(date.fromisoformat(old_finish) if old_finish else None),
            "new_finish": _short(date.fromisoformat(new_finish) if new_finish else None),
            "old_health": HEALTH_WORDS.get(old_health, "–"),
            "new_health": HEALTH_WORDS.get(new_health, "–"),
            "later": bool(old_finish and new_finish and new_finish > old_finish),
            "worse": HEALTH_ORDER.get(new_health, 0) > HEALTH_ORDER.get(old_health, 0) > 0,
        }
        follows = Follow.objects.filter(measure=measure, submission=None).select_related("user")
        for user, follow in _once((f.user, f) for f in follows):
            _deliver(user, follow, "forecast", context, url)
            told += 1
    return told


@task()
def digest(user_id: int) -> int:
    """Send one mail with every notice the user has not had yet; returns their number."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return 0
    with transaction.atomic():
        notices = list(Notice.objects.select_for_update().filter(user=user, sent=None))
        if not notices:
            return 0
        if mail.send(user, "digest", {"notices": notices}):
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(sent=timezone.now())
    return len(notices)
