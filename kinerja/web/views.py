"""Cross-cutting pages: log-in, the per-role home page, the team page, the account pages and the
audit trail. Views stay thin: fetch through kinerja.people.access, read through selectors, write
through services, render the full page or (for an HTMX request) the partial that changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kinerja.activities.monitoring import pending_count
from kinerja.core.errors import ApplicationError
from kinerja.core.http import date_param, valid_filters, wants_partial
from kinerja.core.roles import Role
from kinerja.org.rules import HoldingKind
from kinerja.people.access import opd_visible_to, request_account, scope_for
from kinerja.people.rules import GOLONGAN_PNS, format_nip, normalise_nip
from kinerja.people.selectors import (
    acting_assignments_on,
    atasan_of,
    audit_trail,
    definitive_assignment_on,
    employee_counts_by_opd,
    instansi_counts,
    team_of,
    tokens_of,
)
from kinerja.people.services import account_change_password, token_create, token_revoke
from kinerja.plans.models import SkpStatus
from kinerja.plans.selectors import skp_list, team_skp_status

AUDIT_PAGE_SIZE = 50


def render_page(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """One view, two renderings: the partial for an HTMX request that targets it, else the page."""
    response = render(request, partial if wants_partial(request) else template, context)
    # The same URL answers with two bodies: caches must key on the header that chooses.
    patch_vary_headers(response, ("HX-Request",))
    return response


class PageForm(forms.Form):
    """Forms on pages: labels without the trailing colon (the layout sets labels apart)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# --- Log-in -------------------------------------------------------------------------------------


class NipAuthenticationForm(AuthenticationForm):
    """Log-in with the NIP; spaces, dots and dashes as printed on ID cards are accepted."""

    username = forms.CharField(
        label=_lazy("NIP"),
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "inputmode": "numeric",
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
                "placeholder": "19800101 200501 1 001",
            }
        ),
    )
    error_messages = {
        "invalid_login": _lazy(
            "Wrong NIP or password. After several failures the account is locked for a while."
        ),
        "inactive": _lazy("This account is inactive."),
    }

    def clean_username(self) -> str:
        # One NIP, however it is typed: the lockout (django-axes) counts failures per username,
        # so normalising here also stops "1980 0101..." variants from getting fresh attempts.
        return normalise_nip(self.cleaned_data["username"])


class LoginView(auth_views.LoginView):
    form_class = NipAuthenticationForm
    redirect_authenticated_user = True


# --- Home ---------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    scope = scope_for(user)
    on = scope.on
    context: dict[str, Any] = {
        "scope": scope,
        "roles": [Role(r) for r in scope.roles],
        "today": on,
    }
    if scope.has(Role.PEGAWAI) and user.pegawai is not None:
        pegawai = user.pegawai
        context["me"] = pegawai
        context["me_nip"] = format_nip(pegawai.nip)
        context["me_pangkat"] = GOLONGAN_PNS.get(pegawai.golongan, "")
        context["current"] = definitive_assignment_on(pegawai.pk, on)
        # The scope already knows the kinds held: query names only when there is an acting post.
        acting = any(h.kind != HoldingKind.DEFINITIF for h in scope.held)
        context["acting"] = acting_assignments_on(pegawai.pk, on) if acting else []
        context["my_atasan"] = atasan_of(pegawai, on)
        context["my_skp"] = (
            skp_list(user, year=on.year, pegawai=pegawai).exclude(status=SkpStatus.CLOSED).first()
        )
    if scope.has(Role.ATASAN):
        # The team with its SKPs of the year: one query more than team_of, for the planning card.
        team = team_skp_status(user, on.year)
        direct = sum(1 for m in team if m.direct)
        context["team_direct"] = direct
        context["team_indirect"] = len(team) - direct
        context["team_without_skp"] = sum(1 for m in team if m.skp is None)
        context["team_awaiting"] = sum(
            1 for m in team if m.direct and m.skp and m.skp.status == SkpStatus.SUBMITTED
        )
        # Logs waiting for this account's verification, from the team already read (1 query).
        context["team_pending_logs"] = pending_count(user, team)
    if scope.admin_opd_ids:
        opds = list(opd_visible_to(user).filter(pk__in=scope.admin_opd_ids))
        counts = employee_counts_by_opd([o.pk for o in opds], on)
        context["admin_opds"] = [(o, counts.get(o.pk, 0)) for o in opds]
    if scope.has(Role.ADMIN_BKPSDM):
        context["instansi_counts"] = instansi_counts(scope.instansi_id, on)
    if scope.has(Role.PIMPINAN):
        opds = list(opd_visible_to(user).filter(is_active=True))
        counts = employee_counts_by_opd([o.pk for o in opds], on)
        context["opd_counts"] = [(o, counts.get(o.pk, 0)) for o in opds]
    return render(request, "web/home.html", context)


# --- Team ---------------------------------------------------------------------------------------


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    today = scope_for(user).on
    chosen, date_error = date_param(request, "tanggal")
    on = chosen or today
    members = sorted(team_of(user, on), key=lambda m: not m.direct)  # stable: keeps org order
    context = {
        "on": on,
        "today": today,
        "date_error": date_error,
        "direct": [m for m in members if m.direct],
        "indirect": [m for m in members if not m.direct],
        "has_position": bool(scope_for(user, on).held),
    }
    return render_page(request, "web/team.html", "web/_team_list.html", context)


# --- Account ------------------------------------------------------------------------------------


class PasswordChangeForm(PageForm):
    old_password = forms.CharField(
        label=_lazy("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_lazy("New password"),
        strip=False,
        help_text=_lazy("At least 10 characters; not only digits, not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_lazy("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password2") != data["new_password1"]:
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class TokenCreateForm(PageForm):
    name = forms.CharField(
        label=_lazy("Name"),
        max_length=100,
        help_text=_lazy("What the token is for, e.g. “SIMPEG sync”."),
    )
    expires_in_days = forms.IntegerField(
        label=_lazy("Expires after (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_lazy("Leave empty for a token that does not expire."),
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    return render(request, "web/account.html", {"account": user})


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_change_password(
                account=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
                request=request,
            )
        except ApplicationError as exc:
            field = "new_password1" if exc.code == "weak_password" else "old_password"
            form.add_error(field, exc.message)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("account")
    return render(request, "web/password_change.html", {"form": form})


def _tokens_page(
    request: HttpRequest, form: TokenCreateForm, *, new_token: str = "", revoked: str = ""
) -> HttpResponse:
    user = request_account(request)
    context = {
        "form": form,
        "tokens": tokens_of(user),
        "new_token": new_token,
        "revoked": revoked,
    }
    response = render_page(request, "web/tokens.html", "web/_tokens.html", context)
    # The plain token is in this response only: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    if request.method != "POST":
        return _tokens_page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        # 200 even when invalid: htmx swaps only successful responses, and the errors are
        # what the user must see.
        return _tokens_page(request, form)
    try:
        _token, plain = token_create(
            account=user,
            name=form.cleaned_data["name"],
            expires_in_days=form.cleaned_data["expires_in_days"],
        )
    except ApplicationError as exc:
        form.add_error("name", exc.message)
        return _tokens_page(request, form)
    return _tokens_page(request, TokenCreateForm(), new_token=plain)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_account(request)
    token = tokens_of(user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("Token not found."))
    token_revoke(account=user, token=token)
    if wants_partial(request):
        return _tokens_page(request, TokenCreateForm(), revoked=token.name)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("tokens")


# --- Audit trail --------------------------------------------------------------------------------


class AuditFilterForm(PageForm):
    action = forms.CharField(label=_lazy("Action"), required=False, max_length=60)
    object_type = forms.CharField(label=_lazy("Object type"), required=False, max_length=60)
    object_id = forms.CharField(label=_lazy("Object id"), required=False, max_length=64)
    actor_nip = forms.CharField(label=_lazy("Actor NIP"), required=False, max_length=40)
    date_from = forms.DateField(
        label=_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _change_rows(changes: Any) -> list[tuple[str, Any, Any]]:
    """An audit record's changes as (field, before, after) rows, whatever shape they were in."""
    if not isinstance(changes, dict):
        return [("", None, changes)]
    rows = []
    for name, value in changes.items():
        if isinstance(value, (list, tuple)) and len(value) == 2:
            rows.append((str(name), value[0], value[1]))
        else:
            rows.append((str(name), None, value))
    return rows


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    if not scope_for(user).reads_audit:
        raise Http404(_("Page not found."))
    form = AuditFilterForm(request.GET or None)
    filters = valid_filters(form)
    records = audit_trail(
        user,
        action=filters.get("action", "").strip(),
        object_type=filters.get("object_type", "").strip(),
        object_id=filters.get("object_id", "").strip(),
        actor=filters.get("actor_nip", "").strip(),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(records, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(record, _change_rows(record.changes)) for record in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render_page(request, "web/audit.html", "web/_audit_results.html", context)
