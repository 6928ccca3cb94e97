"""Pages of TPP, one module per area: the months (compute, approve, adjust) and each person's
explanation (urls_months), the nominative lists as pages, Excel and PDF (urls_lists), the
presets and the what-if (urls_presets)."""

from django.urls import include, path

urlpatterns = [
    path("", include("kinerja.allowances.urls_months")),
    path("", include("kinerja.allowances.urls_lists")),
    path("", include("kinerja.allowances.urls_presets")),
]
