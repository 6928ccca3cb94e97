"""Pages for two-factor authentication: the log-in's code step, setting up an authenticator
(QR code drawn here as inline SVG, and the secret as text for those who cannot scan), turning
it off, and the BKPSDM administrator's reset for a lost phone."""

from __future__ import annotations

from typing import Any

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinerja.core.errors import ApplicationError, NotFound
from kinerja.people import twofactor
from kinerja.people.access import get_pegawai_for, request_account
from kinerja.people.models import Account
from kinerja.people.rules import normalise_nip


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_lazy("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": r"[0-9 \-]*",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(default)


def _verified(request: HttpRequest, account: Account, device: TOTPDevice) -> None:
    """Mark the session verified by `device`; a new session key, as after any log-in step."""
    request.session.cycle_key()
    otp_login(request, device)
    twofactor.remember_need(request, account)


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// URI as an inline SVG (no image service, no inline style; the CSP allows
    it as markup, not as an image)."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="qr",
                        lineclass=None, title=_("QR code for your authenticator app"))
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308 (segno output)


# --- Log-in: the code step ----------------------------------------------------------------------


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    account = request_account(request)
    if account.is_verified():  # type: ignore[attr-defined]
        return redirect(_next(request))
    device = twofactor.confirmed_device(account)
    if device is None:  # reset meanwhile: set one up if required, else nothing to ask
        need = twofactor.remember_need(request, account)
        if need is twofactor.Need.ENROL:
            return redirect("twofactor")
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.twofactor_verify(account=account, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            form.add_error("code", exc.message)
            status = exc.status if exc.status == 429 else 200
        else:
            _verified(request, account, device)
            return redirect(_next(request))
    context = {"form": form, "next": _next(request)}
    return render(request, "people/twofactor/verify.html", context, status=status)


# --- Account: set up, status, turn off ----------------------------------------------------------


@login_required
def twofactor_page(request: HttpRequest) -> HttpResponse:
    account = request_account(request)
    status = twofactor.status_of(account)
    verified = account.is_verified()  # type: ignore[attr-defined]
    if status.enabled and not verified:
        return redirect("otp_verify")
    context: dict[str, Any] = {"status": status, "next": _next(request, "account")}
    if status.enabled:
        context["disable_form"] = CodeForm(auto_id="disable_%s")
        return render(request, "people/twofactor/page.html", context)
    device = twofactor.twofactor_pending_device(account=account)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.twofactor_enable(
                account=account, device=device, code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            form.add_error("code", exc.message)
        else:
            _verified(request, account, device)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next(request, "account"))
    context.update(
        {"form": form, "qr": qr_svg(device), "secret": twofactor.secret_base32(device),
         "issuer": getattr(settings, "OTP_TOTP_ISSUER", "")}
    )
    response = render(request, "people/twofactor/page.html", context)
    response["Cache-Control"] = "no-store"  # the secret is on this page
    return response


@login_required
@require_POST
def twofactor_disable_view(request: HttpRequest) -> HttpResponse:
    account = request_account(request)
    form = CodeForm(request.POST, auto_id="disable_%s")
    if form.is_valid():
        try:
            twofactor.twofactor_disable(account=account, code=form.cleaned_data["code"])
        except ApplicationError as exc:
            if exc.status == 403:
                raise
            form.add_error("code", exc.message)
        else:
            twofactor.remember_need(request, account)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("account")
    status = twofactor.status_of(account)
    context = {"status": status, "disable_form": form, "next": _next(request, "account")}
    return render(request, "people/twofactor/page.html", context)


# --- Admin BKPSDM: reset another account's 2FA --------------------------------------------------


@login_required
@require_POST
def twofactor_reset_view(request: HttpRequest, nip: str) -> HttpResponse:
    actor = request_account(request)
    try:
        pegawai = get_pegawai_for(actor, nip=normalise_nip(nip))
    except NotFound as exc:
        raise Http404(_("Employee not found.")) from exc
    account = Account.objects.filter(pegawai=pegawai).first()
    if account is None:
        raise Http404(_("This employee has no account."))
    twofactor.twofactor_reset(actor=actor, account=account)
    messages.success(
        request,
        _("Two-factor authentication of %(name)s was reset. They set it up again at their next "
          "log-in if their role requires it.") % {"name": pegawai.full_name},
    )
    return redirect("people:detail", nip=pegawai.nip)
