"""`manage.py create_load_users N --password-file PATH`: the accounts of the load test.

The demo users exist only with DEBUG on, and the load test runs against the production
set-up, so it brings its own: N users for each of its three journeys, named
`load-steward-<i>`, `load-lead-<i>` and `load-reporter-<i>` (i from 1 to N):

- data stewards of the offices that own the plan's metrics, in turn, the office with
  most metrics first (journey 1: the quarterly entry form);
- working-group leads of the plan's owner office (journey 2: dashboard, metric pages,
  targets vs actuals; and opening the data call the stewards answer);
- reporting staff of the plan's owner office (journey 3: the annual reports).

Every account gets the same password, read from the file (made, readable by its owner
only, when missing) so that the load test can read it too. Running the command again
resets the passwords and adds what is missing; `--delete` removes the accounts.
"""

from __future__ import annotations

import secrets
from itertools import cycle
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count

from plans.models import Membership, Office, Plan, User

PREFIX = "load-"
Role = Membership.Role
# (username stem, role, whose office): "owner" is the plan's owner office; "metrics"
# goes round the offices that own the plan's metrics.
JOURNEYS = [
    ("steward", Role.DATA_STEWARD, "metrics"),
    ("lead", Role.WORKING_GROUP_LEAD, "owner"),
    ("reporter", Role.REPORTING_STAFF, "owner"),
]


def read_or_make_password(path: Path) -> str:
    """The password in the file, or a new random one written to it (mode 600)."""
    if path.exists():
        password = path.read_text(encoding="utf-8").strip()
        if password:
            return password
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    path.touch(mode=0o600)
    path.write_text(password + "\n", encoding="utf-8")
    return password


def metric_offices(plan: Plan) -> list[Office]:
    """Offices owning the plan's metrics, most metrics first (one query)."""
    offices = Office.objects.filter(metrics__element__plan=plan).annotate(
        metric_count=Count("metrics")
    )
    return list(offices.order_by("-metric_count", "code"))


class Command(BaseCommand):
    help = "Create (or reset) N load-test users per journey: stewards, leads, reporting staff."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("count", type=int, help="Users per journey.")
        parser.add_argument(
            "--password-file",
            type=Path,
            default=Path("var/load/password"),
            help="Holds the shared password; made when missing. Default: var/load/password",
        )
        parser.add_argument(
            "--plan", default="ice-sp-2021-2025", help="Plan whose offices the users join."
        )
        parser.add_argument("--delete", action="store_true", help="Remove every load-* user.")

    @transaction.atomic
    def handle(self, *args: Any, count: int, password_file: Path, plan: str, **options: Any):
        if options["delete"]:
            users = User.objects.filter(username__startswith=PREFIX)
            Membership.objects.filter(user__in=users).delete()
            deleted, _ = users.delete()
            self.stdout.write(f"Deleted {deleted} load-test rows.")
            return
        plan_obj = Plan.objects.select_related("owner").filter(slug=plan).first()
        if plan_obj is None:
            raise CommandError(f'No plan "{plan}": run load_seed_data first.')
        offices = metric_offices(plan_obj)
        if not offices:
            raise CommandError(f"No office owns a metric of {plan}.")
        # One hash for every account: hashing costs ~0.3 s each at Django's iteration count.
        hashed = make_password(read_or_make_password(password_file))
        for stem, role, whose in JOURNEYS:
            office_for = cycle(offices) if whose == "metrics" else cycle([plan_obj.owner])
            for i in range(1, count + 1):
                self._ensure_user(f"{PREFIX}{stem}-{i}", hashed, next(office_for), role)
        self.stdout.write(
            f"{count} load-test users per journey (load-steward-, load-lead-, load-reporter-"
            f"1..{count}) on {plan}; stewards in {', '.join(o.code for o in offices)}; "
            f"password in {password_file}."
        )

    def _ensure_user(self, username: str, hashed: str, office: Office, role: str) -> None:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"password": hashed, "first_name": "Load", "last_name": username},
        )
        if not created:
            user.password, user.is_active = hashed, True
            user.save(update_fields=["password", "is_active"])
        # A re-run with another plan moves the user: one membership per load user.
        Membership.objects.filter(user=user).exclude(office=office, role=role).delete()
        Membership.objects.get_or_create(user=user, office=office, role=role)
