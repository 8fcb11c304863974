"""The sandbox gateway (cổng thanh toán thử nghiệm): a stand-in for VNPay's payment page, for the
demo and the tests only (``MOTCUA_PAYMENTS_SANDBOX``; never in production).

It speaks the same protocol as the real gateway: it checks the signature of the payment URL,
lets the citizen choose success or failure, calls the merchant's IPN server-to-server with a
signed result, then sends the browser to the return URL with the same signed result.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import urllib.request
from urllib.parse import parse_qsl

from django.utils import timezone

from motcua.payments.providers.vnpay import DATE_FORMAT, GMT7, signed_query, verify, vn_time

# The sandbox's own failure code for "the customer cancelled" (VNPay: 24).
CANCELLED_BY_CUSTOMER = "24"


def read_order(query: str, secret: str, tmn_code: str) -> tuple[dict[str, str] | None, str]:
    """The order of a payment URL's query, or None with the reason it is refused."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    if not verify(params, secret):
        return None, "Sai chữ ký (vnp_SecureHash)."
    if params.get("vnp_TmnCode") != tmn_code or params.get("vnp_Command") != "pay":
        return None, "Sai mã website hoặc lệnh."
    try:
        expire = dt.datetime.strptime(params["vnp_ExpireDate"], DATE_FORMAT).replace(tzinfo=GMT7)
        int(params["vnp_Amount"])
    except (KeyError, ValueError):
        return None, "Thiếu tham số."
    if expire < timezone.now():
        return None, "Giao dịch đã quá thời gian chờ thanh toán."
    return params, ""


def result_query(order: dict[str, str], *, succeeded: bool, secret: str) -> str:
    """The signed result the gateway sends to the IPN and the return URL."""
    code = "00" if succeeded else CANCELLED_BY_CUSTOMER
    result = {
        "vnp_Amount": order["vnp_Amount"],
        "vnp_BankCode": "NCB",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": order.get("vnp_OrderInfo", ""),
        "vnp_PayDate": vn_time(timezone.now()),
        "vnp_ResponseCode": code,
        "vnp_TmnCode": order["vnp_TmnCode"],
        "vnp_TransactionNo": f"{secrets.randbelow(10**8):08d}",
        "vnp_TransactionStatus": "00" if succeeded else "02",
        "vnp_TxnRef": order["vnp_TxnRef"],
    }
    if succeeded:
        result["vnp_BankTranNo"] = f"VNP{result['vnp_TransactionNo']}"
    return signed_query(result, secret)


def call_ipn(url: str) -> dict:
    """The server-to-server call (GET, as VNPay does). Tests replace it to call the view
    in-process; the browser test runs the real HTTP call against the live server."""
    with urllib.request.urlopen(url, timeout=15) as answer:  # noqa: S310 - our own IPN URL
        return json.loads(answer.read().decode())
