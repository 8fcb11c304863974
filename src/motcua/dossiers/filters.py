"""Query parameters of the dossier list (bộ lọc danh sách hồ sơ): one django-filter FilterSet.

Every parameter is typed and bounded here so that a bad value is a 400 in the API's error shape
(``?holder=abc`` and ``?national_status=abc`` were 500s, ``overdue=maybe`` was silently "not
overdue", a 40-digit ``unit`` overflowed the database integer), and drf-spectacular lists every
filter in the OpenAPI schema from the same declarations (``DossierListFilters.parameters`` and
the view's ``filterset_class``).

The FilterSet parses and validates only: ``parse`` hands the clean values to
``selectors.dossier_list``, which builds the query itself. A ``.filter()`` per parameter would
lose the index-served query arms the selector chooses from the whole set of filters
(docs/performance.md), so ``filter_queryset`` is deliberately the identity.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field

from motcua.catalog.models import Field, Procedure
from motcua.core.limits import MAX_BIG_ID, MAX_ID, max_length
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import NATIONAL_NAME, Status

# Dates outside these years are typing errors, and 9999-12-31 plus a day overflows Python.
MIN_YEAR, MAX_YEAR = 1900, 2999
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}


class DayOrInstantField(forms.Field):
    """An ISO date (``2026-03-02``: its midnight) or date-time; naive ones are Vietnam time."""

    default_error_messages = {"invalid": _("Ngày giờ không hợp lệ (dạng 2026-03-02 hoặc "
                                           "2026-03-02T08:00:00+07:00).")}

    def to_python(self, value: Any) -> dt.datetime | None:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class StrictBooleanField(forms.Field):
    """true/false (1/0, yes/no, on/off); absent is "no filter", anything else an error (a
    checkbox's "missing means false" would turn every list into "not overdue")."""

    default_error_messages = {"invalid": _("Chỉ nhận true hoặc false.")}

    def to_python(self, value: Any) -> bool | None:
        text = str(value if value is not None else "").strip().lower()
        if not text:
            return None
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class StatusListField(forms.CharField):
    """Internal statuses, comma-separated; every one must exist."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        statuses = [s.strip() for s in text.split(",") if s.strip()]
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            raise forms.ValidationError(
                _("Trạng thái không hợp lệ: %(unknown)s. Dùng: %(known)s."),
                code="invalid",
                params={"unknown": ", ".join(unknown), "known": ", ".join(Status.values)},
            )
        return ",".join(statuses)


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class DayOrInstantFilter(django_filters.Filter):
    field_class = DayOrInstantField


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class StatusListFilter(django_filters.Filter):
    field_class = StatusListField


def _schema(filter_: django_filters.Filter, schema: dict[str, Any]) -> django_filters.Filter:
    """The filter's OpenAPI schema with its bounds, so API fuzzing mostly sends values that
    reach the query (drf-spectacular's django-filter extension reads this override), and its
    help text as the description."""
    schema = {**schema, "description": str(filter_.extra["help_text"])}
    return extend_schema_field(schema)(filter_)  # type: ignore[no-any-return]


def _text(model: Any, column: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length(model, column), **extra}


class DossierListFilters(django_filters.FilterSet):
    unit = _schema(
        IntegerFilter(min_value=1, max_value=MAX_BIG_ID,
                      help_text="Id đơn vị (tiếp nhận, giải quyết hoặc đang giữ)"),
        {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_BIG_ID},
    )
    status = _schema(
        StatusListFilter(max_length=400, help_text="Trạng thái nội bộ, phân cách phẩy: "
                                                   + ", ".join(Status.values)),
        {"type": "string", "maxLength": 400},
    )
    national_status = _schema(
        django_filters.TypedChoiceFilter(
            choices=sorted(NATIONAL_NAME.items()), coerce=int,
            help_text="Mã trạng thái quốc gia 1–10: " + "; ".join(
                f"{code} {name}" for code, name in sorted(NATIONAL_NAME.items()))),
        {"type": "integer", "enum": sorted(NATIONAL_NAME)},
    )
    overdue = _schema(
        StrictBooleanFilter(help_text="true: chỉ hồ sơ quá hạn; false: chỉ hồ sơ chưa quá hạn"),
        {"type": "boolean"},
    )
    due_before = _schema(DayOrInstantFilter(help_text="Hạn xử lý trước thời điểm này"),
                         {"type": "string"})
    procedure = _schema(
        django_filters.CharFilter(max_length=max_length(Procedure, "code"),
                                  help_text="Mã thủ tục"),
        _text(Procedure, "code"),
    )
    field = _schema(
        django_filters.CharFilter(max_length=max_length(Field, "code"), help_text="Mã lĩnh vực"),
        _text(Field, "code"),
    )
    received_from = _schema(DayOrInstantFilter(help_text="Tiếp nhận từ (ngày, tính cả)"),
                            {"type": "string"})
    received_to = _schema(DayOrInstantFilter(help_text="Tiếp nhận đến (ngày, tính cả)"),
                          {"type": "string"})
    holder = _schema(
        IntegerFilter(min_value=1, max_value=MAX_ID, help_text="Id cán bộ đang giữ hồ sơ"),
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    )
    q = _schema(
        django_filters.CharFilter(max_length=max_length(Dossier, "applicant_name"),
                                  help_text="Mã hồ sơ (đầu mã) hoặc tên người nộp"),
        _text(Dossier, "applicant_name"),
    )

    class Meta:
        model = Dossier
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
        """Identity: the selector builds the query from ``cleaned`` (see the module docstring)."""
        return queryset

    @property
    def cleaned(self) -> dict[str, Any]:
        """The given filters, typed; absent and empty ones left out."""
        return {k: v for k, v in self.form.cleaned_data.items() if v not in (None, "")}

    @classmethod
    def parse(cls, request: Any) -> dict[str, Any]:
        """The filters of ``selectors.dossier_list``; a DRF ValidationError (the API's 400
        ``{code: "invalid", message, fields}``) naming each bad parameter.

        The worklists' usual query (``unit``, ``status``, ``overdue`` in their plainest valid
        form) is read by ``simple``; anything else, every error included, goes through the
        FilterSet's form (building it was a seventh of an API list request)."""
        found = simple(request.query_params)
        if found is not None:
            return found
        filters = cls(data=request.query_params, queryset=Dossier.objects.none(), request=request)
        if not filters.is_valid():
            raise translate_validation(filters.errors)
        return filters.cleaned


_DIGITS = re.compile(r"[0-9]{1,19}")
_SIMPLE = frozenset({"unit", "status", "overdue"})
# ``Status.values`` builds its list from the enum on every access (two enum properties a
# member, ~40 calls).
_STATUSES = frozenset(Status.values)


def simple(params: Any) -> dict[str, Any] | None:
    """``DossierListFilters(data=params).cleaned`` when the query gives no filter but ``unit``
    (plain digits in range), ``status`` (known statuses) and ``overdue`` (a true/false word),
    each without surrounding spaces; None otherwise (the FilterSet decides, with its errors).
    Tested equal to the FilterSet's answer (tests/dossiers/test_filters.py)."""
    out: dict[str, Any] = {}
    for name in DossierListFilters.base_filters:
        if name not in params:
            # Absent (a dict lookup; ``QueryDict.get`` is three calls for each filter).
            continue
        # QueryDict.get: the last value, as the form's widget reads it.
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        if name not in _SIMPLE or not isinstance(raw, str) or raw != raw.strip():
            return None
        if name == "unit":
            if not _DIGITS.fullmatch(raw) or not 1 <= int(raw) <= MAX_BIG_ID:
                return None
            out[name] = int(raw)
        elif name == "status":
            if len(raw) > 400:
                return None
            statuses = [s.strip() for s in raw.split(",") if s.strip()]
            if any(s not in _STATUSES for s in statuses):
                return None
            if statuses:
                out[name] = ",".join(statuses)
        else:
            word = raw.lower()
            if word not in TRUE_WORDS and word not in FALSE_WORDS:
                return None
            out[name] = word in TRUE_WORDS
    return out
