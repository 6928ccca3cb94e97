"""People: pegawai keyed by NIP, their position history, accounts, role grants and API tokens."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.core.models import Instansi
from kinerja.core.roles import Role
from kinerja.org.models import Jabatan, Opd
from kinerja.org.rules import HoldingKind


class AsnType(models.TextChoices):
    PNS = "PNS", "PNS"
    CPNS = "CPNS", "CPNS"
    PPPK = "PPPK", "PPPK"
    PPPK_PARUH_WAKTU = "PPPK_PW", _("PPPK paruh waktu")


class Gender(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class EmployeeStatus(models.TextChoices):
    AKTIF = "aktif", _("Active")
    CUTI = "cuti", _("On leave")
    TUGAS_BELAJAR = "tugas_belajar", _("Study assignment")
    DIPEKERJAKAN = "dipekerjakan", _("Seconded")
    DIBERHENTIKAN_SEMENTARA = "diberhentikan_sementara", _("Temporarily dismissed")
    PENSIUN = "pensiun", _("Retired")
    BERHENTI = "berhenti", _("Discharged")
    MENINGGAL = "meninggal", _("Deceased")


# Employees in these states no longer hold office: they never act as atasan.
INACTIVE_STATUSES = frozenset(
    {EmployeeStatus.PENSIUN, EmployeeStatus.BERHENTI, EmployeeStatus.MENINGGAL}
)


class Pegawai(models.Model):
    """A civil servant (PNS, CPNS or PPPK), keyed by NIP (or NI PPPK). SIMPEG is the source of
    truth for these fields; Kinerja is the source of truth for performance data."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    nip = models.CharField(max_length=18, unique=True)
    name = models.CharField(max_length=200)
    gelar_depan = models.CharField(max_length=60, blank=True)
    gelar_belakang = models.CharField(max_length=100, blank=True)
    asn_type = models.CharField(max_length=10, choices=AsnType.choices, default=AsnType.PNS)
    golongan = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        max_length=30, choices=EmployeeStatus.choices, default=EmployeeStatus.AKTIF
    )
    gender = models.CharField(max_length=1, choices=Gender.choices)
    birth_date = models.DateField()
    tmt_cpns = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name"]
        indexes = [models.Index(fields=["instansi", "name"], name="pegawai_name")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        name = f"{self.gelar_depan} {self.name}".strip()
        return f"{name}, {self.gelar_belakang}" if self.gelar_belakang else name


class Movement(models.TextChoices):
    PENGANGKATAN = "pengangkatan", _("Appointment")
    MUTASI = "mutasi", _("Transfer")
    PROMOSI = "promosi", _("Promotion")
    ROTASI = "rotasi", _("Rotation")
    DEMOSI = "demosi", _("Demotion")
    PENUGASAN = "penugasan", _("Acting assignment")


class PositionAssignment(models.Model):
    """One line of position history: a person holds a position, definitively or acting (Plt/Plh),
    from TMT (`start_date`) to `end_date` (inclusive; empty while in force)."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.CASCADE, related_name="assignments")
    jabatan = models.ForeignKey(Jabatan, on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(
        max_length=10,
        choices=[
            (k.value, k.value.upper() if k != "definitif" else "Definitif") for k in HoldingKind
        ],
        default=HoldingKind.DEFINITIF,
    )
    movement = models.CharField(max_length=20, choices=Movement.choices, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    sk_number = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("position assignment")
        verbose_name_plural = _("position history")
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["pegawai", "kind", "start_date"], name="assign_pegawai"),
            models.Index(fields=["jabatan", "start_date"], name="assign_jabatan"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pegawai", "jabatan", "kind", "start_date"], name="assign_unique_start"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="assign_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pegawai_id} {self.kind} {self.jabatan_id} {self.start_date}"


class AccountManager(BaseUserManager["Account"]):
    def create_user(self, username: str, password: str | None = None, **extra: object) -> Account:
        account = self.model(username=username, **extra)
        account.set_password(password)
        account.save(using=self._db)
        return account

    def create_superuser(
        self, username: str, password: str | None = None, **extra: object
    ) -> Account:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(username, password, **extra)


class Account(AbstractBaseUser, PermissionsMixin):
    """A log-in. Employees log in with their NIP as username; a few system accounts (the
    deployment's superuser) have no pegawai."""

    username = models.CharField(_("NIP"), max_length=40, unique=True)
    instansi = models.ForeignKey(
        Instansi, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pegawai = models.OneToOneField(
        Pegawai, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    display_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    objects = AccountManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def audit_label(self) -> str:
        return f"{self.username} {self.display_name}".strip()


class RoleGrant(models.Model):
    """A stored role: admin OPD (for one OPD), admin BKPSDM, pimpinan or auditor (whole instansi).
    The pegawai and atasan roles are never stored: they follow from the person and positions."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="grants")
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices)
    opd = models.ForeignKey(Opd, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("role grant")
        constraints = [
            models.UniqueConstraint(fields=["account", "role", "opd"], name="grant_unique"),
            models.CheckConstraint(
                condition=~models.Q(role="admin_opd") | models.Q(opd__isnull=False),
                name="grant_admin_opd_has_opd",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.role}"


class AccessToken(models.Model):
    """A personal access token for the API (Bearer). Only its SHA-256 is stored; the token is
    shown once, at creation."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ImportKind(models.TextChoices):
    UNITS = "units", _("Units")
    POSITIONS = "positions", _("Positions")
    EMPLOYEES = "employees", _("Employees")
    HISTORY = "history", _("Position history")
    PRESENSI = "presensi", _("Attendance (presensi)")
    LEAVES = "leaves", _("Leave and permission")


class ImportRun(models.Model):
    """One SIMPEG import: the file, its counts and progress; bad rows in ImportRowError."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=10)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    actor = models.ForeignKey(Account, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Where the uploaded file is kept (relative to MEDIA_ROOT) while a background run reads it.
    stored_path = models.CharField(max_length=500, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    # Rows read so far; written after every chunk so a page can show progress while it runs.
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["instansi", "started_at"], name="importrun_started")]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.status})"


class ImportRowError(models.Model):
    """A rejected row: its line in the file (header = line 1), the column and the reason."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField()
    field = models.CharField(max_length=60, blank=True)
    code = models.CharField(max_length=60)
    message = models.CharField(max_length=500)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"line {self.line} {self.field}: {self.code}"


class LeaveKind(models.TextChoices):
    TAHUNAN = "tahunan", _("Annual leave")
    SAKIT = "sakit", _("Sick leave")
    BESAR = "besar", _("Long leave")
    MELAHIRKAN = "melahirkan", _("Maternity leave")
    ALASAN_PENTING = "alasan_penting", _("Leave for important reasons")
    DINAS_LUAR = "dinas_luar", _("Official travel")
    CLTN = "cltn", _("Unpaid leave (CLTN)")
    TUGAS_BELAJAR = "tugas_belajar", _("Study assignment")
    IZIN = "izin", _("Permission (izin)")
    LAINNYA = "lainnya", _("Other")


class Leave(models.Model):
    """A span of days a person is away (cuti, sakit, dinas luar), from SIMPEG or e-presensi.
    Activities logged on such a day are allowed but flagged to the supervisor."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey(Pegawai, on_delete=models.CASCADE, related_name="leaves")
    kind = models.CharField(max_length=20, choices=LeaveKind.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leaves")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["pegawai", "start_date"], name="leave_pegawai")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="leave_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pegawai_id} {self.kind} {self.start_date}..{self.end_date}"


class Notification(models.Model):
    """A message for one account, shown in the app (unread count in the header) and, when the
    account has an e-mail address, sent by mail."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    # Deduplicates reminders (e.g. "assignment 42 due soon" is sent once).
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "read_at"], name="notification_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe",
            ),
        ]

    def __str__(self) -> str:
        return self.title
