"""Cross-cutting pages: log-in and the per-role home page."""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from kinerja.people.access import scope_for


class NipAuthenticationForm(AuthenticationForm):
    username = forms.CharField(
        label=_("NIP"),
        max_length=40,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _("Wrong NIP or password. After several failures the account is locked for a while."),
        "inactive": _("This account is inactive."),
    }


class LoginView(auth_views.LoginView):
    form_class = NipAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    return render(request, "web/home.html", {"scope": scope})
