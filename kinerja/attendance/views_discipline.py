"""Discipline cases (hukuman disiplin, PP 94/2021) at /kehadiran/disiplin/: the instansi's
readers (admin BKPSDM, pimpinan, auditor) see the list; admin BKPSDM records a case from its
decree and cancels one with a reason (services.discipline_create / discipline_cancel, both
audited). Everyone else gets 403; an employee sees their own cases on /kehadiran/.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kinerja.attendance import selectors, services
from kinerja.attendance.forms import CancelForm, DisciplineForm
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.people.access import get_pegawai_for, request_account, today_in
from kinerja.people.models import Account
from kinerja.people.rules import normalise_nip

PAGE_SIZE = 50
# Where a refusal of the service belongs on the form (the others go on top of it).
FORM_ERRORS = {"not_found": "nip"}


def _require_reader(user: Account) -> None:
    if not selectors.reads_all(user):
        raise Forbidden("forbidden", _("Only admin BKPSDM, pimpinan and auditors see the "
                                       "discipline cases."))


def _render(request: HttpRequest, user: Account, form: DisciplineForm | None,
            status: int = 200) -> HttpResponse:
    cases = selectors.discipline_cases_visible_to(user)
    shown = request.GET.get("status", "")
    if shown == "aktif":
        cases = selectors.in_force(cases, today_in(user).replace(day=1))
    elif shown == "batal":
        cases = cases.filter(cancelled_at__isnull=False)
    nip = normalise_nip(request.GET.get("nip", ""))
    if nip:
        cases = cases.filter(pegawai__nip=nip)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    first = today_in(user).replace(day=1)
    manages = selectors.may_manage(user)
    context: dict[str, Any] = {
        "page": page,
        "rows": [(c, selectors.affects(c, first), selectors.end_month(c),
                  CancelForm(auto_id=f"c{c.pk}_%s") if manages and not c.cancelled_at
                  else None) for c in page.object_list],
        "manages": manages,
        "form": form if form is not None else (DisciplineForm() if manages else None),
        "shown": shown,
        "nip": nip,
        "page_query": f"status={shown}&nip={nip}",
    }
    return render(request, "attendance/discipline_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def discipline_list(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    if request.method != "POST":
        _require_reader(user)
        return _render(request, user, None)
    selectors.require_manager(user)
    form = DisciplineForm(request.POST)
    if form.is_valid():
        try:
            pegawai = get_pegawai_for(user, nip=normalise_nip(form.cleaned_data["nip"]),
                                      action="change")
            case = services.discipline_create(actor=user, pegawai=pegawai,
                                              values=form.values())
        except Forbidden:
            raise
        except ApplicationError as exc:
            form.add_error(FORM_ERRORS.get(exc.code), exc.message)
        else:
            messages.success(request, _("The case of %(name)s is recorded.")
                             % {"name": pegawai.full_name})
            return redirect(f"{reverse('discipline_list')}#kasus-{case.pk}")
    return _render(request, user, form, status=400)


@login_required
@require_POST
def discipline_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    selectors.require_manager(user)
    case = selectors.get_discipline_case_for(user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for cancelling."))
    else:
        try:
            services.discipline_cancel(actor=user, case=case, reason=form.cleaned_data["alasan"])
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The case of %(name)s is cancelled.")
                             % {"name": case.pegawai.full_name})
    return redirect(f"{reverse('discipline_list')}#kasus-{case.pk}")
