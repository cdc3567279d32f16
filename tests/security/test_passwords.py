"""Password rules as NIST SP 800-63B describes them for a password that is the only
factor: at least 15 characters, long passphrases welcome (64 and more), no common
passwords, nothing close to the user's own details, and no composition rules."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from plans.models import User
from plans.seed import DEMO_PASSWORD
from tests.factories import UserFactory


@pytest.fixture
def user(db: None) -> User:
    return UserFactory(
        username="dana.steward", first_name="Dana", last_name="Steward", email="dana@example.gov"
    )


def messages(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_fourteen_characters_are_too_few(user: User) -> None:
    assert messages("river-lamp-oak", user) == [
        "This password is too short. It must contain at least 15 characters."
    ]


def test_fifteen_characters_of_lowercase_letters_are_enough(user: User) -> None:
    """No composition rules: no digit, capital or symbol is demanded."""
    assert messages("riverlampoaktea", user) == []


@pytest.mark.parametrize("length", [64, 128, 256])
def test_long_passphrases_are_accepted(user: User, length: int) -> None:
    passphrase = ("correct horse battery staple " * 10)[:length]

    assert messages(passphrase, user) == []


@pytest.mark.parametrize("common", ["123456789123456789", "1q2w3e4r5t6y7u8i9o0p"])
def test_common_passwords_are_refused_even_when_long(user: User, common: str) -> None:
    assert messages(common, user) == ["This password is too common."]


def test_a_password_like_the_username_is_refused(user: User) -> None:
    assert messages("dana.steward.2026", user) == ["The password is too similar to the username."]


def test_the_demo_and_test_passwords_still_pass(user: User) -> None:
    assert messages(DEMO_PASSWORD, user) == []
    assert messages("correct-horse-battery", user) == []


def test_only_the_nist_validators_are_configured() -> None:
    """Nothing demands character classes, and nothing makes passwords expire."""
    names = [
        validator["NAME"].rsplit(".", 1)[-1] for validator in settings.AUTH_PASSWORD_VALIDATORS
    ]

    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
    ]
