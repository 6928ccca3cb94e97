"""Authorization matrix rows for notifications (kinerja/web/notifications*.py): every account
reads and marks its own; another account's notification, in the same instansi or another, does
not exist (404).

Targets: `notification:own` a fresh unread notification of the actor (the pegawai's for
anonymous), made per call since marking it read changes it; `notification:other` one of pegawai2
(not an actor); `notification:foreign` one of another instansi's pegawai.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kinerja.web.tests.matrix_base import API, Row, api, page


def _notification(world: Any, actor: str, name: str) -> str:
    from kinerja.people.models import Notification

    if name == "own":
        account = world.cast.accounts["pegawai" if actor == "anonymous" else actor]
    elif name == "other":
        account = world.cast.accounts["pegawai2"]
    elif name == "foreign":
        account = world.foreign.accounts["pegawai"]
    else:
        raise AssertionError(f"unknown notification target {name!r}")
    found = Notification.objects.create(
        instansi_id=account.instansi_id, account=account, kind="matrix", title="Matriks",
        link="/",
    )
    return str(found.pk)


TARGETS: dict[str, Callable[..., Any]] = {"notification": _notification}

ROWS: list[Row] = [
    # --- API ------------------------------------------------------------------------------------
    Row("GET", f"{API}/notifications", api(200)),
    Row("GET", f"{API}/notifications/unread-count", api(200)),
    Row("POST", f"{API}/notifications/read-all", api(200)),
    Row("POST", f"{API}/notifications/{{notification_id}}/read", api(200),
        target="notification:own"),
    Row("POST", f"{API}/notifications/{{notification_id}}/read", api(404),
        target="notification:other"),
    Row("POST", f"{API}/notifications/{{notification_id}}/read", api(404),
        target="notification:foreign"),
    # --- Pages ----------------------------------------------------------------------------------
    Row("GET", "/notifikasi/", page(200)),
    Row("POST", "/notifikasi/<int:pk>/baca/", page(302), target="notification:own"),
    Row("POST", "/notifikasi/<int:pk>/baca/", page(404), target="notification:other"),
    Row("POST", "/notifikasi/<int:pk>/baca/", page(404), target="notification:foreign"),
    Row("POST", "/notifikasi/baca-semua/", page(302)),
]
