"""The consultations' reads: who may see one, and its results.

Results (published after the close; the office sees them at any time):
- per choice question, each choice's count and its share of the respondents to that question
  (those who answered it), in percent with one decimal, rounded half up; a multiple choice
  question's shares may add up to more than 100;
- per rating question, the count of each rating 1 to 5 and the mean, one decimal, half up;
- per free-text question, the number of answers and the released ones that are not hidden.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plansicht.accounts.models import StaffRole

from .models import Answer, Consultation, Question

ONE_DECIMAL = Decimal("0.1")


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _groups(extra_data: dict) -> set[str]:
    """The groups an identity provider gave at single sign-on (the ID token's and userinfo's
    claim named by OIDC_GROUPS_CLAIM)."""
    claim = getattr(settings, "OIDC_GROUPS_CLAIM", "groups")
    found = set()
    for part in ("id_token", "userinfo"):
        value = (extra_data.get(part) or {}).get(claim)
        if isinstance(value, str):
            found.add(value)
        elif isinstance(value, list):
            found.update(str(v) for v in value if isinstance(v, str | int))
    return found


def is_staff_of(user, organisation) -> bool:
    """Whether ``user`` counts as the organisation's staff: an office user of it (a superuser
    too), a participant whose verified e-mail address is in one of its staff domains, or —
    with single sign-on — a member of its staff group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or StaffRole.objects.filter(user=user, organisation=organisation).exists():
        return True
    domains = {d.strip().lower().lstrip("@") for d in organisation.staff_email_domains or ()}
    domains.discard("")
    if domains:
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        ):
            if address.rpartition("@")[2].lower() in domains:
                return True
    if organisation.staff_group:
        from allauth.socialaccount.models import SocialAccount

        for extra in SocialAccount.objects.filter(user=user).values_list("extra_data", flat=True):
            if organisation.staff_group in _groups(extra or {}):
                return True
    return False


def may_see(consultation: Consultation, user) -> bool:
    """A public consultation everyone sees; a staff-only one only the organisation's staff."""
    if consultation.audience == Consultation.PUBLIC:
        return True
    return is_staff_of(user, consultation.programme.organisation)


def visible(queryset, user, organisation):
    """The consultations of ``queryset`` ``user`` may see (all of one organisation's)."""
    if is_staff_of(user, organisation):
        return queryset
    return queryset.filter(audience=Consultation.PUBLIC)


@dataclass
class ChoiceResult:
    label: str
    count: int
    share: Decimal | None  # percent of the question's respondents


@dataclass
class QuestionResult:
    question: Question
    respondents: int
    choices: list[ChoiceResult] = field(default_factory=list)  # choice and rating questions
    mean: Decimal | None = None  # rating questions
    texts: list[str] = field(default_factory=list)  # free text: released, not hidden
    awaiting_moderation: int = 0  # free text: not yet released


def results(consultation: Consultation) -> list[QuestionResult]:
    """The results of every question, in order (two queries)."""
    questions = list(consultation.questions.order_by("number"))
    answers: dict[int, list[Answer]] = {q.pk: [] for q in questions}
    for answer in Answer.objects.filter(question__consultation=consultation).order_by("pk"):
        answers[answer.question_id].append(answer)
    out = []
    for q in questions:
        given = [a for a in answers[q.pk] if _answered(q, a)]
        result = QuestionResult(q, len(given))
        if q.kind in (Question.SINGLE, Question.MULTIPLE):
            counts = [0] * len(q.choices)
            for a in given:
                for index in set(a.choices):
                    if isinstance(index, int) and 0 <= index < len(counts):
                        counts[index] += 1
            result.choices = [
                ChoiceResult(label, n, _share(n, len(given)))
                for label, n in zip(q.choices, counts, strict=True)
            ]
        elif q.kind == Question.RATING:
            counts = [0] * 5
            for a in given:
                counts[a.rating - 1] += 1
            result.choices = [
                ChoiceResult(str(r), counts[r - 1], _share(counts[r - 1], len(given)))
                for r in range(1, 6)
            ]
            if given:
                total = sum(a.rating for a in given)
                result.mean = _one_decimal(Decimal(total) / len(given))
        else:
            result.texts = [a.text for a in given if a.released and not a.hidden]
            result.awaiting_moderation = sum(1 for a in given if not a.released and not a.hidden)
        out.append(result)
    return out


def _answered(question: Question, answer: Answer) -> bool:
    if question.kind == Question.TEXT:
        return bool(answer.text.strip())
    if question.kind == Question.RATING:
        return answer.rating is not None
    return bool(answer.choices)


def _share(count: int, respondents: int) -> Decimal | None:
    if not respondents:
        return None
    return _one_decimal(Decimal(100 * count) / respondents)


def respondents(consultation: Consultation) -> int:
    return consultation.responses.count()


def moment_words(value) -> str:
    """A moment in local time as people read it: 31.12.2026, 18:00 Uhr."""
    local = timezone.localtime(value)
    return _("{date}, {time}").format(
        date=date_format(local, "SHORT_DATE_FORMAT"), time=date_format(local, "TIME_FORMAT")
    )
