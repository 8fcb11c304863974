"""DRF authentication by hashed API token: ``Authorization: Token <key>``."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from motcua.accounts.tokens import token_for_key


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Mã truy cập không hợp lệ hoặc đã hết hạn.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Tài khoản đã bị khóa.")
        return token.user, token
