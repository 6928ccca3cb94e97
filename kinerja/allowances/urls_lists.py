"""TPP pages: the daftar nominatif of the instansi and of one OPD, as pages, Excel and PDF
(views_lists)."""

from django.urls import path

from kinerja.allowances import views_lists

urlpatterns = [
    path("tpp/<str:period>/daftar/", views_lists.instansi_list, name="tpp_nominative"),
    path("tpp/<str:period>/daftar.xlsx", views_lists.instansi_xlsx,
         name="tpp_nominative_xlsx"),
    path("tpp/<str:period>/daftar.pdf", views_lists.instansi_pdf, name="tpp_nominative_pdf"),
    path("tpp/<str:period>/opd/<int:opd_pk>/", views_lists.opd_list,
         name="tpp_opd_nominative"),
    path("tpp/<str:period>/opd/<int:opd_pk>.xlsx", views_lists.opd_xlsx,
         name="tpp_opd_nominative_xlsx"),
    path("tpp/<str:period>/opd/<int:opd_pk>.pdf", views_lists.opd_pdf,
         name="tpp_opd_nominative_pdf"),
]
