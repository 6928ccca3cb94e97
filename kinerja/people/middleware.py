"""Enforces two-factor authentication (kinerja/people/twofactor.py) on every request.

A logged-in session that django-otp has not verified is held at one door until it passes: an
account with an authenticator enters its code (/masuk/kode/); an account whose role requires
2FA and has none sets one up (/akun/2fa/). Pages redirect there (htmx requests get HX-Redirect);
the API answers 403 `otp_required` in its error shape. Log-out and the language switch stay
open. Requests with a Bearer token are not asked: the token was made from a verified session
(see docs/operations.md) and its account's lockout still applies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.people.twofactor import Need, required_roles, session_need

API_PREFIX = "/api/"


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        required_roles()  # a misspelt role in the setting fails at start-up, not at log-in
        self._open: dict[Need, frozenset[str]] | None = None

    def _open_paths(self, need: Need) -> frozenset[str]:
        if self._open is None:
            common = {reverse("logout"), reverse("set_language")}
            self._open = {
                Need.CODE: frozenset(common | {reverse("otp_verify")}),
                Need.ENROL: frozenset(common | {reverse("twofactor")}),
            }
        return self._open[need]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._hold(request)
        return response if response is not None else self.get_response(request)

    def _hold(self, request: HttpRequest) -> HttpResponse | None:
        path = request.path
        if path.startswith(API_PREFIX) and request.headers.get("Authorization", "").startswith(
            "Bearer "
        ):
            return None  # the token authenticates, not the session
        if path.startswith(settings.STATIC_URL):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        need = session_need(request, user)
        if need is Need.NONE or path in self._open_paths(need):
            return None
        if path.startswith(API_PREFIX):
            return _api_refusal(need)
        target = reverse("otp_verify" if need is Need.CODE else "twofactor")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


def _api_refusal(need: Need) -> HttpResponse:
    if need is Need.CODE:
        message = _(
            "This session has not entered its two-factor code yet. Complete the log-in at "
            "%(url)s first."
        ) % {"url": reverse("otp_verify")}
    else:
        message = _(
            "Your role requires two-factor authentication. Set up an authenticator app at "
            "%(url)s first."
        ) % {"url": reverse("twofactor")}
    body = {"error": {"code": "otp_required", "message": message, "details": {"need": need}}}
    return HttpResponse(
        json.dumps(body), status=403, content_type="application/json; charset=utf-8"
    )
