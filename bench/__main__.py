"""`python -m bench NAME [--rows N]` and `python -m bench --list`."""

from __future__ import annotations

import argparse
import sys

from bench import registry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("name", nargs="?", help="benchmark to run")
    parser.add_argument("--list", action="store_true", help="list the benchmarks")
    parser.add_argument("--rows", type=int, help="number of rows (default: the benchmark's)")
    args = parser.parse_args(argv)
    benchmarks = registry()
    if args.list or not args.name:
        for bench in benchmarks.values():
            print(f"{bench.name}  {bench.description}")
        return 0 if args.list else 2
    bench = benchmarks.get(args.name)
    if bench is None:
        print(f"unknown benchmark {args.name!r}; try --list", file=sys.stderr)
        return 2
    bench.run(args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
