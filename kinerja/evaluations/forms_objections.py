"""The form of deciding an objection (keberatan). It only parses what the decider chose; the
rules (who decides, a reason is given, an upheld objection sets both ratings, the objection is
still open) are kinerja.evaluations.services.objection_decide's, whose refusal comes back on
the form.

The field names and values are a contract (a browser test posts them): radio `outcome`
(`dikabulkan` / `ditolak`), textarea `note`, selects `hasil_rating` and `perilaku_rating`
(`di_atas` / `sesuai` / `di_bawah`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from kinerja.evaluations.models import ObjectionStatus, Rating

NOTE_MAX = 5000
OUTCOMES = [
    (ObjectionStatus.UPHELD.value, _lazy("Uphold: set the ratings that stand")),
    (ObjectionStatus.REJECTED.value, _lazy("Reject: the evaluation stays as it is")),
]
RATING_CHOICES: list[tuple[str, Any]] = [("", "—"), *Rating.choices]


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_lazy("Decision"),
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": _lazy("Uphold or reject the objection.")},
    )
    note = forms.CharField(
        label=_lazy("Reasons for the decision"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("The employee and the supervisor read this."),
        error_messages={"required": _lazy("Give the reasons for the decision.")},
    )
    hasil_rating = forms.ChoiceField(
        label=_lazy("Work results (hasil kerja)"), choices=RATING_CHOICES, required=False
    )
    perilaku_rating = forms.ChoiceField(
        label=_lazy("Work behaviour (perilaku kerja)"), choices=RATING_CHOICES, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    @property
    def upheld(self) -> bool:
        return bool(self.cleaned_data.get("outcome") == ObjectionStatus.UPHELD)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ObjectionStatus.UPHELD:
            for name in ("hasil_rating", "perilaku_rating"):
                if not data.get(name):
                    self.add_error(
                        name, _lazy("An upheld objection sets this rating.")
                    )
        return data
