"""TPP API: presets."""

from ninja import Router

router = Router(tags=["tpp"])
