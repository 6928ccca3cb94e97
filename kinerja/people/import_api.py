"""API for SIMPEG imports."""

from ninja import Router

router = Router(tags=["impor"])
