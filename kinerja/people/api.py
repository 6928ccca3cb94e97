"""API for people: me, employees, tokens, imports."""

from ninja import Router

router = Router(tags=["pegawai"])
