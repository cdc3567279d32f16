"""Accounts with no sign-in for 90 days are disabled by a daily task (NIST AC-2(3)),
administrators included; the management command does the same for cron."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from plans import tasks
from plans.models import User
from plans.tasks import disable_inactive_users
from tests.factories import UserFactory

NOW = timezone.make_aware(datetime(2026, 6, 30, 12, 0))


def user(username: str, *, last_login_days: int | None, joined_days: int = 400, **extra) -> User:
    last_login = None if last_login_days is None else NOW - timedelta(days=last_login_days)
    return UserFactory(
        username=username,
        last_login=last_login,
        date_joined=NOW - timedelta(days=joined_days),
        **extra,
    )


def active_usernames() -> set[str]:
    return set(User.objects.filter(is_active=True).values_list("username", flat=True))


@pytest.fixture
def people(db: None) -> None:
    user("recent", last_login_days=89)
    user("stale", last_login_days=91)
    user("never-new", last_login_days=None, joined_days=10)
    user("never-old", last_login_days=None, joined_days=91)
    user("stale-admin", last_login_days=200, is_staff=True, is_superuser=True)


def test_accounts_unused_for_more_than_90_days_are_disabled(people: None) -> None:
    count = disable_inactive_users(now=NOW, days=90)

    assert count == 3
    assert active_usernames() == {"recent", "never-new"}


def test_administrators_are_disabled_like_everyone_else(people: None) -> None:
    disable_inactive_users(now=NOW, days=90)

    assert User.objects.get(username="stale-admin").is_active is False


def test_running_twice_disables_nothing_more(people: None) -> None:
    disable_inactive_users(now=NOW, days=90)

    assert disable_inactive_users(now=NOW, days=90) == 0
    assert active_usernames() == {"recent", "never-new"}


def test_a_disabled_account_keeps_its_other_fields(people: None) -> None:
    before = User.objects.get(username="stale")

    disable_inactive_users(now=NOW, days=90)

    after = User.objects.get(username="stale")
    assert (after.last_login, after.password, after.is_active) == (
        before.last_login,
        before.password,
        False,
    )


def test_the_task_uses_the_setting_and_counts(db: None, settings) -> None:
    settings.INACTIVE_ACCOUNT_DAYS = 30
    user("month-old", last_login_days=0)
    User.objects.filter(username="month-old").update(last_login=timezone.now() - timedelta(days=31))

    result = tasks.disable_inactive_accounts.delay()

    assert result.get() == 1
    assert active_usernames() == set()


def test_celery_beat_runs_the_task_daily() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["disable-inactive-accounts"]

    assert entry["task"] == "plans.tasks.disable_inactive_accounts"
    assert entry["schedule"].hour == {2}
    assert entry["schedule"].minute == {30}


def test_the_default_is_90_days() -> None:
    assert settings.INACTIVE_ACCOUNT_DAYS == 90


def test_the_command_does_the_same_and_reports_the_count(db: None) -> None:
    UserFactory(username="old", last_login=timezone.now() - timedelta(days=120))
    UserFactory(username="fresh", last_login=timezone.now() - timedelta(days=1))
    out = StringIO()

    call_command("disable_inactive_accounts", stdout=out)

    assert out.getvalue().strip() == "Disabled 1 account(s) with no sign-in for 90 days."
    assert active_usernames() == {"fresh"}


def test_the_command_takes_another_number_of_days(db: None) -> None:
    UserFactory(username="fortnight", last_login=timezone.now() - timedelta(days=15))
    out = StringIO()

    call_command("disable_inactive_accounts", "--days", "14", stdout=out)

    assert "Disabled 1 account(s) with no sign-in for 14 days." in out.getvalue()
    assert active_usernames() == set()
