"""Make, list and revoke personal API tokens of a programme (the office's "API tokens" page does
the same for the signed-in person). A token's secret is printed once, when it is made, alone on
the last line; only its SHA-256 hash is kept, so no command or page can show it again."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, no_translations

from plansicht.accounts.models import ApiToken, StaffRole
from plansicht.forecast import run
from plansicht.services import Actor, ServiceError
from plansicht.services import tokens as service

from .dump_programme import date_option, find_programme, utf8_output

ROLES = [r for r, _label in StaffRole.ROLES]
ACTOR = "api_token command"


class Command(BaseCommand):
    help = (
        "Make a personal API token of programme SLUG for a user (--user, --role, --name, "
        "optionally --valid-until; the secret is printed once, alone on the last line), "
        "list the programme's tokens (--list, no secrets) or revoke one (--revoke PREFIX)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        what = parser.add_mutually_exclusive_group()
        what.add_argument(
            "--list", dest="listing", action="store_true", help="list the programme's tokens"
        )
        what.add_argument(
            "--revoke", metavar="PREFIX", help="revoke the token that begins with PREFIX"
        )
        parser.add_argument("--user", metavar="USERNAME", help="the token's owner")
        parser.add_argument("--role", help=f"the token's role: one of {', '.join(ROLES)}")
        parser.add_argument("--name", help="what the token is for, e.g. 'Import from SAP'")
        parser.add_argument(
            "--valid-until",
            dest="valid_until",
            metavar="YYYY-MM-DD",
            help=f"the last day it is valid (default: in {service.DEFAULT_DAYS} days; "
            f"at most {service.MAX_DAYS} days ahead)",
        )
        parser.add_argument("--reason", default="", help="why it is revoked (with --revoke)")

    @no_translations  # scripts and logs get one language: English
    def handle(self, *args, slug, listing, revoke, **options):
        making = [f"--{n.replace('_', '-')}" for n in ("user", "role", "name", "valid_until")]
        given = [o for o in making if options[o[2:].replace("-", "_")] is not None]
        if (listing or revoke is not None) and given:
            self.fail(f"{given[0]}: give it only when making a token, not with --list or --revoke")
        if options["reason"] and revoke is None:
            self.fail("--reason: give it only with --revoke")
        utf8_output(self)
        if listing:
            self.listing(find_programme(self, slug))
        elif revoke is not None:
            self.revoke(find_programme(self, slug), revoke, options["reason"])
        else:
            self.make(slug, **options)

    def make(self, slug, *, user, role, name, valid_until, **options):
        for option, value in (("--user", user), ("--role", role), ("--name", name)):
            if not value:
                self.fail(f"{option}: give it to make a token (or use --list or --revoke)")
        expires_on = date_option(self, "--valid-until", valid_until) if valid_until else None
        if role not in ROLES:
            self.fail(f"--role: {role!r} is not a role; choose one of: {', '.join(ROLES)}")
        programme = find_programme(self, slug)
        owner = get_user_model().objects.filter(username=user).first()
        if owner is None:
            self.fail(f"--user: no user has the name {user!r}")
        if not owner.is_active:
            self.fail(f"--user: {user} is deactivated; the API refuses their tokens")
        try:
            token, secret = service.create_token(
                programme,
                actor=Actor.system(ACTOR),
                user=owner,
                name=name,
                role=role,
                expires_on=expires_on,
            )
        except ServiceError as e:
            self.fail(f"{_option(e.field)}{e.message}")
        self.stdout.write(
            f"Made the API token {token.name!r} ({token.prefix}…) of {owner.get_username()} "
            f"for {programme.slug} as {token.role}, valid until {token.expires_on.isoformat()}."
        )
        self.stdout.write(
            "Copy the secret now; it is not shown again. "
            "Send it as 'Authorization: Bearer <secret>':"
        )
        self.stdout.write(secret)

    def listing(self, programme):
        tokens = ApiToken.objects.filter(programme=programme).select_related("user")
        if not tokens:
            self.stdout.write(f"{programme.slug}: no API token yet")
            return
        today = run.today()
        self.stdout.write("prefix\tname\towner\trole\tmade on\tvalid until\tlast used\tstatus")
        for t in tokens:
            used = t.last_used_on.isoformat() if t.last_used_on else "never"
            fields = [f"{t.prefix}…", t.name, t.user.get_username(), t.role]
            fields += [t.created_on.isoformat(), t.expires_on.isoformat(), used, _status(t, today)]
            self.stdout.write("\t".join(fields))

    def revoke(self, programme, prefix, reason):
        prefix = prefix.strip().rstrip(".…")
        found = list(
            ApiToken.objects.filter(programme=programme, prefix=prefix).select_related(
                "user", "programme"
            )
        )
        if not found:
            self.fail(
                f"--revoke: {programme.slug} has no token beginning {prefix!r}; "
                "see the beginnings with --list"
            )
        if len(found) > 1:
            self.fail(f"--revoke: {len(found)} tokens begin {prefix!r}; revoke them in the office")
        token = found[0]
        try:
            service.revoke_token(token, actor=Actor.system(ACTOR), reason=reason)
        except ServiceError as e:
            self.fail(f"--revoke: {e.message}")
        self.stdout.write(
            f"Revoked the API token {token.name!r} ({token.prefix}…) of "
            f"{token.user.get_username()}: the API refuses it from now on."
        )

    def fail(self, message):
        self.stderr.write(message)
        raise SystemExit(1)


def _status(token, today) -> str:
    if token.revoked_on is not None:
        return f"revoked {token.revoked_on.isoformat()}"
    if token.expires_on < today:
        return "expired"
    return "valid"


def _option(field) -> str:
    names = {"user": "--user", "role": "--role", "name": "--name", "expires_on": "--valid-until"}
    return f"{names[field]}: " if field in names else ""
