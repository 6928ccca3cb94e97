"""Notifications: what notify writes and mails, the /notifikasi/ page, the header count, the API,
and the workflow hooks that notify (SKP returned or approved, activity log returned)."""

from __future__ import annotations

import logging

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.people.models import Notification
from kinerja.people.notifications import notify, unread_count

HTMX = {"HTTP_HX_REQUEST": "true"}


class BrokenBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")


def _tell(cast, who: str = "pegawai", title: str = "Pesan", link: str = "/", **extra):
    return notify(
        pegawai_ids=[cast.people[who].pk], kind="test", title=title, link=link, **extra
    )[0]


def _with_email(cast, who: str, address: str) -> None:
    person = cast.people[who]
    person.email = address
    person.save(update_fields=["email"])


# --- notify: rows and e-mail ------------------------------------------------------------------


def test_notify_writes_one_unread_row_per_account_in_the_instansi_language(cast):
    rows = notify(
        pegawai_ids=[cast.people["pegawai"].pk, cast.people["pegawai2"].pk],
        kind="test", title="SKP %(year)s", params={"year": 2026}, link="/skp/1/",
    )
    assert len(rows) == 2
    found = Notification.objects.get(account=cast.pegawai)
    assert (found.title, found.link, found.read_at) == ("SKP 2026", "/skp/1/", None)
    assert found.instansi_id == cast.instansi.pk


def test_a_reminder_with_a_dedupe_key_is_written_once(cast):
    for _ in range(2):
        notify(pegawai_ids=[cast.people["pegawai"].pk], kind="assignment_due_soon",
               title="Tenggat", dedupe_key="assignment:1:due")
    assert Notification.objects.filter(account=cast.pegawai).count() == 1


def test_an_account_with_an_address_gets_one_mail_after_commit(
    cast, django_capture_on_commit_callbacks, settings
):
    settings.KINERJA_SITE_URL = "https://kinerja.example.go.id"
    _with_email(cast, "pegawai", "pegawai@example.go.id")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(pegawai_ids=[cast.people["pegawai"].pk], kind="test", title="SKP dikembalikan",
               body="Perbaiki target", link="/skp/7/")
        assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["pegawai@example.go.id"]
    assert sent.subject == "SKP dikembalikan"
    assert "Perbaiki target" in sent.body
    assert "https://kinerja.example.go.id/skp/7/" in sent.body


def test_an_account_without_an_address_gets_no_mail(cast, django_capture_on_commit_callbacks):
    _with_email(cast, "pegawai", "pegawai@example.go.id")
    with django_capture_on_commit_callbacks(execute=True):
        notify(pegawai_ids=[cast.people["pegawai"].pk, cast.people["pegawai2"].pk],
               kind="test", title="Pesan")
    assert [m.to for m in mail.outbox] == [["pegawai@example.go.id"]]
    assert Notification.objects.filter(account=cast.pegawai2).count() == 1


def test_no_mail_is_scheduled_when_nobody_has_an_address(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _tell(cast)
    assert callbacks == [] and mail.outbox == []


def test_a_failing_mail_server_does_not_break_the_write_it_logs(
    cast, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    _with_email(cast, "pegawai", "pegawai@example.go.id")
    with caplog.at_level(logging.ERROR, logger="kinerja.people.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            _tell(cast)
    assert Notification.objects.filter(account=cast.pegawai).count() == 1
    assert "notification e-mail failed" in caplog.text


# --- The page --------------------------------------------------------------------------------


def test_page_lists_own_notifications_newest_first_with_unread_marked(cast, client_for):
    old = _tell(cast, title="Lama sudah dibaca")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    _tell(cast, title="Baru belum dibaca")
    _tell(cast, "pegawai2", title="Milik orang lain")
    response = client_for(cast.pegawai).get(reverse("notifications"))
    text = response.content.decode()
    assert response.status_code == 200
    assert text.index("Baru belum dibaca") < text.index("Lama sudah dibaca")
    assert "Milik orang lain" not in text
    assert text.count("notif-unread") == 1


def test_unread_filter_shows_only_unread(cast, client_for):
    read = _tell(cast, title="Sudah dibaca")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    _tell(cast, title="Belum dibaca")
    text = client_for(cast.pegawai).get(reverse("notifications"), {"unread": "1"}).content.decode()
    assert "Belum dibaca" in text and "Sudah dibaca" not in text


def test_empty_page_says_so(cast, client_for):
    response = client_for(cast.pegawai).get(reverse("notifications"))
    assert "No notifications yet." in response.content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(cast, client_for):
    found = _tell(cast, link="/skp/12/")
    response = client_for(cast.pegawai).post(reverse("notification_open", args=[found.pk]))
    assert response.status_code == 302 and response["Location"] == "/skp/12/"
    found.refresh_from_db()
    assert found.read_at is not None


def test_opening_again_keeps_the_first_reading_time(cast, client_for):
    found = _tell(cast)
    client = client_for(cast.pegawai)
    client.post(reverse("notification_open", args=[found.pk]))
    found.refresh_from_db()
    first = found.read_at
    client.post(reverse("notification_open", args=[found.pk]))
    found.refresh_from_db()
    assert found.read_at == first


def test_a_link_off_site_goes_back_to_the_list(cast, client_for):
    found = _tell(cast, link="//evil.example/")
    response = client_for(cast.pegawai).post(reverse("notification_open", args=[found.pk]))
    assert response["Location"] == reverse("notifications")


def test_another_accounts_notification_is_not_found(cast, client_for):
    other = _tell(cast, "pegawai2")
    response = client_for(cast.pegawai).post(reverse("notification_open", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read_clears_only_ones_own(cast, client_for):
    _tell(cast)
    _tell(cast)
    _tell(cast, "pegawai2")
    response = client_for(cast.pegawai).post(reverse("notifications_read_all"))
    assert response.status_code == 302
    assert unread_count(cast.pegawai) == 0
    assert unread_count(cast.pegawai2) == 1


def test_opening_needs_post(cast, client_for):
    found = _tell(cast)
    response = client_for(cast.pegawai).get(reverse("notification_open", args=[found.pk]))
    assert response.status_code == 405


def test_page_queries_do_not_grow_with_the_notifications(
    cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.pegawai)
    _tell(cast)
    client.get(reverse("notifications"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications"))
    for n in range(40):
        _tell(cast, title=f"Pesan {n}")
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse("notifications"))
    assert "Page 1 of 2" in response.content.decode()


def test_htmx_request_gets_the_list_only(cast, client_for):
    _tell(cast, title="Pesan HTMX")
    response = client_for(cast.pegawai).get(reverse("notifications"), **HTMX)
    text = response.content.decode()
    assert "<html" not in text and "Pesan HTMX" in text


# --- The header count ------------------------------------------------------------------------


def test_header_shows_the_unread_count_on_every_page(cast, client_for):
    _tell(cast)
    _tell(cast)
    read = _tell(cast)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    text = client_for(cast.pegawai).get(reverse("home")).content.decode()
    assert 'class="bell"' in text
    assert '<span class="bell-count" aria-hidden="true">2</span>' in text


def test_header_shows_no_count_when_all_are_read(cast, client_for):
    text = client_for(cast.pegawai).get(reverse("account")).content.decode()
    assert 'class="bell"' in text and "bell-count" not in text


def test_header_count_caps_at_99(cast):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from kinerja.web.context import navigation

    Notification.objects.bulk_create(
        Notification(instansi=cast.instansi, account=cast.pegawai, kind="t", title="t")
        for _ in range(120)
    )
    request = RequestFactory().get("/")
    request.user = cast.pegawai
    request.resolver_match = None
    html = render_to_string("base.html", {"user": cast.pegawai, **navigation(request)})
    assert ">99+<" in html


def test_header_count_is_one_query_once_per_request(cast):
    from django.template import Context, Template
    from django.test import RequestFactory

    from kinerja.web.context import navigation

    _tell(cast)
    request = RequestFactory().get("/")
    request.user = cast.pegawai
    request.resolver_match = None
    context = navigation(request)
    template = Template("{{ nav_unread }} {{ nav_unread }}{% if nav_unread %}!{% endif %}")
    with CaptureQueriesContext(connection) as queries:
        assert template.render(Context(context)) == "1 1!"
    assert len(queries) == 1
    assert "COUNT" in queries[0]["sql"].upper()


def test_header_count_is_not_computed_for_partials(cast, client_for):
    """HTMX partials do not render the header, so they pay nothing for it."""
    client = client_for(cast.pegawai)
    client.get(reverse("notifications"), **HTMX)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications"), **HTMX)
    unread_counts = [q["sql"] for q in queries
                     if "COUNT" in q["sql"].upper() and '"read_at" IS NULL' in q["sql"]]
    assert unread_counts == []


def test_anonymous_pages_have_no_bell(client):
    text = client.get(reverse("login")).content.decode()
    assert 'class="bell"' not in text


# --- Hooks -----------------------------------------------------------------------------------


def _submitted_skp(cast, plan):
    from kinerja.plans import services
    from kinerja.plans.testing import add_rhk

    skp = plan.skp["pegawai"]
    add_rhk(cast, "pegawai", skp, "Surat masuk tercatat", parent=plan.rhk["atasan"],
            intervention="langsung")
    skp.refresh_from_db()
    services.skp_submit(actor=cast.pegawai, skp=skp)
    skp.refresh_from_db()
    return skp


def test_returning_an_skp_notifies_the_employee_with_a_link_to_it(cast, plan):
    from kinerja.plans import services

    skp = _submitted_skp(cast, plan)
    services.skp_return(actor=cast.atasan, skp=skp, note="Naikkan target")
    found = Notification.objects.get(account=cast.pegawai, kind="skp_returned")
    assert found.link == f"/skp/{skp.pk}/"
    assert str(plan.year) in found.title
    assert "Naikkan target" in found.body


def test_approving_an_skp_notifies_the_employee(cast, plan):
    from kinerja.plans import services

    skp = _submitted_skp(cast, plan)
    services.skp_approve(actor=cast.atasan, skp=skp)
    found = Notification.objects.get(account=cast.pegawai, kind="skp_approved")
    assert found.link == f"/skp/{skp.pk}/"


def test_a_returned_activity_log_shows_on_the_employees_page(cast, work, client_for):
    from kinerja.activities import services
    from kinerja.activities.testing import log

    activity = log(cast, "pegawai", work)
    services.activity_submit(actor=cast.pegawai, activity=activity)
    services.activity_return(actor=cast.atasan, activity=activity, reason="Lampirkan bukti")
    text = client_for(cast.pegawai).get(reverse("notifications")).content.decode()
    assert "Lampirkan bukti" in text
    found = Notification.objects.get(account=cast.pegawai, kind="activity_returned")
    assert found.link == f"/kegiatan/{activity.pk}/" and found.read_at is None


# --- API -------------------------------------------------------------------------------------


def test_api_lists_own_notifications_paginated_with_an_unread_filter(cast, client_for):
    read = _tell(cast, title="Dibaca")
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    _tell(cast, title="Belum")
    _tell(cast, "pegawai2", title="Orang lain")
    client = client_for(cast.pegawai)
    body = client.get("/api/v1/notifications").json()
    assert body["count"] == 2 and [i["title"] for i in body["items"]] == ["Belum", "Dibaca"]
    assert body["items"][0]["read_at"] is None
    unread = client.get("/api/v1/notifications?unread=true&page_size=1").json()
    assert unread["count"] == 1 and unread["items"][0]["title"] == "Belum"


def test_api_unread_count_read_one_and_read_all(cast, client_for):
    first = _tell(cast)
    _tell(cast)
    _tell(cast)
    client = client_for(cast.pegawai)
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 3}
    response = client.post(f"/api/v1/notifications/{first.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    assert client.post("/api/v1/notifications/read-all").json() == {"marked": 2}
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}


def test_api_another_accounts_notification_is_not_found(cast, client_for):
    other = _tell(cast, "pegawai2")
    response = client_for(cast.pegawai).post(f"/api/v1/notifications/{other.pk}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_list_queries_do_not_grow(cast, client_for, django_assert_max_num_queries):
    client = client_for(cast.pegawai)
    _tell(cast)
    client.get("/api/v1/notifications")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/notifications")
    for n in range(30):
        _tell(cast, title=f"Pesan {n}")
    with django_assert_max_num_queries(len(one)):
        assert client.get("/api/v1/notifications").json()["count"] == 31
