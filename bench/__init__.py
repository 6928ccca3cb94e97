"""Benchmarks: `python -m bench NAME [--rows N]`, `python -m bench --list`, or `kinerja bench NAME`.

Each benchmark prints its details, then one summary line exactly
`bench: NAME ours=X UNIT baseline=Y UNIT ratio=R` (ratio = ours / baseline, both measured in the
same run). Results and machines are recorded in docs/performance.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    run: Callable[[int | None], None]  # rows override (None: the benchmark's default)


def registry() -> dict[str, Benchmark]:
    from bench import (
        activity_create,
        faults,
        import_employees,
        peak_10k,
        pohon_kinerja,
        recompute_1k,
        recompute_10k,
        recompute_100k,
        rhk_write,
        tpp_100k,
        verify_bulk,
    )

    benchmarks = [import_employees.BENCHMARK, pohon_kinerja.BENCHMARK, rhk_write.BENCHMARK]
    benchmarks += [activity_create.BENCHMARK, verify_bulk.BENCHMARK]
    benchmarks += [recompute_1k.BENCHMARK, recompute_10k.BENCHMARK, recompute_100k.BENCHMARK]
    benchmarks += [tpp_100k.BENCHMARK, peak_10k.BENCHMARK]
    benchmarks += [faults.BENCHMARK]
    return {b.name: b for b in benchmarks}


def summary_line(name: str, ours: float, baseline: float, unit: str) -> str:
    ratio = ours / baseline if baseline else float("nan")
    return f"bench: {name} ours={ours:.0f} {unit} baseline={baseline:.0f} {unit} ratio={ratio:.3f}"
