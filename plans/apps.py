from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.contrib.auth import signals as auth_signals
from django.db import connections
from django.db.models.signals import post_migrate


def install_audit_triggers(sender: AppConfig, using: str, **kwargs: Any) -> None:
    """After every migrate (and the test runner's flush), cover new tables with the audit
    triggers; a no-op on databases other than PostgreSQL."""
    from plans.audit_sql import install_triggers

    install_triggers(connections[using])


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Plans and organisation"

    def ready(self) -> None:
        from plans import audit, sessions

        # Sent once per app after migrate; this app's turn comes after every table exists.
        post_migrate.connect(install_audit_triggers, sender=self, dispatch_uid="audit-triggers")
        auth_signals.user_logged_in.connect(audit.record_sign_in, dispatch_uid="audit-in")
        auth_signals.user_logged_in.connect(
            sessions.restart_at_sign_in, dispatch_uid="idle-clock-at-sign-in"
        )
        auth_signals.user_login_failed.connect(
            audit.record_sign_in_failure, dispatch_uid="audit-failed"
        )
        auth_signals.user_logged_out.connect(audit.record_sign_out, dispatch_uid="audit-out")
        if apps.is_installed("axes"):
            from axes.signals import user_locked_out

            user_locked_out.connect(audit.record_lockout, dispatch_uid="audit-lockout")
