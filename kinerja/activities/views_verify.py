"""The supervisor's verification queue: the submitted logs of the people the account verifies
(selectors.verification_queue), oldest first, with filters; verify one, return one with a
reason, or verify the ticked ones at once.

Acting on one row with HTMX answers that row in its new state (the page swaps it in place);
without JavaScript the same forms post and come back to the queue with a message. A log the
account does not verify does not exist here (404), whatever its id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kinerja.activities import services
from kinerja.activities.models import Activity, Evidence, EvidenceKind
from kinerja.activities.selectors import verifiable_pegawai_ids, verification_queue
from kinerja.core.errors import ApplicationError, Forbidden, NotFound
from kinerja.core.http import valid_filters, wants_partial
from kinerja.people.access import request_account
from kinerja.people.models import Account, Pegawai

PAGE_SIZE = 50
# The most a bulk request may carry: a page holds PAGE_SIZE rows, the rest is someone's script.
BULK_MAX = 500
QUERY_KEYS = ("pegawai", "dari", "sampai", "ditandai", "page")


class QueueFilterForm(forms.Form):
    pegawai = forms.TypedChoiceField(
        label=_lazy("Employee"), required=False, coerce=int, empty_value=None
    )
    dari = forms.DateField(
        label=_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = forms.DateField(
        label=_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ditandai = forms.BooleanField(label=_lazy("Only flagged logs"), required=False)

    def __init__(self, *args: Any, people: list[tuple[Pegawai, int]], **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, str]] = [("", _("Everyone"))]
        choices += [(p.pk, f"{p.full_name} ({n})") for p, n in people]
        self.fields["pegawai"].choices = choices  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _lazy("Say why the log is returned.")},
    )


def evidence_url(pk: int) -> str:
    """The evidence download (built by the log pages; its path until the name exists)."""
    try:
        return reverse("evidence_file", args=[pk])
    except NoReverseMatch:
        return f"/kegiatan/bukti/{pk}/"


@dataclass(frozen=True)
class EvidenceView:
    item: Evidence
    url: str
    reused: bool


@dataclass
class QueueRow:
    activity: Activity
    flags: list[tuple[str, str]] = field(default_factory=list)
    evidence: list[EvidenceView] = field(default_factory=list)
    done: str = ""  # "verified" or "returned" once acted on from this page
    error: str = ""
    return_form: ReturnForm | None = None

    @property
    def reused(self) -> bool:
        return "reused_evidence" in self.activity.flags or any(e.reused for e in self.evidence)

    @property
    def serves(self) -> tuple[str, str]:
        a = self.activity
        if a.rhk_id:
            return "RHK", a.rhk.text if a.rhk else ""
        if a.assignment_id:
            return _("Assignment"), a.assignment.title if a.assignment else ""
        return _("Additional task"), ""


def _reused_hashes(instansi_id: int | None, activities: list[Activity]) -> set[str]:
    """Of the files on these logs, the hashes found on more than one log (one query)."""
    hashes = {e.sha256 for a in activities for e in a.evidence.all() if e.sha256}
    if not hashes or instansi_id is None:
        return set()
    return set(
        Evidence.objects.filter(instansi_id=instansi_id, sha256__in=hashes)
        .values("sha256")
        .annotate(logs=Count("activity_id", distinct=True))
        .filter(logs__gt=1)
        .values_list("sha256", flat=True)
    )


def _rows(account: Account, activities: list[Activity]) -> list[QueueRow]:
    reused = _reused_hashes(account.instansi_id, activities)
    rows = []
    for a in activities:
        flags = [(code, str(services.FLAG_LABELS.get(code, code))) for code in a.flags or []]
        evidence = [
            EvidenceView(
                e,
                evidence_url(e.pk) if e.kind == EvidenceKind.FILE else e.url,
                bool(e.sha256) and e.sha256 in reused,
            )
            for e in a.evidence.all()
        ]
        rows.append(QueueRow(a, flags, evidence, return_form=ReturnForm(auto_id=f"r{a.pk}_%s")))
    return rows


def _filtered(qs: QuerySet[Activity], filters: dict[str, Any]) -> QuerySet[Activity]:
    """The queue narrowed by the filters (what verification_queue's own arguments do, applied to
    the one queue this page reads so the people list and the rows share its query of the team)."""
    if filters.get("pegawai"):
        qs = qs.filter(pegawai_id=filters["pegawai"])
    if filters.get("ditandai"):
        qs = qs.exclude(flags=[])
    if filters.get("dari"):
        qs = qs.filter(date__gte=filters["dari"])
    if filters.get("sampai"):
        qs = qs.filter(date__lte=filters["sampai"])
    return qs


def _back_query(raw: str) -> str:
    """The queue's own query string, rebuilt from known keys only (what a form carried back)."""
    given = QueryDict(raw.lstrip("?"))
    kept = QueryDict(mutable=True)
    for key in QUERY_KEYS:
        value = given.get(key, "")
        if value:
            kept[key] = value[:40]
    return kept.urlencode()


def _back(request: HttpRequest) -> HttpResponse:
    query = _back_query(request.POST.get("kembali", ""))
    return redirect(reverse("verification_queue") + (f"?{query}" if query else ""))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    base = verification_queue(user)
    waiting = dict(
        base.order_by()
        .prefetch_related(None)
        .values("pegawai_id")
        .annotate(n=Count("pk"))
        .values_list("pegawai_id", "n")
    )
    people = list(Pegawai.objects.filter(pk__in=list(waiting)).order_by("name", "pk"))
    form = QueueFilterForm(
        request.GET if any(k in request.GET for k in QUERY_KEYS[:4]) else None,
        people=[(p, waiting[p.pk]) for p in people],
    )
    filters = valid_filters(form)
    page = Paginator(_filtered(base, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _rows(user, list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "total": sum(waiting.values()),
        "filtered": bool(filters and any(filters.values())),
        "query": _back_query(query.urlencode()),
        "back": _back_query(request.GET.urlencode()),
    }
    response = render(
        request,
        "activities/verify_list.html" if wants_partial(request) else "activities/verify_queue.html",
        context,
    )
    patch_vary_headers(response, ("HX-Request",))
    return response


def _log_to_verify(account: Account, pk: int) -> Activity:
    """A log of someone the account verifies, in any state (a second click on a row already
    verified gets a message, not a 404); anyone else's log does not exist here."""
    found = (
        Activity.objects.filter(pk=pk, pegawai_id__in=verifiable_pegawai_ids(account))
        .select_related("pegawai", "rhk", "assignment")
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("Activity not found."))
    return found


def _row_response(request: HttpRequest, row: QueueRow) -> HttpResponse:
    return render(
        request,
        "activities/verify_row.html",
        {"row": row, "back": _back_query(request.POST.get("kembali", ""))},
    )


def _fresh_row(account: Account, pk: int, **extra: Any) -> QueueRow:
    activity = (
        Activity.objects.filter(pk=pk)
        .select_related("pegawai", "rhk", "assignment")
        .prefetch_related("evidence")
        .get()
    )
    row = _rows(account, [activity])[0]
    for name, value in extra.items():
        setattr(row, name, value)
    return row


@login_required
@require_POST
def verify_one(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    activity = _log_to_verify(user, pk)
    try:
        services.activity_verify(actor=user, activity=activity)
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        if wants_partial(request):
            return _row_response(request, _fresh_row(user, pk, error=exc.message))
        messages.error(request, exc.message)
        return _back(request)
    message = _("Log of %(name)s on %(date)s verified.") % {
        "name": activity.pegawai.full_name,
        "date": activity.date.strftime("%d-%m-%Y"),
    }
    if wants_partial(request):
        return _row_response(request, _fresh_row(user, pk, done="verified"))
    messages.success(request, message)
    return _back(request)


@login_required
@require_POST
def return_one(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    activity = _log_to_verify(user, pk)
    form = ReturnForm(request.POST, auto_id=f"r{pk}_%s")
    error = ""
    if form.is_valid():
        try:
            services.activity_return(
                actor=user, activity=activity, reason=form.cleaned_data["reason"]
            )
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            error = exc.message
    else:
        error = " ".join(str(e) for e in form.errors.get("reason", [])) or _("Check the form.")
    if error:
        if wants_partial(request):
            return _row_response(request, _fresh_row(user, pk, error=error, return_form=form))
        messages.error(request, error)
        return _back(request)
    if wants_partial(request):
        return _row_response(request, _fresh_row(user, pk, done="returned"))
    messages.success(
        request,
        _("Log of %(name)s on %(date)s returned with your reason.")
        % {"name": activity.pegawai.full_name, "date": activity.date.strftime("%d-%m-%Y")},
    )
    return _back(request)


@login_required
@require_POST
def verify_many(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:BULK_MAX]
    if not ids:
        messages.warning(request, _("Tick the logs to verify first."))
        return _back(request)
    result = services.activity_verify_many(actor=user, ids=ids)
    verified, refused = result["verified"], result["refused"]
    if verified:
        messages.success(
            request,
            ngettext("%(count)s log verified.", "%(count)s logs verified.", len(verified))
            % {"count": len(verified)},
        )
    if refused:
        messages.warning(request, _refused_message(user, refused))
    return _back(request)


def _refused_message(account: Account, refused: list[int]) -> str:
    """Name the refused logs the account may know of (its own people's, now in another state);
    the others only by number, so a typed id reveals nothing."""
    known = {
        a.pk: a
        for a in Activity.objects.filter(
            pk__in=refused, pegawai_id__in=verifiable_pegawai_ids(account)
        ).select_related("pegawai")
    }
    parts = []
    for pk in refused:
        a = known.get(pk)
        if a is None:
            parts.append(_("log #%(id)s (not found)") % {"id": pk})
        else:
            parts.append(
                _("%(name)s, %(date)s (%(status)s)")
                % {
                    "name": a.pegawai.full_name,
                    "date": a.date.strftime("%d-%m-%Y"),
                    "status": a.get_status_display(),
                }
            )
    return ngettext(
        "%(count)s log was not verified: %(list)s.",
        "%(count)s logs were not verified: %(list)s.",
        len(refused),
    ) % {"count": len(refused), "list": "; ".join(parts)}
