"""The audit trail: every service write leaves a record; the chain exposes any edit or deletion."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from kinerja.core.audit import audit_record, audit_verify
from kinerja.core.models import AuditChainHead, AuditRecord
from kinerja.org.services import opd_save


def _three_records(cast):
    inst = cast.instansi
    with transaction.atomic():
        for i in range(3):
            audit_record(
                actor=cast.admin_bkpsdm,
                instansi=inst,
                action="test.write",
                object_type="test",
                object_id=str(i),
                changes={"n": [None, i]},
            )


def _drop_guard():
    """What an attacker with database rights would do first."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Fire the deferred FK checks first: ALTER TABLE refuses pending trigger events.
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE core_auditrecord DISABLE TRIGGER core_auditrecord_append_only")
        else:
            cur.execute("DROP TRIGGER IF EXISTS core_auditrecord_no_update")


def test_service_write_is_audited_with_before_and_after(cast):
    opd = cast.opds["dinkes"]
    opd_save(actor=cast.admin_bkpsdm, instansi=cast.instansi, opd=opd, name="Dinas Kesehatan Baru")
    record = AuditRecord.objects.filter(action="opd.update").get()
    assert record.changes == {"name": ["Dinas Kesehatan", "Dinas Kesehatan Baru"]}
    assert record.actor_id == cast.admin_bkpsdm.pk
    assert record.object_id == str(opd.pk)
    assert audit_verify(cast.instansi).ok


def test_unchanged_save_writes_no_record(cast):
    opd = cast.opds["dinkes"]
    opd_save(actor=cast.admin_bkpsdm, instansi=cast.instansi, opd=opd, name=opd.name)
    assert not AuditRecord.objects.exists()


def test_chain_links_records_in_order(cast):
    _three_records(cast)
    records = list(AuditRecord.objects.order_by("seq"))
    assert [r.seq for r in records] == [1, 2, 3]
    assert records[1].prev_hash == records[0].hash and records[2].prev_hash == records[1].hash
    head = AuditChainHead.objects.get(instansi=cast.instansi)
    assert (head.last_seq, head.last_hash) == (3, records[2].hash)


@pytest.mark.django_db(transaction=True)
def test_database_refuses_to_update_a_record():
    from kinerja.testing import build_cast

    cast = build_cast("kab-trigger")
    _three_records(cast)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.filter(seq=2).update(action="tampered")
    assert AuditRecord.objects.get(seq=2).action == "test.write"


def test_edited_record_is_detected(cast):
    _three_records(cast)
    _drop_guard()
    AuditRecord.objects.filter(seq=2).update(changes={"n": [None, 99]})
    result = audit_verify(cast.instansi)
    assert not result.ok
    assert any("#2 was altered" in p for p in result.problems)


def test_deleted_record_in_the_middle_is_detected(cast):
    _three_records(cast)
    _drop_guard()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditrecord WHERE seq = 2")
    result = audit_verify(cast.instansi)
    assert any("#2 is missing" in p for p in result.problems)
    assert any("#3 does not link" in p for p in result.problems)


def test_deleted_last_record_is_detected_by_the_head(cast):
    _three_records(cast)
    _drop_guard()
    with connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditrecord WHERE seq = 3")
    result = audit_verify(cast.instansi)
    assert any("head says #3" in p for p in result.problems)


def test_rehashed_forgery_is_still_caught_by_the_next_link(cast):
    """An attacker who recomputes the edited record's own hash breaks the link to the next one."""
    from kinerja.core.audit import _record_hash

    _three_records(cast)
    _drop_guard()
    forged = AuditRecord.objects.get(seq=2)
    forged.changes = {"n": [None, 99]}
    AuditRecord.objects.filter(pk=forged.pk).update(
        changes=forged.changes, hash=_record_hash(forged)
    )
    result = audit_verify(cast.instansi)
    assert any("#3 does not link" in p for p in result.problems)


def test_cli_verify_reports_ok_then_tampering(cast, capsys):
    _three_records(cast)
    call_command("audit", "verify")
    assert "OK, 3 records" in capsys.readouterr().out
    _drop_guard()
    AuditRecord.objects.filter(seq=1).update(actor_label="someone else")
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--instansi", cast.instansi.code)
    assert "TAMPERED" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_audit_outside_a_transaction_is_refused():
    """Outside the service's transaction the record could commit without the change (or the
    change without the record)."""
    from kinerja.testing import build_cast

    cast = build_cast("kab-atomic")
    with pytest.raises(RuntimeError):
        audit_record(actor=None, instansi=cast.instansi, action="x", object_type="t", object_id="1")
