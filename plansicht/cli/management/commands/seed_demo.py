"""Seed the demo programme "Musterstadt" (and, with --size, a synthetic one). Idempotent."""

import json
from datetime import date, datetime
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, no_translations

from plansicht import clock
from plansicht.accounts.models import StaffRole, Unit
from plansicht.consultations.models import Answer
from plansicht.demo import synthetic
from plansicht.documents.programme import DocumentInvalid, parse
from plansicht.forecast import run
from plansicht.plan.models import Measure, Milestone, Programme
from plansicht.services import Actor, ServiceError, consultations, participation
from plansicht.services import plan as plan_service
from plansicht.services.programme import load_programme

DEMO = Path(__file__).resolve().parents[3] / "demo"
OFFICE = "Programmbüro"
# username, role, the unit the person works in (named with their changes), Django-admin superuser
DEMO_USERS = [
    ("admin", StaffRole.ADMIN, OFFICE, True),
    ("buero", StaffRole.EDITOR, OFFICE, False),
    ("tiefbau", StaffRole.UNIT_EDITOR, "Tiefbauamt", False),
    ("kaemmerei", StaffRole.FINANCE, "Kämmerei", False),
    ("personal", StaffRole.HR, "Personalamt", False),
    ("rat", StaffRole.VIEWER, "Ratsbüro", False),
]


class Command(BaseCommand):
    help = (
        "Create the demo programme 'musterstadt' with its recent changes; --size N also creates "
        "a synthetic programme 'synthetic-N' with N milestones for benchmarks. Running it again "
        "changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, help="also create synthetic-N with N milestones")

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, size, **options):
        if size is not None and size < 1:
            raise CommandError("--size must be a whole number of 1 or more")
        if Programme.objects.filter(slug="musterstadt").exists():
            self.stdout.write("musterstadt exists already; left as it is.")
        else:
            self.seed_musterstadt()
        if size:
            slug = f"synthetic-{size}"
            if Programme.objects.filter(slug=slug).exists():
                self.stdout.write(f"{slug} exists already; left as it is.")
            else:
                self.stderr.write(f"Building {slug} …")
                self.load(synthetic.document(size), "seed_demo", "Synthetisches Messprogramm")
                self.stdout.write(f"Created {slug}.")

    def load(self, data, what, reason):
        try:
            document, _warnings = parse(data)
        except DocumentInvalid as e:  # our own data: a bug, say where
            raise CommandError(f"demo data is invalid:\n{e}") from None
        return load_programme(document, actor=Actor.system(what), reason=reason)

    def seed_musterstadt(self):
        """Load the plan as approved in 2020, then replay the recorded changes at their dates
        (oldest first) through the services, so the history and "late since" tell the story
        over the years; finally the forecast as of today."""
        with open(DEMO / "musterstadt.json", encoding="utf-8") as f:
            data = json.load(f)
        first = min(data["plan_versions"], key=lambda v: v["number"])
        with clock.at(date.fromisoformat(first["approved_on"])):
            programme = self.load(data, "seed_demo", f"{first['label']}: {first['decision_ref']}")
        with open(DEMO / "musterstadt_changes.json", encoding="utf-8") as f:
            changes = json.load(f)
        unit, _created = Unit.objects.get_or_create(
            organisation=programme.organisation, name=OFFICE
        )
        office = Actor.system("seed_demo", unit=unit, name="Programmbüro Musterstadt (Demo)")
        for i, change in sorted(enumerate(changes), key=lambda pair: pair[1]["at"]):
            milestone = Milestone.objects.get(programme=programme, code=change["milestone"])
            reason = change.get("reason", "")
            try:
                with clock.at(date.fromisoformat(change["at"])):
                    self.apply(change, milestone, office, reason)
            except ServiceError as e:
                raise CommandError(
                    f"demo change {i} ({change['op']} {milestone.code}): {e}"
                ) from None
        run.refresh(programme)
        self.create_demo_users(programme)
        self.seed_consultation(programme, unit)
        self.stdout.write(f"Created musterstadt with {len(changes)} recorded changes.")

    def seed_consultation(self, programme, unit):
        """The closed consultation on the Smart-City-Leitbild: its questions, the answers of
        demo participants (accounts without a password that can log in), the free-text answers
        the moderation released, and the office's summary of what the city does with them."""
        with open(DEMO / "musterstadt_consultation.json", encoding="utf-8") as f:
            data = json.load(f)
        office = Actor.system("seed_demo", unit=unit, name="Programmbüro Musterstadt (Demo)")
        measure = Measure.objects.get(programme=programme, code=data["measure"])
        with clock.at(datetime.fromisoformat(data["saved"])):
            consultation = consultations.save_consultation(
                programme,
                actor=office,
                title=data["title"],
                description=data["description"],
                measure=measure,
                opens=datetime.fromisoformat(data["opens"]),
                closes=datetime.fromisoformat(data["closes"]),
                questions=data["questions"],
            )
        User = get_user_model()
        for i, response in enumerate(data["responses"], start=1):
            name = f"demo-teilnahme-{i}"
            user = User.objects.create_user(name, email=f"{name}@example.invalid")
            user.set_unusable_password()
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            actor = Actor(user=user)
            participation.register_participant(user, actor=actor, display_name=f"Teilnahme {i}")
            answers = {int(number): value for number, value in response["answers"].items()}
            with clock.at(datetime.fromisoformat(response["at"])):
                consultations.answer(consultation, actor=actor, user=user, answers=answers)
        moderator = Actor.system("seed_demo", unit=unit, name="Moderation (Demo)")
        with clock.at(datetime.fromisoformat(data["closes"])):
            for answer in Answer.objects.filter(question__consultation=consultation).exclude(
                text=""
            ):
                op = consultations.HIDE if answer.text in data["hidden"] else consultations.RELEASE
                consultations.moderate_answer(answer, actor=moderator, op=op, reason="Werbung")
        with clock.at(datetime.fromisoformat(data["summary_on"])):
            consultations.publish_summary(consultation, actor=office, summary=data["summary"])

    def create_demo_users(self, programme):
        """One person per role, password "demo" — for trying the office on a laptop only."""
        User = get_user_model()
        for username, role, unit_name, superuser in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(username=username, is_staff=superuser, is_superuser=superuser)
            user.set_password("demo")
            user.save()
            unit, _created = Unit.objects.get_or_create(
                organisation=programme.organisation, name=unit_name
            )
            StaffRole.objects.create(
                user=user, organisation=programme.organisation, role=role, unit=unit
            )
            unit.members.add(user)
        self.stdout.write("Demo users (password: demo): " + ", ".join(u[0] for u in DEMO_USERS))

    @staticmethod
    def apply(change, milestone, actor, reason):
        op = change["op"]
        if op == "reschedule":
            kwargs = {}
            for key in ("planned_start", "expected_finish"):
                if key in change:
                    kwargs[key] = date.fromisoformat(change[key])
            if "duration_days" in change:
                kwargs["duration_days"] = change["duration_days"]
            plan_service.reschedule(milestone, actor=actor, reason=reason, **kwargs)
        elif op == "progress":
            plan_service.set_progress(milestone, change["progress"], actor=actor, reason=reason)
        elif op in ("actual_start", "actual_finish"):
            plan_service.record_actual(
                milestone, actor=actor, reason=reason, **{op: date.fromisoformat(change["on"])}
            )
        else:
            raise CommandError(f"unknown demo operation {op!r}")
