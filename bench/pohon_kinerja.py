"""pohon_kinerja: the pohon kinerja of one OPD on PostgreSQL against one bare SELECT.

Uses DATABASE_URL if set (it must be PostgreSQL), else recreates the throwaway database
kinerja_bench_tree on postgres://postgres@127.0.0.1:5432. Migrates, then bulk-creates one OPD of
N people (default 1,000) in four levels: the head (JPT pratama), administrators (N/100),
pengawas (N/10) and staff (pelaksana, the rest), each with an SKP of the year (9 in 10 approved,
the rest drafts) and 3 RHKs. The head's RHKs hang from the 3 IKUs of the OPD's Perjanjian
Kinerja; every other RHK serves one of its supervisor's RHKs (round robin), except the third RHK
of every 20th staff member, left unlinked (an orphan). Then measures, median of 5 runs each:
  ours      goal_tree(opd, year) plus rendering the panel of /pohon-kinerja/
            (plans/_tree_panel.html, every node), in nodes/s;
  baseline  one cursor.execute of the SELECT that fetches the same rows (rhk id, parent, iku,
            SKP status, jabatan jenis, pegawai name) in the same order, building nothing, rows/s.
Also prints goal_tree's query count (CaptureQueriesContext) and the split build/render.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import statistics
import sys
import time
from decimal import Decimal
from typing import Any

from bench import Benchmark

NAME = "pohon_kinerja"
DEFAULT_ROWS = 1_000
RUNS = 5
RHK_PER_PERSON = 3
ADMIN_URL = "postgres://postgres@127.0.0.1:5432"
BENCH_DB = "kinerja_bench_tree"
YEAR = 2031


def prepare_database(db_name: str, name: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise SystemExit(f"{name} needs PostgreSQL; DATABASE_URL is {url}")
        return url
    import psycopg

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {db_name}")
    url = f"{ADMIN_URL}/{db_name}"
    os.environ["DATABASE_URL"] = url
    return url


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")
    # A throwaway key: the benchmark signs nothing. DEBUG stays off (no query log in memory).
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DEBUG"] = "false"
    import django

    django.setup()


def build_opd(size: int, year: int) -> Any:
    """One OPD of `size` people in four levels, 3 RHKs each, with bulk inserts."""
    from kinerja.core.models import Instansi
    from kinerja.org.models import Jabatan, JenisJabatan, Opd
    from kinerja.people.models import Pegawai
    from kinerja.plans.models import (
        Iku,
        PerjanjianKinerja,
        Rhk,
        SasaranStrategis,
        Skp,
        SkpStatus,
    )

    instansi = Instansi.objects.create(code="kab-bench-tree", name="Pemerintah Kabupaten Pohon")
    opd = Opd.objects.create(instansi=instansi, code="POHON", name="Dinas Pohon")
    pk = PerjanjianKinerja.objects.create(instansi=instansi, opd=opd, year=year)
    ikus = []
    for s in range(2):
        sasaran = SasaranStrategis.objects.create(instansi=instansi, perjanjian=pk,
                                                  code=f"SS{s + 1}", text=f"Sasaran {s + 1}",
                                                  order=s)
        for i in range(2 if s == 0 else 1):
            ikus.append(Iku.objects.create(
                instansi=instansi, sasaran=sasaran, code=f"IKU{len(ikus) + 1}",
                indicator=f"Indikator kinerja utama {len(ikus) + 1}", unit="persen",
                annual_target=Decimal(90), order=i))
    seq = [0]

    def level(jenis: str, parents: list[tuple[Any, list[Any]]], count: int
              ) -> list[tuple[Any, list[Any]]]:
        """`count` people under `parents` (jabatan, its RHKs), round robin; returns theirs."""
        slots = [parents[i % len(parents)] for i in range(count)]
        start = seq[0]
        jabatan = Jabatan.objects.bulk_create(
            Jabatan(instansi=instansi, opd=opd, code=f"J{start + i}", name=f"{jenis} {start + i}",
                    jenis=jenis, supervisor=p[0]) for i, p in enumerate(slots))
        people = Pegawai.objects.bulk_create(
            Pegawai(instansi=instansi, nip=f"19800101{start + i:010d}",
                    name=f"Pegawai {start + i:06d}", gender="L", birth_date=dt.date(1980, 1, 1))
            for i in range(count))
        seq[0] += count
        skps = Skp.objects.bulk_create(
            Skp(instansi=instansi, pegawai=person, jabatan=j, opd=opd, year=year,
                start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31), form="non_jpt",
                status=SkpStatus.DRAFT if (start + n) % 10 == 9 else SkpStatus.APPROVED)
            for n, (person, j) in enumerate(zip(people, jabatan, strict=True)))
        rhks = []
        for n, (skp, p) in enumerate(zip(skps, slots, strict=True)):
            for k in range(RHK_PER_PERSON):
                orphan = (jenis == JenisJabatan.PELAKSANA and k == 2 and (start + n) % 20 == 0)
                if p[1] is None:
                    links = {"iku": ikus[k % len(ikus)]}
                elif orphan:
                    links = {}
                else:
                    links = {"parent": p[1][(n + k) % len(p[1])]}
                rhks.append(Rhk(instansi=instansi, skp=skp, text=f"RHK {k + 1} SKP {skp.pk}",
                                order=k + 1, **links))
        rhks = Rhk.objects.bulk_create(rhks, batch_size=5000)
        return [(j, rhks[i * RHK_PER_PERSON:(i + 1) * RHK_PER_PERSON])
                for i, j in enumerate(jabatan)]

    remaining = size
    head = level(JenisJabatan.JPT_PRATAMA, [(None, None)], 1)
    remaining -= 1
    admins = level(JenisJabatan.ADMINISTRATOR, head, min(max(1, size // 100), remaining))
    remaining -= len(admins)
    if remaining > 0:
        pengawas = level(JenisJabatan.PENGAWAS, admins, min(max(1, size // 10), remaining))
        remaining -= len(pengawas)
        if remaining > 0:
            level(JenisJabatan.PELAKSANA, pengawas, remaining)
    return opd


def _baseline_sql() -> str:
    from kinerja.org.models import Jabatan
    from kinerja.people.models import Pegawai
    from kinerja.plans.models import Rhk, Skp

    r, s = Rhk._meta.db_table, Skp._meta.db_table
    j, p = Jabatan._meta.db_table, Pegawai._meta.db_table
    return (f"SELECT r.id, r.parent_id, r.iku_id, s.status, j.jenis, p.name FROM {r} r "
            f"JOIN {s} s ON s.id = r.skp_id JOIN {j} j ON j.id = s.jabatan_id "
            f"JOIN {p} p ON p.id = s.pegawai_id WHERE s.opd_id = %s AND s.year = %s "
            f"ORDER BY p.name, r.skp_id, r.kind, r.\"order\", r.id")


def _profile(opd: Any) -> None:
    """One goal_tree + render under cProfile: own time by function, grouped by layer."""
    import cProfile
    import pstats

    from django.template.loader import render_to_string

    from kinerja.plans.goals.tree import goal_tree

    profile = cProfile.Profile()
    profile.enable()
    tree = goal_tree(opd, YEAR)
    profile.disable()
    render = cProfile.Profile()
    render.enable()
    render_to_string("plans/_tree_panel.html", {"tree": tree})
    render.disable()
    for label, prof in [("goal_tree", profile), ("render", render)]:
        stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
        layers: dict[str, float] = {}
        for (filename, _, _), (_, _, tottime, _, _) in stats.items():
            layer = next((name for key, name in LAYERS if key in filename), "other")
            layers[layer] = layers.get(layer, 0.0) + tottime
        total = sum(layers.values())
        parts = sorted(layers.items(), key=lambda item: -item[1])
        print(f"profile of {label} (cProfile, own time by layer, {total * 1000:.0f} ms "
              f"profiled): " + ", ".join(f"{k} {v / total:.0%}" for k, v in parts))


def _what_if(opd: Any) -> None:
    """What the tree's RHK query costs with tuples instead of 4 model instances per row (the
    columns the tree and its templates use): a bound for a leaner goal_tree."""
    from kinerja.plans.models import Rhk

    qs = (Rhk.objects.filter(skp__opd=opd, skp__year=YEAR)
          .order_by("skp__pegawai__name", "skp_id", "kind", "order", "pk"))
    times = {}
    for label, build in [
        ("select_related (as goal_tree)",
         lambda: list(qs.select_related("skp", "skp__pegawai", "skp__jabatan"))),
        ("the same with .only() the columns the tree and templates use",
         lambda: list(qs.select_related("skp", "skp__pegawai", "skp__jabatan").only(
             "id", "skp_id", "parent_id", "iku_id", "kind", "text", "order", "skp__status",
             "skp__pegawai_id", "skp__jabatan_id", "skp__jabatan__jenis", "skp__jabatan__name",
             "skp__pegawai__name"))),
        ("values_list of the 9 columns used",
         lambda: list(qs.values_list("id", "parent_id", "iku_id", "kind", "text", "skp__status",
                                     "skp__jabatan__jenis", "skp__jabatan__name",
                                     "skp__pegawai__name"))),
    ]:
        runs = []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            build()
            runs.append(time.perf_counter() - t0)
        times[label] = statistics.median(runs)
    print("what-if, the RHK query alone, median of 5: " + "; ".join(
        f"{label} {t * 1000:.0f} ms" for label, t in times.items()))


LAYERS = [
    ("psycopg", "psycopg (fetch, decode)"),
    ("django/db/models", "Django ORM (SQL, model instances)"),
    ("django/db/backends", "Django DB backend"),
    ("django/template", "Django templates"),
    ("django/utils", "Django utils (escaping, translation, dates)"),
    ("kinerja/", "kinerja (tree build)"),
]


def run(rows: int | None) -> None:
    size = rows or DEFAULT_ROWS
    url = prepare_database(BENCH_DB, NAME)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from kinerja.plans.goals.tree import goal_tree

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    print(f"database: PostgreSQL {pg_version} at {url.rsplit('@', 1)[-1]}")
    print(f"machine: {os.cpu_count()} cpus, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}")
    start = time.perf_counter()
    opd = build_opd(size, YEAR)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"data: {size} people, {size * RHK_PER_PERSON} RHK, built in "
          f"{time.perf_counter() - start:.1f} s")

    with CaptureQueriesContext(connection) as queries:
        tree = goal_tree(opd, YEAR)
    html = render_to_string("plans/_tree_panel.html", {"tree": tree})
    nodes = tree.node_count
    assert nodes == size * RHK_PER_PERSON - len(tree.orphans) + len(tree.roots), (
        nodes, len(tree.orphans))
    print(f"tree: {nodes} nodes ({len(tree.roots)} IKU), {len(tree.orphans)} orphans, "
          f"coverage {tree.coverage_percent}%, {len(queries)} queries in goal_tree, "
          f"panel HTML {len(html) / 1e6:.2f} MB")

    builds, renders, totals = [], [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        tree = goal_tree(opd, YEAR)
        t1 = time.perf_counter()
        render_to_string("plans/_tree_panel.html", {"tree": tree})
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        renders.append(t2 - t1)
        totals.append(t2 - t0)
    total = statistics.median(totals)
    ours = nodes / total
    print(f"ours: goal_tree + panel render, median of {RUNS}: {total * 1000:.0f} ms "
          f"(goal_tree {statistics.median(builds) * 1000:.0f} ms, render "
          f"{statistics.median(renders) * 1000:.0f} ms) = {ours:.0f} nodes/s; "
          f"runs {', '.join(f'{t * 1000:.0f}' for t in totals)} ms")

    _profile(opd)
    _what_if(opd)
    sql = _baseline_sql()
    times, count = [], 0
    with connection.cursor() as cursor:
        for _ in range(RUNS):
            t0 = time.perf_counter()
            cursor.execute(sql, [opd.pk, YEAR])
            count = len(cursor.fetchall())
            times.append(time.perf_counter() - t0)
    assert count == size * RHK_PER_PERSON, count
    bare = statistics.median(times)
    baseline = count / bare
    print(f"baseline: one SELECT of {count} rows (fetchall, no objects), median of {RUNS}: "
          f"{bare * 1000:.1f} ms = {baseline:.0f} rows/s")
    print(f"wall: {size} people, goal_tree + render {total:.3f} s")
    # One node per row (plus the IKUs): the units differ in name only.
    print(f"bench: {NAME} ours={ours:.0f} nodes/s baseline={baseline:.0f} rows/s "
          f"ratio={ours / baseline:.3f}")


BENCHMARK = Benchmark(NAME, "pohon kinerja of one OPD (goal_tree + render) vs one bare SELECT",
                      run)
