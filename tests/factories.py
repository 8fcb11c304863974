"""Shared factory_boy factories. Apps add their own in tests/<app>/factories.py when needed."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import factory
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from motcua.catalog.models import (
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    StepRole,
    TimeUnit,
    VersionStatus,
)
from motcua.org.models import Level, Membership, Unit, UnitKind


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"000.{n // 100:02d}.{n % 100:02d}.H15")
    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = UnitKind.AGENCY
    level = Level.PROVINCE


class CenterFactory(UnitFactory):
    name = factory.Sequence(lambda n: f"Trung tâm Phục vụ hành chính công {n}")
    kind = UnitKind.PROVINCIAL_CENTER


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LV{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")
    slug = factory.LazyAttribute(lambda o: o.code.lower())


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    first_name = "Văn A"
    last_name = "Nguyễn"
    password = factory.django.Password("matkhau-thu-nghiem")


def staff(role: str, unit: Unit, username: str | None = None, **kwargs):
    """A user with one role in one unit."""
    user = UserFactory(username=username) if username else UserFactory()
    Membership.objects.create(user=user, unit=unit, role=role, **kwargs)
    return user


def published_procedure(
    *,
    agency: Unit,
    receiving_units: list[Unit] = (),
    code: str | None = None,
    name: str = "Cấp giấy phép xây dựng",
    field: Field | None = None,
    time_value: Decimal | int = 15,
    time_unit: str = TimeUnit.WORKING_DAYS,
    documents: list[tuple[str, bool]] = (("Đơn đề nghị", True), ("Bản vẽ thiết kế", True)),
    steps: list[tuple[str, str, float]] | None = None,
    publish: bool = True,
    **version_fields,
) -> ProcedureVersion:
    """A procedure with one published version, its documents and process steps.

    ``publish=False`` leaves it a draft for the test to adjust, then ``publish_version``: the
    database refuses changes to a published version."""
    code = code or f"1.{Procedure.objects.count() + 100000:06d}"
    procedure = Procedure.objects.create(code=code, national_code=code[:8])
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        name=name,
        field=field or FieldFactory(),
        agency=agency,
        level=version_fields.pop("level", Level.PROVINCE),
        legal_time_value=Decimal(time_value),
        legal_time_unit=time_unit,
        **version_fields,
    )
    version.receiving_units.set(receiving_units)
    for order, (doc_name, mandatory) in enumerate(documents, start=1):
        RequiredDocument.objects.create(
            version=version, order=order, name=doc_name, mandatory=mandatory
        )
    if steps is None:
        total_hours = float(time_value) * 8 if time_unit == TimeUnit.WORKING_DAYS else float(time_value)
        steps = [
            ("Tiếp nhận, chuyển hồ sơ", StepRole.RECEPTION, 0.5),
            ("Phân công thụ lý", StepRole.LEADER, 0.5),
            ("Thẩm định, dự thảo kết quả", StepRole.SPECIALIST, max(total_hours - 3, 0.5)),
            ("Phê duyệt, ký", StepRole.LEADER, 1),
            ("Ban hành, chuyển trả kết quả", StepRole.CLERK, 0.5),
            ("Trả kết quả", StepRole.RECEPTION, 0.5),
        ]
    for order, (step_name, role, hours) in enumerate(steps, start=1):
        ProcessStep.objects.create(
            version=version, order=order, name=step_name, role=role, hours=Decimal(str(hours))
        )
    if publish:
        publish_version(version)
    return version


def publish_version(version: ProcedureVersion) -> ProcedureVersion:
    """Publish a draft made by ``published_procedure(publish=False)`` and make it current."""
    version.status = VersionStatus.PUBLISHED
    version.published_at = version.published_at or timezone.now()
    version.save(update_fields=["status", "published_at"])
    procedure = version.procedure
    procedure.current = version
    procedure.save(update_fields=["current"])
    return version


def vn(*args) -> dt.datetime:
    """An aware datetime in Vietnam time: vn(2026, 3, 2, 8, 0)."""
    return dt.datetime(*args, tzinfo=dt.timezone(dt.timedelta(hours=7)))


class _CursorEditor:
    """The part of a schema editor ``motcua.core.dbrules`` uses, over a plain cursor (a test's
    transaction cannot open a SQLite schema editor)."""

    def __init__(self, connection):
        self.connection = connection

    def execute(self, sql):
        with self.connection.cursor() as cursor:
            cursor.execute(sql)


@contextlib.contextmanager
def catalog_unfrozen():
    """Lift the database's freeze of published versions for a test that empties the catalog,
    as an operator with the migration's rights could; the freeze is back afterwards."""
    import importlib

    from django.db import connection

    migration = importlib.import_module("motcua.catalog.migrations.0005_published_versions_frozen")
    editor = _CursorEditor(connection)
    migration.unfreeze(django_apps, editor)
    try:
        yield
    finally:
        migration.freeze(django_apps, editor)


def api_key_for(user, name: str = "test") -> str:
    """A live API token for ``user`` (plain key), written directly: no audit event, so tests
    that count events see only those of the action under test."""
    import datetime as dt
    import secrets

    from django.utils import timezone

    from motcua.accounts.models import ApiToken
    from motcua.accounts.tokens import hash_key

    key = secrets.token_urlsafe(32)
    now = timezone.now()
    ApiToken.objects.create(user=user, name=name, key_hash=hash_key(key), prefix=key[:8],
                            created_at=now, last_used_at=now,
                            expires_at=now + dt.timedelta(days=30))
    return key
