from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from django.conf import settings

from motcua.payments.gateway import result_query
from motcua.payments.providers.vnpay import signed_query


def order_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def ipn_params(order: dict[str, str], *, succeeded: bool = True, **changes) -> dict[str, str]:
    """The signed IPN the gateway would send for ``order`` (``changes`` re-signed)."""
    params = dict(parse_qsl(result_query(order, succeeded=succeeded,
                                         secret=settings.MOTCUA_VNPAY_HASH_SECRET)))
    if changes:
        params.pop("vnp_SecureHash")
        params.update(changes)
        params = dict(parse_qsl(signed_query(params, settings.MOTCUA_VNPAY_HASH_SECRET)))
    return params
