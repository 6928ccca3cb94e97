"""The seam for SKPs mirrored from BKN e-Kinerja."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.core.errors import Conflict
from kinerja.core.models import SkpSource
from kinerja.org.models import Jabatan
from kinerja.people.models import Account, Pegawai
from kinerja.plans import rules
from kinerja.plans.models import (
    Indicator,
    Rhk,
    Skp,
    SkpStatus,
)
from kinerja.plans.services._common import (
    _record,
)

# --- Mirror (the seam for BKN e-Kinerja) ---------------------------------------------------


@dataclass(frozen=True)
class MirroredRhk:
    kind: str
    text: str
    indicators: tuple[rules.IndicatorDraft, ...] = ()


@transaction.atomic
def skp_mirror_save(
    *,
    actor: Account | None,
    pegawai: Pegawai,
    jabatan: Jabatan,
    year: int,
    start_date: dt.date,
    end_date: dt.date,
    external_id: str,
    rhk: Iterable[MirroredRhk],
) -> Skp:
    """Store an approved SKP as written in BKN e-Kinerja (the import that calls this comes with
    the BKN integration). Re-running with the same external id replaces its RHKs; nothing
    downstream can tell it from one written here, except that it is read-only."""
    skp, created = Skp.objects.select_for_update().get_or_create(
        pegawai=pegawai,
        jabatan=jabatan,
        year=year,
        defaults={
            "instansi_id": pegawai.instansi_id,
            "opd_id": jabatan.opd_id,
            "start_date": start_date,
            "end_date": end_date,
            "form": rules.skp_form_for(jabatan.jenis),
            "status": SkpStatus.APPROVED,
            "source": SkpSource.BKN,
            "external_id": external_id,
        },
    )
    if not created and skp.source != SkpSource.BKN:
        raise Conflict("skp_authored_here", _("This SKP is written in Kinerja, not mirrored."))
    skp.rhk.filter(children__isnull=True).delete()
    for order, item in enumerate(rhk, start=1):
        row = Rhk.objects.create(
            instansi_id=skp.instansi_id, skp=skp, kind=item.kind, text=item.text, order=order
        )
        Indicator.objects.bulk_create(
            Indicator(
                instansi_id=skp.instansi_id,
                rhk=row,
                aspek=i.aspek,
                text=i.text,
                target_kind=i.target_kind,
                target_min=i.target_min,
                target_max=i.target_max,
                target_text=i.target_text,
                unit=i.unit,
            )
            for i in item.indicators
        )
    _record(actor, skp, "skp.mirror", {"external_id": [None, external_id]})  # type: ignore[arg-type]
    return skp
