"""The SKP list (own SKPs, those waiting for the user's approval, and for admins and readers
the SKPs in their scope) and the SKP page itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.http import valid_filters, wants_partial
from kinerja.people.access import request_account, scope_for
from kinerja.people.selectors import definitive_assignment_on
from kinerja.plans import services
from kinerja.plans.forms import SkpFilterForm
from kinerja.plans.selectors import awaiting_approval, skp_list
from kinerja.plans.views_skp.common import load_skp, optional_url, render_skp

PAGE_SIZE = 25
AWAITING_SHOWN = 20


@login_required
def skp_index(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    scope = scope_for(user)
    today = scope.on
    context: dict[str, object] = {"today": today}
    if user.pegawai_id is not None:
        own = list(skp_list(user, pegawai=user.pegawai))
        current = definitive_assignment_on(user.pegawai_id, today)
        context["own"] = own
        context["current"] = current
        context["can_open"] = current is not None and not any(
            s.jabatan_id == current.jabatan_id and s.year == today.year for s in own
        )
        context["copy_url"] = optional_url("skp_copy") if own else ""
    if scope.is_atasan:
        waiting = list(awaiting_approval(user).order_by("submitted_at", "pk")[: AWAITING_SHOWN + 1])
        context["awaiting"] = waiting[:AWAITING_SHOWN]
        context["awaiting_more"] = len(waiting) > AWAITING_SHOWN
    if scope.reads_whole_instansi or scope.admin_opd_ids:
        form = SkpFilterForm(request.GET or None)
        filters = valid_filters(form)
        rows = skp_list(user, year=filters.get("year"), status=filters.get("status") or "")
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context.update(form=form, page=page, query=query.urlencode(), scoped=True)
        if wants_partial(request):
            response = render(request, "plans/_skp_results.html", context)
            patch_vary_headers(response, ("HX-Request",))
            return response
    response = render(request, "plans/skp_list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@require_POST
def skp_open(request: HttpRequest) -> HttpResponse:
    """Open the user's SKP for the current year (their definitive position today)."""
    user = request_account(request)
    if user.pegawai is None:
        raise Forbidden("forbidden", _("Only an employee has an SKP."))
    try:
        skp = services.skp_create(actor=user, pegawai=user.pegawai, year=scope_for(user).on.year)
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("skp_list")
    message = _("Your SKP for %(year)s is open. Add your RHK.") % {"year": skp.year}
    messages.success(request, message)
    return redirect("skp_detail", pk=skp.pk)


@login_required
def skp_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_skp(request, load_skp(request, pk))
