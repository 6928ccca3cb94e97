"""`kinerja twofactor status NIP`: whether the account has 2FA on and whether its role requires it.
`kinerja twofactor reset NIP`: remove the account's authenticator (a lost phone), audited as an
operator's action; the account sets up a new one at its next log-in if its role requires it.
`kinerja twofactor code NIP`: print the account's current code. DEBUG only (the demo and
development): in production the code is on the person's phone and nowhere else to read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinerja.people import twofactor
from kinerja.people.models import Account
from kinerja.people.rules import normalise_nip


class Command(BaseCommand):
    help = "Two-factor authentication of one account: status, reset, or (DEBUG only) code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "reset", "code"])
        parser.add_argument("nip", help="the account's NIP (its log-in)")

    def handle(self, *args: Any, **options: Any) -> None:
        nip = normalise_nip(options["nip"])
        account = Account.objects.filter(username=nip).first()
        if account is None:
            raise CommandError(f"no account with NIP {nip}")
        action = options["action"]
        if action == "status":
            status = twofactor.status_of(account)
            self.stdout.write(
                f"{account.username} {account}: two-factor "
                f"{'on' if status.enabled else 'off'}, "
                f"{'required' if status.required else 'optional'} for its role"
            )
        elif action == "reset":
            removed = twofactor.twofactor_reset(actor=None, account=account)
            self.stdout.write(
                f"{account.username}: two-factor reset ({removed} device(s) removed); "
                "recorded in the audit trail"
            )
        else:
            if not settings.DEBUG:
                raise CommandError("`twofactor code` works only with DEBUG=true (demo, dev)")
            device = twofactor.confirmed_device(account)
            if device is None:
                raise CommandError(f"{account.username} has no confirmed authenticator")
            code = twofactor.next_code(device)
            if code is None:
                raise CommandError("the current code was just used; run again in 30 seconds")
            self.stdout.write(code)
