"""Roles a person can hold. `atasan` is derived from positions on a date and never granted."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PEGAWAI = "pegawai", _("Employee")
    ATASAN = "atasan", _("Supervisor")
    ADMIN_OPD = "admin_opd", _("OPD administrator")
    ADMIN_BKPSDM = "admin_bkpsdm", _("BKPSDM administrator")
    PIMPINAN = "pimpinan", _("Leadership")
    AUDITOR = "auditor", _("Auditor")


# Roles that are stored as grants (the others follow from being an employee or a supervisor).
GRANTABLE_ROLES = (Role.ADMIN_OPD, Role.ADMIN_BKPSDM, Role.PIMPINAN, Role.AUDITOR)
