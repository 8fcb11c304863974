"""Đăng nhập công dân: the OIDC request and callback views (mozilla-django-oidc), with the
endpoints from the issuer's discovery document and every refusal turned into a Vietnamese
page and a security event in the audit trail (a tampered or expired state or ID token)."""

from __future__ import annotations

import logging

import requests
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import render
from django.utils.translation import gettext as _
from mozilla_django_oidc import views as oidc_views

from motcua.citizens import oidc

logger = logging.getLogger("motcua.security")


class CitizenSignIn(oidc_views.OIDCAuthenticationRequestView):
    def __init__(self, *args, **kwargs):
        # The parent reads OIDC_OP_AUTHORIZATION_ENDPOINT here; ours comes from discovery.
        self.OIDC_RP_CLIENT_ID = oidc_views.OIDCAuthenticationRequestView.get_settings(
            "OIDC_RP_CLIENT_ID")

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.discovery(request)["authorization_endpoint"]
        except (requests.RequestException, SuspiciousOperation, KeyError, ValueError):
            logger.exception("OIDC discovery failed")
            return render(request, "portal/citizen/signin_failed.html", {
                "message": _("Chưa kết nối được với hệ thống định danh điện tử; "
                             "vui lòng thử lại sau ít phút."),
            }, status=503)
        return super().get(request)


def _refuse(request, reason: str, message: str):
    """A refused sign-in: nobody signed in, nothing kept but the security event."""
    if request.user.is_authenticated:
        auth.logout(request)
    logger.warning("citizen sign-in refused: %s", reason)
    oidc.record_rejection(request, reason)
    return render(request, "portal/citizen/signin_failed.html", {"message": message}, status=400)


class CitizenCallback(oidc_views.OIDCAuthenticationCallbackView):
    def get(self, request):
        if request.GET.get("error"):
            return _refuse(request, f"provider error {request.GET.get('error')[:50]}",
                           _("Hệ thống định danh điện tử không xác nhận đăng nhập."))
        if "code" in request.GET and "state" in request.GET:
            states = request.session.get("oidc_states") or {}
            if request.GET["state"] not in states:
                return _refuse(request, "unknown or expired state",
                               _("Phiên đăng nhập không hợp lệ hoặc đã hết hạn "
                                 "(mã trạng thái không khớp). Vui lòng đăng nhập lại."))
        try:
            response = super().get(request)
        except SuspiciousOperation as error:
            return _refuse(request, str(error),
                           _("Không xác thực được thông tin định danh (mã định danh bị sửa, "
                             "sai chữ ký hoặc đã hết hạn). Vui lòng đăng nhập lại."))
        except requests.RequestException as error:
            return _refuse(request, f"provider unreachable: {type(error).__name__}",
                           _("Chưa kết nối được với hệ thống định danh điện tử; "
                             "vui lòng thử lại sau ít phút."))
        if not request.user.is_authenticated:
            return _refuse(request, "authentication failed",
                           _("Đăng nhập không thành công. Vui lòng đăng nhập lại."))
        return response
