"""TPP pages: the months (compute, progress, approve, adjust) and each person's explanation
(views_months.py).

A month in a path is YYYY-MM through the `tppbulan` converter, so `/tpp/preset/` and
`/tpp/simulasi/` (urls_presets, included after this module) never reach the month views.
"""

from __future__ import annotations

from django.urls import path, register_converter

from kinerja.allowances import views_months as views


class MonthConverter:
    """`2026-10` in a path; the views parse it into batch.Month."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MonthConverter, "tppbulan")

urlpatterns = [
    path("tpp/", views.tpp_index, name="tpp_index"),
    path("tpp/hitung/", views.tpp_compute, name="tpp_compute"),
    path("tpp/saya/", views.tpp_mine, name="tpp_mine"),
    path("tpp/<tppbulan:period>/", views.tpp_month, name="tpp_month"),
    path("tpp/<tppbulan:period>/progres/", views.tpp_progress, name="tpp_progress"),
    path("tpp/<tppbulan:period>/setujui/", views.tpp_approve, name="tpp_approve"),
    path("tpp/<tppbulan:period>/penyesuaian/", views.tpp_adjust, name="tpp_adjust"),
    path("tpp/<tppbulan:period>/pegawai/<str:nip>/", views.tpp_explanation,
         name="tpp_explanation"),
]
