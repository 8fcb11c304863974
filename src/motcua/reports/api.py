"""REST: ``GET /api/v1/reports/official?from=&to=&as_of=&by=[&unit=&agency=]``.

The JSON is the CLI's (``Report.to_dict()``, keys in docs/reports.md). Administrators and the
managers and leaders of the province or the provincial center see every unit; a leader or
manager of another unit sees only the dossiers of their own units (as receiving unit when the
unit receives dossiers, else as competent unit).
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.core.errors import InvalidInput, NotAllowed
from motcua.org.models import Membership, Role, Unit, UnitKind
from motcua.reports.engine import official_report
from motcua.reports.params import parse_as_of, parse_by, parse_date

REPORT_ROLES = (Role.CENTER_MANAGER, Role.LEADER, Role.ADMINISTRATOR)
PROVINCE_WIDE = (UnitKind.PROVINCE, UnitKind.PROVINCIAL_CENTER)


def report_scope(user) -> dict | None:
    """Filters a user's reports are limited to; None = everything. Raises NotAllowed."""
    today = timezone.localdate()
    rows = list(
        Membership.objects.filter(user=user, role__in=REPORT_ROLES)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .values_list(
            "role", "unit_id", "unit__kind"
        )
    )
    if not rows:
        raise NotAllowed("permission_denied", _("Bạn không có quyền xem báo cáo thống kê."))
    if any(role == Role.ADMINISTRATOR or kind in PROVINCE_WIDE for role, _, kind in rows):
        return None
    receiving = {unit for _, unit, kind in rows if kind in (UnitKind.COMMUNE_CENTER, UnitKind.RECEIVING_POINT)}
    competent = {unit for _, unit, kind in rows} - receiving
    return {"receiving_unit": receiving, "competent_unit": competent}


def _unit_id(code: str, field: str) -> int:
    unit_id = Unit.objects.filter(code=code).values_list("pk", flat=True).first()
    if unit_id is None:
        raise InvalidInput("unknown_unit", _("Không tìm thấy đơn vị có mã “%(code)s”.") % {"code": code}, field=field)
    return unit_id


class OfficialReportView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        scope = report_scope(request.user)
        q = request.query_params
        for name in ("from", "to"):
            if not q.get(name):
                raise InvalidInput("required", _("Thiếu tham số “%(name)s”.") % {"name": name}, field=name)
        filters = {}
        if q.get("unit"):
            filters["receiving_unit"] = _unit_id(q["unit"], "unit")
        if q.get("agency"):
            filters["competent_unit"] = _unit_id(q["agency"], "agency")
        if scope is not None:
            filters = _restrict(filters, scope)
        report = official_report(
            date_from=parse_date(q["from"], "from"),
            date_to=parse_date(q["to"], "to"),
            as_of=parse_as_of(q.get("as_of")),
            by=parse_by(q.get("by")),
            filters=filters,
        )
        return Response(report.to_dict())


def _restrict(filters: dict, scope: dict) -> dict:
    for name, allowed in scope.items():
        if name in filters and allowed and filters[name] not in allowed:
            raise NotAllowed(
                "permission_denied", _("Bạn chỉ được xem báo cáo của đơn vị mình."), field=name
            )
    # Always limited to the user's own units: as receiving unit for a center, else competent.
    primary = "receiving_unit" if scope["receiving_unit"] else "competent_unit"
    if primary not in filters:
        filters = {**filters, primary: sorted(scope[primary])}
    return filters


urlpatterns = [
    path("reports/official", OfficialReportView.as_view(), name="reports-official"),
]
