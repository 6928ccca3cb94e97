"""The employee's activity log pages: the month's logs by day (/kegiatan/), the log form (new and
edit, evidence and "save and submit" in one go), the log's page with its evidence and history,
and the evidence files themselves, served only to those who may see the log.

Mostly used on a phone on a bad network: plain HTML forms (no JavaScript needed), POST then
redirect, and a refused save shows the service's message on the same form with everything typed
kept (files excepted: a browser cannot be handed them back, the message says so).

The permissions here only decide what to show. Every write goes through
kinerja.activities.services, which checks again and refuses whatever the page offered."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from kinerja.activities import rules, services
from kinerja.activities.forms import ActivityForm, EvidenceForm, MonthForm, serves_value
from kinerja.activities.models import (
    Activity,
    ActivityStatus,
    Assignment,
    Evidence,
    EvidenceKind,
)
from kinerja.activities.selectors import (
    activity_visible_to,
    get_activity_for,
    own_activities,
    policy_for,
    policy_row,
)
from kinerja.core.errors import ApplicationError, Conflict, Forbidden, NotFound
from kinerja.core.http import valid_filters
from kinerja.core.models import AuditRecord, IdempotencyRecord
from kinerja.people.access import request_account, today_in
from kinerja.people.models import Account
from kinerja.plans.models import Rhk
from kinerja.plans.selectors import approved_rhk_of

ACTIVITY_OBJECT = "activities.activity"
FILES_AGAIN = _lazy("The files you chose were not saved: choose them again.")

# What each audit action of a log means to the people reading its history.
HISTORY_LABELS = {
    "activity.create": _lazy("Logged the activity"),
    "activity.update": _lazy("Changed the log"),
    "activity.submit": _lazy("Submitted to the supervisor"),
    "activity.verify": _lazy("Verified the log"),
    "activity.return": _lazy("Returned the log"),
    "activity.delete": _lazy("Deleted the log"),
    "evidence.add": _lazy("Added evidence"),
    "evidence.remove": _lazy("Removed evidence"),
}

# Where a refusal of the services belongs on the log form (the others go on top of it).
ERROR_FIELDS = {
    "future_date": "date",
    "period_closed": "date",
    "period_not_open": "date",
    "time_range_incomplete": "end_time",
    "end_before_start": "end_time",
    "overlap": "start_time",
    "duration_required": "minutes",
    "duration_too_long": "minutes",
    "description_required": "description",
    "output_required": "output_quantity",
    "serves_nothing": "serves",
    "rhk_not_approved": "serves",
    "assignment_not_open": "serves",
    "evidence_empty": "uploads",
    "evidence_too_large": "uploads",
    "evidence_type": "uploads",
    "evidence_broken": "uploads",
    "evidence_limit": "uploads",
    "invalid_url": "links",
}


def _require_employee(user: Account) -> None:
    if user.pegawai_id is None or user.instansi_id is None:
        raise Forbidden("forbidden", _("Only an employee logs activities."))


def _month_bounds(first: dt.date) -> tuple[dt.date, dt.date]:
    last_day = calendar.monthrange(first.year, first.month)[1]
    return first, first.replace(day=last_day)


def _shift_month(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def lock_message(instansi_id: int | None, day: dt.date, today: dt.date) -> str:
    """Why logs of the month of `day` can no longer be written ("" while they can): the very
    check the services make, so the page and the service never disagree."""
    if instansi_id is None:
        return ""
    try:
        services.require_log_open(instansi_id, day, today)
    except Conflict as exc:
        return exc.message
    return ""


def month_url(day: dt.date) -> str:
    return f"{reverse('activity_list')}?bulan={day:%Y-%m}#hari-{day:%Y-%m-%d}"


# --- The month's logs -------------------------------------------------------------------------


@dataclass
class DayRow:
    date: dt.date
    logs: list[Activity] = field(default_factory=list)
    minutes: int = 0
    over: bool = False
    drafts: int = 0


def _days(logs: Iterable[Activity], max_minutes: int) -> list[DayRow]:
    days: dict[dt.date, DayRow] = {}
    for log in logs:
        row = days.setdefault(log.date, DayRow(log.date))
        row.logs.append(log)
        row.minutes += log.minutes
        row.drafts += log.status == ActivityStatus.DRAFT
        log.flag_labels = [str(services.FLAG_LABELS.get(f, f)) for f in log.flags]  # type: ignore[attr-defined]
    for row in days.values():
        row.over = row.minutes > max_minutes
    return sorted(days.values(), key=lambda r: r.date, reverse=True)


@login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    today = today_in(user)
    form = MonthForm(request.GET or None)
    first = valid_filters(form).get("bulan") or today.replace(day=1)
    start, end = _month_bounds(first)
    context: dict[str, Any] = {
        "form": form,
        "month": first,
        "today": today,
        "is_employee": user.pegawai_id is not None and user.instansi_id is not None,
        "prev_month": _shift_month(first, -1),
        "next_month": _shift_month(first, 1) if end < today else None,
        "days": [],
    }
    if context["is_employee"]:
        assert user.instansi_id is not None
        policy = policy_for(user.instansi_id)
        days = _days(own_activities(user, start=start, end=end), policy.max_daily_minutes)
        context.update(
            days=days,
            max_minutes=policy.max_daily_minutes,
            month_minutes=sum(d.minutes for d in days),
            locked=lock_message(user.instansi_id, first, today),
        )
    return render(request, "activities/log_list.html", context)


@login_required
@require_POST
def activity_submit_day(request: HttpRequest) -> HttpResponse:
    """Submit every draft of one day (a handful: one service call each)."""
    user = request_account(request)
    _require_employee(user)
    try:
        day = dt.date.fromisoformat(request.POST.get("tanggal", ""))
    except ValueError:
        messages.error(request, _("Choose the day whose drafts to submit."))
        return redirect("activity_list")
    drafts = list(own_activities(user, start=day, end=day).filter(status=ActivityStatus.DRAFT))
    done, refused = 0, []
    for activity in drafts:
        try:
            services.activity_submit(actor=user, activity=activity)
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            refused.append(exc.message)
        else:
            done += 1
    if done:
        messages.success(
            request,
            _("%(count)s logs of %(date)s submitted to your supervisor.")
            % {"count": done, "date": day.strftime("%d-%m-%Y")},
        )
    for message in dict.fromkeys(refused):
        messages.error(request, message)
    if not drafts:
        messages.info(request, _("There is no draft to submit on that day."))
    return redirect(month_url(day))


# --- The log form -----------------------------------------------------------------------------


def _choices_date(request: HttpRequest, activity: Activity | None, today: dt.date) -> dt.date:
    """The date whose approved RHK the select offers: the one typed, else the log's, else
    today (or ?tanggal= from the list's "log this day" link)."""
    raw = request.POST.get("date") or request.GET.get("tanggal") or ""
    try:
        return min(dt.date.fromisoformat(raw), today)
    except ValueError:
        return activity.date if activity else today


def _initial(activity: Activity | None, on: dt.date, tugas: str = "") -> dict[str, Any]:
    if activity is None:
        # From an assignment's page ("log work on this"): the assignment chosen already.
        serves = f"tugas:{tugas}" if tugas.isdigit() else ""
        return {"date": on, "output_quantity": "1", "serves": serves}
    return {
        "date": activity.date,
        "start_time": activity.start_time,
        "end_time": activity.end_time,
        "minutes": None if activity.start_time else activity.minutes,
        "description": activity.description,
        "output_quantity": activity.output_quantity,
        "output_unit": activity.output_unit,
        "serves": serves_value(activity.rhk_id, activity.assignment_id),
        "is_additional_task": activity.is_additional_task,
        "expected_version": activity.version,
    }


def _read(upload: UploadedFile, max_bytes: int) -> bytes:
    """The file's bytes, at most one past the instansi's cap: a bigger file is refused by the
    service (its size rule) without holding all of it in memory."""
    upload.seek(0)
    return bytes(upload.read(max_bytes + 1))


def _add_evidence(
    user: Account,
    activity: Activity,
    files: list[UploadedFile],
    links: list[str],
    stored: list[Evidence],
) -> None:
    """Store every file and link, or raise the first refusal (named after its file). Each file
    stored is put in `stored`: the rows go with the caller's transaction, the files do not, so
    the caller removes them if the transaction fails (`_forget`)."""
    max_bytes = policy_row(activity.instansi_id).evidence_max_mb * 1024 * 1024
    for upload in files:
        name = upload.name or "bukti"
        try:
            stored.append(
                services.evidence_add_file(
                    actor=user, activity=activity, name=name, data=_read(upload, max_bytes)
                )
            )
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            exc.message = f"{name}: {exc.message}"
            raise
    for url in links:
        services.evidence_add_link(actor=user, activity=activity, url=url)


def _forget(stored: list[Evidence]) -> None:
    """Remove the files of evidence whose rows were rolled back."""
    for item in stored:
        item.file.delete(save=False)


def _resolve_serves(
    user: Account, choice: tuple[str, int] | None
) -> tuple[Rhk | None, Assignment | None]:
    """The RHK or assignment chosen, if it is the user's own (the service checks the rest)."""
    if choice is None:
        return None, None
    assert user.pegawai_id is not None
    kind, pk = choice
    if kind == "rhk":
        rhk = Rhk.objects.filter(pk=pk, skp__pegawai_id=user.pegawai_id).first()
        if rhk is None:
            raise ApplicationError(
                "rhk_not_approved",
                _("The RHK must belong to your approved SKP covering this date."),
            )
        return rhk, None
    assignment = Assignment.objects.filter(pk=pk, assignee_id=user.pegawai_id).first()
    if assignment is None:
        raise ApplicationError(
            "assignment_not_open", _("The assignment must be yours and still open.")
        )
    return None, assignment


def _page_key(user: Account, form_key: str) -> str:
    return f"page:log:{form_key}"[:100]


def _replayed(user: Account, form_key: str) -> str | None:
    """Where a form already saved under this one-time key went (a phone re-sending the form
    after a dropped connection must not log the work twice)."""
    if not form_key:
        return None
    record = IdempotencyRecord.objects.filter(
        account_id=user.pk, key=_page_key(user, form_key)
    ).first()
    return str(record.body.get("location", "")) if record else None


def _save_log(
    user: Account, activity: Activity | None, data: dict[str, Any], *, submit: bool,
    form_key: str = "",
) -> Activity:
    """The log, its new evidence and (if asked) its submission: all or nothing, so a refused
    file or link leaves no half-saved log behind (nor its files in the storage)."""
    rhk, assignment = _resolve_serves(user, data["serves"])
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            saved = services.activity_save(
                actor=user,
                activity=activity,
                date=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                minutes=data["minutes"],
                description=data["description"],
                output_quantity=data["output_quantity"],
                output_unit=data["output_unit"],
                rhk=rhk,
                assignment=assignment,
                is_additional_task=data["is_additional_task"],
                expected_version=data["expected_version"],
            )
            _add_evidence(user, saved, data["uploads"], data["links"], stored)
            if submit:
                services.activity_submit(actor=user, activity=saved)
            if form_key and activity is None:
                # In the same transaction as the log: a racing copy of the same form fails on
                # the unique key and is sent where the first one went.
                IdempotencyRecord.objects.create(
                    account_id=user.pk, key=_page_key(user, form_key), method="POST",
                    path="/kegiatan/baru/", request_hash="", status=302,
                    body={"location": month_url(saved.date)},
                )
    except Exception:
        _forget(stored)
        raise
    return saved


def _show_refusal(form: ActivityForm | EvidenceForm, exc: ApplicationError) -> None:
    field_name = ERROR_FIELDS.get(exc.code)
    if field_name not in form.fields:
        field_name = None
    form.add_error(field_name, exc.message)


def _log_form(request: HttpRequest, user: Account, activity: Activity | None) -> HttpResponse:
    assert user.pegawai_id is not None
    today = today_in(user)
    on = _choices_date(request, activity, today)
    rhk = list(approved_rhk_of(user.pegawai_id, on))
    assignments = list(
        Assignment.objects.filter(
            assignee_id=user.pegawai_id, status__in=rules.OPEN_ASSIGNMENT
        ).order_by("due_date", "pk")
    )
    posted = request.method == "POST"
    form = ActivityForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=_initial(activity, on, request.GET.get("tugas", "")),
        rhk=rhk,
        assignments=assignments,
        today=today,
    )
    chose_files = posted and bool(request.FILES)
    form_key = request.POST.get("form_key", "") if posted else uuid.uuid4().hex
    if posted and activity is None:
        location = _replayed(user, form_key)
        if location:
            return redirect(location)
    if posted and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            saved = _save_log(user, activity, form.cleaned_data, submit=submit,
                              form_key=form_key)
        except IntegrityError:
            location = _replayed(user, form_key)
            if location:
                return redirect(location)
            raise
        except (Forbidden, NotFound):
            raise
        except ApplicationError as exc:
            _show_refusal(form, exc)
            if activity is not None:
                activity.refresh_from_db()  # the service changed it in memory, then rolled back
        else:
            if submit:
                messages.success(request, _("Activity saved and submitted to your supervisor."))
            else:
                messages.success(request, _("Activity saved as a draft."))
            return redirect(month_url(saved.date))
    if posted and chose_files and form.errors:
        form.add_error(None, str(FILES_AGAIN))
    context = {
        "form": form,
        "form_key": form_key,
        "activity": activity,
        "is_owner": True,
        "today": today,
        "has_rhk": bool(rhk),
        "locked": lock_message(user.instansi_id, activity.date, today) if activity else "",
        "evidence": list(activity.evidence.all()) if activity else [],
    }
    return render(request, "activities/log_form.html", context)


@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    _require_employee(user)
    return _log_form(request, user, None)


def _own_editable(request: HttpRequest, pk: int) -> tuple[Account, Activity]:
    """The user's own log (404 outside scope, 403 for a log of someone else they may see)."""
    user = request_account(request)
    activity = get_activity_for(user, pk)
    if user.pegawai_id is None or activity.pegawai_id != user.pegawai_id:
        raise Forbidden("forbidden", _("Only the employee may change their own activity log."))
    return user, activity


@login_required
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user, activity = _own_editable(request, pk)
    if not rules.log_editable(activity.status):
        messages.error(request, _("A submitted or verified log cannot be changed."))
        return redirect("activity_detail", pk=activity.pk)
    return _log_form(request, user, activity)


# --- The log's page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    record: AuditRecord
    label: str
    note: str


def history_rows(activity: Activity) -> list[HistoryRow]:
    """Every change to the log, newest first (one indexed query)."""
    records = AuditRecord.objects.filter(
        instansi_id=activity.instansi_id, object_type=ACTIVITY_OBJECT, object_id=str(activity.pk)
    ).order_by("-seq")
    rows = []
    for record in records:
        context = record.context if isinstance(record.context, dict) else {}
        label = str(HISTORY_LABELS.get(record.action, record.action))
        rows.append(HistoryRow(record, label, str(context.get("reason") or "")))
    return rows


def _detail(
    request: HttpRequest, activity: Activity, *, evidence_form: EvidenceForm | None = None
) -> HttpResponse:
    user = request_account(request)
    today = today_in(user)
    is_owner = user.pegawai_id is not None and user.pegawai_id == activity.pegawai_id
    locked = lock_message(activity.instansi_id, activity.date, today)
    can_change = is_owner and rules.log_editable(activity.status) and not locked
    evidence = list(activity.evidence.all())
    context = {
        "activity": activity,
        "is_owner": is_owner,
        "can_change": can_change,
        "locked": locked,
        "files": [e for e in evidence if e.kind == EvidenceKind.FILE],
        "links": [e for e in evidence if e.kind == EvidenceKind.LINK],
        "flags": [services.FLAG_LABELS.get(f, f) for f in activity.flags],
        "history": history_rows(activity),
        "evidence_form": evidence_form or EvidenceForm(),
        "back_url": month_url(activity.date) if is_owner else "",
    }
    return render(request, "activities/log_detail.html", context)


@login_required
@require_GET
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_activity_for(request_account(request), pk))


@login_required
@require_POST
def activity_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    activity = get_activity_for(user, pk)
    raw = request.POST.get("expected_version", "")
    try:
        services.activity_submit(
            actor=user, activity=activity, expected_version=int(raw) if raw.isdigit() else None
        )
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("activity_detail", pk=pk)
    messages.success(request, _("Activity submitted to your supervisor."))
    return redirect("activity_detail", pk=pk)


@login_required
@require_POST
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    activity = get_activity_for(user, pk)
    day = activity.date
    try:
        services.activity_delete(actor=user, activity=activity)
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("activity_detail", pk=pk)
    messages.success(request, _("Activity deleted."))
    return redirect(month_url(day))


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    activity = get_activity_for(user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        files, links = form.cleaned_data["uploads"], form.cleaned_data["links"]
        if not files and not links:
            form.add_error(None, _("Choose a file or give a link."))
        else:
            stored: list[Evidence] = []
            try:
                with transaction.atomic():
                    _add_evidence(user, activity, files, links, stored)
            except (Forbidden, NotFound):
                _forget(stored)
                raise
            except ApplicationError as exc:
                _forget(stored)
                _show_refusal(form, exc)
            else:
                messages.success(request, _("Evidence added."))
                return redirect("activity_detail", pk=pk)
    if request.FILES and form.errors:
        form.add_error(None, str(FILES_AGAIN))
    activity.refresh_from_db()
    return _detail(request, activity, evidence_form=form)


def get_evidence_for(account: Account, pk: int) -> Evidence:
    """Evidence of a log the account may see; 404 for anything else."""
    found = (
        Evidence.objects.filter(pk=pk, activity__in=activity_visible_to(account))
        .select_related("activity")
        .first()
    )
    if found is None:
        raise NotFound("not_found", _("Evidence not found."))
    return found


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    evidence = get_evidence_for(user, pk)
    try:
        services.evidence_remove(actor=user, evidence=evidence)
    except (Forbidden, NotFound):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Evidence removed."))
    return redirect("activity_detail", pk=evidence.activity_id)


# Shown in the browser rather than downloaded: images (re-encoded by the service) and PDF.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "application/pdf"})


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The stored file, after the scope check (media is not public in production). The type is
    the one sniffed at upload, never the name's; anything but an image or PDF downloads."""
    evidence = get_evidence_for(request_account(request), pk)
    if evidence.kind != EvidenceKind.FILE or not evidence.file:
        raise NotFound("not_found", _("Evidence not found."))
    inline = evidence.content_type in INLINE_TYPES
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type or "application/octet-stream",
        as_attachment=not inline,
        filename=evidence.original_name or evidence.file.name.rsplit("/", 1)[-1],
    )
    # Private to the people in scope: no shared cache keeps it; nothing in it runs.
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
