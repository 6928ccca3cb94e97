"""Daily work: activity logs with evidence, assignments (penugasan) and their comments, and the
instansi's policy for both (DESIGN.md step 5)."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Instansi
from kinerja.people.models import Pegawai
from kinerja.plans.models import Rhk


class ActivityPolicy(models.Model):
    """The instansi's rules for daily logs (its Perbup); one row per instansi, defaults when
    none is stored (activities.selectors.policy_for)."""

    instansi = models.OneToOneField(Instansi, on_delete=models.PROTECT, primary_key=True)
    max_daily_minutes = models.PositiveSmallIntegerField(
        default=600, validators=[MinValueValidator(60), MaxValueValidator(1440)]
    )
    work_start = models.TimeField(default=dt.time(7, 30))
    work_end = models.TimeField(default=dt.time(16, 0))
    # ISO weekdays that are working days ("12345": Monday to Friday).
    work_days = models.CharField(max_length=7, default="12345")
    verify_indirect = models.BooleanField(
        default=False, help_text=_("Indirect supervisors may verify logs too.")
    )
    verification_wait_days = models.PositiveSmallIntegerField(default=5)
    evidence_max_mb = models.PositiveSmallIntegerField(default=5)
    keep_photo_location = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("activity policy")
        verbose_name_plural = _("activity policies")

    def __str__(self) -> str:
        return str(self.instansi_id)


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "ditugaskan", _("Assigned")
    ACCEPTED = "diterima", _("Accepted")
    IN_PROGRESS = "dikerjakan", _("In progress")
    SUBMITTED = "dilaporkan", _("Submitted")
    DONE = "selesai", _("Done")
    CANCELLED = "dibatalkan", _("Cancelled")


class Priority(models.TextChoices):
    LOW = "rendah", _("Low")
    NORMAL = "sedang", _("Normal")
    HIGH = "tinggi", _("High")


class Assignment(models.Model):
    """Penugasan: work a supervisor gives one subordinate (a task given to several people is
    one row each, sharing `batch`), serving one of the supervisor's RHK."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    batch = models.UUIDField(db_index=True)
    assigner = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        Pegawai, on_delete=models.PROTECT, related_name="assignments_received"
    )
    rhk = models.ForeignKey(Rhk, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_date = models.DateField()
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["assignee", "status"], name="assignment_assignee"),
            models.Index(fields=["assigner", "status"], name="assignment_assigner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100), name="assignment_progress"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date) -> bool:
        open_states = (
            AssignmentStatus.ASSIGNED,
            AssignmentStatus.ACCEPTED,
            AssignmentStatus.IN_PROGRESS,
        )
        return self.status in open_states and self.due_date < today


class AssignmentComment(models.Model):
    """One message in an assignment's thread."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "diajukan", _("Submitted")
    VERIFIED = "diverifikasi", _("Verified")
    RETURNED = "dikembalikan", _("Returned")


class Activity(models.Model):
    """One logged piece of work on a day: when, what, the output, and what it serves (an RHK of
    the person's approved SKP, an assignment, or an additional task). `flags` holds what the
    supervisor should look at (logged on leave, outside working hours, reused evidence)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="activities")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField()
    description = models.TextField()
    output_quantity = models.DecimalField(max_digits=12, decimal_places=2, default=1)
    output_unit = models.CharField(max_length=60)
    rhk = models.ForeignKey(
        Rhk, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    is_additional_task = models.BooleanField(default=False)
    status = models.CharField(
        max_length=15, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    return_reason = models.TextField(blank=True)
    flags = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [
            models.Index(fields=["pegawai", "date"], name="activity_pegawai_date"),
            models.Index(fields=["instansi", "status", "submitted_at"], name="activity_queue"),
            models.Index(fields=["instansi", "date"], name="activity_instansi_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=1440), name="activity_minutes"
            ),
            models.CheckConstraint(
                condition=models.Q(rhk__isnull=False)
                | models.Q(assignment__isnull=False)
                | models.Q(is_additional_task=True),
                name="activity_serves_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.description[:60]}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


class Evidence(models.Model):
    """Bukti dukung of an activity: a stored file (content-checked, images re-encoded without
    metadata, SHA-256 kept to spot the same file reused) or a link."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=5, choices=EvidenceKind.choices)
    file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    url = models.URLField(max_length=500, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["pk"]
        indexes = [models.Index(fields=["instansi", "sha256"], name="evidence_hash")]

    def __str__(self) -> str:
        return self.original_name or self.url
