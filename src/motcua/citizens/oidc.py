"""Sign-in of citizens through an OpenID Connect provider (VNeID through the national portal;
the development provider in development), on top of mozilla-django-oidc.

Everything comes from settings (``MOTCUA_OIDC_*``: issuer, client id and secret, scopes, claim
names). The endpoints are read from the issuer's discovery document. The ID token is checked
here completely (RS256 signature against the JWKS, issuer, audience, expiry, nonce); the
identity is taken from its verified claims.

The province's mobile app signs the citizen in with the same provider itself (its own client
id, ``MOTCUA_OIDC_MOBILE_CLIENT_ID``) and hands the ID token to ``POST /api/v1/citizen/token``:
``verify_id_token`` runs the very checks of the web sign-in on it, with that audience."""

from __future__ import annotations

import datetime as dt
import hashlib
import time

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from motcua.audit.services import audit_record
from motcua.citizens.models import CitizenProfile, UsedNonce
from motcua.citizens.services import citizen_sign_in
from motcua.core.errors import InvalidInput


def issuer(request=None) -> str:
    """The configured issuer; in development with none configured, the development provider
    on this very site."""
    configured = (settings.MOTCUA_OIDC_ISSUER or "").rstrip("/")
    if configured:
        return configured
    if request is None:
        raise SuspiciousOperation("No OIDC issuer configured.")
    return request.build_absolute_uri("/idp-dev/o").rstrip("/")


def discovery(request=None) -> dict:
    iss = issuer(request)
    key = f"oidc-discovery:{iss}"
    document = cache.get(key)
    if document is None:
        response = requests.get(f"{iss}/.well-known/openid-configuration",
                                timeout=settings.MOTCUA_OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != iss:
            raise SuspiciousOperation("Discovery document names another issuer.")
        cache.set(key, document, 300)
    return document


def map_claims(raw: dict) -> dict:
    """The provider's claim names (``MOTCUA_OIDC_CLAIMS``) to ours."""
    names = settings.MOTCUA_OIDC_CLAIMS
    out = {ours: raw.get(theirs) for ours, theirs in names.items()}
    out["sub"] = raw.get("sub")
    return out


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """Authenticates the OIDC callback only (a username/password never reaches it)."""

    def __init__(self, *args, **kwargs):  # the endpoints come from discovery, per request
        self.UserModel = CitizenProfile._meta.get_field("user").related_model
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.OIDC_OP_TOKEN_ENDPOINT = self.OIDC_OP_USER_ENDPOINT = ""
        self.OIDC_OP_JWKS_ENDPOINT = ""

    def authenticate(self, request, **kwargs):
        if request is None or "code" not in request.GET or "state" not in request.GET:
            return None
        if "nonce" not in kwargs:
            return None
        self.use_provider(request)
        return super().authenticate(request, **kwargs)

    def use_provider(self, request) -> None:
        """The issuer and its endpoints, from the discovery document."""
        document = discovery(request)
        self.issuer = issuer(request)
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint", "")

    def verify_token(self, token, **kwargs):
        """Signature, issuer, audience, expiry and nonce; any failure is SuspiciousOperation."""
        if not token:
            raise SuspiciousOperation("No ID token in the token response.")
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != "RS256":
                raise SuspiciousOperation("ID token not signed with RS256.")
            key = self.retrieve_matching_jwk(token)
            payload = jwt.decode(
                token, key, algorithms=["RS256"], audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer, leeway=settings.MOTCUA_OIDC_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise SuspiciousOperation("ID token expired.") from None
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token rejected: {type(error).__name__}") from None
        if payload.get("nonce") != kwargs.get("nonce"):
            raise SuspiciousOperation("JWT Nonce verification failed.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        return payload  # the verified ID token carries the identity

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        return citizen_from_claims(payload).user

    def filter_users_by_claims(self, claims):  # pragma: no cover - get_or_create_user decides
        return get_user_model().objects.none()



# --- The mobile app's sign-in (token exchange) ---------------------------------------------


class ProviderUnavailable(Exception):
    """The provider's discovery document or keys could not be read."""


def verify_id_token(request, token: str, *, audience: str, nonce: str) -> dict:
    """The verified claims of an ID token the mobile app obtained itself: exactly the web
    sign-in's checks (``CitizenOIDCBackend.verify_token``: RS256 against the provider's JWKS,
    issuer, ``audience``, expiry, nonce), then one use only: the same nonce is refused for as
    long as the token lives, so a token read off a device cannot be exchanged again.

    Raises ``SuspiciousOperation`` (the reason, in English, for the audit trail) or
    ``ProviderUnavailable``."""
    if not token or not nonce or not audience:
        raise SuspiciousOperation("No ID token, nonce or audience.")
    try:
        jwt.get_unverified_header(token)  # not even a JWT: refused before any network call
    except jwt.PyJWTError as error:
        raise SuspiciousOperation(f"ID token rejected: {type(error).__name__}") from None
    backend = CitizenOIDCBackend()
    backend.OIDC_RP_CLIENT_ID = audience
    try:
        backend.use_provider(request)
        payload = backend.verify_token(token, nonce=nonce)
    except (requests.RequestException, KeyError, ValueError) as error:
        raise ProviderUnavailable(type(error).__name__) from None
    remaining = int(payload["exp"] - time.time()) + settings.MOTCUA_OIDC_LEEWAY_SECONDS
    _use_once(hashlib.sha256(f"{backend.issuer}|{nonce}".encode()).hexdigest(),
              lifetime=max(remaining, 1))
    return payload


def _use_once(digest: str, *, lifetime: int) -> None:
    """Record the nonce as used, or refuse it: the unique key decides, whichever worker or
    node saw it first. Committed at once (its own savepoint under a caller's transaction is
    enough: a refused exchange writes nothing else). Expired records are pruned here."""
    now = timezone.now()
    try:
        with transaction.atomic():
            UsedNonce.objects.filter(expires_at__lt=now).delete()
            UsedNonce.objects.create(digest=digest,
                                     expires_at=now + dt.timedelta(seconds=lifetime))
    except IntegrityError:
        raise SuspiciousOperation("ID token replayed (nonce already used).") from None


def citizen_from_claims(payload: dict) -> CitizenProfile:
    """``citizen_sign_in`` from verified claims (``iss`` checked equal to the configured
    issuer); missing identity claims are a refusal."""
    try:
        return citizen_sign_in(claims=map_claims(payload), issuer=payload["iss"])
    except InvalidInput as error:
        raise SuspiciousOperation(error.message) from None


def record_rejection(request, reason: str) -> None:
    """A refused sign-in, web or mobile: nothing kept but this security event."""
    audit_record(actor=None, event_type="security.oidc_rejected", chain="security",
                 ip=request.META.get("REMOTE_ADDR"),
                 data={"reason": reason[:200], "path": request.path})
