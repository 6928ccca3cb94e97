from django.contrib import admin
from django.urls import include, path

from kinerja.api import api

admin.site.site_header = "Kinerja"
admin.site.site_title = "Kinerja"

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("kinerja.web.urls")),
    path("", include("kinerja.people.twofactor_urls")),
    path("org/", include("kinerja.org.urls")),
    path("pegawai/", include("kinerja.people.urls")),
    path("impor/", include("kinerja.people.import_urls")),
    path("", include("kinerja.plans.urls")),
    path("", include("kinerja.activities.urls")),
    path("", include("kinerja.evaluations.urls")),
    path("", include("kinerja.attendance.urls")),
    path("", include("kinerja.allowances.urls")),
]
