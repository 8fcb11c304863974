"""Payment pages: the citizen's payment page (reached by the signed link), the provider's IPN
and return URL, the sandbox gateway, and the counter page with its receipts.

Thin: check access, call one service or selector, render.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.errors import DomainError
from motcua.core.language import in_vietnamese
from motcua.core.pdf import pdf_response, render_pdf, safe_filename
from motcua.core.public_url import public_base_url
from motcua.core.qr import qr_parts
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import can_view_dossier
from motcua.payments import gateway, links, selectors, services
from motcua.payments.models import Method, Payment, PaymentStatus, Receipt, ReceiptKind
from motcua.payments.providers import InvalidSignature, MalformedMessage, default_provider
from motcua.payments.providers.vnpay import VNPayProvider
from motcua.payments.templatetags.payments_tags import grouped

log = logging.getLogger(__name__)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "127.0.0.1"


def _dossier_or_404(code: str) -> Dossier:
    return get_object_or_404(
        Dossier.objects.select_related("procedure_version", "receiving_unit"), code=code)


def _summary(dossier: Dossier) -> dict:
    return {
        "lines": selectors.fee_lines(dossier),
        "owed": selectors.amount_owed(dossier),
        "paid": selectors.amount_paid(dossier),
        "due": selectors.amount_due(dossier),
    }


# --- the citizen ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def pay(request, code: str):
    """Thanh toán: what the dossier owes and a button to pay it online."""
    token = request.GET.get("t") or request.POST.get("t") or ""
    dossier = Dossier.objects.select_related("procedure_version").filter(code=code).first()
    if dossier is None or not links.check_token(code, token):
        return render(request, "payments/link_invalid.html", status=404)
    provider = default_provider()
    error = ""
    if request.method == "POST":
        return_url = request.build_absolute_uri(reverse("payments:vnpay_return"))
        try:
            _payment, url = services.payment_start(
                dossier=dossier, provider=provider, return_url=return_url,
                client_ip=_client_ip(request))
        except DomainError as exc:
            error = exc.message
        else:
            return HttpResponseRedirect(url)
    context = {"d": dossier, "token": token, "error": error, "online": provider.is_configured(),
               "payments": selectors.dossier_payments(dossier), **_summary(dossier)}
    return render(request, "payments/pay.html", context, status=409 if error else 200)


@never_cache
@require_GET
def vnpay_return(request):
    """Where the gateway sends the browser back. It shows what the server knows; it never
    confirms a payment (only the signed IPN does)."""
    provider = VNPayProvider()
    params = request.GET.dict()
    payment = None
    signature_ok = True
    try:
        note = provider.parse_notification(params)
    except (InvalidSignature, MalformedMessage):
        signature_ok = False
    else:
        payment = (Payment.objects.select_related("dossier")
                   .filter(txn_ref=note.txn_ref, provider=provider.code).first())
    context = {"payment": payment, "signature_ok": signature_ok,
               "pay_path": links.pay_path(payment.dossier) if payment else ""}
    return render(request, "payments/return.html", context,
                  status=200 if payment is not None else 400)


@csrf_exempt  # a server-to-server call from the gateway, authenticated by its HMAC signature
@never_cache
@require_http_methods(["GET", "POST"])
def vnpay_ipn(request):
    params = request.GET.dict() if request.method == "GET" else request.POST.dict()
    answer = services.payment_ipn(provider_code=VNPayProvider.code, params=params,
                                  ip=_client_ip(request))
    return JsonResponse(answer.as_json())


@never_cache
@require_http_methods(["GET", "POST"])
def sandbox_gateway(request):
    """The fake VNPay payment page (demo and tests only)."""
    if not settings.MOTCUA_PAYMENTS_SANDBOX:
        raise Http404()
    provider = VNPayProvider()
    query = request.POST.get("q", "") if request.method == "POST" else request.GET.urlencode()
    order, problem = gateway.read_order(query, provider.secret, provider.tmn_code)
    if order is None:
        return render(request, "payments/sandbox.html", {"problem": problem}, status=400)
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in ("success", "failure"):
            return render(request, "payments/sandbox.html", {"problem": _("Chưa chọn kết quả.")},
                          status=400)
        result = gateway.result_query(order, succeeded=outcome == "success",
                                      secret=provider.secret)
        ipn = request.build_absolute_uri(reverse("payments:vnpay_ipn"))
        try:
            answer = gateway.call_ipn(f"{ipn}?{result}")
        except Exception:  # the gateway retries later in real life; the sandbox says so
            log.exception("sandbox: IPN call failed")
            answer = {"RspCode": "99"}
        log.info("sandbox: IPN answered %s", answer)
        return HttpResponseRedirect(f"{order['vnp_ReturnUrl']}?{result}")
    context = {"order": order, "amount": int(order["vnp_Amount"]) // 100, "q": query}
    return render(request, "payments/sandbox.html", context)


# --- the counter ---------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def counter(request, code: str):
    """Thu phí tại quầy: record cash or card, issue and cancel receipts."""
    dossier = _dossier_or_404(code)
    if not services.may_collect(request.user, dossier):
        raise PermissionDenied
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("op") == "cancel":
                receipt = get_object_or_404(Receipt, pk=request.POST.get("receipt") or 0,
                                            dossier=dossier)
                cancelling = services.receipt_cancel(actor=request.user, receipt=receipt,
                                                     reason=request.POST.get("reason", ""))
                messages.success(request, _("Đã hủy biên lai %(n)s bằng biên lai %(m)s.")
                                 % {"n": receipt.label, "m": cancelling.label})
            else:
                receipt = services.counter_payment_record(
                    actor=request.user, dossier=dossier, method=request.POST.get("method", ""),
                    amount=request.POST.get("amount", ""),
                    payer_name=request.POST.get("payer_name", ""))
                messages.success(request, _("Đã thu %(a)s đồng, biên lai số %(n)s.")
                                 % {"a": grouped(receipt.amount),
                                    "n": receipt.label})
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            return redirect("payments:counter", code=dossier.code)
        dossier.refresh_from_db()
    receipts = list(selectors.dossier_receipts(dossier))
    cancelled = {r.cancels_id for r in receipts if r.kind == ReceiptKind.CANCEL}
    context = {"d": dossier, "error": error, "methods": [Method.CASH, Method.CARD],
               "method_labels": dict(Method.choices), "payments": selectors.dossier_payments(dossier),
               "receipts": receipts, "cancelled": cancelled,
               "pay_url": links.pay_url(dossier, request), **_summary(dossier)}
    return render(request, "payments/counter.html", context, status=status)


def _receipt_context(receipt: Receipt, request) -> dict:
    lookup = f"{public_base_url(request)}{reverse('portal:lookup-result', args=[receipt.dossier.code])}"
    return {"r": receipt, "qr": qr_parts(lookup), "d": receipt.dossier,
            "method_label": dict(Method.choices).get(receipt.method, receipt.method)}


@in_vietnamese
def _receipt_html(context: dict) -> str:
    return render_to_string("payments/receipt_document.html", {**context, "pdf": True})


@never_cache
@login_required
@require_GET
def receipt(request, pk: int, fmt: str = "html"):
    """Biên lai điện tử: the screen page or the PDF (with a QR to the dossier's lookup)."""
    receipt = get_object_or_404(Receipt.objects.select_related("dossier", "unit", "cancels"),
                                pk=pk)
    if not can_view_dossier(request.user, receipt.dossier):
        raise PermissionDenied
    context = _receipt_context(receipt, request)
    if fmt == "pdf":
        pdf = render_pdf(_receipt_html(context))
        return pdf_response(pdf, safe_filename("bien-lai", receipt.label.replace("/", "-")))
    return render(request, "payments/receipt.html", context)


__all__ = ["pay", "vnpay_return", "vnpay_ipn", "sandbox_gateway", "counter", "receipt",
           "PaymentStatus"]
