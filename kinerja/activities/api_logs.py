"""Activities API: logs."""

from ninja import Router

router = Router(tags=["activities"])
