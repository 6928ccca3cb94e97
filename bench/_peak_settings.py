"""Settings of the peak_10k server (bench/peak_10k.py): the product's, with the URLconf of
bench/activity_create.py (the product URLs plus the one bench-only route /bench/bare-activity,
the baseline). Nothing else differs from production."""

from kinerja.settings import *  # noqa: F403

ROOT_URLCONF = "bench.activity_create"
