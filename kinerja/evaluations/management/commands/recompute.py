"""`kinerja recompute --period YYYY-MM|YYYY [--instansi CODE]`: recompute the evaluations of a
period for an instansi (kinerja.evaluations.batch.recompute): creates the missing ones for every
approved SKP, re-derives targets, pre-filled realisations, capaian, nilai, scores and matrix
predikat, leaves finalised evaluations alone.

`--period 2025-03` is the periodic evaluation holding March 2025 (the month, or Triwulan I
where the instansi evaluates quarterly); `--period 2025` is the annual evaluation. Without
`--instansi` the only instansi is used. The run is recorded like one started on the settings
page (a RecomputeRun, with no account: the audit trail shows the system). Running it again
changes nothing unless the data changed, so cron may run it nightly and a retry after a
failure is safe. A run killed midway (SIGKILL, a power cut) changed nothing (its writes are
one transaction) and blocks nothing: the next run finds its lock gone (kinerja.core.runlock),
marks the abandoned run failed and recomputes (docs/reliability.md).
"""

from __future__ import annotations

import re
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kinerja.core.models import Instansi
from kinerja.evaluations import batch
from kinerja.evaluations.models import PeriodKind, RecomputeRun, RunStatus

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
YEAR = re.compile(r"^(\d{4})$")


def instansi_of(code: str | None) -> Instansi:
    if code:
        found = Instansi.objects.filter(code=code).first()
        if found is None:
            known = ", ".join(Instansi.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"no instansi with code {code!r} (known: {known or 'none'})")
        return found
    every = list(Instansi.objects.order_by("code")[:2])
    if not every:
        raise CommandError("there is no instansi yet")
    if len(every) > 1:
        codes = ", ".join(Instansi.objects.order_by("code").values_list("code", flat=True))
        raise CommandError(f"several instansi ({codes}): choose one with --instansi CODE")
    return every[0]


def period_of(instansi_id: int, text: str) -> batch.PeriodSpec:
    text = text.strip()
    if found := MONTH.match(text):
        year, month = int(found[1]), int(found[2])
        if not 1 <= month <= 12:
            raise CommandError(f"--period {text}: the month must be 01 to 12")
        return batch.period_for_month(instansi_id, year, month)
    if found := YEAR.match(text):
        return batch.period_spec(int(found[1]), PeriodKind.ANNUAL, 0)
    raise CommandError(
        f"--period {text!r}: give YYYY-MM (the evaluation holding that month, e.g. 2025-03) "
        "or YYYY (the annual evaluation, e.g. 2025)"
    )


class Command(BaseCommand):
    help = (
        "Recompute a period's evaluations (scores, pre-filled realisations) for an instansi: "
        "--period YYYY-MM (the monthly or quarterly evaluation holding that month) or YYYY "
        "(the annual one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="YYYY-MM or YYYY")
        parser.add_argument("--instansi", help="the instansi's code (default: the only one)")

    def handle(self, *args: Any, **options: Any) -> None:
        instansi = instansi_of(options["instansi"])
        spec = period_of(instansi.pk, options["period"])
        # A live recompute of the instansi holds the lock; a run row left 'running' by a killed
        # process does not (the lock died with it), so the rerun goes ahead and closes it.
        lock = batch.recompute_lock(instansi.pk)
        if lock is None:
            raise CommandError(f"a recompute of {instansi.code} is already running; wait for it "
                               "to finish")
        with lock:
            self.recompute(instansi, spec, options)

    def recompute(self, instansi: Instansi, spec: batch.PeriodSpec,
                  options: dict[str, Any]) -> None:
        abandoned = batch.close_abandoned_runs(instansi.pk)
        if abandoned:
            self.stderr.write(f"{abandoned} earlier run(s) of {instansi.code} had been abandoned "
                              "(their process ended before finishing); marked failed")
        run = RecomputeRun.objects.create(
            instansi=instansi, year=spec.year, period_kind=spec.kind, period_no=spec.number,
            started_by=None,
        )
        verbose = options["verbosity"] >= 2
        started = time.perf_counter()

        def progress(phase: str, done: int, total: int) -> None:
            RecomputeRun.objects.filter(pk=run.pk).update(phase=phase, done=done, total=total)
            if verbose:
                self.stdout.write(f"  {time.perf_counter() - started:7.2f} s  {phase} "
                                  f"{done}/{total}")

        try:
            result = batch.recompute(instansi.pk, spec, progress=progress, actor=None)
        except Exception as exc:
            RecomputeRun.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
            raise CommandError(f"recompute of {spec.label} failed, nothing was changed: "
                               f"{exc}") from exc
        seconds = time.perf_counter() - started
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE, phase="done", total=result.evaluations,
            done=result.evaluations, created=result.created, updated=result.updated,
            unchanged=result.unchanged, finished_at=timezone.now(),
        )
        self.stdout.write(
            f"recompute {instansi.code} {spec.label} ({spec.kind}): "
            f"evaluations={result.evaluations} created={result.created} "
            f"updated={result.updated} realisations_written={result.realisations_written} "
            f"unchanged={result.unchanged} locked_skipped={result.skipped_locked} "
            f"seconds={seconds:.2f}"
        )
