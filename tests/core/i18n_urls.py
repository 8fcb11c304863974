"""A URLconf with language-prefixed patterns: the locale middleware's other branch."""

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import path

urlpatterns = i18n_patterns(path("can-bo/", lambda request: HttpResponse("x")),
                            prefix_default_language=False)
