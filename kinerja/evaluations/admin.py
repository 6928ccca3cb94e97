"""Evaluations in the Django admin: read-only lists for support staff (writes go through the
services: scope, workflow, locking, audit)."""

from __future__ import annotations

from django.contrib import admin

from kinerja.core.admin import ReadOnlyScopedAdmin
from kinerja.evaluations.models import Evaluation, Objection, RecomputeRun


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyScopedAdmin):
    list_display = ("pegawai", "year", "period_kind", "period_no", "status", "predikat", "score")
    list_filter = ("status", "period_kind", "predikat", "year")
    search_fields = ("pegawai__nip", "pegawai__name")
    list_select_related = ("pegawai",)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyScopedAdmin):
    list_display = ("evaluation", "filed_by", "status", "filed_at", "decider")
    list_filter = ("status",)
    list_select_related = ("evaluation", "filed_by", "decider")


@admin.register(RecomputeRun)
class RecomputeRunAdmin(ReadOnlyScopedAdmin):
    list_display = ("year", "period_kind", "period_no", "status", "done", "total", "started_at")
    list_filter = ("status",)
