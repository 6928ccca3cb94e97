"""`kinerja purge_idempotency --days 7`: forget the stored answers of Idempotency-Key requests
older than that many days (a client retries within minutes, not weeks)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinerja.core.idempotency import purge


class Command(BaseCommand):
    help = "Delete stored Idempotency-Key answers older than --days (default 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 1:
            raise CommandError("--days must be at least 1")
        deleted = purge(days)
        self.stdout.write(f"{deleted} idempotency records older than {days} days deleted")
