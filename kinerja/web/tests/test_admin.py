"""Django admin: only for staff admin BKPSDM, scoped to their instansi, every write audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from kinerja.core.models import AuditRecord, Instansi
from kinerja.org.models import Jabatan, Opd
from kinerja.people.models import Pegawai


@pytest.fixture
def staff_admin(cast):
    account = cast.admin_bkpsdm
    account.is_staff = True
    account.save()
    return account


def _post_data(response) -> dict[str, Any]:
    """The admin form as the browser would submit it, unchanged."""
    data: dict[str, Any] = {}

    def put(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            return
        if value is True:
            data[key] = "on"
        elif isinstance(value, (dt.date,)):
            data[key] = value.isoformat()
        else:
            data[key] = value

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                put(sub, name)
    return data


def test_admin_bkpsdm_with_staff_flag_gets_the_admin(client_for, staff_admin):
    response = client_for(staff_admin).get(reverse("admin:index"))
    assert response.status_code == 200
    page = response.content.decode()
    for model in ["people/pegawai", "org/jabatan", "org/opd", "core/auditrecord"]:
        assert f"/admin/{model}/" in page


@pytest.mark.parametrize("who", ["admin_opd", "pimpinan", "pegawai"])
def test_other_roles_do_not_get_the_admin_even_as_staff(client_for, cast, who):
    account = cast.accounts[who]
    account.is_staff = True
    account.save()
    response = client_for(account).get(reverse("admin:people_pegawai_changelist"))
    assert response.status_code == 403


def test_admin_bkpsdm_without_staff_flag_is_sent_to_the_admin_login(client_for, cast):
    response = client_for(cast.admin_bkpsdm).get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_admin_lists_only_the_own_instansi(client_for, cast, staff_admin):
    other = Instansi.objects.create(code="lain", name="Kabupaten Lain")
    stranger = Pegawai.objects.create(
        instansi=other,
        nip="198001012005011001",
        name="Orang Lain",
        gender="L",
        birth_date=dt.date(1980, 1, 1),
    )
    client = client_for(staff_admin)
    page = client.get(reverse("admin:people_pegawai_changelist")).content.decode()
    assert "Dewi Pelaksana" in page and "Orang Lain" not in page
    response = client.get(reverse("admin:people_pegawai_change", args=[stranger.pk]))
    assert response.status_code == 302  # "does not exist", back to the admin index


def test_admin_edit_is_audited_with_the_diff(client_for, cast, staff_admin):
    client = client_for(staff_admin)
    pegawai = cast.people["pegawai"]
    url = reverse("admin:people_pegawai_change", args=[pegawai.pk])
    data = _post_data(client.get(url))
    data["golongan"] = "III/b"
    data["phone"] = "0812 1111 2222"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = AuditRecord.objects.get(action="pegawai.update")
    assert record.object_id == str(pegawai.pk)
    assert record.actor_id == staff_admin.pk
    assert record.changes == {"golongan": ["III/a", "III/b"], "phone": ["", "0812 1111 2222"]}


def test_admin_employee_save_validates_the_nip_like_the_service(client_for, cast, staff_admin):
    client = client_for(staff_admin)
    pegawai = cast.people["pegawai"]
    url = reverse("admin:people_pegawai_change", args=[pegawai.pk])
    data = _post_data(client.get(url))
    data["golongan"] = "iii-b"  # normalised by the service
    assert client.post(url, data).status_code == 302
    pegawai.refresh_from_db()
    assert pegawai.golongan == "III/b"


def test_admin_cannot_delete_employees_accounts_or_opds(client_for, cast, staff_admin):
    """Deleting would cascade to history, grants and tokens without audit: deactivate instead."""
    client = client_for(staff_admin)
    for name, obj in [
        ("people_pegawai", cast.people["pegawai"]),
        ("people_account", cast.pegawai),
        ("org_opd", cast.opds["disdik"]),
    ]:
        response = client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"})
        assert response.status_code == 403, name
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_admin_moving_a_position_rewrites_the_subtree_and_is_audited(client_for, cast, staff_admin):
    client = client_for(staff_admin)
    kasi = cast.positions["kasi"]
    url = reverse("admin:org_jabatan_change", args=[kasi.pk])
    data = _post_data(client.get(url))
    data["supervisor"] = cast.positions["sekretaris"].pk
    response = client.post(url, data)
    assert response.status_code == 302
    kasi.refresh_from_db()
    pengelola = Jabatan.objects.get(pk=cast.positions["pengelola"].pk)
    assert kasi.path == f"{cast.positions['sekretaris'].path}{kasi.pk}/"
    assert pengelola.path == f"{kasi.path}{pengelola.pk}/"
    record = AuditRecord.objects.get(action="jabatan.update")
    assert record.changes["supervisor"] == [
        cast.positions["kabid"].pk,
        cast.positions["sekretaris"].pk,
    ]


def test_admin_refuses_a_supervisor_loop_on_the_form(client_for, cast, staff_admin):
    client = client_for(staff_admin)
    kabid = cast.positions["kabid"]
    url = reverse("admin:org_jabatan_change", args=[kabid.pk])
    data = _post_data(client.get(url))
    data["supervisor"] = cast.positions["pengelola"].pk  # its own subordinate
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cannot report to itself" in response.content.decode()
    assert not AuditRecord.objects.filter(action="jabatan.update").exists()


def test_admin_create_and_delete_are_audited(client_for, cast, staff_admin):
    client = client_for(staff_admin)
    response = client.post(
        reverse("admin:org_opd_add"),
        {"code": "DISHUB", "name": "Dinas Perhubungan", "short_name": "Dishub", "is_active": "on"},
    )
    assert response.status_code == 302
    opd = Opd.objects.get(code="DISHUB")
    assert opd.instansi_id == cast.instansi.pk
    created = AuditRecord.objects.get(action="opd.create")
    assert created.changes["name"] == [None, "Dinas Perhubungan"]
    history = cast.people["pegawai"].assignments.get()
    url = reverse("admin:people_positionassignment_delete", args=[history.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    deleted = AuditRecord.objects.get(action="positionassignment.delete")
    assert deleted.changes["start_date"] == [history.start_date.isoformat(), None]


def test_audit_records_are_read_only_in_the_admin(client_for, cast, staff_admin):
    client = client_for(staff_admin)
    client.post(reverse("admin:org_opd_add"), {"code": "X1", "name": "Dinas X", "is_active": "on"})
    record = AuditRecord.objects.get()
    assert client.get(reverse("admin:core_auditrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:core_auditrecord_change", args=[record.pk])).status_code == 200
    assert client.get(reverse("admin:core_auditrecord_add")).status_code == 403
    response = client.post(
        reverse("admin:core_auditrecord_delete", args=[record.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditRecord.objects.filter(pk=record.pk).exists()


def test_staff_auditor_reads_the_audit_trail_but_not_people(client_for, cast):
    auditor = cast.auditor
    auditor.is_staff = True
    auditor.save()
    client = client_for(auditor)
    assert client.get(reverse("admin:core_auditrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:people_pegawai_changelist")).status_code == 403


def test_admin_never_shows_superusers_or_password_hashes(client_for, cast, staff_admin):
    from kinerja.people.models import Account

    Account.objects.create_superuser("root", "x" * 12, instansi=cast.instansi)
    client = client_for(staff_admin)
    page = client.get(reverse("admin:people_account_changelist")).content.decode()
    assert "root" not in page
    change = client.get(reverse("admin:people_account_change", args=[cast.pegawai.pk]))
    assert (
        "md5$" not in change.content.decode()
        and "password" not in change.context["adminform"].form.fields
    )


def test_role_grants_go_through_the_grant_and_revoke_services(client_for, cast, staff_admin):
    from kinerja.people.models import RoleGrant

    client = client_for(staff_admin)
    response = client.post(
        reverse("admin:people_rolegrant_add"),
        {"account": cast.atasan.pk, "role": "admin_opd", "opd": cast.opds["dinkes"].pk},
    )
    assert response.status_code == 302
    grant = RoleGrant.objects.get(account=cast.atasan)
    assert grant.instansi_id == cast.instansi.pk
    assert AuditRecord.objects.filter(action="role.grant", object_id=str(grant.pk)).exists()
    missing_opd = client.post(
        reverse("admin:people_rolegrant_add"), {"account": cast.kasi.pk, "role": "admin_opd"}
    )
    assert missing_opd.status_code == 200 and not RoleGrant.objects.filter(account=cast.kasi)
    response = client.post(
        reverse("admin:people_rolegrant_delete", args=[grant.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditRecord.objects.filter(action="role.revoke").exists()
