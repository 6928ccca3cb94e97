"""`kinerja serve`: run the WSGI application under granian.

granian (WSGI interface, blocking threads) served 2.6x gunicorn's sync workers on light endpoints
and 1.1-1.5x on database endpoints on our machines (DESIGN.md). Each worker is a process with its
own psycopg pool (DB_POOL_MAX connections): keep workers x DB_POOL_MAX below PostgreSQL's
max_connections, and threads close to DB_POOL_MAX so a thread rarely waits for a connection.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Serve Kinerja with granian (WSGI); collects static files first when DEBUG is off."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default="127.0.0.1",
            help="Address to bind (default 127.0.0.1; 0.0.0.0 for all).",
        )
        parser.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
        parser.add_argument(
            "--workers",
            type=_positive,
            default=1,
            help="Worker processes (default 1; about one per CPU core).",
        )
        parser.add_argument(
            "--threads",
            type=_positive,
            default=8,
            help="Blocking threads per worker (default 8, the default DB_POOL_MAX).",
        )
        parser.add_argument("--access-log", action="store_true", help="Log every request.")

    def handle(self, *args: Any, **options: Any) -> None:
        from granian import Granian
        from granian.constants import Interfaces

        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535")
        if not settings.DEBUG:
            # WhiteNoise serves the hashed, compressed files from STATIC_ROOT.
            self.stdout.write("Collecting static files…")
            call_command("collectstatic", interactive=False, verbosity=0)
        # The workers open their own connections; none should be inherited from this process.
        connections.close_all()
        host, port = options["host"], options["port"]
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(
            self.style.SUCCESS(
                f"Kinerja is running at http://{shown}:{port}/ "
                f"(granian WSGI, {options['workers']} worker(s) x {options['threads']} threads). "
                "Press Ctrl+C to stop."
            )
        )
        if not settings.DEBUG and settings.SECURE_SSL_REDIRECT:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG is off and SECURE_SSL_REDIRECT is on: plain-HTTP requests are "
                    "redirected "
                    "to HTTPS. Put a TLS proxy in front (BEHIND_TLS_PROXY=true) or set "
                    "SECURE_SSL_REDIRECT=false for a local trial."
                )
            )
        Granian(
            "kinerja.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            workers=options["workers"],
            blocking_threads=options["threads"],
            websockets=False,
            log_access=options["access_log"],
            respawn_failed_workers=True,
        ).serve()
