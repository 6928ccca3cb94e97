"""Django admin for the BKPSDM administrator: scoped to their instansi, every write audited.

The admin is a repair tool beside the pages and the import, so it follows the same two rules as
the services: an admin sees and changes only rows of their own instansi (a deployment may serve
several Pemdas), and each save or delete appends to the hash-chained audit trail with the diff.
Who may use it: active staff accounts that are admin BKPSDM (or a superuser). Auditors with a
staff account may read the audit trail here too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from kinerja.core.audit import audit_record, diff, snapshot
from kinerja.core.models import AuditRecord, Instansi, PerformanceYear

# Never copied into an audit record, whatever the model.
SECRET_FIELDS = frozenset({"password", "token_hash"})


def _scope(request: HttpRequest) -> Any:
    # Imported here: people sits below core in the app order and holds the access rules.
    from kinerja.people.access import scope_for

    return scope_for(request.user)  # type: ignore[arg-type]


def _unscoped_superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_superuser and getattr(user, "instansi_id", None) is None)


class InstansiScopedAdmin(admin.ModelAdmin):
    """Rows of the admin's own instansi only; saves and deletes go through the audit trail."""

    # The lookup from this model to its instansi id.
    instansi_lookup = "instansi_id"
    # Fields written into the audit diff; empty means every concrete, non-secret field.
    audit_fields: tuple[str, ...] = ()

    # --- who may use it ---------------------------------------------------------------------

    def _may_write(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return bool(user.is_superuser or _scope(request).writes_whole_instansi)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._may_write(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_write(request)

    # --- what they see ----------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if _unscoped_superuser(request):
            return qs
        return qs.filter(**{self.instansi_lookup: request.user.instansi_id})

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        related = db_field.related_model
        if not _unscoped_superuser(request) and "queryset" not in kwargs:
            if related is Instansi:
                kwargs["queryset"] = Instansi.objects.filter(pk=request.user.instansi_id)
            elif any(f.name == "instansi" for f in related._meta.get_fields()):
                kwargs["queryset"] = related._default_manager.filter(
                    instansi_id=request.user.instansi_id
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        exclude = list(super().get_exclude(request, obj) or [])
        # The instansi of a new row is the admin's own; it never moves between instansi.
        if any(f.name == "instansi" for f in self.model._meta.fields):
            exclude.append("instansi")
        return exclude

    # --- audited writes ---------------------------------------------------------------------

    def _fields(self) -> tuple[str, ...]:
        if self.audit_fields:
            return self.audit_fields
        return tuple(
            f.name
            for f in self.model._meta.concrete_fields
            if not f.primary_key and f.name not in SECRET_FIELDS and f.editable
        )

    def _label(self) -> str:
        return self.model._meta.model_name or "object"

    def _instansi_of(self, request: HttpRequest, obj: Any) -> int | None:
        instansi_id = getattr(obj, "instansi_id", None)
        return instansi_id if instansi_id is not None else request.user.instansi_id

    def _instansi(self, request: HttpRequest, obj: Any) -> Instansi:
        return Instansi.objects.get(pk=self._instansi_of(request, obj))

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        fields = self._fields()
        before = None
        if change:
            # The form has already written its values onto `obj`: read the stored row.
            stored = type(obj)._base_manager.get(pk=obj.pk)
            before = snapshot(stored, fields)
        elif hasattr(obj, "instansi_id") and obj.instansi_id is None:
            obj.instansi_id = request.user.instansi_id
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            changes = diff(before, snapshot(obj, fields))
            instansi_id = self._instansi_of(request, obj)
            if changes and instansi_id is not None:
                audit_record(
                    actor=request.user,
                    instansi=instansi_id,
                    action=f"{self._label()}.{'update' if change else 'create'}",
                    obj=obj,
                    changes=changes,
                    context={"via": "admin"},
                )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            instansi_id = self._instansi_of(request, obj)
            if instansi_id is not None:
                audit_record(
                    actor=request.user,
                    instansi=instansi_id,
                    action=f"{self._label()}.delete",
                    obj=obj,
                    changes=diff(snapshot(obj, self._fields()), None),
                    context={"via": "admin"},
                )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        # One audit record per row: the bulk delete of the changelist action would skip them.
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class ReadOnlyScopedAdmin(InstansiScopedAdmin):
    """A scoped list and detail that nobody edits in the admin (history, runs, tokens)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyScopedAdmin):
    """The audit trail, read-only: the database refuses edits anyway (trigger + hash chain)."""

    list_display = (
        "seq",
        "at",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "actor_label",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "object_label", "actor_label", "action")
    date_hierarchy = "at"
    ordering = ("-at", "-seq")
    list_select_related = False

    def _may_read(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return bool(user.is_superuser or _scope(request).reads_audit)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may_read(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_read(request)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in AuditRecord._meta.fields]


@admin.register(Instansi)
class InstansiAdmin(InstansiScopedAdmin):
    """The admin's own Pemda (name, time zone); creating Pemdas is for the superuser."""

    instansi_lookup = "pk"
    list_display = ("code", "name", "kind", "time_zone")
    fields = ("code", "name", "kind", "time_zone")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _instansi_of(self, request: HttpRequest, obj: Any) -> int | None:
        return int(obj.pk)


@admin.register(PerformanceYear)
class PerformanceYearAdmin(ReadOnlyScopedAdmin):
    """Read-only: years are opened, set and closed on /periode/ (services check the role and
    write the audit record)."""

    list_display = ("year", "evaluation_frequency", "log_deadline_day", "skp_source", "state")
