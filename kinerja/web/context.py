"""Template context shared by every page: the navigation the user's roles allow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from kinerja.people.access import scope_for

    scope = scope_for(user)
    return {"nav_scope": scope, "nav_roles": set(scope.roles)}
