"""DRF authentication by hashed API token: ``Authorization: Token <key>``.

Two kinds of token (``ApiToken.kind``): staff tokens for the staff API (the default
authentication of every API view) and citizen tokens for the citizen API only
(``/api/v1/citizen/``, its views name ``CitizenTokenAuthentication``). A token of the other
kind is refused with 403 before any permission is checked: a citizen's phone never passes a
staff check, whatever roles the staff API would look for, and a staff token never acts as a
citizen."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import HTTP_HEADER_ENCODING, exceptions
from rest_framework.authentication import TokenAuthentication

from motcua.accounts import tokens
from motcua.accounts.models import TokenKind


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    kind = TokenKind.STAFF
    wrong_kind = _("Mã truy cập của công dân chỉ dùng cho API công dân (/api/v1/citizen/).")
    # True for a view with ``DeferredAuthMixin``: it reads the change counter in its own first
    # query and confirms the sign-in before answering (the staff lookup). DRF makes one
    # authenticator per request, so the flag is the request's.
    deferred = False

    def authenticate(self, request):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        self.deferred = isinstance(view, DeferredAuthMixin)
        # DRF's TokenAuthentication.authenticate, with the header read from META: DRF's
        # ``get_authorization_header`` builds ``request.headers`` (every header of the
        # request, ~60 Python calls) for this one, which HttpHeaders names from this key.
        auth = request._request.META.get("HTTP_AUTHORIZATION", b"")
        if isinstance(auth, str):
            auth = auth.encode(HTTP_HEADER_ENCODING)
        auth = auth.split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) == 1:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. No credentials provided."))
        if len(auth) > 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain spaces."))
        try:
            token = auth[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(
                _("Invalid token header. Token string should not contain invalid characters.")
            ) from None
        return self.authenticate_credentials(token)

    def authenticate_credentials(self, key):
        token = tokens.authenticate(key, deferred=self.deferred)
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


class DeferredAuthMixin:
    """For an APIView whose token sign-in comes from the cache unconfirmed (a cached token
    costs no query at all): the view reads the change counter in its first query and calls ``confirm_sign_in`` with it before anything
    else; a refused permission check of a token not confirmed yet is confirmed first (a
    membership added since the entry was cached must not be refused)."""

    def check_permissions(self, request):
        try:
            super().check_permissions(request)  # type: ignore[misc]
        except exceptions.APIException:
            if tokens.confirm(request.auth, tokens.current_generation()):
                raise
            self._sign_in_again(request)

    def confirm_sign_in(self, request, generation: int | None) -> None:
        """When the cached sign-in was stamped with another change counter: drop the cache and
        authenticate from the database (401 when the token is no longer live), then check the
        view's permissions again."""
        if not tokens.confirm(request.auth, generation):
            self._sign_in_again(request)

    def _sign_in_again(self, request) -> None:
        tokens.forget()
        found = HashedTokenAuthentication().authenticate(request)
        if found is None:
            raise exceptions.NotAuthenticated()
        request.user, request.auth = found
        super().check_permissions(request)  # type: ignore[misc]
