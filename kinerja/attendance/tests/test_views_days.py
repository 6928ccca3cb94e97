"""The attendance pages of a month: one's own (/kehadiran/), someone else's in scope
(/kehadiran/pegawai/<nip>/) and the month summary (/kehadiran/rekap/): what each day shows, the
counts, who sees whom, and queries that do not grow with the rows.

October 2026 (22 working days) starts with everyone on time (the `tpp` fixture); the pegawai's
file then says: Thursday 1st in at 08:05 (35 min late: TL2), Friday 2nd out at 15:00 (90 min
before 16:30: PSW3), Monday 5th no check-in, Tuesday 6th nothing at all, and a sick leave from
Wednesday 7th to Friday 9th."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kinerja.attendance import selectors, services
from kinerja.attendance.models import Presensi
from kinerja.attendance.tests.test_services import import_presensi
from kinerja.people.imports.services import import_file
from kinerja.testing import Cast

MINE = "/kehadiran/"
SUMMARY = "/kehadiran/rekap/"
OCTOBER = "?bulan=2026-10"


def person_url(cast: Cast, who: str) -> str:
    return f"/kehadiran/pegawai/{cast.people[who].nip}/"


def import_leaves(cast: Cast, tmp_path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    lines = ["nip,jenis,tanggal_mulai,tanggal_selesai,keterangan"]
    lines += [f"{cast.people[who].nip},{kind},{start},{end},demam" for who, kind, start, end
              in rows]
    path = tmp_path / "cuti.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = import_file(actor=cast.accounts["admin_bkpsdm"], instansi=cast.instansi,
                      kind="leaves", path=path)
    assert run.error_count == 0 and run.created == len(rows)


@pytest.fixture
def october(tpp, tmp_path) -> Cast:
    cast = tpp.cast
    import_presensi(cast, tmp_path, [
        ("pegawai", "2026-10-01", "08:05", "16:00"),
        ("pegawai", "2026-10-02", "07:20", "15:00"),
        ("pegawai", "2026-10-05", "", "16:10"),
    ])
    Presensi.objects.filter(pegawai=cast.people["pegawai"], date=dt.date(2026, 10, 6)).delete()
    import_leaves(cast, tmp_path, [("pegawai", "cuti sakit", "07-10-2026", "09-10-2026")])
    return cast


def test_my_month_shows_each_day_and_the_counts(october, client_for):
    page = client_for(october.pegawai).get(MINE + OCTOBER)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Oktober 2026" in html
    counts = page.context["counts"]
    assert counts.working_days == 22 and counts.counted_days == 22
    assert counts.present == 18 and counts.tanpa_keterangan == 1
    assert counts.late == {"TL1": 0, "TL2": 1, "TL3": 0, "TL4": 0}
    assert counts.early == {"PSW1": 0, "PSW2": 0, "PSW3": 1, "PSW4": 0}
    assert (counts.missing_in, counts.missing_out) == (1, 0)
    assert counts.leave == {"sakit": 3}
    days = {v.day.date.day: v for v in page.context["days"]}
    assert len(days) == 31
    assert days[1].codes == ["TL2"] and days[1].label == "Present"
    assert days[2].codes == ["PSW3"] and days[2].day.status.early_minutes == 90
    assert days[5].codes == ["no check-in"]
    assert days[6].label == "Absent (tanpa keterangan)" and days[6].day.badge == "bad"
    assert days[7].label == "Leave" and days[7].leave == "Sick leave"
    assert days[3].label == "Day off"  # a Saturday
    assert days[12].codes == [] and days[12].day.badge == "ok"
    for text in ('id="hari-2026-10-01"', "08:05", "TL2", "PSW3", "no check-in",
                 "Absent (tanpa keterangan)", "Sick leave", "35 min late", "90 min early"):
        assert text in html, text


def test_the_month_switcher_and_a_bad_month(october, client_for):
    client = client_for(october.pegawai)
    page = client.get(MINE + "?bulan=2026-09")
    assert page.context["month"] == dt.date(2026, 9, 1)
    assert 'href="?bulan=2026-08"' in page.content.decode()
    assert 'href="?bulan=2026-10"' in page.content.decode()
    page = client.get(MINE + "?bulan=oktober")
    assert page.status_code == 200
    assert "is not a month" in page.content.decode()
    assert page.context["month"] == selectors.parse_month("", page.context["today"])


def test_days_to_come_are_not_counted(tpp, client_for):
    page = client_for(tpp.cast.pegawai).get(MINE + "?bulan=2099-01")
    counts = page.context["counts"]
    assert counts.working_days > 0 and counts.counted_days == 0
    assert counts.tanpa_keterangan == 0
    assert {v.day.state for v in page.context["days"] if v.day.working} == {"belum"}


def test_holidays_show_their_name(tpp, client_for):
    page = client_for(tpp.cast.pegawai).get(MINE + "?bulan=2026-08")
    day = next(v for v in page.context["days"] if v.day.date == dt.date(2026, 8, 17))
    assert day.label == "Day off" and day.day.holiday == "Hari Proklamasi Kemerdekaan RI"
    assert "Hari Proklamasi Kemerdekaan RI" in page.content.decode()


def test_the_employee_sees_their_discipline_cases(october, client_for):
    services.discipline_create(actor=october.admin_bkpsdm, pegawai=october.people["pegawai"],
                               values={"sanction": "teguran_tertulis",
                                       "decree_number": "800/7/BKPSDM",
                                       "decree_date": dt.date(2026, 9, 28),
                                       "start_month": dt.date(2026, 10, 1)})
    html = client_for(october.pegawai).get(MINE + OCTOBER).content.decode()
    assert "Written reprimand" in html and "800/7/BKPSDM" in html
    assert "affects this month" in html
    # Not on the supervisor's view of the same month; on the instansi readers'.
    atasan = client_for(october.atasan).get(person_url(october, "pegawai") + OCTOBER)
    assert "800/7/BKPSDM" not in atasan.content.decode()
    reader = client_for(october.pimpinan).get(person_url(october, "pegawai") + OCTOBER)
    assert "800/7/BKPSDM" in reader.content.decode()


def test_someone_elses_month_by_scope(october, client_for):
    url = person_url(october, "pegawai") + OCTOBER
    for who in ("atasan", "kadis", "admin_opd", "admin_bkpsdm", "pimpinan", "auditor"):
        page = client_for(october.accounts[who]).get(url)
        assert page.status_code == 200, who
        assert page.context["counts"].late["TL2"] == 1
        assert "Dewi Pelaksana" in page.content.decode()
    for who in ("pegawai2", "outsider", "kasi", "staf_kasi"):
        assert client_for(october.accounts[who]).get(url).status_code == 404, who


def test_an_atasan_finds_the_team_on_their_page(october, client_for):
    page = client_for(october.atasan).get(MINE)
    team = {p.nip for p in page.context["team"]}
    assert team == {october.people[k].nip for k in ("pegawai", "pegawai2", "admin_opd")}
    assert person_url(october, "pegawai") in page.content.decode()
    assert client_for(october.pegawai).get(MINE).context["team"] == []


def test_the_summary_counts_each_person(october, client_for):
    page = client_for(october.admin_bkpsdm).get(SUMMARY + OCTOBER)
    assert page.status_code == 200
    rows = {r.pegawai.nip: r for r in page.context["page"].object_list}
    assert len(rows) == 10  # everyone holding a position (not pimpinan, not auditor)
    row = rows[october.people["pegawai"].nip]
    assert (row.working_days, row.present, row.tanpa_keterangan, row.leave_days) == (22, 18, 1, 3)
    assert row.late["TL2"] == 1 and row.early["PSW3"] == 1 and row.missing_in == 1
    assert row.opd_name == "Dinas Kesehatan"
    # The same counts as the person's own month.
    own = selectors.person_month(october.people["pegawai"], 2026, 10,
                                 today=dt.date(2026, 11, 1)).counts
    assert (own.present, own.late, own.early, own.missing_in, own.missing_out,
            own.tanpa_keterangan, own.leave) == (
        row.present, row.late, row.early, row.missing_in, row.missing_out,
        row.tanpa_keterangan, row.leave)
    other = rows[october.people["pegawai2"].nip]
    assert (other.present, other.tanpa_keterangan, sum(other.late.values())) == (22, 0, 0)
    html = page.content.decode()
    assert "/impor/" in html and "Import presensi or leave" in html


def test_the_summary_by_opd_and_scope(october, client_for):
    admin_opd = client_for(october.admin_opd).get(SUMMARY + OCTOBER)
    assert admin_opd.status_code == 200
    assert admin_opd.context["chosen"] == october.opds["dinkes"]
    names = {r.pegawai.nip for r in admin_opd.context["page"].object_list}
    assert october.people["outsider"].nip not in names and len(names) == 8
    assert "/impor/" not in admin_opd.content.decode()
    disdik = f"{SUMMARY}{OCTOBER}&opd={october.opds['disdik'].pk}"
    assert client_for(october.admin_opd).get(disdik).status_code == 404
    page = client_for(october.pimpinan).get(disdik)
    assert [r.pegawai.nip for r in page.context["page"].object_list] == [
        october.people["outsider"].nip]
    for who in ("pegawai", "atasan", "kadis", "outsider"):
        assert client_for(october.accounts[who]).get(SUMMARY).status_code == 403, who


def _more_presensi(cast: Cast, extra: int) -> None:
    """`extra` more people in Dinas Kesehatan's pelaksana post, each with a month of
    presensi, late on the first and on leave on the second."""
    from kinerja.people.models import Leave, Pegawai, PositionAssignment
    from kinerja.testing import START, make_nip

    rows = []
    for i in range(extra):
        nip = make_nip(dt.date(1990, 1, 1) + dt.timedelta(days=i), dt.date(2015, 3, 1), 1,
                       500 + i)
        p = Pegawai.objects.create(instansi=cast.instansi, nip=nip, name=f"Tambahan {i}",
                                   gender="L", birth_date=dt.date(1990, 1, 1), golongan="II/a")
        PositionAssignment.objects.create(instansi=cast.instansi, pegawai=p,
                                          jabatan=cast.positions["pengadministrasi"],
                                          kind="definitif", start_date=START)
        Leave.objects.create(instansi=cast.instansi, pegawai=p, kind="izin",
                             start_date=dt.date(2026, 10, 2), end_date=dt.date(2026, 10, 2))
        for day in range(1, 31):
            date = dt.date(2026, 10, day)
            if date.isoweekday() < 6:
                rows.append(Presensi(instansi=cast.instansi, pegawai=p, date=date,
                                     check_in=dt.time(8, 0), check_out=dt.time(16, 30),
                                     late_minutes=30))
    Presensi.objects.bulk_create(rows)


def test_pages_make_the_same_queries_whatever_the_rows(october, client_for,
                                                       django_assert_max_num_queries):
    employee = client_for(october.pegawai)
    employee.get(MINE + OCTOBER)
    with django_assert_max_num_queries(16) as small:
        employee.get(MINE + OCTOBER)
    Presensi.objects.filter(pegawai=october.people["pegawai"]).delete()
    with django_assert_max_num_queries(16) as none:
        employee.get(MINE + OCTOBER)
    assert len(none.captured_queries) == len(small.captured_queries)

    admin = client_for(october.admin_bkpsdm)
    admin.get(SUMMARY + OCTOBER)
    with django_assert_max_num_queries(16) as few:
        page = admin.get(SUMMARY + OCTOBER)
    assert len(page.context["page"].object_list) == 10
    _more_presensi(october, 30)
    with django_assert_max_num_queries(16) as many:
        page = admin.get(SUMMARY + OCTOBER)
    assert len(page.context["page"].object_list) == 40
    assert len(many.captured_queries) == len(few.captured_queries)
    row = next(r for r in page.context["page"].object_list if r.pegawai.name == "Tambahan 0")
    assert (row.present, row.late["TL1"], row.leave) == (21, 21, {"izin": 1})


@pytest.mark.indonesian
def test_my_month_in_indonesian(october, client_for):
    html = client_for(october.pegawai).get(MINE + OCTOBER).content.decode()
    assert '<html lang="id">' in html
    assert "Oktober 2026" in html and "TL2" in html and "PSW3" in html
    assert "Kam 1" in html  # Thursday 1 October, in the day list


def test_a_presensi_file_uploaded_on_the_import_page_shows_on_the_month(tpp, client_for):
    """The e-presensi export as Pemdas send it: semicolons, aliases, times in every accepted
    form; a bad row is reported with its line and the good ones go in."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kinerja.people.models import ImportRun

    cast = tpp.cast
    nip = cast.people["pegawai"].nip
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    csv = (
        "NIP;Tanggal Presensi;Scan Masuk;Scan Pulang\n"
        f"{spaced};01/10/2026;7.45;16:00:40\n"
        f"{nip};2026-10-02;2026-10-02 08:30:59;2026-10-02 17:00:00\n"
        f"{nip};05-10-2026;-;16:30\n"
        f"{nip};2026-10-06;25:00;16:00\n"
    ).encode()
    admin = client_for(cast.admin_bkpsdm)
    response = admin.post("/impor/", {"kind": "presensi",
                                      "file": SimpleUploadedFile("presensi.csv", csv)})
    assert response.status_code == 302
    run = ImportRun.objects.get(kind="presensi")
    assert (run.updated, run.error_count) == (3, 1)
    problem = run.row_errors.get()
    assert (problem.line, problem.field, problem.code) == (5, "jam_masuk", "time_format")
    days = {v.day.date.day: v for v in client_for(cast.pegawai).get(MINE + OCTOBER)
            .context["days"]}
    assert days[1].codes == ["TL1"] and days[1].day.status.late_minutes == 15
    # 08:30:59 is 60 minutes late: seconds do not count.
    assert days[2].codes == ["TL2"] and days[2].day.status.late_minutes == 60
    assert days[2].day.check_out == dt.time(17, 0)
    assert days[5].codes == ["no check-in"]
    assert days[6].codes == []  # the rejected row left the day as it was


def test_an_excel_export_with_time_cells_and_a_leave_file(tpp, client_for, tmp_path):
    from openpyxl import Workbook

    cast = tpp.cast
    nip = cast.people["pegawai2"].nip
    book = Workbook()
    sheet = book.active
    sheet.append(["nip", "tgl", "jam_datang", "jam_pulang"])
    sheet.append([nip, dt.date(2026, 10, 1), dt.time(7, 50), dt.time(16, 0)])
    sheet.append([nip, dt.datetime(2026, 10, 2), 27900 / 86400, dt.time(15, 20)])
    path = tmp_path / "presensi.xlsx"
    book.save(path)
    run = import_file(actor=cast.admin_bkpsdm, instansi=cast.instansi, kind="presensi",
                      path=path)
    assert (run.updated, run.error_count) == (2, 0)
    import_leaves(cast, tmp_path, [("pegawai2", "DL", "2026-10-05", "2026-10-06")])
    page = client_for(cast.pegawai2).get(MINE + OCTOBER)
    counts = page.context["counts"]
    assert counts.late == {"TL1": 2, "TL2": 0, "TL3": 0, "TL4": 0}  # 20 and 15 minutes
    assert counts.early["PSW3"] == 1  # Friday 15:20, 70 minutes before 16:30
    assert counts.leave == {"dinas_luar": 2} and counts.present == 20
    assert "Official travel" in page.content.decode()


def test_a_transfer_mid_month_is_judged_by_each_days_place(cast, client_for, tmp_path):
    """pegawai2 moves from Dinas Kesehatan (Monday-Friday from 07:30) to a school of Dinas
    Pendidikan (Monday-Saturday from 07:00) on Friday 16 October: each day by its place, on the
    month page and in the summary alike."""
    from kinerja.people.models import PositionAssignment

    admin = cast.admin_bkpsdm
    services.calendar_year_ensure(cast.instansi.pk, 2026)
    services.schedule_save(actor=admin, year=2026, opd=cast.opds["disdik"], values={
        "name": "Sekolah", "hours": {str(d): ["07:00", "13:00"] for d in range(1, 7)}})
    PositionAssignment.objects.filter(pegawai=cast.people["pegawai2"]).update(
        end_date=dt.date(2026, 10, 15))
    PositionAssignment.objects.create(instansi=cast.instansi, pegawai=cast.people["pegawai2"],
                                      jabatan=cast.positions["kadis_disdik"], kind="definitif",
                                      start_date=dt.date(2026, 10, 16))
    import_presensi(cast, tmp_path, [("pegawai2", "2026-10-15", "07:20", "16:00"),
                                     ("pegawai2", "2026-10-16", "07:20", "13:00"),
                                     ("pegawai2", "2026-10-17", "07:00", "13:00")])
    page = client_for(cast.pegawai2).get(MINE + OCTOBER)
    days = {v.day.date.day: v for v in page.context["days"]}
    assert days[15].codes == [] and days[16].codes == ["TL1"]
    assert days[17].label == "Present" and days[18].label == "Day off"
    counts = page.context["counts"]
    assert counts.working_days == 11 + 14  # 1-15 Mon-Fri, 16-31 Mon-Sat
    assert (counts.present, counts.late["TL1"], counts.tanpa_keterangan) == (3, 1, 22)
    summary = client_for(admin).get(f"{SUMMARY}{OCTOBER}&opd={cast.opds['disdik'].pk}")
    row = next(r for r in summary.context["page"].object_list
               if r.pegawai.pk == cast.people["pegawai2"].pk)
    assert (row.working_days, row.present, row.late["TL1"], row.tanpa_keterangan) == (
        25, 3, 1, 22)
