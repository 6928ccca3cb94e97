"""The activity policy: set by admin BKPSDM only, validated, audited, and used by the checks."""

from __future__ import annotations

import datetime as dt

import pytest

from kinerja.activities.selectors import policy_for
from kinerja.activities.services import activity_policy_save
from kinerja.activities.testing import log
from kinerja.core.errors import ApplicationError, Forbidden
from kinerja.core.models import AuditRecord

pytestmark = pytest.mark.django_db

VALUES = {"max_daily_minutes": 120, "work_start": dt.time(8), "work_end": dt.time(15),
          "work_days": "123456"}


def test_bkpsdm_sets_the_policy_and_it_is_audited_and_applied(cast, work):
    activity_policy_save(actor=cast.admin_bkpsdm, instansi_id=cast.instansi.pk, **VALUES)
    policy = policy_for(cast.instansi.pk)
    assert policy.max_daily_minutes == 120 and 6 in policy.work_days
    assert AuditRecord.objects.filter(action="activity_policy.update").exists()
    log(cast, "pegawai", work, start=(8, 0), end=(9, 30))
    with pytest.raises(ApplicationError) as caught:
        log(cast, "pegawai", work, start=(10, 0), end=(11, 0))
    assert caught.value.code == "daily_total_exceeded"
    assert "2 " in caught.value.message  # the maximum in hours, as the policy says


@pytest.mark.parametrize("who", ["admin_opd", "pimpinan", "auditor", "atasan", "pegawai"])
def test_others_cannot_change_it(cast, who):
    with pytest.raises(Forbidden):
        activity_policy_save(actor=cast.accounts[who], instansi_id=cast.instansi.pk, **VALUES)


@pytest.mark.parametrize(
    "bad",
    [{"max_daily_minutes": 30}, {"work_start": dt.time(16), "work_end": dt.time(8)},
     {"work_days": "189"}, {"verification_wait_days": 0}],
)
def test_bad_values_are_refused(cast, bad):
    with pytest.raises(ApplicationError):
        activity_policy_save(actor=cast.admin_bkpsdm, instansi_id=cast.instansi.pk,
                             **{**VALUES, **bad})


def test_page_shows_read_only_to_staff_and_saves_for_bkpsdm(cast, client_for):
    response = client_for(cast.pegawai).get("/pengaturan/kegiatan/")
    assert response.status_code == 200 and b"disabled" in response.content
    response = client_for(cast.admin_bkpsdm).post("/pengaturan/kegiatan/", {
        "max_daily_minutes": "500", "work_start": "07:00", "work_end": "15:30",
        "work_days": ["1", "2", "3", "4", "5"], "verification_wait_days": "3",
        "evidence_max_mb": "8",
    })
    assert response.status_code == 302
    assert policy_for(cast.instansi.pk).max_daily_minutes == 500
