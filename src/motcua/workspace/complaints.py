"""Xử lý phản ánh, kiến nghị: the staff list of the complaints of the officer's units (with the
working-time deadline and the overdue flag) and one complaint with its answer form, over
``motcua.floor.selectors`` and ``motcua.floor.feedback.complaint_answer``. Who may: the rule in
``motcua.floor.permissions`` (leaders and specialists of the complaint's unit)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.errors import DomainError
from motcua.floor import feedback, selectors
from motcua.floor.models import ComplaintStatus
from motcua.floor.permissions import complaint_unit_ids
from motcua.workspace.views import staff_required


def _handler(request) -> None:
    if not complaint_unit_ids(request.user):
        raise PermissionDenied(
            _("Chỉ lãnh đạo, chuyên viên của cơ quan nhận phản ánh mới dùng trang này."))


@require_http_methods(["GET"])
@staff_required
def complaint_list(request):
    _handler(request)
    status = request.GET.get("trang-thai", "")
    complaints = list(selectors.complaints_for_officer(request.user, status=status)[:200])
    return render(request, "workspace/complaints.html", {
        "complaints": complaints, "status": status, "statuses": ComplaintStatus.choices,
        "ws_section": "complaints"})


@require_http_methods(["GET", "POST"])
@staff_required
def complaint_detail(request, code: str):
    _handler(request)
    complaint = selectors.complaint_for_officer(request.user, code)
    if complaint is None:
        raise Http404(_("Không tìm thấy phản ánh."))
    ctx = {"complaint": complaint, "ws_section": "complaints", "values": request.POST}
    if request.method == "POST":
        try:
            feedback.complaint_answer(actor=request.user, complaint=complaint,
                                      answer=request.POST.get("answer", ""),
                                      publish=request.POST.get("publish") == "on")
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "workspace/complaint.html", ctx, status=exc.http_status)
        messages.success(request, _("Đã trả lời phản ánh %(code)s.") % {"code": complaint.code})
        return redirect("workspace:complaint", code=complaint.code)
    return render(request, "workspace/complaint.html", ctx)
