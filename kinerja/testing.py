"""The shared test cast, built from the org chart (STYLE.md 14). Used by tests and browser tests.

Dinas Kesehatan (OPD "dinkes"):
    kadis (JPT pratama, Kepala Dinas)            <- held by `kadis`
    ├── sekretaris (administrator)               <- held by `sekretaris`
    │   └── kasubag umum (pengawas)              <- held by `atasan`
    │       └── pengadministrasi umum (pelaksana)<- held by `pegawai` and `pegawai2`
    └── kabid yankes (administrator)             <- VACANT, Plt: none (rating goes to kadis)
        └── kasi rujukan (pengawas)              <- held by `kasi`
            └── pengelola rujukan (pelaksana)    <- held by `staf_kasi`
Dinas Pendidikan (OPD "disdik"): kadis_disdik position held by `outsider`.
BKPSDM: accounts `admin_bkpsdm`, plus `admin_opd` (admin of dinkes, holds a pelaksana post in
dinkes), `pimpinan` and `auditor` (grants).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from kinerja.core.models import Instansi
from kinerja.core.roles import Role
from kinerja.org.models import Jabatan, JenisJabatan, Opd, UnitKerja
from kinerja.people.models import Account, Pegawai, PositionAssignment, RoleGrant

PASSWORD = "rahasia-uji-123"
START = dt.date(2020, 1, 1)


def make_nip(birth: dt.date, tmt: dt.date, gender: int, seq: int) -> str:
    return f"{birth:%Y%m%d}{tmt:%Y%m}{gender}{seq:03d}"


@dataclass
class Cast:
    instansi: Instansi
    opds: dict[str, Opd] = field(default_factory=dict)
    units: dict[str, UnitKerja] = field(default_factory=dict)
    positions: dict[str, Jabatan] = field(default_factory=dict)
    people: dict[str, Pegawai] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        """`cast.atasan` is the account of the cast member `atasan`."""
        accounts = self.__dict__.get("accounts", {})
        if name in accounts:
            return accounts[name]
        raise AttributeError(name)


_seq = [0]


def _position(
    cast: Cast,
    key: str,
    *,
    opd: str,
    unit: str,
    name: str,
    jenis: str,
    supervisor: str | None,
    kelas: int,
    jenjang: str = "",
) -> Jabatan:
    parent = cast.positions[supervisor] if supervisor else None
    j = Jabatan.objects.create(
        instansi=cast.instansi,
        opd=cast.opds[opd],
        unit=cast.units[unit],
        code=key.upper(),
        name=name,
        jenis=jenis,
        jenjang=jenjang,
        kelas=kelas,
        supervisor=parent,
    )
    j.path = f"{parent.path if parent else '/'}{j.pk}/"
    j.save(update_fields=["path"])
    cast.positions[key] = j
    return j


def _unit(cast: Cast, key: str, *, opd: str, name: str, parent: str | None = None) -> UnitKerja:
    p = cast.units[parent] if parent else None
    u = UnitKerja.objects.create(
        instansi=cast.instansi, opd=cast.opds[opd], parent=p, code=key.upper(), name=name
    )
    u.path = f"{p.path if p else '/'}{u.pk}/"
    u.depth = u.path.count("/") - 2
    u.save(update_fields=["path", "depth"])
    cast.units[key] = u
    return u


def _person(
    cast: Cast,
    key: str,
    name: str,
    *,
    position: str | None,
    kind: str = "definitif",
    start: dt.date = START,
    gender: int = 1,
) -> Pegawai:
    _seq[0] += 1
    birth = dt.date(1975, 1, 1) + dt.timedelta(days=97 * len(cast.people))
    nip = make_nip(birth, dt.date(2000, 3, 1), gender, _seq[0] % 999 + 1)
    p = Pegawai.objects.create(
        instansi=cast.instansi,
        nip=nip,
        name=name,
        gender="L" if gender == 1 else "P",
        birth_date=birth,
        golongan="III/a",
    )
    if position:
        PositionAssignment.objects.create(
            instansi=cast.instansi,
            pegawai=p,
            jabatan=cast.positions[position],
            kind=kind,
            start_date=start,
        )
    a = Account.objects.create_user(
        nip, PASSWORD, instansi=cast.instansi, pegawai=p, display_name=name
    )
    cast.people[key] = p
    cast.accounts[key] = a
    return p


J = JenisJabatan
# key, OPD, unit, name, jenis, supervisor position, kelas, jenjang (fungsional only)
POSITIONS = [
    ("kadis", "dinkes", "dinkes", "Kepala Dinas Kesehatan", J.JPT_PRATAMA, None, 14, ""),
    ("sekretaris", "dinkes", "sekretariat", "Sekretaris Dinas", J.ADMINISTRATOR, "kadis", 12, ""),
    (
        "kasubag",
        "dinkes",
        "umum",
        "Kepala Subbagian Umum dan Kepegawaian",
        J.PENGAWAS,
        "sekretaris",
        9,
        "",
    ),
    (
        "pengadministrasi",
        "dinkes",
        "umum",
        "Pengadministrasi Perkantoran",
        J.PELAKSANA,
        "kasubag",
        6,
        "",
    ),
    (
        "kabid",
        "dinkes",
        "yankes",
        "Kepala Bidang Pelayanan Kesehatan",
        J.ADMINISTRATOR,
        "kadis",
        12,
        "",
    ),
    ("kasi", "dinkes", "rujukan", "Kepala Seksi Rujukan", J.PENGAWAS, "kabid", 9, ""),
    ("pengelola", "dinkes", "rujukan", "Pengelola Layanan Rujukan", J.PELAKSANA, "kasi", 7, ""),
    ("kadis_disdik", "disdik", "disdik", "Kepala Dinas Pendidikan", J.JPT_PRATAMA, None, 14, ""),
    ("kaban", "bkpsdm", "bkpsdm", "Kepala BKPSDM", J.JPT_PRATAMA, None, 14, ""),
    ("analis", "bkpsdm", "bkpsdm", "Analis SDM Aparatur", J.FUNGSIONAL, "kaban", 9, "ahli_pertama"),
]


def build_cast(code: str = "kab-uji") -> Cast:
    inst = Instansi.objects.create(code=code, name="Pemerintah Kabupaten Uji")
    cast = Cast(inst)
    for key, name in [
        ("dinkes", "Dinas Kesehatan"),
        ("disdik", "Dinas Pendidikan"),
        ("bkpsdm", "Badan Kepegawaian dan Pengembangan SDM"),
    ]:
        cast.opds[key] = Opd.objects.create(
            instansi=inst, code=key.upper(), name=name, short_name=key.title()
        )
    _unit(cast, "dinkes", opd="dinkes", name="Dinas Kesehatan")
    _unit(cast, "sekretariat", opd="dinkes", name="Sekretariat", parent="dinkes")
    _unit(cast, "umum", opd="dinkes", name="Subbagian Umum dan Kepegawaian", parent="sekretariat")
    _unit(cast, "yankes", opd="dinkes", name="Bidang Pelayanan Kesehatan", parent="dinkes")
    _unit(cast, "rujukan", opd="dinkes", name="Seksi Rujukan", parent="yankes")
    _unit(cast, "disdik", opd="disdik", name="Dinas Pendidikan")
    _unit(cast, "bkpsdm", opd="bkpsdm", name="BKPSDM")
    for key, opd, unit, name, jenis, supervisor, kelas, jenjang in POSITIONS:
        _position(
            cast,
            key,
            opd=opd,
            unit=unit,
            name=name,
            jenis=jenis,
            supervisor=supervisor,
            kelas=kelas,
            jenjang=jenjang,
        )
    _person(cast, "kadis", "dr. Ahmad Kadis", position="kadis")
    _person(cast, "sekretaris", "Budi Sekretaris", position="sekretaris")
    _person(cast, "atasan", "Citra Kasubag", position="kasubag", gender=2)
    _person(cast, "pegawai", "Dewi Pelaksana", position="pengadministrasi", gender=2)
    _person(cast, "pegawai2", "Eko Pelaksana", position="pengadministrasi")
    _person(cast, "kasi", "Fajar Kasi", position="kasi")
    _person(cast, "staf_kasi", "Gita Pengelola", position="pengelola", gender=2)
    _person(cast, "outsider", "Hadi Disdik", position="kadis_disdik")
    _person(cast, "admin_opd", "Indah Admin Dinkes", position="pengadministrasi", gender=2)
    _person(cast, "admin_bkpsdm", "Joko Admin BKPSDM", position="analis")
    _person(cast, "pimpinan", "Kartika Sekda", position=None, gender=2)
    _person(cast, "auditor", "Lukman Inspektur", position=None)
    RoleGrant.objects.create(
        account=cast.accounts["admin_opd"],
        instansi=inst,
        role=Role.ADMIN_OPD,
        opd=cast.opds["dinkes"],
    )
    RoleGrant.objects.create(
        account=cast.accounts["admin_bkpsdm"], instansi=inst, role=Role.ADMIN_BKPSDM
    )
    RoleGrant.objects.create(account=cast.accounts["pimpinan"], instansi=inst, role=Role.PIMPINAN)
    RoleGrant.objects.create(account=cast.accounts["auditor"], instansi=inst, role=Role.AUDITOR)
    return cast


# --- Logging in (two-factor aware) --------------------------------------------------------------

BACKEND = "django.contrib.auth.backends.ModelBackend"


def totp_device(account: Account) -> Any:
    """The account's confirmed TOTP device, created (with a random key) if it has none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=account, name="Authenticator", confirmed=True)
    return device


def login_verified(client: Any, account: Account, *, device: bool | None = None) -> Any:
    """force_login, and for an account that needs two-factor authentication (its role requires
    it, or it has a device) mark the session verified by its device as the code step would,
    creating a confirmed device if needed. `device=True` does so for any account, `False`
    never. Accounts without 2FA stay plain sessions: no device, no query per request."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from kinerja.people.twofactor import status_of

    client.force_login(account, backend=BACKEND)
    if device is None:
        status = status_of(account)
        device = status.required or status.enabled
    if device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(account).persistent_id
        session.save()
    return client
