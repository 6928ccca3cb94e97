"""Forms of the attendance pages. They only parse what the user typed; the rules (hours start
before they end, Ramadan dates in order, a sanction's term and level, a cancel reason) belong
to kinerja.attendance.services, whose refusals come back on the form.

Field names are a contract for tests and browser tests:
- schedule: `nama`, `pola` ("", "5", "6"), `h1_mulai`/`h1_selesai` .. `h7_*` (ISO weekday),
  `ramadan_mulai`, `ramadan_selesai`, `r1_mulai`/`r1_selesai` .. `r7_*`, `fleksibel`,
  `tempat` ("opd:<id>" or "unit:<id>", new overrides only);
- holiday: `tanggal`, `nama`, `jenis`;
- discipline: `nip`, `hukuman`, `tingkat`, `nomor_sk`, `tanggal_sk`, `bulan_mulai` (YYYY-MM),
  `lama_bulan`, `potongan_tpp`, `catatan`; cancel: `alasan`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kinerja.attendance import rules
from kinerja.attendance.models import DisciplineLevel, HolidayKind, Sanction, WorkSchedule

WEEKDAYS = [
    (1, _lazy("Monday")), (2, _lazy("Tuesday")), (3, _lazy("Wednesday")),
    (4, _lazy("Thursday")), (5, _lazy("Friday")), (6, _lazy("Saturday")), (7, _lazy("Sunday")),
]
COLUMNS = [_lazy("Start"), _lazy("End"), _lazy("Ramadan start"), _lazy("Ramadan end")]
TIME_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
PATTERNS = [
    ("", _lazy("the hours below")),
    ("5", _lazy("the standard 5-day week (Friday until 16:30)")),
    ("6", _lazy("the standard 6-day week")),
]


def _time_field() -> forms.TimeField:
    return forms.TimeField(required=False, input_formats=TIME_FORMATS,
                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


def _hours_initial(prefix: str, raw: dict[str, Any] | None) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for weekday, hours in rules.parse_hours(raw or {}).items():
        initial[f"{prefix}{weekday}_mulai"] = hours.start
        initial[f"{prefix}{weekday}_selesai"] = hours.end
    return initial


def schedule_initial(schedule: WorkSchedule) -> dict[str, Any]:
    return {
        "nama": schedule.name, "ramadan_mulai": schedule.ramadan_start,
        "ramadan_selesai": schedule.ramadan_end, "fleksibel": schedule.flexible,
        **_hours_initial("h", schedule.hours), **_hours_initial("r", schedule.ramadan_hours),
    }


class ScheduleForm(forms.Form):
    """The hours of each weekday (empty: a day off), the Ramadan dates and hours, and for an
    OPD's or unit's schedule the shift-work flag (and, when new, the place)."""

    nama = forms.CharField(label=_lazy("Name"), max_length=120, required=False)
    pola = forms.ChoiceField(label=_lazy("Use"), choices=PATTERNS, required=False,
                             widget=forms.RadioSelect)
    ramadan_mulai = forms.DateField(label=_lazy("Ramadan from"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    ramadan_selesai = forms.DateField(label=_lazy("Ramadan until"), required=False,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    fleksibel = forms.BooleanField(
        label=_lazy("Shift work (flexible): presence counts, lateness and early leave are not "
                    "measured"), required=False)
    tempat = forms.ChoiceField(label=_lazy("OPD or unit"), required=False)

    def __init__(self, *args: Any, override: bool = False,
                 places: list[tuple[Any, Any]] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for weekday, _name in WEEKDAYS:
            for prefix in ("h", "r"):
                self.fields[f"{prefix}{weekday}_mulai"] = _time_field()
                self.fields[f"{prefix}{weekday}_selesai"] = _time_field()
        self.override = override
        if not override:
            del self.fields["fleksibel"]
        if places is None:
            del self.fields["tempat"]
        else:
            place = self.fields["tempat"]
            assert isinstance(place, forms.ChoiceField)
            place.required = True
            place.choices = [("", "—"), *places]

    def week(self) -> list[tuple[int, Any, list[tuple[forms.BoundField, Any]]]]:
        """Monday..Sunday with the four time fields of each (start, end, Ramadan start, end)
        and their column names."""
        return [
            (weekday, name, [(self[f"{p}{weekday}_{e}"], label) for (p, e), label in zip(
                (("h", "mulai"), ("h", "selesai"), ("r", "mulai"), ("r", "selesai")),
                COLUMNS, strict=True)])
            for weekday, name in WEEKDAYS
        ]

    def _hours(self, prefix: str) -> dict[str, list[str]]:
        data = self.cleaned_data
        out: dict[str, list[str]] = {}
        for weekday, name in WEEKDAYS:
            start = data.get(f"{prefix}{weekday}_mulai")
            end = data.get(f"{prefix}{weekday}_selesai")
            if start is None and end is None:
                continue
            if start is None or end is None:
                self.add_error(f"{prefix}{weekday}_selesai" if start else
                               f"{prefix}{weekday}_mulai",
                               _("%(day)s: give both the start and the end, or neither.")
                               % {"day": name})
                continue
            out[str(weekday)] = [start.strftime("%H:%M"), end.strftime("%H:%M")]
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["hours"] = self._hours("h")
        data["ramadan_hours"] = self._hours("r")
        return data

    def values(self) -> dict[str, Any]:
        """What services.schedule_save takes."""
        data = self.cleaned_data
        hours = data["hours"]
        if data.get("pola") in ("5", "6"):
            hours = rules.hours_text(rules.standard_hours(int(data["pola"])))
        values: dict[str, Any] = {
            "name": (data.get("nama") or "").strip(), "hours": hours,
            "ramadan_start": data.get("ramadan_mulai"),
            "ramadan_end": data.get("ramadan_selesai"),
            "ramadan_hours": data["ramadan_hours"],
        }
        if self.override:
            values["flexible"] = bool(data.get("fleksibel"))
        return values

    def place(self) -> tuple[str, int] | None:
        """("opd" | "unit", id) of a new override."""
        raw = str(self.cleaned_data.get("tempat") or "")
        kind, _sep, pk = raw.partition(":")
        if kind in ("opd", "unit") and pk.isdigit():
            return kind, int(pk)
        return None


class HolidayForm(forms.Form):
    tanggal = forms.DateField(label=_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    nama = forms.CharField(label=_lazy("Name"), max_length=200)
    jenis = forms.ChoiceField(label=_lazy("Kind"), choices=HolidayKind.choices,
                              initial=HolidayKind.NASIONAL)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MonthField(forms.CharField):
    """YYYY-MM (a month input) -> the 1st of the month."""

    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}",
                                    "placeholder": "YYYY-MM"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = str(value or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return dt.date(year, month, 1)
        except ValueError as exc:
            raise forms.ValidationError(
                _lazy("“%(value)s” is not a month; use the form YYYY-MM."), params={"value": text}
            ) from exc


class DisciplineForm(forms.Form):
    nip = forms.CharField(label="NIP", max_length=30)
    hukuman = forms.ChoiceField(label=_lazy("Sanction"), choices=Sanction.choices)
    tingkat = forms.ChoiceField(
        label=_lazy("Level"), required=False,
        choices=[("", _lazy("the sanction's own level")), *DisciplineLevel.choices])
    nomor_sk = forms.CharField(label=_lazy("Decree number"), max_length=120)
    tanggal_sk = forms.DateField(label=_lazy("Decree date"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    bulan_mulai = MonthField(label=_lazy("First month affected"))
    lama_bulan = forms.IntegerField(
        label=_lazy("Months"), required=False, min_value=1, max_value=120,
        help_text=_lazy("Empty: the sanction's term under PP 94/2021."))
    potongan_tpp = forms.DecimalField(
        label=_lazy("TPP cut (%)"), required=False, min_value=0, max_value=100,
        max_digits=5, decimal_places=2,
        help_text=_lazy("Empty: the TPP preset's cut for the sanction."))
    catatan = forms.CharField(label=_lazy("Note"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        """What services.discipline_create takes."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "sanction": data["hukuman"], "decree_number": data["nomor_sk"].strip(),
            "decree_date": data["tanggal_sk"], "start_month": data["bulan_mulai"],
            "months": data.get("lama_bulan"), "tpp_cut_pct": data.get("potongan_tpp"),
            "note": data.get("catatan") or "",
        }
        if data.get("tingkat"):
            values["level"] = data["tingkat"]
        return values


class CancelForm(forms.Form):
    alasan = forms.CharField(label=_lazy("Reason for cancelling"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
