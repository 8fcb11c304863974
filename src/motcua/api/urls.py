"""API v1. Each app owns its endpoints in ``<app>/api.py`` and exposes ``urlpatterns``."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    # The dossiers first: the staff lookup is the most called endpoint, and no other app's
    # pattern matches a path under dossiers (the payments' dossiers/<code>/payments is not
    # matched by dossiers/<str:code>, whose code stops at a slash).
    path("v1/", include("motcua.dossiers.api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's static files (no CDN), its start-up script
    # served as a file (the split view): the Content Security Policy allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("v1/", include("motcua.accounts.api")),
    path("v1/", include("motcua.catalog.api")),
    path("v1/", include("motcua.reports.api")),
    path("v1/", include("motcua.interop.api")),
    path("v1/", include("motcua.payments.api")),
    path("v1/", include("motcua.floor.api")),
    path("v1/", include("motcua.citizens.api")),
]
