"""Authorization matrix rows for the TPP month pages and the explanations
(kinerja/allowances/urls_months.py, views_months.py).

The world gets the cast's TPP (kinerja.allowances.testing.tpp_cast: the 2026 calendar, the
national preset, October's presensi) with September 2026 computed and October 2026 computed
and approved, made once per row on first use. A path names a month without the instansi, so
`foreign` is August 2026, computed by another instansi only.

- /tpp/ and /tpp/saya/ are open to every logged-in account (each sees its own; /tpp/saya/
  sends whoever has a TPP line to it, pimpinan and auditor hold no position, so no line).
- A month page and its progress: admin BKPSDM, pimpinan, auditor and admin OPD (their OPD's
  totals). Someone who only has their own line is sent from the month page to their own
  explanation (302) and gets 404 on the progress; another instansi's month is 404.
- Computing, approving and adjusting: admin BKPSDM only (403 for everyone else of the
  instansi; another instansi's month is 404 to all).
- An explanation: one's own line; admin OPD the lines of their OPD (pegawai is in the Dinas
  Kesehatan, outsider in the Dinas Pendidikan); the instansi's readers every line; 404 else.

Targets: `tppm:computed` / `tppm:approved` / `tppm:foreign` put the month (YYYY-MM) into the
path; `tppx:<who>` an explanation's month and NIP (`self`: the actor's own). The explanation
route has two placeholders, so its resolver answers a replacement function (re.sub calls it
for each placeholder) instead of one string. The /tpp/saya/ row names `tppm:approved` only to
have the months made; its path has no placeholder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from kinerja.web.tests.matrix_base import INSTANSI_READERS, Row, page

MONTH_PATH = "/tpp/<tppbulan:period>/"
EXPLANATION = "/tpp/<tppbulan:period>/pegawai/<str:nip>/"
# Someone of the Dinas Kesehatan with a TPP line, whose NIP the adjustment form names.
ADJUST_NIP = "199001012015011001"
ADJUST_FORM = {"nip": ADJUST_NIP, "amount": "-50.000", "reason": "Kelebihan bayar (matriks)"}


def _months(world: Any) -> dict[str, Any]:
    """September (computed) and October (approved) 2026 of the cast, August of the foreign
    cast: made once per world."""
    made = world.__dict__.get("_tpp_months")
    if made is not None:
        return dict(made)
    from kinerja.allowances import services
    from kinerja.allowances.batch import Month
    from kinerja.allowances.models import TppMonth
    from kinerja.allowances.testing import tpp_cast
    from kinerja.people.models import Pegawai, PositionAssignment

    cast = world.cast
    tpp_cast(cast)
    extra = Pegawai.objects.create(instansi=cast.instansi, nip=ADJUST_NIP, name="Matriks Uji",
                                   gender="L", birth_date=dt.date(1990, 1, 1),
                                   golongan="II/c")
    PositionAssignment.objects.create(instansi=cast.instansi, pegawai=extra,
                                      jabatan=cast.positions["pengadministrasi"],
                                      kind="definitif", start_date=dt.date(2020, 1, 1))
    admin = cast.accounts["admin_bkpsdm"]
    services.month_compute(actor=admin, month=Month(2026, 9))
    services.month_compute(actor=admin, month=Month(2026, 10))
    october = TppMonth.objects.get(instansi=cast.instansi, period=dt.date(2026, 10, 1))
    services.month_approve(actor=admin, tpp_month=october)
    foreign = world.foreign
    tpp_cast(foreign)
    services.month_compute(actor=None, instansi_id=foreign.instansi.pk, month=Month(2026, 8))
    made = {
        "computed": TppMonth.objects.get(instansi=cast.instansi, period=dt.date(2026, 9, 1)).pk,
        "approved": october.pk,
    }
    world.__dict__["_tpp_months"] = made
    return dict(made)


def _month(world: Any, actor: str, name: str) -> str:
    from kinerja.allowances.models import TppMonth, TppMonthStatus

    if name not in ("computed", "approved", "foreign"):
        raise AssertionError(f"unknown TPP month target {name!r}")
    made = _months(world)
    if name == "computed":
        # Each actor meets it computed, whatever the one before did.
        TppMonth.objects.filter(pk=made["computed"]).update(
            status=TppMonthStatus.COMPUTED, approved_at=None, approved_by=None)
        return "2026-09"
    return "2026-10" if name == "approved" else "2026-08"


def _explanation(world: Any, actor: str, name: str) -> Callable[[re.Match[str]], str]:
    _months(world)
    if name == "foreign":
        nip = world.foreign.people["pegawai"].nip
    else:
        who = name if name != "self" else ("pegawai" if actor == "anonymous" else actor)
        nip = world.cast.people[who].nip

    def replace(match: re.Match[str]) -> str:
        return nip if match.group(0) == "<str:nip>" else "2026-10"

    return replace


TARGETS: dict[str, Callable[..., Any]] = {"tppm": _month, "tppx": _explanation}

MONTH_READERS = {"admin_opd": 200, **INSTANSI_READERS}
ADMIN_ONLY = page(403, admin_bkpsdm=302)

ROWS: list[Row] = [
    Row("GET", "/tpp/", page(200)),
    Row("GET", "/tpp/", page(200), target="tppm:approved"),
    Row("POST", "/tpp/hitung/", ADMIN_ONLY, body={"bulan": "2026-11"}),
    Row("GET", "/tpp/saya/", page(302, pimpinan=200, auditor=200), target="tppm:approved"),
    Row("GET", "/tpp/saya/", page(200)),  # nothing computed yet: "no TPP yet" for everyone
    # --- A month ------------------------------------------------------------------------------
    Row("GET", MONTH_PATH, page(302, **MONTH_READERS), target="tppm:approved"),
    Row("GET", MONTH_PATH, page(404), target="tppm:foreign"),
    Row("GET", f"{MONTH_PATH}progres/", page(404, **MONTH_READERS), target="tppm:computed"),
    Row("GET", f"{MONTH_PATH}progres/", page(404), target="tppm:foreign"),
    Row("POST", f"{MONTH_PATH}setujui/", ADMIN_ONLY, target="tppm:computed"),
    Row("POST", f"{MONTH_PATH}setujui/", page(404), target="tppm:foreign"),
    Row("POST", f"{MONTH_PATH}penyesuaian/", ADMIN_ONLY, target="tppm:approved",
        body=ADJUST_FORM),
    Row("POST", f"{MONTH_PATH}penyesuaian/", page(404), target="tppm:foreign",
        body=ADJUST_FORM),
    # --- Explanations -------------------------------------------------------------------------
    Row("GET", EXPLANATION, page(200, pimpinan=404, auditor=404), target="tppx:self"),
    Row("GET", EXPLANATION, page(404, pegawai=200, admin_opd=200, **INSTANSI_READERS),
        target="tppx:pegawai"),
    Row("GET", EXPLANATION, page(404, outsider=200, **INSTANSI_READERS),
        target="tppx:outsider"),
    Row("GET", EXPLANATION, page(404), target="tppx:foreign"),
]
