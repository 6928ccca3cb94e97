"""Attendance: the working calendar, daily presensi, and discipline cases.

The calendar (WorkSchedule + Holiday) says which days are working days and the hours of each;
Presensi holds the check-in and check-out of a person on a day as e-presensi exported them, with
the minutes late and early worked out against the calendar when the row was written (and again
when the calendar changes). Leave lives in people.Leave. The lateness bands (TL1-TL4,
PSW1-PSW4) and what they cost are rules of the TPP preset, not stored here.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Instansi
from kinerja.org.models import Opd, UnitKerja
from kinerja.people.models import Account, ImportRun, Pegawai


class WorkSchedule(models.Model):
    """Working days and hours of one year: the instansi's (no OPD, no unit) or an override for
    an OPD or a unit that works differently (schools, hospitals, shift work).

    `hours` maps the ISO weekday ("1" Monday .. "7" Sunday) to ["HH:MM", "HH:MM"]; a weekday
    not in it is not a working day. `ramadan_hours` has the same shape and replaces `hours`
    between `ramadan_start` and `ramadan_end`. A `flexible` schedule (shift work) has no fixed
    hours: presence counts, lateness and early leave are not measured."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    opd = models.ForeignKey(Opd, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        UnitKerja, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=120)
    hours = models.JSONField(default=dict)
    ramadan_start = models.DateField(null=True, blank=True)
    ramadan_end = models.DateField(null=True, blank=True)
    ramadan_hours = models.JSONField(default=dict, blank=True)
    flexible = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work schedule")
        verbose_name_plural = _("work schedules")
        ordering = ["year", "opd_id", "unit_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "year"],
                condition=models.Q(opd__isnull=True, unit__isnull=True),
                name="schedule_unique_instansi",
            ),
            models.UniqueConstraint(
                fields=["instansi", "year", "opd"],
                condition=models.Q(opd__isnull=False, unit__isnull=True),
                name="schedule_unique_opd",
            ),
            models.UniqueConstraint(
                fields=["instansi", "year", "unit"],
                condition=models.Q(unit__isnull=False),
                name="schedule_unique_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class HolidayKind(models.TextChoices):
    NASIONAL = "nasional", _("National holiday")
    CUTI_BERSAMA = "cuti_bersama", _("Cuti bersama")
    DAERAH = "daerah", _("Regional holiday")


class Holiday(models.Model):
    """A day off for the whole instansi (national holiday, cuti bersama, regional holiday)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=HolidayKind.choices)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "date"], name="holiday_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Presensi(models.Model):
    """One person's attendance on one day as the e-presensi export gave it. `late_minutes` and
    `early_minutes` are measured against the calendar (0 when on time, or on a non-working or
    flexible day); `working_day` is whether the calendar made it a working day for the person."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    check_in = models.TimeField(null=True, blank=True)
    check_out = models.TimeField(null=True, blank=True)
    late_minutes = models.PositiveSmallIntegerField(default=0)
    early_minutes = models.PositiveSmallIntegerField(default=0)
    working_day = models.BooleanField(default=True)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["pegawai_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["pegawai", "date"], name="presensi_unique_day"),
        ]
        indexes = [models.Index(fields=["instansi", "date"], name="presensi_instansi_date")]

    def __str__(self) -> str:
        return f"{self.pegawai_id} {self.date} {self.check_in}-{self.check_out}"


class DisciplineLevel(models.TextChoices):
    RINGAN = "ringan", _("Light")
    SEDANG = "sedang", _("Moderate")
    BERAT = "berat", _("Severe")


class Sanction(models.TextChoices):
    """Hukuman disiplin of PP 94/2021 (Pasal 8)."""

    TEGURAN_LISAN = "teguran_lisan", _("Oral reprimand")
    TEGURAN_TERTULIS = "teguran_tertulis", _("Written reprimand")
    PERNYATAAN_TIDAK_PUAS = "pernyataan_tidak_puas", _("Written statement of dissatisfaction")
    POTONG_TUNJANGAN_6 = "potong_tunjangan_6", _("Allowance cut of 25 percent for 6 months")
    POTONG_TUNJANGAN_9 = "potong_tunjangan_9", _("Allowance cut of 25 percent for 9 months")
    POTONG_TUNJANGAN_12 = "potong_tunjangan_12", _("Allowance cut of 25 percent for 12 months")
    PENURUNAN_JABATAN = "penurunan_jabatan", _("Demotion one level for 12 months")
    PEMBEBASAN_JABATAN = "pembebasan_jabatan", _("Release from position for 12 months")
    PEMBERHENTIAN = "pemberhentian", _("Dismissal")
    PEMBERHENTIAN_SEMENTARA = "pemberhentian_sementara", _("Temporary dismissal")


class DisciplineCase(models.Model):
    """A hukuman disiplin imposed on a person, entered by admin BKPSDM from the decree. It
    affects the TPP of `months` months from `start_month` (the preset says by how much, unless
    `tpp_cut_pct` overrides it for this case). Cancelled cases stay, with the reason."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=DisciplineLevel.choices)
    sanction = models.CharField(max_length=30, choices=Sanction.choices)
    decree_number = models.CharField(max_length=120)
    decree_date = models.DateField()
    start_month = models.DateField(help_text=_("First month affected (the 1st of the month)."))
    months = models.PositiveSmallIntegerField(default=1)
    tpp_cut_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("discipline case")
        verbose_name_plural = _("discipline cases")
        ordering = ["-start_month", "pk"]
        indexes = [models.Index(fields=["instansi", "start_month"], name="discipline_month")]
        constraints = [
            models.CheckConstraint(condition=models.Q(months__gte=1), name="discipline_months_1"),
            models.CheckConstraint(
                condition=models.Q(tpp_cut_pct__isnull=True)
                | models.Q(tpp_cut_pct__gte=0, tpp_cut_pct__lte=100),
                name="discipline_cut_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pegawai_id} {self.sanction} {self.start_month}"
