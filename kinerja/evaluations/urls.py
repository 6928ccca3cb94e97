"""Pages of evaluation, one module per area: the employee's and the supervisor's evaluation
pages and the explanation (urls_evaluation), objections (urls_objections), feedback and
dialogues (urls_feedback), calibration and rater analytics (urls_calibration), settings and the
recompute (urls_settings), the evaluation document (urls_document)."""

from django.urls import include, path

urlpatterns = [
    path("", include("kinerja.evaluations.urls_evaluation")),
    path("", include("kinerja.evaluations.urls_objections")),
    path("", include("kinerja.evaluations.urls_feedback")),
    path("", include("kinerja.evaluations.urls_calibration")),
    path("", include("kinerja.evaluations.urls_settings")),
    path("", include("kinerja.evaluations.urls_document")),
]
