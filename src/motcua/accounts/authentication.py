"""DRF authentication by hashed API token: ``Authorization: Token <key>``.

Two kinds of token (``ApiToken.kind``): staff tokens for the staff API (the default
authentication of every API view) and citizen tokens for the citizen API only
(``/api/v1/citizen/``, its views name ``CitizenTokenAuthentication``). A token of the other
kind is refused with 403 before any permission is checked: a citizen's phone never passes a
staff check, whatever roles the staff API would look for, and a staff token never acts as a
citizen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from motcua.accounts.models import TokenKind
from motcua.accounts.tokens import token_for_key


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    kind = TokenKind.STAFF
    wrong_kind = _("Mã truy cập của công dân chỉ dùng cho API công dân (/api/v1/citizen/).")

    def authenticate_credentials(self, key):
        token = token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Mã truy cập không hợp lệ hoặc đã hết hạn.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Tài khoản đã bị khóa.")
        if token.kind != self.kind:
            raise exceptions.PermissionDenied(str(self.wrong_kind), code="wrong_token_kind")
        return token.user, token


class CitizenTokenAuthentication(HashedTokenAuthentication):
    """The citizen API's authentication: only tokens issued by ``POST /api/v1/citizen/token``."""

    kind = TokenKind.CITIZEN
    wrong_kind = _("Mã truy cập của cán bộ không dùng được cho API công dân.")
