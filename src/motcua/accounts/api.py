"""API tokens over the API: log in from a device, log out, list and revoke one's tokens.

``POST /api/v1/auth/token`` takes a username, password and device name (and the two-factor
code when the account has or needs one) and answers the plain token once. Failed attempts count
towards the same lockout as the login page (django-axes).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts import tokens
from motcua.accounts.models import ApiToken
from motcua.accounts.policy import two_factor_required
from motcua.core.errors import InvalidInput
from motcua.core.throttling import LoginThrottle


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, style={"input_type": "password"})
    name = serializers.CharField(max_length=100, help_text="Tên thiết bị, ví dụ “Máy quầy 3”")
    otp = serializers.CharField(max_length=12, required=False, allow_blank=True,
                                help_text="Mã xác thực hai bước (6 chữ số), nếu tài khoản có")


class TokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="Vài ký tự đầu, để nhận ra mã")
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)


class IssuedTokenSerializer(TokenSerializer):
    token = serializers.CharField(help_text="Mã truy cập; chỉ hiện một lần")


def _otp_ok(user, code: str) -> bool:
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        return not two_factor_required(user)
    code = "".join((code or "").split())
    return any(d.verify_is_allowed()[0] and d.verify_token(code) for d in devices)


class TokenCreate(APIView):
    """Log in from a device (đăng nhập thiết bị): a new token named for it."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [LoginThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={
        201: IssuedTokenSerializer, 400: OpenApiResponse(description="Sai thông tin đăng nhập"),
        429: OpenApiResponse(description="Tạm khóa do đăng nhập sai nhiều lần"),
    })
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        django_request = request._request
        user = authenticate(django_request, username=v["username"], password=v["password"])
        if getattr(django_request, "axes_locked_out", False):
            raise Throttled(detail="Tài khoản hoặc địa chỉ tạm bị khóa do đăng nhập sai nhiều lần.")
        if user is None or not user.is_active:
            raise InvalidInput("invalid_credentials",
                               _('Tên đăng nhập hoặc mật khẩu không đúng.'), field="password")
        if not _otp_ok(user, v.get("otp", "")):
            raise InvalidInput("otp_invalid", _('Cần mã xác thực hai bước đúng.'), field="otp")
        token, key = tokens.token_issue(user=user, name=v["name"], actor=user)
        body = TokenSerializer(token).data | {"token": key}
        return Response(body, status=status.HTTP_201_CREATED)


class Logout(APIView):
    """Log out this device: the token that made the request stops working."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            tokens.token_revoke(token=request.auth, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenList(APIView):
    """One's own live tokens (mã truy cập đang dùng)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: TokenSerializer(many=True)})
    def get(self, request):
        rows = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True,
                                       expires_at__gt=timezone.now())
        return Response(TokenSerializer(rows, many=True).data)


class TokenDetail(APIView):
    """Revoke one of one's own tokens (thu hồi)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="Không tìm thấy")})
    def delete(self, request, pk: int):
        token = ApiToken.objects.filter(pk=pk, user=request.user).select_related("user").first()
        if token is None:
            raise NotFound()
        tokens.token_revoke(token=token, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("auth/token", TokenCreate.as_view(), name="api-token-create"),
    path("auth/logout", Logout.as_view(), name="api-logout"),
    path("auth/tokens", TokenList.as_view(), name="api-token-list"),
    path("auth/tokens/<int:pk>", TokenDetail.as_view(), name="api-token-detail"),
]
