"""`kinerja bench NAME [--rows N]` and `kinerja bench --list`: the benchmark harness in bench/.

Runs `python -m bench` in a child process, because a benchmark picks its own database (a
throwaway PostgreSQL database unless DATABASE_URL is set) before Django starts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

ROOT = Path(__file__).resolve().parents[4]


class Command(BaseCommand):
    help = "Run a benchmark from bench/ (see docs/performance.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?")
        parser.add_argument("--list", action="store_true")
        parser.add_argument("--rows", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        argv = [sys.executable, "-m", "bench"]
        if options["list"] or not options["name"]:
            argv.append("--list")
        else:
            argv.append(options["name"])
        if options["rows"]:
            argv += ["--rows", str(options["rows"])]
        code = subprocess.call(argv, cwd=ROOT)
        if code:
            raise CommandError(f"benchmark exited with code {code}", returncode=code)
