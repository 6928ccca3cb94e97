"""Forms of the SKP pages. They only parse what the user typed (types, lengths, choices); every
domain rule (who may, which link, what a target needs) is checked by kinerja.plans.services, and
its refusal is shown on the same form with what the user typed kept."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.plans import rules
from kinerja.plans.models import (
    Aspek,
    Intervention,
    LampiranKind,
    Perspektif,
    RhkKind,
    SkpStatus,
    TargetKind,
)
from kinerja.plans.selectors import LinkChoices


class PageForm(forms.Form):
    """Labels without the trailing colon (the layout sets labels apart), and the SKP version
    the page was rendered from, so a stale form is refused instead of overwriting."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DecimalInput(forms.CharField):
    """A number as people type it on a phone: "12", "12,5" or "12.5" (Indonesian writes the
    decimal comma); thousands separators are not accepted, so "1.000" is one, not a thousand."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").strip().replace(" ", "")
        if not text:
            return None
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(_("Enter a number, e.g. 12 or 12,5.")) from exc
        if not number.is_finite() or abs(number) >= Decimal("1e16"):
            raise ValidationError(_("Enter a number, e.g. 12 or 12,5."))
        return number.quantize(Decimal("0.01"))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return value


def link_value(rhk: Any) -> str:
    """The link select's value for an RHK: "rhk:<id>", "iku:<id>" or ""."""
    if rhk.parent_id:
        return f"rhk:{rhk.parent_id}"
    if rhk.iku_id:
        return f"iku:{rhk.iku_id}"
    return ""


class RhkForm(PageForm):
    kind = forms.ChoiceField(label=_lazy("Kind"), choices=RhkKind.choices, initial=RhkKind.UTAMA)
    text = forms.CharField(
        label=_lazy("Rencana Hasil Kerja (RHK)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("The result you plan to deliver this year."),
    )
    link = forms.ChoiceField(
        label=_lazy("Serves"),
        required=False,
        help_text=_lazy("The RHK of your pejabat penilai (or the IKU) this RHK supports."),
    )
    intervention = forms.ChoiceField(
        label=_lazy("Intervention"),
        required=False,
        choices=[("", "—")] + list(Intervention.choices),
    )
    perspektif = forms.ChoiceField(
        label=_lazy("Perspektif"),
        required=False,
        choices=[("", "—")] + list(Perspektif.choices),
    )

    def __init__(self, *args: Any, choices: LinkChoices, is_jpt: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options: list[tuple[str, Any]] = [("", _("— not linked —"))]
        if choices.parent_rhk:
            owner = choices.supervisor.full_name if choices.supervisor else ""
            options.append(
                (
                    _("RHK of %(name)s") % {"name": owner},
                    [(f"rhk:{r.pk}", r.text[:120]) for r in choices.parent_rhk],
                )
            )
        if choices.iku:
            options.append(
                ("IKU", [(f"iku:{i.pk}", f"{i.code} {i.indicator[:110]}") for i in choices.iku])
            )
        current = self.initial.get("link") or (self.data.get("link") if self.is_bound else "")
        known = {value for _group, items in options[1:] for value, _label in items}
        if current and current not in known:
            # A link to an RHK that is no longer offered (the supervisor opened a revision):
            # keep it visible so saving other changes does not silently drop it.
            options.append((_("Current link"), [(current, _("(no longer offered)"))]))
        link = self.fields["link"]
        assert isinstance(link, forms.ChoiceField)
        link.choices = options
        if not is_jpt:
            del self.fields["perspektif"]

    def clean_link(self) -> tuple[str, int] | None:
        value = self.cleaned_data.get("link") or ""
        if not value:
            return None
        kind, _sep, pk = value.partition(":")
        if kind not in ("rhk", "iku") or not pk.isdigit():
            raise ValidationError(_("Choose from the list."))
        return kind, int(pk)


class IndicatorForm(PageForm):
    aspek = forms.ChoiceField(label=_lazy("Aspek"), choices=Aspek.choices, initial=Aspek.KUANTITAS)
    text = forms.CharField(
        label=_lazy("Indicator (IKI)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_kind = forms.ChoiceField(
        label=_lazy("Target kind"),
        choices=TargetKind.choices,
        initial=TargetKind.NUMERIC,
        widget=forms.RadioSelect,
    )
    target_min = DecimalInput(
        label=_lazy("Target"),
        required=False,
        help_text=_lazy("A number; for a range, its lower end."),
    )
    target_max = DecimalInput(
        label=_lazy("Upper end of the range"),
        required=False,
        help_text=_lazy("Only for a range."),
    )
    unit = forms.CharField(
        label=_lazy("Unit"),
        required=False,
        max_length=60,
        help_text=_lazy("e.g. dokumen, laporan, persen."),
    )
    target_text = forms.CharField(
        label=_lazy("Qualitative target"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_lazy("Only for a qualitative target: describe the expected result."),
    )


class LampiranForm(PageForm):
    kind = forms.ChoiceField(label=_lazy("Kind"), choices=LampiranKind.choices)
    text = forms.CharField(
        label=_lazy("Item"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class PerilakuForm(PageForm):
    """One expectation per BerAKHLAK value (ekspektasi khusus pimpinan)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for value, name in rules.BERAKHLAK.items():
            self.fields[f"value_{value}"] = forms.CharField(
                label=name,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def expectations(self) -> dict[str, str]:
        return {value: self.cleaned_data.get(f"value_{value}", "") for value in rules.BERAKHLAK}


class ReturnForm(PageForm):
    note = forms.CharField(
        label=_lazy("What should the employee change?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviseForm(PageForm):
    reason = forms.CharField(
        label=_lazy("Reason for the revision (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ActionForm(PageForm):
    """A workflow button that carries nothing but the version (submit, approve, delete)."""


class SkpFilterForm(forms.Form):
    year = forms.IntegerField(
        label=_lazy("Year"), required=False, min_value=2000, max_value=2100
    )
    status = forms.ChoiceField(
        label=_lazy("Status"),
        required=False,
        choices=[("", _lazy("All"))] + list(SkpStatus.choices),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
