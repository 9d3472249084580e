"""What every office page shares: who may open it, who acts, what every page's context holds,
how a posted form reaches its service, and how a service's refusal reaches the form.

Every view checks the user's role with the same rules the services enforce
(``plansicht.services.permissions``): anonymous users go to the login page
(``login_required``), a user without the right role gets 403.
"""

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.shortcuts import get_object_or_404

from plansicht.plan.models import Milestone, Programme
from plansicht.services import Actor, ChangedMeanwhile, ServiceError
from plansicht.services.permissions import can_edit_plan, can_view_office, role_for

from .conflicts import show_changed_meanwhile


def get_programme_for_user(request, slug, may=None) -> Programme:
    """The programme, if the user has an office role in it and, where ``may`` is given (a
    check of ``services.permissions`` such as ``can_edit_money``), may do that too; else 403."""
    programme = get_object_or_404(
        Programme.objects.select_related("organisation", "forecast"), slug=slug
    )
    if not can_view_office(request.user, programme):
        raise PermissionDenied
    if may is not None and not may(request.user, programme):
        raise PermissionDenied
    return programme


def get_milestone(programme, code) -> Milestone:
    """A milestone of the programme: every office role may read it; whether the user may
    change it is ``can_edit_milestone``."""
    return get_object_or_404(
        Milestone.objects.select_related("measure", "measure__parent", "programme", "forecast"),
        programme=programme,
        code=code,
    )


def actor(request, programme) -> Actor:
    """Who makes a change posted in this request."""
    return Actor.for_user(request.user, programme)


def initial_from(obj, form_class) -> dict:
    """The stored object's values under the names of the form's fields that are fields of the
    object (a foreign key as its id), the hidden version included."""
    values = {}
    for name in form_class.base_fields:
        try:
            values[name] = getattr(obj, obj._meta.get_field(name).attname)
        except FieldDoesNotExist:
            continue
    return values


def page_context(request, programme, **extra) -> dict:
    """The context every programme page of the office starts from."""
    return {
        "programme": programme,
        "role": role_for(request.user, programme),
        "can_edit_plan": can_edit_plan(request.user, programme),
        **extra,
    }


def show_error(form, error, *, stored=None, fields=None) -> None:
    """Put a service's refusal (``ServiceError``) on the bound ``form``: a changed-meanwhile
    one as ``conflicts.show_changed_meanwhile`` shows it, any other at the field it names if
    the form has that field, else at the top of the form.

    Where the form names things differently from the object and the service: ``stored`` gives
    the values of the object stored now under the form's field names (a function of it), and
    ``fields`` maps the start of a service's field name to the form's
    (``{"hiring_days.": "days_"}``)."""
    if isinstance(error, ChangedMeanwhile):
        current = error.current
        values = stored(current) if stored is not None and current is not None else None
        show_changed_meanwhile(form, error, stored=values)
        return
    name = error.field or ""
    for service_name, form_name in (fields or {}).items():
        if name.startswith(service_name):
            name = form_name + name[len(service_name) :]
    form.add_error(name if name in form.fields else None, error.message)


def submit(request, form, call, done=None, **show):
    """Hand the bound ``form`` to its service: if it is valid, ``call(**data)`` with its
    cleaned data (the hidden ``version`` as ``expected_version``). What the service returned
    (True where it returns nothing), with ``done`` shown as the success message; None if the
    form is invalid or the service refused, the refusal put on the form (``show_error``,
    with ``show``)."""
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    if "version" in data:
        data["expected_version"] = data.pop("version")
    try:
        result = call(**data)
    except ServiceError as e:
        show_error(form, e, **show)
        return None
    if done is not None:
        messages.success(request, done)
    return True if result is None else result
