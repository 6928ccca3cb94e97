"""Writes to the organisation structure. Each takes the acting account, checks its scope, runs in a
transaction and appends to the audit trail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from kinerja.core.audit import audit_record, diff, snapshot
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import Instansi
from kinerja.org.models import Jabatan, JenisJabatan, Opd, UnitKerja
from kinerja.org.rules import position_path, would_create_cycle

OPD_FIELDS = ("code", "name", "short_name", "is_active")
UNIT_FIELDS = ("opd", "parent", "code", "name", "is_active")
JABATAN_FIELDS = (
    "opd",
    "unit",
    "code",
    "name",
    "jenis",
    "jenjang",
    "kelas",
    "supervisor",
    "is_active",
)


def _require_admin(actor: Any, instansi: Instansi, *opds: Opd | None) -> None:
    """The actor may change the organisation of `instansi` in every OPD touched (an admin OPD
    only inside their own OPDs: both the one an object is in and the one it moves to)."""
    # Imported here: people sits below org in the app order (access needs people's models).
    from kinerja.people.access import scope_for

    scope = scope_for(actor)
    if not (scope.is_superuser and scope.instansi_id is None) and scope.instansi_id != instansi.pk:
        raise Forbidden("forbidden", _("You may not change another instansi."))
    touched = [opd for opd in opds if opd is not None]
    if any(opd.instansi_id != instansi.pk for opd in touched):
        raise Forbidden("forbidden", _("You may not change another instansi."))
    if scope.writes_whole_instansi or (scope.is_superuser and scope.instansi_id is None):
        return
    if touched and all(opd.pk in scope.admin_opd_ids for opd in touched):
        return
    raise Forbidden("forbidden", _("You may not change this part of the organisation."))


def _same_instansi(instansi: Instansi, *objects: Any) -> None:
    """Every object referred to (the stored row, its parent, unit, supervisor) is of `instansi`."""
    if any(obj is not None and obj.instansi_id != instansi.pk for obj in objects):
        raise Forbidden("forbidden", _("You may not change another instansi."))


@transaction.atomic
def opd_save(*, actor: Any, instansi: Instansi, opd: Opd | None = None, **values: Any) -> Opd:
    """Create an OPD (opd=None) or change one. Only admin BKPSDM creates OPDs."""
    _same_instansi(instansi, opd)
    _require_admin(actor, instansi, opd)
    before = snapshot(opd, OPD_FIELDS) if opd else None
    opd = opd or Opd(instansi=instansi)
    for key, value in values.items():
        setattr(opd, key, value)
    opd.full_clean(exclude=["instansi"])
    opd.save()
    changes = diff(before, snapshot(opd, OPD_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            instansi=instansi,
            action="opd.create" if before is None else "opd.update",
            obj=opd,
            changes=changes,
        )
    return opd


def _check_jabatan(jabatan: Jabatan) -> None:
    if jabatan.jenis == JenisJabatan.FUNGSIONAL and not jabatan.jenjang:
        raise ApplicationError("jenjang_required", _("A functional position needs a jenjang."))
    if jabatan.jenis != JenisJabatan.FUNGSIONAL and jabatan.jenjang:
        raise ApplicationError(
            "jenjang_not_allowed", _("Only functional positions have a jenjang.")
        )
    supervisor = jabatan.supervisor
    if supervisor is not None and supervisor.instansi_id != jabatan.instansi_id:
        raise ApplicationError(
            "supervisor_instansi", _("The supervisor position belongs to another instansi.")
        )


def _move_subtree(model: type[UnitKerja] | type[Jabatan], old_path: str, new_path: str) -> None:
    """Rewrite the materialised path (and, for units, the depth) of every descendant in one
    UPDATE."""
    if not old_path or old_path == new_path:
        return
    update: dict[str, Any] = {"path": Concat(Value(new_path), Substr("path", len(old_path) + 1))}
    if model is UnitKerja:
        update["depth"] = F("depth") + (new_path.count("/") - old_path.count("/"))
    model.objects.filter(path__startswith=old_path).exclude(path=old_path).update(**update)


@transaction.atomic
def unit_save(
    *, actor: Any, instansi: Instansi, unit: UnitKerja | None = None, **values: Any
) -> UnitKerja:
    _same_instansi(instansi, unit, values.get("parent"))
    _require_admin(actor, instansi, unit.opd if unit else None, values.get("opd"))
    before = snapshot(unit, UNIT_FIELDS) if unit else None
    unit = unit or UnitKerja(instansi=instansi)
    old_path = unit.path
    for key, value in values.items():
        setattr(unit, key, value)
    parent = unit.parent
    if parent is not None and would_create_cycle(node_path=old_path, new_parent_path=parent.path):
        raise ApplicationError("cycle", _("A unit cannot be placed under itself."))
    if parent is not None and parent.opd_id != unit.opd_id:
        raise ApplicationError("parent_opd", _("The parent unit belongs to another OPD."))
    unit.full_clean(exclude=["instansi", "path", "depth"])
    unit.save()
    unit.path = position_path(parent.path if parent else "", unit.pk)
    unit.depth = unit.path.count("/") - 2
    unit.save(update_fields=["path", "depth"])
    _move_subtree(UnitKerja, old_path, unit.path)
    changes = diff(before, snapshot(unit, UNIT_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            instansi=instansi,
            action="unit.create" if before is None else "unit.update",
            obj=unit,
            changes=changes,
        )
    return unit


@transaction.atomic
def jabatan_save(
    *, actor: Any, instansi: Instansi, jabatan: Jabatan | None = None, **values: Any
) -> Jabatan:
    _same_instansi(instansi, jabatan, values.get("unit"), values.get("supervisor"))
    _require_admin(actor, instansi, jabatan.opd if jabatan else None, values.get("opd"))
    before = snapshot(jabatan, JABATAN_FIELDS) if jabatan else None
    jabatan = jabatan or Jabatan(instansi=instansi)
    old_path = jabatan.path
    for key, value in values.items():
        setattr(jabatan, key, value)
    supervisor = jabatan.supervisor
    if supervisor is not None and would_create_cycle(
        node_path=old_path, new_parent_path=supervisor.path
    ):
        raise ApplicationError(
            "cycle", _("A position cannot report to itself or to its own subordinate.")
        )
    _check_jabatan(jabatan)
    if jabatan.unit is not None and jabatan.unit.opd_id != jabatan.opd_id:
        raise ApplicationError("unit_opd", _("The unit belongs to another OPD."))
    jabatan.full_clean(exclude=["instansi", "path", "supervisor"])
    jabatan.save()
    jabatan.path = position_path(supervisor.path if supervisor else "", jabatan.pk)
    jabatan.save(update_fields=["path"])
    _move_subtree(Jabatan, old_path, jabatan.path)
    changes = diff(before, snapshot(jabatan, JABATAN_FIELDS))
    if changes:
        audit_record(
            actor=actor,
            instansi=instansi,
            action="jabatan.create" if before is None else "jabatan.update",
            obj=jabatan,
            changes=changes,
        )
    return jabatan
