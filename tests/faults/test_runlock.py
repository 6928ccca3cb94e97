"""The run lock (kinerja.core.runlock) that tells a live batch run from one whose process died:
exclusive while held, free again when its holder is SIGKILLed, and what the TPP computation
and the recompute ask before they start."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from bench import _faults as faults
from kinerja.core import runlock

HOLD = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")
import django
django.setup()
from kinerja.core import runlock
lock = runlock.try_acquire(sys.argv[1])
print("held" if lock else "refused", flush=True)
time.sleep(120)
"""


def test_the_lock_is_exclusive_until_released(db):
    first = runlock.try_acquire("drill-exclusive")
    assert first is not None
    assert runlock.try_acquire("drill-exclusive") is None
    assert runlock.is_held("drill-exclusive")
    assert runlock.try_acquire("drill-other") is not None
    first.release()
    assert not runlock.is_held("drill-exclusive")


def test_a_lock_held_by_a_killed_process_is_free_at_once(transactional_db, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, "drill-killed"],
                              env=faults.cli_env(tmp_path), stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert runlock.is_held("drill-killed")
        holder.send_signal(signal.SIGKILL)
        holder.wait(30)
        faults.wait_victim_gone()
        for _ in range(100):  # PostgreSQL ends the session when it sees the socket closed
            if not runlock.is_held("drill-killed"):
                break
            time.sleep(0.05)
        assert not runlock.is_held("drill-killed")
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(30)


def test_tpp_computation_is_refused_while_another_one_runs(tpp):
    from kinerja.allowances import services
    from kinerja.core.errors import Conflict

    held = services.month_lock(tpp.cast.instansi.pk, tpp.month)
    assert held is not None
    with pytest.raises(Conflict):
        services.month_compute(actor=None, instansi_id=tpp.cast.instansi.pk, month=tpp.month)
    held.release()
    result = services.month_compute(actor=None, instansi_id=tpp.cast.instansi.pk,
                                    month=tpp.month)
    assert result.people > 0
