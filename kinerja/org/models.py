"""Organisation: OPD, unit kerja tree, jabatan (positions) and the supervisor line between them."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Instansi


class Opd(models.Model):
    """Organisasi Perangkat Daerah: a regional agency (Dinas, Badan, Sekretariat, Inspektorat)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="opds")
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = "OPD"
        verbose_name_plural = "OPD"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "code"], name="opd_unique_code"),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class UnitKerja(models.Model):
    """A unit inside an OPD (bidang, bagian, seksi, subbagian, UPT...), arranged as a tree.

    `path` holds the ids from the root down ("/3/17/42/") so a subtree is one indexed
    `path LIKE '/3/17/%'` query on either database."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    code = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=400, blank=True, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "code"], name="unit_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class JenisJabatan(models.TextChoices):
    JPT_UTAMA = "jpt_utama", _("JPT Utama")
    JPT_MADYA = "jpt_madya", _("JPT Madya")
    JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
    ADMINISTRATOR = "administrator", _("Administrator")
    PENGAWAS = "pengawas", _("Pengawas")
    PELAKSANA = "pelaksana", _("Pelaksana")
    FUNGSIONAL = "fungsional", _("Fungsional")


class JenjangFungsional(models.TextChoices):
    AHLI_PERTAMA = "ahli_pertama", _("Ahli Pertama")
    AHLI_MUDA = "ahli_muda", _("Ahli Muda")
    AHLI_MADYA = "ahli_madya", _("Ahli Madya")
    AHLI_UTAMA = "ahli_utama", _("Ahli Utama")
    PEMULA = "pemula", _("Pemula")
    TERAMPIL = "terampil", _("Terampil")
    MAHIR = "mahir", _("Mahir")
    PENYELIA = "penyelia", _("Penyelia")


class Jabatan(models.Model):
    """A position. The supervisor line runs between positions, so it survives people moving.

    Structural positions (JPT, administrator, pengawas) have one holder at a time; pelaksana and
    fungsional positions may have several (a formasi). `path` holds the supervisor line from the
    top position down ("/1/8/30/"), so all indirect subordinate positions are one prefix query.
    """

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="positions")
    unit = models.ForeignKey(
        UnitKerja, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=250)
    jenis = models.CharField(max_length=20, choices=JenisJabatan.choices)
    jenjang = models.CharField(max_length=20, choices=JenjangFungsional.choices, blank=True)
    kelas = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    supervisor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="direct_reports"
    )
    path = models.CharField(max_length=600, blank=True, db_index=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "code"], name="jabatan_unique_code"),
            models.CheckConstraint(
                condition=models.Q(kelas__isnull=True) | models.Q(kelas__gte=1, kelas__lte=17),
                name="jabatan_kelas_1_17",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_structural(self) -> bool:
        return self.jenis in STRUCTURAL_JENIS

    def supervisor_chain_ids(self) -> list[int]:
        """Supervisor position ids from the direct one upwards, read from the path."""
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return list(reversed(ids[:-1]))


STRUCTURAL_JENIS = frozenset(
    {
        JenisJabatan.JPT_UTAMA,
        JenisJabatan.JPT_MADYA,
        JenisJabatan.JPT_PRATAMA,
        JenisJabatan.ADMINISTRATOR,
        JenisJabatan.PENGAWAS,
    }
)
