"""Authorization matrix rows for the evaluations API (kinerja/evaluations/api_evaluations.py
and api_objections.py).

Targets are evaluations of the pegawai (Dewi, rated by `atasan`): the pegawai, the line above
(atasan, kadis), the admin OPD of Dinkes and the instansi-wide roles see them; the outsider
(Disdik) does not (404), nor does anyone see another instansi's (404). The employee
self-assesses, submits, acknowledges and objects; the pejabat penilai (`atasan`; kadis is an
indirect supervisor and does not rate) rates and finalises; admin BKPSDM reopens; admin BKPSDM
and pimpinan calibrate; anyone else who sees the evaluation hears 403.

A row that changes state gets a fresh evaluation in the wanted state for every actor's call:
a new approved SKP of the person for a new vacant position under the same supervisor (one SKP
per person, position and year, so one evaluation per SKP and period), opened for the current
period. The objection decided is one filed by `atasan` against their own evaluation (rated by
the sekretaris), so the decider is the sekretaris' supervisor, `kadis`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from kinerja.web.tests.matrix_base import API, Row, api

_serial = itertools.count(1)
# Who rates whom in the cast, and whose RHK a fresh SKP serves.
RATER = {"pegawai": "atasan", "atasan": "sekretaris"}
POSITION = {"pegawai": "pengadministrasi", "atasan": "kasubag"}
STATES = ("draft", "assessed", "submitted", "rated", "final", "objected")


def _work(world: Any) -> Any:
    """The work cast (approved SKPs of the pegawai line), made once per test."""
    work = world.__dict__.get("_evapi_work")
    if work is None:
        from kinerja.activities.testing import work_cast

        work = work_cast(world.cast)
        world.__dict__["_evapi_work"] = work
        world._plan = work.plan
    return work


def _spec(world: Any) -> Any:
    from kinerja.evaluations.batch import period_for_month

    today = _work(world).today
    return period_for_month(world.cast.instansi.pk, today.year, today.month)


def _fresh_skp(world: Any, who: str) -> Any:
    """A new approved SKP of `who` for a new vacant position beside their own."""
    from kinerja.org.models import Jabatan
    from kinerja.plans import rules
    from kinerja.plans.models import PerilakuExpectation, Skp
    from kinerja.plans.testing import add_rhk, approve

    work, cast = _work(world), world.cast
    plan = work.plan
    base = cast.positions[POSITION[who]]
    n = next(_serial)
    jabatan = Jabatan.objects.create(
        instansi=cast.instansi, opd=base.opd, unit=base.unit, code=f"MATRIKS-EV-{n}",
        name=f"Posisi penilaian {n}", jenis=base.jenis, kelas=base.kelas,
        supervisor=base.supervisor,
    )
    jabatan.path = f"{base.supervisor.path}{jabatan.pk}/"
    jabatan.save(update_fields=["path"])
    skp = Skp.objects.create(
        instansi=cast.instansi, pegawai=cast.people[who], jabatan=jabatan, opd=base.opd,
        year=plan.year, start_date=dt.date(plan.year, 1, 1),
        end_date=dt.date(plan.year, 12, 31), form="non_jpt",
    )
    PerilakuExpectation.objects.bulk_create(
        PerilakuExpectation(instansi=cast.instansi, skp=skp, value=v) for v in rules.BERAKHLAK
    )
    add_rhk(cast, who, skp, "RHK penilaian", parent=plan.rhk[RATER[who]],
            intervention="langsung")
    approve(cast, who, skp, RATER[who])
    return skp


def fresh_evaluation(world: Any, who: str = "pegawai", state: str = "draft") -> Any:
    """A new evaluation of `who` for the current period, taken to `state` by the services."""
    from kinerja.evaluations import services
    from kinerja.evaluations.batch import ensure_evaluations, recompute
    from kinerja.evaluations.models import Evaluation

    assert state in STATES, state
    cast, spec = world.cast, _spec(world)
    skp = _fresh_skp(world, who)
    ensure_evaluations(cast.instansi.pk, spec, [skp.pk])
    evaluation = Evaluation.objects.get(skp=skp, period_kind=spec.kind, period_no=spec.number)
    recompute(cast.instansi.pk, spec, evaluation_ids=[evaluation.pk], create=False)
    evaluation.refresh_from_db()
    owner, rater = cast.accounts[who], cast.accounts[RATER[who]]
    steps = STATES.index(state)
    if steps >= 1:
        services.evaluation_self_save(actor=owner, evaluation=evaluation,
                                      self_hasil_rating="sesuai", self_perilaku_rating="sesuai")
    if steps >= 2:
        services.evaluation_self_submit(actor=owner, evaluation=evaluation)
    if steps >= 3:
        services.evaluation_rate(actor=rater, evaluation=evaluation, hasil_rating="sesuai",
                                 perilaku_rating="sesuai")
    if steps >= 4:
        services.evaluation_finalise(actor=rater, evaluation=evaluation)
    if steps >= 5:
        evaluation.objection = services.objection_file(  # type: ignore[attr-defined]
            actor=owner, evaluation=evaluation, reason="Keberatan matriks"
        )
    return evaluation


def _shared(world: Any) -> Any:
    """The pegawai's evaluation of the current period on their own SKP (for reads)."""
    found = world.__dict__.get("_evapi_shared")
    if found is None:
        from kinerja.evaluations import services

        _work(world)
        [found] = services.evaluation_start(
            actor=world.cast.pegawai, pegawai=world.cast.people["pegawai"], spec=_spec(world)
        )
        world.__dict__["_evapi_shared"] = found
    return found


def _foreign(world: Any) -> Any:
    """An evaluation (with an open objection) of another instansi."""
    from kinerja.evaluations.models import Evaluation, Objection
    from kinerja.plans.models import Skp

    found = world.__dict__.get("_evapi_foreign")
    if found is None:
        foreign = world.foreign
        today = timezone.localdate()
        position = foreign.positions["pengadministrasi"]
        skp = Skp.objects.create(
            instansi=foreign.instansi, pegawai=foreign.people["pegawai"], jabatan=position,
            opd=position.opd, year=today.year, start_date=dt.date(today.year, 1, 1),
            end_date=dt.date(today.year, 12, 31), form="non_jpt", status="disetujui",
        )
        found = Evaluation.objects.create(
            instansi=foreign.instansi, pegawai=foreign.people["pegawai"], skp=skp,
            opd=position.opd, jabatan=position, year=today.year, period_kind="bulanan",
            period_no=today.month, start_date=today.replace(day=1), end_date=today,
            status="keberatan", predikat="baik", matrix_predikat="baik",
        )
        found.objection = Objection.objects.create(  # type: ignore[attr-defined]
            instansi=foreign.instansi, evaluation=found, filed_by=foreign.people["pegawai"],
            reason="Lain", filed_at=timezone.now(), original_predikat="baik",
        )
        world.__dict__["_evapi_foreign"] = found
    return found


START_BODY: dict[str, Any] = {}
START_FOREIGN_BODY: dict[str, Any] = {}


def _fill_start(world: Any, body: dict[str, Any], pegawai_id: int) -> str:
    """The start body names a person by id, known only once the world exists: the resolver
    fills the row's body in place (the route has no placeholder)."""
    spec = _spec(world)
    body.update(pegawai_id=pegawai_id, year=spec.year, period_kind=spec.kind,
                period_no=spec.number)
    return ""


def evaluation_target(world: Any, actor: str, name: str) -> str:
    if name == "setup":
        _work(world)
        return ""
    if name == "start":
        return _fill_start(world, START_BODY, world.cast.people["pegawai"].pk)
    if name == "start_foreign":
        return _fill_start(world, START_FOREIGN_BODY, world.foreign.people["pegawai"].pk)
    if name == "shared":
        return str(_shared(world).pk)
    if name == "foreign":
        return str(_foreign(world).pk)
    return str(fresh_evaluation(world, "pegawai", name).pk)


def objection_target(world: Any, actor: str, name: str) -> str:
    if name == "foreign":
        return str(_foreign(world).objection.pk)
    if name == "pegawai":  # decided by the sekretaris (not an actor of the matrix)
        found = world.__dict__.get("_evapi_objection")
        if found is None:
            found = fresh_evaluation(world, "pegawai", "objected").objection
            world.__dict__["_evapi_objection"] = found
        return str(found.pk)
    if name == "atasan_fresh":  # decided by kadis
        return str(fresh_evaluation(world, "atasan", "objected").objection.pk)
    raise AssertionError(f"unknown objection target {name!r}")


TARGETS = {"evapi": evaluation_target, "objapi": objection_target}

EVALUATIONS = f"{API}/evaluations"
E = f"{API}/evaluations/{{evaluation_id}}"
OBJECTIONS = f"{API}/objections"
OBJ = f"{API}/objections/{{objection_id}}"
SEEN = api(200, outsider=404)
OWNER = api(403, pegawai=200, outsider=404)
RATER_ONLY = api(403, atasan=200, outsider=404)
NOBODY = api(404)
RATING = {"hasil_rating": "sesuai", "perilaku_rating": "sesuai"}
SELF = {"self_hasil_rating": "sesuai", "self_perilaku_rating": "sesuai", "self_note": "Matriks"}
CALIBRATE = {"predikat": "sangat_baik", "reason": "Kalibrasi matriks"}
DECISION = {"outcome": "ditolak", "note": "Penilaian sudah sesuai"}

ROWS = [
    # --- Evaluations ------------------------------------------------------------------------
    Row("GET", EVALUATIONS, api(200), target="evapi:setup"),
    # The employee, their pejabat penilai and admin BKPSDM open an evaluation; others who see
    # the employee hear 403.
    Row("POST", f"{EVALUATIONS}/start",
        api(403, pegawai=200, atasan=200, admin_bkpsdm=200, outsider=404),
        target="evapi:start", body=START_BODY),
    Row("POST", f"{EVALUATIONS}/start", NOBODY, target="evapi:start_foreign",
        body=START_FOREIGN_BODY),
    Row("GET", E, SEEN, target="evapi:shared"),
    Row("GET", E, NOBODY, target="evapi:foreign"),
    Row("GET", f"{E}/breakdown", SEEN, target="evapi:shared"),
    Row("GET", f"{E}/breakdown", NOBODY, target="evapi:foreign"),
    Row("PUT", f"{E}/self-assessment", OWNER, target="evapi:draft", body=SELF),
    Row("PUT", f"{E}/self-assessment", NOBODY, target="evapi:foreign", body=SELF),
    Row("POST", f"{E}/submit", OWNER, target="evapi:assessed", body={}),
    Row("POST", f"{E}/submit", NOBODY, target="evapi:foreign", body={}),
    Row("PUT", f"{E}/rating", RATER_ONLY, target="evapi:submitted", body=RATING),
    Row("PUT", f"{E}/rating", NOBODY, target="evapi:foreign", body=RATING),
    Row("POST", f"{E}/finalise", RATER_ONLY, target="evapi:rated", body={}),
    Row("POST", f"{E}/finalise", NOBODY, target="evapi:foreign", body={}),
    Row("POST", f"{E}/acknowledge", OWNER, target="evapi:final"),
    Row("POST", f"{E}/acknowledge", NOBODY, target="evapi:foreign"),
    Row("POST", f"{E}/reopen", api(403, admin_bkpsdm=200, outsider=404),
        target="evapi:final", body={"reason": "Koreksi data"}),
    Row("POST", f"{E}/reopen", NOBODY, target="evapi:foreign", body={"reason": "Koreksi"}),
    Row("POST", f"{E}/calibrate", api(403, admin_bkpsdm=200, pimpinan=200, outsider=404),
        target="evapi:final", body=CALIBRATE),
    Row("POST", f"{E}/calibrate", NOBODY, target="evapi:foreign", body=CALIBRATE),
    # --- Objections -------------------------------------------------------------------------
    Row("POST", f"{E}/objections", api(403, pegawai=201, outsider=404),
        target="evapi:final", body={"reason": "Tidak sesuai"}),
    Row("POST", f"{E}/objections", NOBODY, target="evapi:foreign",
        body={"reason": "Tidak sesuai"}),
    Row("GET", OBJECTIONS, api(200), target="evapi:setup"),
    Row("GET", OBJ, SEEN, target="objapi:pegawai"),
    Row("GET", OBJ, NOBODY, target="objapi:foreign"),
    # Only the supervisor of the pejabat penilai decides; the pegawai does not see their
    # supervisor's evaluation (404).
    Row("POST", f"{OBJ}/decision", api(403, kadis=200, pegawai=404, outsider=404),
        target="objapi:atasan_fresh", body=DECISION),
    Row("POST", f"{OBJ}/decision", NOBODY, target="objapi:foreign", body=DECISION),
]
