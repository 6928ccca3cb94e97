"""Forms of the TPP month pages: the month to compute, and an adjustment of an approved month.
They only read and tidy what was typed; the services decide (permission, state, amounts)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.allowances.batch import Month
from kinerja.web.views import PageForm

# "Rp 1.250.000", "-50.000", "+250000", "1.250.000,50", "75000.5"
_THOUSANDS = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")


def parse_month(raw: str) -> Month | None:
    """`2026-10` -> Month, anything else None."""
    try:
        return Month.parse(raw)
    except ValueError:
        return None


def parse_rupiah(raw: str) -> Decimal | None:
    """An amount as people type it in Indonesia: a sign, `Rp`, dots between thousands, a comma
    before the sen (`-Rp50.000`, `1.250.000,50`); a lone dot with other than three digits after
    it is a decimal point (`75000.5`). None when it is not a number."""
    text = raw.strip().replace(" ", "").replace("\u00a0", "")
    sign = ""
    if text and text[0] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if text[:2].lower() == "rp":
        text = text[2:]
        if not sign and text and text[0] in "+-":  # "Rp-50.000"
            sign, text = ("-" if text[0] == "-" else ""), text[1:]
    if "," in text:
        whole, _comma, frac = text.partition(",")
        if "," in frac or "." in frac:
            return None
        if "." in whole and not _THOUSANDS.fullmatch(whole):
            return None
        text = f"{whole.replace('.', '')}.{frac}"
    elif _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        return None
    try:
        return Decimal(sign + text)
    except InvalidOperation:
        return None


class ComputeForm(PageForm):
    bulan = forms.CharField(
        label=_lazy("Month"), max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10",
                                      "pattern": "[0-9]{4}-[0-9]{2}"}),
        error_messages={"required": _lazy("Choose the month (YYYY-MM).")},
    )

    def clean_bulan(self) -> Month:
        month = parse_month(self.cleaned_data["bulan"])
        if month is None:
            raise forms.ValidationError(_("Give the month as YYYY-MM, for example 2026-10."),
                                        code="invalid_month")
        return month


class AdjustmentForm(PageForm):
    nip = forms.CharField(
        label=_lazy("NIP"), max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _lazy("Give the employee's NIP.")},
    )
    amount = forms.CharField(
        label=_lazy("Amount (Rp, minus for a deduction)"), max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "-50.000"}),
        error_messages={"required": _lazy("Give the amount.")},
    )
    reason = forms.CharField(
        label=_lazy("Reason"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _lazy("Give the reason for the adjustment.")},
    )

    def clean_nip(self) -> str:
        return re.sub(r"[\s.\-]", "", self.cleaned_data["nip"])

    def clean_amount(self) -> Decimal:
        value = parse_rupiah(self.cleaned_data["amount"])
        if value is None:
            raise forms.ValidationError(_("The amount is not a number."), code="invalid_amount")
        if value == 0:
            raise forms.ValidationError(_("The amount must not be zero."), code="zero_amount")
        return value

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the adjustment."),
                                        code="required")
        return reason
