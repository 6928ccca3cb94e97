"""What every SKP page shares: who the user is to this SKP (which buttons to show), the SKP
page's context, and the two renderings (the full page, or the `#skp-body` partial for HTMX).

The permissions here only decide what to show. Every write goes through kinerja.plans.services,
which checks again and refuses (Forbidden: the 403 page) whatever the page offered."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _lazy

from kinerja.core.errors import Forbidden, NotFound
from kinerja.core.http import wants_partial
from kinerja.core.models import AuditRecord, SkpSource
from kinerja.people.access import request_account, today_in
from kinerja.people.models import Account, Pegawai
from kinerja.people.selectors import AtasanView, atasan_of
from kinerja.plans import rules, services
from kinerja.plans.forms import ActionForm, ReturnForm, ReviseForm
from kinerja.plans.models import Lampiran, LampiranKind, Rhk, RhkKind, Skp, SkpStatus
from kinerja.plans.selectors import (
    get_skp_for,
    is_penilai,
    skp_detail,
    skp_history,
    skp_visible_to,
)

# What each audit action of an SKP means to the people reading its history.
HISTORY_LABELS = {
    "skp.create": _lazy("Opened the SKP"),
    "skp.update": _lazy("Changed the SKP settings"),
    "skp.submit": _lazy("Submitted the SKP"),
    "skp.approve": _lazy("Approved the SKP"),
    "skp.return": _lazy("Returned the SKP"),
    "skp.revise": _lazy("Opened a revision"),
    "skp.close": _lazy("Closed the SKP"),
    "skp.copy": _lazy("Started from an earlier SKP"),
    "skp.mirror": _lazy("Mirrored from BKN e-Kinerja"),
    "rhk.create": _lazy("Added an RHK"),
    "rhk.update": _lazy("Changed an RHK"),
    "rhk.delete": _lazy("Removed an RHK"),
    "indicator.create": _lazy("Added an indicator"),
    "indicator.update": _lazy("Changed an indicator"),
    "indicator.delete": _lazy("Removed an indicator"),
    "perilaku.update": _lazy("Changed the perilaku expectations"),
    "lampiran.create": _lazy("Added an annex item"),
    "lampiran.update": _lazy("Changed an annex item"),
    "lampiran.delete": _lazy("Removed an annex item"),
    "monthly_plan.update": _lazy("Changed the monthly plan"),
}


@dataclass(frozen=True)
class SkpRole:
    """What the user may do to this SKP, as far as the page offers it."""

    is_owner: bool
    is_penilai: bool
    can_edit: bool
    can_submit: bool
    can_decide: bool
    can_revise: bool
    can_edit_perilaku: bool

    @property
    def any_action(self) -> bool:
        return self.can_submit or self.can_decide or self.can_revise


def role_of(account: Account, skp: Skp, found: AtasanView | None) -> SkpRole:
    authored = skp.source == SkpSource.KINERJA
    owner = account.pegawai_id is not None and account.pegawai_id == skp.pegawai_id
    penilai = authored and is_penilai(account, skp, found)
    editable = authored and owner and rules.content_editable(skp.status)
    return SkpRole(
        is_owner=owner,
        is_penilai=penilai,
        can_edit=editable,
        can_submit=editable,
        can_decide=penilai and skp.status == SkpStatus.SUBMITTED,
        can_revise=authored and owner and skp.status == SkpStatus.APPROVED,
        can_edit_perilaku=editable
        or (
            penilai
            and skp.status in (SkpStatus.DRAFT, SkpStatus.RETURNED, SkpStatus.SUBMITTED)
        ),
    )


def may_edit_content(account: Account, skp: Skp) -> bool:
    """The owner, on a draft or returned SKP written here (services._require_content_editable)."""
    return (
        skp.source == SkpSource.KINERJA
        and account.pegawai_id is not None
        and account.pegawai_id == skp.pegawai_id
        and rules.content_editable(skp.status)
    )


def require(allowed: bool) -> None:
    """A page that offers a form the user may not use answers as the service would."""
    if not allowed:
        raise Forbidden("forbidden", str(_lazy("You may not change this SKP.")))


def optional_url(name: str, *args: Any) -> str:
    """A page another area provides, or "" while it is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def pdf_url(skp: Skp) -> str:
    return optional_url("skp_pdf", skp.pk) or f"/skp/{skp.pk}/dokumen.pdf"


def get_lampiran_for(account: Account, pk: int) -> Lampiran:
    item = (
        Lampiran.objects.filter(pk=pk, skp__in=skp_visible_to(account))
        .select_related("skp")
        .first()
    )
    if item is None:
        raise NotFound("not_found", str(_lazy("Annex item not found.")))
    return item


def penilai_shown(skp: Skp, found: AtasanView | None) -> tuple[Pegawai | None, Any]:
    """Who rates this SKP: the one it was submitted to or approved by, while it is with them;
    otherwise the pejabat penilai resolved today."""
    if skp.penilai_id and skp.status in (SkpStatus.SUBMITTED, SkpStatus.APPROVED):
        return skp.penilai, skp.penilai_jabatan
    if found is not None:
        return found.pegawai, found.jabatan
    return None, None


@dataclass(frozen=True)
class HistoryRow:
    record: AuditRecord
    label: str
    note: str


def history_rows(skp: Skp) -> list[HistoryRow]:
    rows = []
    for record in skp_history(skp):
        context = record.context if isinstance(record.context, dict) else {}
        note = str(context.get("note") or context.get("reason") or "")
        rows.append(HistoryRow(record, str(HISTORY_LABELS.get(record.action, record.action)), note))
    rows.reverse()  # newest first: what happened last is what the reader looks for
    return rows


def skp_context(
    request: HttpRequest, skp: Skp, *, forms: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything the SKP page shows (a bounded number of queries, whatever its size)."""
    user = request_account(request)
    today = today_in(user)
    skp = skp_detail(skp)
    found = atasan_of(skp.pegawai, today)
    role = role_of(user, skp, found)
    rhk: list[Rhk] = list(skp.rhk.all())
    by_kind = {kind: [r for r in rhk if r.kind == kind] for kind in RhkKind.values}
    perilaku = {p.value: p.expectation for p in skp.perilaku.all()}
    lampiran: dict[str, list[Lampiran]] = defaultdict(list)
    for item in skp.lampiran.all():
        lampiran[item.kind].append(item)
    problems = services.submission_problems(skp, today) if role.can_submit else []
    problem_rhk = {p["rhk_id"] for p in problems if p["rhk_id"]}
    penilai, penilai_jabatan = penilai_shown(skp, found)
    version = {"expected_version": skp.version}
    forms = forms or {}
    return {
        "skp": skp,
        "role": role,
        "today": today,
        "rhk_groups": [
            (kind, label, by_kind[kind]) for kind, label in RhkKind.choices
        ],
        "problem_rhk": problem_rhk,
        "perilaku": [
            (value, name, rules.guides_of(value), perilaku.get(value, ""))
            for value, name in rules.BERAKHLAK.items()
        ],
        "lampiran": [(kind, label, lampiran.get(kind, [])) for kind, label in LampiranKind.choices],
        "history": history_rows(skp),
        "penilai": penilai,
        "penilai_jabatan": penilai_jabatan,
        "problems": problems,
        "pdf_url": pdf_url(skp),
        "monthly_url": optional_url("monthly_plan", skp.pk),
        "submit_form": forms.get("submit") or ActionForm(initial=version),
        "approve_form": forms.get("approve") or ActionForm(initial=version),
        "return_form": forms.get("return") or ReturnForm(initial=version),
        "revise_form": forms.get("revise") or ReviseForm(initial=version),
        "delete_form": ActionForm(initial=version),
    }


def render_skp(
    request: HttpRequest, skp: Skp, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The SKP page, or for an HTMX request its body, swapped in place of the old one (every
    form on it carries the SKP's new version)."""
    context = skp_context(request, skp, forms=forms)
    if wants_partial(request):
        context["partial"] = True
        response = render(request, "plans/_skp_body.html", context, status=status)
        response["HX-Retarget"] = "#skp-body"
        response["HX-Reswap"] = "outerHTML"
    else:
        response = render(request, "plans/skp_detail.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def done(request: HttpRequest, skp: Skp, message: str, anchor: str = "") -> HttpResponse:
    """After a successful write: the fresh body for HTMX, else redirect (POST, redirect, GET)."""
    messages.success(request, message)
    if wants_partial(request):
        return render_skp(request, skp)
    return redirect(reverse("skp_detail", args=[skp.pk]) + (f"#{anchor}" if anchor else ""))


def failed(request: HttpRequest, skp: Skp, message: str) -> HttpResponse:
    """A refused button (no form to show it on): the message on the SKP page."""
    messages.error(request, message)
    if wants_partial(request):
        return render_skp(request, skp)
    return redirect("skp_detail", pk=skp.pk)


def load_skp(request: HttpRequest, pk: int) -> Skp:
    return get_skp_for(request_account(request), pk)


def this_year(account: Account) -> int:
    return today_in(account).year
