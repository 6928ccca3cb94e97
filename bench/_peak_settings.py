"""Settings of the peak_10k server (bench/peak_10k.py): the product's, with the URLconf of
bench/activity_create.py (the product URLs plus the one bench-only route /bench/bare-activity,
the baseline). Nothing else differs from production, unless PEAK_HEALTH_CHECKS=false (only
bench/_peak_idle_restart.py sets it) turns the pool's connection check off, as it was before
the fix."""

import os

from kinerja.settings import *  # noqa: F403

ROOT_URLCONF = "bench.activity_create"
if os.environ.get("PEAK_HEALTH_CHECKS") == "false":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
