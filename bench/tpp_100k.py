"""tpp_100k: the monthly TPP computation for 100,000 employees with a month of presensi (about
2.2 million rows) against the bare SQL aggregate of the same rows, on PostgreSQL. See
bench/_tpp.py; results in docs/performance.md (TPP)."""

from __future__ import annotations

from bench import Benchmark
from bench._tpp import run_benchmark

NAME = "tpp_100k"
ROWS = 100_000


def run(rows: int | None) -> None:
    run_benchmark(NAME, ROWS, rows)


BENCHMARK = Benchmark(
    NAME, "Monthly TPP computation, 100,000 employees and a month of presensi, vs a bare SQL "
    "aggregate", run
)

if __name__ == "__main__":
    run(None)
