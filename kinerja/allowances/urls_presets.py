"""TPP pages: the presets and their versions, and the what-if (views_presets.py)."""

from django.urls import path

from kinerja.allowances import views_presets as views

urlpatterns = [
    path("tpp/preset/", views.preset_list, name="tpp_presets"),
    path("tpp/preset/pasang/", views.preset_install, name="tpp_preset_install"),
    path("tpp/preset/<int:pk>/", views.preset_detail, name="tpp_preset_detail"),
    path("tpp/preset/<int:pk>/aktifkan/", views.preset_activate, name="tpp_preset_activate"),
    path("tpp/preset/<int:pk>/ubah/", views.preset_edit, name="tpp_preset_edit"),
    path("tpp/simulasi/", views.whatif, name="tpp_whatif"),
]
