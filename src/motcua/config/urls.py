from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from motcua.portal.signin import CitizenCallback, CitizenSignIn

admin.site.site_header = "Quản trị hệ thống Một cửa"
admin.site.site_title = "Một cửa"
admin.site.index_title = "Quản trị"

urlpatterns = [
    # The API first: Django tries the patterns in order, and the API is what is called most
    # (the staff lookup tried ~20 patterns of the other prefixes before its own). No pattern
    # of another prefix matches a path under api/, so the order changes no answer
    # (tests/config/test_urls.py resolves every named route to itself).
    path("api/", include("motcua.api.urls")),
    path("quan-tri/", admin.site.urls),
    # The language switch without a CSRF token: it only sets the language cookie and redirects
    # within the site, so a forged post can do no more than switch a visitor's language, and
    # the public pages then need no token and set no cookie (docs/security.md).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(template_name="core/login.html"),
        name="login",
    ),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("oidc/dang-nhap/", CitizenSignIn.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", CitizenCallback.as_view(), name="oidc_authentication_callback"),
    path("can-bo/", include("motcua.workspace.urls")),
    path("in/", include("motcua.printing.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    path("bao-cao/", include("motcua.reports.urls")),
    path("", include("motcua.floor.urls")),
    # Probes and metrics (motcua.ops): before the portal's catch-all patterns.
    path("", include("motcua.ops.urls")),
    path("", include("motcua.portal.urls")),
]
if settings.MOTCUA_DEV_IDP:  # the development identity provider, never in production
    urlpatterns.insert(0, path("idp-dev/", include("motcua.devidp.urls")))
# /media/ is not served: uploads are reached only through access-checked download views
# (motcua.core.downloads), in development as in production.

# Error answers outside a view: the API's JSON shape under /api/ (413 included), the site's
# own error pages elsewhere (motcua.core.views).
handler400 = "motcua.api.errors.handler400"
handler403 = "motcua.api.errors.handler403"
handler404 = "motcua.api.errors.handler404"
handler500 = "motcua.api.errors.handler500"
