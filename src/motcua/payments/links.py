"""The citizen's signed link to pay a dossier's fees (liên kết thanh toán).

The link carries the dossier code signed with the site's key (``django.core.signing``), so only
someone given the link (on the receipt slip, in a notice, on the portal after signing in) reaches
the payment page of that dossier; it expires after ``MOTCUA_PAY_LINK_DAYS``.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from motcua.core.public_url import public_base_url

SALT = "motcua.payments.pay-link"


def pay_token(dossier) -> str:
    return signing.TimestampSigner(salt=SALT).sign(dossier.code).split(":", 1)[1]


def pay_path(dossier) -> str:
    return f"{reverse('payments:pay', args=[dossier.code])}?t={pay_token(dossier)}"


def pay_url(dossier, request=None) -> str:
    """The absolute signed URL of the dossier's payment page."""
    return f"{public_base_url(request)}{pay_path(dossier)}"


def check_token(code: str, token: str) -> bool:
    try:
        signing.TimestampSigner(salt=SALT).unsign(
            f"{code}:{token}", max_age=settings.MOTCUA_PAY_LINK_DAYS * 86400
        )
    except signing.BadSignature:
        return False
    return True
