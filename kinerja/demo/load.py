"""Writing a demo plan to the database, fast enough for 100k employees.

Ids are allocated up front (PostgreSQL: `nextval` of the table's identity sequence; SQLite: past
the current maximum, under the write lock the IMMEDIATE transaction already holds), so the
materialised paths of units ("/<root id>/<child id>/") and positions (the supervisor line) are
computed in Python and every table is written with one `bulk_create` stream, never an UPDATE per
row.

Audit: the load is one write by the system, recorded as ONE `demo.load` record carrying the counts,
the seed and the log-in table, not one record per created row. A per-row trail of 100k employees,
100k accounts and their history would be several hundred thousand records of data nobody entered,
make the load several times slower, and bury the real trail; the record says exactly which
generator, seed and size produced the rows, which is what an auditor needs to reproduce them.

Passwords: every demo account shares one demo password; it is hashed once and the hash string is
reused (argon2 takes ~50 ms a hash: 100k hashes would take over an hour).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models.deletion import ProtectedError, get_candidate_relations_to_delete
from django.utils import timezone

from kinerja.core.audit import audit_record
from kinerja.core.models import Instansi
from kinerja.core.roles import Role
from kinerja.demo.activities import ActivitiesPlan, build_activities
from kinerja.demo.plan import DemoPlan, build_plan
from kinerja.demo.plans import PlansPlan, build_plans
from kinerja.org.models import Jabatan, Opd, UnitKerja
from kinerja.org.rules import HoldingKind
from kinerja.people.access import in_force_q
from kinerja.people.models import Account, Pegawai, PositionAssignment, RoleGrant

DEFAULT_CODE = "lembah-hijau"
DEFAULT_NAME = "Pemerintah Kabupaten Lembah Hijau"
DEFAULT_TIME_ZONE = "Asia/Makassar"
DEMO_PASSWORD = "kinerja-demo"
BATCH = 5000
ROLE_ORDER = (
    "pegawai",
    "atasan",
    "admin_opd",
    "admin_bkpsdm",
    "pimpinan",
    "auditor",
    "plt",
    "plh",
    "pegawai_tanpa_skp",
)
ROLE_LABELS = {
    "pegawai": "Pegawai",
    "atasan": "Atasan",
    "admin_opd": "Admin OPD",
    "admin_bkpsdm": "Admin BKPSDM",
    "pimpinan": "Pimpinan",
    "auditor": "Auditor",
    "plt": "Plt (acting, vacant post)",
    "plh": "Plh (acting, holder on leave)",
    "pegawai_tanpa_skp": "Pegawai, no SKP yet (start from last year)",
}


class DemoExists(Exception):
    """The instansi already holds data; the caller decides (--if-empty, --reset)."""


@dataclass
class LoadResult:
    instansi: Instansi
    counts: dict[str, int]
    seconds: float
    timings: dict[str, float]


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, reserved before the rows are written."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cur.fetchall()]
        # SQLite: the IMMEDIATE transaction holds the write lock, so nobody else inserts
        # between this read and our insert; AUTOINCREMENT moves its counter past explicit ids.
        cur.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = int(cur.fetchone()[0]) + 1
    return list(range(start, start + count))


def _bulk(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i : i + BATCH], batch_size=BATCH)


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Insert plain tuples (values in `fields` order, by attname) without building model
    instances: COPY on PostgreSQL (~220k rows/s here, against ~33k/s for bulk_create),
    executemany on SQLite. Columns not given take their field default (auto_now fields: now);
    an auto primary key not given is left to the database."""
    meta = model._meta
    now = timezone.now()
    position = {name: i for i, name in enumerate(fields)}
    columns: list[str] = []
    plan: list[tuple[int | None, Any, models.Field[Any, Any]]] = []
    for f in meta.concrete_fields:
        if f.attname in position:
            plan.append((position[f.attname], None, f))
        elif f.primary_key:
            continue
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            plan.append((None, now, f))
        else:  # the declared default, "" for text fields, else None
            plan.append((None, f.get_default(), f))
        columns.append(f'"{f.column}"')
    unknown = set(fields) - {f.attname for f in meta.concrete_fields}
    if unknown:
        raise ValueError(f"{meta.label} has no fields {sorted(unknown)}")
    table = f'"{meta.db_table}"'
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cur.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row([row[i] if i is not None else const for i, const, _f in plan])
        else:
            sql = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})"
            )
            for start in range(0, len(rows), BATCH):
                cur.executemany(
                    sql,
                    [
                        [
                            f.get_db_prep_save(row[i] if i is not None else const, connection)
                            for i, const, f in plan
                        ]
                        for row in rows[start : start + BATCH]
                    ],
                )
    return len(rows)


def _timed(timings: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = fn()
    timings[name] = round(time.perf_counter() - start, 2)
    return result


def instansi_name(code: str) -> str:
    return DEFAULT_NAME if code == DEFAULT_CODE else f"{DEFAULT_NAME} ({code})"


def has_data(instansi: Instansi) -> bool:
    return (
        Opd.objects.filter(instansi=instansi).exists()
        or Pegawai.objects.filter(instansi=instansi).exists()
    )


def _delete(model: type[models.Model], **lookup: Any) -> int:
    """DELETE the matching rows in one statement after dealing with what points at them.

    `QuerySet.delete()` loads every row as an instance to run its collector: 26 s for 100k
    accounts here. The reverse relations are handled the same way the collector would, but
    set-based (CASCADE: delete the referring rows; SET_NULL: null them; PROTECT/RESTRICT:
    refuse if any exist), then the rows go in one `_raw_delete`. There are no delete signals in
    this project."""
    qs = model._base_manager.filter(**lookup)
    for rel in get_candidate_relations_to_delete(model._meta):
        field = rel.field
        referring = rel.related_model._base_manager.filter(**{f"{field.name}__in": qs})
        on_delete = field.remote_field.on_delete
        if on_delete is models.CASCADE:
            referring.delete()
        elif on_delete is models.SET_NULL:
            referring.update(**{field.name: None})
        elif on_delete in (models.PROTECT, models.RESTRICT):
            if referring.exists():
                raise ProtectedError(
                    f"{rel.related_model._meta.label} rows still refer to "
                    f"{model._meta.label}; delete them first",
                    set(referring[:5]),
                )
        elif on_delete is not models.DO_NOTHING:
            return qs.delete()[0]  # SET_DEFAULT / SET(...): let the collector do it
    return qs._raw_delete(qs.db)


def reset_instansi(instansi: Instansi) -> dict[str, int]:
    """Remove the org and people of an instansi, keeping the instansi and its audit trail.

    The audit trail is append-only (a trigger refuses DELETE on PostgreSQL), so the instansi row
    it points to stays; the next `demo.load` record follows the old ones in the same chain.
    Rows of other apps that PROTECT an employee or a position (SKPs, logs...) stop the reset
    with a ProtectedError: the transaction rolls back and nothing is lost."""
    from kinerja.demo.activities_load import reset_activities
    from kinerja.demo.attendance import reset_attendance
    from kinerja.demo.evaluations import reset_evaluations
    from kinerja.demo.plans_load import reset_plans  # it imports this module's helpers

    deleted: dict[str, int] = reset_attendance(instansi)  # TPP lines PROTECT people, OPDs
    deleted.update(reset_evaluations(instansi))  # evaluations point at SKPs, people
    deleted.update(reset_activities(instansi))  # logs point at RHKs and people
    deleted.update(reset_plans(instansi))  # plans and periods point at people and org
    deleted["role_grants"] = _delete(RoleGrant, instansi=instansi)
    deleted["accounts"] = _delete(Account, instansi=instansi)
    deleted["assignments"] = _delete(PositionAssignment, instansi=instansi)
    deleted["pegawai"] = _delete(Pegawai, instansi=instansi)
    # PROTECT self-references: unhook the trees first, then one DELETE each.
    Jabatan.objects.filter(instansi=instansi).update(supervisor=None)
    deleted["jabatan"] = _delete(Jabatan, instansi=instansi)
    UnitKerja.objects.filter(instansi=instansi).update(parent=None)
    deleted["units"] = _delete(UnitKerja, instansi=instansi)
    deleted["opds"] = _delete(Opd, instansi=instansi)
    return deleted


def _write(
    plan: DemoPlan,
    instansi: Instansi,
    timings: dict[str, float],
    plans: PlansPlan | None = None,
    work: ActivitiesPlan | None = None,
) -> dict[str, int]:
    opd_ids = allocate_ids(Opd, len(plan.opds))
    unit_ids = allocate_ids(UnitKerja, len(plan.units))
    position_ids = allocate_ids(Jabatan, len(plan.positions))
    person_ids = allocate_ids(Pegawai, len(plan.people))
    account_ids = allocate_ids(Account, len(plan.people))

    opds = [
        Opd(id=opd_ids[o.idx], instansi=instansi, code=o.code, name=o.name, short_name=o.short)
        for o in plan.opds
    ]
    _timed(timings, "opd", lambda: _bulk(Opd, opds))

    unit_paths: list[str] = []
    units = []
    for u in plan.units:  # parents come before their children in the plan
        parent_path = unit_paths[u.parent] if u.parent is not None else "/"
        path = f"{parent_path}{unit_ids[u.idx]}/"
        unit_paths.append(path)
        units.append(
            UnitKerja(
                id=unit_ids[u.idx],
                instansi=instansi,
                opd_id=opd_ids[u.opd],
                parent_id=unit_ids[u.parent] if u.parent is not None else None,
                code=u.code,
                name=u.name,
                path=path,
                depth=path.count("/") - 2,
            )
        )
    _timed(timings, "units", lambda: _bulk(UnitKerja, units))

    position_paths: list[str] = []
    positions = []
    for p in plan.positions:  # supervisors come before their reports in the plan
        parent_path = position_paths[p.supervisor] if p.supervisor is not None else "/"
        path = f"{parent_path}{position_ids[p.idx]}/"
        position_paths.append(path)
        positions.append(
            Jabatan(
                id=position_ids[p.idx],
                instansi=instansi,
                opd_id=opd_ids[p.opd],
                unit_id=unit_ids[p.unit],
                code=p.code,
                name=p.name,
                jenis=p.jenis,
                jenjang=p.jenjang,
                kelas=p.kelas,
                supervisor_id=position_ids[p.supervisor] if p.supervisor is not None else None,
                path=path,
            )
        )
    _timed(timings, "positions", lambda: _bulk(Jabatan, positions))

    people = [
        (
            person_ids[p.idx],
            instansi.pk,
            p.nip,
            p.name,
            p.gelar_depan,
            p.gelar_belakang,
            p.asn_type,
            p.golongan,
            p.status,
            p.gender,
            p.birth_date,
            p.tmt_cpns,
        )
        for p in plan.people
    ]
    _timed(
        timings,
        "pegawai",
        lambda: insert_rows(
            Pegawai,
            (
                "id",
                "instansi_id",
                "nip",
                "name",
                "gelar_depan",
                "gelar_belakang",
                "asn_type",
                "golongan",
                "status",
                "gender",
                "birth_date",
                "tmt_cpns",
            ),
            people,
        ),
    )

    assignments = [
        (
            instansi.pk,
            person_ids[a.person],
            position_ids[a.position],
            a.kind,
            a.movement,
            a.start,
            a.end,
            a.sk_number,
        )
        for a in plan.assignments
    ]
    _timed(
        timings,
        "assignments",
        lambda: insert_rows(
            PositionAssignment,
            (
                "instansi_id",
                "pegawai_id",
                "jabatan_id",
                "kind",
                "movement",
                "start_date",
                "end_date",
                "sk_number",
            ),
            assignments,
        ),
    )

    password = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo account
    staff = set(plan.featured.get("admin_bkpsdm", []))
    accounts = [
        (
            account_ids[p.idx],
            p.nip,
            instansi.pk,
            person_ids[p.idx],
            p.full_name,
            password,
            p.idx in staff,
            p.status != "pensiun",
        )
        for p in plan.people
    ]
    _timed(
        timings,
        "accounts",
        lambda: insert_rows(
            Account,
            (
                "id",
                "username",
                "instansi_id",
                "pegawai_id",
                "display_name",
                "password",
                "is_staff",
                "is_active",
            ),
            accounts,
        ),
    )

    grants = []
    for person in plan.featured.get("admin_bkpsdm", []):
        grants.append(
            RoleGrant(account_id=account_ids[person], instansi=instansi, role=Role.ADMIN_BKPSDM)
        )
    admin_opd_positions = ["DINKES-SEK-SB1-K", "DISDIK-SEK-SB1-K"]
    for person, code in zip(plan.featured.get("admin_opd", []), admin_opd_positions, strict=False):
        opd = plan.positions[plan.position_by_code(code).idx].opd
        grants.append(
            RoleGrant(
                account_id=account_ids[person],
                instansi=instansi,
                role=Role.ADMIN_OPD,
                opd_id=opd_ids[opd],
            )
        )
    for role, key in ((Role.PIMPINAN, "pimpinan"), (Role.AUDITOR, "auditor")):
        for person in plan.featured.get(key, []):
            grants.append(RoleGrant(account_id=account_ids[person], instansi=instansi, role=role))
    RoleGrant.objects.bulk_create(grants)
    plan_counts: dict[str, int] = {}
    if plans is not None:  # after the people: SKPs point at them, their positions and OPDs
        from kinerja.demo.plans_load import write_plans

        plan_counts = write_plans(
            plans,
            plan,
            instansi,
            opd_ids=opd_ids,
            position_ids=position_ids,
            person_ids=person_ids,
            timings=timings,
        )
    if plans is not None and work is not None:  # after the plans: logs serve their RHKs
        from kinerja.demo.activities_load import write_activities

        plan_counts.update(
            write_activities(work, plans, plan, instansi, person_ids=person_ids, timings=timings)
        )
    return {
        "opd": len(opds),
        "units": len(units),
        "positions": len(positions),
        "pegawai": len(people),
        "assignments": len(assignments),
        "accounts": len(accounts),
        "role_grants": len(grants),
        **plan_counts,
    }


def load_demo(
    *,
    code: str = DEFAULT_CODE,
    employees: int = 300,
    seed: int = 1,
    today: dt.date,
    reset: bool = False,
    daily_work: bool = True,
) -> LoadResult:
    """Build the demo Pemda (or a benchmark-sized one) in one transaction; `daily_work=False`
    leaves out the activity logs and assignments."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with transaction.atomic():
        result = _load(
            code=code, employees=employees, seed=seed, today=today, reset=reset, timings=timings,
            daily_work=daily_work,
        )
        commit_started = time.perf_counter()
    timings["commit"] = round(time.perf_counter() - commit_started, 2)
    return LoadResult(result[0], result[1], round(time.perf_counter() - started, 2), timings)


def _load(
    *, code: str, employees: int, seed: int, today: dt.date, reset: bool, timings: dict[str, float],
    daily_work: bool = True,
) -> tuple[Instansi, dict[str, int]]:
    """The body of load_demo, inside its transaction."""
    instansi, created = Instansi.objects.get_or_create(
        code=code,
        defaults={
            "name": instansi_name(code),
            "kind": Instansi.Kind.KABUPATEN,
            "time_zone": DEFAULT_TIME_ZONE,
        },
    )
    deleted: dict[str, int] = {}
    if not created and has_data(instansi):
        if not reset:
            raise DemoExists(code)
        deleted = _timed(timings, "reset", lambda: reset_instansi(instansi))
    sekda_jenis = "jpt_madya" if instansi.kind == Instansi.Kind.PROVINSI else "jpt_pratama"
    taken = _timed(
        timings, "taken_nips", lambda: set(Pegawai.objects.values_list("nip", flat=True))
    )
    plan = _timed(
        timings,
        "plan",
        lambda: build_plan(
            employees=employees, seed=seed, today=today, sekda_jenis=sekda_jenis, taken_nips=taken
        ),
    )
    plans = _timed(timings, "plans_plan", lambda: build_plans(plan, seed=seed))
    plan.featured.update(plans.featured)  # the log-in without an SKP yet
    work = (
        _timed(timings, "work_plan", lambda: build_activities(plan, plans, seed=seed))
        if daily_work
        else None
    )
    counts = _timed(timings, "write", lambda: _write(plan, instansi, timings, plans, work))
    logins = {
        role: [plan.people[i].nip for i in plan.featured.get(role, [])] for role in ROLE_ORDER
    }
    from kinerja.demo.twofactor import enrol_demo_accounts

    two_factor = enrol_demo_accounts(logins)  # the roles that require 2FA, with the demo key
    if work is not None:  # after the daily work: evaluations count its verified logs
        from kinerja.demo.evaluations import write_evaluations

        counts.update(
            _timed(
                timings,
                "evaluations",
                lambda: write_evaluations(
                    instansi, today=today, seed=seed, logins=logins, timings=timings
                ),
            )
        )
    # Last: the TPP's kinerja part follows the evaluations' predikat.
    from kinerja.demo.attendance import write_attendance

    counts.update(
        _timed(
            timings,
            "attendance",
            lambda: write_attendance(
                instansi, today=today, seed=seed, logins=logins, timings=timings,
                daily_work=work is not None,
            ),
        )
    )
    audit_record(
        actor=None,
        instansi=instansi,
        action="demo.load",
        obj=instansi,
        context={
            "generator": "kinerja.demo",
            "seed": seed,
            "employees": employees,
            "today": today.isoformat(),
            "counts": counts,
            "reset": deleted,
            "logins": logins,
            "two_factor": two_factor,
            "situations": plan.situations,
        },
    )
    return instansi, counts


@dataclass(frozen=True)
class LoginRow:
    role: str
    nip: str
    name: str
    position: str
    opd: str


def demo_logins(instansi: Instansi, on: dt.date) -> list[LoginRow]:
    """The log-in table, read back from the last `demo.load` record and the live data (so it is
    right after `--if-empty` too). Three queries."""
    from kinerja.core.models import AuditRecord

    record = (
        AuditRecord.objects.filter(instansi=instansi, action="demo.load").order_by("-seq").first()
    )
    if record is None:
        return []
    logins: dict[str, list[str]] = record.context.get("logins", {})
    nips = [nip for role in ROLE_ORDER for nip in logins.get(role, [])]
    people = {p.nip: p for p in Pegawai.objects.filter(nip__in=nips)}
    held = (
        PositionAssignment.objects.filter(in_force_q(on), pegawai__nip__in=nips)
        .select_related("pegawai", "jabatan", "jabatan__opd")
        .order_by("start_date")
    )
    definitive: dict[str, tuple[str, str]] = {}
    acting: dict[str, list[str]] = {}
    for a in held:
        nip = a.pegawai.nip
        if a.kind == HoldingKind.DEFINITIF:
            definitive[nip] = (a.jabatan.name, a.jabatan.opd.short_name)  # newest TMT wins
        else:
            acting.setdefault(nip, []).append(f"{a.kind.capitalize()} {a.jabatan.name}")
    position = {
        nip: (
            "; ".join([definitive.get(nip, ("", ""))[0], *acting.get(nip, [])]).strip("; "),
            definitive.get(nip, ("", ""))[1],
        )
        for nip in nips
    }
    rows = []
    for role in ROLE_ORDER:
        for nip in logins.get(role, []):
            person = people.get(nip)
            if person is None:
                continue
            pos, opd = position.get(nip, ("", ""))
            rows.append(LoginRow(ROLE_LABELS[role], nip, person.full_name, pos, opd))
    return rows
