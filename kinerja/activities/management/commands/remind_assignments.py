"""`kinerja remind_assignments`: send the "due soon" and "overdue" reminders of open
assignments that have not been sent yet (kinerja.activities.services.assignment_remind).

Run it daily from cron; running it again the same day sends nothing new, so a retry after a
failure is safe."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kinerja.activities.services import assignment_remind


class Command(BaseCommand):
    help = "Send the due-soon and overdue reminders of open assignments (once each)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = assignment_remind()
        self.stdout.write(
            f"assignment reminders: due_soon={sent['due_soon']} overdue={sent['overdue']}"
        )
