"""`kinerja tpp ...`: the monthly TPP from the command line (cron, first set-up, support).

    kinerja tpp compute --period 2026-10 [--instansi CODE]
    kinerja tpp approve --period 2026-10 --as NIP [--instansi CODE]
    kinerja tpp presets [--instansi CODE]
    kinerja tpp install --template KEY [--activate] [--effective-from YYYY-MM] [--instansi CODE]

`compute` computes the month now, for every employee of the instansi, with the version of the
active preset in force in the month (kinerja.allowances.services.month_compute with no account:
the audit trail shows the system). It prints the people, how many lines were created, changed
and removed, and the total net; a second run on the same inputs writes nothing, adds no audit
record and says "nothing changed", so cron may run it nightly and a retry is safe. An approved
month is locked and refused. `approve` locks a computed month in the name of an admin BKPSDM
(whose NIP `--as` gives). `presets` lists the instansi's presets (`*` the active one) and
`install` adds one from a built-in template. Without `--instansi` the only instansi is used.
Locally the settings need `DEBUG=true` (or a SECRET_KEY): `DEBUG=true kinerja tpp ...`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kinerja.allowances import services
from kinerja.allowances.batch import Month
from kinerja.allowances.models import TppMonth, TppPreset
from kinerja.allowances.presets import TEMPLATES
from kinerja.core.errors import ApplicationError
from kinerja.core.formats import rupiah
from kinerja.core.models import Instansi
from kinerja.evaluations.management.commands.recompute import instansi_of
from kinerja.people.models import Account

MONTH = re.compile(r"^\d{4}-\d{1,2}$")


def month_of(text: str, option: str = "--period") -> Month:
    text = text.strip()
    try:
        if not MONTH.match(text):
            raise ValueError(text)
        return Month.parse(text)
    except ValueError:
        raise CommandError(f"{option} {text!r}: give a month as YYYY-MM (e.g. 2026-10)") from None


class Command(BaseCommand):
    help = (
        "TPP: compute a month (compute --period YYYY-MM), approve it (approve --period YYYY-MM "
        "--as NIP), list the presets (presets), install a template (install --template KEY)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        compute = actions.add_parser("compute", help="compute a month now")
        compute.add_argument("--period", required=True, help="YYYY-MM")
        approve = actions.add_parser("approve", help="approve (lock) a computed month")
        approve.add_argument("--period", required=True, help="YYYY-MM")
        approve.add_argument("--as", dest="as_nip", required=True, metavar="NIP",
                             help="the NIP of the admin BKPSDM approving")
        actions.add_parser("presets", help="list the instansi's presets")
        install = actions.add_parser("install", help="install a preset from a template")
        install.add_argument("--template", required=True, help=", ".join(TEMPLATES))
        install.add_argument("--activate", action="store_true",
                             help="make it the preset that pays")
        install.add_argument("--effective-from", dest="effective_from", metavar="YYYY-MM",
                             help="the month version 1 applies from (default: January)")
        for sub in (compute, approve, actions.choices["presets"], install):
            sub.add_argument("--instansi", help="the instansi's code (default: the only one)")

    def handle(self, *args: Any, **options: Any) -> None:
        instansi = instansi_of(options.get("instansi"))
        action = options["action"]
        try:
            if action == "compute":
                self.compute(instansi, month_of(options["period"]))
            elif action == "approve":
                self.approve(instansi, month_of(options["period"]), options["as_nip"])
            elif action == "presets":
                self.presets(instansi)
            else:
                self.install(instansi, options)
        except ApplicationError as exc:
            raise CommandError(f"tpp {action} {instansi.code}: {exc.message}") from exc

    def compute(self, instansi: Instansi, month: Month) -> None:
        started = time.perf_counter()
        result = services.month_compute(actor=None, instansi_id=instansi.pk, month=month)
        seconds = time.perf_counter() - started
        version = (TppMonth.objects.filter(pk=result.month.pk)
                   .values_list("version__preset__key", "version__number").first())
        preset = f"{version[0]} v{version[1]}" if version and version[0] else "-"
        head = f"tpp compute {instansi.code} {month.label} (preset {preset}): "
        if not result.wrote:
            self.stdout.write(f"{head}people={result.people}, nothing changed "
                              f"(total net {rupiah(result.total_net)}) seconds={seconds:.2f}")
            return
        self.stdout.write(
            f"{head}people={result.people} created={result.created} changed={result.changed} "
            f"removed={result.removed} total net {rupiah(result.total_net)} "
            f"seconds={seconds:.2f}")

    def approve(self, instansi: Instansi, month: Month, nip: str) -> None:
        actor = Account.objects.filter(username=nip, instansi=instansi).first()
        if actor is None:
            raise CommandError(f"no account with NIP {nip!r} in {instansi.code}")
        tpp_month = TppMonth.objects.filter(instansi=instansi, period=month.first).first()
        if tpp_month is None:
            raise CommandError(f"the TPP of {month.label} has not been computed in "
                               f"{instansi.code}: run `kinerja tpp compute --period "
                               f"{month.label}` first")
        tpp_month = services.month_approve(actor=actor, tpp_month=tpp_month)
        self.stdout.write(f"tpp approve {instansi.code} {month.label}: approved by {nip}, "
                          f"people={tpp_month.people} total net {rupiah(tpp_month.total_net)}")

    def presets(self, instansi: Instansi) -> None:
        found = list(TppPreset.objects.filter(instansi=instansi).prefetch_related("versions")
                     .order_by("-is_active", "name", "pk"))
        if not found:
            self.stdout.write(f"{instansi.code}: no TPP preset yet (install one: kinerja tpp "
                              f"install --template {', '.join(TEMPLATES)})")
            return
        for preset in found:
            versions = sorted(preset.versions.all(), key=lambda v: v.number)
            latest = versions[-1] if versions else None
            since = f"v{latest.number} from {latest.effective_from:%Y-%m}" if latest else "-"
            mark = "*" if preset.is_active else " "
            self.stdout.write(f"{mark} {preset.pk:>4} {preset.key:<24} {preset.name} "
                              f"[template {preset.template or '-'}; {len(versions)} "
                              f"version(s), latest {since}]")

    def install(self, instansi: Instansi, options: dict[str, Any]) -> None:
        template = options["template"]
        if template not in TEMPLATES:
            raise CommandError(f"unknown template {template!r} (known: {', '.join(TEMPLATES)})")
        start = None
        if options.get("effective_from"):
            start = month_of(options["effective_from"], "--effective-from").first
        preset = services.preset_install(actor=None, instansi_id=instansi.pk,
                                         template=template, activate=options["activate"],
                                         effective_from=start)
        version = preset.versions.order_by("number").first()
        since = f"{version.effective_from:%Y-%m}" if version else "-"
        self.stdout.write(f"tpp install {instansi.code}: preset {preset.key} (id {preset.pk}) "
                          f"from template {template}, v1 from {since}"
                          + (", active" if preset.is_active else ""))
