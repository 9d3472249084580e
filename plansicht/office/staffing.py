"""Office pages for posts and hiring (Murat, HR): every post with its hiring step, fill date,
stand-in, the milestones waiting for it, its vacancy cost and its alerts; one post's details
and step history with the forms to change them; and the what-if that shows what filling a post
by a given date would change.

Every office role may read. Only the roles that may change posts (``can_edit_positions``: HR
officers and administrators) see the forms or may post them; every change goes through
``plansicht.services.staffing``. The what-if only computes (``forecast.run.compute`` with
``assume``) and stores nothing.
"""

from datetime import date
from fractions import Fraction

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plansicht.engine.hiring import DEFAULT_HIRING_DAYS
from plansicht.engine.money import cents
from plansicht.forecast import run
from plansicht.funding.models import Grant
from plansicht.history.models import Event
from plansicht.plan.models import Milestone
from plansicht.services import ServiceError
from plansicht.services import staffing as staffing_service
from plansicht.services.common import beyond_calendar_message
from plansicht.services.permissions import can_edit_milestone, can_edit_positions
from plansicht.staffing.alerts import alert_texts
from plansicht.staffing.models import ALERT_FIELDS, STEP_CHOICES, Position

from .common import actor, get_programme_for_user, initial_from, page_context, show_error
from .forms import HiringSettingsForm, PositionForm, StepForm, WhatIfForm

STEP_LABELS = dict(STEP_CHOICES)


def _staffing_context(request, programme, nav, **extra):
    return page_context(
        request,
        programme,
        nav=nav,
        can_edit_positions=can_edit_positions(request.user, programme),
        **extra,
    )


def _forecast_of(position):
    return getattr(position, "forecast", None)


def _as_of(programme) -> date:
    forecast = getattr(programme, "forecast", None)
    return forecast.as_of if forecast is not None else run.today()


def _change(days) -> str:
    """A move in days in words: "12 days earlier", "3 days later", "no change"."""
    if days is None:
        return "–"
    if days < 0:
        return ngettext("%(days)d day earlier", "%(days)d days earlier", -days) % {"days": -days}
    if days > 0:
        return ngettext("%(days)d day later", "%(days)d days later", days) % {"days": days}
    return _("no change")


def _short(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


# -- the list of posts ------------------------------------------------------------------------


def _waiting(request, programme, posts):
    """Mark each waiting milestone: may this user edit it, and is it public at all?"""
    milestones = Milestone.objects.filter(programme=programme)
    public = milestones.public_ids()
    for post in posts:
        for milestone in post.waiting:
            milestone.is_public = milestone.pk in public
            milestone.editable = can_edit_milestone(request.user, milestone)


def _posts(programme):
    return Position.objects.filter(programme=programme).prefetch_related(
        Prefetch(
            "required_by",
            queryset=Milestone.objects.select_related(
                "measure", "measure__parent", "programme", "forecast"
            ).order_by("code"),
            to_attr="waiting",
        )
    )


@login_required
def positions(request, slug):
    programme = get_programme_for_user(request, slug)
    as_of = _as_of(programme)
    posts = list(_posts(programme).select_related("forecast", "grant", "unit").order_by("code"))
    _waiting(request, programme, posts)
    for post in posts:
        post.stored = _forecast_of(post)
        post.step_label = STEP_LABELS.get(post.stored.current_step, "") if post.stored else ""
        post.alert_texts = alert_texts(post, post.stored.alerts if post.stored else [], as_of)
    return render(
        request,
        "office/positions.html",
        _staffing_context(
            request,
            programme,
            "positions",
            posts=posts,
            as_of=as_of,
        ),
    )


# -- one post ---------------------------------------------------------------------------------


def _history(post):
    """The post's events; their wording comes from the shared history filters."""
    return Event.objects.about(post).select_related("unit")[:50]


@login_required
def position(request, slug, code):
    programme = get_programme_for_user(request, slug)
    post = get_object_or_404(
        _posts(programme).select_related("forecast", "grant", "unit"), code=code
    )
    may_edit = can_edit_positions(request.user, programme)
    forms = {
        "step": StepForm(prefix="step", initial={"on": run.today()}),
        "details": PositionForm(
            prefix="details", programme=programme, initial=initial_from(post, PositionForm)
        ),
    }
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        op = request.POST.get("op")
        if op not in forms:
            messages.error(request, _("Choose what to save: a hiring step or the details."))
            status = 400
        else:
            done = _save(request, programme, post, op, forms)
            if done:
                messages.success(request, done)
                return redirect("office:position", programme.slug, post.code)
            status = 400
    as_of = _as_of(programme)
    stored = _forecast_of(post)
    _waiting(request, programme, [post])
    return render(
        request,
        "office/position.html",
        _staffing_context(
            request,
            programme,
            "positions",
            post=post,
            stored=stored,
            step_label=STEP_LABELS.get(stored.current_step, "") if stored else "",
            alerts=alert_texts(post, stored.alerts if stored else [], as_of),
            steps=[(STEP_LABELS.get(s.step, s.step), s.on) for s in post.steps.all()],
            history=_history(post),
            forms=forms,
            as_of=as_of,
        ),
        status=status,
    )


def _save(request, programme, post, op, forms):
    """Validate the posted form and call its service; the success message, or False."""
    if op == "step":
        form = forms["step"] = StepForm(request.POST, prefix="step")
    else:
        form = forms["details"] = PositionForm(request.POST, prefix="details", programme=programme)
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    reason = data.pop("reason")
    version = data.pop("version", None)
    by = actor(request, programme)
    try:
        if op == "step":
            staffing_service.record_step(post, data["step"], data["on"], actor=by, reason=reason)
            return _(
                "The hiring step “%(step)s” on %(date)s was entered and the forecast updated."
            ) % {"step": STEP_LABELS[data["step"]], "date": _short(data["on"])}
        data["pay_grade"] = data["pay_grade"] or ""
        data["holder"] = data["holder"] or ""
        staffing_service.save_position(
            post, actor=by, reason=reason, expected_version=version, **data
        )
        return _("The details of post %(code)s were saved and the forecast updated.") % {
            "code": post.code
        }
    except ServiceError as e:
        show_error(form, e)
        return False


# -- the what-if ------------------------------------------------------------------------------


@login_required
def what_if(request, slug):
    """GET only: it changes nothing. Compares the forecast as planned with the forecast if the
    chosen post were filled on the chosen day."""
    programme = get_programme_for_user(request, slug)
    posts = list(Position.objects.filter(programme=programme).select_related("forecast"))
    choices = []
    for post in posts:
        stored = _forecast_of(post)
        if stored is not None and not stored.vacant:
            label = _("%(post)s (filled)") % {"post": post}
        elif stored is not None:
            label = _("%(post)s (vacant)") % {"post": post}
        else:
            label = str(post)
        choices.append((post.code, label))
    as_of = run.today()
    # The question is asked once a day is sent; a post alone (the link on a post's page)
    # only preselects it.
    bound = "filled_on" in request.GET
    initial = {"post": request.GET["post"]} if "post" in request.GET else {}
    form = WhatIfForm(request.GET if bound else None, posts=choices, initial=initial)
    comparison = None
    status = 200
    if bound:
        if form.is_valid():
            comparison = _compare(request, programme, form, {p.code: p for p in posts}, as_of)
        if form.errors:
            comparison = None
            status = 400
    return render(
        request,
        "office/what_if.html",
        _staffing_context(
            request,
            programme,
            "what_if",
            form=form,
            comparison=comparison,
            as_of=as_of,
        ),
        status=status,
    )


def _compare(request, programme, form, by_code, as_of):
    """The two forecasts side by side, or None with the reason put on the form."""
    post = by_code[form.cleaned_data["post"]]
    on = form.cleaned_data["filled_on"]
    if on < as_of:
        form.add_error(
            "filled_on",
            _(
                "Choose today (%(today)s) or a later day: the what-if asks when a vacant post "
                "will be filled."
            )
            % {"today": _short(as_of)},
        )
        return None
    try:
        inputs = run.load(programme, as_of)  # read once, computed twice
        planned = run.compute_on(inputs)
        assumed = run.compute_on(inputs, assume={post.pk: on})
    except run.BeyondCalendar:
        form.add_error("filled_on", beyond_calendar_message())
        return None
    now = planned.forecast.positions.get(post.pk)
    if now is None or not now.vacant:
        form.add_error(
            "post",
            _("Post %(code)s is filled (since %(date)s). Choose a vacant post.")
            % {"code": post.code, "date": _short(now.fill if now else None)},
        )
        return None
    milestones = _milestone_rows(request, programme, post, planned, assumed)
    direct = [row for row in milestones["rows"] if row["direct"]]
    if not direct:
        effect = "none_waiting"
    elif not any(row["moved"] for row in direct):
        effect = "none_moves"
    else:
        effect = ""
    return {
        "post": post,
        "filled_on": on,
        "fill": {"planned": now.fill, "assumed": on, "change": _change((on - now.fill).days)},
        "programme": _programme_row(planned, assumed),
        "milestones": milestones,
        "effect": effect,
        "grants": _grant_rows(planned, assumed),
        "onboarding": programme.onboarding_days,
    }


def _programme_row(planned, assumed):
    a, b = planned.forecast.programme, assumed.forecast.programme
    days = (
        (b.forecast_finish - a.forecast_finish).days
        if a.forecast_finish and b.forecast_finish
        else None
    )
    return {"planned": a, "assumed": b, "change": _change(days)}


def _milestone_rows(request, programme, post, planned, assumed):
    """The milestones waiting for the post, and every milestone whose finish or health changes."""
    direct = set(post.required_by.values_list("pk", flat=True))
    before, after = planned.forecast.milestones, assumed.forecast.milestones
    keys = {k for k in before if k in direct}
    for key, old in before.items():
        new = after.get(key)
        if new is not None and (new.finish != old.finish or new.health != old.health):
            keys.add(key)
    drafts = list(
        Milestone.objects.filter(pk__in=direct)
        .exclude(pk__in=list(before))
        .order_by("code")
        .values_list("code", "title")
    )
    milestones = {
        m.pk: m
        for m in Milestone.objects.filter(pk__in=keys).select_related(
            "measure", "measure__parent", "programme"
        )
    }
    rows = []
    for key in keys:
        milestone = milestones[key]
        old, new = before[key], after[key]
        rows.append(
            {
                "milestone": milestone,
                "editable": can_edit_milestone(request.user, milestone),
                "direct": key in direct,
                "planned": old,
                "assumed": new,
                "change": _change((new.finish - old.finish).days),
                "moved": (new.start, new.finish) != (old.start, old.finish),
            }
        )
    rows.sort(key=lambda row: (not row["direct"], row["milestone"].code))
    return {"rows": rows, "drafts": drafts}


def _grant_rows(planned, assumed):
    if planned.funds is None:
        return None
    titles = {g.pk: g for g in Grant.objects.filter(pk__in=list(planned.funds.funding.grants))}
    after = assumed.funds.funding.grants if assumed.funds else {}
    rows = []
    zero = Fraction(0)
    total_before = total_after = zero
    for key, grant in planned.funds.funding.grants.items():
        other = after.get(key)
        old = grant.grant_at_risk
        new = other.grant_at_risk if other is not None else zero
        total_before += old
        total_after += new
        rows.append(
            {
                "grant": titles.get(key),
                "code": planned.funds.grant_codes.get(key, key),
                "planned": cents(old),
                "assumed": cents(new),
                "saved": cents(old - new),
            }
        )
    rows.sort(key=lambda row: str(row["code"]))
    return {
        "rows": rows,
        "planned": cents(total_before),
        "assumed": cents(total_after),
        "saved": cents(total_before - total_after),
    }


@login_required
def hiring_settings(request, slug):
    """The programme's typical days per hiring step, onboarding days and alert thresholds:
    every office role reads them, HR officers and administrators change them."""
    programme = get_programme_for_user(request, slug)
    may_edit = can_edit_positions(request.user, programme)
    form = HiringSettingsForm(initial={**_settings(programme), "version": programme.version})
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = HiringSettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                staffing_service.save_hiring_settings(
                    programme,
                    actor=actor(request, programme),
                    hiring_days={s: data[f"days_{s}"] for s in DEFAULT_HIRING_DAYS},
                    onboarding_days=data["onboarding_days"],
                    alert_days={key: data[f"alert_{key}"] for key in ALERT_FIELDS},
                    reason=data["reason"],
                    expected_version=data["version"],
                )
                messages.success(request, _("The settings were saved and the forecast updated."))
                return redirect("office:hiring_settings", programme.slug)
            except ServiceError as e:
                show_error(
                    form,
                    e,
                    stored=_settings,
                    fields={"hiring_days.": "days_", "alert_days.": "alert_"},
                )
        status = 400
    return render(
        request,
        "office/hiring_settings.html",
        _staffing_context(
            request,
            programme,
            "positions",
            form=form,
            may_edit=may_edit,
        ),
        status=status,
    )


def _settings(programme) -> dict:
    """The hiring settings as the form's fields name them."""
    days = {**DEFAULT_HIRING_DAYS, **programme.hiring_days}
    values = {f"days_{step}": value for step, value in days.items()}
    values["onboarding_days"] = programme.onboarding_days
    values.update({f"alert_{key}": getattr(programme, f) for key, f in ALERT_FIELDS.items()})
    return values
