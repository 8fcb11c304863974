from django.urls import path

from motcua.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("ma-truy-cap/<int:pk>/thu-hoi/", views.token_revoke, name="token-revoke"),
    path("xac-thuc-hai-buoc/dang-ky/", views.otp_enrol, name="otp-enrol"),
    path("xac-thuc-hai-buoc/", views.otp_verify, name="otp-verify"),
    path("khoa-dang-nhap/", views.locked_logins, name="locked"),
]
