"""Forms of the feedback page: a feedback note (umpan balik) from a supervisor, a note from a
colleague on a BerAKHLAK value (where the instansi enables peer feedback), a performance
dialogue, and the filter by team member. They only parse what the user typed; who may write
about whom, dates and values are checked by kinerja.evaluations.services (feedback_note_add,
dialogue_record), whose refusal comes back on the same form.

The person is a plain number (`pegawai`) offered as a list of the people the page proposes;
the view finds the person and the service decides whether the account may write about them, so
a typed id of anyone else is refused the same way whether or not it exists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _lazy

from kinerja.people.models import Pegawai
from kinerja.plans.models import Rhk
from kinerja.plans.rules import BERAKHLAK

TEXT_MAX = 5000
# The hidden `jenis` field tells the page which of its forms came back (to show its errors).
KIND_SUPERVISOR = "atasan"
KIND_PEER = "rekan"


def value_choices(blank: Any) -> list[tuple[str, Any]]:
    return [("", blank), *((code, f"{code} · {name}") for code, name in BERAKHLAK.items())]


def person_choices(people: list[Pegawai], blank: Any) -> list[tuple[Any, str]]:
    return [("", blank), *((p.pk, p.full_name) for p in people)]


def rhk_label(rhk: Rhk) -> str:
    return rhk.text


class PageForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def set_people(self, people: list[Pegawai]) -> None:
        """The people the page offers in the `pegawai` list (any number still validates)."""
        widget = self.fields["pegawai"].widget
        assert isinstance(widget, forms.Select)
        widget.choices = person_choices(people, _lazy("— choose —"))


class PersonField(forms.IntegerField):
    widget = forms.Select

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"required": _lazy("Choose the employee.")})
        super().__init__(min_value=1, **kwargs)


class FeedbackNoteForm(PageForm):
    """A supervisor's note; with `peer`, a colleague's note on one BerAKHLAK value."""

    jenis = forms.CharField(widget=forms.HiddenInput, required=False)
    pegawai = PersonField(label=_lazy("Employee"))
    text = forms.CharField(
        label=_lazy("Feedback"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _lazy("Write the feedback.")},
    )
    rhk = forms.ModelChoiceField(
        label=_lazy("About the RHK"),
        queryset=Rhk.objects.none(),
        required=False,
        empty_label=_lazy("— none —"),
    )
    value = forms.ChoiceField(
        label=_lazy("About the BerAKHLAK value"),
        choices=value_choices(_lazy("— none —")),
        required=False,
    )
    date = forms.DateField(
        label=_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_lazy("Today when left empty."),
    )

    def __init__(
        self,
        *args: Any,
        people: list[Pegawai],
        rhk: QuerySet[Rhk] | None = None,
        peer: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.peer = peer
        self.fields["jenis"].initial = KIND_PEER if peer else KIND_SUPERVISOR
        self.set_people(people)
        rhk_field = self.fields["rhk"]
        assert isinstance(rhk_field, forms.ModelChoiceField)
        if peer or rhk is None:
            del self.fields["rhk"]
        else:
            rhk_field.queryset = rhk
            rhk_field.label_from_instance = rhk_label  # type: ignore[method-assign,assignment]
        if peer:
            value = self.fields["value"]
            assert isinstance(value, forms.ChoiceField)
            value.required = True
            value.choices = value_choices(_lazy("— choose —"))
            value.label = _lazy("BerAKHLAK value")
            value.error_messages["required"] = _lazy(
                "Colleagues give feedback on a work behaviour value only."
            )


class DialogueForm(PageForm):
    pegawai = PersonField(label=_lazy("Employee"))
    date = forms.DateField(
        label=_lazy("Held on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    topics = forms.CharField(
        label=_lazy("Topics discussed"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _lazy("Write the topics discussed.")},
    )
    follow_ups = forms.CharField(
        label=_lazy("Agreed follow-ups"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, people: list[Pegawai], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_people(people)


class MemberFilterForm(PageForm):
    pegawai = forms.TypedChoiceField(
        label=_lazy("Team member"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, people: list[Pegawai], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pegawai"].choices = person_choices(  # type: ignore[attr-defined]
            people, _lazy("Everyone")
        )
