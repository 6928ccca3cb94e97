"""The what-if page: a computed month against changed weights, a changed absence percentage,
another preset or a template; the difference per OPD and per person, figured by hand here; and
nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse

from kinerja.allowances import services, views_presets
from kinerja.allowances.batch import LINE_FIELDS, Month
from kinerja.allowances.models import TppLine, TppMonth, TppPresetVersion
from kinerja.allowances.presets import REFERENCE_BY_KELAS
from kinerja.allowances.testing import write_presensi
from kinerja.attendance.models import Presensi
from kinerja.core import formats
from kinerja.core.models import AuditRecord

OCTOBER = Month(2026, 10)
URL = reverse("tpp_whatif")
# Everyone with a position in the cast, by kelas (kinerja/testing.py).
KELAS = {"kadis": 14, "sekretaris": 12, "atasan": 9, "pegawai": 6, "pegawai2": 6, "kasi": 9,
         "staf_kasi": 7, "outsider": 14, "admin_opd": 6, "admin_bkpsdm": 9}
DINKES = ("kadis", "sekretaris", "atasan", "pegawai", "pegawai2", "kasi", "staf_kasi",
          "admin_opd")


def rp(value):
    return Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def net_by_hand(kelas, disiplin_pct, cut_pct=0):
    """The national preset for a month on time without an evaluation: the kinerja part pays 0
    (factor_missing 0%), the disiplin part is paid; cuts are % of the ceiling (the basic TPP
    of the kelas, reference x index 1); BPJS 1% of the gross is deducted; PPh 21 is borne by
    the APBD (not deducted)."""
    ceiling = Decimal(REFERENCE_BY_KELAS[str(kelas)])
    gross = rp(ceiling * disiplin_pct / 100) - rp(ceiling * cut_pct / 100)
    return gross - rp(gross / 100)


def compute(tpp):
    admin = tpp.cast.accounts["admin_bkpsdm"]
    services.month_compute(actor=admin, month=OCTOBER)
    return TppMonth.objects.get(instansi=tpp.cast.instansi, period=OCTOBER.first)


def snapshot(tpp_month):
    return (list(TppLine.objects.filter(month=tpp_month).order_by("pegawai_id")
                 .values_list("pegawai_id", *LINE_FIELDS)),
            TppMonth.objects.filter(pk=tpp_month.pk).values().get(),
            TppPresetVersion.objects.count(), AuditRecord.objects.count())


# --- Who ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", [
    ("admin_bkpsdm", 200), ("pimpinan", 200), ("auditor", 200), ("pegawai", 403),
    ("atasan", 403), ("kadis", 403), ("admin_opd", 403), ("outsider", 403),
])
def test_who_may_run_the_what_if(tpp, client_for, who, status):
    compute(tpp)
    client = client_for(tpp.cast.accounts[who])
    assert client.get(URL).status_code == status
    query = {"bulan": "2026-10", "sumber": "ubah", "bobot_kinerja": "70",
             "bobot_disiplin": "30"}
    assert client.get(URL, query).status_code == status


def test_without_a_computed_month_there_is_nothing_to_compare(tpp, client_for):
    page = client_for(tpp.cast.accounts["pimpinan"]).get(URL).content.decode()
    assert "No month is computed yet." in page


# --- Weights ----------------------------------------------------------------------------------


def test_a_weight_change_shows_the_difference_and_writes_nothing(tpp, client_for):
    tpp_month = compute(tpp)
    before = snapshot(tpp_month)
    client = client_for(tpp.cast.accounts["pimpinan"])
    form = client.get(URL).context["form"]
    assert form["bulan"].value() == "2026-10"
    assert [f.label for f in form.weight_fields()] == ["Kinerja (now 60%)", "Disiplin (now 40%)"]

    response = client.get(URL, {"bulan": "2026-10", "sumber": "ubah", "bobot_kinerja": "70",
                                "bobot_disiplin": "30"})
    assert response.status_code == 200
    page = response.content.decode()
    # Dewi (pegawai), kelas 6: ceiling Rp5,764,000. As computed: disiplin 40% = Rp2,305,600,
    # BPJS 1% Rp23,056, net Rp2,282,544. With 70/30: 30% = Rp1,729,200, BPJS Rp17,292, net
    # Rp1,711,908. Difference -Rp570,636.
    assert net_by_hand(6, 40) == Decimal("2282544")
    assert net_by_hand(6, 30) == Decimal("1711908")
    row = next(r for r in response.context["result"]["rows"]
               if r.nip == tpp.cast.people["pegawai"].nip)
    assert (row.before, row.after, row.diff) == (Decimal("2282544"), Decimal("1711908"),
                                                 Decimal("-570636"))
    assert "Rp2.282.544" in page and "Rp1.711.908" in page and "-Rp570.636" in page
    # Every one of the ten changes; the totals and the OPD rows add up by hand.
    before_total = sum(net_by_hand(k, 40) for k in KELAS.values())
    after_total = sum(net_by_hand(k, 30) for k in KELAS.values())
    dinkes_diff = sum(net_by_hand(KELAS[p], 30) - net_by_hand(KELAS[p], 40) for p in DINKES)
    assert tpp_month.total_net == before_total
    for amount in (before_total, after_total, after_total - before_total, dinkes_diff):
        assert formats.rupiah(amount) in page, amount
    assert "10, of whom 10 would get a different amount" in page
    opd = {r["name"]: r for r in response.context["result"]["by_opd"]}
    assert opd["Dinas Kesehatan"]["diff"] == dinkes_diff and opd["Dinas Kesehatan"]["people"] == 8
    # The largest change first: the kelas 14 heads.
    first = response.context["result"]["rows"][0]
    assert first.name in ("dr. Ahmad Kadis", "Hadi Disdik")
    assert "Kerangka nasional (default) version 1 with kinerja 70%, disiplin 30%" in page
    # Nothing was written.
    assert snapshot(tpp_month) == before


def test_a_changed_absence_percentage(tpp, client_for):
    # Dewi has no presensi on Monday 5 October: one day tanpa keterangan (4% of the ceiling).
    Presensi.objects.filter(pegawai=tpp.cast.people["pegawai"], date=dt.date(2026, 10, 5)
                            ).delete()
    tpp_month = compute(tpp)
    before = snapshot(tpp_month)
    response = client_for(tpp.cast.accounts["admin_bkpsdm"]).get(
        URL, {"bulan": "2026-10", "sumber": "ubah", "absence_pct": "5"})
    assert response.status_code == 200
    # 4%: Rp2,305,600 - Rp230,560 = Rp2,075,040, BPJS Rp20,750, net Rp2,054,290.
    # 5%: Rp2,305,600 - Rp288,200 = Rp2,017,400, BPJS Rp20,174, net Rp1,997,226.
    assert (net_by_hand(6, 40, 4), net_by_hand(6, 40, 5)) == (Decimal("2054290"),
                                                              Decimal("1997226"))
    result = response.context["result"]
    assert [(r.name, r.before, r.after, r.diff) for r in result["rows"]] == [
        ("Dewi Pelaksana", Decimal("2054290"), Decimal("1997226"), Decimal("-57064"))]
    page = response.content.decode()
    assert "-Rp57.064" in page
    assert "9 people would get the same amount (not listed)." in page
    assert snapshot(tpp_month) == before


def test_weights_that_do_not_add_up_are_listed(tpp, client_for):
    tpp_month = compute(tpp)
    before = snapshot(tpp_month)
    response = client_for(tpp.cast.accounts["admin_bkpsdm"]).get(
        URL, {"bulan": "2026-10", "sumber": "ubah", "bobot_kinerja": "70"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "These rules cannot be used:" in page
    assert "parts: the percentages add up to 110, not 100" in page
    assert snapshot(tpp_month) == before


def test_no_change_given_is_said(tpp, client_for):
    compute(tpp)
    response = client_for(tpp.cast.accounts["admin_bkpsdm"]).get(
        URL, {"bulan": "2026-10", "sumber": "ubah"})
    assert response.status_code == 400
    assert "Give at least one new part weight or absence percentage." in \
        response.content.decode()


# --- Other presets and templates ------------------------------------------------------------


def test_another_preset_and_a_template(tpp, client_for):
    tpp_month = compute(tpp)
    admin = tpp.cast.accounts["admin_bkpsdm"]
    kepahiang = services.preset_install(actor=admin, template="kepahiang_2025")
    before = snapshot(tpp_month)
    client = client_for(tpp.cast.accounts["pimpinan"])
    # Kepahiang differs from the national frame only in what attendance cuts come off: with
    # everyone on time, nobody's TPP changes.
    response = client.get(URL, {"bulan": "2026-10", "sumber": "preset", "preset": kepahiang.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Compared with: Kab. Kepahiang 2025, version 1." in page
    assert "0 would get a different amount" in page
    # Deli Serdang: kehadiran 30% (paid), SKP 20% (predikat: none yet, 0), laporan harian 50%
    # (verified minutes: none, 0): Dewi's net is 30% of Rp5,764,000 less 1% BPJS.
    response = client.get(URL, {"bulan": "2026-10", "sumber": "template",
                                "template": "deli_serdang"})
    assert response.status_code == 200
    row = next(r for r in response.context["result"]["rows"] if r.name == "Dewi Pelaksana")
    assert row.after == net_by_hand(6, 30) and row.before == net_by_hand(6, 40)
    assert "Compared with: template Kab. Deli Serdang (Dinkes)." in response.content.decode()
    assert client.get(URL, {"bulan": "2026-10", "sumber": "preset"}).status_code == 400
    assert snapshot(tpp_month) == before


def test_an_approved_month_can_be_compared(tpp, client_for):
    tpp_month = compute(tpp)
    services.month_approve(actor=tpp.cast.accounts["admin_bkpsdm"], tpp_month=tpp_month)
    before = snapshot(tpp_month)
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    assert "Oktober 2026 (approved)" in client.get(URL).content.decode()
    response = client.get(URL, {"bulan": "2026-10", "sumber": "ubah", "bobot_kinerja": "70",
                                "bobot_disiplin": "30"})
    assert response.status_code == 200 and "-Rp570.636" in response.content.decode()
    assert snapshot(tpp_month) == before


def test_a_month_of_another_instansi_cannot_be_chosen(tpp, client_for):
    compute(tpp)
    response = client_for(tpp.cast.accounts["admin_bkpsdm"]).get(
        URL, {"bulan": "2026-09", "sumber": "ubah", "bobot_kinerja": "70",
              "bobot_disiplin": "30"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()


# --- Paging and query counts ----------------------------------------------------------------


def test_people_are_paged_largest_change_first(tpp, client_for, monkeypatch):
    compute(tpp)
    monkeypatch.setattr(views_presets, "PEOPLE_PER_PAGE", 4)
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    query = {"bulan": "2026-10", "sumber": "ubah", "bobot_kinerja": "70", "bobot_disiplin": "30"}
    first = client.get(URL, query)
    assert "Page 1 of 3" in first.content.decode()
    assert "bobot_kinerja=70" in first.content.decode()  # the next page keeps the question
    last = client.get(URL, {**query, "page": "3"})
    diffs = [abs(r.diff) for r in first.context["result"]["rows"]]
    diffs += [abs(r.diff) for r in last.context["result"]["rows"]]
    assert diffs == sorted(diffs, reverse=True) and len(last.context["result"]["rows"]) == 2


def test_the_query_count_does_not_grow_with_people(tpp, client_for,
                                                   django_assert_max_num_queries):
    from kinerja.testing import _person

    compute(tpp)
    client = client_for(tpp.cast.accounts["pimpinan"])
    query = {"bulan": "2026-10", "sumber": "ubah", "bobot_kinerja": "70", "bobot_disiplin": "30"}
    with django_assert_max_num_queries(22) as few:
        assert client.get(URL, query).status_code == 200
    added = []
    for i in range(6):
        _person(tpp.cast, f"extra{i}", f"Pegawai Tambahan {i}", position="pengadministrasi")
        added.append(f"extra{i}")
    write_presensi(tpp.cast, OCTOBER, people=added)
    compute(tpp)
    with django_assert_max_num_queries(22) as many:
        response = client.get(URL, query)
    assert "16, of whom 16 would get a different amount" in response.content.decode()
    assert len(many) == len(few), (len(few), len(many))
