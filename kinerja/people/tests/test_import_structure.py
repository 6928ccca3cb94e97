"""Units, positions and position history imports; permissions of the service; the CLI."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command

from kinerja.core.audit import audit_verify
from kinerja.core.errors import Forbidden
from kinerja.core.models import AuditRecord
from kinerja.org.models import Jabatan, Opd, UnitKerja
from kinerja.people.imports.services import import_file
from kinerja.people.models import ImportRowError, ImportRun, PositionAssignment
from kinerja.people.tests.test_import_employees import employee, nip, write_csv


def write_rows(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def errors_of(run: ImportRun) -> set[tuple[int, str, str]]:
    return {(e.line, e.field, e.code) for e in ImportRowError.objects.filter(run=run)}


def run_import(cast, kind, path, **kwargs) -> ImportRun:
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind=kind, path=path,
                      **kwargs)
    assert run.status == ImportRun.Status.DONE, run.message
    return run


# --- units ----------------------------------------------------------------------------------------

UNIT_HEADER = ["opd_kode", "opd_nama", "unit_kode", "unit_nama", "induk_kode"]


def test_units_create_opds_and_a_tree_with_parents_later_in_the_file(cast, tmp_path):
    path = write_rows(tmp_path / "unit.csv", UNIT_HEADER, [
        ["DPMPTSP", "Dinas Penanaman Modal", "DPMPTSP-SEKSI", "Seksi Perizinan", "DPMPTSP-BID"],
        ["DPMPTSP", "", "DPMPTSP-BID", "Bidang Pelayanan", "DPMPTSP"],
        ["DPMPTSP", "", "DPMPTSP", "Dinas Penanaman Modal", ""],
        ["DPMPTSP", "", "SALAH-OPD", "Seksi Nyasar", "RUJUKAN"],  # parent in dinkes
        ["DINKES", "", "YANKES", "Bidang Pelayanan Kesehatan dan SDK", "DINKES"],  # rename
        ["BARU", "", "BARU", "Tanpa nama OPD", ""],
    ])
    run = run_import(cast, "units", path)
    assert errors_of(run) == {(5, "induk_kode", "parent_opd"), (7, "opd_nama", "required")}
    assert (run.created, run.updated, run.unchanged) == (3, 1, 0)
    opd = Opd.objects.get(code="DPMPTSP")
    assert opd.name == "Dinas Penanaman Modal"
    root = UnitKerja.objects.get(code="DPMPTSP")
    bid = UnitKerja.objects.get(code="DPMPTSP-BID")
    seksi = UnitKerja.objects.get(code="DPMPTSP-SEKSI")
    assert (root.parent, bid.parent, seksi.parent) == (None, root, bid)
    assert seksi.path == f"/{root.pk}/{bid.pk}/{seksi.pk}/" and seksi.depth == 2
    assert UnitKerja.objects.get(code="YANKES").name == "Bidang Pelayanan Kesehatan dan SDK"
    before = AuditRecord.objects.count()
    again = run_import(cast, "units", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditRecord.objects.count() == before
    assert audit_verify(cast.instansi).ok


# --- positions ------------------------------------------------------------------------------------

POS_HEADER = ["kode", "nama", "jenis", "jenjang", "kelas", "opd_kode", "unit_kode", "atasan_kode"]


def test_positions_with_supervisor_later_in_file_and_a_loop_reported(cast, tmp_path):
    path = write_rows(tmp_path / "jabatan.csv", POS_HEADER, [
        ["STAF-PROG", "Analis Program", "Fungsional", "Ahli Pertama", "9", "DINKES", "SEKRETARIAT",
         "KASUBAG-PROG"],
        ["KASUBAG-PROG", "Kepala Subbagian Program", "pengawas", "", "9", "DINKES", "SEKRETARIAT",
         "SEKRETARIS"],
        ["X1", "Jabatan X1", "pelaksana", "", "5", "DINKES", "", "X2"],
        ["X2", "Jabatan X2", "pelaksana", "", "5", "DINKES", "", "X1"],
        ["Y", "Di bawah X1", "pelaksana", "", "5", "DINKES", "", "X1"],
        ["Z", "Atasan tak dikenal", "pelaksana", "", "5", "DINKES", "", "TIDAK-ADA"],
        ["KASI", "Kepala Seksi Rujukan", "pengawas", "", "9", "DINKES", "RUJUKAN", "SEKRETARIS"],
        ["F", "Fungsional tanpa jenjang", "fungsional", "", "8", "DINKES", "", ""],
        ["K", "Kelas salah", "pelaksana", "", "18", "DINKES", "", ""],
    ])
    run = run_import(cast, "positions", path)
    assert errors_of(run) == {
        (4, "atasan_kode", "cycle"), (5, "atasan_kode", "cycle"),
        (6, "atasan_kode", "parent_rejected"), (7, "atasan_kode", "unknown_parent"),
        (9, "jenjang", "jenjang_required"), (10, "kelas", "range"),
    }
    loop = ImportRowError.objects.get(run=run, line=4).message
    assert loop == "the supervisor line loops: X1 → X2 → X1"
    assert (run.created, run.updated, run.unchanged) == (2, 1, 0)
    sekretaris = cast.positions["sekretaris"]
    kasubag = Jabatan.objects.get(code="KASUBAG-PROG")
    staf = Jabatan.objects.get(code="STAF-PROG")
    assert staf.supervisor == kasubag and staf.jenjang == "ahli_pertama"
    assert staf.path == f"{sekretaris.path}{kasubag.pk}/{staf.pk}/"
    # KASI moved under the sekretaris: its subordinate's path follows in the same chunk.
    kasi = Jabatan.objects.get(code="KASI")
    pengelola = Jabatan.objects.get(code="PENGELOLA")
    assert kasi.path == f"{sekretaris.path}{kasi.pk}/"
    assert pengelola.path == f"{kasi.path}{pengelola.pk}/"
    update = AuditRecord.objects.get(action="jabatan.update")
    assert update.changes == {"supervisor": [cast.positions["kabid"].pk, sekretaris.pk]}
    before = AuditRecord.objects.count()
    again = run_import(cast, "positions", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert AuditRecord.objects.count() == before


def test_positions_loop_through_the_database_is_refused(cast, tmp_path):
    # KADIS under KASUBAG, which sits (in the database) under SEKRETARIS under KADIS.
    path = write_rows(tmp_path / "loop.csv", POS_HEADER, [
        ["KADIS", "Kepala Dinas Kesehatan", "jpt_pratama", "", "14", "DINKES", "DINKES",
         "KASUBAG"],
    ])
    run = run_import(cast, "positions", path)
    assert errors_of(run) == {(2, "atasan_kode", "cycle")}
    assert Jabatan.objects.get(code="KADIS").supervisor is None


def test_positions_dry_run_counts_new_supervisors_and_writes_nothing(cast, tmp_path):
    path = write_rows(tmp_path / "dry.csv", POS_HEADER, [
        ["A-BAWAH", "Bawah", "pelaksana", "", "5", "DINKES", "", "A-ATAS"],
        ["A-ATAS", "Atas", "pengawas", "", "9", "DINKES", "", "KADIS"],
        ["KASI", "Kepala Seksi Rujukan", "pengawas", "", "9", "DINKES", "RUJUKAN", "A-ATAS"],
    ])
    count = Jabatan.objects.count()
    dry = run_import(cast, "positions", path, dry_run=True)
    assert Jabatan.objects.count() == count
    real = run_import(cast, "positions", path)
    assert (dry.created, dry.updated, dry.unchanged) == (real.created, real.updated,
                                                         real.unchanged) == (2, 1, 0)


# --- history --------------------------------------------------------------------------------------

HIST_HEADER = ["nip", "jabatan_kode", "jenis", "tmt_mulai", "tmt_selesai", "jenis_mutasi",
               "nomor_sk"]


def test_history_upserts_by_nip_position_kind_and_start(cast, tmp_path):
    person = cast.people["kasi"]
    path = write_rows(tmp_path / "riwayat.csv", HIST_HEADER, [
        [person.nip, "KABID", "plt", "01-02-2025", "30-06-2025", "penugasan", "800/12/2025"],
        [person.nip, "KASI", "definitif", "2020-01-01", "", "", "821/7/2019"],  # existing row
        ["199001012015031001", "KASI", "definitif", "2020-01-01", "", "", ""],
        [person.nip, "KABID", "plh", "2025-08-01", "2025-07-01", "", ""],
        [person.nip, "KABID", "plt", "01-02-2025", "", "", ""],  # duplicate key
    ])
    run = run_import(cast, "history", path)
    assert errors_of(run) == {(4, "nip", "unknown_employee"),
                              (5, "tmt_selesai", "end_before_start"), (6, "nip", "duplicate")}
    assert (run.created, run.updated, run.unchanged) == (1, 1, 0)
    plt = PositionAssignment.objects.get(pegawai=person, kind="plt")
    assert (plt.jabatan.code, plt.start_date, plt.end_date, plt.sk_number) == (
        "KABID", dt.date(2025, 2, 1), dt.date(2025, 6, 30), "800/12/2025")
    own = PositionAssignment.objects.get(pegawai=person, kind="definitif")
    assert own.sk_number == "821/7/2019" and own.end_date is None
    before = AuditRecord.objects.count()
    again = run_import(cast, "history", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditRecord.objects.count() == before


# --- permissions and CLI --------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["pegawai", "admin_opd", "pimpinan", "auditor"])
def test_service_refuses_anyone_but_admin_bkpsdm(cast, tmp_path, who):
    path = write_csv(tmp_path / "p.csv", [employee(nip(1), "Ani")])
    with pytest.raises(Forbidden):
        import_file(actor=getattr(cast, who), instansi=cast.instansi, kind="employees",
                    path=path)
    assert not ImportRun.objects.exists()


def test_admin_bkpsdm_cannot_import_into_another_instansi(cast, tmp_path):
    from kinerja.core.models import Instansi

    other = Instansi.objects.create(code="kota-lain", name="Kota Lain")
    path = write_csv(tmp_path / "p.csv", [employee(nip(1), "Ani")])
    with pytest.raises(Forbidden):
        import_file(actor=cast.admin_bkpsdm, instansi=other, kind="employees", path=path)


def test_cli_prints_summary_and_bad_rows_and_exits_2(cast, tmp_path, capsys):
    path = write_csv(tmp_path / "p.csv", [employee(nip(1), "Ani"), employee("1", "Pendek")])
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "employees", str(path), "--as", cast.admin_bkpsdm.username,
                     "--instansi", cast.instansi.code)
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert "created: 1" in out and "rejected: 1" in out
    assert "3  nip  NIP must be exactly 18 digits [1]" in out
    assert "2 rows" in err
    run = ImportRun.objects.get()
    assert run.actor == cast.admin_bkpsdm


def test_cli_dry_run_all_good_exits_0(cast, tmp_path, capsys):
    path = write_csv(tmp_path / "p.csv", [employee(nip(1), "Ani")])
    call_command("import", "employees", str(path), "--dry-run", "--format", "csv")
    out, _err = capsys.readouterr()
    assert "dry run: nothing was written" in out and "created: 1" in out
    assert ImportRun.objects.get().actor is None  # the system


def test_cli_failure_exits_1(cast, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "x.csv"
    path.write_text("nama\nAni\n", encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("import", "employees", str(path))
    assert info.value.returncode == 1
    with pytest.raises(CommandError):
        call_command("import", "employees", str(path), "--as", cast.pegawai.username)
