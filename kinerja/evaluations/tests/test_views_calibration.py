"""Calibration pages: who may read and write, the OPDs outside the curve listed with the
findings in words, the organisation predikat form, the change of a predikat (reason required,
audited), the curve bars, the supervisors compared, and bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinerja.core.models import AuditRecord
from kinerja.evaluations import rules
from kinerja.evaluations.batch import PeriodSpec, period_spec
from kinerja.evaluations.forms_calibration import (
    curve_lines,
    default_period,
    finding_text,
    parse_period,
    period_key,
)
from kinerja.evaluations.models import Evaluation, OrgPredikat
from kinerja.evaluations.testing import rate
from kinerja.org.models import Jabatan, Opd
from kinerja.people.models import Pegawai
from kinerja.plans.models import Skp
from kinerja.testing import Cast, make_nip

SPEC = period_spec(2026, "bulanan", 3)
KEY = period_key(SPEC)
_seq = [0]


def evaluations(cast: Cast, predikats: list[str], *, opd: str = "dinkes",
                penilai: Pegawai | None = None, spec: PeriodSpec = SPEC) -> list[Evaluation]:
    """Evaluations of `spec` with these predikat, for new employees of the OPD (ORM only: the
    pages only count and list them)."""
    the_opd = cast.opds[opd]
    jabatan = Jabatan.objects.filter(opd=the_opd).order_by("pk").first()
    assert jabatan is not None
    made = []
    for predikat in predikats:
        _seq[0] += 1
        n = _seq[0]
        birth = dt.date(1980, 1, 1) + dt.timedelta(days=n)
        person = Pegawai.objects.create(
            instansi=cast.instansi, nip=make_nip(birth, dt.date(2005, 1, 1), 1, n % 999 + 1),
            name=f"Uji {n:04d}", gender="L", birth_date=birth,
        )
        skp = Skp.objects.create(
            instansi=cast.instansi, pegawai=person, jabatan=jabatan, opd=the_opd,
            year=spec.year, start_date=dt.date(spec.year, 1, 1),
            end_date=dt.date(spec.year, 12, 31), form="non_jpt", status="disetujui",
        )
        made.append(Evaluation(
            instansi=cast.instansi, pegawai=person, skp=skp, opd=the_opd, jabatan=jabatan,
            year=spec.year, period_kind=spec.kind, period_no=spec.number, start_date=spec.start,
            end_date=spec.end, status="ditetapkan", penilai=penilai, hasil_rating="sesuai",
            perilaku_rating="sesuai", matrix_predikat=predikat, predikat=predikat,
        ))
    return Evaluation.objects.bulk_create(made)


def org(cast: Cast, predikat: str, opd: str = "dinkes", spec: PeriodSpec = SPEC) -> OrgPredikat:
    return OrgPredikat.objects.create(
        instansi=cast.instansi, opd=cast.opds[opd], year=spec.year, period_kind=spec.kind,
        period_no=spec.number, predikat=predikat,
    )


def overview_url(key: str = KEY) -> str:
    return f"{reverse('calibration')}?periode={key}"


def opd_url(cast: Cast, opd: str = "dinkes", key: str = KEY, **extra: str) -> str:
    query = "".join(f"&{k}={v}" for k, v in extra.items())
    return f"{reverse('calibration_opd', args=[cast.opds[opd].pk])}?periode={key}{query}"


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who,status", [
    ("admin_bkpsdm", 200), ("pimpinan", 200), ("auditor", 200), ("pegawai", 403),
    ("atasan", 403), ("kadis", 403), ("admin_opd", 403), ("outsider", 403),
])
def test_who_reads_calibration(cast, client_for, who, status):
    client = client_for(cast.accounts[who])
    assert client.get(overview_url()).status_code == status
    assert client.get(opd_url(cast)).status_code == status


def test_auditor_reads_without_forms(cast, client_for):
    evaluations(cast, ["baik"])
    page = client_for(cast.auditor).get(opd_url(cast)).content.decode()
    assert "Change predikat" not in page and "calibration_org_predikat" not in page
    assert 'name="reason"' not in page
    overview = client_for(cast.auditor).get(overview_url()).content.decode()
    assert 'name="predikat"' not in overview


def test_unknown_period_is_404(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    for bad in ("2026-bulanan-13", "2026-tahunan-1", "x", "2026-mingguan-1"):
        assert client.get(overview_url(bad)).status_code == 404, bad


# --- Overview ---------------------------------------------------------------------------------


def test_opd_outside_the_curve_is_listed_with_the_finding_in_words(cast, client_for):
    evaluations(cast, ["sangat_baik"] * 8 + ["baik"] * 2)
    org(cast, "istimewa")
    evaluations(cast, ["baik"] * 3, opd="disdik")  # no organisation predikat: no curve
    response = client_for(cast.pimpinan).get(overview_url())
    assert response.status_code == 200
    outside = response.context["outside"]
    assert [r.opd.name for r in outside] == [cast.opds["dinkes"].name]
    page = response.content.decode()
    assert "Very good: 8 of 10, the curve allows at most 7" in page
    assert "1 OPD outside the curve" in page
    assert [r.opd.name for r in response.context["unset"]] == [cast.opds["disdik"].name]
    dinkes = next(r for r in response.context["rows"] if r.opd == cast.opds["dinkes"])
    assert [n for _label, n in dinkes.cells] == [8, 2, 0, 0, 0]
    assert dinkes.status == "outside"


def test_within_the_curve_is_not_listed(cast, client_for):
    evaluations(cast, ["sangat_baik"] * 6 + ["baik"] * 3 + ["butuh_perbaikan"])
    org(cast, "istimewa")
    response = client_for(cast.admin_bkpsdm).get(overview_url())
    assert response.context["outside"] == []
    assert "Every OPD with an organisation predikat is within its curve." in (
        response.content.decode()
    )


def test_small_unit_gets_warnings_only(cast, client_for):
    evaluations(cast, ["sangat_baik"] * 3)
    org(cast, "baik")
    response = client_for(cast.admin_bkpsdm).get(overview_url())
    assert response.context["outside"] == []
    dinkes = next(r for r in response.context["rows"] if r.opd == cast.opds["dinkes"])
    assert dinkes.status == "warning"
    assert "a warning only" in response.content.decode()


def test_default_period_is_the_latest_ended_periodic_one(cast, client_for):
    response = client_for(cast.admin_bkpsdm).get(reverse("calibration"))
    assert response.status_code == 200
    spec = response.context["spec"]
    assert not spec.is_annual and spec.end < dt.date.today() + dt.timedelta(days=1)


def test_default_period_rule():
    today = dt.date(2026, 4, 15)
    specs = [period_spec(2026, "tahunan", 0), period_spec(2026, "triwulan", 2),
             period_spec(2026, "triwulan", 1), period_spec(2025, "triwulan", 4)]
    assert default_period(specs, today) == period_spec(2026, "triwulan", 1)
    assert default_period(specs[:2], today) == period_spec(2026, "triwulan", 2)
    assert parse_period("2026-triwulan-3") == period_spec(2026, "triwulan", 3)
    assert parse_period("2026-tahunan-0") == period_spec(2026, "tahunan", 0)


# --- Organisation predikat --------------------------------------------------------------------


def test_org_predikat_form_sets_it_and_is_audited(cast, client_for):
    url = reverse("calibration_org_predikat", args=[cast.opds["dinkes"].pk])
    response = client_for(cast.pimpinan).post(
        url, {"predikat": "istimewa", "note": "IKU 112%", "periode": KEY}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(overview_url())
    found = OrgPredikat.objects.get(opd=cast.opds["dinkes"], year=2026, period_kind="bulanan",
                                    period_no=3)
    assert (found.predikat, found.note) == ("istimewa", "IKU 112%")
    assert AuditRecord.objects.filter(action="org_predikat.set", object_id=str(found.pk)).exists()
    # The overview's short form (no note field) keeps the note.
    client_for(cast.admin_bkpsdm).post(url, {"predikat": "baik", "periode": KEY})
    found.refresh_from_db()
    assert (found.predikat, found.note) == ("baik", "IKU 112%")
    # From the OPD page it goes back there; its form carries the note.
    response = client_for(cast.admin_bkpsdm).post(
        url, {"predikat": "kurang", "note": "", "periode": KEY, "kembali": "opd"}
    )
    assert response["Location"].startswith(opd_url(cast))
    found.refresh_from_db()
    assert (found.predikat, found.note) == ("kurang", "")


def test_org_predikat_form_refusals(cast, client_for):
    url = reverse("calibration_org_predikat", args=[cast.opds["dinkes"].pk])
    assert client_for(cast.auditor).post(
        url, {"predikat": "baik", "periode": KEY}
    ).status_code == 403
    client = client_for(cast.admin_bkpsdm)
    response = client.post(url, {"predikat": "luar_biasa", "periode": KEY}, follow=True)
    assert response.status_code == 200
    assert not OrgPredikat.objects.exists()
    response = client.post(url, {"predikat": "baik", "periode": "2026-bulanan-99"}, follow=True)
    assert "Unknown period." in response.content.decode()
    assert not OrgPredikat.objects.exists()


# --- One OPD ----------------------------------------------------------------------------------


def test_opd_page_lists_evaluations_curve_and_raters(cast, client_for):
    atasan, kasi = cast.people["atasan"], cast.people["kasi"]
    evaluations(cast, ["sangat_baik"] * 4, penilai=atasan)
    evaluations(cast, ["butuh_perbaikan"] * 3 + ["baik"], penilai=kasi)
    org(cast, "baik")
    response = client_for(cast.admin_bkpsdm).get(opd_url(cast))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Uji " in page and "Change predikat" in page
    flags = {r.penilai.pk: r.bias.flag for r, _cells, _n in response.context["raters"]}
    assert flags == {atasan.pk: rules.LENIENT, kasi.pk: rules.SEVERE}
    assert "lenient" in page and "severe" in page
    lines = {line.label: line for line in response.context["lines"]}
    assert lines["Good"].actual == 1 and lines["Good"].high == 5  # 70% of 8, rounded down
    assert "cal-track" in page


def test_opd_page_filters_by_predikat_and_paginates(cast, client_for):
    evaluations(cast, ["baik"] * 55 + ["kurang"] * 2)
    client = client_for(cast.admin_bkpsdm)
    response = client.get(opd_url(cast))
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.num_pages == 2
    response = client.get(opd_url(cast, predikat="kurang"))
    assert len(response.context["rows"]) == 2


# --- Change of a predikat ---------------------------------------------------------------------


def test_calibration_change_needs_a_reason_and_is_audited(cast, ev, client_for):
    e = rate(cast, ev.evaluation, "sesuai", "sesuai")
    assert e.predikat == "baik"
    url = reverse("calibration_change", args=[e.pk])
    client = client_for(cast.admin_bkpsdm)
    response = client.post(url, {"predikat": "sangat_baik", "reason": ""}, follow=True)
    assert "Give the reason for the change." in response.content.decode()
    e.refresh_from_db()
    assert e.predikat == "baik" and not e.calibrated
    assert not AuditRecord.objects.filter(action="evaluation.calibrate").exists()

    response = client.post(url, {"predikat": "sangat_baik", "reason": "Kinerja tim luar biasa",
                                 "version": e.version})
    assert response.status_code == 302
    spec_key = period_key(ev.spec)
    assert response["Location"] == (
        f"{reverse('calibration_opd', args=[e.opd_id])}?periode={spec_key}#e{e.pk}"
    )
    e.refresh_from_db()
    assert (e.predikat, e.calibrated, e.calibration_reason) == (
        "sangat_baik", True, "Kinerja tim luar biasa"
    )
    record = AuditRecord.objects.get(action="evaluation.calibrate", object_id=str(e.pk))
    assert record.context["reason"] == "Kinerja tim luar biasa"
    page = client.get(opd_url(cast, key=spec_key)).content.decode()
    assert "calibrated" in page and "Kinerja tim luar biasa" in page


def test_calibration_change_stale_version_and_refusals(cast, ev, client_for):
    e = rate(cast, ev.evaluation)
    url = reverse("calibration_change", args=[e.pk])
    assert client_for(cast.auditor).post(
        url, {"predikat": "sangat_baik", "reason": "x"}
    ).status_code == 403
    assert client_for(cast.atasan).post(
        url, {"predikat": "sangat_baik", "reason": "x"}
    ).status_code == 403
    response = client_for(cast.pimpinan).post(
        url, {"predikat": "sangat_baik", "reason": "x", "version": e.version + 5}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    e.refresh_from_db()
    assert e.predikat == "baik"


# --- Pure helpers -----------------------------------------------------------------------------


def test_findings_in_words():
    [too_few, *_] = rules.curve_check("butuh_perbaikan", {"baik": 10})
    assert finding_text(too_few, 10) == (
        "Needs improvement: 0 of 10, the curve requires at least 6"
    )
    findings = rules.curve_check("sangat_kurang", {"sangat_baik": 1, "sangat_kurang": 9})
    texts = [finding_text(f, 10) for f in findings]
    assert "Very good: 1 of 10, the curve allows none" in texts
    assert "Needs improvement or Poor/Misconduct: 0 of 10, the curve requires at least 1" in texts
    [missing] = [f for f in rules.curve_check("baik", {"baik": 7, "sangat_baik": 3})
                 if f.code == "missing"]
    assert finding_text(missing, 10) == (
        "Needs improvement or Poor/Misconduct: none of 10, the curve requires at least one"
    )


def test_curve_lines_without_and_with_an_org_predikat():
    counts = {"sangat_baik": 8, "baik": 2}
    plain = curve_lines(None, counts)
    assert len(plain) == 5 and not any(line.outside for line in plain)
    lines = {line.label: line for line in curve_lines("istimewa", counts)}
    very_good = lines["Very good"]
    assert (very_good.actual, very_good.low, very_good.high, very_good.outside) == (8, 0, 7, True)
    assert very_good.allowed_text == "at most 7" and very_good.actual_pct == 80
    grouped = {line.label: line for line in curve_lines("kurang", {"kurang": 10})}
    assert grouped["Very good"].allowed_text == "at most 1"
    assert grouped["Needs improvement"].low == 1 and grouped["Needs improvement"].outside
    assert curve_lines("sangat_kurang", {})[0].allowed_text == "none allowed"


# --- Queries ----------------------------------------------------------------------------------


def _queries(client, url, django_assert_max_num_queries, limit=30):
    with django_assert_max_num_queries(limit) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)


def test_overview_queries_do_not_grow(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.admin_bkpsdm)
    evaluations(cast, ["baik", "kurang"])
    org(cast, "baik")
    few = _queries(client, overview_url(), django_assert_max_num_queries, 15)
    evaluations(cast, ["sangat_baik"] * 20 + ["baik"] * 20)
    evaluations(cast, ["baik"] * 10, opd="disdik")
    org(cast, "istimewa", opd="disdik")
    Opd.objects.create(instansi=cast.instansi, code="EXTRA", name="Dinas Tambahan")
    many = _queries(client, overview_url(), django_assert_max_num_queries, 15)
    assert many == few


def test_opd_page_queries_do_not_grow(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.pimpinan)
    evaluations(cast, ["baik", "kurang"], penilai=cast.people["atasan"])
    org(cast, "baik")
    few = _queries(client, opd_url(cast), django_assert_max_num_queries, 20)
    evaluations(cast, ["sangat_baik"] * 20, penilai=cast.people["kasi"])
    evaluations(cast, ["baik"] * 20, penilai=cast.people["sekretaris"])
    evaluations(cast, ["butuh_perbaikan"] * 20)
    many = _queries(client, opd_url(cast), django_assert_max_num_queries, 20)
    assert many == few
