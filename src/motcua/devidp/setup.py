"""The registered client (the portal) and the demo identities of the development provider."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model

from motcua.devidp.models import DevIdentity


def _ensure_application(client_id: str | None, *, name: str, public: bool, secret: str | None,
                        redirect_uris: str):
    """The provider's client ``client_id``, created or brought back to these settings
    (authorization code, RS256 ID tokens, no consent screen in development)."""
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    app = Application.objects.filter(client_id=client_id).first()
    if app is None:
        app = Application(client_id=client_id)
    app.name = name
    app.client_type = Application.CLIENT_PUBLIC if public else Application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.client_secret = secret
    app.redirect_uris = redirect_uris
    app.algorithm = Application.RS256_ALGORITHM
    app.skip_authorization = True
    app.save()
    return app


def ensure_client():
    """The portal (the web sign-in) as a confidential client."""
    return _ensure_application(
        settings.OIDC_RP_CLIENT_ID, name="Cổng dịch vụ công (phát triển)", public=False,
        secret=settings.OIDC_RP_CLIENT_SECRET,
        redirect_uris="http://127.0.0.1/oidc/callback/ http://localhost/oidc/callback/")


# Where the development "app" receives the code: a loopback address, as a native app does
# (RFC 8252 §7.3); any local port is accepted (``DevValidator``).
MOBILE_REDIRECT_URI = "http://127.0.0.1/ung-dung/callback"


def ensure_mobile_client():
    """The province's mobile app as a client of the provider: public (no secret on a phone),
    authorization code with PKCE, its ID tokens addressed to ``MOTCUA_OIDC_MOBILE_CLIENT_ID``."""
    return _ensure_application(
        settings.MOTCUA_OIDC_MOBILE_CLIENT_ID, name="Ứng dụng di động của tỉnh (phát triển)",
        public=True, secret="", redirect_uris=MOBILE_REDIRECT_URI)


def ensure_identity(*, username: str, password: str, id_number: str, name: str,
                    birth_date: dt.date | None, gender: str, address: str = "", phone: str = "",
                    email: str = "", tax_code: str = "", organisation: str = "") -> DevIdentity:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password, first_name=name[:150])
    identity, _created = DevIdentity.objects.update_or_create(
        user=user, defaults=dict(
            id_number=id_number, name=name, birth_date=birth_date, gender=gender,
            address=address, phone=phone, email=email, tax_code=tax_code,
            organisation=organisation,
        ),
    )
    return identity
