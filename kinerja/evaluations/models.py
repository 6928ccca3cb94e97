"""Evaluation: periodic (monthly or quarterly) and annual evaluation of an SKP, with the
realisation per indicator, ratings per RHK and per BerAKHLAK value, the predikat, a numeric
score by the instansi's method, continuous feedback, performance dialogues, objections,
calibration and the organisation predikat behind the distribution curve (DESIGN.md step 6,
shared/domain/RULES.md 1.4-1.10)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Instansi
from kinerja.org.models import Jabatan, Opd
from kinerja.people.models import Pegawai
from kinerja.plans.models import Indicator, Rhk, Skp


class Rating(models.TextChoices):
    DI_ATAS = "di_atas", _("Above expectation")
    SESUAI = "sesuai", _("Meets expectation")
    DI_BAWAH = "di_bawah", _("Below expectation")


class Predikat(models.TextChoices):
    SANGAT_BAIK = "sangat_baik", _("Very good")
    BAIK = "baik", _("Good")
    BUTUH_PERBAIKAN = "butuh_perbaikan", _("Needs improvement")
    KURANG = "kurang", _("Poor/Misconduct")
    SANGAT_KURANG = "sangat_kurang", _("Very poor")


class OrgPredikatChoice(models.TextChoices):
    ISTIMEWA = "istimewa", _("Outstanding")
    BAIK = "baik", _("Good")
    BUTUH_PERBAIKAN = "butuh_perbaikan", _("Needs improvement")
    KURANG = "kurang", _("Poor")
    SANGAT_KURANG = "sangat_kurang", _("Very poor")


class PeriodKind(models.TextChoices):
    MONTHLY = "bulanan", _("Monthly")
    QUARTERLY = "triwulan", _("Quarterly")
    ANNUAL = "tahunan", _("Annual")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Self-assessment")
    SELF_SUBMITTED = "diajukan", _("Awaiting the supervisor")
    FINAL = "ditetapkan", _("Finalised")
    ACKNOWLEDGED = "diterima", _("Acknowledged")
    OBJECTED = "keberatan", _("Objection filed")
    DECIDED = "diputus", _("Objection decided")


class ScoreMethod(models.Model):
    """A way to turn an evaluation into a number (for TPP, ranking or the 9-box): a kind the
    code knows (evaluations.rules.METHOD_KINDS) and its parameters. Built-in presets have no
    instansi; an instansi may add its own. Methods are data, never a code branch per Pemda."""

    instansi = models.ForeignKey(
        Instansi, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    params = models.JSONField(default=dict, blank=True)
    source = models.TextField(blank=True)

    class Meta:
        verbose_name = _("score method")
        verbose_name_plural = _("score methods")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "key"], name="score_method_unique_key"),
            models.UniqueConstraint(
                fields=["key"], condition=models.Q(instansi__isnull=True),
                name="score_method_unique_builtin",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EvaluationPolicy(models.Model):
    """The instansi's evaluation settings; defaults when none is stored (selectors.policy_for)."""

    instansi = models.OneToOneField(Instansi, on_delete=models.PROTECT, primary_key=True)
    objection_days = models.PositiveSmallIntegerField(default=14)
    peer_feedback = models.BooleanField(
        default=False, help_text=_("Colleagues may give feedback on work behaviour.")
    )
    score_method = models.ForeignKey(
        ScoreMethod, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evaluation policy")
        verbose_name_plural = _("evaluation policies")

    def __str__(self) -> str:
        return str(self.instansi_id)


class Evaluation(models.Model):
    """One evaluation of one SKP for one period (a month, a quarter, or the year).

    The employee's self-assessment and the supervisor's ratings are both kept. `matrix_predikat`
    is what the matrix gives for the supervisor's ratings; `predikat` is the one that counts
    (the matrix's, or the one set in calibration or by an objection decision). `score` is the
    number by the instansi's score method; `breakdown` holds how it was computed. Derived fields
    are written by services and by the recompute batch; `version` guards concurrent edits.
    """

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="evaluations")
    skp = models.ForeignKey(Skp, on_delete=models.PROTECT, related_name="evaluations")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+")
    jabatan = models.ForeignKey(Jabatan, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_no = models.PositiveSmallIntegerField()  # month 1-12, quarter 1-4, 0 for the year
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(
        max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    self_hasil_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    self_perilaku_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    self_note = models.TextField(blank=True)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    penilai = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hasil_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    perilaku_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    rater_note = models.TextField(blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    matrix_predikat = models.CharField(max_length=16, choices=Predikat.choices, blank=True)
    predikat = models.CharField(max_length=16, choices=Predikat.choices, blank=True)
    calibrated = models.BooleanField(default=False)
    calibration_reason = models.TextField(blank=True)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    score_method = models.CharField(max_length=60, blank=True)
    breakdown = models.JSONField(default=dict, blank=True)
    verified_minutes = models.PositiveIntegerField(default=0)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.BigIntegerField(null=True, blank=True)  # account id
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    objection_deadline = models.DateField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-year", "-period_no", "pegawai__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["skp", "period_kind", "period_no"], name="evaluation_unique_period"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="evaluation_dates_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["instansi", "year", "period_kind", "period_no"], name="evaluation_period"
            ),
            models.Index(fields=["pegawai", "year"], name="evaluation_pegawai_year"),
            models.Index(fields=["opd", "year", "period_kind"], name="evaluation_opd"),
        ]

    def __str__(self) -> str:
        return f"{self.pegawai_id} {self.year}/{self.period_kind}/{self.period_no}"

    @property
    def is_locked(self) -> bool:
        return self.status in (
            EvaluationStatus.FINAL,
            EvaluationStatus.ACKNOWLEDGED,
            EvaluationStatus.OBJECTED,
            EvaluationStatus.DECIDED,
        )

    @property
    def is_annual(self) -> bool:
        return self.period_kind == PeriodKind.ANNUAL


class IndicatorRealisation(models.Model):
    """An indicator's target and realisation in an evaluation. `prefilled` and the counts come
    from verified logs and finished assignments (the recompute); `realisation` is the
    employee's own figure when they change it (with a note); the effective realisation is the
    employee's when given, else the pre-filled one. `capaian` and `nilai` are derived."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="realisations"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    rhk = models.ForeignKey(Rhk, on_delete=models.PROTECT, related_name="+")
    countable = models.BooleanField(default=False)
    target = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    target_max = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    prefilled = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    log_count = models.PositiveIntegerField(default=0)
    log_minutes = models.PositiveIntegerField(default=0)
    assignment_count = models.PositiveIntegerField(default=0)
    realisation = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    realisation_text = models.TextField(blank=True)  # qualitative indicators
    note = models.TextField(blank=True)
    capaian = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    nilai = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("indicator realisation")
        verbose_name_plural = _("indicator realisations")
        ordering = ["evaluation", "rhk__kind", "rhk__order", "rhk_id", "indicator__order",
                    "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator"], name="realisation_unique_indicator"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.indicator_id}"

    @property
    def effective(self) -> object:
        return self.realisation if self.realisation is not None else self.prefilled


class RhkRating(models.Model):
    """The supervisor's feedback and rating on one RHK in an evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="rhk_ratings")
    rhk = models.ForeignKey(Rhk, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    feedback = models.TextField(blank=True)

    class Meta:
        verbose_name = _("RHK rating")
        verbose_name_plural = _("RHK ratings")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "rhk"], name="rhk_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.rhk_id}"


class PerilakuRating(models.Model):
    """The supervisor's feedback (and optional rating) on one BerAKHLAK value."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="perilaku_ratings"
    )
    value = models.CharField(max_length=2)
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    feedback = models.TextField(blank=True)

    class Meta:
        verbose_name = _("work behaviour rating")
        verbose_name_plural = _("work behaviour ratings")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "value"], name="perilaku_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.value}"


class ObjectionStatus(models.TextChoices):
    OPEN = "diajukan", _("Open")
    UPHELD = "dikabulkan", _("Upheld")
    REJECTED = "ditolak", _("Rejected")


class Objection(models.Model):
    """Keberatan: the employee disputes a finalised evaluation within the allowed days; the
    supervisor's own supervisor (`decider`; admin BKPSDM when nobody is above) decides."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="objections")
    filed_by = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    filed_at = models.DateTimeField()
    decider = models.ForeignKey(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    original_predikat = models.CharField(max_length=16, choices=Predikat.choices, blank=True)
    decided_predikat = models.CharField(max_length=16, choices=Predikat.choices, blank=True)
    decision_note = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.BigIntegerField(null=True, blank=True)  # account id

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"], condition=models.Q(status="diajukan"),
                name="objection_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.status}"


class FeedbackKind(models.TextChoices):
    SUPERVISOR = "atasan", _("Supervisor")
    PEER = "rekan", _("Colleague")


class FeedbackNote(models.Model):
    """Umpan balik berkelanjutan: a note from the supervisor (or a colleague on perilaku, where
    the instansi enables it) on the employee's work, optionally about one RHK or value."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="feedback")
    author = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=FeedbackKind.choices)
    date = models.DateField()
    rhk = models.ForeignKey(Rhk, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=2, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback note")
        verbose_name_plural = _("feedback notes")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["pegawai", "date"], name="feedback_pegawai_date")]

    def __str__(self) -> str:
        return self.text[:60]


class Dialogue(models.Model):
    """A performance dialogue (dialog kinerja): when, the topics, the agreed follow-ups."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="dialogues")
    held_by = models.ForeignKey(Pegawai, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    topics = models.TextField()
    follow_ups = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("performance dialogue")
        verbose_name_plural = _("performance dialogues")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["pegawai", "date"], name="dialogue_pegawai_date")]

    def __str__(self) -> str:
        return self.topics[:60]


class OrgPredikat(models.Model):
    """Capaian kinerja organisasi of an OPD for a period, set one level up (recorded by admin
    BKPSDM or pimpinan); it picks the distribution curve for the OPD's employees."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_no = models.PositiveSmallIntegerField()
    predikat = models.CharField(max_length=16, choices=OrgPredikatChoice.choices)
    note = models.TextField(blank=True)
    set_by = models.BigIntegerField(null=True, blank=True)  # account id
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation predikat")
        verbose_name_plural = _("organisation predikat")
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "year", "period_kind", "period_no"], name="org_predikat_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opd_id} {self.year} {self.predikat}"


class RunStatus(models.TextChoices):
    RUNNING = "berjalan", _("Running")
    DONE = "selesai", _("Done")
    FAILED = "gagal", _("Failed")


class RecomputeRun(models.Model):
    """One recompute of a period's derived scores, with its progress for the UI."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    period_kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    period_no = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    phase = models.CharField(max_length=40, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    started_by = models.BigIntegerField(null=True, blank=True)  # account id
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recompute run")
        verbose_name_plural = _("recompute runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.year}/{self.period_kind}/{self.period_no} {self.status}"
