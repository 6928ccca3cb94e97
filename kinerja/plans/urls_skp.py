"""Plans pages: SKP authoring and workflow (see kinerja/plans/urls.py).

One placeholder per route: the SKP, or the RHK, indicator or annex item the page is about (the
SKP is found from it, through the same scoped look-ups)."""

from django.urls import path

from kinerja.plans.views_skp import edit, pages, workflow

urlpatterns = [
    path("skp/", pages.skp_index, name="skp_list"),
    path("skp/buka/", pages.skp_open, name="skp_open"),
    path("skp/<int:pk>/", pages.skp_page, name="skp_detail"),
    path("skp/<int:pk>/ajukan/", workflow.skp_submit, name="skp_submit"),
    path("skp/<int:pk>/setujui/", workflow.skp_approve, name="skp_approve"),
    path("skp/<int:pk>/kembalikan/", workflow.skp_return, name="skp_return"),
    path("skp/<int:pk>/revisi/", workflow.skp_revise, name="skp_revise"),
    path("skp/<int:pk>/rhk/tambah/", edit.rhk_add, name="skp_rhk_add"),
    path("skp/<int:pk>/perilaku/", edit.perilaku_edit, name="skp_perilaku"),
    path("skp/<int:pk>/lampiran/tambah/", edit.lampiran_add, name="skp_lampiran_add"),
    path("skp/rhk/<int:pk>/", edit.rhk_edit, name="skp_rhk_edit"),
    path("skp/rhk/<int:pk>/hapus/", edit.rhk_remove, name="skp_rhk_delete"),
    path("skp/rhk/<int:pk>/indikator/tambah/", edit.indicator_add, name="skp_indicator_add"),
    path("skp/indikator/<int:pk>/", edit.indicator_edit, name="skp_indicator_edit"),
    path("skp/indikator/<int:pk>/hapus/", edit.indicator_remove, name="skp_indicator_delete"),
    path("skp/lampiran/<int:pk>/", edit.lampiran_edit, name="skp_lampiran_edit"),
    path("skp/lampiran/<int:pk>/hapus/", edit.lampiran_remove, name="skp_lampiran_delete"),
]
