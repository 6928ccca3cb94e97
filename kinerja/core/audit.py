"""Writing and verifying the hash-chained audit trail.

Services call `audit_record` (one object) or `audit_record_many` (a batch, for imports) inside
their transaction. The chain head row of the instansi is locked FOR UPDATE for the append, so the
lock is held only from the append to the commit: services append as their last step.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kinerja.core.models import AuditChainHead, AuditRecord, Instansi

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """What a service says happened, before it is sealed into the chain."""

    action: str
    object_type: str
    object_id: str
    object_label: str = ""
    changes: Mapping[str, Any] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)


def json_value(value: Any) -> Any:
    """A value as it is stored in the JSON of an audit record (dates and Decimals as text)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return value


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]}; a created object has before None for all."""
    before = before or {}
    after = after or {}
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = json_value(before.get(key)), json_value(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    label = getattr(actor, "audit_label", None) or str(actor)
    return actor.pk, str(label)[:200]


def compute_hash(
    *,
    instansi_id: int,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    changes: Any,
    context: Any,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [
            instansi_id,
            seq,
            at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            object_label,
            changes,
            context,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _record_hash(record: AuditRecord) -> str:
    return compute_hash(
        instansi_id=record.instansi_id,
        seq=record.seq,
        at=record.at,
        actor_id=record.actor_id,
        actor_label=record.actor_label,
        action=record.action,
        object_type=record.object_type,
        object_id=record.object_id,
        object_label=record.object_label,
        changes=record.changes,
        context=record.context,
        prev_hash=record.prev_hash,
    )


def _locked_head(instansi: Instansi | int) -> tuple[int, AuditChainHead]:
    """The instansi's chain head, locked FOR UPDATE until the caller's transaction ends (so
    appends queue and the chain stays one line). Refuses to run outside a transaction: the
    record could then commit without the change, or the change without the record."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit records are written inside the service's transaction")
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    # One query on every audited write; the head is created once per instansi (a concurrent
    # creator is absorbed by get_or_create's unique key), then read under the lock.
    head = AuditChainHead.objects.select_for_update().filter(instansi_id=instansi_id).first()
    if head is None:
        AuditChainHead.objects.get_or_create(instansi_id=instansi_id)
        head = AuditChainHead.objects.select_for_update().get(instansi_id=instansi_id)
    return instansi_id, head


def audit_record_many(
    *, actor: Any, instansi: Instansi | int, entries: Iterable[AuditEntry]
) -> list[AuditRecord]:
    """Seal entries into the instansi's chain. Must run inside the caller's transaction."""
    entries = list(entries)
    if not entries:
        return []
    instansi_id, head = _locked_head(instansi)
    actor_id, actor_label = _actor_fields(actor)
    now = timezone.now()
    seq, prev = head.last_seq, head.last_hash or GENESIS
    records = []
    for entry in entries:
        seq += 1
        record = AuditRecord(
            instansi_id=instansi_id,
            seq=seq,
            at=now,
            actor_id=actor_id,
            actor_label=actor_label,
            action=entry.action,
            object_type=entry.object_type,
            object_id=str(entry.object_id),
            object_label=str(entry.object_label)[:300],
            changes=json_value(dict(entry.changes)),
            context=json_value(dict(entry.context)),
            prev_hash=prev,
        )
        record.hash = _record_hash(record)
        prev = record.hash
        records.append(record)
    AuditRecord.objects.bulk_create(records, batch_size=1000)
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
    return records


def audit_record(
    *,
    actor: Any,
    instansi: Instansi | int,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    changes: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
) -> AuditRecord:
    """Append one record; `obj` fills the object fields from a model instance."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        changes=changes or {},
        context=context or {},
    )
    return audit_record_many(actor=actor, instansi=instansi, entries=[entry])[0]


@dataclass
class VerifyResult:
    instansi_code: str
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _iter_chain(instansi_id: int) -> Iterator[AuditRecord]:
    return (
        AuditRecord.objects.filter(instansi_id=instansi_id)
        .order_by("seq")
        .iterator(chunk_size=5000)
    )


def audit_verify(instansi: Instansi) -> VerifyResult:
    """Walk the chain: contiguous sequence, each hash recomputed, each link to the previous one,
    and the last record equal to the head. Any edit, insertion or deletion shows up here."""
    result = VerifyResult(instansi.code)
    expected_seq, prev = 1, GENESIS
    for record in _iter_chain(instansi.pk):
        result.checked += 1
        if record.seq != expected_seq:
            result.problems.append(
                f"record #{expected_seq} is missing (next found is #{record.seq})"
            )
        if record.prev_hash != prev:
            result.problems.append(f"record #{record.seq} does not link to the previous record")
        if _record_hash(record) != record.hash:
            result.problems.append(f"record #{record.seq} was altered (hash mismatch)")
        prev = record.hash
        expected_seq = record.seq + 1
        if len(result.problems) > 100:
            result.problems.append("too many problems; stopped")
            return result
    head = AuditChainHead.objects.filter(instansi=instansi).first()
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or (head.last_hash or GENESIS) != prev):
        result.problems.append(
            f"chain ends at #{last_seq} but the head says #{head.last_seq}: "
            "records at the end were deleted or the head was altered"
        )
    return result


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of a model instance as they go into an audit diff (FKs by id)."""
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        assert isinstance(field, models.Field), name  # concrete fields only, never relations
        values[name] = getattr(obj, field.attname)
    return values


def audit_record_many_copy(
    *, actor: Any, instansi: Instansi | int, entries: Iterable[AuditEntry]
) -> int:
    """`audit_record_many` for bulk imports: the same records, sealed with the same
    `compute_hash`, but written with PostgreSQL's COPY instead of `bulk_create` (at 100k rows
    the model instances and JSON adaptation of bulk_create dominated the import). Returns the
    number of records. Other databases take `audit_record_many`. Must run inside the caller's
    transaction, like `audit_record_many`."""
    from django.db import connection

    entries = list(entries)
    if not entries:
        return 0
    if connection.vendor != "postgresql":
        return len(audit_record_many(actor=actor, instansi=instansi, entries=entries))
    instansi_id, head = _locked_head(instansi)
    actor_id, actor_label = _actor_fields(actor)
    now = timezone.now()
    seq, prev = head.last_seq, head.last_hash or GENESIS
    columns = ("instansi_id", "seq", "at", "actor_id", "actor_label", "action", "object_type",
               "object_id", "object_label", "changes", "context", "prev_hash", "hash")
    sql = f"COPY {AuditRecord._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    at_text = now.isoformat()  # one timestamp for the batch, as audit_record_many does
    encode = _COPY_JSON.encode
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for entry in entries:
            seq += 1
            changes = _plain_dict(entry.changes)
            context = _plain_dict(entry.context)
            object_id = str(entry.object_id)
            object_label = str(entry.object_label)[:300]
            digest = compute_hash(
                instansi_id=instansi_id, seq=seq, at=now, actor_id=actor_id,
                actor_label=actor_label, action=entry.action, object_type=entry.object_type,
                object_id=object_id, object_label=object_label, changes=changes,
                context=context, prev_hash=prev,
            )
            copy.write_row((
                instansi_id, seq, at_text, actor_id, actor_label, entry.action,
                entry.object_type, object_id, object_label, encode(changes), encode(context),
                prev, digest,
            ))
            prev = digest
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
    return len(entries)


_PLAIN = (str, int, float, bool, type(None))
# The JSON text of the changes and context columns for COPY (the hash has its own serialisation
# in compute_hash); one encoder instead of one per json.dumps call.
_COPY_JSON = json.JSONEncoder(ensure_ascii=False)


def _plain_dict(values: Mapping[str, Any]) -> dict[str, Any]:
    """`json_value(dict(values))` with a shortcut for values that are already JSON scalars or
    [before, after] pairs of them (what imports pass); anything else goes through json_value,
    so the sealed content, and therefore the hash, is the same."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        kind = type(value)
        if kind in _PLAIN:
            out[str(key)] = value
        elif kind is list and len(value) == 2 and type(value[0]) in _PLAIN and (
            type(value[1]) in _PLAIN
        ):
            out[str(key)] = list(value)
        else:
            out[str(key)] = json_value(value)
    return out
