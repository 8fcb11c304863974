"""OIDC claims of the development provider: the person's identity as VNeID gives it."""

from __future__ import annotations

from urllib.parse import urlparse

from oauth2_provider.oauth2_validators import OAuth2Validator

LOOPBACK = {"127.0.0.1", "localhost", "::1", "testserver"}


class DevValidator(OAuth2Validator):
    # Every claim goes into the ID token with the "openid" scope: the portal reads the
    # verified identity from the signed token, not from a second call.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        identity = getattr(request.user, "dev_identity", None)
        return identity.claims() if identity is not None else {}

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        # Development only: the portal runs on any local port (make run, the live test server).
        if super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs):
            return True
        parsed = urlparse(redirect_uri)
        return parsed.hostname in LOOPBACK and any(
            urlparse(u).path == parsed.path for u in request.client.redirect_uris.split()
        )
