"""Planning: organisation goals (SAKIP: Perjanjian Kinerja, sasaran strategis, IKU) and the
individual SKP (RHK with indicators, cascading links, perilaku expectations, lampiran, monthly
targets). Forms and enumerations as in PermenPANRB 6/2022 (shared/domain/RULES.md 1.2, 3.1)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Instansi, SkpSource
from kinerja.org.models import Jabatan, Opd
from kinerja.people.models import Pegawai


class PerjanjianKinerja(models.Model):
    """An OPD's performance agreement for a year: the roots of its cascading tree."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="perjanjian_kinerja")
    year = models.PositiveSmallIntegerField()
    signed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("performance agreement")
        verbose_name_plural = _("performance agreements")
        ordering = ["-year", "opd__name"]
        constraints = [
            models.UniqueConstraint(fields=["opd", "year"], name="pk_unique_opd_year"),
        ]

    def __str__(self) -> str:
        return f"PK {self.opd} {self.year}"


class SasaranStrategis(models.Model):
    """A strategic objective of the OPD in its Perjanjian Kinerja."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    perjanjian = models.ForeignKey(
        PerjanjianKinerja, on_delete=models.CASCADE, related_name="sasaran"
    )
    code = models.CharField(max_length=40)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("strategic objective")
        verbose_name_plural = _("strategic objectives")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["perjanjian", "code"], name="sasaran_unique_code"),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Iku(models.Model):
    """Indikator Kinerja Utama of a sasaran: annual target and realisation per quarter."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    sasaran = models.ForeignKey(SasaranStrategis, on_delete=models.CASCADE, related_name="iku")
    code = models.CharField(max_length=40)
    indicator = models.TextField()
    unit = models.CharField(max_length=60)
    annual_target = models.DecimalField(max_digits=18, decimal_places=2)
    realisation_q1 = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    realisation_q2 = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    realisation_q3 = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    realisation_q4 = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "IKU"
        verbose_name_plural = "IKU"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sasaran", "code"], name="iku_unique_code"),
        ]

    def __str__(self) -> str:
        return self.indicator[:80]


class SkpForm(models.TextChoices):
    JPT = "jpt", _("JPT")
    NON_JPT = "non_jpt", _("Non-JPT")


class SkpApproach(models.TextChoices):
    KUANTITATIF = "kuantitatif", _("Quantitative")
    KUALITATIF = "kualitatif", _("Qualitative")


class SkpStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "diajukan", _("Submitted")
    APPROVED = "disetujui", _("Approved")
    RETURNED = "dikembalikan", _("Returned")
    CLOSED = "ditutup", _("Closed")


class Skp(models.Model):
    """Sasaran Kinerja Pegawai: one per person per position per year. A mid-year mutation closes
    the old one (end_date, status ditutup) and opens one for the new position.

    `source` says where it was written; downstream code reads RHKs through plans.selectors and
    never assumes Kinerja authored them. `version` counts changes (optimistic locking).
    """

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="skps")
    jabatan = models.ForeignKey(Jabatan, on_delete=models.PROTECT, related_name="skps")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="skps")
    year = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    form = models.CharField(max_length=10, choices=SkpForm.choices)
    approach = models.CharField(
        max_length=12, choices=SkpApproach.choices, default=SkpApproach.KUANTITATIF
    )
    status = models.CharField(max_length=15, choices=SkpStatus.choices, default=SkpStatus.DRAFT)
    source = models.CharField(max_length=10, choices=SkpSource.choices, default=SkpSource.KINERJA)
    external_id = models.CharField(max_length=64, blank=True)
    # The pejabat penilai as resolved when the SKP was last submitted, and who approved it.
    penilai = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    penilai_jabatan = models.ForeignKey(
        Jabatan, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_note = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SKP"
        verbose_name_plural = "SKP"
        ordering = ["-year", "pegawai__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pegawai", "jabatan", "year"], name="skp_unique_person_position_year"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="skp_dates_ordered"
            ),
        ]
        indexes = [
            models.Index(fields=["instansi", "year", "status"], name="skp_year_status"),
            models.Index(fields=["opd", "year"], name="skp_opd_year"),
        ]

    def __str__(self) -> str:
        return f"SKP {self.year} {self.pegawai_id}"

    @property
    def is_jpt(self) -> bool:
        return self.form == SkpForm.JPT

    @property
    def is_editable_status(self) -> bool:
        return self.status in (SkpStatus.DRAFT, SkpStatus.RETURNED)


class RhkKind(models.TextChoices):
    UTAMA = "utama", _("Main")
    TAMBAHAN = "tambahan", _("Additional")


class Perspektif(models.TextChoices):
    """JPT only (RULES.md 1.2)."""

    PENERIMA_LAYANAN = "penerima_layanan", _("Service recipients")
    PROSES_BISNIS = "proses_bisnis", _("Business process")
    PENGUATAN_INTERNAL = "penguatan_internal", _("Internal strengthening")
    ANGGARAN = "anggaran", _("Budget")


class Intervention(models.TextChoices):
    """How an RHK serves the supervisor's RHK it intervenes (RULES.md 1.2: kept unenforced)."""

    DIRECT = "langsung", _("Direct")
    INDIRECT = "tidak_langsung", _("Indirect")


class Rhk(models.Model):
    """Rencana Hasil Kerja: a planned result, linked to the supervisor's RHK it serves (parent)
    or, for the head of an OPD, to an IKU of the OPD's Perjanjian Kinerja."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="rhk")
    kind = models.CharField(max_length=10, choices=RhkKind.choices, default=RhkKind.UTAMA)
    text = models.TextField()
    perspektif = models.CharField(max_length=20, choices=Perspektif.choices, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    intervention = models.CharField(max_length=15, choices=Intervention.choices, blank=True)
    iku = models.ForeignKey(
        Iku, null=True, blank=True, on_delete=models.PROTECT, related_name="rhk"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "RHK"
        verbose_name_plural = "RHK"
        ordering = ["skp", "kind", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(parent__isnull=True) | models.Q(iku__isnull=True),
                name="rhk_one_link",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Aspek(models.TextChoices):
    KUANTITAS = "kuantitas", _("Quantity")
    KUALITAS = "kualitas", _("Quality")
    WAKTU = "waktu", _("Time")
    BIAYA = "biaya", _("Cost")


class TargetKind(models.TextChoices):
    NUMERIC = "angka", _("Number")
    RANGE = "rentang", _("Range")
    QUALITATIVE = "kualitatif", _("Qualitative")


class Indicator(models.Model):
    """Indikator Kinerja Individu of an RHK: aspek, the indicator text and its target (a number
    with a unit, a range, or a qualitative description)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    rhk = models.ForeignKey(Rhk, on_delete=models.CASCADE, related_name="indicators")
    aspek = models.CharField(max_length=10, choices=Aspek.choices, default=Aspek.KUANTITAS)
    text = models.TextField()
    target_kind = models.CharField(
        max_length=10, choices=TargetKind.choices, default=TargetKind.NUMERIC
    )
    target_min = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    target_max = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    target_text = models.TextField(blank=True)
    unit = models.CharField(max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["rhk", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class PerilakuExpectation(models.Model):
    """One of the seven BerAKHLAK values in an SKP with the supervisor's specific expectation
    (ekspektasi khusus pimpinan). `value` is a key of plans.rules.BERAKHLAK."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="perilaku")
    value = models.CharField(max_length=2)
    expectation = models.TextField(blank=True)

    class Meta:
        verbose_name = _("work behaviour expectation")
        verbose_name_plural = _("work behaviour expectations")
        constraints = [
            models.UniqueConstraint(fields=["skp", "value"], name="perilaku_unique_value"),
        ]

    def __str__(self) -> str:
        return self.value


class LampiranKind(models.TextChoices):
    DUKUNGAN = "dukungan_sumber_daya", _("Resource support")
    SKEMA = "skema_pertanggungjawaban", _("Accountability scheme")
    KONSEKUENSI = "konsekuensi", _("Consequences")


class Lampiran(models.Model):
    """An item of the SKP's annex: resource support, accountability scheme or consequence."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    skp = models.ForeignKey(Skp, on_delete=models.CASCADE, related_name="lampiran")
    kind = models.CharField(max_length=30, choices=LampiranKind.choices)
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("SKP annex item")
        verbose_name_plural = _("SKP annex items")
        ordering = ["skp", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class MonthlyTarget(models.Model):
    """Rencana aksi: what an indicator should reach in a month, with the planned action.
    Realisation is measured against it by activities and evaluations."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="monthly")
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    target = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    action = models.TextField(blank=True)

    class Meta:
        verbose_name = _("monthly target")
        verbose_name_plural = _("monthly targets")
        ordering = ["indicator", "month"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "month"], name="monthly_unique"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="monthly_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.month}"
