"""The `kinerja` command: Django's manage.py with the project's settings preselected.

`kinerja demo`, `kinerja serve`, `kinerja import employees FILE`, `kinerja audit verify`,
`kinerja bench NAME` and every Django command (`kinerja migrate`, `kinerja createsuperuser`...).
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
