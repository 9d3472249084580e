"""Build a report's content (``content.Report``) from a programme's data as of a cut-off date.

``build(programme, kind, as_of=…, language=…)`` activates the language, computes the forecast
as of the cut-off (``forecast.run.compute``, never the stored forecast, which is as of today),
gathers what every kind reads (``facts.gather``) and hands it to the kind's module in
``kinds/``. The result is final text: the renderers only lay it out. The same data and
arguments give the same report: nothing in it but the cut-off and the issue date is a date
of the day it is built.
"""

from datetime import date

from django.utils import translation
from django.utils.translation import gettext as _

from .content import Report
from .facts import gather
from .kinds import change_request, council, drawdown, funder, proof, public
from .words import day

# kind → its module (see ``kinds/__init__.py`` for what a module gives).
BUILDERS = {
    "funder": funder,
    "proof": proof,
    "council": council,
    "change-request": change_request,
    "drawdown": drawdown,
    "public": public,
}
KINDS = tuple(BUILDERS)


class UnknownKind(ValueError):
    """The kind of report is not one of ``KINDS``."""


def _subtitle(facts, issue_date) -> str:
    if issue_date is not None:
        return _("As of %(date)s, issued on %(issued)s") % {
            "date": day(facts.as_of),
            "issued": day(issue_date),
        }
    return _("As of %(date)s") % {"date": day(facts.as_of)}


def build(
    programme,
    kind: str,
    *,
    as_of: date,
    language: str = "de",
    issue_date: date | None = None,
    public: bool | None = None,
    year: int | None = None,
) -> Report:
    """The report of ``kind`` on ``programme`` as of the cut-off ``as_of``, in ``language``
    (de or en). ``public``: whether it is to be published (default: by kind); a public report
    holds nothing internal, a funder report issued as public included. Raises UnknownKind for
    a kind not in ``KINDS``. ``year``: the year of an interim proof of use (None: the final
    proof; other kinds take none), read by the kind as ``facts.year``."""
    module = BUILDERS.get(kind)
    if module is None:
        raise UnknownKind(kind)
    with translation.override(language):
        facts_date = getattr(module, "facts_as_of", lambda d: d)(as_of)
        facts = gather(programme, facts_date)
        facts.for_public = not module.INTERNAL if public is None else public
        facts.year = year
        subtitle = getattr(module, "subtitle", _subtitle)(facts, issue_date)
        return Report(
            kind=kind,
            language=language,
            title=module.title(facts),
            subtitle=subtitle,
            programme=programme.slug,
            cut_off=as_of,
            issue_date=issue_date,
            internal=not facts.for_public,
            sections=tuple(module.sections(facts, issue_date)),
        )
