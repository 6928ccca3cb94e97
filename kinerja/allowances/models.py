"""TPP: rule presets with versions, the monthly computation and its results, approval and
adjustments.

A preset belongs to an instansi (installed from a template in presets.py); its parameters live
in versions, each effective from a month. A month's computation (TppMonth) records the version
it used; its results (TppLine per person, with the explanation lines as JSON) are replaced by a
recompute until admin BKPSDM approves the month, which locks it. A correction after approval is
a TppAdjustment: an audited line of its own, never an edit of the result.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Instansi
from kinerja.org.models import Opd
from kinerja.people.models import Account, Pegawai


class TppPreset(models.Model):
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    legal_reference = models.TextField(blank=True)
    template = models.CharField(max_length=60, blank=True)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("TPP preset")
        verbose_name_plural = _("TPP presets")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "key"], name="tpp_preset_unique_key"),
            models.UniqueConstraint(fields=["instansi"], condition=models.Q(is_active=True),
                                    name="tpp_preset_one_active"),
        ]

    def __str__(self) -> str:
        return self.name


class TppPresetVersion(models.Model):
    """The parameters of a preset from `effective_from` (the 1st of a month) on. Never edited:
    a change is a new version."""

    preset = models.ForeignKey(TppPreset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    params = models.JSONField()
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("TPP preset version")
        verbose_name_plural = _("TPP preset versions")
        ordering = ["preset_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["preset", "number"], name="tpp_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.preset_id} v{self.number} from {self.effective_from}"


class TppMonthStatus(models.TextChoices):
    COMPUTING = "computing", _("Computing")
    COMPUTED = "computed", _("Computed")
    APPROVED = "approved", _("Approved")
    FAILED = "failed", _("Failed")


class TppMonth(models.Model):
    """The TPP of one month of an instansi: which preset version, progress, totals, approval."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    period = models.DateField(help_text=_("The 1st of the month."))
    status = models.CharField(max_length=10, choices=TppMonthStatus.choices,
                              default=TppMonthStatus.COMPUTING)
    version = models.ForeignKey(TppPresetVersion, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    total_gross = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    total_net = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    inputs_digest = models.CharField(max_length=64, blank=True)
    results_digest = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    computed_by = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = _("TPP month")
        verbose_name_plural = _("TPP months")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "period"], name="tpp_month_unique"),
        ]

    def __str__(self) -> str:
        return f"TPP {self.period:%Y-%m} ({self.status})"

    @property
    def is_approved(self) -> bool:
        return self.status == TppMonthStatus.APPROVED


class TppLine(models.Model):
    """One person's TPP of one month: the figures and, in `lines`, every line of the
    explanation (rule, days, percent, base, rupiah); `inputs` holds the counts it came from."""

    month = models.ForeignKey(TppMonth, on_delete=models.CASCADE, related_name="lines")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="+")
    jabatan_name = models.CharField(max_length=250, blank=True)
    kelas = models.PositiveSmallIntegerField(null=True, blank=True)
    golongan = models.CharField(max_length=8, blank=True)
    ceiling = models.DecimalField(max_digits=14, decimal_places=2)
    payable = models.DecimalField(max_digits=14, decimal_places=2)
    deductions = models.DecimalField(max_digits=14, decimal_places=2)
    gross = models.DecimalField(max_digits=14, decimal_places=2)
    bpjs_employee = models.DecimalField(max_digits=14, decimal_places=2)
    bpjs_employer = models.DecimalField(max_digits=14, decimal_places=2)
    pph21 = models.DecimalField(max_digits=14, decimal_places=2)
    pph21_withheld = models.BooleanField(default=False)
    net = models.DecimalField(max_digits=14, decimal_places=2)
    factor_pct = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    lines = models.JSONField(default=list)
    inputs = models.JSONField(default=dict)
    digest = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("TPP line")
        verbose_name_plural = _("TPP lines")
        ordering = ["month_id", "opd_id", "pegawai_id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "pegawai"], name="tpp_line_unique"),
        ]
        indexes = [models.Index(fields=["pegawai", "month"], name="tpp_line_pegawai")]

    def __str__(self) -> str:
        return f"{self.month_id} {self.pegawai_id} {self.net}"


class TppAdjustment(models.Model):
    """A correction to an approved month: plus or minus rupiah for one person, with the reason
    and who made it. Paid with the month it corrects (the nominative list shows it)."""

    month = models.ForeignKey(TppMonth, on_delete=models.PROTECT, related_name="adjustments")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reason = models.TextField()
    created_by = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("TPP adjustment")
        verbose_name_plural = _("TPP adjustments")
        ordering = ["month_id", "created_at"]

    def __str__(self) -> str:
        return f"{self.month_id} {self.pegawai_id} {self.amount}"
