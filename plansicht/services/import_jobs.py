"""Large plan imports through the task worker (``manage.py db_worker``): the office hands a big
file over (``request_import``), the worker reads it, telling the job how many rows it has read,
then checks and imports it through ``services.imports.import_plan`` -- the same all-or-nothing
import with its history events as for a small file -- and keeps what it found on the job. A
dry run comes first; ``apply_checked`` imports the very bytes a dry run checked.

A job keeps the file's bytes only until they are imported (or for ``KEEP_DAYS``: the jobs of a
programme older than that are removed when the next one is requested)."""

import hashlib
import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from plansicht import clock
from plansicht.imports.models import ImportJob
from plansicht.imports.plan_table import read_plan
from plansicht.plan.models import Programme

from . import Actor, ServiceError
from .imports import import_plan
from .permissions import can_edit_plan, check

KEEP_DAYS = 7
log = logging.getLogger(__name__)


def request_import(
    programme: Programme,
    data: bytes,
    name: str,
    *,
    actor: Actor,
    reason: str = "",
    dry_run: bool = True,
    checked: ImportJob | None = None,
) -> ImportJob:
    """Check who asks and hand the file to the task worker; the job tells where it stands."""
    check(actor, lambda user: can_edit_plan(user, programme))
    if actor.user is None:
        raise ServiceError(_("Only a signed-in user imports a plan from the office."))
    ImportJob.objects.filter(
        programme=programme, created__lt=clock.now() - timedelta(days=KEEP_DAYS)
    ).delete()
    job = ImportJob.objects.create(
        programme=programme,
        user=actor.user,
        name=name[:255],
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        reason=(reason or "").strip(),
        dry_run=dry_run,
        checked=checked,
    )
    # The database backend queues in this transaction: the worker sees the job once it exists.
    import_in_background.enqueue(str(job.pk), translation.get_language() or "de")
    return job


def apply_checked(job: ImportJob, *, actor: Actor) -> ImportJob:
    """Import the bytes a finished dry run found no problem in."""
    result = job.result or {}
    if not job.dry_run or job.state != ImportJob.DONE or result.get("problems") or not job.data:
        raise ServiceError(
            _("This file has not been checked without problems; upload it again to check it.")
        )
    return request_import(
        job.programme,
        bytes(job.data),
        job.name,
        actor=actor,
        reason=job.reason,
        dry_run=False,
        checked=job,
    )


@task()
def import_in_background(job_id: str, ui_language: str) -> None:
    """The task worker's half of ``request_import``."""
    job = ImportJob.objects.select_related("programme", "user").filter(pk=job_id).first()
    if job is None or job.state != ImportJob.WAITING:
        return
    with translation.override(ui_language):
        try:
            _move(job, ImportJob.READING)
            table = read_plan(bytes(job.data), progress=lambda done, total: _read(job, done, total))
            _move(job, ImportJob.IMPORTING)
            if job.user is None:
                raise PermissionDenied
            result = import_plan(
                job.programme,
                table,
                actor=Actor.for_user(job.user, job.programme),
                reason=job.reason,
                dry_run=job.dry_run,
                source=job.name,
            )
            outcome = result.as_data()
        except PermissionDenied:
            outcome = {"error": _("You may no longer import the plan of this programme.")}
        except ServiceError as e:
            outcome = {"error": str(e.message)}
        except Exception:
            log.exception("import job %s failed", job.pk)
            _finish(job, ImportJob.FAILED, None)
            raise
    _finish(job, ImportJob.DONE, outcome)


def _move(job: ImportJob, state: str) -> None:
    job.state = state
    ImportJob.objects.filter(pk=job.pk).update(state=state)


def _read(job: ImportJob, done: int, total: int) -> None:
    ImportJob.objects.filter(pk=job.pk).update(rows_read=done, rows_total=total)


def _finish(job: ImportJob, state: str, outcome: dict | None) -> None:
    """Keep what the import found; an applied file's bytes (and its dry run's) are dropped."""
    applied = state == ImportJob.DONE and not job.dry_run and not (outcome or {}).get("problems")
    update = {"state": state, "result": outcome, "finished": clock.now()}
    if applied:
        update["data"] = b""
        if job.checked_id:
            ImportJob.objects.filter(pk=job.checked_id).update(data=b"")
    ImportJob.objects.filter(pk=job.pk).update(**update)
