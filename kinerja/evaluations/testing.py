"""Evaluation fixtures for tests: the work cast (kinerja.activities.testing) with two verified
logs of the pegawai this month, and the pegawai's evaluation of the current period opened."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kinerja.activities import services as activity_services
from kinerja.activities.testing import WorkCast, log, work_cast
from kinerja.evaluations import services
from kinerja.evaluations.batch import PeriodSpec, period_for_month
from kinerja.evaluations.models import Evaluation
from kinerja.testing import Cast


@dataclass
class EvalCast:
    work: WorkCast
    spec: PeriodSpec
    evaluation: Evaluation


def verified_log(cast: Cast, work: WorkCast, who: str = "pegawai", *,
                 date: dt.date | None = None, **extra: object) -> None:
    activity = log(cast, who, work, date=date, **extra)
    activity_services.activity_submit(actor=cast.accounts[who], activity=activity)
    activity_services.activity_verify(actor=cast.atasan, activity=activity)


def eval_cast(cast: Cast) -> EvalCast:
    work = work_cast(cast)
    verified_log(cast, work, start=(8, 0), end=(9, 0))
    verified_log(cast, work, start=(9, 0), end=(10, 30))
    spec = period_for_month(cast.instansi.pk, work.today.year, work.today.month)
    [evaluation] = services.evaluation_start(
        actor=cast.pegawai, pegawai=cast.people["pegawai"], spec=spec
    )
    return EvalCast(work, spec, evaluation)


def rate(cast: Cast, evaluation: Evaluation, hasil: str = "sesuai", perilaku: str = "sesuai",
         who: str = "atasan") -> Evaluation:
    return services.evaluation_rate(
        actor=cast.accounts[who], evaluation=evaluation, hasil_rating=hasil,
        perilaku_rating=perilaku,
    )


def self_assess(cast: Cast, evaluation: Evaluation) -> Evaluation:
    services.evaluation_self_save(
        actor=cast.pegawai, evaluation=evaluation, self_hasil_rating="sesuai",
        self_perilaku_rating="sesuai",
    )
    return services.evaluation_self_submit(actor=cast.pegawai, evaluation=evaluation)


def finalised(cast: Cast, evaluation: Evaluation, hasil: str = "sesuai",
              perilaku: str = "sesuai") -> Evaluation:
    self_assess(cast, evaluation)
    rate(cast, evaluation, hasil, perilaku)
    return services.evaluation_finalise(actor=cast.atasan, evaluation=evaluation)
