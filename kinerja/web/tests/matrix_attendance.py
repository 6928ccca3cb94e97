"""Authorization matrix rows for attendance (kinerja/attendance/views_*.py and
api_attendance.py).

- A month of days (/kehadiran/, /kehadiran/pegawai/<nip>/, GET /attendance/days): one's own;
  whoever sees the person (atasan and kadis down the line, admin OPD of Dinas Kesehatan, the
  instansi's readers); anyone else 404, another instansi's people 404.
- The month summary (/kehadiran/rekap/, GET /attendance/summary): admin OPD and the instansi's
  readers; everyone else 403.
- The working calendar (/kehadiran/kalender/, GET /calendar/{year}, overrides, holidays): read by
  everyone of the instansi; every change (schedule, override, holiday) by admin BKPSDM only:
  everyone else 403 before anything is looked up; another instansi's schedule or holiday is
  404 to admin BKPSDM. A year outside the allowed window is 422.
- Discipline cases: /kehadiran/disiplin/ for the instansi's readers (others 403); GET
  /discipline-cases answers everyone (own cases, possibly none); recording and cancelling by
  admin BKPSDM only (others 403), another instansi's case 404.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.functional import Promise

from kinerja.web.tests.matrix_base import API, INSTANSI_READERS, Row, api, page

# Values of form and JSON bodies chosen when the row runs (ids and years differ between test
# databases and years): the row's target resolver fills them in before the request.
_CHOSEN: dict[str, str] = {}


class Chosen(Promise):
    """A body value filled in at call time: str() for form bodies; a Promise, so the test
    client's JSON encoder (DjangoJSONEncoder) writes str() too."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __str__(self) -> str:
        return _CHOSEN[self.key]


def _year() -> int:
    return timezone.localdate().year


def _admin(cast: Any) -> Any:
    return cast.accounts["admin_bkpsdm"]


def _choose(world: Any) -> None:
    cast = world.cast
    _CHOSEN["year"] = str(_year())
    _CHOSEN["place"] = f"opd:{cast.opds['disdik'].pk}"
    _CHOSEN["opd"] = str(cast.opds["disdik"].pk)
    _CHOSEN["nip"] = cast.people["pegawai"].nip
    _CHOSEN["holiday"] = f"{_year()}-07-07"


def _year_target(world: Any, actor: str, name: str) -> str:
    """`current`: this year; `bad`: a year far outside the calendar's window."""
    _choose(world)
    return str(_year()) if name == "current" else "1990"


def _body_target(world: Any, actor: str, name: str) -> str:
    """Fills the body's chosen values; the route has no placeholder."""
    _choose(world)
    return ""


def _schedule(world: Any, actor: str, name: str) -> str:
    """`instansi`: the instansi's schedule of this year; `override`: a fresh schedule of Dinas
    Pendidikan (made again for every actor: admin BKPSDM deletes it); `foreign`: the schedule of
    another instansi."""
    from kinerja.attendance import services

    _choose(world)
    if name == "foreign":
        return str(services.calendar_year_ensure(world.foreign.instansi.pk, _year()).pk)
    cast = world.cast
    if name == "instansi":
        return str(services.calendar_year_ensure(cast.instansi.pk, _year()).pk)
    schedule = services.schedule_save(
        actor=_admin(cast), year=_year(), opd=cast.opds["disdik"],
        values={"name": "Sekolah", "hours": {str(d): ["07:00", "13:00"] for d in range(1, 7)}})
    return str(schedule.pk)


def _holiday(world: Any, actor: str, name: str) -> str:
    """A fresh regional holiday of the instansi (or of another instansi: `foreign`)."""
    import datetime as dt

    from kinerja.attendance import services

    _choose(world)
    owner = world.foreign if name == "foreign" else world.cast
    holiday = services.holiday_save(actor=_admin(owner), day=dt.date(_year(), 7, 7),
                                    name="Hari Jadi Kabupaten", kind="daerah")
    return str(holiday.pk)


def _case(world: Any, actor: str, name: str) -> str:
    """A fresh discipline case of the pegawai (or of another instansi's: `foreign`)."""
    import datetime as dt

    from kinerja.attendance import services

    _choose(world)
    owner = world.foreign if name == "foreign" else world.cast
    case = services.discipline_create(
        actor=_admin(owner), pegawai=owner.people["pegawai"],
        values={"sanction": "teguran_tertulis", "decree_number": "800/1/BKPSDM",
                "decree_date": dt.date(2026, 1, 5), "start_month": dt.date(2026, 2, 1)})
    return str(case.pk)


TARGETS = {"attyear": _year_target, "attbody": _body_target, "attschedule": _schedule,
           "attholiday": _holiday, "attcase": _case}

ADMIN_ONLY_PAGE = page(403, admin_bkpsdm=302)
SEE_PEGAWAI = page(200, outsider=404)
SUMMARY = {"admin_opd": 200, **INSTANSI_READERS}
WEEK = {f"h{d}_{e}": t for d in range(1, 6) for e, t in (("mulai", "07:30"),
                                                          ("selesai", "16:00"))}
SCHEDULE_FORM = {"tahun": Chosen("year"), "nama": "Minggu kerja", **WEEK, "h5_selesai": "16:30"}
OVERRIDE_FORM = {**SCHEDULE_FORM, "nama": "Sekolah", "tempat": Chosen("place"),
                 "fleksibel": "on"}
HOLIDAY_FORM = {"tahun": Chosen("year"), "tanggal": Chosen("holiday"), "nama": "Hari Jadi",
                "jenis": "daerah"}
CASE_FORM = {"nip": Chosen("nip"), "hukuman": "teguran_lisan", "nomor_sk": "800/2/BKPSDM",
             "tanggal_sk": "2026-03-02", "bulan_mulai": "2026-04"}
HOURS = {"1": ["07:30", "16:00"], "2": ["07:30", "16:00"], "3": ["07:30", "16:00"],
         "4": ["07:30", "16:00"], "5": ["07:30", "16:30"]}
SCHEDULE_JSON = {"name": "Minggu kerja", "hours": HOURS}
OVERRIDE_JSON = {"opd_id": Chosen("opd"), "name": "Sekolah", "hours": HOURS, "flexible": True}
HOLIDAY_JSON = {"date": Chosen("holiday"), "name": "Hari Jadi Kabupaten", "kind": "daerah"}
CASE_JSON = {"nip": Chosen("nip"), "sanction": "teguran_lisan", "decree_number": "800/3",
             "decree_date": "2026-03-02", "start_month": "2026-04"}

CAL = f"{API}/calendar/{{year}}"

ROWS = [
    # --- Pages: months -------------------------------------------------------------------------
    Row("GET", "/kehadiran/", page(200)),
    Row("GET", "/kehadiran/pegawai/<str:nip>/", page(200), target="nip:self"),
    Row("GET", "/kehadiran/pegawai/<str:nip>/", SEE_PEGAWAI, target="nip:pegawai"),
    Row("GET", "/kehadiran/pegawai/<str:nip>/",
        page(404, kadis=200, admin_opd=200, **INSTANSI_READERS), target="nip:staf_kasi"),
    Row("GET", "/kehadiran/pegawai/<str:nip>/", page(404, outsider=200, **INSTANSI_READERS),
        target="nip:outsider"),
    Row("GET", "/kehadiran/pegawai/<str:nip>/", page(404), target="nip:foreign"),
    Row("GET", "/kehadiran/rekap/", page(403, **SUMMARY)),
    # --- Pages: calendar -----------------------------------------------------------------------
    Row("GET", "/kehadiran/kalender/", page(200)),
    Row("GET", "/kehadiran/kalender/jadwal/baru/", page(403, admin_bkpsdm=200)),
    Row("POST", "/kehadiran/kalender/jadwal/baru/", ADMIN_ONLY_PAGE, target="attbody:",
        body=OVERRIDE_FORM),
    Row("GET", "/kehadiran/kalender/jadwal/<int:pk>/", page(403, admin_bkpsdm=200),
        target="attschedule:instansi"),
    Row("GET", "/kehadiran/kalender/jadwal/<int:pk>/", page(403, admin_bkpsdm=404),
        target="attschedule:foreign"),
    Row("POST", "/kehadiran/kalender/jadwal/<int:pk>/", ADMIN_ONLY_PAGE,
        target="attschedule:instansi", body=SCHEDULE_FORM),
    Row("POST", "/kehadiran/kalender/jadwal/<int:pk>/", page(403, admin_bkpsdm=404),
        target="attschedule:foreign", body=SCHEDULE_FORM),
    Row("POST", "/kehadiran/kalender/jadwal/<int:pk>/hapus/", ADMIN_ONLY_PAGE,
        target="attschedule:override"),
    Row("POST", "/kehadiran/kalender/jadwal/<int:pk>/hapus/", page(403, admin_bkpsdm=404),
        target="attschedule:foreign"),
    Row("POST", "/kehadiran/kalender/libur/", ADMIN_ONLY_PAGE, target="attbody:",
        body=HOLIDAY_FORM),
    Row("POST", "/kehadiran/kalender/libur/<int:pk>/hapus/", ADMIN_ONLY_PAGE,
        target="attholiday:own"),
    Row("POST", "/kehadiran/kalender/libur/<int:pk>/hapus/", page(403, admin_bkpsdm=404),
        target="attholiday:foreign"),
    # --- Pages: discipline ---------------------------------------------------------------------
    Row("GET", "/kehadiran/disiplin/", page(403, **INSTANSI_READERS)),
    Row("POST", "/kehadiran/disiplin/", ADMIN_ONLY_PAGE, target="attbody:", body=CASE_FORM),
    Row("POST", "/kehadiran/disiplin/<int:pk>/batal/", ADMIN_ONLY_PAGE, target="attcase:own",
        body={"alasan": "SK dibatalkan"}),
    Row("POST", "/kehadiran/disiplin/<int:pk>/batal/", page(403, admin_bkpsdm=404),
        target="attcase:foreign", body={"alasan": "SK dibatalkan"}),
    # --- API: days and summary -----------------------------------------------------------------
    Row("GET", f"{API}/attendance/days", api(200)),
    Row("GET", f"{API}/attendance/summary", api(403, **SUMMARY)),
    # --- API: calendar -------------------------------------------------------------------------
    Row("GET", CAL, api(200), target="attyear:current"),
    Row("GET", CAL, api(422), target="attyear:bad"),
    Row("PUT", CAL, api(403, admin_bkpsdm=200), target="attyear:current", body=SCHEDULE_JSON),
    Row("PUT", CAL, api(403, admin_bkpsdm=422), target="attyear:bad", body=SCHEDULE_JSON),
    Row("GET", f"{CAL}/overrides", api(200), target="attyear:current"),
    Row("POST", f"{CAL}/overrides", api(403, admin_bkpsdm=201), target="attyear:current",
        body=OVERRIDE_JSON),
    Row("DELETE", f"{API}/calendar/overrides/{{override_id}}", api(403, admin_bkpsdm=204),
        target="attschedule:override"),
    Row("DELETE", f"{API}/calendar/overrides/{{override_id}}", api(403, admin_bkpsdm=404),
        target="attschedule:foreign"),
    Row("GET", f"{API}/holidays", api(200)),
    Row("POST", f"{API}/holidays", api(403, admin_bkpsdm=201), target="attbody:",
        body=HOLIDAY_JSON),
    Row("DELETE", f"{API}/holidays/{{holiday_id}}", api(403, admin_bkpsdm=204),
        target="attholiday:own"),
    Row("DELETE", f"{API}/holidays/{{holiday_id}}", api(403, admin_bkpsdm=404),
        target="attholiday:foreign"),
    # --- API: discipline -----------------------------------------------------------------------
    Row("GET", f"{API}/discipline-cases", api(200)),
    Row("POST", f"{API}/discipline-cases", api(403, admin_bkpsdm=201), target="attbody:",
        body=CASE_JSON),
    Row("POST", f"{API}/discipline-cases/{{case_id}}/cancel", api(403, admin_bkpsdm=200),
        target="attcase:own", body={"reason": "SK dibatalkan"}),
    Row("POST", f"{API}/discipline-cases/{{case_id}}/cancel", api(403, admin_bkpsdm=404),
        target="attcase:foreign", body={"reason": "SK dibatalkan"}),
]
