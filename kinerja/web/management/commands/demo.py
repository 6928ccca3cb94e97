"""`kinerja demo`: migrate, then load a fictional Pemda (Kabupaten Lembah Hijau) with OPDs, units,
positions, ~300 employees, accounts and role grants, and print the demo log-ins.

`--if-empty` makes it safe to run on every start (`make run`): when the instansi already holds
data it only prints the log-ins again. `--employees 100000 --instansi-code bench` makes a
benchmark-sized set (see docs/demo.md for timings).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kinerja.core.models import Instansi
from kinerja.demo.load import (
    DEFAULT_CODE,
    DEMO_PASSWORD,
    DemoExists,
    LoginRow,
    demo_logins,
    has_data,
    load_demo,
)
from kinerja.demo.plan import MIN_EMPLOYEES
from kinerja.demo.twofactor import demo_twofactor_note


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Load a demo Pemda with employees and log-ins (runs migrate first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Only print the log-ins when the instansi already has data.",
        )
        parser.add_argument(
            "--employees",
            type=int,
            default=300,
            help=f"Number of employees (default 300, at least {MIN_EMPLOYEES}).",
        )
        parser.add_argument(
            "--instansi-code",
            default=DEFAULT_CODE,
            help=f"Code of the instansi to fill (default {DEFAULT_CODE}).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed gives the same Pemda."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the instansi's organisation and people first (the audit trail is kept).",
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Reference date (YYYY-MM-DD) for TMT and acting dates; "
            "default: today in the server's time zone.",
        )
        parser.add_argument(
            "--no-daily-work",
            action="store_true",
            help="Leave out the three months of activity logs and assignments (faster; for "
            "large synthetic sets and tests that do not need them).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Skip `migrate`.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["employees"] < MIN_EMPLOYEES:
            raise CommandError(f"--employees must be at least {MIN_EMPLOYEES}")
        if options["if_empty"] and options["reset"]:
            raise CommandError("--if-empty and --reset contradict each other")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        code = options["instansi_code"]
        today = options["today"] or timezone.localdate()
        existing = Instansi.objects.filter(code=code).first()
        if existing is not None and options["if_empty"] and has_data(existing):
            self.stdout.write(f"{existing.name} ({code}) already has data; nothing loaded.")
            self._print_logins(existing, today)
            return
        try:
            result = load_demo(
                code=code,
                employees=options["employees"],
                seed=options["seed"],
                today=today,
                reset=options["reset"],
                daily_work=not options["no_daily_work"],
            )
        except DemoExists as exc:
            raise CommandError(
                f"Instansi {code!r} already has data. Use --if-empty to keep it, or --reset "
                "to replace it."
            ) from exc
        counts = ", ".join(f"{k} {v}" for k, v in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {result.instansi.name} ({code}) in {result.seconds:.1f} s: {counts}."
            )
        )
        if options["verbosity"] >= 2:
            self.stdout.write(
                "Timings (s): " + ", ".join(f"{k} {v}" for k, v in result.timings.items())
            )
        self._print_logins(result.instansi, today)

    def _print_logins(self, instansi: Instansi, today: dt.date) -> None:
        rows = demo_logins(instansi, today)
        if not rows:
            self.stdout.write("No demo log-ins recorded for this instansi.")
            return
        self.stdout.write("")
        self.stdout.write(self._table(rows))
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                f"Password for every demo account: {DEMO_PASSWORD}\n"
                "DEMO ONLY: these accounts share a published password. Never load demo data into "
                "a production database."
            )
        )
        note = demo_twofactor_note(instansi)
        if note:
            self.stdout.write(self.style.WARNING(note))

    @staticmethod
    def _table(rows: list[LoginRow]) -> str:
        header = ("Role", "NIP (username)", "Name", "Position", "OPD")
        data = [header] + [(r.role, r.nip, r.name, r.position, r.opd) for r in rows]
        widths = [min(60, max(len(row[i]) for row in data)) for i in range(len(header))]

        def line(row: tuple[str, ...]) -> str:
            cells = [
                (cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…").ljust(widths[i])
                for i, cell in enumerate(row)
            ]
            return "  ".join(cells).rstrip()

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(header), rule, *(line(r) for r in data[1:])])
