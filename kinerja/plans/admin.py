"""Plans in the Django admin: read-only lists for support staff. Every write to plans goes
through the services (workflow, scope, periods, audit), which the admin's forms would bypass."""

from __future__ import annotations

from django.contrib import admin

from kinerja.core.admin import ReadOnlyScopedAdmin
from kinerja.plans.models import Iku, PerjanjianKinerja, Rhk, Skp


@admin.register(PerjanjianKinerja)
class PerjanjianKinerjaAdmin(ReadOnlyScopedAdmin):
    list_display = ("opd", "year", "signed_on")
    list_filter = ("year",)
    list_select_related = ("opd",)


@admin.register(Iku)
class IkuAdmin(ReadOnlyScopedAdmin):
    list_display = ("code", "indicator", "unit", "annual_target", "sasaran")
    search_fields = ("code", "indicator")
    list_select_related = ("sasaran",)


@admin.register(Skp)
class SkpAdmin(ReadOnlyScopedAdmin):
    list_display = ("pegawai", "jabatan", "year", "form", "status", "source", "start_date",
                    "end_date")
    list_filter = ("year", "status", "form", "source")
    search_fields = ("pegawai__nip", "pegawai__name")
    list_select_related = ("pegawai", "jabatan")


@admin.register(Rhk)
class RhkAdmin(ReadOnlyScopedAdmin):
    list_display = ("text", "kind", "skp", "parent", "iku")
    list_filter = ("kind",)
    search_fields = ("text", "skp__pegawai__nip")
    list_select_related = ("skp", "parent", "iku")
