"""Tenant (instansi) and the append-only, hash-chained audit trail."""

from __future__ import annotations

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
