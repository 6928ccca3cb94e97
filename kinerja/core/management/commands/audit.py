"""`kinerja audit verify [--instansi CODE]`: walk each instansi's hash chain and report tampering.
`kinerja audit head`: print each chain's last sequence and hash, to be kept outside the database
(for example in the operator's log book) so that even a rewritten chain can be caught."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinerja.core.audit import audit_verify
from kinerja.core.models import AuditChainHead, Instansi


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain (verify) or print the chain heads (head)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument("--instansi", help="instansi code (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        instansi_qs = Instansi.objects.order_by("code")
        if options["instansi"]:
            instansi_qs = instansi_qs.filter(code=options["instansi"])
            if not instansi_qs.exists():
                raise CommandError(f"no instansi with code {options['instansi']!r}")
        if options["action"] == "head":
            heads = {h.instansi_id: h for h in AuditChainHead.objects.all()}
            for inst in instansi_qs:
                head = heads.get(inst.pk)
                seq, digest = (head.last_seq, head.last_hash) if head else (0, "")
                self.stdout.write(f"{inst.code} seq={seq} hash={digest or '-'}")
            return
        failed = False
        for inst in instansi_qs:
            result = audit_verify(inst)
            if result.ok:
                self.stdout.write(f"{inst.code}: OK, {result.checked} records, chain intact")
                continue
            failed = True
            self.stdout.write(f"{inst.code}: TAMPERED, {result.checked} records checked")
            for problem in result.problems:
                self.stdout.write(f"  - {problem}")
        if failed:
            raise CommandError("the audit trail has been tampered with")
