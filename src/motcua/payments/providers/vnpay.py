"""VNPay (cổng thanh toán VNPAY), payment URL and IPN protocol version 2.1.0 as VNPay publishes
it to merchants:

* the payment URL carries ``vnp_Version=2.1.0``, ``vnp_Command=pay``, ``vnp_TmnCode``,
  ``vnp_Amount`` (the amount in dong × 100), ``vnp_CurrCode=VND``, ``vnp_TxnRef``,
  ``vnp_OrderInfo``, ``vnp_OrderType``, ``vnp_Locale``, ``vnp_ReturnUrl``, ``vnp_IpAddr``,
  ``vnp_CreateDate`` and ``vnp_ExpireDate`` (``yyyyMMddHHmmss``, GMT+7);
* the signature ``vnp_SecureHash`` is HMAC-SHA512 (hex) with the merchant's hash secret over the
  parameters sorted by name and URL-encoded as a query string (``key=value&…``, values encoded
  as PHP's ``urlencode`` does: space as ``+``); the same string is the query of the URL;
* the IPN and the return URL carry the result (``vnp_ResponseCode``,
  ``vnp_TransactionStatus``: ``00`` is success, ``vnp_TransactionNo``, ``vnp_BankCode``…) signed
  the same way, ``vnp_SecureHash`` and ``vnp_SecureHashType`` excluded from the signed string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import unicodedata
from urllib.parse import quote_plus

from django.conf import settings

from motcua.payments.providers.base import (
    InvalidSignature,
    MalformedMessage,
    Notification,
    Order,
    PaymentProvider,
)

VERSION = "2.1.0"
GMT7 = dt.timezone(dt.timedelta(hours=7))
DATE_FORMAT = "%Y%m%d%H%M%S"
UNSIGNED = ("vnp_SecureHash", "vnp_SecureHashType")
SUCCESS = "00"


def canonical(params: dict[str, str]) -> str:
    """The signed string: the ``vnp_`` parameters other than the hash, sorted, URL-encoded."""
    items = sorted((k, v) for k, v in params.items()
                   if k.startswith("vnp_") and k not in UNSIGNED and v not in (None, ""))
    return "&".join(f"{quote_plus(str(k))}={quote_plus(str(v))}" for k, v in items)


def sign(params: dict[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical(params).encode("utf-8"),
                    hashlib.sha512).hexdigest()


def signed_query(params: dict[str, str], secret: str) -> str:
    """``params`` as a query string with its ``vnp_SecureHash`` appended."""
    return f"{canonical(params)}&vnp_SecureHash={sign(params, secret)}"


def verify(params: dict[str, str], secret: str) -> bool:
    given = (params.get("vnp_SecureHash") or "").lower()
    return bool(secret) and bool(given) and hmac.compare_digest(given, sign(params, secret))


def vn_time(at: dt.datetime) -> str:
    return at.astimezone(GMT7).strftime(DATE_FORMAT)


def ascii_info(text: str) -> str:
    """``vnp_OrderInfo`` must be Vietnamese without diacritics and without special characters."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    kept = "".join(c for c in plain if not unicodedata.combining(c))
    return "".join(c for c in kept if (c.isascii() and c.isalnum()) or c in " .-")[:255].strip()


class VNPayProvider(PaymentProvider):
    code = "vnpay"
    name = "VNPAY"

    def __init__(self, *, tmn_code: str | None = None, secret: str | None = None,
                 gateway_url: str | None = None):
        self.tmn_code: str = (tmn_code if tmn_code is not None
                              else settings.MOTCUA_VNPAY_TMN_CODE) or ""
        self.secret: str = (secret if secret is not None
                            else settings.MOTCUA_VNPAY_HASH_SECRET) or ""
        self.gateway_url: str = (gateway_url if gateway_url is not None
                                 else settings.MOTCUA_VNPAY_PAYMENT_URL) or ""

    def is_configured(self) -> bool:
        return bool(self.tmn_code and self.secret and self.gateway_url)

    def order_params(self, order: Order) -> dict[str, str]:
        expire = order.created_at + dt.timedelta(minutes=settings.MOTCUA_PAYMENT_EXPIRE_MINUTES)
        return {
            "vnp_Version": VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(order.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order.txn_ref,
            "vnp_OrderInfo": ascii_info(order.description),
            "vnp_OrderType": "other",
            "vnp_Locale": order.locale,
            "vnp_ReturnUrl": order.return_url,
            "vnp_IpAddr": order.client_ip or "127.0.0.1",
            "vnp_CreateDate": vn_time(order.created_at),
            "vnp_ExpireDate": vn_time(expire),
        }

    def payment_url(self, order: Order) -> str:
        return f"{self.gateway_url}?{signed_query(self.order_params(order), self.secret)}"

    def parse_notification(self, params: dict[str, str]) -> Notification:
        if not verify(params, self.secret):
            raise InvalidSignature()
        try:
            raw_amount = int(params["vnp_Amount"])
            txn_ref = params["vnp_TxnRef"]
        except (KeyError, ValueError, TypeError):
            raise MalformedMessage() from None
        if raw_amount % 100:  # VNPay sends dong × 100: a fraction of a dong is not ours
            raise MalformedMessage()
        if params.get("vnp_TmnCode") != self.tmn_code:
            raise MalformedMessage()
        succeeded = (params.get("vnp_ResponseCode") == SUCCESS
                     and params.get("vnp_TransactionStatus", SUCCESS) == SUCCESS)
        return Notification(
            txn_ref=txn_ref, amount=raw_amount // 100, succeeded=succeeded,
            provider_txn_no=params.get("vnp_TransactionNo", "")[:64],
            bank_code=params.get("vnp_BankCode", "")[:32],
            response_code=params.get("vnp_ResponseCode", "")[:8],
            raw={k: v for k, v in params.items() if k.startswith("vnp_")},
        )
