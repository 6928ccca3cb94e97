"""Daily work in the Django admin: read-only lists for support staff (writes go through the
services: scope, plausibility, locked months, audit)."""

from __future__ import annotations

from django.contrib import admin

from kinerja.activities.models import Activity, Assignment
from kinerja.core.admin import ReadOnlyScopedAdmin


@admin.register(Activity)
class ActivityAdmin(ReadOnlyScopedAdmin):
    list_display = ("date", "pegawai", "description", "minutes", "status")
    list_filter = ("status",)
    search_fields = ("pegawai__nip", "pegawai__name", "description")
    date_hierarchy = "date"
    list_select_related = ("pegawai",)


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "assigner", "assignee", "due_date", "status", "progress")
    list_filter = ("status", "priority")
    search_fields = ("title", "assignee__nip", "assignee__name")
    list_select_related = ("assigner", "assignee")
