"""Staff pages of the courier feature (bưu chính): the courier's day on a phone, a batch's
hand-over confirmation (opened by scanning its QR), the hand-over record PDF, dossiers in transit
too long, home delivery on the dossier page, certified electronic copies."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.errors import DomainError, NotAllowed
from motcua.core.pdf import pdf_response, safe_filename
from motcua.core.public_url import public_base_url
from motcua.core.qr import qr_parts
from motcua.courier import permissions as courier_permissions
from motcua.courier import selectors, services
from motcua.courier.manifest import manifest_pdf
from motcua.courier.models import Batch, BatchStatus, HomeDelivery
from motcua.dossiers import permissions
from motcua.dossiers.results import CERTIFYING_ROLES, copy_certify, verification_token
from motcua.org.models import Role, Unit
from motcua.workspace.views import _get_dossier, staff_required


def _center_ids(user) -> set[int]:
    return {u for u, r in permissions.memberships(user)
            if r in (Role.RECEPTIONIST, Role.CENTER_MANAGER, Role.COURIER)}


@require_GET
@staff_required
def courier_home(request):
    """Hôm nay: the courier's runs and batches; for officers, what is on its way to them."""
    today = timezone.localdate()
    batches = list(selectors.batches_for_courier(request.user, today))
    centers = _center_ids(request.user)
    return render(request, "courier/workspace/home.html", {
        "ws_section": "courier",
        "today": today,
        "runs": list(selectors.runs_of_day(courier_permissions.courier_center_ids(request.user),
                                           today)),
        "to_collect": [b for b in batches if b.status == BatchStatus.WAITING],
        "to_deliver": [b for b in batches if b.status == BatchStatus.COLLECTED],
        "done": [b for b in batches if b.status in (BatchStatus.RECEIVED, BatchStatus.PARTIAL)],
        "to_receive": list(selectors.batches_to_receive(request.user)),
        "deliveries": list(selectors.deliveries_for_courier(request.user)),
        "overdue": list(selectors.overdue_in_transit(center_ids=centers)) if centers else [],
        "alert_hours": selectors.alert_hours(),
        "can_certify": any(r in CERTIFYING_ROLES for _u, r in permissions.memberships(
            request.user)),
    })


def _batch_or_404(user, token: str) -> Batch:
    batch = (Batch.objects.select_related("run", "run__center", "origin", "destination",
                                          "collected_by", "received_by")
             .filter(token=token).first())
    if batch is None or not courier_permissions.can_view_batch(user, batch):
        raise Http404(_("Không tìm thấy lô hồ sơ, hoặc bạn không có quyền xem."))
    return batch


def _batch_page(request, batch: Batch, *, status: int = 200, error: str = "",
                success: str = ""):
    lines = list(selectors.batch_lines(batch))
    scanned = (request.GET.get("ma") or "").strip()
    in_batch = {ln.dossier.code for ln in lines}
    return render(request, "courier/workspace/batch.html", {
        "ws_section": "courier",
        "batch": batch,
        "lines": lines,
        "scanned": scanned,
        "scanned_in_batch": scanned in in_batch,
        "can_collect": batch.status == BatchStatus.WAITING
        and courier_permissions.can_collect(request.user, batch),
        "can_receive": batch.status == BatchStatus.COLLECTED
        and courier_permissions.can_receive(request.user, batch),
        "error": error,
        "success": success,
    }, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def courier_batch(request, token: str):
    batch = _batch_or_404(request.user, token)
    if request.method == "GET":
        return _batch_page(request, batch)
    op = request.POST.get("op")
    try:
        if op == "collect":
            services.batch_collect(actor=request.user, batch=batch)
            message = _("Đã xác nhận nhận lô %(number)s để vận chuyển.")
        elif op == "receive":
            services.batch_receive(actor=request.user, batch=batch,
                                   received_codes=request.POST.getlist("received"),
                                   note=request.POST.get("note", ""))
            message = _("Đã xác nhận nhận lô %(number)s.")
        else:
            raise Http404
    except DomainError as exc:
        batch.refresh_from_db()
        return _batch_page(request, batch, status=getattr(exc, "http_status", 400),
                           error=exc.message)
    batch.refresh_from_db()
    return _batch_page(request, batch, success=message % {"number": batch.number})


@require_GET
@staff_required
def courier_batch_pdf(request, token: str):
    batch = _batch_or_404(request.user, token)
    return pdf_response(manifest_pdf(batch, request=request),
                        safe_filename("bien-ban-giao-nhan", batch.number) + ".pdf")


@require_POST
@staff_required
def dossier_delivery(request, code: str):
    """Chuyển phát kết quả: create, hand off, delivered, failed (``op``)."""
    dossier = _get_dossier(request.user, code)
    op = request.POST.get("op")

    def delivery() -> HomeDelivery:
        found = HomeDelivery.objects.filter(dossier=dossier,
                                            pk=request.POST.get("delivery") or 0).first()
        if found is None:
            raise Http404
        return found

    try:
        if op == "create":
            services.home_delivery_create(actor=request.user, dossier=dossier,
                                          address=request.POST.get("address"))
        elif op == "hand_off":
            courier = get_user_model().objects.filter(
                pk=request.POST.get("courier") or 0).first()
            services.home_delivery_hand_off(actor=request.user, delivery=delivery(),
                                            courier=courier,
                                            tracking_number=request.POST.get("tracking_number",
                                                                             ""))
        elif op == "delivered":
            services.home_delivery_delivered(actor=request.user, delivery=delivery(),
                                             recipient_name=request.POST.get("recipient_name",
                                                                             ""))
        elif op == "failed":
            services.home_delivery_failed(actor=request.user, delivery=delivery(),
                                          reason=request.POST.get("reason", ""))
        else:
            raise Http404
    except NotAllowed as exc:
        raise PermissionDenied(exc.message) from None
    except DomainError as exc:
        request.session["courier_error"] = exc.message
    return redirect(reverse("workspace:dossier", args=[dossier.code]) + "#buu-chinh")


def dossier_panel(request, dossier) -> dict:
    """What the dossier page shows of the paper trail, home delivery and the signed result."""
    unit_couriers = []
    can_manage = courier_permissions.can_manage_delivery(request.user, dossier)
    if can_manage:
        from motcua.org.models import Membership

        unit_couriers = [m.user for m in Membership.objects.filter(
            unit_id=dossier.receiving_unit_id, role=Role.COURIER).select_related("user")]
    verify_url = ""
    if dossier.result_file and dossier.result_signed:
        verify_url = public_base_url(request) + reverse(
            "portal:verify_result_token", args=[verification_token(dossier)])
    deliveries = list(selectors.deliveries(dossier))
    return {
        "trail": selectors.paper_trail(dossier),
        "custody": list(selectors.custody_timeline(dossier)),
        "transit": selectors.transit_against_deadline(dossier),
        "deliveries": deliveries,
        "can_create_delivery": can_manage and dossier.status == "result_ready"
        and not any(d.status in ("pending", "handed_off") for d in deliveries),
        "can_manage_delivery": can_manage,
        "can_report": {d.pk: courier_permissions.can_report_delivery(request.user, d)
                       for d in deliveries},
        "couriers": unit_couriers,
        "verify": qr_parts(verify_url) if verify_url else None,
        "error": request.session.pop("courier_error", ""),
    }


@require_http_methods(["GET", "POST"])
@staff_required
def certify_copy(request):
    """Chứng thực bản sao điện tử từ bản chính: upload the scan, download it sealed."""
    units = list(Unit.objects.filter(pk__in={u for u, r in permissions.memberships(request.user)
                                             if r in CERTIFYING_ROLES}))
    if not units:
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận hoặc lãnh đạo được chứng thực bản sao."))
    error = ""
    if request.method == "POST":
        unit = next((u for u in units if u.code == request.POST.get("unit")), units[0])
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Cần chọn tệp PDF bản chụp kết quả.")
        else:
            try:
                signed = copy_certify(actor=request.user, upload=upload, unit=unit)
            except DomainError as exc:
                error = exc.message
            else:
                return pdf_response(signed.content, "ban-sao-dien-tu.pdf", inline=False)
    return render(request, "courier/workspace/certify.html", {
        "ws_section": "courier", "units": units, "error": error,
    }, status=400 if error else 200)
