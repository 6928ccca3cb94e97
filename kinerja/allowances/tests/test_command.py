"""`kinerja tpp compute|approve|presets|install`: output, idempotence, clear errors."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kinerja.allowances.models import TppLine, TppMonth, TppPreset
from kinerja.allowances.testing import write_presensi
from kinerja.attendance.models import Presensi
from kinerja.core.formats import rupiah
from kinerja.core.models import AuditRecord
from kinerja.testing import build_cast

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("tpp", *args, stdout=out)
    return out.getvalue()


def test_compute_then_again_nothing_changed(tpp):
    out = run("compute", "--period", "2026-10")
    month = TppMonth.objects.get()
    total = sum(line.net for line in TppLine.objects.all())
    assert month.total_net == total
    assert (f"tpp compute kab-uji 2026-10 (preset nasional v1): people=10 created=10 changed=0 "
            f"removed=0 total net {rupiah(total)} seconds=") in out
    assert rupiah(total).startswith("Rp") and "." in rupiah(total)
    audit = AuditRecord.objects.get(action="tpp.compute")
    assert (audit.actor_id, audit.actor_label) == (None, "system")
    lines = list(TppLine.objects.order_by("pk").values_list("pk", "digest"))

    again = run("compute", "--period", "2026-10", "--instansi", "kab-uji")
    assert "people=10, nothing changed (total net " + rupiah(total) + ")" in again
    assert AuditRecord.objects.filter(action="tpp.compute").count() == 1
    assert list(TppLine.objects.order_by("pk").values_list("pk", "digest")) == lines


def test_compute_after_presensi_changed_reports_the_changed_line(tpp):
    run("compute", "--period", "2026-10")
    before = TppLine.objects.get(pegawai=tpp.people["pegawai"]).net
    Presensi.objects.filter(pegawai=tpp.people["pegawai"], date__day=6).delete()
    out = run("compute", "--period", "2026-10")
    assert "people=10 created=0 changed=1 removed=0" in out
    after = TppLine.objects.get(pegawai=tpp.people["pegawai"]).net
    assert after < before  # one day absent
    assert AuditRecord.objects.filter(action="tpp.compute").count() == 2
    write_presensi(tpp.cast, tpp.month, people=["pegawai"],
                   times={("pegawai", d): None for d in range(1, 32) if d != 6})
    assert "changed=1" in run("compute", "--period", "2026-10")
    assert TppLine.objects.get(pegawai=tpp.people["pegawai"]).net == before


@pytest.mark.parametrize("period", ["2026-13", "2026", "Oktober", "2026-10-01", "26-10"])
def test_a_bad_period_is_a_clear_error(tpp, period):
    with pytest.raises(CommandError, match="--period .*give a month as YYYY-MM"):
        run("compute", "--period", period)
    assert not TppMonth.objects.exists()


def test_an_unknown_or_ambiguous_instansi(tpp):
    with pytest.raises(CommandError, match="no instansi with code 'kab-x'"):
        run("compute", "--period", "2026-10", "--instansi", "kab-x")
    build_cast("kab-lain")
    with pytest.raises(CommandError, match="choose one with --instansi"):
        run("compute", "--period", "2026-10")


def test_an_approved_month_is_refused(tpp):
    run("compute", "--period", "2026-10")
    out = run("approve", "--period", "2026-10", "--as", tpp.people["admin_bkpsdm"].nip)
    assert f"tpp approve kab-uji 2026-10: approved by {tpp.people['admin_bkpsdm'].nip}" in out
    assert TppMonth.objects.get().status == "approved"
    with pytest.raises(CommandError, match="approved and locked"):
        run("compute", "--period", "2026-10")


def test_approve_refusals(tpp):
    with pytest.raises(CommandError, match="has not been computed"):
        run("approve", "--period", "2026-10", "--as", tpp.people["admin_bkpsdm"].nip)
    run("compute", "--period", "2026-10")
    with pytest.raises(CommandError, match="Only admin BKPSDM manages TPP"):
        run("approve", "--period", "2026-10", "--as", tpp.people["pegawai"].nip)
    with pytest.raises(CommandError, match="no account with NIP"):
        run("approve", "--period", "2026-10", "--as", "199001012020011001")
    assert TppMonth.objects.get().status == "computed"


def test_no_preset_in_force(cast):
    with pytest.raises(CommandError, match="No TPP preset is in force"):
        run("compute", "--period", "2026-10")


def test_presets_and_install(tpp):
    out = run("presets")
    assert "* " in out and "nasional" in out and "1 version(s), latest v1 from 2020-01" in out
    made = run("install", "--template", "ogan_ilir_2023", "--effective-from", "2026-11")
    assert "preset ogan_ilir_2023" in made and "v1 from 2026-11" in made
    assert "active" not in made
    listed = run("presets").splitlines()
    assert listed[0].startswith("*") and "nasional" in listed[0]
    assert listed[1].startswith(" ") and "ogan_ilir_2023" in listed[1]
    active = run("install", "--template", "kepahiang_2025", "--activate")
    assert active.rstrip().endswith(", active")
    assert TppPreset.objects.get(is_active=True).template == "kepahiang_2025"
    with pytest.raises(CommandError, match="unknown template 'jakarta'.*nasional"):
        run("install", "--template", "jakarta")
    with pytest.raises(CommandError, match="--effective-from"):
        run("install", "--template", "nasional", "--effective-from", "2026-13")


def test_presets_of_an_instansi_without_any(cast):
    assert "no TPP preset yet" in run("presets", "--instansi", "kab-uji")
