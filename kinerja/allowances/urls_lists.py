"""TPP pages: the daftar nominatif of the instansi and of one OPD, as pages, Excel and PDF
(views_lists). The month is YYYY-MM through the `tppbulan` converter of urls_months."""

from django.urls import path

import kinerja.allowances.urls_months  # noqa: F401 (registers the tppbulan converter)
from kinerja.allowances import views_lists

urlpatterns = [
    path("tpp/<tppbulan:period>/daftar/", views_lists.instansi_list, name="tpp_nominative"),
    path("tpp/<tppbulan:period>/daftar.xlsx", views_lists.instansi_xlsx,
         name="tpp_nominative_xlsx"),
    path("tpp/<tppbulan:period>/daftar.pdf", views_lists.instansi_pdf, name="tpp_nominative_pdf"),
    path("tpp/<tppbulan:period>/opd/<int:opd_pk>/", views_lists.opd_list,
         name="tpp_opd_nominative"),
    path("tpp/<tppbulan:period>/opd/<int:opd_pk>.xlsx", views_lists.opd_xlsx,
         name="tpp_opd_nominative_xlsx"),
    path("tpp/<tppbulan:period>/opd/<int:opd_pk>.pdf", views_lists.opd_pdf,
         name="tpp_opd_nominative_pdf"),
]
