"""Plans API: skp."""

from ninja import Router

router = Router(tags=["plans"])
