"""Response headers Django does not set itself: Permissions-Policy (settings.PERMISSIONS_POLICY).

The content security policy comes from django-csp (csp.middleware.CSPMiddleware) and the
others (HSTS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options) from
Django's own security and clickjacking middleware.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

HEADER = "Permissions-Policy"


def permissions_policy(policy: dict[str, str]) -> str:
    """The header value: `camera=(self), microphone=()` from {"camera": "(self)", ...}."""
    return ", ".join(f"{feature}={allow}" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.value = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.value and HEADER not in response:
            response[HEADER] = self.value
        return response
