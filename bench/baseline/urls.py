"""The real urlconf, plus the raw baseline views when ``MOTCUA_BENCH_VIEWS=1``."""

from django.urls import include, path

from bench.baseline import views
from motcua.config.env import env_bool

urlpatterns = []
# The baseline views write to the database without authentication: never mounted by accident.
if env_bool("MOTCUA_BENCH_VIEWS", False):
    urlpatterns += [
        path("bench/raw-insert", views.raw_insert, name="bench-raw-insert"),
        path("bench/raw-select/<str:code>", views.raw_select, name="bench-raw-select"),
    ]
urlpatterns += [path("", include("motcua.config.urls"))]
