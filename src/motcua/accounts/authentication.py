"""DRF authentication by hashed API token: ``Authorization: Token <key>``."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from motcua.accounts import tokens


class HashedTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    # True for a view with ``DeferredAuthMixin``: it reads the change counter in its own first
    # query and confirms the sign-in before answering (the staff lookup). DRF makes one
    # authenticator per request, so the flag is the request's.
    deferred = False

    def authenticate(self, request):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        self.deferred = isinstance(view, DeferredAuthMixin)
        return super().authenticate(request)

    def authenticate_credentials(self, key):
        token = tokens.authenticate(key, deferred=self.deferred)
        if token is None:
            raise exceptions.AuthenticationFailed("Mã truy cập không hợp lệ hoặc đã hết hạn.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("Tài khoản đã bị khóa.")
        return token.user, token


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
