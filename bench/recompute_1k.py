"""recompute_1k: the recompute of a month's evaluations for 1,000 employees (about 60 logs
each) against a bare SQL aggregate over the same logs, on PostgreSQL. See bench/_recompute.py;
results in docs/performance.md (Evaluation)."""

from __future__ import annotations

from bench import Benchmark
from bench._recompute import run_benchmark

NAME = "recompute_1k"
ROWS = 1_000


def run(rows: int | None) -> None:
    run_benchmark(NAME, ROWS, rows)


BENCHMARK = Benchmark(
    NAME, "Recompute of a month's evaluations, 1,000 employees, vs a bare SQL aggregate", run
)

if __name__ == "__main__":
    run(None)
