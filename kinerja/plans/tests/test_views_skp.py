"""The SKP pages: list, SKP page, content forms and workflow buttons, per role, with and
without HTMX, and their query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.plans import services
from kinerja.plans.models import Rhk, Skp, SkpStatus
from kinerja.plans.testing import add_rhk, approve

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _complete(cast, plan) -> Skp:
    skp = plan.skp["pegawai"]
    add_rhk(cast, "pegawai", skp, "Surat masuk tercatat", parent=plan.rhk["atasan"],
            intervention="langsung")
    skp.refresh_from_db()
    return skp


def _submitted(cast, plan) -> Skp:
    skp = _complete(cast, plan)
    services.skp_submit(actor=cast.pegawai, skp=skp)
    skp.refresh_from_db()
    return skp


def _text(response) -> str:
    return response.content.decode()


# --- List -----------------------------------------------------------------------------------


def test_employee_sees_own_skp_with_its_status(client_for, cast, plan):
    response = client_for(cast.pegawai).get(reverse("skp_list"))
    body = _text(response)
    assert response.status_code == 200
    assert f"/skp/{plan.skp['pegawai'].pk}/" in body
    assert "status-draft" in body
    assert reverse("skp_open") not in body  # the SKP of the current position exists


def test_employee_without_an_skp_opens_one_for_the_year(client_for, cast, plan):
    client = client_for(cast.pegawai2)
    assert reverse("skp_open") in _text(client.get(reverse("skp_list")))
    response = client.post(reverse("skp_open"))
    skp = Skp.objects.get(pegawai=cast.people["pegawai2"], year=plan.year)
    assert response.status_code == 302
    assert response["Location"] == reverse("skp_detail", args=[skp.pk])
    assert skp.status == SkpStatus.DRAFT


def test_opening_a_second_skp_explains_instead_of_failing(client_for, cast, plan):
    response = client_for(cast.pegawai).post(reverse("skp_open"), follow=True)
    assert response.status_code == 200
    assert "You already have an SKP for this position and year." in _text(response)


def test_supervisor_sees_subordinates_skp_waiting_for_approval(client_for, cast, plan):
    skp = _submitted(cast, plan)
    body = _text(client_for(cast.atasan).get(reverse("skp_list")))
    assert "Waiting for approval" in body
    assert f"/skp/{skp.pk}/" in body
    assert "rated by you" in body


def test_admins_filter_the_skp_in_their_scope(client_for, cast, plan):
    _submitted(cast, plan)
    client = client_for(cast.admin_bkpsdm)
    body = _text(client.get(reverse("skp_list"), {"status": SkpStatus.SUBMITTED}))
    assert "1 SKP found" in body
    assert "Dewi Pelaksana" in body and "Citra Kasubag" not in body
    approved = _text(client.get(reverse("skp_list"), {"status": SkpStatus.APPROVED,
                                                      "year": plan.year}))
    assert "3 SKP found" in approved
    assert "0 SKP found" in _text(client.get(reverse("skp_list"), {"year": plan.year - 1}))


def test_admin_opd_sees_only_their_opd(client_for, cast, plan):
    services.skp_create(actor=cast.outsider, pegawai=cast.people["outsider"], year=plan.year)
    body = _text(client_for(cast.admin_opd).get(reverse("skp_list")))
    assert "Dewi Pelaksana" in body and "Hadi Disdik" not in body
    assert "Hadi Disdik" in _text(client_for(cast.pimpinan).get(reverse("skp_list")))


def test_skp_list_htmx_filter_gets_the_results_partial(client_for, cast, plan):
    response = client_for(cast.admin_bkpsdm).get(reverse("skp_list"), {"year": plan.year},
                                                 **HTMX)
    assert "<html" not in _text(response)
    assert "SKP found" in _text(response)


def test_skp_list_query_count_does_not_grow_with_the_rows(
    client_for, cast, plan, django_assert_max_num_queries
):
    client = client_for(cast.admin_bkpsdm)
    client.get(reverse("skp_list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("skp_list"))
    for who in ("pegawai2", "kasi", "staf_kasi", "outsider", "admin_opd"):
        services.skp_create(actor=cast.accounts[who], pegawai=cast.people[who], year=plan.year)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("skp_list"))
    assert "9 SKP found" in _text(response)


# --- SKP page -------------------------------------------------------------------------------


def test_skp_page_shows_everything_the_skp_holds(client_for, cast, plan):
    skp = _complete(cast, plan)
    services.lampiran_save(actor=cast.pegawai, skp=skp, kind="dukungan_sumber_daya",
                           text="Komputer dan printer")
    services.perilaku_update(actor=cast.atasan, skp=skp,
                             expectations={"BO": "Melayani tamu dengan ramah"})
    body = _text(client_for(cast.pegawai).get(reverse("skp_detail", args=[skp.pk])))
    for expected in [
        "Dewi Pelaksana", "Pengadministrasi Perkantoran", "Subbagian Umum dan Kepegawaian",
        "Non-JPT", "Citra Kasubag",  # pejabat penilai resolved today
        "Surat masuk tercatat", "Dukungan atasan",  # the supervisor's RHK it serves
        "Jumlah surat masuk tercatat", "12 dokumen",
        "Berorientasi Pelayanan", "Memahami dan memenuhi kebutuhan masyarakat",
        "Melayani tamu dengan ramah", "Komputer dan printer", "Resource support",
        "Opened the SKP", "Added an RHK",
        f"/skp/{skp.pk}/dokumen.pdf",
    ]:
        assert expected in body, expected


def test_jpt_skp_shows_perspektif_and_the_iku_it_serves(client_for, cast, plan):
    body = _text(client_for(cast.kadis).get(reverse("skp_detail", args=[plan.skp["kadis"].pk])))
    assert "JPT" in body and "Service recipients" in body
    assert "IKU IKU1" in body


def test_range_and_qualitative_targets_are_shown(client_for, cast, plan):
    skp = plan.skp["pegawai"]
    rhk = services.rhk_save(actor=cast.pegawai, skp=skp, text="Arsip tertata", kind="tambahan")
    services.indicator_save(actor=cast.pegawai, rhk=rhk, aspek="kualitas", text="Ketepatan",
                            target_kind="rentang", target_min=Decimal(90),
                            target_max=Decimal("97.5"), unit="persen")
    services.indicator_save(actor=cast.pegawai, rhk=rhk, aspek="kualitas", text="Kerapian",
                            target_kind="kualitatif", target_text="Tanpa keluhan pimpinan")
    body = _text(client_for(cast.pegawai).get(reverse("skp_detail", args=[skp.pk])))
    assert "90 – 97.50 persen" in body
    assert "Tanpa keluhan pimpinan" in body


def test_skp_page_query_count_does_not_grow_with_rhk(
    client_for, cast, plan, django_assert_max_num_queries
):
    skp = _complete(cast, plan)
    client = client_for(cast.pegawai)
    url = reverse("skp_detail", args=[skp.pk])
    client.get(url)
    with django_assert_max_num_queries(32) as few:
        client.get(url)
    for n in range(5):
        add_rhk(cast, "pegawai", skp, f"Hasil {n}", parent=plan.rhk["atasan"])
        services.lampiran_save(actor=cast.pegawai, skp=skp, kind="konsekuensi", text=f"K{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_returned_skp_shows_the_note_to_the_employee(client_for, cast, plan):
    skp = _submitted(cast, plan)
    services.skp_return(actor=cast.atasan, skp=skp, note="Naikkan target menjadi 24")
    body = _text(client_for(cast.pegawai).get(reverse("skp_detail", args=[skp.pk])))
    assert "Returned by the pejabat penilai" in body
    assert body.count("Naikkan target menjadi 24") == 2  # the note, and in the history


def test_outsider_does_not_find_the_skp(client_for, cast, plan):
    response = client_for(cast.outsider).get(reverse("skp_detail", args=[plan.skp["pegawai"].pk]))
    assert response.status_code == 404


def test_readers_see_no_buttons(client_for, cast, plan):
    skp = _submitted(cast, plan)
    for who in ("pimpinan", "auditor", "kadis", "admin_opd"):
        body = _text(client_for(cast.accounts[who]).get(reverse("skp_detail", args=[skp.pk])))
        for url in ("skp_submit", "skp_approve", "skp_return", "skp_revise", "skp_rhk_add"):
            assert reverse(url, args=[skp.pk]) not in body, (who, url)


def test_only_the_penilai_gets_approve_and_return(client_for, cast, plan):
    skp = _submitted(cast, plan)
    body = _text(client_for(cast.atasan).get(reverse("skp_detail", args=[skp.pk])))
    assert reverse("skp_approve", args=[skp.pk]) in body
    assert reverse("skp_return", args=[skp.pk]) in body
    owner = _text(client_for(cast.pegawai).get(reverse("skp_detail", args=[skp.pk])))
    assert reverse("skp_approve", args=[skp.pk]) not in owner
    assert reverse("skp_rhk_add", args=[skp.pk]) not in owner  # submitted: not editable


# --- Editing --------------------------------------------------------------------------------


def test_owner_adds_an_rhk_serving_the_supervisor_without_javascript(client_for, cast, plan):
    skp = plan.skp["pegawai"]
    client = client_for(cast.pegawai)
    form = _text(client.get(reverse("skp_rhk_add", args=[skp.pk])))
    assert f'value="rhk:{plan.rhk["atasan"].pk}"' in form
    response = client.post(reverse("skp_rhk_add", args=[skp.pk]), {
        "kind": "utama", "text": "Agenda surat tertib", "link": f"rhk:{plan.rhk['atasan'].pk}",
        "intervention": "langsung", "expected_version": skp.version,
    })
    rhk = Rhk.objects.get(skp=skp)
    assert response.status_code == 302
    assert response["Location"] == reverse("skp_detail", args=[skp.pk]) + f"#rhk-{rhk.pk}"
    assert (rhk.parent, rhk.intervention) == (plan.rhk["atasan"], "langsung")


def test_htmx_save_swaps_in_the_new_skp_body(client_for, cast, plan):
    skp = plan.skp["pegawai"]
    client = client_for(cast.pegawai)
    partial = _text(client.get(reverse("skp_rhk_add", args=[skp.pk]), **HTMX))
    assert partial.startswith("<form") and "<html" not in partial
    response = client.post(reverse("skp_rhk_add", args=[skp.pk]), {
        "kind": "tambahan", "text": "Notulen rapat", "expected_version": skp.version,
    }, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#skp-body"
    body = _text(response)
    assert 'id="skp-body"' in body and "Notulen rapat" in body and "RHK saved." in body


def test_form_page_without_htmx_posts_plainly(client_for, cast, plan):
    skp = plan.skp["pegawai"]
    client = client_for(cast.pegawai)
    assert "hx-post" not in _text(client.get(reverse("skp_lampiran_add", args=[skp.pk])))
    assert "hx-post" in _text(client.get(reverse("skp_lampiran_add", args=[skp.pk]), **HTMX))


def test_stale_form_says_changed_meanwhile_and_keeps_the_text(client_for, cast, plan):
    skp = plan.skp["pegawai"]
    client = client_for(cast.pegawai)
    stale = skp.version
    services.lampiran_save(actor=cast.pegawai, skp=skp, kind="konsekuensi", text="Teguran")
    response = client.post(reverse("skp_rhk_add", args=[skp.pk]), {
        "kind": "utama", "text": "Teks yang saya ketik", "expected_version": stale,
    })
    body = _text(response)
    assert response.status_code == 200
    assert "This SKP was changed meanwhile" in body
    assert "Teks yang saya ketik" in body
    assert not Rhk.objects.filter(skp=skp).exists()
    skp.refresh_from_db()
    assert f'name="expected_version" value="{skp.version}"' in body  # saving again applies


def test_service_refusal_is_shown_on_the_form(client_for, cast, plan):
    skp = plan.skp["pegawai"]
    services.skp_revise(actor=cast.atasan, skp=plan.skp["atasan"])  # its RHK is not approved
    response = client_for(cast.pegawai).post(reverse("skp_rhk_add", args=[skp.pk]), {
        "kind": "utama", "text": "Agenda surat", "link": f"rhk:{plan.rhk['atasan'].pk}",
        "intervention": "langsung",
    })
    body = _text(response)
    assert "not approved yet" in body
    assert "Agenda surat" in body


def test_owner_edits_an_indicator_with_a_decimal_comma(client_for, cast, plan):
    skp = _complete(cast, plan)
    indicator = skp.rhk.get().indicators.get()
    client = client_for(cast.pegawai)
    assert "12" in _text(client.get(reverse("skp_indicator_edit", args=[indicator.pk])))
    response = client.post(reverse("skp_indicator_edit", args=[indicator.pk]), {
        "aspek": "kuantitas", "text": indicator.text, "target_kind": "angka",
        "target_min": "24,5", "unit": "dokumen",
    })
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.target_min == Decimal("24.50")


def test_indicator_without_a_unit_is_refused_with_the_reason(client_for, cast, plan):
    skp = _complete(cast, plan)
    rhk = skp.rhk.get()
    response = client_for(cast.pegawai).post(reverse("skp_indicator_add", args=[rhk.pk]), {
        "aspek": "kuantitas", "text": "Jumlah arsip", "target_kind": "angka", "target_min": "5",
    })
    assert "A numeric target needs a number and a unit." in _text(response)
    assert rhk.indicators.count() == 1


def test_owner_removes_an_indicator_and_an_rhk(client_for, cast, plan):
    skp = _complete(cast, plan)
    rhk = skp.rhk.get()
    client = client_for(cast.pegawai)
    response = client.post(reverse("skp_indicator_delete", args=[rhk.indicators.get().pk]))
    assert response.status_code == 302 and not rhk.indicators.exists()
    response = client.post(reverse("skp_rhk_delete", args=[rhk.pk]), **HTMX)
    assert response["HX-Retarget"] == "#skp-body"
    assert not Rhk.objects.filter(pk=rhk.pk).exists()


def test_owner_writes_lampiran_items(client_for, cast, plan):
    skp = plan.skp["pegawai"]
    client = client_for(cast.pegawai)
    assert 'value="konsekuensi" selected' in _text(
        client.get(reverse("skp_lampiran_add", args=[skp.pk]), {"jenis": "konsekuensi"}))
    client.post(reverse("skp_lampiran_add", args=[skp.pk]),
                {"kind": "konsekuensi", "text": "Teguran lisan"})
    item = skp.lampiran.get()
    client.post(reverse("skp_lampiran_edit", args=[item.pk]),
                {"kind": "konsekuensi", "text": "Teguran tertulis"})
    item.refresh_from_db()
    assert item.text == "Teguran tertulis"
    client.post(reverse("skp_lampiran_delete", args=[item.pk]))
    assert not skp.lampiran.exists()


def test_penilai_writes_perilaku_expectations_while_submitted(client_for, cast, plan):
    skp = _submitted(cast, plan)
    client = client_for(cast.atasan)
    form = _text(client.get(reverse("skp_perilaku", args=[skp.pk])))
    assert "Bertindak proaktif" in form  # the guides are on the form
    response = client.post(reverse("skp_perilaku", args=[skp.pk]),
                           {"value_AD": "Usulkan perbaikan alur surat"})
    assert response.status_code == 302
    assert skp.perilaku.get(value="AD").expectation == "Usulkan perbaikan alur surat"
    # The owner can no longer change them once submitted.
    assert client_for(cast.pegawai).get(reverse("skp_perilaku", args=[skp.pk])).status_code == 403


def test_edit_forms_are_refused_to_others(client_for, cast, plan):
    skp = _complete(cast, plan)
    rhk = skp.rhk.get()
    for who, status in [("atasan", 403), ("admin_bkpsdm", 403), ("outsider", 404)]:
        client = client_for(cast.accounts[who])
        assert client.get(reverse("skp_rhk_add", args=[skp.pk])).status_code == status
        assert client.get(reverse("skp_rhk_edit", args=[rhk.pk])).status_code == status
        response = client.post(reverse("skp_rhk_edit", args=[rhk.pk]),
                               {"kind": "utama", "text": "Diubah orang lain"})
        assert response.status_code == status, who
    rhk.refresh_from_db()
    assert rhk.text == "Surat masuk tercatat"


# --- Workflow -------------------------------------------------------------------------------


def test_checklist_lists_what_keeps_the_skp_from_submission(client_for, cast, plan):
    skp = plan.skp["pegawai"]
    client = client_for(cast.pegawai)
    body = _text(client.get(reverse("skp_detail", args=[skp.pk])))
    assert "Before you can submit:" in body and "Add at least one main RHK." in body
    response = client.post(reverse("skp_submit", args=[skp.pk]))
    assert response.status_code == 200
    assert "The SKP is not complete yet" in _text(response)
    _complete(cast, plan)
    assert "Complete: ready to submit" in _text(client.get(reverse("skp_detail", args=[skp.pk])))


def test_submit_return_revise_approve_through_the_pages(client_for, cast, plan):
    skp = _complete(cast, plan)
    url = reverse("skp_detail", args=[skp.pk])
    owner = client_for(cast.pegawai)
    response = owner.post(reverse("skp_submit", args=[skp.pk]),
                          {"expected_version": skp.version})
    assert response.status_code == 302
    skp.refresh_from_db()
    assert skp.status == SkpStatus.SUBMITTED

    penilai = client_for(cast.atasan)
    empty = penilai.post(reverse("skp_return", args=[skp.pk]), {"note": "  "})
    assert empty.status_code == 200 and "This field is required." in _text(empty)
    penilai.post(reverse("skp_return", args=[skp.pk]), {"note": "Target terlalu rendah"})
    skp.refresh_from_db()
    assert skp.status == SkpStatus.RETURNED

    owner = client_for(cast.pegawai)
    assert "Target terlalu rendah" in _text(owner.get(url))
    owner.post(reverse("skp_submit", args=[skp.pk]))
    penilai = client_for(cast.atasan)
    response = penilai.post(reverse("skp_approve", args=[skp.pk]), **HTMX)
    assert response["HX-Retarget"] == "#skp-body" and "SKP approved." in _text(response)
    skp.refresh_from_db()
    assert skp.status == SkpStatus.APPROVED

    owner = client_for(cast.pegawai)
    owner.post(reverse("skp_revise", args=[skp.pk]), {"reason": "Tugas tambahan dari kadis"})
    skp.refresh_from_db()
    assert skp.status == SkpStatus.DRAFT
    assert "Tugas tambahan dari kadis" in _text(owner.get(url))


@pytest.mark.parametrize(("who", "status"), [
    ("pegawai", 403), ("kadis", 403), ("admin_opd", 403), ("admin_bkpsdm", 403),
    ("pimpinan", 403), ("auditor", 403), ("pegawai2", 404), ("outsider", 404),
])
def test_wrong_role_cannot_approve_or_return(client_for, cast, plan, who, status):
    skp = _submitted(cast, plan)
    client = client_for(cast.accounts[who])
    assert client.post(reverse("skp_approve", args=[skp.pk])).status_code == status
    assert client.post(reverse("skp_return", args=[skp.pk]), {"note": "x"}).status_code == status
    skp.refresh_from_db()
    assert skp.status == SkpStatus.SUBMITTED


@pytest.mark.parametrize(("who", "status"), [
    ("atasan", 403), ("kadis", 403), ("admin_bkpsdm", 403), ("outsider", 404),
])
def test_wrong_role_cannot_submit_or_revise(client_for, cast, plan, who, status):
    skp = _complete(cast, plan)
    client = client_for(cast.accounts[who])
    assert client.post(reverse("skp_submit", args=[skp.pk])).status_code == status
    approved = plan.skp["atasan"]
    expected_revise = 404 if who == "outsider" else (302 if who == "atasan" else 403)
    assert client.post(reverse("skp_revise", args=[approved.pk])).status_code == expected_revise


def test_top_of_the_line_is_approved_by_admin_bkpsdm_on_the_page(client_for, cast, plan):
    skp = plan.skp["kadis"]
    services.skp_revise(actor=cast.kadis, skp=skp)
    services.skp_submit(actor=cast.kadis, skp=skp)
    body = _text(client_for(cast.admin_bkpsdm).get(reverse("skp_detail", args=[skp.pk])))
    assert reverse("skp_approve", args=[skp.pk]) in body
    approve_response = client_for(cast.admin_bkpsdm).post(reverse("skp_approve", args=[skp.pk]))
    assert approve_response.status_code == 302


def test_approved_skp_offers_the_pdf_and_a_revision(client_for, cast, plan):
    skp = _complete(cast, plan)
    approve(cast, "pegawai", skp, "atasan")
    body = _text(client_for(cast.pegawai).get(reverse("skp_detail", args=[skp.pk])))
    assert reverse("skp_revise", args=[skp.pk]) in body
    assert f"/skp/{skp.pk}/dokumen.pdf" in body
