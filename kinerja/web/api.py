"""API for cross-cutting reads: the audit trail."""

from ninja import Router

router = Router(tags=["audit"])
