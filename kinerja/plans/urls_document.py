"""Plans pages: the SKP document (see kinerja/plans/urls.py)."""

from django.urls import path

from kinerja.plans import views_document

urlpatterns = [
    path("skp/<int:pk>/dokumen.pdf", views_document.skp_pdf, name="skp_pdf"),
]
