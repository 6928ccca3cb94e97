"""Admin BKPSDM pages of evaluation: the instansi's evaluation settings (objection days, peer
feedback, the score method; services.evaluation_policy_update) and the recompute of a period
(services.recompute_run_start) whose run page shows the progress, refreshed by HTMX polling
every 2 s while it runs (as the SIMPEG import page does), then the result.

Everyone else gets 403; a run is 404 to everyone but admin BKPSDM of its instansi (as an import
run, and as GET /api/v1/recompute-runs/{id}).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.http import wants_partial
from kinerja.evaluations import services
from kinerja.evaluations.batch import period_spec, score_method_of
from kinerja.evaluations.forms_calibration import (
    EvaluationSettingsForm,
    RecomputeForm,
    default_period,
    parse_period,
    period_choices,
    period_key,
    period_label,
)
from kinerja.evaluations.models import RecomputeRun, RunStatus
from kinerja.evaluations.selectors import policy_for, score_methods
from kinerja.people.access import request_account, scope_for, today_in
from kinerja.people.models import Account
from kinerja.people.selectors import audit_trail

RUNS_SHOWN = 20
HISTORY_SIZE = 10

# What the recompute is doing (evaluations.batch.recompute's progress phases).
PHASES = {
    "": _lazy("Starting"),
    "create": _lazy("Opening missing evaluations"),
    "read": _lazy("Reading the evaluations"),
    "logs": _lazy("Counting verified logs and assignments"),
    "compute": _lazy("Computing"),
    "write": _lazy("Saving the changes"),
    "done": _lazy("Done"),
}


def _require_admin(account: Account) -> int:
    scope = scope_for(account)
    if scope.instansi_id is None or not scope.writes_whole_instansi:
        raise PermissionDenied(_("Only BKPSDM administrators manage evaluation."))
    return scope.instansi_id


# --- Settings -------------------------------------------------------------------------------


def _settings_render(request: HttpRequest, user: Account, instansi_id: int,
                     form: EvaluationSettingsForm | None = None, status: int = 200
                     ) -> HttpResponse:
    methods = list(score_methods(instansi_id).order_by("instansi_id", "name"))
    current = score_method_of(instansi_id)
    policy = policy_for(instansi_id)
    if form is None:
        form = EvaluationSettingsForm(
            initial={"objection_days": policy.objection_days,
                     "peer_feedback": policy.peer_feedback, "score_method": current.key},
            methods=[(m.key, m.name) for m in methods],
        )
    context = {
        "form": form,
        "methods": [
            (m, json.dumps(m.params, indent=2, ensure_ascii=False, sort_keys=True),
             m.key == current.key)
            for m in methods
        ],
        "history": list(audit_trail(user, action="evaluation_policy.update")[:HISTORY_SIZE]),
    }
    return render(request, "evaluations/settings_evaluation.html", context, status=status)


@login_required
def evaluation_settings(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    instansi_id = _require_admin(user)
    if request.method != "POST":
        return _settings_render(request, user, instansi_id)
    form = EvaluationSettingsForm(
        request.POST,
        methods=list(score_methods(instansi_id).values_list("key", "name")),
    )
    if not form.is_valid():
        return _settings_render(request, user, instansi_id, form, status=400)
    data = form.cleaned_data
    try:
        services.evaluation_policy_update(
            actor=user, objection_days=data["objection_days"],
            peer_feedback=data["peer_feedback"], score_method_key=data["score_method"],
        )
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return _settings_render(request, user, instansi_id, form, status=400)
    messages.success(request, _("The evaluation settings are saved. Recompute a period to "
                                "apply a new score method to it."))
    return redirect("evaluation_settings")


# --- Recompute ------------------------------------------------------------------------------


def _run_context(run: RecomputeRun) -> dict[str, Any]:
    return {
        "run": run,
        "running": run.status == RunStatus.RUNNING,
        "phase": PHASES.get(run.phase, run.phase),
        "period_label": period_label(period_spec(run.year, run.period_kind, run.period_no)),
        "percent": round(100 * run.done / run.total) if run.total else 0,
    }


@login_required
def recompute(request: HttpRequest) -> HttpResponse:
    """Pick a period and recompute it for the whole instansi; the recent runs."""
    user = request_account(request)
    instansi_id = _require_admin(user)
    today = today_in(user)
    periods = period_choices(instansi_id, today)
    form = RecomputeForm(request.POST or None, periods=periods,
                         initial={"periode": period_key(default_period(periods, today))})
    status = 200
    if request.method == "POST":
        spec = parse_period(request.POST.get("periode", "")) if form.is_valid() else None
        if spec is not None:
            try:
                run = services.recompute_run_start(actor=user, spec=spec)
            except Forbidden as exc:
                raise PermissionDenied(exc.message) from exc
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("recompute_run", run_pk=run.pk)
        status = 400
    runs = list(RecomputeRun.objects.filter(instansi_id=instansi_id)
                .order_by("-started_at", "-pk")[:RUNS_SHOWN])
    starters = Account.objects.in_bulk({r.started_by for r in runs if r.started_by})
    context = {
        "form": form,
        "runs": [
            (r, period_label(period_spec(r.year, r.period_kind, r.period_no)),
             starters.get(r.started_by) if r.started_by else None)
            for r in runs
        ],
    }
    return render(request, "evaluations/recompute_index.html", context, status=status)


@login_required
def recompute_run(request: HttpRequest, run_pk: int) -> HttpResponse:
    """A run's progress (polled every 2 s while running: `?part=status` answers only the
    status block), then its result."""
    user = request_account(request)
    scope = scope_for(user)
    run = RecomputeRun.objects.filter(pk=run_pk, instansi_id=scope.instansi_id).first() \
        if scope.instansi_id and scope.writes_whole_instansi else None
    if run is None:
        # As an import run: nobody but admin BKPSDM learns that it exists.
        raise Http404(_("Recompute not found."))
    context = _run_context(run)
    if wants_partial(request) and request.GET.get("part") == "status":
        return render(request, "evaluations/recompute_part_status.html", context)
    context["started_by"] = (
        Account.objects.filter(pk=run.started_by).first() if run.started_by else None
    )
    return render(request, "evaluations/recompute_run.html", context)
