"""Admin pages for data repair; every change is kept by django-simple-history."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from plans.models import AuditEvent, Membership, Metric, Office, Plan, PlanElement, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["office"]


@admin.register(User)
class ProjectUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "office", "role", "created_at"]
    list_filter = ["role", "office"]
    search_fields = ["user__username", "office__code"]
    autocomplete_fields = ["user", "office"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "owner", "status", "start_fiscal_year", "end_fiscal_year"]
    list_filter = ["status"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["owner"]


@admin.register(PlanElement)
class PlanElementAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "plan", "level", "order"]
    list_filter = ["plan", "level"]
    search_fields = ["number", "title"]
    list_select_related = ["plan"]
    autocomplete_fields = ["parent"]


@admin.register(Metric)
class MetricAdmin(SimpleHistoryAdmin):
    list_display = ["name", "element", "owner_office", "kind", "unit", "frequency"]
    list_filter = ["kind", "unit", "direction", "aggregation", "frequency", "owner_office"]
    search_fields = ["name", "definition", "element__number"]
    list_select_related = ["element__plan", "owner_office"]
    autocomplete_fields = ["element", "owner_office", "also_supports"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (on PostgreSQL a trigger refuses changes too)."""

    list_display = ["occurred_at", "actor_username", "action", "object_type", "object_id"]
    list_filter = ["action", "outcome", "source", "object_type"]
    search_fields = ["actor_username", "object_id", "request_id"]
    show_full_result_count = False  # a count of a large trail is slow on every page

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
