"""/idp-dev/: the development identity provider (issuer ``<site>/idp-dev/o``). Only the
endpoints OIDC needs: authorize (our sign-in page), token, discovery, JWKS, userinfo."""

from django.urls import include, path, re_path
from oauth2_provider import views as dot

from motcua.devidp import views

oauth = ([
    path("authorize/", views.DevAuthorizationView.as_view(), name="authorize"),
    path("token/", dot.TokenView.as_view(), name="token"),
    re_path(r"^\.well-known/openid-configuration/?$", dot.ConnectDiscoveryInfoView.as_view(),
            name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("userinfo/", dot.UserInfoView.as_view(), name="user-info"),
], "oauth2_provider")

urlpatterns = [
    path("dang-nhap/", views.login, name="devidp-login"),
    path("o/", include(oauth)),
]
