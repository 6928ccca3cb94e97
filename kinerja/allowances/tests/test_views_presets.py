"""The TPP preset pages: the list with versions and templates, install and activate, a
version's parameters in plain language, and the edit form that makes a new version (every
problem listed, nothing saved on a problem; never from an approved month, so an approved month
stays as it was)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from kinerja.allowances import services
from kinerja.allowances.batch import LINE_FIELDS, Month
from kinerja.allowances.forms_presets import initial_data
from kinerja.allowances.models import (
    TppLine,
    TppMonth,
    TppMonthStatus,
    TppPreset,
    TppPresetVersion,
)
from kinerja.allowances.presets import TEMPLATES, template_params
from kinerja.core.errors import ApplicationError, Conflict
from kinerja.core.models import AuditRecord

OCTOBER = Month(2026, 10)
NOT_READERS = ["pegawai", "atasan", "kadis", "admin_opd", "outsider"]


def edit_url(preset):
    return reverse("tpp_preset_edit", args=[preset.pk])


def detail_url(preset, number=None):
    url = reverse("tpp_preset_detail", args=[preset.pk])
    return f"{url}?versi={number}" if number else url


def form_body(params, number=1, **changes):
    """What the edit form posts when the user changes `changes` (field name -> value)."""
    body = {k: v for k, v in initial_data(params).items() if v is not None}
    body["based_on"] = number
    if body.get("bpjs_on_tpp") is False:
        body.pop("bpjs_on_tpp")
    body.update({"effective_month": "2026-12", "note": "Perbup 12/2026"})
    body.update(changes)
    return body


def approve_october(tpp):
    admin = tpp.cast.accounts["admin_bkpsdm"]
    services.month_compute(actor=admin, month=OCTOBER)
    tpp_month = TppMonth.objects.get(instansi=tpp.cast.instansi, period=OCTOBER.first)
    return services.month_approve(actor=admin, tpp_month=tpp_month)


# --- Who ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin_bkpsdm", "pimpinan", "auditor"])
def test_the_instansi_readers_see_the_presets(tpp, client_for, who):
    client = client_for(tpp.cast.accounts[who])
    page = client.get(reverse("tpp_presets")).content.decode()
    assert "Kerangka nasional (default)" in page
    assert 'class="badge ok">active<' in page
    for template in TEMPLATES.values():
        assert template["name"] in page
    assert "Perbup Ogan Ilir tentang TPP 2023 (3% per hari)" in page  # a legal reference
    assert "version 1" in page and "Januari 2020" in page  # the version and its month
    assert client.get(detail_url(tpp.preset)).status_code == 200
    # Only admin BKPSDM is offered the writes.
    assert ('action="/tpp/preset/pasang/"' in page) == (who == "admin_bkpsdm")
    assert ("New version" in page) == (who == "admin_bkpsdm")


@pytest.mark.parametrize("who", NOT_READERS)
def test_everyone_else_gets_403(tpp, client_for, who):
    client = client_for(tpp.cast.accounts[who])
    assert client.get(reverse("tpp_presets")).status_code == 403
    assert client.get(detail_url(tpp.preset)).status_code == 403
    assert client.get(edit_url(tpp.preset)).status_code == 403


@pytest.mark.parametrize("who", ["pimpinan", "auditor", *NOT_READERS])
def test_only_admin_bkpsdm_writes(tpp, client_for, who):
    client = client_for(tpp.cast.accounts[who])
    other = services.preset_install(actor=None, instansi_id=tpp.cast.instansi.pk,
                                    template="kepahiang_2025")
    assert client.get(edit_url(tpp.preset)).status_code == 403
    assert client.post(edit_url(tpp.preset), form_body(template_params("nasional"))
                       ).status_code == 403
    assert client.post(reverse("tpp_preset_install"),
                       {"template": "ogan_ilir_2023"}).status_code == 403
    assert client.post(reverse("tpp_preset_activate", args=[other.pk])).status_code == 403
    assert TppPreset.objects.count() == 2
    assert TppPresetVersion.objects.count() == 2
    assert TppPreset.objects.get(is_active=True) == tpp.preset


def test_another_instansi_preset_is_404(tpp, client_for):
    from kinerja.testing import build_cast

    foreign = build_cast("kab-lain")
    theirs = services.preset_install(actor=None, instansi_id=foreign.instansi.pk,
                                     template="nasional")
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    assert client.get(detail_url(theirs)).status_code == 404
    assert client.get(edit_url(theirs)).status_code == 404
    assert client.post(reverse("tpp_preset_activate", args=[theirs.pk])).status_code == 404
    assert client.post(edit_url(theirs), form_body(theirs.versions.get().params)
                       ).status_code == 404
    assert TppPresetVersion.objects.filter(preset=theirs).count() == 1
    assert client.get(detail_url(tpp.preset, 9)).status_code == 404  # no such version


# --- Install and activate -------------------------------------------------------------------


def test_install_and_activate_a_template(tpp, client_for):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    response = client.post(reverse("tpp_preset_install"), {"template": "kepahiang_2025"})
    installed = TppPreset.objects.get(template="kepahiang_2025")
    assert response.status_code == 302
    assert response["Location"] == detail_url(installed)
    page = client.get(response["Location"]).content.decode()
    assert "“Kab. Kepahiang 2025” is installed as version 1." in page
    assert "Perbup Kepahiang tentang TPP 2025/2026" in page
    # Kepahiang cuts attendance off the 40% disiplin part.
    assert "the Disiplin part" in page
    assert not installed.is_active
    assert "Make active" in page

    response = client.post(reverse("tpp_preset_activate", args=[installed.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("tpp_presets")
    page = client.get(reverse("tpp_presets")).content.decode()
    assert "“Kab. Kepahiang 2025” is the active preset now." in page
    installed.refresh_from_db()
    tpp.preset.refresh_from_db()
    assert installed.is_active and not tpp.preset.is_active
    # The active preset is listed first, marked.
    assert page.index("Kab. Kepahiang 2025") < page.index("Kerangka nasional (default)</a>")
    assert set(AuditRecord.objects.filter(action__startswith="tpp.preset").values_list(
        "action", flat=True)) == {"tpp.preset_install", "tpp.preset_activate"}


def test_install_an_unknown_template_is_refused(tpp, client_for):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    response = client.post(reverse("tpp_preset_install"), {"template": "perbup-karangan"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert TppPreset.objects.count() == 1


# --- The parameters in plain language -------------------------------------------------------


def test_a_version_is_shown_in_plain_language_with_its_sources(tpp, client_for):
    client = client_for(tpp.cast.accounts["pimpinan"])
    page = client.get(detail_url(tpp.preset)).content.decode()
    for text in (
        "Version 1, in force from Januari 2020",
        "Basic TPP = reference amount × index 1, rounded to the rupiah.",
        "Rp5.764.000",  # kelas 6
        "100% of the basic TPP",  # the one component
        "Kinerja", "60%", "by predikat (factor table)", "none (paid in full)",
        "Needs improvement", "75%",  # the predikat factor table
        "TL1", "1–30", "0,5%", "91 or more", "early leave (PSW)",
        "4% per day",  # tanpa keterangan
        "Sick leave", "3–14 days: 25%", "month 1: 50%", "the leave days are not paid",
        "Allowance cut of 25 percent for 6 months",
        "100% of the payable amount",  # the cap
        "Temporarily dismissed",
        "the higher of the own and the acting position",
        "1% paid by the employee (deducted), 4% by the Pemda, on the TPP up to Rp12.000.000",
        "borne by the APBD (shown, not deducted): golongan I: 0%, golongan II: 0%, "
        "golongan III: 5%, golongan IV: 15%, other golongan: 0%",
        "to Rp1, to the nearest (half up)",
        # The sources with their marks.
        "Permentan 68/2012 (RULES.md 2.4 preset A, P)", "(P) secondary source",
        "(U) unconfirmed", "(C) confirmed",
    ):
        assert text in page, text


def test_lubuklinggau_shows_reference_index_and_components(tpp, client_for):
    preset = services.preset_install(actor=None, instansi_id=tpp.cast.instansi.pk,
                                     template="lubuklinggau_2022")
    page = client_for(tpp.cast.accounts["admin_bkpsdm"]).get(detail_url(preset)).content.decode()
    assert "reference amount × index 0.59112978" in page
    # RULES.md 2.2: Rp29,286,000 x 0.59112978 = Rp17,311,827 for kelas 15.
    assert "Rp29.286.000" in page and "Rp17.311.827" in page
    assert "Kondisi kerja (Pengguna Anggaran)" in page
    assert "kelas 14, 15; heads of an OPD (Pengguna Anggaran) only" in page
    assert "25% of the basic TPP; kelas 4: 40%, kelas 3: 40%, kelas 2: 50%, kelas 1: 50%" in page


# --- A new version --------------------------------------------------------------------------


def test_the_edit_form_starts_from_the_latest_version(tpp, client_for):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    form = client.get(edit_url(tpp.preset)).context["form"]
    assert form["part_0_pct"].value() == "60" and form["part_1_pct"].value() == "40"
    assert form["base_6"].value() == "5764000"
    assert form["band_0_code"].value() == "TL1" and form["band_3_high"].value() == ""
    assert form["absence_pct"].value() == "4"
    assert form["leave_sakit_mode"].value() == "days_in_month"
    assert form["effective_month"].value() == "2026-11"  # the current month (Nov 2026)


def test_an_edit_makes_version_2_and_leaves_version_1(tpp, client_for):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    v1 = tpp.preset.versions.get()
    before = dict(v1.params)
    response = client.post(edit_url(tpp.preset), form_body(
        before, part_0_pct="70", part_1_pct="30", absence_pct="5", band_0_pct="0,75",
        base_6="Rp 6.000.000", effective_month="2026-12"))
    assert response.status_code == 302
    assert response["Location"] == detail_url(tpp.preset, 2)
    v2 = tpp.preset.versions.get(number=2)
    assert v2.effective_from == dt.date(2026, 12, 1) and v2.note == "Perbup 12/2026"
    assert [p["pct"] for p in v2.params["parts"]] == ["70", "30"]
    assert v2.params["absence_pct_per_day"] == "5"
    assert v2.params["bands"][0] == {"code": "TL1", "applies_to": "late", "low": 1,
                                     "high": 30, "pct": "0.75"}
    assert v2.params["base"]["reference_by_kelas"]["6"] == "6000000"
    assert v2.created_by == tpp.cast.accounts["admin_bkpsdm"]
    # Version 1 is as it was.
    v1.refresh_from_db()
    assert v1.params == before == template_params("nasional")
    # What the user sees.
    page = client.get(response["Location"]).content.decode()
    assert "Version 2 is saved, in force from Desember 2026." in page
    assert "Version 2, in force from Desember 2026" in page
    assert "70%" in page and "0,75%" in page and "5% per day" in page
    assert "Rp6.000.000" in page
    page = client.get(detail_url(tpp.preset, 1)).content.decode()
    assert "Version 1, in force from Januari 2020" in page and "60%" in page
    assert "Rp6.000.000" not in page
    record = AuditRecord.objects.get(action="tpp.preset_version")
    assert record.changes["changed"][1] == ["absence_pct_per_day", "bands", "base", "parts"]


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_an_unchanged_form_keeps_every_parameter(tpp, client_for, template):
    """Fields and JSON put back together give the same parameters (nothing lost or retyped)."""
    preset = services.preset_install(actor=None, instansi_id=tpp.cast.instansi.pk,
                                     template=template)
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    response = client.post(edit_url(preset), form_body(template_params(template)))
    assert response.status_code == 302
    assert preset.versions.get(number=2).params == template_params(template)


def test_the_advanced_json_edits_what_has_no_field(tpp, client_for):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    params = template_params("nasional")
    params["asn_type_pct"]["CPNS"] = "80"
    params["parts"][0]["pct"] = "99"  # a field says 60: the field wins
    body = form_body(template_params("nasional"))
    body["params_json"] = json.dumps(params)
    assert client.post(edit_url(tpp.preset), body).status_code == 302
    v2 = tpp.preset.versions.get(number=2)
    assert v2.params["asn_type_pct"]["CPNS"] == "80"
    assert v2.params["parts"][0]["pct"] == "60"
    page = client.get(detail_url(tpp.preset, 2)).content.decode()
    assert "CPNS</dt><dd>80% of the ceiling paid" in page


def test_invalid_input_lists_every_problem_and_saves_nothing(tpp, client_for):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    body = form_body(template_params("nasional"), part_0_pct="70",  # 70 + 40
                     band_1_low="20",  # TL2 from minute 20 overlaps TL1 (1-30)
                     absence_pct="empat", bpjs_ceiling="dua belas juta")
    response = client.post(edit_url(tpp.preset), body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The preset has errors." in page
    for problem in ("parts: the percentages add up to 110, not 100",
                    "bands: TL1 and TL2 overlap",
                    "absence_pct_per_day: &#x27;empat&#x27; is not a number",
                    "bpjs.ceiling: &#x27;dua belas juta&#x27; is not a number"):
        assert page.count(problem) == 2, problem  # in the list and next to its section
    assert "4 problems:" in page
    # The form keeps what was typed.
    assert response.context["form"]["absence_pct"].value() == "empat"
    assert TppPresetVersion.objects.count() == 1
    assert not AuditRecord.objects.filter(action="tpp.preset_version").exists()


@pytest.mark.parametrize("text, message", [
    ("{", "This is not valid JSON"),
    ("[1, 2]", "The parameters must be a JSON object"),
    ('{"components": "tpp"}', "components: must be a list"),
    ('{"leave": {"sakit": {"mode": "days_in_month", "table": [[1, 2]]}}}',
     "leave.sakit.table: must be a list of [from, to, pct]"),
])
def test_unreadable_json_is_refused(tpp, client_for, text, message):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    body = form_body(template_params("nasional"), params_json=text)
    response = client.post(edit_url(tpp.preset), body)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert TppPresetVersion.objects.count() == 1


def test_a_bad_month_is_refused(tpp, client_for):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    response = client.post(edit_url(tpp.preset), form_body(
        template_params("nasional"), effective_month="Des-26"))
    assert response.status_code == 400
    assert "“Des-26” is not a month; use the form YYYY-MM." in response.content.decode()
    assert TppPresetVersion.objects.count() == 1


def test_a_form_started_before_another_save_is_refused(tpp, client_for):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    params = template_params("nasional")
    assert client.post(edit_url(tpp.preset), form_body(params)).status_code == 302
    # A second tab still holds the form of version 1.
    response = client.post(edit_url(tpp.preset), form_body(params, number=1, absence_pct="6"))
    assert response.status_code == 400
    assert "Version 2 was saved while you edited" in response.content.decode()
    assert TppPresetVersion.objects.count() == 2


# --- Approved months never change -----------------------------------------------------------


def test_a_version_from_an_approved_month_is_refused(tpp, client_for):
    approve_october(tpp)
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    page = client.get(edit_url(tpp.preset)).content.decode()
    assert "The TPP of Oktober 2026 is approved: the new version can start from " \
           "November 2026 at the earliest." in page
    response = client.post(edit_url(tpp.preset), form_body(
        template_params("nasional"), part_0_pct="70", part_1_pct="30",
        effective_month="2026-10"))
    assert response.status_code == 400
    assert "The TPP of 10/2026 is approved: a new version can start from the month after " \
           "it." in response.content.decode()
    assert TppPresetVersion.objects.count() == 1


def test_a_preset_edit_leaves_an_approved_month_unchanged(tpp, client_for):
    """Issue 6: compute and approve October, change the preset from November; October's lines
    and totals stay as approved and October cannot be recomputed."""
    october = approve_october(tpp)
    lines_before = list(TppLine.objects.filter(month=october).order_by("pegawai_id")
                        .values_list("pegawai_id", *LINE_FIELDS))
    month_before = TppMonth.objects.filter(pk=october.pk).values(
        "status", "version_id", "people", "total_gross", "total_net", "results_digest",
        "approved_at").get()
    assert len(lines_before) == 10 and month_before["status"] == TppMonthStatus.APPROVED
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    response = client.post(edit_url(tpp.preset), form_body(
        template_params("nasional"), part_0_pct="70", part_1_pct="30", absence_pct="10",
        effective_month="2026-11"))
    assert response.status_code == 302
    v2 = tpp.preset.versions.get(number=2)
    assert v2.effective_from == dt.date(2026, 11, 1)
    page = client.get(reverse("tpp_presets")).content.decode()
    assert "Oktober 2026 · approved" in page  # version 1 is the one October used

    admin = tpp.cast.accounts["admin_bkpsdm"]
    with pytest.raises(ApplicationError) as refused:
        services.month_compute(actor=admin, month=OCTOBER)
    assert refused.value.code == "month_approved"
    with pytest.raises(Conflict):
        services.month_compute_start(actor=admin, month=OCTOBER)

    assert list(TppLine.objects.filter(month=october).order_by("pegawai_id")
                .values_list("pegawai_id", *LINE_FIELDS)) == lines_before
    assert TppMonth.objects.filter(pk=october.pk).values(*month_before).get() == month_before
    # November is computed with the new version.
    services.month_compute(actor=admin, month=Month(2026, 11))
    assert TppMonth.objects.get(period=dt.date(2026, 11, 1)).version == v2


# --- Query counts ---------------------------------------------------------------------------


def _queries(django_assert_max_num_queries, client, url, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_does_not_grow_with_presets_and_versions(tpp, client_for,
                                                          django_assert_max_num_queries):
    client = client_for(tpp.cast.accounts["admin_bkpsdm"])
    admin = tpp.cast.accounts["admin_bkpsdm"]
    url = reverse("tpp_presets")
    one = _queries(django_assert_max_num_queries, client, url, 12)
    for template in ("kepahiang_2025", "ogan_ilir_2023", "deli_serdang"):
        preset = services.preset_install(actor=admin, template=template)
        for month in (11, 12):
            services.preset_version_create(actor=admin, preset=preset,
                                           params=template_params(template),
                                           effective_from=dt.date(2026, month, 1))
    approve_october(tpp)
    assert _queries(django_assert_max_num_queries, client, url, 12) == one
    services.preset_version_create(actor=admin, preset=tpp.preset,
                                   params=template_params("nasional"),
                                   effective_from=dt.date(2026, 11, 1))
    detail = detail_url(tpp.preset)
    first = _queries(django_assert_max_num_queries, client, detail, 12)
    for month in (12, 1):
        services.preset_version_create(actor=admin, preset=tpp.preset,
                                       params=template_params("nasional"),
                                       effective_from=dt.date(2026 + (month == 1), month, 1))
    assert _queries(django_assert_max_num_queries, client, detail, 12) == first
    # 11: with the verified session's two-factor device read on every request (django-otp).
    _queries(django_assert_max_num_queries, client, edit_url(tpp.preset), 11)
