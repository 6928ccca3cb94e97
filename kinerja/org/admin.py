"""Django admin for the organisation structure (admin BKPSDM, own instansi only, audited).

Units and positions are saved through the org services: they keep the materialised paths of the
whole subtree right when a unit or position moves, and they write the audit record themselves.
The forms repeat the services' checks so a refusal shows on the form instead of as an error page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kinerja.core.admin import InstansiScopedAdmin
from kinerja.core.models import Instansi
from kinerja.org.models import Jabatan, JenisJabatan, Opd, UnitKerja
from kinerja.org.rules import would_create_cycle
from kinerja.org.services import JABATAN_FIELDS, UNIT_FIELDS, jabatan_save, unit_save


@admin.register(Opd)
class OpdAdmin(InstansiScopedAdmin):
    list_display = ("code", "name", "short_name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "short_name")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting would drop admin OPD grants unaudited: an OPD that is merged is deactivated.
        return False


class UnitKerjaForm(forms.ModelForm):
    class Meta:
        model = UnitKerja
        fields = ("opd", "parent", "code", "name", "is_active")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent, opd = data.get("parent"), data.get("opd")
        if parent is not None and would_create_cycle(
            node_path=self.instance.path, new_parent_path=parent.path
        ):
            self.add_error("parent", _("A unit cannot be placed under itself."))
        if parent is not None and opd is not None and parent.opd_id != opd.pk:
            self.add_error("parent", _("The parent unit belongs to another OPD."))
        return data


class JabatanForm(forms.ModelForm):
    class Meta:
        model = Jabatan
        fields = JABATAN_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        supervisor = data.get("supervisor")
        if supervisor is not None and would_create_cycle(
            node_path=self.instance.path, new_parent_path=supervisor.path
        ):
            self.add_error(
                "supervisor",
                _("A position cannot report to itself or to its own subordinate."),
            )
        jenis, jenjang = data.get("jenis"), data.get("jenjang")
        if jenis == JenisJabatan.FUNGSIONAL and not jenjang:
            self.add_error("jenjang", _("A functional position needs a jenjang."))
        if jenis and jenis != JenisJabatan.FUNGSIONAL and jenjang:
            self.add_error("jenjang", _("Only functional positions have a jenjang."))
        return data


class _ServiceSavedAdmin(InstansiScopedAdmin):
    """Saves through an org service (paths + audit) instead of a bare model save."""

    service_fields: tuple[str, ...] = ()

    def _call(self, *, actor: Any, instansi: Instansi, current: Any, values: dict[str, Any]) -> Any:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        values = {
            name: form.cleaned_data[name]
            for name in self.service_fields
            if name in form.cleaned_data
        }
        # The form already wrote onto `obj`; the service diffs against the stored row.
        current = type(obj)._base_manager.get(pk=obj.pk) if change else None
        saved = self._call(
            actor=request.user,
            instansi=self._instansi(request, obj),
            current=current,
            values=values,
        )
        obj.pk, obj.path = saved.pk, saved.path
        if hasattr(saved, "depth"):
            obj.depth = saved.depth


@admin.register(UnitKerja)
class UnitKerjaAdmin(_ServiceSavedAdmin):
    form = UnitKerjaForm
    service_fields = UNIT_FIELDS
    list_display = ("code", "name", "opd", "parent", "depth", "is_active")
    list_filter = ("opd", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("opd", "parent")
    readonly_fields = ("path", "depth")

    def _call(self, *, actor: Any, instansi: Instansi, current: Any, values: dict[str, Any]) -> Any:
        return unit_save(actor=actor, instansi=instansi, unit=current, **values)


@admin.register(Jabatan)
class JabatanAdmin(_ServiceSavedAdmin):
    form = JabatanForm
    service_fields = JABATAN_FIELDS
    list_display = ("code", "name", "jenis", "kelas", "opd", "unit", "supervisor", "is_active")
    list_filter = ("jenis", "opd", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("opd", "unit", "supervisor")
    readonly_fields = ("path",)
    autocomplete_fields = ("supervisor",)

    def _call(self, *, actor: Any, instansi: Instansi, current: Any, values: dict[str, Any]) -> Any:
        return jabatan_save(actor=actor, instansi=instansi, jabatan=current, **values)
