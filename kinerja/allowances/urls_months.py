"""TPP pages: months."""

urlpatterns: list = []
