"""Forms and small helpers of the calibration, settings and recompute pages: the period in the
query string (`?periode=2026-bulanan-10`, `2026-triwulan-3`, `2026-tahunan-0`), its label, the
curve findings said in words, and the forms those pages post."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from kinerja.core import rules as period_rules
from kinerja.evaluations import rules
from kinerja.evaluations.batch import PeriodSpec, frequency_of, period_spec
from kinerja.evaluations.models import OrgPredikatChoice, PeriodKind, Predikat
from kinerja.evaluations.selectors import latest_periods
from kinerja.web.views import PageForm

YEARS = range(2000, 2101)

# --- The period in the query string -------------------------------------------------------


def period_key(spec: PeriodSpec) -> str:
    """`2026-bulanan-10`, `2026-triwulan-3`, `2026-tahunan-0`."""
    return f"{spec.year}-{spec.kind}-{spec.number}"


def parse_period(raw: str) -> PeriodSpec | None:
    """The period a key names, or None when it names none."""
    parts = raw.strip().split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    year, kind, number = int(parts[0]), parts[1], int(parts[2])
    if year not in YEARS:
        return None
    if kind == PeriodKind.ANNUAL and number == 0:
        return period_spec(year, kind, 0)
    if (kind == PeriodKind.MONTHLY and 1 <= number <= 12) or (
        kind == PeriodKind.QUARTERLY and 1 <= number <= 4
    ):
        return period_spec(year, kind, number)
    return None


def period_label(spec: PeriodSpec) -> str:
    if spec.kind == PeriodKind.ANNUAL:
        return _("Year %(year)s (annual)") % {"year": spec.year}
    if spec.kind == PeriodKind.QUARTERLY:
        return _("Quarter %(roman)s %(year)s") % {
            "roman": period_rules.ROMAN[spec.number - 1], "year": spec.year,
        }
    return date_format(dt.date(spec.year, spec.number, 1), "F Y")


def period_choices(instansi_id: int, today: dt.date) -> list[PeriodSpec]:
    """The periods offered in the pickers (selectors.latest_periods), by the instansi's
    evaluation frequency of this year (one query)."""
    return latest_periods(instansi_id, today, frequency_of(instansi_id, today.year))


def default_period(periods: Sequence[PeriodSpec], today: dt.date) -> PeriodSpec:
    """The latest periodic period that has ended (calibration happens after a period closes);
    else the newest periodic one; else the first offered."""
    periodic = [s for s in periods if not s.is_annual]
    ended = [s for s in periodic if s.end < today]
    if ended:
        return max(ended, key=lambda s: s.end)
    return periodic[0] if periodic else periods[0]


@dataclass(frozen=True)
class PeriodOption:
    key: str
    label: str
    selected: bool


def period_options(periods: Iterable[PeriodSpec], selected: PeriodSpec) -> list[PeriodOption]:
    """The picker's options, with the selected period added when it is not among them."""
    specs = list(periods)
    if selected not in specs:
        specs.insert(0, selected)
    return [PeriodOption(period_key(s), period_label(s), s == selected) for s in specs]


# --- Labels and the curve in words --------------------------------------------------------


def predikat_label(code: str) -> str:
    return str(Predikat(code).label) if code in Predikat.values else code


def org_predikat_label(code: str) -> str:
    return str(OrgPredikatChoice(code).label) if code in OrgPredikatChoice.values else code


def group_label(group: Iterable[str]) -> str:
    """Predikat of a curve bound, in the order of the scale: "Needs improvement or Poor"."""
    labels = [predikat_label(p) for p in rules.PREDIKAT if p in set(group)]
    if len(labels) < 2:
        return labels[0] if labels else ""
    return _("%(first)s or %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def finding_text(finding: rules.CurveFinding, total: int) -> str:
    """One departure from the curve in words, e.g. "Very good: 8 of 10, the curve allows at
    most 7"."""
    values = {"group": group_label(finding.predikat), "actual": finding.actual,
              "total": total, "allowed": finding.allowed}
    if finding.code == "too_many":
        return _("%(group)s: %(actual)s of %(total)s, the curve allows at most %(allowed)s") % (
            values
        )
    if finding.code == "too_few":
        return _("%(group)s: %(actual)s of %(total)s, the curve requires at least "
                 "%(allowed)s") % values
    if finding.code == "missing":
        return _("%(group)s: none of %(total)s, the curve requires at least one") % values
    if finding.code == "forbidden":
        return _("%(group)s: %(actual)s of %(total)s, the curve allows none") % values
    if finding.code == "not_most":
        return _("%(group)s: %(actual)s of %(total)s, most employees (at least %(allowed)s) "
                 "are expected to have it") % values
    return f"{finding.code}: {values['group']}"


@dataclass(frozen=True)
class FindingView:
    level: str  # error | warning
    text: str


def finding_views(findings: Sequence[rules.CurveFinding], total: int) -> list[FindingView]:
    """Errors first; a unit under rules.SMALL_UNIT people gets its hard findings as warnings,
    which the text says."""
    small = 0 < total < rules.SMALL_UNIT
    views = []
    for f in sorted(findings, key=lambda f: f.level != "error"):
        text = finding_text(f, total)
        if small and f.code != "not_most":
            text += " " + ngettext(
                "(a warning only: fewer than %(n)s person is rated)",
                "(a warning only: fewer than %(n)s people are rated)",
                rules.SMALL_UNIT,
            ) % {"n": rules.SMALL_UNIT}
        views.append(FindingView(f.level, text))
    return views


@dataclass(frozen=True)
class CurveLine:
    """One bar of the curve drawn for an OPD: the actual count of a predikat (or a group of
    them, where the curve bounds a group) against the range the curve allows."""

    label: str
    actual: int
    low: int
    high: int
    total: int
    outside: bool

    def _pct(self, n: int) -> int:
        return round(100 * n / self.total) if self.total else 0

    @property
    def actual_pct(self) -> int:
        return self._pct(self.actual)

    @property
    def low_pct(self) -> int:
        return self._pct(self.low)

    @property
    def range_pct(self) -> int:
        return self._pct(self.high) - self._pct(self.low)

    @property
    def allowed_text(self) -> str:
        if self.high == 0:
            return _("none allowed")
        if self.low and self.high < self.total:
            return _("%(low)s to %(high)s") % {"low": self.low, "high": self.high}
        if self.low:
            return _("at least %(n)s") % {"n": self.low}
        if self.high < self.total:
            return _("at most %(n)s") % {"n": self.high}
        return _("any number")


def curve_lines(org_predikat: str | None, counts: Mapping[str, int]) -> list[CurveLine]:
    """The bars of an OPD's curve: each predikat, then each group the curve bounds together.
    Without an organisation predikat every count is allowed (no curve applies yet)."""
    total = sum(counts.get(p, 0) for p in rules.PREDIKAT)
    bounds: dict[tuple[str, ...], list[int]] = {(p,): [0, total] for p in rules.PREDIKAT}
    if org_predikat in rules.CURVE:
        rule = rules.CURVE[org_predikat]
        limits = rules.curve_limits(rule, total)
        for group, allowed in limits["max"]:
            bounds.setdefault(tuple(group), [0, total])[1] = min(allowed, total)
        for group, required in limits["min"]:
            bounds.setdefault(tuple(group), [0, total])[0] = required
        for must in rule.must_exist:
            bound = bounds.setdefault(tuple(sorted(must)), [0, total])
            bound[0] = max(bound[0], 1 if total else 0)
        for p in rule.forbidden:
            bounds[(p,)][1] = 0
    lines = []
    order = {p: i for i, p in enumerate(rules.PREDIKAT)}
    for group in sorted(bounds, key=lambda g: (len(g) > 1, [order.get(p, 9) for p in g])):
        low, high = bounds[group]
        actual = sum(counts.get(p, 0) for p in group)
        lines.append(CurveLine(group_label(group), actual, low, high, total,
                               bool(total) and not low <= actual <= high))
    return lines


# --- Forms ----------------------------------------------------------------------------------


class PeriodField(forms.CharField):
    """A period key posted back by a form (hidden); cleaned to a PeriodSpec."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> Any:
        raw = super().to_python(value)
        if not raw:
            return None
        spec = parse_period(raw)
        if spec is None:
            raise forms.ValidationError(_("Unknown period."), code="invalid_period")
        return spec


class OrgPredikatForm(PageForm):
    predikat = forms.ChoiceField(
        label=_lazy("Organisation predikat"), choices=OrgPredikatChoice.choices
    )
    note = forms.CharField(
        label=_lazy("Note (basis, e.g. the action plans or PK achievement)"), required=False,
        max_length=2000, widget=forms.TextInput(),
    )
    periode = PeriodField()
    kembali = forms.CharField(required=False, max_length=10, widget=forms.HiddenInput)


class CalibrateForm(PageForm):
    predikat = forms.ChoiceField(label=_lazy("Predikat"), choices=Predikat.choices)
    reason = forms.CharField(
        label=_lazy("Reason"), max_length=2000, widget=forms.TextInput(attrs={"required": True}),
        error_messages={"required": _lazy("Give the reason for the change.")},
    )
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class EvaluationSettingsForm(PageForm):
    objection_days = forms.IntegerField(
        label=_lazy("Days to file an objection"), min_value=1, max_value=60,
        help_text=_lazy("Calendar days after the evaluation is finalised (1 to 60)."),
    )
    peer_feedback = forms.BooleanField(
        label=_lazy("Colleagues may give feedback on work behaviour"), required=False
    )
    score_method = forms.ChoiceField(label=_lazy("Score method"))

    def __init__(self, *args: Any, methods: Iterable[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score_method"].choices = list(methods)  # type: ignore[attr-defined]


class RecomputeForm(PageForm):
    periode = forms.ChoiceField(label=_lazy("Period"))

    def __init__(self, *args: Any, periods: Iterable[PeriodSpec], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["periode"].choices = [  # type: ignore[attr-defined]
            (period_key(s), period_label(s)) for s in periods
        ]
