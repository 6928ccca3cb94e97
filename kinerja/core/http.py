"""Small helpers shared by the pages of every app (HTMX partials, filter forms, date parameters)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _


def wants_partial(request: HttpRequest) -> bool:
    """An HTMX swap, not a boosted navigation nor a history restore (those need the page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def valid_filters(form: forms.Form) -> dict[str, Any]:
    """The filter values that validated: a bad field is dropped (and shown with its error) while
    the good ones still filter."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def date_param(request: HttpRequest, name: str) -> tuple[dt.date | None, str]:
    """A YYYY-MM-DD query parameter: (date, "") or (None, error message)."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None, ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return None, _("“%(value)s” is not a date; use the form YYYY-MM-DD.") % {"value": raw}
