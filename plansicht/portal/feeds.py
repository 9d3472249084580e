"""Atom feeds of a programme and of a measure: every public change — the plan, the money, the
posts, and the participation's new statements and answers — newest first (Django's
syndication framework). The same events as the public history, with the same words."""

from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import slugify
from django.utils.translation import gettext as _

from plansicht.forecast import public_history
from plansicht.history.models import Event
from plansicht.history.registry import action_label, describe
from plansicht.participation.models import Submission
from plansicht.plan.models import Measure, Programme

LIMIT = 50
PAGES = {  # a subject's public page → how to reach it
    "milestone": lambda slug, code: reverse("portal:milestone", args=[slug, code]),
    "measure": lambda slug, code: reverse("portal:measure", args=[slug, code]),
    "positions": lambda slug, code: (
        reverse("portal:positions", args=[slug]) + f"#post-{slugify(code)}"
    ),
    "overview": lambda slug, code: reverse("portal:overview", args=[slug]),
}


class ProgrammeFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        return get_object_or_404(Programme, slug=slug)

    def title(self, programme):
        return _("{title}: changes, answers and statements").format(title=programme.title)

    def subtitle(self, programme):
        return _("Every public change of the programme, newest first.")

    def link(self, programme):
        return reverse("portal:history", args=[programme.slug])

    def events(self, programme):
        return Event.objects.for_programme(programme).public()

    def items(self, programme):
        events = public_history.with_subjects(
            programme, self.events(programme).select_related("unit")[:LIMIT]
        )
        submissions = _public_submissions(programme, events)
        for event in events:
            event.feed_link = _link(programme, event, submissions)
        return events

    def item_title(self, event):
        shown = event.shown.text if event.shown else event.subject_label
        return (
            f"{action_label(event.action)}: {shown}" if shown else str(action_label(event.action))
        )

    def item_description(self, event):
        lines = [
            f"{what}: {old} → {new}" for what, old, new in describe(event.action, event.changes)
        ]
        if event.reason:
            lines.append(_("Reason: {reason}").format(reason=event.reason))
        if event.actor:
            lines.append(_("By: {who}").format(who=event.actor))
        return "\n".join(lines)

    def item_link(self, event):
        return event.feed_link

    def item_guid(self, event):
        return f"plansicht-event-{event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, event):
        return event.at

    def item_updateddate(self, event):
        return event.at


class MeasureFeed(ProgrammeFeed):
    def get_object(self, request, slug, code):
        programme = get_object_or_404(Programme, slug=slug)
        measure = Measure.objects.filter(programme=programme, code=code).public().first()
        if measure is None:
            raise Http404
        measure.feed_programme = programme
        return measure

    def title(self, measure):
        return _("{code} {title}: changes, answers and statements").format(
            code=measure.code, title=measure.title
        )

    def subtitle(self, measure):
        return _("Every public change of the measure and its sub-measures, newest first.")

    def link(self, measure):
        return reverse("portal:measure", args=[measure.feed_programme.slug, measure.code])

    def items(self, measure):
        programme = measure.feed_programme
        subtree = Measure.objects.filter(programme=programme).public().subtree_ids(measure)
        events = Event.objects.for_programme(programme).public().filter(measure_id__in=subtree)
        events = public_history.with_subjects(programme, events.select_related("unit")[:LIMIT])
        submissions = _public_submissions(programme, events)
        for event in events:
            event.feed_link = _link(programme, event, submissions)
        return events


def _public_submissions(programme, events) -> dict:
    """{id: question or statement} of the public ones the events are about."""
    kind = ContentType.objects.get_for_model(Submission).pk
    ids = {e.subject_id for e in events if e.subject_type_id == kind}
    if not ids:
        return {}
    return {s.pk: s for s in Submission.objects.filter(programme=programme, pk__in=ids).public()}


def _link(programme, event, submissions) -> str:
    kind = ContentType.objects.get_for_model(Submission).pk  # cached by Django
    item = submissions.get(event.subject_id) if event.subject_type_id == kind else None
    if item is not None:
        name = "portal:question" if item.kind == Submission.QUESTION else "portal:statement"
        return reverse(name, args=[programme.slug, item.code])
    shown = event.shown
    if shown is not None and shown.page in PAGES:
        return PAGES[shown.page](programme.slug, shown.code)
    return reverse("portal:history", args=[programme.slug])
