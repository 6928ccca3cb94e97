"""Pages of planning, one module per area so each stays small: SKP authoring and workflow
(urls_skp), organisation goals and the cascading tree (urls_goals), the SKP document
(urls_document), the supervisor's team views and monthly plans (urls_team)."""

from django.urls import include, path

urlpatterns = [
    path("", include("kinerja.plans.urls_skp")),
    path("", include("kinerja.plans.urls_goals")),
    path("", include("kinerja.plans.urls_document")),
    path("", include("kinerja.plans.urls_team")),
]
