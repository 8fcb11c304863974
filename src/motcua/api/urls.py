"""API v1. Each app owns its endpoints in ``<app>/api.py`` and exposes ``urlpatterns``."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("v1/", include("motcua.accounts.api")),
    path("v1/", include("motcua.catalog.api")),
    path("v1/", include("motcua.dossiers.api")),
    path("v1/", include("motcua.reports.api")),
]
