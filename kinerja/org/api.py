"""API for the organisation structure (OPD, units, positions)."""

from ninja import Router

router = Router(tags=["organisasi"])
