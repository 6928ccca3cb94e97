"""pohon_kinerja: the pohon kinerja of one OPD on PostgreSQL against one bare SELECT.

Uses DATABASE_URL if set (it must be PostgreSQL), else recreates the throwaway database
kinerja_bench_tree on postgres://postgres@127.0.0.1:5432. Migrates, then bulk-creates one OPD of
N people (default 1,000) in four levels: the head (JPT pratama), administrators (N/100),
pengawas (N/10) and staff (pelaksana, the rest), each with an SKP of the year (9 in 10 approved,
the rest drafts) and 3 RHKs. The head's RHKs hang from the 3 IKUs of the OPD's Perjanjian
Kinerja; every other RHK serves one of its supervisor's RHKs (round robin), except the third RHK
of every 20th staff member, left unlinked (an orphan). Then measures, median of 5 runs each:
  ours      goal_tree(opd, year) plus rendering the panel of /pohon-kinerja/ as the page does
            (plans/_tree_panel.html: the IKUs and the levels that fit in PAGE_NODES, the
            deeper ones left to open on demand; up to PAGE_ORPHANS orphans), in tree nodes/s;
  baseline  one cursor.execute of the SELECT that fetches the same rows (rhk id, parent, iku,
            SKP status, jabatan jenis, pegawai name) in the same order, building nothing, rows/s.
Also prints goal_tree's query count (CaptureQueriesContext), the split build/render, a cProfile
by layer, and three side measures: the whole tree rendered by the same flat loop (no level
limit: what rendering everything would cost), opening one node (children_of + its partial, as
GET /pohon-kinerja/rhk/<pk>/ does) and the API's body (GET /api/v1/goals/tree: the nested dicts
validated by TreeOut and dumped to JSON).
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
SHOWN = 'class="pohon-text"'  # one per RHK rendered


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
    render_to_string("plans/_tree_panel.html", _panel_context(tree))
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


def _panel_context(tree: Any, budget: int | None = None) -> dict[str, Any]:
    """The context /pohon-kinerja/ gives its panel; `budget` overrides PAGE_NODES."""
    from kinerja.plans.goals.tree import node_url_prefix

    if budget is None:
        return {"tree": tree, "orphans": tree.shown_orphans(), "node_url": node_url_prefix()}

    class Whole:  # the same tree with tokens() unbounded
        def __getattr__(self, name: str) -> Any:
            return getattr(tree, name)

        def tokens(self) -> Any:
            return tree.tokens(budget)

    return {"tree": Whole(), "orphans": tree.orphans, "node_url": node_url_prefix()}


def _median_ms(work: Any) -> tuple[float, Any]:
    runs, result = [], None
    for _ in range(RUNS):
        t0 = time.perf_counter()
        result = work()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs) * 1000, result


def _side_measures(opd: Any, tree: Any) -> None:
    """The whole tree through the page's flat loop, opening one node, and the API's body."""
    from django.template.loader import render_to_string

    from kinerja.plans.api_goals import _tree_out
    from kinerja.plans.goals.schemas import TreeOut
    from kinerja.plans.goals.tree import children_of
    from kinerja.plans.models import Rhk

    ms, html = _median_ms(lambda: render_to_string("plans/_tree_panel.html",
                                                   _panel_context(tree, 10**9)))
    print(f"what-if, the whole tree through the same flat loop (no level limit), median of "
          f"{RUNS}: render {ms:.0f} ms, {len(html) / 1e6:.2f} MB of HTML, "
          f"{html.count(SHOWN)} RHK shown")
    # The deepest lazy level of the page: a node whose children are not on the page.
    limit = tree.shown_depth()
    level = [child for root in tree.roots for child in root.children]
    for _ in range(limit - 1):
        level = [child for node in level for child in node.children]
    node = max((n for n in level if n.children), key=lambda n: len(n.children), default=None)
    if node is not None:
        ms, sub = _median_ms(lambda: children_of(Rhk.objects.all(), node.id))
        rms, part = _median_ms(lambda: render_to_string("plans/_tree_children.html",
                                                        {"children": sub.children,
                                                         "node_url": "/pohon-kinerja/rhk/"}))
        print(f"opening a node of level {limit} (GET /pohon-kinerja/rhk/<pk>/ without the "
              f"request): children_of {ms:.1f} ms (2 queries) + partial {rms:.1f} ms for "
              f"{len(sub.children)} children, {len(part) / 1e3:.1f} kB")
    ms, body = _median_ms(lambda: TreeOut.model_validate(_tree_out(tree)).model_dump_json())
    print(f"api body (GET /api/v1/goals/tree without the request: _tree_out, TreeOut, JSON), "
          f"median of {RUNS}: {ms:.0f} ms, {len(body) / 1e6:.2f} MB")


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
    html = render_to_string("plans/_tree_panel.html", _panel_context(tree))
    nodes = tree.node_count
    assert nodes == size * RHK_PER_PERSON - len(tree.orphans) + len(tree.roots), (
        nodes, len(tree.orphans))
    print(f"tree: {nodes} nodes ({len(tree.roots)} IKU), {len(tree.orphans)} orphans, "
          f"coverage {tree.coverage_percent}%, {len(queries)} queries in goal_tree; the page "
          f"shows {tree.shown_depth()} RHK level(s) below the IKUs "
          f"({html.count(SHOWN)} RHK with the orphans), panel HTML "
          f"{len(html) / 1e6:.2f} MB")

    builds, renders, totals = [], [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        tree = goal_tree(opd, YEAR)
        t1 = time.perf_counter()
        render_to_string("plans/_tree_panel.html", _panel_context(tree))
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        renders.append(t2 - t1)
        totals.append(t2 - t0)
    total = statistics.median(totals)
    ours = nodes / total
    print(f"ours: goal_tree + page panel render, median of {RUNS}: {total * 1000:.0f} ms "
          f"(goal_tree {statistics.median(builds) * 1000:.0f} ms, render "
          f"{statistics.median(renders) * 1000:.0f} ms) = {ours:.0f} nodes/s; "
          f"runs {', '.join(f'{t * 1000:.0f}' for t in totals)} ms")

    _profile(opd)
    _side_measures(opd, tree)
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
