"""TPP pages: lists."""

urlpatterns: list = []
