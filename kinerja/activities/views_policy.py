"""The activity policy page (/pengaturan/kegiatan/): everyone of the instansi reads the rules their
logs are checked against; admin BKPSDM changes them (services.activity_policy_save)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.activities.selectors import policy_row
from kinerja.activities.services import activity_policy_save
from kinerja.core.errors import ApplicationError, NotFound
from kinerja.people.access import request_account, scope_for

WEEKDAYS = [
    ("1", _lazy("Monday")),
    ("2", _lazy("Tuesday")),
    ("3", _lazy("Wednesday")),
    ("4", _lazy("Thursday")),
    ("5", _lazy("Friday")),
    ("6", _lazy("Saturday")),
    ("7", _lazy("Sunday")),
]


class PolicyForm(forms.Form):
    max_daily_minutes = forms.IntegerField(
        label=_lazy("Daily maximum (minutes)"), min_value=60, max_value=1440
    )
    work_start = forms.TimeField(
        label=_lazy("Working hours start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_end = forms.TimeField(
        label=_lazy("Working hours end"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_days = forms.MultipleChoiceField(
        label=_lazy("Working days"), choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple
    )
    verify_indirect = forms.BooleanField(
        label=_lazy("Indirect supervisors may verify logs too"), required=False
    )
    verification_wait_days = forms.IntegerField(
        label=_lazy("Verification limit (days)"),
        min_value=1,
        max_value=60,
        help_text=_lazy("Logs waiting longer are shown to the OPD administrator."),
    )
    evidence_max_mb = forms.IntegerField(
        label=_lazy("Evidence size limit (MB)"), min_value=1, max_value=50
    )
    keep_photo_location = forms.BooleanField(
        label=_lazy("Keep the location (GPS) in evidence photos"), required=False
    )


@login_required
def activity_policy(request: HttpRequest) -> HttpResponse:
    user = request_account(request)
    scope = scope_for(user)
    if scope.instansi_id is None:
        raise NotFound("not_found", _("Page not found."))
    policy = policy_row(scope.instansi_id)
    may_change = scope.writes_whole_instansi
    initial = {
        "max_daily_minutes": policy.max_daily_minutes,
        "work_start": policy.work_start,
        "work_end": policy.work_end,
        "work_days": list(policy.work_days),
        "verify_indirect": policy.verify_indirect,
        "verification_wait_days": policy.verification_wait_days,
        "evidence_max_mb": policy.evidence_max_mb,
        "keep_photo_location": policy.keep_photo_location,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_change:
            raise NotFound("not_found", _("Page not found."))
        if form.is_valid():
            values = dict(form.cleaned_data)
            values["work_days"] = "".join(values["work_days"])
            try:
                activity_policy_save(actor=user, instansi_id=scope.instansi_id, **values)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The activity policy is saved."))
                return redirect("activity_policy")
    if not may_change:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "activities/policy.html",
        {
            "form": form,
            "may_change": may_change,
            "policy": policy,
        },
    )
