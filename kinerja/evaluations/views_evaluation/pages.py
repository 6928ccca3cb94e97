"""The evaluation pages that read: the user's own evaluations with the period picker, the
supervisor's team for a period, one evaluation, and its explanation ("why I got this"); and
opening an evaluation (Mulai) from the list or the team page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.roles import Role
from kinerja.evaluations import rules, selectors, services
from kinerja.evaluations.batch import period_spec
from kinerja.evaluations.forms import StartForm
from kinerja.evaluations.views_evaluation.common import (
    MATRIX_HASIL,
    MATRIX_PERILAKU,
    MATRIX_SHORT,
    chosen_period,
    document_url,
    optional_url,
    parse_period,
    period_key,
    period_label,
    predikat_label,
    rating_label,
    render_detail,
)
from kinerja.people.access import pegawai_visible_to, request_account, scope_for, today_in


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    periods = chosen_period(request, user)
    scope = scope_for(user)
    own = list(selectors.own_evaluations(user))
    spec = periods.chosen
    in_period = [
        e for e in own
        if (e.year, e.period_kind, e.period_no) == (spec.year, spec.kind, spec.number)
    ]
    for e in own:
        e.period_text = period_label(  # type: ignore[attr-defined]
            period_spec(e.year, e.period_kind, e.period_no)
        )
    return render(request, "evaluations/evaluation_list.html", {
        "periods": periods,
        "evaluations": own,
        "in_period": in_period,
        "has_pegawai": user.pegawai_id is not None,
        "may_start": user.pegawai_id is not None and spec.start <= today_in(user),
        "is_atasan": scope.has(Role.ATASAN),
    })


@login_required
def evaluation_summary(request: HttpRequest) -> HttpResponse:
    """The home page's evaluation card, fetched after the page (hx-trigger="load") so the
    home page itself pays no query for it: the latest own evaluation and what waits."""
    user = request_account(request)
    scope = scope_for(user)
    summary = selectors.summary_for(user)
    latest = selectors.own_evaluations(user).order_by("-start_date", "-end_date").first()
    return render(request, "evaluations/_evaluation_home_card.html", {
        "latest": latest,
        "latest_period": period_label(period_spec(latest.year, latest.period_kind,
                                                  latest.period_no)) if latest else "",
        "summary": summary,
        "has_pegawai": user.pegawai_id is not None,
        "decides": scope.has(Role.ATASAN) or scope.writes_whole_instansi,
        "objections_url": optional_url("objection_list") or "/keberatan/",
    })


@login_required
def evaluation_team(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    periods = chosen_period(request, user)
    rows = selectors.team_evaluations(user, periods.chosen)
    return render(request, "evaluations/evaluation_team.html", {
        "periods": periods,
        "rows": rows,
        "direct": sum(1 for r in rows if r.direct),
        "started": sum(1 for r in rows if r.evaluation is not None),
        "final": sum(1 for r in rows if r.evaluation is not None and r.evaluation.is_locked),
        "may_start": periods.chosen.start <= today_in(user),
    })


@login_required
@require_POST
def evaluation_start(request: HttpRequest) -> HttpResponse:
    """Open the evaluation(s) of a person for a period and go to the (first) one. The person
    must be one the account sees (else 404); the service decides who may open it (403)."""
    user = request_account(request)
    form = StartForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    own = not data.get("pegawai") or data.get("pegawai") == user.pegawai_id
    raw_period = str(request.POST.get("periode", ""))
    spec = parse_period(raw_period) if raw_period else chosen_period(request, user).chosen
    back = reverse("evaluation_list" if own else "evaluation_team")
    if spec is None:
        messages.error(request, _("Choose a period from the list."))
        return redirect(back)
    back += f"?periode={period_key(spec)}"
    pegawai_id = user.pegawai_id if own else data.get("pegawai")
    pegawai = (
        pegawai_visible_to(user).filter(pk=pegawai_id).first() if pegawai_id else None
    )
    if pegawai is None:
        if own:
            messages.error(request, _("Your account is not linked to an employee record."))
            return redirect(back)
        raise NotFound("not_found", _("Employee not found."))
    try:
        found = services.evaluation_start(actor=user, pegawai=pegawai, spec=spec)
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    return redirect("evaluation_detail", pk=found[0].pk)


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = selectors.get_evaluation_for(request_account(request), pk)
    return render_detail(request, evaluation)


@login_required
def evaluation_breakdown(request: HttpRequest, pk: int) -> HttpResponse:
    """Why this result, on one page: every figure, rating, log and decision behind it."""
    user = request_account(request)
    evaluation = selectors.get_evaluation_for(user, pk)
    found = selectors.breakdown(evaluation)
    rhk_text = {str(line.rhk.pk): line.rhk.text for line in found.rhk}
    stored: dict[str, Any] = evaluation.breakdown or {}
    method_lines = []
    for line in stored.get("lines", []):
        if not isinstance(line, dict):
            continue
        method_lines.append([
            (_("RHK"), rhk_text.get(str(v), str(v))) if k == "rhk" else (k.replace("_", " "), v)
            for k, v in line.items()
        ])
    hasil, perilaku = evaluation.hasil_rating, evaluation.perilaku_rating
    matrix = [
        (MATRIX_SHORT[h], [
            (predikat_label(rules.PREDIKAT_MATRIX[(h, p)]), h == hasil and p == perilaku)
            for p in MATRIX_PERILAKU
        ])
        for h in MATRIX_HASIL
    ]
    for e in found.periodic:
        e.period_text = period_label(  # type: ignore[attr-defined]
            period_spec(e.year, e.period_kind, e.period_no)
        )
    owner = user.pegawai_id is not None and user.pegawai_id == evaluation.pegawai_id
    return render(request, "evaluations/evaluation_breakdown.html", {
        "e": evaluation,
        "b": found,
        "period_label": period_label(found.period),
        "sees_ratings": selectors.sees_ratings(user, evaluation),
        "is_owner": owner,
        "method_name": stored.get("method_name") or (found.method.name if found.method else ""),
        "method_source": found.method.source if found.method else "",
        "formula": stored.get("formula", ""),
        "method_lines": method_lines,
        "matrix": matrix,
        "matrix_columns": [MATRIX_SHORT[p] for p in MATRIX_PERILAKU],
        "matrix_predikat": predikat_label(evaluation.matrix_predikat),
        "predikat": predikat_label(evaluation.predikat),
        "hasil_label": rating_label(hasil),
        "perilaku_label": rating_label(perilaku),
        "suggested_hasil": rating_label(found.suggested_hasil),
        "suggested_perilaku": rating_label(found.suggested_perilaku),
        "org_predikat": found.org_predikat,
        "document_url": document_url(evaluation),
    })
