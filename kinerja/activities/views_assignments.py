"""Assignment (penugasan) pages: the lists of work received and given (/penugasan/), giving
work to subordinates (/penugasan/baru/), one assignment with its workflow, progress, comment
thread and the logs written against it (/penugasan/<pk>/), and the supervisor's view of the
team's open assignments (/penugasan/tim/).

Views stay thin: reads through the scoped selectors (404 outside scope), writes through one
service each. A step the viewer may not take answers 403 (the service's Forbidden); a step the
state or the input does not allow comes back as a message on the assignment's page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kinerja.activities import rules, services
from kinerja.activities.models import Assignment, AssignmentStatus, Priority
from kinerja.activities.selectors import get_assignment_for
from kinerja.activities.selectors_assignments import (
    NOT_CLOSED,
    activities_of,
    assignments_given,
    assignments_of_team,
    assignments_received,
    comments_of,
)
from kinerja.activities.services.assignments import (
    ACTION_LABELS,
    COMMENT_MAX,
    TITLE_MAX,
    allowed_actions,
    assignable_members,
    assigner_rhk,
    role_of,
)
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.http import wants_partial
from kinerja.people.access import request_account, today_in
from kinerja.people.models import Account
from kinerja.people.selectors import TeamMember

PAGE_SIZE = 25
TEAM_PAGE_SIZE = 50
ACTIVITY_LIMIT = 50

TABS = {"diterima": _lazy("Received"), "diberikan": _lazy("Given")}
SHOWN = {
    "terbuka": ("open", _lazy("Open")),
    "selesai": ("closed", _lazy("Closed")),
    "semua": ("", _lazy("All")),
}
STATUS_BADGE = {
    AssignmentStatus.ASSIGNED: "",
    AssignmentStatus.ACCEPTED: "",
    AssignmentStatus.IN_PROGRESS: "",
    AssignmentStatus.SUBMITTED: "warn",
    AssignmentStatus.DONE: "ok",
    AssignmentStatus.CANCELLED: "bad",
}
# The assigner's destructive step asks first (the browser's confirm, via hx-confirm/onclick).
CONFIRM = {"cancel": _lazy("Cancel this assignment? The assignee is told.")}
PRIMARY = {"accept", "submit", "done"}


def _render(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """One view, two renderings: the partial for an HTMX swap, else the page."""
    response = render(request, partial if wants_partial(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def detail_url(pk: int) -> str:
    return reverse("assignment_detail", args=[pk])


@dataclass(frozen=True)
class Row:
    """An assignment as listed, with what the list highlights."""

    assignment: Assignment
    overdue: bool
    due_soon: bool

    @property
    def badge(self) -> str:
        return STATUS_BADGE.get(self.assignment.status, "")

    @property
    def is_open(self) -> bool:
        return self.assignment.status in NOT_CLOSED


def _rows(assignments: Any, today: dt.date) -> list[Row]:
    return [
        Row(
            a,
            rules.is_overdue(status=a.status, due_date=a.due_date, today=today),
            rules.due_soon(status=a.status, due_date=a.due_date, today=today),
        )
        for a in assignments
    ]


def _page(request: HttpRequest, qs: QuerySet[Assignment], size: int) -> Any:
    return Paginator(qs, size).get_page(request.GET.get("page"))


# --- Lists ----------------------------------------------------------------------------------


@login_required
def assignment_list(request: HttpRequest) -> HttpResponse:
    account = request_account(request)
    today = today_in(account)
    tab = request.GET.get("tab", "")
    if tab not in TABS:
        tab = "diterima"
    shown = request.GET.get("status", "")
    if shown not in SHOWN:
        shown = "terbuka"
    status = SHOWN[shown][0]
    received = assignments_received(account, status="open")
    given = assignments_given(account, status="open")
    qs = (assignments_received if tab == "diterima" else assignments_given)(account, status=status)
    page = _page(request, qs, PAGE_SIZE)
    context = {
        "tab": tab,
        "tabs": TABS,
        "shown": shown,
        "shown_choices": {key: label for key, (_s, label) in SHOWN.items()},
        "open_counts": {"diterima": received.count(), "diberikan": given.count()},
        "page": page,
        "rows": _rows(page.object_list, today),
        "query": urlencode({"tab": tab, "status": shown}),
        "may_assign": account.pegawai_id is not None,
    }
    return _render(
        request, "activities/assignment_list.html", "activities/_assignment_list.html", context
    )


@login_required
def assignment_team(request: HttpRequest) -> HttpResponse:
    """The supervisor's view: the team's assignments not yet closed, whoever gave them, soonest
    due first, with progress and overdue state."""
    account = request_account(request)
    today = today_in(account)
    qs = assignments_of_team(account, today, status="open")
    page = _page(request, qs, TEAM_PAGE_SIZE)
    overdue = qs.filter(status__in=list(rules.OPEN_ASSIGNMENT), due_date__lt=today).count()
    context = {
        "page": page,
        "rows": _rows(page.object_list, today),
        "overdue_count": overdue,
        "has_position": account.pegawai_id is not None,
    }
    return _render(
        request, "activities/assignment_team.html", "activities/_assignment_team.html", context
    )


# --- Giving work ----------------------------------------------------------------------------


class AssignmentForm(forms.Form):
    assignees = forms.TypedMultipleChoiceField(
        label=_lazy("Assign to"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Choose at least one subordinate.")},
    )
    title = forms.CharField(label=_lazy("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rhk = forms.ModelChoiceField(
        label=_lazy("Serves your RHK"),
        queryset=None,
        required=False,
        empty_label=_lazy("— none —"),
        help_text=_lazy("One of the RHKs of your approved SKP."),
    )
    due_date = forms.DateField(
        label=_lazy("Due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.ChoiceField(
        label=_lazy("Priority"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, members: list[TeamMember], rhk: QuerySet[Any], **kwargs: Any
    ) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["assignees"].choices = [(m.pegawai.pk, m.pegawai.full_name) for m in members]
        rhk_field = self.fields["rhk"]
        assert isinstance(rhk_field, forms.ModelChoiceField)
        rhk_field.queryset = rhk
        rhk_field.label_from_instance = lambda r: r.text  # type: ignore[method-assign]


# Where a refusal of the service belongs on the form (the others go on top of it).
FORM_ERRORS = {
    "title_required": "title",
    "title_too_long": "title",
    "due_date_past": "due_date",
    "rhk_not_approved": "rhk",
    "priority_invalid": "priority",
    "assignee_required": "assignees",
    "not_subordinate": "assignees",
}


@login_required
def assignment_new(request: HttpRequest) -> HttpResponse:
    account = request_account(request)
    today = today_in(account)
    members = assignable_members(account, today)
    rhk = assigner_rhk(account, today)
    form = AssignmentForm(
        request.POST or None,
        members=members,
        rhk=rhk,
        initial={"due_date": today + dt.timedelta(days=7)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.assignment_create(
                actor=account,
                assignee_ids=data["assignees"],
                title=data["title"],
                description=data["description"],
                rhk=data["rhk"],
                due_date=data["due_date"],
                priority=data["priority"],
            )
        except ApplicationError as exc:
            form.add_error(FORM_ERRORS.get(exc.code), exc.message)
        else:
            messages.success(
                request,
                _("Assignment given to %(count)s people.") % {"count": len(created)}
                if len(created) > 1
                else _("Assignment given."),
            )
            if len(created) == 1:
                return redirect("assignment_detail", pk=created[0].pk)
            return redirect(reverse("assignment_list") + "?tab=diberikan")
    direct = [i for i, m in enumerate(members) if m.direct]
    indirect = [i for i, m in enumerate(members) if not m.direct]
    choices = list(form["assignees"]) if members else []
    context = {
        "form": form,
        "direct": [(choices[i], members[i]) for i in direct],
        "indirect": [(choices[i], members[i]) for i in indirect],
        "has_members": bool(members),
        "has_rhk": rhk.exists(),
    }
    return render(request, "activities/assignment_new.html", context)


# --- One assignment -------------------------------------------------------------------------


def _detail_context(account: Account, assignment: Assignment) -> dict[str, Any]:
    today = today_in(account)
    role = role_of(account, assignment)
    actions = [
        {
            "name": name,
            "label": ACTION_LABELS[name],
            "confirm": CONFIRM.get(name, ""),
            "primary": name in PRIMARY,
        }
        for name in allowed_actions(account, assignment)
    ]
    siblings: list[Assignment] = []
    if role == "assigner":
        siblings = list(
            Assignment.objects.filter(batch=assignment.batch)
            .exclude(pk=assignment.pk)
            .select_related("assignee")
            .order_by("assignee__name")
        )
    activities = list(activities_of(assignment)[: ACTIVITY_LIMIT + 1])
    return {
        "a": assignment,
        "role": role,
        "actions": actions,
        "overdue": rules.is_overdue(
            status=assignment.status, due_date=assignment.due_date, today=today
        ),
        "due_soon": rules.due_soon(
            status=assignment.status, due_date=assignment.due_date, today=today
        ),
        "badge": STATUS_BADGE.get(assignment.status, ""),
        "may_progress": role == "assignee" and assignment.status in rules.OPEN_ASSIGNMENT,
        "may_comment": bool(role),
        "comments": list(comments_of(assignment)),
        "comment_max": COMMENT_MAX,
        "activities": activities[:ACTIVITY_LIMIT],
        "more_activities": len(activities) > ACTIVITY_LIMIT,
        "siblings": siblings,
    }


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = request_account(request)
    assignment = get_assignment_for(account, pk)
    return render(
        request, "activities/assignment_detail.html", _detail_context(account, assignment)
    )


@login_required
@require_POST
def assignment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    account = request_account(request)
    assignment = get_assignment_for(account, pk)
    action = request.POST.get("action", "")
    try:
        services.assignment_transition(actor=account, assignment=assignment, action=action)
    except Forbidden:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Done: %(action)s.") % {"action": ACTION_LABELS[action]},
        )
    return redirect("assignment_detail", pk=pk)


@login_required
@require_POST
def assignment_progress(request: HttpRequest, pk: int) -> HttpResponse:
    account = request_account(request)
    assignment = get_assignment_for(account, pk)
    raw = request.POST.get("percent", "").strip()
    try:
        percent = int(raw)
    except ValueError:
        messages.error(request, _("Progress is a whole number from 0 to 100."))
        return redirect("assignment_detail", pk=pk)
    try:
        services.assignment_progress(actor=account, assignment=assignment, percent=percent)
    except Forbidden:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Progress saved: %(percent)s%%.") % {"percent": percent})
    return redirect("assignment_detail", pk=pk)


@login_required
@require_POST
def assignment_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add to the thread; an HTMX request gets the thread back to swap in place."""
    account = request_account(request)
    assignment = get_assignment_for(account, pk)
    error = ""
    try:
        services.assignment_comment_add(
            actor=account, assignment=assignment, text=request.POST.get("text", "")
        )
    except Forbidden:
        raise
    except ApplicationError as exc:
        error = exc.message
    if wants_partial(request):
        context = {
            "a": assignment,
            "comments": list(comments_of(assignment)),
            "may_comment": True,
            "comment_max": COMMENT_MAX,
            "comment_error": error,
            "comment_text": request.POST.get("text", "") if error else "",
        }
        return render(request, "activities/_assignment_comments.html", context)
    if error:
        messages.error(request, error)
    return redirect(detail_url(pk) + "#komentar")
