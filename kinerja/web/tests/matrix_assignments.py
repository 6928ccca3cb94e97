"""Authorization matrix rows for assignments (penugasan): the pages (kinerja/activities/
views_assignments.py) and the API (kinerja/activities/api_assignments.py).

Targets (`asg:<name>`), a fresh assignment for every call, so state-changing rows start from
"ditugaskan" for each actor:
- `asg:pegawai`: given by the atasan (kasubag) to the pegawai. Seen by both, by the kadis (the
  line above), the admin OPD of the Dinas Kesehatan and the instansi-wide roles; not by the
  outsider (404). Only the pegawai takes the assignee's steps (accept, progress), only the
  atasan the assigner's (cancel); both comment; everyone else who sees it hears 403.
- `asg:kasi`: given by the kasi to staf_kasi: another supervisor's line. The atasan and the
  pegawai do not see it (404); the kadis sees it but may not act (403).
- `asg:foreign`: another instansi's: 404 for everyone.

Lists and the form are open to every logged-in account (each sees their own, possibly empty).
The form's POST without a choice answers the form with its errors (200), and so does one naming
a person outside the caller's subordinates (`asgnew:pegawai`); the API create names
an id nobody may be assigned to, so every account hears 403 (`not_subordinate`, or `forbidden`
for an account without a person): successful creation is in
kinerja/activities/tests/test_api_assignments.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kinerja.web.tests.matrix_base import API, INSTANSI_READERS, Row, api, page

# Who may see the kasi's assignment to staf_kasi without being part of it.
ABOVE_KASI = {"kadis": 200, "admin_opd": 200, **INSTANSI_READERS}
ABOVE_KASI_ACTS = {actor: 403 for actor in ABOVE_KASI}


def _assignment(world: Any, actor: str, name: str) -> str:
    from kinerja.activities.services import assignment_create
    from kinerja.people.access import today_in

    cast = world.foreign if name == "foreign" else world.cast
    by, to = ("kasi", "staf_kasi") if name == "kasi" else ("atasan", "pegawai")
    account = cast.accounts[by]
    (created,) = assignment_create(
        actor=account,
        assignee_ids=[cast.people[to].pk],
        title="Penugasan matriks",
        due_date=today_in(account) + dt.timedelta(days=3),
    )
    return str(created.pk)


class _Assignee:
    """The `assignees` value of the form, chosen when the row is called (ids differ from one
    test database to the next): the test client sends str(value)."""

    chosen = ""

    def __str__(self) -> str:
        return self.chosen


ASSIGNEE = _Assignee()


def _assignee(world: Any, actor: str, name: str) -> str:
    """No placeholder: names the cast member `name` in the form body of a new assignment."""
    ASSIGNEE.chosen = str(world.cast.people[name].pk)
    return ""


TARGETS = {"asg": _assignment, "asgnew": _assignee}

DETAIL = "/penugasan/<int:pk>/"
STEP = "/penugasan/<int:pk>/status/"
PROGRESS = "/penugasan/<int:pk>/progres/"
COMMENT = "/penugasan/<int:pk>/komentar/"
ONE = f"{API}/assignments/{{assignment_id}}"

ROWS = [
    # --- Pages ----------------------------------------------------------------------------------
    Row("GET", "/penugasan/", page(200)),
    Row("GET", "/penugasan/tim/", page(200)),
    Row("GET", "/penugasan/baru/", page(200)),
    Row("POST", "/penugasan/baru/", page(200), body={}),
    # Naming the pegawai: the supervisors above them (atasan, kadis) give the assignment and go
    # to it; for everyone else the pegawai is not a choice, so the form comes back with its
    # error (200) and nothing is made (test_scope_content.py checks the nothing).
    Row("POST", "/penugasan/baru/", page(200, atasan=302, kadis=302), target="asgnew:pegawai",
        body={"assignees": ASSIGNEE, "title": "Penugasan matriks", "due_date": "2999-12-31",
              "priority": "sedang"}),
    Row("GET", DETAIL, page(200, outsider=404), target="asg:pegawai"),
    Row("GET", DETAIL, page(404, **ABOVE_KASI), target="asg:kasi"),
    Row("GET", DETAIL, page(404), target="asg:foreign"),
    Row("POST", STEP, page(403, pegawai=302, outsider=404), target="asg:pegawai",
        body={"action": "accept"}),
    Row("POST", STEP, page(403, atasan=302, outsider=404), target="asg:pegawai",
        body={"action": "cancel"}),
    Row("POST", STEP, page(404, **ABOVE_KASI_ACTS), target="asg:kasi",
        body={"action": "cancel"}),
    Row("POST", STEP, page(404), target="asg:foreign", body={"action": "accept"}),
    Row("POST", PROGRESS, page(403, pegawai=302, outsider=404), target="asg:pegawai",
        body={"percent": "30"}),
    Row("POST", PROGRESS, page(404), target="asg:foreign", body={"percent": "30"}),
    Row("POST", COMMENT, page(403, pegawai=302, atasan=302, outsider=404), target="asg:pegawai",
        body={"text": "Matriks"}),
    Row("POST", COMMENT, page(404, **ABOVE_KASI_ACTS), target="asg:kasi",
        body={"text": "Matriks"}),
    Row("POST", COMMENT, page(404), target="asg:foreign", body={"text": "Matriks"}),
    # --- API ------------------------------------------------------------------------------------
    Row("GET", f"{API}/assignments", api(200)),
    Row("POST", f"{API}/assignments", api(403),
        body={"assignee_ids": [2_000_000_000], "title": "Matriks", "due_date": "2999-12-31"}),
    Row("GET", ONE, api(200, outsider=404), target="asg:pegawai"),
    Row("GET", ONE, api(404, **ABOVE_KASI), target="asg:kasi"),
    Row("GET", ONE, api(404), target="asg:foreign"),
    Row("POST", f"{ONE}/transition", api(403, pegawai=200, outsider=404), target="asg:pegawai",
        body={"action": "accept"}),
    Row("POST", f"{ONE}/transition", api(403, atasan=200, outsider=404), target="asg:pegawai",
        body={"action": "cancel"}),
    Row("POST", f"{ONE}/transition", api(404, **ABOVE_KASI_ACTS), target="asg:kasi",
        body={"action": "cancel"}),
    Row("POST", f"{ONE}/transition", api(404), target="asg:foreign", body={"action": "accept"}),
    Row("PUT", f"{ONE}/progress", api(403, pegawai=200, outsider=404), target="asg:pegawai",
        body={"percent": 30}),
    Row("PUT", f"{ONE}/progress", api(404), target="asg:foreign", body={"percent": 30}),
    Row("GET", f"{ONE}/comments", api(200, outsider=404), target="asg:pegawai"),
    Row("GET", f"{ONE}/comments", api(404, **ABOVE_KASI), target="asg:kasi"),
    Row("GET", f"{ONE}/comments", api(404), target="asg:foreign"),
    Row("POST", f"{ONE}/comments", api(403, pegawai=201, atasan=201, outsider=404),
        target="asg:pegawai", body={"text": "Matriks"}),
    Row("POST", f"{ONE}/comments", api(404), target="asg:foreign", body={"text": "Matriks"}),
]
