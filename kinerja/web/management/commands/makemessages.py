"""`kinerja makemessages`: Django's, also extracting strings marked with `_lazy(...)`.

Modules that need both gettext and gettext_lazy import the lazy one as `_lazy` (form labels,
model choices). xgettext knows only the standard names, so without the extra keyword those
strings were silently left out of the catalogue and showed in English.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
