"""TPP in the Django admin: read-only lists for support staff, scoped to the admin's instansi.
Every write goes through the services (presets as versions, computing, approval, adjustments:
permission, locking of approved months, audit)."""

from __future__ import annotations

from django.contrib import admin

from kinerja.allowances.models import (
    TppAdjustment,
    TppLine,
    TppMonth,
    TppPreset,
    TppPresetVersion,
)
from kinerja.core.admin import ReadOnlyScopedAdmin


@admin.register(TppPreset)
class TppPresetAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "key", "template", "is_active", "created_at")
    list_filter = ("is_active", "template")
    search_fields = ("name", "key")


@admin.register(TppPresetVersion)
class TppPresetVersionAdmin(ReadOnlyScopedAdmin):
    instansi_lookup = "preset__instansi_id"
    list_display = ("preset", "number", "effective_from", "created_by", "created_at")
    list_select_related = ("preset", "created_by")


@admin.register(TppMonth)
class TppMonthAdmin(ReadOnlyScopedAdmin):
    list_display = ("period", "status", "version", "people", "total_net", "computed_at",
                    "approved_at")
    list_filter = ("status",)
    list_select_related = ("version__preset",)


@admin.register(TppLine)
class TppLineAdmin(ReadOnlyScopedAdmin):
    instansi_lookup = "month__instansi_id"
    list_display = ("month", "pegawai", "opd", "kelas", "gross", "deductions", "net")
    list_filter = ("month__period",)
    search_fields = ("pegawai__nip", "pegawai__name")
    list_select_related = ("month", "pegawai", "opd")


@admin.register(TppAdjustment)
class TppAdjustmentAdmin(ReadOnlyScopedAdmin):
    instansi_lookup = "month__instansi_id"
    list_display = ("month", "pegawai", "amount", "reason", "created_by", "created_at")
    search_fields = ("pegawai__nip", "pegawai__name", "reason")
    list_select_related = ("month", "pegawai", "created_by")
