"""The demo's daily work: three months of logs that pass the application's own plausibility
rules, verified by the pejabat penilai of the day, with evidence (some reused and flagged),
assignments (some overdue), leave, notifications and a sealed audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import defaultdict

import pytest
from django.core.files.storage import default_storage
from django.db.models import F
from django.utils import timezone

from kinerja.activities import rules
from kinerja.activities.models import Activity, Assignment, AssignmentComment, Evidence
from kinerja.activities.selectors import verification_queue
from kinerja.core.audit import audit_verify
from kinerja.core.models import AuditRecord
from kinerja.demo.activities import months_back
from kinerja.demo.load import load_demo
from kinerja.people.models import Account, Leave, Notification, Pegawai
from kinerja.people.selectors import atasan_of
from kinerja.plans.rules import APPROVED

TODAY = dt.date(2025, 6, 16)  # a Monday
START = months_back(TODAY, 3)


@pytest.fixture
def demo(db):
    return load_demo(today=TODAY).instansi


def _login(instansi, role):
    record = (
        AuditRecord.objects.filter(instansi=instansi, action="demo.load").order_by("-seq").first()
    )
    nip = record.context["logins"][role][0]
    return Account.objects.select_related("pegawai").get(username=nip)


def test_three_months_of_logs_in_every_state(demo):
    logs = Activity.objects.filter(instansi=demo)
    assert logs.filter(date__lt=START).count() == 0
    assert logs.filter(date__gt=TODAY).count() == 0
    by_status = {s: logs.filter(status=s).count() for s in rules.LOG_TRANSITIONS["submit"][0]}
    assert all(by_status.values()), by_status  # draft and returned
    verified = logs.filter(status=rules.VERIFIED).count()
    pending = logs.filter(status=rules.SUBMITTED)
    assert verified > 0.8 * logs.count()
    assert pending.count() > 0
    # recent logs wait or are drafts; a few waited past the 5-day limit
    assert logs.filter(status=rules.DRAFT, date__lt=TODAY - dt.timedelta(days=10)).count() == 0
    stale = pending.filter(submitted_at__date__lt=TODAY - dt.timedelta(days=7))
    assert stale.exists()
    assert logs.filter(status=rules.RETURNED).exclude(return_reason="").exists()
    assert not logs.filter(status=rules.RETURNED, return_reason="").exists()
    flags = defaultdict(int)
    for row in logs.exclude(flags=[]).values_list("flags", flat=True):
        for flag in row:
            flags[flag] += 1
    assert flags["outside_hours"] and flags["on_leave"] and flags["reused_evidence"]
    assert Leave.objects.filter(instansi=demo).count() >= 5
    # the featured atasan has a queue, and someone of the team has not logged this week
    atasan = _login(demo, "atasan")
    assert verification_queue(atasan).exists()
    team = set(verification_queue(atasan).values_list("pegawai_id", flat=True))
    week = TODAY - dt.timedelta(days=TODAY.weekday())
    rated = {
        p.pk
        for p in Pegawai.objects.filter(instansi=demo, activities__isnull=False).distinct()
        if p.pk in team or (a := atasan_of(p, TODAY)) and a.pegawai.pk == atasan.pegawai_id
    }
    this_week = set(
        logs.filter(date__gte=week, pegawai_id__in=rated).values_list("pegawai_id", flat=True)
    )
    assert rated - this_week


def test_every_log_passes_the_plausibility_rules(demo):
    policy = rules.Policy()
    leave = defaultdict(list)
    for row in Leave.objects.filter(instansi=demo):
        leave[row.pegawai_id].append((row.start_date, row.end_date))
    days = defaultdict(list)
    for log in Activity.objects.filter(instansi=demo).only(
        "pegawai_id", "date", "start_time", "end_time", "minutes", "flags", "status",
        "submitted_at", "verified_at",
    ):  # fmt: skip
        days[(log.pegawai_id, log.date)].append(log)
        if log.submitted_at:
            assert log.submitted_at.date() >= log.date
        if log.verified_at:
            assert log.verified_at > log.submitted_at
    for (person, day), logs in days.items():
        assert 1 <= len(logs) <= 5
        entries = [rules.LogTime(x.date, x.start_time, x.end_time, x.minutes) for x in logs]
        on_leave = any(a <= day <= b for a, b in leave[person])
        for i, log in enumerate(logs):
            result = rules.check_log(
                entries[i],
                same_day=entries[:i] + entries[i + 1 :],
                policy=policy,
                today=TODAY,
                on_leave=on_leave,
            )
            assert result.errors == (), (person, day, result)
            assert set(result.flags) == set(log.flags) - {"reused_evidence"}, (person, day)
    # every RHK served belongs to the person's approved SKP covering the day
    bad = (
        Activity.objects.filter(instansi=demo, rhk__isnull=False)
        .exclude(
            rhk__skp__pegawai_id=F("pegawai_id"),
            rhk__skp__status=APPROVED,
            rhk__skp__start_date__lte=F("date"),
            rhk__skp__end_date__gte=F("date"),
        )
        .count()
    )
    assert bad == 0


def test_verified_logs_are_verified_by_the_pejabat_penilai_of_that_day(demo):
    pairs = sorted(
        set(
            Activity.objects.filter(instansi=demo, status=rules.VERIFIED).values_list(
                "pegawai_id", "verified_at", "verified_by_id"
            )
        )
    )
    sample = random.Random(3).sample(pairs, 150)
    people = {p.pk: p for p in Pegawai.objects.filter(pk__in={p for p, _a, _b in sample})}
    for person, at, verifier in sample:
        found = atasan_of(people[person], timezone.localtime(at).date())
        assert found is not None and found.pegawai.pk == verifier, (person, at)
    assert not Activity.objects.filter(
        instansi=demo, status=rules.VERIFIED, verified_by__isnull=True
    ).exists()
    assert not Activity.objects.filter(instansi=demo, verified_by_id=F("pegawai_id")).exists()


def test_reused_evidence_is_on_two_peoples_logs_both_flagged(demo):
    files = Evidence.objects.filter(instansi=demo, kind="file")
    assert files.count() > 100
    by_hash = defaultdict(list)
    for sha, activity, pegawai in files.values_list("sha256", "activity_id", "activity__pegawai"):
        by_hash[sha].append((activity, pegawai))
    reused = {sha: rows for sha, rows in by_hash.items() if len(rows) > 1}
    assert 3 <= len(reused) <= 10
    for rows in reused.values():
        assert len({p for _a, p in rows}) == 2
        for activity, _p in rows:
            assert "reused_evidence" in Activity.objects.get(pk=activity).flags
    flagged = [
        f for f in Activity.objects.filter(instansi=demo).values_list("flags", flat=True)
        if "reused_evidence" in f
    ]  # fmt: skip
    assert len(flagged) == sum(len(r) for r in reused.values())
    # the stored bytes are the ones hashed, read back through the storage
    for item in list(files.order_by("pk")[:5]) + list(files.filter(sha256__in=list(reused))):
        with default_storage.open(item.file.name, "rb") as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == item.sha256 and len(data) == item.size


def test_assignments_batches_overdue_comments_and_logs(demo):
    assignments = Assignment.objects.filter(instansi=demo)
    statuses = set(assignments.values_list("status", flat=True))
    assert {"ditugaskan", "dikerjakan", "selesai"} <= statuses
    sizes = defaultdict(int)
    for batch in assignments.values_list("batch", flat=True):
        sizes[batch] += 1
    assert max(sizes.values()) > 1  # several assignees share a batch
    overdue = [a for a in assignments if a.is_overdue(TODAY)]
    assert len(overdue) >= 3
    atasan = _login(demo, "atasan")
    assert any(a.assigner_id == atasan.pegawai_id for a in overdue)
    assert AssignmentComment.objects.filter(instansi=demo).exists()
    assert Activity.objects.filter(instansi=demo, assignment__isnull=False).exists()
    for a in assignments.filter(status="selesai"):
        assert a.progress == 100 and a.closed_at is not None
    assert not assignments.filter(status__in=["ditugaskan"], progress__gt=0).exists()


def test_notifications_audit_and_reset(demo, settings):
    for role in ("pegawai", "atasan"):
        account = _login(demo, role)
        assert Notification.objects.filter(account=account).exists(), role
    kinds = set(Notification.objects.filter(instansi=demo).values_list("kind", flat=True))
    assert {"activity_returned", "assignment_new"} <= kinds
    logs = Activity.objects.filter(instansi=demo).count()
    records = AuditRecord.objects.filter(instansi=demo, object_type="activities.activity")
    assert records.count() == logs
    assert records.filter(action="activity.verify").exists()
    assert audit_verify(demo).ok
    names = list(Evidence.objects.filter(instansi=demo, kind="file").values_list("file", flat=True))
    assert default_storage.exists(names[0])
    load_demo(today=TODAY, reset=True)
    assert not default_storage.exists(names[0]) or names[0] in set(
        Evidence.objects.filter(instansi=demo, kind="file").values_list("file", flat=True)
    )
    assert Activity.objects.filter(instansi=demo).count() == logs  # same seed, same logs
    assert audit_verify(demo).ok
