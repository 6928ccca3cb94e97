"""Attendance in the Django admin: read-only, scoped lists for support staff. Every write goes
through kinerja.attendance.services (or the presensi import), because a change of the
calendar re-measures the year's presensi and every change is audited; the pages at
/kehadiran/kalender/ and /kehadiran/disiplin/ are where admin BKPSDM edits."""

from __future__ import annotations

from django.contrib import admin

from kinerja.attendance.models import DisciplineCase, Holiday, Presensi, WorkSchedule
from kinerja.core.admin import ReadOnlyScopedAdmin


@admin.register(WorkSchedule)
class WorkScheduleAdmin(ReadOnlyScopedAdmin):
    list_display = ("year", "name", "opd", "unit", "flexible", "updated_at")
    list_filter = ("year", "flexible")
    list_select_related = ("opd", "unit")


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyScopedAdmin):
    list_display = ("date", "name", "kind")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(Presensi)
class PresensiAdmin(ReadOnlyScopedAdmin):
    list_display = ("pegawai", "date", "check_in", "check_out", "late_minutes",
                    "early_minutes", "working_day")
    list_filter = ("working_day",)
    search_fields = ("pegawai__nip", "pegawai__name")
    date_hierarchy = "date"
    list_select_related = ("pegawai",)
    # The table holds a row per person per day: no COUNT(*) over it for the paginator.
    show_full_result_count = False


@admin.register(DisciplineCase)
class DisciplineCaseAdmin(ReadOnlyScopedAdmin):
    list_display = ("pegawai", "sanction", "level", "start_month", "months", "decree_number",
                    "cancelled_at")
    list_filter = ("level", "sanction")
    search_fields = ("pegawai__nip", "pegawai__name", "decree_number")
    list_select_related = ("pegawai",)
