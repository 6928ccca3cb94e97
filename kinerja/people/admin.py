"""Django admin for people, accounts and grants (admin BKPSDM, own instansi only, audited).

Passwords are never edited here (the owner changes theirs on the account page; a reset belongs to
a service with its own audit), superuser accounts are invisible to non-superusers, and tokens and
import runs are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kinerja.core.admin import InstansiScopedAdmin, ReadOnlyScopedAdmin
from kinerja.people.models import (
    AccessToken,
    Account,
    ImportRowError,
    ImportRun,
    Pegawai,
    PositionAssignment,
    RoleGrant,
)
from kinerja.people.services import (
    PEGAWAI_FIELDS,
    assignment_add,
    pegawai_save,
    role_grant,
    role_revoke,
)


class PositionAssignmentInline(admin.TabularInline):
    """Position history on the employee page: read here, changed through its own admin."""

    model = PositionAssignment
    fields = ("jabatan", "kind", "movement", "start_date", "end_date", "sk_number")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-start_date",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("jabatan")


@admin.register(Pegawai)
class PegawaiAdmin(InstansiScopedAdmin):
    list_display = ("nip", "name", "asn_type", "golongan", "status")
    list_filter = ("status", "asn_type", "gender")
    search_fields = ("nip", "name")
    inlines = (PositionAssignmentInline,)
    readonly_fields = ("created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Through pegawai_save: NIP and golongan validated and normalised, audited once."""
        values = {k: form.cleaned_data[k] for k in PEGAWAI_FIELDS if k in form.cleaned_data}
        current = Pegawai.objects.get(pk=obj.pk) if change else None
        saved = pegawai_save(
            actor=request.user, instansi=self._instansi(request, obj), pegawai=current, **values
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting would drop the position history (and soon the performance data) unaudited:
        # an employee who left gets the status pensiun/berhenti instead.
        return False


@admin.register(PositionAssignment)
class PositionAssignmentAdmin(InstansiScopedAdmin):
    list_display = ("pegawai", "jabatan", "kind", "movement", "start_date", "end_date")
    list_filter = ("kind", "movement")
    search_fields = ("pegawai__nip", "pegawai__name", "jabatan__name", "sk_number")
    list_select_related = ("pegawai", "jabatan")
    autocomplete_fields = ("pegawai", "jabatan")
    date_hierarchy = "start_date"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:  # corrections (an end date, an SK number): the audited generic save
            super().save_model(request, obj, form, change)
            return
        # A new line of history goes through assignment_add, which closes the previous
        # definitive position the day before the TMT.
        data = form.cleaned_data
        saved = assignment_add(
            actor=request.user,
            pegawai=data["pegawai"],
            jabatan=data["jabatan"],
            kind=data["kind"],
            start_date=data["start_date"],
            end_date=data.get("end_date"),
            movement=data.get("movement", ""),
            sk_number=data.get("sk_number", ""),
        )
        obj.pk, obj.instansi_id = saved.pk, saved.instansi_id


@admin.register(Account)
class AccountAdmin(InstansiScopedAdmin):
    list_display = ("username", "display_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "is_staff")
    search_fields = ("username", "display_name")
    fields = (
        "username",
        "display_name",
        "pegawai",
        "is_active",
        "is_staff",
        "last_login",
        "date_joined",
        "password_changed_at",
    )
    readonly_fields = ("last_login", "date_joined", "password_changed_at")
    autocomplete_fields = ("pegawai",)
    audit_fields = ("username", "display_name", "pegawai", "is_active", "is_staff")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if not request.user.is_superuser:
            qs = qs.filter(is_superuser=False)
        return qs

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            # A new log-in starts without a password: the owner gets one through a reset.
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting would drop its grants and tokens unaudited: deactivate the account instead.
        return False


@admin.register(RoleGrant)
class RoleGrantAdmin(InstansiScopedAdmin):
    """Grants go through role_grant / role_revoke (their own audit actions). A grant is never
    edited: revoke it and grant another, so the trail shows both."""

    list_display = ("account", "role", "opd", "granted_at")
    list_filter = ("role",)
    search_fields = ("account__username", "account__display_name")
    list_select_related = ("account", "opd")
    autocomplete_fields = ("account",)
    fields = ("account", "role", "opd")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "account" and not request.user.is_superuser:
            kwargs["queryset"] = Account.objects.filter(
                instansi_id=request.user.instansi_id, is_superuser=False
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and self._may_write(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = role_grant(actor=request.user, account=obj.account, role=obj.role, opd=obj.opd)
        obj.pk, obj.instansi_id, obj.granted_at = saved.pk, saved.instansi_id, saved.granted_at

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        role_revoke(actor=request.user, grant=obj)


@admin.register(AccessToken)
class AccessTokenAdmin(ReadOnlyScopedAdmin):
    """Tokens are created and revoked by their owner; the admin only sees that they exist."""

    instansi_lookup = "account__instansi_id"
    list_display = ("name", "account", "prefix", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "account__username")
    list_select_related = ("account",)
    exclude = ("token_hash",)


class ImportRowErrorInline(admin.TabularInline):
    model = ImportRowError
    fields = ("line", "field", "code", "message", "value")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyScopedAdmin):
    list_display = ("started_at", "kind", "file_name", "status", "total_rows", "error_count")
    list_filter = ("kind", "status", "dry_run")
    search_fields = ("file_name", "file_sha256")
    date_hierarchy = "started_at"
    inlines = (ImportRowErrorInline,)
