"""Reads of TPP shaped for pages, lists, documents and the API, each with a bounded number of
queries, and who may read what:

- admin BKPSDM, pimpinan and auditors (the instansi's readers) read every line;
- admin OPD reads the lines of their OPD(s);
- everyone reads their own line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from kinerja.allowances.batch import LINE_FIELDS, Month, what_if
from kinerja.allowances.models import (
    TppAdjustment,
    TppLine,
    TppMonth,
    TppPreset,
    TppPresetVersion,
)
from kinerja.core.errors import NotFound
from kinerja.org.models import Opd
from kinerja.people.access import scope_for
from kinerja.people.models import Account

ZERO = Decimal(0)


def may_manage(account: Account) -> bool:
    scope = scope_for(account)
    return scope.instansi_id is not None and scope.writes_whole_instansi


def reads_all(account: Account) -> bool:
    scope = scope_for(account)
    return scope.instansi_id is not None and scope.reads_whole_instansi


def readable_opd_ids(account: Account) -> frozenset[int] | None:
    """None: every OPD of the instansi; else the OPDs whose lists the account reads (admin
    OPD), possibly none."""
    scope = scope_for(account)
    if scope.reads_whole_instansi:
        return None
    return scope.admin_opd_ids


def months_visible_to(account: Account) -> QuerySet[TppMonth]:
    scope = scope_for(account)
    if scope.instansi_id is None:
        return TppMonth.objects.none()
    return TppMonth.objects.filter(instansi_id=scope.instansi_id).select_related("version__preset")


def get_month_for(account: Account, period: str | Month) -> TppMonth:
    month = period if isinstance(period, Month) else _parse(period)
    found = months_visible_to(account).filter(period=month.first).first()
    if found is None:
        raise NotFound("not_found", _("No TPP for this month."))
    return found


def _parse(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise NotFound("not_found", _("No TPP for this month.")) from None


def lines_visible_to(account: Account, tpp_month: TppMonth) -> QuerySet[TppLine]:
    scope = scope_for(account)
    lines = TppLine.objects.filter(month=tpp_month)
    if scope.instansi_id != tpp_month.instansi_id and not scope.is_superuser:
        return lines.none()
    if scope.reads_whole_instansi:
        return lines
    q = Q(pk__in=[])
    if scope.admin_opd_ids:
        q |= Q(opd_id__in=scope.admin_opd_ids)
    if scope.pegawai_id is not None:
        q |= Q(pegawai_id=scope.pegawai_id)
    return lines.filter(q)


def get_line_for(account: Account, tpp_month: TppMonth, pegawai_id: int) -> TppLine:
    found = (lines_visible_to(account, tpp_month).filter(pegawai_id=pegawai_id)
             .select_related("pegawai", "opd", "month__version__preset").first())
    if found is None:
        raise NotFound("not_found", _("Not found."))
    return found


def own_lines(account: Account) -> QuerySet[TppLine]:
    """The account's own TPP, newest month first."""
    scope = scope_for(account)
    if scope.pegawai_id is None:
        return TppLine.objects.none()
    return (TppLine.objects.filter(pegawai_id=scope.pegawai_id)
            .select_related("month").order_by("-month__period"))


@dataclass
class OpdTotal:
    opd_id: int | None
    name: str
    people: int
    ceiling: Decimal
    gross: Decimal
    deductions: Decimal
    bpjs_employee: Decimal
    pph21: Decimal
    net: Decimal
    adjustments: Decimal = ZERO

    @property
    def paid(self) -> Decimal:
        return self.net + self.adjustments


def opd_totals(account: Account, tpp_month: TppMonth) -> list[OpdTotal]:
    """Totals per OPD the account reads (one GROUP BY, one for the adjustments, one for the
    names)."""
    lines = lines_visible_to(account, tpp_month)
    rows = (lines.order_by().values("opd_id").annotate(
        people=Count("id"), ceiling=Sum("ceiling"), gross=Sum("gross"),
        deductions=Sum("deductions"), bpjs_employee=Sum("bpjs_employee"),
        pph21=Sum("pph21"), net=Sum("net")))
    adjust_by_opd = _adjustments_by_opd(tpp_month, lines)
    names = dict(Opd.objects.filter(pk__in=[r["opd_id"] for r in rows]).values_list("pk", "name"))
    out = [OpdTotal(r["opd_id"], names.get(r["opd_id"], "-"), r["people"], r["ceiling"] or ZERO,
                    r["gross"] or ZERO, r["deductions"] or ZERO, r["bpjs_employee"] or ZERO,
                    r["pph21"] or ZERO, r["net"] or ZERO, adjust_by_opd.get(r["opd_id"], ZERO))
           for r in rows]
    return sorted(out, key=lambda t: t.name)


def _adjustments_by_opd(tpp_month: TppMonth,
                        lines: QuerySet[TppLine]) -> dict[int | None, Decimal]:
    opd_of = dict(lines.values_list("pegawai_id", "opd_id"))
    out: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for pid, amount in TppAdjustment.objects.filter(month=tpp_month,
                                                    pegawai_id__in=list(opd_of)).values_list(
            "pegawai_id", "amount"):
        out[opd_of[pid]] += amount
    return dict(out)


@dataclass
class NominativeRow:
    no: int
    line: TppLine
    adjustments: Decimal

    @property
    def paid(self) -> Decimal:
        return self.line.net + self.adjustments


@dataclass
class Nominative:
    month: TppMonth
    opd: Opd | None
    rows: list[NominativeRow]
    totals: dict[str, Decimal] = field(default_factory=dict)


def nominative(account: Account, tpp_month: TppMonth, opd_id: int | None = None) -> Nominative:
    """The daftar nominatif: every line the account reads (of one OPD, or all), ordered by
    OPD, kelas (high first) and name, with adjustments; three queries."""
    lines = lines_visible_to(account, tpp_month)
    opd = None
    if opd_id is not None:
        opd = Opd.objects.filter(pk=opd_id, instansi_id=tpp_month.instansi_id).first()
        if opd is None:
            raise NotFound("not_found", _("Not found."))
        lines = lines.filter(opd_id=opd_id)
    # The explanation JSON (lines, inputs) is not shown on a list: not loaded.
    ordered = list(lines.select_related("pegawai", "opd").defer("lines", "inputs").order_by(
        "opd__name", "-kelas", "pegawai__name"))
    adjust: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for pid, amount in TppAdjustment.objects.filter(
            month=tpp_month, pegawai_id__in=[x.pegawai_id for x in ordered]).values_list(
            "pegawai_id", "amount"):
        adjust[pid] += amount
    rows = [NominativeRow(i, line, adjust.get(line.pegawai_id, ZERO))
            for i, line in enumerate(ordered, start=1)]
    totals = {name: sum((getattr(r.line, name) for r in rows), ZERO)
              for name in ("ceiling", "payable", "deductions", "gross", "bpjs_employee",
                           "bpjs_employer", "pph21", "net")}
    totals["adjustments"] = sum((r.adjustments for r in rows), ZERO)
    totals["paid"] = totals["net"] + totals["adjustments"]
    return Nominative(tpp_month, opd, rows, totals)


@dataclass
class Explanation:
    line: TppLine
    month: TppMonth
    version: TppPresetVersion | None
    adjustments: list[TppAdjustment]
    sources: Mapping[str, str]

    @property
    def paid(self) -> Decimal:
        return self.line.net + sum((a.amount for a in self.adjustments), ZERO)


def explanation(account: Account, tpp_month: TppMonth, pegawai_id: int) -> Explanation:
    """One person's TPP with every line, the preset version and its sources, adjustments."""
    line = get_line_for(account, tpp_month, pegawai_id)
    version = tpp_month.version
    adjustments = list(TppAdjustment.objects.filter(month=tpp_month, pegawai_id=pegawai_id)
                       .select_related("created_by").order_by("created_at"))
    sources = (version.params.get("sources") or {}) if version else {}
    return Explanation(line, tpp_month, version, adjustments, sources)


def presets_of(account: Account) -> QuerySet[TppPreset]:
    scope = scope_for(account)
    if scope.instansi_id is None:
        return TppPreset.objects.none()
    return TppPreset.objects.filter(instansi_id=scope.instansi_id).prefetch_related("versions")


def get_preset_for(account: Account, pk: int) -> TppPreset:
    found = presets_of(account).filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("Not found."))
    return found


# --- What-if --------------------------------------------------------------------------------------


@dataclass
class PersonDiff:
    pegawai_id: int
    opd_id: int | None
    before: Decimal
    after: Decimal

    @property
    def diff(self) -> Decimal:
        return self.after - self.before


@dataclass
class WhatIf:
    month: TppMonth
    people: list[PersonDiff]
    by_opd: list[dict[str, Any]]
    total_before: Decimal
    total_after: Decimal

    @property
    def total_diff(self) -> Decimal:
        return self.total_after - self.total_before


def what_if_compare(account: Account, tpp_month: TppMonth, params: Mapping[str, Any],
                    today: dt.date | None = None) -> WhatIf:
    """The month's stored results against the same month computed with `params`, per person
    and per OPD. Nothing is written (rules.PresetError for parameters that do not parse)."""
    month = Month(tpp_month.period.year, tpp_month.period.month)
    # What-if runs on the inputs as they are now, up to the end of the month computed.
    after = what_if(tpp_month.instansi_id, month, params, today=today)
    net_at = LINE_FIELDS.index("net")
    opd_at = LINE_FIELDS.index("opd_id")
    visible = lines_visible_to(account, tpp_month)
    before = {pid: (opd_id, net) for pid, opd_id, net in visible.values_list(
        "pegawai_id", "opd_id", "net")}
    people = []
    for pid in sorted(set(before) | (set(after) if reads_all(account) else set(before))):
        old = before.get(pid)
        new = after.get(pid)
        opd_id = old[0] if old else (new[opd_at] if new else None)
        people.append(PersonDiff(pid, opd_id, old[1] if old else ZERO,
                                 new[net_at] if new else ZERO))
    names = dict(Opd.objects.filter(instansi_id=tpp_month.instansi_id).values_list("pk", "name"))
    grouped: dict[int | None, list[PersonDiff]] = defaultdict(list)
    for p in people:
        grouped[p.opd_id].append(p)
    by_opd = sorted(({"opd_id": k, "name": names.get(k, "-") if k else "-",
                      "people": len(v), "before": sum((p.before for p in v), ZERO),
                      "after": sum((p.after for p in v), ZERO),
                      "diff": sum((p.diff for p in v), ZERO)} for k, v in grouped.items()),
                    key=lambda d: str(d["name"]))
    return WhatIf(tpp_month, people, by_opd, sum((p.before for p in people), ZERO),
                  sum((p.after for p in people), ZERO))
