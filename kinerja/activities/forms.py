"""Forms of the activity log pages. They only parse what the user typed (types, lengths); every
rule of daily work (plausibility, what a log may serve, evidence types and sizes, locked months)
is checked by kinerja.activities.services, whose refusal is shown on the same form with what the
user typed kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.activities.models import Assignment
from kinerja.plans.forms import DecimalInput
from kinerja.plans.models import Rhk, RhkKind

# What a phone offers for evidence: the camera and the gallery (image/*), PDF and office files.
# The browser's filter is a convenience; the service checks the content itself.
EVIDENCE_ACCEPT = "image/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


class PageForm(forms.Form):
    """Labels without the trailing colon (the layout sets labels apart)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files under one name (several inputs may share it: the camera button and
    the file chooser both send `uploads`)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        single = super().clean
        return [single(item, initial) for item in items if item]


class LinksField(forms.CharField):
    """Web addresses, one per line (each is checked by the service)."""

    widget = forms.Textarea(
        attrs={"rows": 2, "inputmode": "url", "autocapitalize": "none", "spellcheck": "false",
               "placeholder": "https://"}
    )

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = str(super().to_python(value) or "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class EvidenceFields(PageForm):
    """Evidence added with a log or later on its page: files and links."""

    uploads = MultipleFileField(
        label=_lazy("Files"),
        required=False,
        help_text=_lazy(
            "Photos, PDF or office documents (Word, Excel, PowerPoint); several at once."
        ),
    )
    links = LinksField(
        label=_lazy("Links"),
        required=False,
        help_text=_lazy("Web addresses of the result, one per line."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].widget.attrs.update({"accept": EVIDENCE_ACCEPT})


def serves_value(rhk_id: int | None, assignment_id: int | None) -> str:
    """The "serves" select's value: "rhk:<id>", "tugas:<id>" or ""."""
    if rhk_id:
        return f"rhk:{rhk_id}"
    if assignment_id:
        return f"tugas:{assignment_id}"
    return ""


class ServesField(forms.ChoiceField):
    """Parsed into ("rhk" | "tugas", id); whether the choice is allowed (an RHK of the
    approved SKP covering the date, an open assignment of one's own) is the service's call."""

    def valid_value(self, value: Any) -> bool:
        kind, _sep, number = str(value).partition(":")
        return kind in ("rhk", "tugas") and number.isdigit()

    def clean(self, value: Any) -> tuple[str, int] | None:
        text = super().clean(value)
        if not text:
            return None
        kind, _sep, number = text.partition(":")
        return kind, int(number)


class ActivityForm(EvidenceFields):
    date = forms.DateField(
        label=_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_lazy("Start"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_lazy("End"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    minutes = forms.IntegerField(
        label=_lazy("Or the duration (minutes)"),
        required=False,
        min_value=1,
        max_value=1440,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
        help_text=_lazy("Only when you do not give the start and end time."),
    )
    # Not required here: the service says what is missing in its own words.
    description = forms.CharField(
        label=_lazy("What did you do?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    output_quantity = DecimalInput(label=_lazy("Output"), initial="1", required=False)
    output_unit = forms.CharField(
        label=_lazy("Unit"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _lazy("e.g. letters, reports, visits")}),
    )
    serves = ServesField(label=_lazy("This work serves"), required=False)
    is_additional_task = forms.BooleanField(
        label=_lazy("An additional task (tugas tambahan)"), required=False
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(
        self,
        *args: Any,
        rhk: list[Rhk],
        assignments: list[Assignment],
        today: dt.date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = today.isoformat()
        options: list[tuple[Any, Any]] = [("", _("— choose —"))]
        labels = dict(RhkKind.choices)
        for kind in RhkKind.values:
            items = [(f"rhk:{r.pk}", r.text[:120]) for r in rhk if r.kind == kind]
            if items:
                options.append((_("RHK %(kind)s") % {"kind": labels[kind]}, items))
        if assignments:
            options.append(
                (_("Assignments"), [(f"tugas:{a.pk}", a.title[:120]) for a in assignments])
            )
        current = self.initial.get("serves") or (self.data.get("serves") if self.is_bound else "")
        known = {value for _group, items in options[1:] for value, _label in items}
        if current and current not in known:
            # The RHK of an SKP under revision, or a closed assignment: keep it visible, the
            # service says whether it still may be used.
            options.append((_("Current choice"), [(current, _("(no longer offered)"))]))
        serves = self.fields["serves"]
        assert isinstance(serves, forms.ChoiceField)
        serves.choices = options


class EvidenceForm(EvidenceFields):
    """Evidence added on the log's page."""


class MonthForm(forms.Form):
    bulan = forms.CharField(
        label=_lazy("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"}),
    )

    def clean_bulan(self) -> dt.date | None:
        text = self.cleaned_data.get("bulan", "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return dt.date(year, month, 1)
        except ValueError as exc:
            raise forms.ValidationError(
                _("“%(value)s” is not a month; use the form YYYY-MM.") % {"value": text}
            ) from exc
