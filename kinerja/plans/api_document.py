"""Plans API: document."""

from ninja import Router

router = Router(tags=["plans"])
