"""The seed data: the organisation, the three plans of the source documents, demo users.

Loading is idempotent: every row is matched by its natural key (office code, plan slug,
element number, metric name, username) and written only when it differs, so a second run
writes nothing. Demo users with a known password exist only while DEBUG is on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from plans.models import Membership, Office, User
from plans.outline import parse_outline
from plans.plan_document import PlanSpec, parse_plan_document, spec_from_outline
from plans.services import SaveSummary, save_offices, save_plan

SEED_DIR = Path(__file__).resolve().parent / "seed_data"
DOCUMENTS = SEED_DIR / "documents"
DEMO_PASSWORD = "demo-password-2026"  # printed by `make run`; never used with DEBUG off

# (username, full name, office code, role or None for an administrator)
DEMO_USERS: list[tuple[str, str, str, str | None]] = [
    ("admin", "Ada Administrator", "ICE", None),
    ("steward", "Sam Steward", "ERO", Membership.Role.DATA_STEWARD),
    ("approver", "Avery Approver", "ERO", Membership.Role.OFFICE_APPROVER),
    ("lead", "Lee Lead", "ICE", Membership.Role.WORKING_GROUP_LEAD),
    ("reporter", "Riley Reporter", "ICE", Membership.Role.REPORTING_STAFF),
    ("viewer", "Val Viewer", "ICE", Membership.Role.VIEWER),
    ("wps-lead", "Wren WPS Lead", "DHS", Membership.Role.WORKING_GROUP_LEAD),
    ("st-steward", "Sky S&T Steward", "S&T", Membership.Role.DATA_STEWARD),
]


@dataclass
class SeedReport:
    offices_written: int
    plans: list[SaveSummary]
    demo_users: list[str]


def _read_json(name: str) -> Any:
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def outline_plan_specs() -> list[PlanSpec]:
    """The plans imported from their documents by the outline parser (ICE, DRO)."""
    specs = []
    for meta in _read_json("plans.json"):
        text = (DOCUMENTS / meta["source"]).read_text(encoding="utf-8")
        outline = parse_outline(text, depth=len(meta["levels"]))
        spec = spec_from_outline(
            outline, slug=meta["slug"], title=meta["title"], levels=meta["levels"]
        )
        for key in ("owner_office", "status", "start_fiscal_year", "end_fiscal_year"):
            setattr(spec, key, meta[key])
        spec.mission, spec.vision, spec.values = meta["mission"], meta["vision"], meta["values"]
        specs.append(spec)
    return specs


def curated_plan_specs() -> list[PlanSpec]:
    """Plans whose tables defeat automatic import, kept as checked plan documents (WPS)."""
    return [parse_plan_document(_read_json("dhs-wps-ip-2024.json"))]


@transaction.atomic
def load_seed_data() -> SeedReport:
    offices_written = save_offices(offices=_read_json("offices.json"))
    # An outline carries no metrics: keep those that other seeds hang under its elements.
    plans = [save_plan(spec=spec, keep_metrics=True) for spec in outline_plan_specs()]
    plans += [save_plan(spec=spec) for spec in curated_plan_specs()]
    demo_users = create_demo_users() if settings.DEBUG else []
    return SeedReport(offices_written=offices_written, plans=plans, demo_users=demo_users)


def create_demo_users() -> list[str]:
    """One user per role with the demo password; refuses to run with DEBUG off."""
    if not settings.DEBUG:
        raise RuntimeError("Demo users with a known password are only created with DEBUG on.")
    offices = {office.code: office for office in Office.objects.all()}
    for username, full_name, office_code, role in DEMO_USERS:
        first, _, last = full_name.partition(" ")
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username, password=DEMO_PASSWORD, first_name=first, last_name=last
            )
        if role is None:
            if not user.is_superuser:
                user.is_superuser = user.is_staff = True
                user.save(update_fields=["is_superuser", "is_staff"])
        else:
            Membership.objects.get_or_create(user=user, office=offices[office_code], role=role)
    return [username for username, *_ in DEMO_USERS]
