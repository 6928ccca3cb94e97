"""Tenant (instansi) and the append-only, hash-chained audit trail."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Instansi(models.Model):
    """A Pemda (province, regency or city): the tenant key carried by every large table."""

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency")
        KOTA = "kota", _("City")

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.KABUPATEN)
    time_zone = models.CharField(max_length=40, default="Asia/Makassar")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")

    def __str__(self) -> str:
        return self.name


class AuditChainHead(models.Model):
    """The last link of an instansi's audit chain. Locked FOR UPDATE while a record is appended,
    so concurrent writers queue on it and the chain stays a single line."""

    instansi = models.OneToOneField(Instansi, on_delete=models.PROTECT, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self) -> str:
        return f"{self.instansi_id} #{self.last_seq}"


class AuditRecord(models.Model):
    """One write, as it happened: who, when, what, on which object, fields before and after.

    Append-only: a database trigger refuses UPDATE (and DELETE on PostgreSQL), and each record
    carries the SHA-256 of its content and of the previous record, so `kinerja audit verify`
    detects an edited, inserted or deleted record even by someone who bypassed the trigger.
    """

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField()
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_label = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict)
    context = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instansi", "seq"], name="audit_unique_seq"),
        ]
        indexes = [
            models.Index(fields=["instansi", "object_type", "object_id"], name="audit_object"),
            models.Index(fields=["instansi", "actor_id", "at"], name="audit_actor"),
            models.Index(fields=["instansi", "at"], name="audit_at"),
        ]
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class EvaluationFrequency(models.TextChoices):
    """How often the periodic evaluation runs (SIASN `periodik`: 1 bulanan, 2 triwulan)."""

    MONTHLY = "bulanan", _("Monthly")
    QUARTERLY = "triwulan", _("Quarterly")


class SkpSource(models.TextChoices):
    """Where the year's SKPs are written: here, or mirrored from BKN's e-Kinerja."""

    KINERJA = "kinerja", _("Written in Kinerja")
    BKN = "bkn", _("Mirrored from BKN e-Kinerja")


class PeriodState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PerformanceYear(models.Model):
    """A performance year of an instansi and its settings. Opened by admin BKPSDM; its SKPs can
    only be written while it is open. Closing it locks every plan of the year."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    evaluation_frequency = models.CharField(
        max_length=10, choices=EvaluationFrequency.choices, default=EvaluationFrequency.MONTHLY
    )
    # Activities of a month may be logged until this day of the next month (inclusive).
    log_deadline_day = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    skp_source = models.CharField(
        max_length=10, choices=SkpSource.choices, default=SkpSource.KINERJA
    )
    state = models.CharField(max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN)

    class Meta:
        verbose_name = _("performance year")
        verbose_name_plural = _("performance years")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "year"], name="performance_year_unique"),
            models.CheckConstraint(
                condition=models.Q(log_deadline_day__gte=1, log_deadline_day__lte=28),
                name="performance_year_deadline_1_28",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class PerformanceMonth(models.Model):
    """A month of a performance year. Closing it locks what was logged and planned for it."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    performance_year = models.ForeignKey(
        PerformanceYear, on_delete=models.PROTECT, related_name="months"
    )
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    state = models.CharField(max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN)

    class Meta:
        verbose_name = _("performance month")
        verbose_name_plural = _("performance months")
        ordering = ["performance_year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["performance_year", "month"], name="performance_month_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.performance_year_id}-{self.month:02d}"


class IdempotencyRecord(models.Model):
    """The answer to a creating API request sent with an `Idempotency-Key` header: a client that
    retries (a phone after a dropped connection) gets the same answer and creates nothing new."""

    account_id = models.BigIntegerField()
    key = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account_id", "key"], name="idempotency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.key}"


class PersonPeriodLock(models.Model):
    """Days of one person's work that may no longer change: written when their evaluation of a
    period is finalised, removed by an audited reopen. Kept here (by id, not a foreign key)
    because activities, which must honour it, sit above evaluations (DESIGN.md architecture)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai_id = models.BigIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    source = models.CharField(max_length=60)  # e.g. "evaluation:123"

    class Meta:
        verbose_name = "person period lock"
        constraints = [
            models.UniqueConstraint(fields=["source"], name="person_lock_unique_source"),
        ]
        indexes = [models.Index(fields=["pegawai_id", "start_date"], name="person_lock_lookup")]

    def __str__(self) -> str:
        return f"{self.pegawai_id} {self.start_date}..{self.end_date}"
