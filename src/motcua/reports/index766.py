"""Service index of Decision 766 (Bộ chỉ số 766, QĐ 766/QĐ-TTg), self-assessed from our data.

DVCQG computes the index from the dossiers each province synchronises; this module applies the
same formulas (domain §1.10) to our own data, per unit and period, so a center sees its expected
score first. Each sub-indicator shows its formula and its numerator and denominator; where we do
not hold the data yet (publication dates, DVCQG synchronisation) it
is "N/A" and scores nothing, and the total says how many of the 100 points could be computed.

Points within a group: the source gives only the group maxima; ``SUB_INDICATORS`` below is the
one table of sub-indicator points and thresholds (split evenly where unknown; see
docs/service-index.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    OnlineMode,
    Procedure,
    ProcessStep,
    RequiredDocument,
    VersionStatus,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Channel, Status
from motcua.org.models import RECEIVING_KINDS, Unit, UnitKind
from motcua.reports.dashboard import unit_filters
from motcua.reports.engine import (
    Report,
    Timeliness766,
    end_of_day,
    make_window,
    official_report,
    start_of_day,
    timeliness_766,
)
from motcua.reports.transparency import (
    dossier_filter,
    ended_dossiers,
    limit_in_working_days,
    processing_times,
)

TWO = Decimal("0.01")


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    max_points: Decimal


GROUPS = (
    Group("1", _("Công khai, minh bạch"), Decimal(18)),
    Group("2", _("Tiến độ, kết quả giải quyết"), Decimal(20)),
    Group("3", _("Cung cấp dịch vụ trực tuyến"), Decimal(12)),
    Group("3b", _("Thanh toán trực tuyến"), Decimal(10)),
    Group("4", _("Số hóa hồ sơ"), Decimal(22)),
    Group("5", _("Mức độ hài lòng"), Decimal(18)),
)


@dataclass(frozen=True)
class SubIndicator:
    """One sub-indicator (chỉ số thành phần): its points within the group and threshold T."""

    code: str
    group: str
    name: str
    formula: str
    points: Decimal
    threshold: Decimal | None = None  # full points at ratio >= T; None: full points at 100%


# The one table of weights. Group maxima are from the source (§1.10); the split within a group
# is ours (even where the source gives no points), documented in docs/service-index.md.
SUB_INDICATORS = (
    SubIndicator("1.1", "1", _("TTHC công bố đúng hạn"),
                 _("Số TTHC công bố đúng hạn ÷ số TTHC phải công bố"), Decimal("4.5")),
    SubIndicator("1.2", "1", _("TTHC công khai trên CSDL quốc gia đúng hạn"),
                 _("Số TTHC công khai đúng hạn ÷ số TTHC đã công bố"), Decimal("4.5")),
    SubIndicator("1.3", "1", _("TTHC có đủ các bộ phận cấu thành"),
                 _("Số TTHC đủ tên, trình tự, cách thức, thành phần hồ sơ, thời hạn, cơ quan "
                   "÷ số TTHC thuộc thẩm quyền"), Decimal("4.5")),
    SubIndicator("1.4", "1", _("Tỷ lệ đồng bộ hồ sơ lên Cổng DVCQG"),
                 _("Số hồ sơ đã đồng bộ ÷ max(số hồ sơ báo cáo, số hồ sơ trên DVCQG)"),
                 Decimal("4.5")),
    SubIndicator("2.1", "2", _("Tỷ lệ hồ sơ xử lý đúng hạn"),
                 _("(Đã xử lý trước và đúng hạn + đang xử lý, tạm dừng trong hạn) "
                   "÷ tổng số hồ sơ tiếp nhận (kỳ trước chuyển sang + trong kỳ); theo cách "
                   "tính QĐ 766: trừ thời gian chờ bổ sung, yêu cầu bổ sung từ 2 lần trở lên "
                   "tính là quá hạn"), Decimal(10)),
    SubIndicator("2.2", "2", _("Thời gian xử lý bình quân theo TTHC"),
                 _("Số TTHC có thời gian xử lý bình quân (ngày làm việc) không vượt thời hạn "
                   "cam kết ÷ số TTHC có hồ sơ đã xử lý trong kỳ"), Decimal(10)),
    SubIndicator("3.1", "3", _("TTHC cung cấp dịch vụ công trực tuyến"),
                 _("Số TTHC có DVCTT toàn trình hoặc một phần ÷ số TTHC thuộc thẩm quyền"),
                 Decimal(4), Decimal("0.8")),
    SubIndicator("3.2", "3", _("DVCTT có phát sinh hồ sơ trực tuyến"),
                 _("Số DVCTT có hồ sơ trực tuyến trong kỳ ÷ số DVCTT"), Decimal(4)),
    SubIndicator("3.3", "3", _("Tỷ lệ hồ sơ trực tuyến"),
                 _("Số hồ sơ trực tuyến (có kết quả điện tử nếu TTHC yêu cầu kết quả giấy) "
                   "÷ số hồ sơ tiếp nhận trong kỳ × tỷ lệ đồng bộ (coi là 1)"),
                 Decimal(4), Decimal("0.5")),
    SubIndicator("3.5", "3b", _("TTHC có phí đồng bộ dữ liệu thanh toán"),
                 _("Số TTHC có phí đồng bộ dữ liệu thu phí ÷ số TTHC có phí"),
                 Decimal(5), Decimal("0.8")),
    SubIndicator("3.6", "3b", _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
                 _("Số hồ sơ thanh toán trực tuyến ÷ số hồ sơ có phí, lệ phí tiếp nhận trong kỳ"),
                 Decimal(5)),
    SubIndicator("4.1", "4", _("Hồ sơ có kết quả điện tử"),
                 _("Số hồ sơ đã xử lý có tệp kết quả điện tử ÷ số hồ sơ đã xử lý của TTHC "
                   "yêu cầu kết quả giấy"), Decimal("4.4")),
    SubIndicator("4.2", "4", _("Hồ sơ được số hóa và có kết quả điện tử"),
                 _("Số hồ sơ đã xử lý được số hóa thành phần và có kết quả điện tử "
                   "÷ số hồ sơ đã xử lý"), Decimal("4.4"), Decimal("0.8")),
    SubIndicator("4.3", "4", _("Hồ sơ tái sử dụng dữ liệu số hóa"),
                 _("Số hồ sơ tái sử dụng dữ liệu đã số hóa ÷ số hồ sơ tiếp nhận"),
                 Decimal("4.4"), Decimal("0.8")),
    SubIndicator("4.4", "4", _("Sử dụng kho dữ liệu cá nhân, tổ chức"),
                 _("Số hồ sơ dùng kho dữ liệu hoặc có kết quả đồng bộ vào kho ÷ số hồ sơ"),
                 Decimal("4.4")),
    SubIndicator("4.5", "4", _("Khai thác dữ liệu dân cư (tài khoản VNeID)"),
                 _("Số hồ sơ tiếp nhận trong kỳ có tài khoản xác thực VNeID ÷ số hồ sơ "
                   "tiếp nhận trong kỳ"), Decimal("4.4")),
    SubIndicator("5.1", "5", _("Phản ánh, kiến nghị theo loại (theo dõi)"),
                 _("Chỉ theo dõi, không tính điểm"), Decimal(0)),
    SubIndicator("5.2", "5", _("Xử lý phản ánh, kiến nghị đúng hạn"),
                 _("Số PAKN xử lý đúng hạn ÷ số PAKN"), Decimal(6)),
    SubIndicator("5.3", "5", _("Hài lòng về xử lý phản ánh, kiến nghị"),
                 _("Số PAKN được đánh giá hài lòng ÷ số PAKN đã xử lý"), Decimal(6)),
    SubIndicator("5.4", "5", _("Hài lòng trong tiếp nhận, giải quyết TTHC"),
                 _("100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ có PAKN hoặc “không hài lòng”)"),
                 Decimal(6), Decimal("0.9")),
)

# Why a sub-indicator cannot be computed yet (the data Motcua does not hold).
NOT_AVAILABLE = {
    "1.1": _("Chưa lưu ngày quyết định công bố và ngày hiệu lực của văn bản quy định TTHC."),
    "1.2": _("Chưa lưu ngày công khai trên Cơ sở dữ liệu quốc gia về TTHC."),
    "1.4": _("Chưa đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia."),
    "3.5": _("Chưa đồng bộ dữ liệu thu phí với Cổng Dịch vụ công quốc gia."),
    "4.3": _("Chưa ghi nhận việc tái sử dụng dữ liệu đã số hóa."),
    "4.4": _("Chưa kết nối kho quản lý dữ liệu điện tử của tổ chức, cá nhân."),
    "5.1": _("Chưa có dữ liệu phản ánh, kiến nghị."),
    "5.4": _("Chưa có dữ liệu đánh giá “không hài lòng” và PAKN; chỉ có tỷ lệ quá hạn."),
}


def convert(numerator: int, denominator: int, max_points: Decimal,
            threshold: Decimal | None = None) -> Decimal | None:
    """Threshold conversion (§1.10): max if ratio >= T, else ratio × max ÷ T; 2 decimals.
    None (N/A) when the denominator is 0."""
    if not denominator:
        return None
    ratio = Decimal(numerator) / Decimal(denominator)
    t = threshold if threshold is not None else Decimal(1)
    points = max_points if ratio >= t else ratio * max_points / t
    return points.quantize(TWO, ROUND_HALF_UP)


@dataclass
class SubResult:
    spec: SubIndicator
    numerator: int | None = None
    denominator: int | None = None
    points: Decimal | None = None
    note: str = ""
    # The legal view's numerator beside the 766 one (2.1, 5.4), for "theo quy định: x / y".
    legal_numerator: int | None = None

    @property
    def available(self) -> bool:
        return self.points is not None

    @property
    def ratio(self) -> Decimal | None:
        if not self.denominator or self.numerator is None:
            return None
        return (Decimal(self.numerator) * 100 / Decimal(self.denominator)).quantize(
            TWO, ROUND_HALF_UP
        )


@dataclass
class GroupResult:
    group: Group
    subs: list[SubResult] = field(default_factory=list)

    @property
    def points(self) -> Decimal | None:
        scored = [s.points for s in self.subs if s.available]
        return sum(scored, Decimal(0)) if scored else None

    @property
    def available_max(self) -> Decimal:
        return sum((s.spec.points for s in self.subs if s.available), Decimal(0))


@dataclass
class Index766:
    unit: Unit | None
    date_from: dt.date
    date_to: dt.date
    as_of: dt.datetime
    groups: list[GroupResult]
    views: Timeliness766 | None = None  # both views of timeliness (legal and QĐ 766)

    @property
    def points(self) -> Decimal:
        return sum((g.points or Decimal(0) for g in self.groups), Decimal(0))

    @property
    def available_max(self) -> Decimal:
        return sum((g.available_max for g in self.groups), Decimal(0))

    @property
    def max_points(self) -> Decimal:
        return sum((g.group.max_points for g in self.groups), Decimal(0))

    def sub(self, code: str) -> SubResult:
        return next(s for g in self.groups for s in g.subs if s.spec.code == code)


def competent_procedures(unit: Unit | None):
    """Procedures (current published version) under the unit's competence (thẩm quyền)."""
    qs = Procedure.objects.filter(current__isnull=False).exclude(
        current__status=VersionStatus.DRAFT
    )
    if unit is None or unit.kind in (UnitKind.PROVINCE, UnitKind.PROVINCIAL_CENTER):
        return qs
    if unit.kind in RECEIVING_KINDS:
        return qs.filter(current__receiving_units=unit).distinct()
    return qs.filter(current__agency=unit)


def _complete_parts(procedures) -> tuple[int, int]:
    has_steps = ProcessStep.objects.filter(version_id=OuterRef("current_id"))
    has_docs = RequiredDocument.objects.filter(version_id=OuterRef("current_id"))
    complete = procedures.filter(Exists(has_steps), Exists(has_docs)).exclude(
        current__name=""
    ).filter(
        Q(current__legal_time_value__isnull=False) | Q(current__time_value__isnull=False)
    ).filter(
        Q(current__receiving_units__isnull=False) | ~Q(current__online_mode=OnlineMode.NONE)
    ).distinct()
    return complete.count(), procedures.count()


def _compute(code: str, ctx: dict) -> tuple[int, int] | None:
    """(numerator, denominator) of a computable sub-indicator; None if N/A."""
    total = ctx["report"].total
    if code == "1.3":
        return _complete_parts(ctx["procedures"])
    if code == "2.1":
        return ctx["views"].in_time, ctx["views"].received
    if code == "2.2":
        within = comparable = 0
        limits = {
            p["pk"]: limit_in_working_days(
                p["current__time_value"] if p["current__time_value"] is not None
                else p["current__legal_time_value"],
                p["current__time_unit"] if p["current__time_value"] is not None
                else p["current__legal_time_unit"],
            )
            for p in Procedure.objects.filter(pk__in=ctx["times"]).values(
                "pk", "current__time_value", "current__time_unit",
                "current__legal_time_value", "current__legal_time_unit",
            )
        }
        for pk, (_, average) in ctx["times"].items():
            limit = limits.get(pk)
            if limit is None:
                continue
            comparable += 1
            within += average <= limit
        return within, comparable
    if code == "3.1":
        procs = ctx["procedures"]
        return procs.exclude(current__online_mode=OnlineMode.NONE).count(), procs.count()
    if code == "3.2":
        online = ctx["procedures"].exclude(current__online_mode=OnlineMode.NONE)
        used = set(
            ctx["new"].filter(channel=Channel.ONLINE)
            .values_list("procedure_version__procedure_id", flat=True).distinct()
        )
        ids = set(online.values_list("pk", flat=True))
        return len(ids & used), len(ids)
    if code == "3.3":
        ok = ctx["new"].filter(channel=Channel.ONLINE).filter(
            Q(procedure_version__requires_paper_result=False) | ~Q(result_file="")
        ).count()
        return ok, total.new
    if code == "3.6":
        return total.paid_online, total.fee_bearing
    if code == "4.1":
        paper = ctx["ended"].filter(procedure_version__requires_paper_result=True)
        return paper.exclude(result_file="").count(), paper.count()
    if code == "4.2":
        ended = ctx["ended"]
        return ended.filter(digitised=True).exclude(result_file="").count(), ended.count()
    if code == "4.5":
        return ctx["new"].filter(vneid_verified=True).count(), total.new
    if code == "5.2":
        return _complaints_on_time(ctx)
    if code == "5.3":
        return _complaints_satisfied(ctx)
    if code == "5.4":
        return _satisfaction_54(ctx)
    return None


# What 5.3 cannot see: the citizen does not rate the answer yet (DVCQG's "không hài lòng").
NOTE_53 = _("Chưa ghi nhận đánh giá “không hài lòng” của công dân về câu trả lời; tính các PAKN "
            "trả lời đúng hạn và không bị gửi lại.")


def _complaints(ctx: dict):
    """Complaints (PAKN, ``floor.Complaint``) of the unit: the whole province for None, the
    province or the provincial center; else those routed to the unit itself."""
    from motcua.floor.models import Complaint

    unit = ctx["unit"]
    qs = Complaint.objects.all()
    if unit is not None and unit.kind not in (UnitKind.PROVINCE, UnitKind.PROVINCIAL_CENTER):
        qs = qs.filter(unit=unit)
    return qs


def _complaints_on_time(ctx: dict) -> tuple[int, int]:
    """5.2: of the PAKN received in the period, those answered by their working-time deadline,
    plus those still open whose deadline has not passed at the end of the period (as 2.1
    counts dossiers in process within their time)."""
    until = ctx["until"]
    received = _complaints(ctx).filter(submitted_at__gte=ctx["start"], submitted_at__lte=until)
    answered_in_time = (Q(answered_at__isnull=False, answered_at__lte=until)
                        & Q(answered_at__lte=F("due_at")))
    open_in_time = (Q(answered_at__isnull=True) | Q(answered_at__gt=until)) & Q(due_at__gte=until)
    return received.filter(answered_in_time | open_in_time).count(), received.count()


def _complaints_satisfied(ctx: dict) -> tuple[int, int]:
    """5.3: of the PAKN answered in the period, those counted satisfied: answered on time and
    not repeated (no later PAKN of the same person, by contact, to the same unit on the same
    subject after the answer). Dislikes are not recorded (``NOTE_53``)."""
    from motcua.floor.models import Complaint

    answered = _complaints(ctx).filter(answered_at__gte=ctx["start"],
                                       answered_at__lte=ctx["until"])
    repeated = Complaint.objects.filter(
        unit_id=OuterRef("unit_id"), contact=OuterRef("contact"), subject=OuterRef("subject"),
        submitted_at__gt=OuterRef("answered_at"))
    satisfied = answered.filter(answered_at__lte=F("due_at")).exclude(Exists(repeated))
    return satisfied.count(), answered.count()


def _satisfaction_54(ctx: dict) -> tuple[int, int] | None:
    """5.4 = 100% − (overdue rate + rate of dossiers with a "Không hài lòng" rating), once the
    floor collects ratings in the period (before that: the overdue rate alone, noted)."""
    from motcua.floor.models import Level, Rating

    views = ctx["views"]
    if not views.received or not Rating.objects.filter(
            at__gte=ctx["start"], at__lte=ctx["until"]).exists():
        return None
    disliked = ctx["new"].filter(floor_ratings__level=Level.DISSATISFIED).distinct().count()
    return max(views.received - views.overdue - disliked, 0), views.received


def service_index(*, unit: Unit | None = None, date_from: dt.date, date_to: dt.date,
                  as_of: dt.datetime | None = None) -> Index766:
    """The 766 index of ``unit`` (None: the whole province) for [date_from, date_to]."""
    filters = unit_filters(unit)
    report: Report = official_report(
        date_from=date_from, date_to=date_to, as_of=as_of, by="agency", filters=filters
    )
    until = min(end_of_day(date_to), report.as_of)
    new = dossier_filter(
        Dossier.objects.filter(received_at__gte=start_of_day(date_from), received_at__lte=until)
        .exclude(status=Status.REFUSED_AT_RECEPTION),
        filters,
    )
    # Timeliness in the 766 view (2.1, 5.4) from the same dossier lines as the report.
    views = timeliness_766(make_window(date_from, date_to, report.as_of), filters)
    ctx = {
        "report": report,
        "views": views,
        "procedures": competent_procedures(unit),
        "new": new,
        "ended": dossier_filter(ended_dossiers(date_from, until), filters),
        "times": processing_times(date_from, until, filters),
        "start": start_of_day(date_from),
        "until": until,
        "unit": unit,
    }
    groups = {g.code: GroupResult(g) for g in GROUPS}
    for spec in SUB_INDICATORS:
        result = SubResult(spec)
        counts = (None if spec.code in NOT_AVAILABLE and spec.code != "5.4"
                  else _compute(spec.code, ctx))
        if counts is None:
            result.note = NOT_AVAILABLE.get(spec.code, "")
            if spec.code == "5.4":
                result.numerator, result.denominator = views.overdue, views.received
                result.legal_numerator = views.legal_overdue
                shown = gettext("Hồ sơ quá hạn / tổng tiếp nhận như trên.")
                result.note = f"{result.note} {shown}"
        else:
            result.numerator, result.denominator = counts
            if spec.code == "2.1":
                result.legal_numerator = views.legal_in_time
            if spec.code == "5.3":
                result.note = str(NOTE_53)
            result.points = convert(*counts, spec.points, spec.threshold)
            if result.points is None:
                result.note = gettext("Không có dữ liệu trong kỳ (mẫu số bằng 0).")
        groups[spec.group].subs.append(result)
    return Index766(unit, date_from, date_to, report.as_of, list(groups.values()), views)
