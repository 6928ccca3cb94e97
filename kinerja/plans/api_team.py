"""Plans API: team."""

from ninja import Router

router = Router(tags=["plans"])
