"""TPP API: months."""

from ninja import Router

router = Router(tags=["tpp"])
