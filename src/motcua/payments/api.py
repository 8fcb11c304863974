"""Payments API v1 (staff): a dossier's fees and payments; record a counter payment.

``GET  /api/v1/dossiers/<code>/payments``: owed, paid, due, fee lines, payments, receipts.
``POST /api/v1/dossiers/<code>/payments``: ``{"method": "cash"|"card", "amount": 500000,
"payer_name": "…"}`` → 201 with the receipt; errors ``{code, message, fields}``.
"""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import NotAllowed
from motcua.core.parsers import JSONParser
from motcua.dossiers import permissions
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import Dossier
from motcua.payments import selectors, services
from motcua.payments.models import Receipt


class IsStaff(drf_permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated) and \
            permissions.is_staff_member(request.user)


class CounterPaymentSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=["cash", "card"])
    amount = serializers.IntegerField(min_value=1)
    payer_name = serializers.CharField(required=False, allow_blank=True, max_length=255)


def _receipt(r: Receipt) -> dict:
    return {"number": r.label, "kind": r.kind, "amount": r.amount, "method": r.method,
            "issued_at": r.issued_at, "cancels": r.cancels.label if r.cancels else None,
            "reason": r.reason}


def _body(dossier: Dossier) -> dict:
    return {
        "dossier": dossier.code,
        "owed": selectors.amount_owed(dossier),
        "paid": selectors.amount_paid(dossier),
        "due": selectors.amount_due(dossier),
        "fees": [{"name": f.name, "amount": f.amount} for f in selectors.fee_lines(dossier)],
        "payments": [
            {"txn_ref": p.txn_ref, "method": p.method, "provider": p.provider,
             "amount": p.amount, "status": p.status, "created_at": p.created_at,
             "confirmed_at": p.confirmed_at}
            for p in selectors.dossier_payments(dossier)
        ],
        "receipts": [_receipt(r) for r in selectors.dossier_receipts(dossier)],
    }


_SUMMARY = inline_serializer("DossierPayments", {
    "dossier": serializers.CharField(), "owed": serializers.IntegerField(),
    "paid": serializers.IntegerField(), "due": serializers.IntegerField(),
    "fees": serializers.ListField(child=serializers.DictField()),
    "payments": serializers.ListField(child=serializers.DictField()),
    "receipts": serializers.ListField(child=serializers.DictField()),
})


class DossierPayments(APIView):
    permission_classes = [IsStaff]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _dossier(self, request, code: str) -> Dossier:
        try:
            return dossier_selectors.dossier_get(user=request.user, code=code)
        except (Dossier.DoesNotExist, NotAllowed):
            raise NotFound() from None

    @extend_schema(summary="Phí, lệ phí và các khoản đã nộp của hồ sơ (đồng)",
                   responses={200: _SUMMARY})
    def get(self, request, code: str):
        return Response(_body(self._dossier(request, code)))

    @extend_schema(summary="Thu phí tại quầy (tiền mặt, thẻ), lập biên lai",
                   request=CounterPaymentSerializer, responses={201: _SUMMARY})
    def post(self, request, code: str):
        dossier = self._dossier(request, code)
        if not services.may_collect(request.user, dossier):
            raise NotAllowed("not_allowed",
                             _("Chỉ cán bộ tiếp nhận của nơi tiếp nhận hồ sơ được thu phí."))
        s = CounterPaymentSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        receipt = services.counter_payment_record(actor=request.user, dossier=dossier,
                                                  **s.validated_data)
        dossier.refresh_from_db()
        return Response({**_body(dossier), "receipt": _receipt(receipt)}, status=201)


urlpatterns = [
    path("dossiers/<str:code>/payments", DossierPayments.as_view(), name="dossier-payments"),
]
