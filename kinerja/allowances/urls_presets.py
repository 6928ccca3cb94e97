"""TPP pages: presets."""

urlpatterns: list = []
