"""`kinerja demo`: a believable Pemda that passes the project's own rules, built in bulk, once."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F

from kinerja.core.audit import audit_verify
from kinerja.core.models import AuditRecord, Instansi
from kinerja.core.roles import Role
from kinerja.demo.load import DEFAULT_CODE, DEMO_PASSWORD
from kinerja.demo.plan import build_plan
from kinerja.demo.structure import KELAS_RANGE
from kinerja.org.models import STRUCTURAL_JENIS, Jabatan, Opd, UnitKerja
from kinerja.org.rules import HoldingKind
from kinerja.people.models import Account, Pegawai, PositionAssignment, RoleGrant
from kinerja.people.rules import normalise_golongan, parse_nip
from kinerja.people.selectors import atasan_of

TODAY = dt.date(2025, 6, 16)
GOL_ORDER = [
    "I/a",
    "I/b",
    "I/c",
    "I/d",
    "II/a",
    "II/b",
    "II/c",
    "II/d",
    "III/a",
    "III/b",
    "III/c",
    "III/d",
    "IV/a",
    "IV/b",
    "IV/c",
    "IV/d",
    "IV/e",
]
# RULES.md 6.4 (golongan per jenjang of JF keahlian) and the structural ladder: (lowest, highest).
PNS_GOLONGAN = {
    "jpt_madya": ("IV/c", "IV/e"),
    "jpt_pratama": ("IV/c", "IV/e"),
    "administrator": ("III/d", "IV/c"),
    "pengawas": ("III/c", "IV/b"),
    "ahli_pertama": ("III/a", "III/b"),
    "ahli_muda": ("III/c", "III/d"),
    "ahli_madya": ("IV/a", "IV/c"),
    "ahli_utama": ("IV/d", "IV/e"),
    "terampil": ("II/a", "III/b"),
    "pelaksana": ("I/a", "III/d"),
}


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db):
    # The daily work has its own tests (test_demo_activities.py); leaving it out here saves
    # about three seconds per test.
    output = run_demo("--no-daily-work")
    return Instansi.objects.get(code=DEFAULT_CODE), output


def test_demo_builds_the_pemda(demo):
    instansi, _output = demo
    assert instansi.name == "Pemerintah Kabupaten Lembah Hijau"
    assert instansi.time_zone == "Asia/Makassar"
    names = set(Opd.objects.filter(instansi=instansi).values_list("name", flat=True))
    for required in (
        "Sekretariat Daerah",
        "Inspektorat Daerah",
        "Dinas Kesehatan",
        "Dinas Pendidikan",
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Dinas Perhubungan",
        "Dinas Lingkungan Hidup",
    ):
        assert required in names
    assert any(n.startswith("Badan Kepegawaian") for n in names)
    assert len(names) >= 8
    units = UnitKerja.objects.filter(instansi=instansi)
    assert units.filter(name__startswith="UPT Puskesmas").exists()
    assert units.filter(name__startswith="SD Negeri").exists()
    assert units.filter(name__startswith="Seksi").exists()
    assert units.filter(name__startswith="Subbagian").exists()
    assert Pegawai.objects.filter(instansi=instansi).count() == 300


def test_paths_follow_the_trees(demo):
    instansi, _ = demo
    units = {u.pk: u for u in UnitKerja.objects.filter(instansi=instansi)}
    for unit in units.values():
        parent_path = units[unit.parent_id].path if unit.parent_id else "/"
        assert unit.path == f"{parent_path}{unit.pk}/"
        assert unit.depth == unit.path.count("/") - 2
        if unit.parent_id:
            assert units[unit.parent_id].opd_id == unit.opd_id
    positions = {p.pk: p for p in Jabatan.objects.filter(instansi=instansi)}
    for position in positions.values():
        parent_path = positions[position.supervisor_id].path if position.supervisor_id else "/"
        assert position.path == f"{parent_path}{position.pk}/"
    roots = [p for p in positions.values() if p.supervisor_id is None]
    assert [p.name for p in roots] == ["Sekretaris Daerah"]


def test_positions_have_consistent_jenis_jenjang_and_kelas(demo):
    instansi, _ = demo
    positions = list(Jabatan.objects.filter(instansi=instansi).select_related("supervisor"))
    for p in positions:
        low, high = KELAS_RANGE[p.jenis if p.jenis != "jpt_utama" else "jpt_madya"]
        assert low <= p.kelas <= high, p
        assert bool(p.jenjang) == (p.jenis == "fungsional"), p
    by_name = {p.name: p for p in positions}
    sekda = by_name["Sekretaris Daerah"]
    # A Sekda kabupaten is JPT pratama (UU 5/2014 Pasal 19); JPT madya is the provincial Sekda.
    assert sekda.jenis == "jpt_pratama" and sekda.kelas == 15
    for name in (
        "Kepala Dinas Kesehatan",
        "Kepala Dinas Pendidikan",
        "Inspektur Daerah",
        "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    ):
        assert by_name[name].jenis == "jpt_pratama"
        assert by_name[name].supervisor == sekda  # every Kepala OPD reports to the Sekda
    assert by_name["Analis SDM Aparatur Ahli Pertama"].jenjang == "ahli_pertama"
    assert by_name["Perawat Terampil"].jenjang == "terampil"
    assert by_name["Guru Ahli Muda"].jenjang == "ahli_muda"
    assert {p.jenis for p in positions} >= {
        "jpt_pratama",
        "administrator",
        "pengawas",
        "pelaksana",
        "fungsional",
    }


def test_people_pass_the_rules(demo):
    instansi, _ = demo
    people = list(Pegawai.objects.filter(instansi=instansi))
    current = {
        a.pegawai_id: a.jabatan
        for a in PositionAssignment.objects.filter(
            instansi=instansi, kind=HoldingKind.DEFINITIF, end_date=None
        ).select_related("jabatan")
    }
    for p in people:
        info = parse_nip(p.nip, asn_type=p.asn_type)
        assert info.birth_date == p.birth_date
        assert info.gender == p.gender
        assert normalise_golongan(p.golongan, asn_type=p.asn_type) == p.golongan
        if p.tmt_cpns:
            assert p.tmt_cpns == info.appointed
        jabatan = current.get(p.pk)
        if p.asn_type == "PNS" and jabatan is not None:
            low, high = PNS_GOLONGAN[jabatan.jenjang or jabatan.jenis]
            assert GOL_ORDER.index(low) <= GOL_ORDER.index(p.golongan) <= GOL_ORDER.index(high), (
                p.golongan,
                jabatan.name,
            )
        if jabatan is not None and jabatan.jenis in STRUCTURAL_JENIS:
            assert p.asn_type == "PNS"
    types = Counter(p.asn_type for p in people)
    assert types["PNS"] > types["PPPK"] > 0 and types["CPNS"] > 0
    statuses = Counter(p.status for p in people)
    assert statuses["aktif"] > 270
    assert statuses["cuti"] >= 2 and statuses["tugas_belajar"] >= 1
    assert any(p.gelar_depan == "dr." for p in people)
    assert any("S.Kep." in p.gelar_belakang for p in people)
    assert len({p.name for p in people}) > 250  # names vary


def test_structural_posts_have_at_most_one_definitive_holder(demo):
    instansi, _ = demo
    holders = Counter(
        PositionAssignment.objects.filter(
            instansi=instansi,
            kind=HoldingKind.DEFINITIF,
            end_date=None,
            jabatan__jenis__in=list(STRUCTURAL_JENIS),
        ).values_list("jabatan_id", flat=True)
    )
    assert max(holders.values()) == 1


def test_history_acting_officials_and_vacancies(demo):
    instansi, _ = demo
    rows = PositionAssignment.objects.filter(instansi=instansi)
    assert rows.filter(movement="mutasi", end_date__isnull=True).exists()
    assert rows.filter(movement="promosi", end_date__isnull=True).exists()
    closed = rows.filter(end_date__isnull=False, kind=HoldingKind.DEFINITIF)
    assert closed.count() >= 3
    plt = rows.get(kind=HoldingKind.PLT)
    assert plt.jabatan.name == "Kepala Bidang Pelayanan Kesehatan"
    assert not rows.filter(
        jabatan=plt.jabatan, kind=HoldingKind.DEFINITIF, end_date__isnull=True
    ).exists()
    plh = rows.get(kind=HoldingKind.PLH)
    assert plh.start_date <= TODAY <= plh.end_date
    definitive = rows.get(jabatan=plh.jabatan, kind=HoldingKind.DEFINITIF, end_date=None)
    assert definitive.pegawai.status == "cuti"
    # A kasi under the Plt's post is rated by the Plt; the Kepala Dinas Perhubungan's staff
    # by the Plh.
    kasi = rows.get(
        jabatan__supervisor=plt.jabatan, jabatan__name__startswith="Kepala Seksi", end_date=None
    ).pegawai
    found = atasan_of(kasi, TODAY)
    assert found.pegawai == plt.pegawai and found.atasan.kind == HoldingKind.PLT
    sekretaris_dishub = rows.get(
        jabatan__supervisor=plh.jabatan, jabatan__name="Sekretaris Dinas Perhubungan"
    ).pegawai
    # the Plh is this Sekretaris: nobody rates themself, so the line goes to the Sekda
    assert atasan_of(sekretaris_dishub, TODAY).jabatan.name == "Sekretaris Daerah"
    # A vacant structural post with nobody acting: its staff are rated one level up.
    vacant = Jabatan.objects.get(instansi=instansi, code="DLH-B1-S1-K")
    assert not rows.filter(jabatan=vacant, end_date=None).exists()
    staff = rows.filter(jabatan__supervisor=vacant, end_date=None).first().pegawai
    assert atasan_of(staff, TODAY).jabatan == vacant.supervisor
    # The retired former holder of the Plt post never rates anyone.
    assert Pegawai.objects.filter(instansi=instansi, status="pensiun").count() == 1


def test_accounts_and_role_grants(demo):
    instansi, output = demo
    accounts = Account.objects.filter(instansi=instansi)
    assert accounts.count() == 300
    assert not accounts.exclude(pegawai__nip=F("username")).exists()
    assert len(set(accounts.values_list("password", flat=True))) == 1  # hashed once
    grants = RoleGrant.objects.filter(instansi=instansi)
    admin = grants.get(role=Role.ADMIN_BKPSDM).account
    assert admin.is_staff and not admin.is_superuser
    assert admin.check_password(DEMO_PASSWORD)
    assert grants.filter(role=Role.ADMIN_OPD).values("opd").distinct().count() == 2
    assert (
        grants.get(role=Role.PIMPINAN)
        .account.pegawai.assignments.filter(jabatan__name="Sekretaris Daerah")
        .exists()
    )
    assert (
        grants.get(role=Role.AUDITOR)
        .account.pegawai.assignments.filter(jabatan__opd__code="INSPEKTORAT")
        .exists()
    )
    assert accounts.filter(is_staff=True).count() == 1


def test_login_table_lists_every_role_and_the_password(demo):
    _instansi, output = demo
    for label in (
        "Pegawai",
        "Atasan",
        "Admin OPD",
        "Admin BKPSDM",
        "Pimpinan",
        "Auditor",
        "Plt",
        "Plh",
    ):
        assert f"\n{label}" in output
    assert DEMO_PASSWORD in output and "DEMO ONLY" in output


def test_the_login_table_atasan_rates_the_login_table_pegawai(demo):
    instansi, _ = demo
    logins = AuditRecord.objects.get(instansi=instansi, action="demo.load").context["logins"]
    pegawai = Pegawai.objects.get(nip=logins["pegawai"][0])
    found = atasan_of(pegawai, TODAY)
    assert found is not None and found.pegawai.nip == logins["atasan"][0]


def test_load_is_one_audit_record_and_the_chain_verifies(demo):
    instansi, _ = demo
    # the organisation and people: one record; plans have their own (test_demo_plans.py)
    records = AuditRecord.objects.filter(instansi=instansi, action__startswith="demo.")
    assert list(records.values_list("action", flat=True)) == ["demo.load"]
    record = records.get()
    assert record.context["counts"]["pegawai"] == 300
    assert record.context["seed"] == 1
    assert audit_verify(instansi).ok


def test_if_empty_only_prints_the_logins_again(demo):
    instansi, first = demo
    records = AuditRecord.objects.filter(instansi=instansi).count()
    again = run_demo("--if-empty")
    assert "already has data" in again
    assert Pegawai.objects.filter(instansi=instansi).count() == 300
    assert AuditRecord.objects.filter(instansi=instansi).count() == records
    first_table = first[first.index("Role") :]
    assert again[again.index("Role") :] == first_table


def test_second_load_without_reset_is_refused(demo):
    with pytest.raises(CommandError, match="--reset"):
        run_demo()


def test_reset_replaces_the_data_and_keeps_the_audit_trail(demo):
    instansi, _ = demo
    nips = set(Pegawai.objects.filter(instansi=instansi).values_list("nip", flat=True))
    run_demo("--reset", "--seed", "2", "--employees", "200")
    assert Pegawai.objects.filter(instansi=instansi).count() == 200
    assert nips != set(Pegawai.objects.filter(instansi=instansi).values_list("nip", flat=True))
    assert AuditRecord.objects.filter(instansi=instansi, action="demo.load").count() == 2
    assert audit_verify(instansi).ok


def test_another_instansi_gets_its_own_unique_nips(demo):
    run_demo("--instansi-code", "bench", "--employees", "200")
    assert Pegawai.objects.count() == 500
    assert Pegawai.objects.values("nip").distinct().count() == 500


def test_too_few_employees_is_refused(db):
    with pytest.raises(CommandError, match="at least"):
        run_demo("--employees", "10")


# --- the plan alone (no database) -----------------------------------------------------------


def _fingerprint(plan):
    return (
        [(p.nip, p.full_name, p.golongan, p.status) for p in plan.people],
        [(a.person, a.position, a.kind, a.start, a.end) for a in plan.assignments],
        [(p.code, p.name) for p in plan.positions],
    )


def test_same_seed_same_pemda():
    a = build_plan(employees=400, seed=7, today=TODAY)
    b = build_plan(employees=400, seed=7, today=TODAY)
    c = build_plan(employees=400, seed=8, today=TODAY)
    assert _fingerprint(a) == _fingerprint(b)
    assert _fingerprint(a)[0] != _fingerprint(c)[0]


@pytest.mark.parametrize("employees", [150, 300, 2500])
def test_plan_has_exactly_the_requested_headcount(employees):
    plan = build_plan(employees=employees, seed=3, today=TODAY)
    assert len(plan.people) == employees
    assert len({p.nip for p in plan.people}) == employees
    for role in ("pegawai", "atasan", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor", "plt"):
        assert plan.featured[role], role


def test_structure_grows_with_the_headcount():
    small = build_plan(employees=300, seed=1, today=TODAY)
    large = build_plan(employees=5000, seed=1, today=TODAY)
    assert len(large.opds) > len(small.opds)
    assert len(large.units) > 3 * len(small.units)
    assert len(large.positions) > 3 * len(small.positions)


def test_taken_nips_are_skipped():
    first = build_plan(employees=200, seed=1, today=TODAY)
    taken = {p.nip for p in first.people}
    second = build_plan(employees=200, seed=1, today=TODAY, taken_nips=taken)
    assert not taken & {p.nip for p in second.people}


def test_reset_follows_cascades_and_refuses_protected_rows(demo):
    from django.db.models.deletion import ProtectedError

    from kinerja.demo.load import reset_instansi
    from kinerja.people.models import AccessToken

    instansi, _ = demo
    account = Account.objects.filter(instansi=instansi).first()
    AccessToken.objects.create(account=account, name="t", prefix="knj_x", token_hash="0" * 64)
    other = Instansi.objects.create(code="lain", name="Lain")
    outsider = Pegawai.objects.create(
        instansi=other,
        nip="196608011988031999",
        name="Luar",
        gender="L",
        birth_date=dt.date(1966, 8, 1),
    )
    # a row of another instansi that PROTECTs one of our positions stops the reset
    blocker = PositionAssignment.objects.create(
        instansi=other,
        pegawai=outsider,
        jabatan=Jabatan.objects.filter(instansi=instansi)[0],
        start_date=TODAY,
    )
    with pytest.raises(ProtectedError), transaction.atomic():  # as inside load_demo
        reset_instansi(instansi)
    assert Account.objects.filter(instansi=instansi).count() == 300  # rolled back
    blocker.delete()
    deleted = reset_instansi(instansi)
    assert deleted["accounts"] == 300 and deleted["pegawai"] == 300
    assert not AccessToken.objects.exists()
    assert Pegawai.objects.filter(instansi=other).count() == 1


def test_demo_admin_bkpsdm_and_auditor_have_two_factor_with_the_printed_key(demo):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kinerja.demo.twofactor import DEMO_KEY
    from kinerja.people import twofactor

    instansi, output = demo
    logins = AuditRecord.objects.get(instansi=instansi, action="demo.load").context
    nips = sorted(logins["logins"]["admin_bkpsdm"] + logins["logins"]["auditor"])
    assert logins["two_factor"] == nips
    devices = TOTPDevice.objects.filter(user__username__in=nips, confirmed=True, key=DEMO_KEY)
    assert devices.count() == 2
    assert TOTPDevice.objects.count() == 2  # nobody else
    # One device, fetched once: each `devices[0]` is a new query without an order, and
    # PostgreSQL may answer another row the second time.
    device = devices.order_by("pk").first()
    secret = twofactor.secret_base32(device)
    assert secret in output and "kinerja twofactor code NIP" in output
    # The printed key is the one that verifies.
    assert twofactor.twofactor_verify(account=device.user, code=twofactor.next_code(device)) \
        == device
