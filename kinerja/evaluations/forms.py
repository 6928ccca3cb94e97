"""Forms of the evaluation pages. They only parse what was typed (types, lengths, choices);
every domain rule (who may, in which status, the note a changed realisation needs, a stale
version) is checked by kinerja.evaluations.services and its refusal shown on the same form with
what was typed kept.

Each form carries the evaluation's `version` as `expected_version`: a save made from a page
someone else has changed meanwhile is refused instead of overwriting their work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _lazy

from kinerja.evaluations.models import IndicatorRealisation, Rating
from kinerja.evaluations.services import PerilakuInput, RealisationInput, RhkRatingInput
from kinerja.plans.forms import DecimalInput
from kinerja.plans.models import Rhk
from kinerja.plans.rules import BERAKHLAK

RATING_CHOICES = [("", "—"), *Rating.choices]
NOTE_MAX = 4000


def _text(label: Any, rows: int = 2, *, required: bool = False, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": rows}), **kwargs,
    )


def _rating(label: Any, *, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=RATING_CHOICES, required=required)


class EvaluationForm(forms.Form):
    """Labels without the trailing colon; the version the page was rendered from."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def version(self) -> int | None:
        value = self.cleaned_data.get("expected_version") if hasattr(self, "cleaned_data") else None
        return int(value) if value else None


class ActionForm(EvaluationForm):
    """A button: submit, finalise, acknowledge."""


class SelfAssessmentForm(EvaluationForm):
    """The employee's realisations (per indicator: a figure of their own where the one counted
    from verified logs is not right, with a note saying why; a text for qualitative
    indicators) and their own ratings of hasil and perilaku kerja."""

    self_hasil_rating = _rating(_lazy("My work results (hasil kerja)"))
    self_perilaku_rating = _rating(_lazy("My work behaviour (perilaku kerja)"))
    self_note = _text(_lazy("Note to my supervisor"), 3)

    def __init__(self, *args: Any, realisations: Sequence[IndicatorRealisation] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.realisations = list(realisations)
        for real in self.realisations:
            key = real.indicator_id
            if real.indicator.target_kind == "kualitatif":
                self.fields[f"text_{key}"] = _text(_lazy("What was achieved"), 2)
                self.initial.setdefault(f"text_{key}", real.realisation_text)
            else:
                field = DecimalInput(label=_lazy("My realisation"), required=False)
                field.widget.attrs["placeholder"] = (
                    format(real.prefilled.normalize(), "f") if real.prefilled is not None else ""
                )
                self.fields[f"real_{key}"] = field
                self.initial.setdefault(f"real_{key}", real.realisation)
            self.fields[f"note_{key}"] = _text(_lazy("Note (why it differs)"), 2)
            self.initial.setdefault(f"note_{key}", real.note)

    def realisation_inputs(self) -> list[RealisationInput]:
        data = self.cleaned_data
        return [
            RealisationInput(
                real.indicator_id,
                data.get(f"real_{real.indicator_id}"),
                data.get(f"text_{real.indicator_id}") or "",
                data.get(f"note_{real.indicator_id}") or "",
            )
            for real in self.realisations
        ]

    def fields_of(self, indicator_id: int) -> dict[str, Any]:
        """The bound fields of one indicator, for the template."""
        return {
            name: self[f"{name}_{indicator_id}"]
            for name in ("real", "text", "note")
            if f"{name}_{indicator_id}" in self.fields
        }


class RatingForm(EvaluationForm):
    """The pejabat penilai's feedback and rating per RHK and per BerAKHLAK value, and the two
    ratings that give the predikat."""

    hasil_rating = _rating(_lazy("Rating of work results (hasil kerja)"))
    perilaku_rating = _rating(_lazy("Rating of work behaviour (perilaku kerja)"))
    rater_note = _text(_lazy("Overall note to the employee"), 3)

    def __init__(self, *args: Any, rhks: Sequence[Rhk] = (),
                 values: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rhk_ids = [r.pk for r in rhks]
        self.values = list(values)
        # Labels name what they rate: a screen reader reads the label, not the heading above.
        for rhk in rhks:
            name = Truncator(rhk.text).chars(50)
            self.fields[f"rhk_{rhk.pk}_rating"] = _rating(
                format_lazy(_lazy("Rating of “{name}”"), name=name)
            )
            self.fields[f"rhk_{rhk.pk}_feedback"] = _text(
                format_lazy(_lazy("Feedback on “{name}”"), name=name), 2
            )
        for code in self.values:
            name = BERAKHLAK.get(code, code)
            self.fields[f"v_{code}_rating"] = _rating(
                format_lazy(_lazy("Rating of {name}"), name=name)
            )
            self.fields[f"v_{code}_feedback"] = _text(
                format_lazy(_lazy("Feedback on {name}"), name=name), 2
            )

    def rhk_inputs(self) -> list[RhkRatingInput]:
        data = self.cleaned_data
        return [
            RhkRatingInput(pk, data.get(f"rhk_{pk}_rating") or "",
                           data.get(f"rhk_{pk}_feedback") or "")
            for pk in self.rhk_ids
        ]

    def perilaku_inputs(self) -> list[PerilakuInput]:
        data = self.cleaned_data
        return [
            PerilakuInput(code, data.get(f"v_{code}_rating") or "",
                          data.get(f"v_{code}_feedback") or "")
            for code in self.values
        ]

    def rhk_fields(self, pk: int) -> tuple[Any, Any]:
        return self[f"rhk_{pk}_rating"], self[f"rhk_{pk}_feedback"]

    def value_fields(self, code: str) -> tuple[Any, Any]:
        return self[f"v_{code}_rating"], self[f"v_{code}_feedback"]


class ObjectionForm(EvaluationForm):
    reason = _text(
        _lazy("What do you object to, and why?"), 4, required=True,
        error_messages={"required": _lazy("Say what you object to and why.")},
    )


class ReopenForm(EvaluationForm):
    reason = _text(
        _lazy("Reason for reopening"), 3, required=True,
        error_messages={"required": _lazy("Give the reason for reopening.")},
    )


class StartForm(forms.Form):
    """Open an evaluation: whose (the account's own person when left out) and which period."""

    pegawai = forms.IntegerField(required=False, min_value=1)
    periode = forms.CharField(required=False, max_length=30)
