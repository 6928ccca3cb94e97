"""The evaluation settings page and the recompute pages (admin BKPSDM only): the settings form
and its audit, the score methods shown as data, starting a recompute, the run page with its
HTMX polling while running and the result when done."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.core.models import AuditRecord
from kinerja.evaluations.forms_calibration import period_key
from kinerja.evaluations.models import EvaluationPolicy, RecomputeRun, RunStatus
from kinerja.evaluations.presets import BUILTIN_METHODS, DEFAULT_METHOD

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("who", ["pegawai", "atasan", "kadis", "admin_opd", "pimpinan",
                                 "auditor", "outsider"])
def test_only_admin_bkpsdm(cast, client_for, who):
    client = client_for(cast.accounts[who])
    assert client.get(reverse("evaluation_settings")).status_code == 403
    assert client.post(reverse("evaluation_settings"), {
        "objection_days": "20", "score_method": DEFAULT_METHOD,
    }).status_code == 403
    assert client.get(reverse("recompute")).status_code == 403
    assert not EvaluationPolicy.objects.exists()


def test_settings_page_shows_the_methods(cast, client_for):
    response = client_for(cast.admin_bkpsdm).get(reverse("evaluation_settings"))
    assert response.status_code == 200
    page = response.content.decode()
    for method in BUILTIN_METHODS:
        assert method["name"] in page and method["kind"] in page
    assert "PermenPANRB 8/2021" in page  # the source
    assert "standard_minutes_per_month&quot;: 6750" in page  # the parameters
    assert response.context["form"].initial == {
        "objection_days": 14, "peer_feedback": False, "score_method": DEFAULT_METHOD,
    }


def test_settings_saved_and_audited(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    response = client.post(reverse("evaluation_settings"), {
        "objection_days": "21", "peer_feedback": "on", "score_method": "menit-kerja-6750",
    })
    assert response.status_code == 302 and response["Location"] == reverse("evaluation_settings")
    policy = EvaluationPolicy.objects.get(instansi=cast.instansi)
    assert (policy.objection_days, policy.peer_feedback, policy.score_method.key) == (
        21, True, "menit-kerja-6750"
    )
    record = AuditRecord.objects.get(action="evaluation_policy.update")
    assert record.changes["after"]["score_method"] == "menit-kerja-6750"
    page = client.get(reverse("evaluation_settings")).content.decode()
    assert "The evaluation settings are saved." in page
    assert "Recent changes" in page
    assert client.get(reverse("evaluation_settings")).context["form"].initial["score_method"] == (
        "menit-kerja-6750"
    )


def test_settings_refused_values(cast, client_for):
    client = client_for(cast.admin_bkpsdm)
    response = client.post(reverse("evaluation_settings"), {
        "objection_days": "0", "score_method": DEFAULT_METHOD,
    })
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    response = client.post(reverse("evaluation_settings"), {
        "objection_days": "14", "score_method": "buatan-sendiri",
    })
    assert response.status_code == 400
    assert not EvaluationPolicy.objects.exists()


# --- Recompute ------------------------------------------------------------------------------


def test_recompute_starts_and_shows_the_result(cast, ev, client_for):
    client = client_for(cast.admin_bkpsdm)
    page = client.get(reverse("recompute"))
    assert page.status_code == 200
    assert period_key(ev.spec) in page.content.decode()
    response = client.post(reverse("recompute"), {"periode": period_key(ev.spec)})
    assert response.status_code == 302
    run = RecomputeRun.objects.get()
    assert response["Location"] == reverse("recompute_run", args=[run.pk])
    # Tests run it at once (KINERJA_IMPORT_BACKGROUND is off).
    assert run.status == RunStatus.DONE and run.total >= 1
    assert (run.year, run.period_kind, run.period_no) == (
        ev.spec.year, ev.spec.kind, ev.spec.number
    )
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Done" in body and "Unchanged" in body and 'hx-trigger="every 2s"' not in body
    listing = client.get(reverse("recompute")).content.decode()
    assert reverse("recompute_run", args=[run.pk]) in listing


def test_recompute_refuses_a_second_run_while_one_runs(cast, client_for):
    from kinerja.evaluations.batch import recompute_lock

    RecomputeRun.objects.create(instansi=cast.instansi, year=2026, period_kind="bulanan",
                                period_no=1)
    live = recompute_lock(cast.instansi.pk)  # the run above is alive: its process holds this
    client = client_for(cast.admin_bkpsdm)
    from kinerja.evaluations.forms_calibration import default_period, period_choices
    from kinerja.people.access import today_in

    today = today_in(cast.admin_bkpsdm)
    key = period_key(default_period(period_choices(cast.instansi.pk, today), today))
    response = client.post(reverse("recompute"), {"periode": key})
    assert response.status_code == 400
    assert "already running" in response.content.decode()
    assert RecomputeRun.objects.count() == 1
    live.release()
    response = client.post(reverse("recompute"), {"periode": "1999-bulanan-1"})
    assert response.status_code == 400


def test_running_run_polls_and_the_partial_stops_when_done(cast, client_for):
    run = RecomputeRun.objects.create(
        instansi=cast.instansi, year=2026, period_kind="triwulan", period_no=2,
        phase="compute", total=200, done=50,
    )
    client = client_for(cast.admin_bkpsdm)
    url = reverse("recompute_run", args=[run.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and f'{url}?part=status' in page
    assert "Computing" in page and "50 of 200 evaluations" in page
    assert "Quarter II 2026" in page
    partial = client.get(f"{url}?part=status", **HTMX)
    assert partial.status_code == 200
    body = partial.content.decode()
    assert body.lstrip().startswith('<div id="run-status"') and "<html" not in body
    assert 'hx-trigger="every 2s"' in body
    RecomputeRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, phase="done", done=200, updated=3, unchanged=197, created=1
    )
    body = client.get(f"{url}?part=status", **HTMX).content.decode()
    assert 'hx-trigger' not in body and "197" in body


def test_run_is_404_to_others(cast, client_for):
    run = RecomputeRun.objects.create(instansi=cast.instansi, year=2026, period_kind="bulanan",
                                      period_no=1, status=RunStatus.FAILED, error="boom")
    url = reverse("recompute_run", args=[run.pk])
    assert client_for(cast.pimpinan).get(url).status_code == 404
    response = client_for(cast.admin_bkpsdm).get(url)
    assert response.status_code == 200 and "boom" in response.content.decode()


def test_recompute_page_queries_are_bounded(cast, client_for, django_assert_max_num_queries):
    for n in range(1, 13):
        RecomputeRun.objects.create(instansi=cast.instansi, year=2026, period_kind="bulanan",
                                    period_no=n, status=RunStatus.DONE,
                                    started_by=cast.admin_bkpsdm.pk)
    client = client_for(cast.admin_bkpsdm)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("recompute")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("evaluation_settings")).status_code == 200
