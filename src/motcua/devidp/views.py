"""Pages of the development identity provider: its sign-in page (the VNeID stand-in) and the
authorization endpoint that sends people there."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from oauth2_provider.views import AuthorizationView


class DevLoginView(auth_views.LoginView):
    template_name = "devidp/login.html"
    redirect_authenticated_user = False


class DevAuthorizationView(AuthorizationView):
    login_url = "/idp-dev/dang-nhap/"
