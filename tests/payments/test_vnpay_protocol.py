"""The VNPay 2.1.0 protocol: payment URL parameters and the HMAC-SHA512 signature."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import pytest

from motcua.payments.providers import InvalidSignature, MalformedMessage, Order
from motcua.payments.providers.vnpay import VNPayProvider, canonical, sign, verify

SECRET = "TESTSECRET"
AT = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 08:30 in Vietnam


def provider():
    return VNPayProvider(tmn_code="TMN1", secret=SECRET, gateway_url="https://gw.example/pay")


def order(**kw):
    base = dict(txn_ref="260302083000123456", amount=150000,
                description="Thanh toán phí hồ sơ 000.00.01.H15-260302-0001",
                return_url="https://motcua.example/thanh-toan/vnpay/tra-ve/",
                client_ip="10.0.0.7", created_at=AT)
    base.update(kw)
    return Order(**base)


def test_payment_url_carries_the_published_parameters(settings):
    settings.MOTCUA_PAYMENT_EXPIRE_MINUTES = 15
    url = provider().payment_url(order())
    assert url.startswith("https://gw.example/pay?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["vnp_Version"] == "2.1.0"
    assert params["vnp_Command"] == "pay"
    assert params["vnp_TmnCode"] == "TMN1"
    assert params["vnp_Amount"] == "15000000"  # dong × 100
    assert params["vnp_CurrCode"] == "VND"
    assert params["vnp_TxnRef"] == "260302083000123456"
    assert params["vnp_OrderType"] == "other"
    assert params["vnp_Locale"] == "vn"
    assert params["vnp_IpAddr"] == "10.0.0.7"
    assert params["vnp_CreateDate"] == "20260302083000"  # GMT+7
    assert params["vnp_ExpireDate"] == "20260302084500"
    # No diacritics in the order description (VNPay's rule).
    assert params["vnp_OrderInfo"].isascii()
    assert params["vnp_ReturnUrl"] == "https://motcua.example/thanh-toan/vnpay/tra-ve/"


def test_signature_is_hmac_sha512_over_sorted_urlencoded_parameters():
    url = provider().payment_url(order())
    query = urlsplit(url).query
    signed_part, _, given = query.rpartition("&vnp_SecureHash=")
    # The signed string is the query itself, keys sorted, values urlencoded (space as +).
    keys = [kv.split("=")[0] for kv in signed_part.split("&")]
    assert keys == sorted(keys)
    assert "Thanh+toan" in signed_part
    expected = hmac.new(SECRET.encode(), signed_part.encode(), hashlib.sha512).hexdigest()
    assert given == expected
    params = dict(parse_qsl(query))
    assert verify(params, SECRET)
    assert not verify(params, "other secret")


def test_known_vector():
    # Computed independently: sorted, quote_plus-encoded, HMAC-SHA512.
    params = {"vnp_TxnRef": "1", "vnp_Amount": "100", "vnp_OrderInfo": "a b&c"}
    assert canonical(params) == "vnp_Amount=100&vnp_OrderInfo=a+b%26c&vnp_TxnRef=1"
    assert sign(params, "k") == hmac.new(b"k", canonical(params).encode(),
                                         hashlib.sha512).hexdigest()


def test_parse_notification_refuses_a_changed_field():
    p = provider()
    params = {"vnp_Amount": "15000000", "vnp_TxnRef": "X1", "vnp_ResponseCode": "00",
              "vnp_TransactionStatus": "00", "vnp_TmnCode": "TMN1"}
    params["vnp_SecureHash"] = sign(params, SECRET)
    note = p.parse_notification(params)
    assert note.amount == 150000 and note.succeeded and note.txn_ref == "X1"
    with pytest.raises(InvalidSignature):
        p.parse_notification({**params, "vnp_Amount": "100"})
    with pytest.raises(InvalidSignature):
        p.parse_notification({k: v for k, v in params.items() if k != "vnp_SecureHash"})
    bad = {k: v for k, v in params.items() if k != "vnp_SecureHash"}
    bad["vnp_Amount"] = "1050"  # 10.5 dong
    bad["vnp_SecureHash"] = sign(bad, SECRET)
    with pytest.raises(MalformedMessage):
        p.parse_notification(bad)


def test_not_configured_without_secret():
    assert not VNPayProvider(tmn_code="T", secret="", gateway_url="x").is_configured()
