"""`manage.py create_api_token USERNAME [--rotate]`: the API token a system signs in with.

A user has one token (rest_framework.authtoken). The command prints it, creating it on
first use; `--rotate` replaces it, so that the old one stops working at once. The token
acts with exactly the user's roles, so give systems a user of their own.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from rest_framework.authtoken.models import Token

from plans.models import User


class Command(BaseCommand):
    help = "Print a user's API token, creating it if needed (--rotate replaces it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--rotate", action="store_true", help="Replace the token: the old one stops working."
        )

    @transaction.atomic
    def handle(self, *args: Any, username: str, rotate: bool, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f'No user is named "{username}".')
        if not user.is_active:
            raise CommandError(f'"{username}" is inactive: its token would be refused.')
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
