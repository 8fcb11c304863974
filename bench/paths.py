"""The new paths' figures that run inside Django, in a child process against the bench database.

    python bench/run.py --phase path --path <name> --workdir W [--path-size N]

Each ``<name>`` below returns a JSON-able dict that ``bench/run.py`` stores as the figure
(``figure_booking``, ``figure_display``, ``figure_ipn``, ``figure_submission``,
``figure_courier``, ``figure_backup``);
the child prints it as one ``PATH {...}`` line. Every function writes its rows into the bench
database only (the database is dropped after the run unless ``--keep``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Booking under contention and call-to-display: issue 15's targets.
DISPLAY_P95_MS = 1000.0
# Online submission with uploads: issue 13's target (five 5 MB files).
SUBMISSION_S = 2.0


def booking(size: int) -> dict:
    """``size`` clients book the last 3 places of a slot at once, 3 rounds (bench/floor.py)."""
    from bench import floor

    _unit, _counter, service, _user = floor.fixture()
    return floor.bench_booking(service, clients=max(2, size), places=3, rounds=3)


def display(size: int) -> dict:
    """``size`` SSE displays on uvicorn, 5 calls: commit-to-arrival latency (bench/floor.py)."""
    from bench import floor

    unit, counter, service, user = floor.fixture()
    return asyncio.run(floor.bench_display(unit, counter, service, user, displays=max(1, size),
                                           calls=5))


def ipn(size: int) -> dict:
    """A pending VNPay payment on a dossier awaiting payment, and its signed IPN path.

    The parent calls the path once (answer 00: confirmed) and then under load: every further
    call is the duplicate-IPN path (answer 02, nothing changed, one audit event each), which is
    what a gateway's retries cost."""
    from django.conf import settings
    from django.utils import timezone

    from motcua.dossiers.models import Dossier
    from motcua.payments.gateway import result_query
    from motcua.payments.models import Method, Payment
    from motcua.payments.services import new_txn_ref

    # A paused dossier when the dataset has one (its 00 also resumes it); small datasets may
    # have none, and the duplicate path under load is the same for any dossier.
    dossier = (Dossier.objects.filter(status="awaiting_payment").order_by("pk").first()
               or Dossier.objects.order_by("pk").first())
    if dossier is None:
        return {"note": "n/a (no dossier in the dataset)"}
    now = timezone.now()
    payment = Payment.objects.create(
        dossier=dossier, unit_id=dossier.receiving_unit_id, method=Method.ONLINE,
        provider="vnpay", txn_ref=new_txn_ref(now), amount=50_000, created_at=now)
    order = {"vnp_Amount": str(payment.amount * 100), "vnp_TmnCode": settings.MOTCUA_VNPAY_TMN_CODE,
             "vnp_TxnRef": payment.txn_ref, "vnp_OrderInfo": f"Thanh toan ho so {dossier.code}"}
    query = result_query(order, succeeded=True, secret=settings.MOTCUA_VNPAY_HASH_SECRET)
    return {"path": "/thanh-toan/vnpay/ipn/?" + query, "payment": payment.pk}


def courier(size: int) -> dict:
    """A center's courier day: ``size`` paper dossiers waiting to go out to agencies over the
    day, then ``run_create`` at each of the center's pickup times (4 by default), timed."""
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db.models import Max
    from django.utils import timezone

    from motcua.courier import schedule
    from motcua.courier.models import PaperTrail, Run, TrailState
    from motcua.courier.services import run_create
    from motcua.dossiers.models import Dossier
    from motcua.org.calendars import calendar_for_unit
    from motcua.org.models import Unit, UnitKind

    center = Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTER).order_by("pk").first()
    agencies = list(Unit.objects.filter(kind=UnitKind.AGENCY).order_by("pk")[:10])
    if center is None or not agencies:
        return {"note": "n/a (no provincial center or agency in the dataset)"}
    times = schedule.pickup_times(center)
    # A day no earlier run used: on a kept dataset the runs of an earlier bench's day exist,
    # and ``run_create`` only returns an existing run (that measured nothing: 0.23 s on a fresh
    # dataset, 0.025 s on the same one reused).
    start = dt.date.today() + dt.timedelta(days=500)
    last = Run.objects.filter(center=center).aggregate(last=Max("scheduled_at"))["last"]
    if last is not None:
        start = max(start, timezone.localtime(last).date())
    day = calendar_for_unit(center).next_working_day(start)
    tz = ZoneInfo(settings.TIME_ZONE)
    opens = dt.datetime.combine(day, dt.time(7, 0), tz)
    closes = dt.datetime.combine(day, times[-1], tz)
    taken = PaperTrail.objects.values("dossier_id")
    ids = list(Dossier.objects.exclude(pk__in=taken).order_by("pk")
               .values_list("pk", flat=True)[:size])
    step = (closes - opens) / max(1, len(ids))
    PaperTrail.objects.bulk_create([
        PaperTrail(dossier_id=pk, state=TrailState.WAITING_OUT, place=center,
                   destination=agencies[i % len(agencies)], since=opens + i * step)
        for i, pk in enumerate(ids)], batch_size=2000)
    t0 = time.perf_counter()
    listed = created = 0
    per_run = []
    for at in times:
        t1 = time.perf_counter()
        result = run_create(actor=None, center=center, at=dt.datetime.combine(day, at, tz))
        per_run.append(round(time.perf_counter() - t1, 3))
        listed += sum(b.lines.count() for b in result.batches)
        created += result.created
    return {"dossiers": len(ids), "runs": len(times), "created": created, "listed": listed,
            "seconds": round(time.perf_counter() - t0, 3), "run_s": per_run}


def backup(size: int, workdir: Path) -> dict:
    """``motcua backup`` of the bench database (ops/backup.py): time and size on disk."""
    from motcua.ops.backup import backup as write_backup

    root = workdir / "backups"
    shutil.rmtree(root, ignore_errors=True)
    t0 = time.perf_counter()
    folder = write_backup(root)
    seconds = time.perf_counter() - t0
    size_bytes = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    shutil.rmtree(root, ignore_errors=True)
    return {"seconds": round(seconds, 2), "mb": round(size_bytes / 1e6, 1)}


def submission(size: int, workdir: Path) -> dict:
    """Online submission with uploads (issue 13): a citizen's draft, ``size`` files of 5 MB
    (PDF by content) through ``draft_add_file`` (upload policy: streamed check, storage), then
    ``draft_submit``; timed from the first file to the dossier. In-process services, not the
    portal's pages: the citizen's session comes from the identity provider, which the bench's
    production server has no test double for."""
    from django.core.files.uploadedfile import TemporaryUploadedFile
    from django.db.models import Count, Q

    from motcua.catalog.models import ProcedureVersion
    from motcua.citizens import services
    from motcua.core.errors import DomainError
    from motcua.org.models import RECEIVING_KINDS, Unit

    # Five files must cover every mandatory document: the procedure with the fewest.
    published = (ProcedureVersion.objects.filter(status="published")
                 .annotate(n=Count("documents"),
                           m=Count("documents", filter=Q(documents__mandatory=True)))
                 .filter(n__gt=0, m__lte=max(1, size)).order_by("m", "pk"))
    version = published.exclude(online_mode="none").first()
    if version is None and (version := published.first()) is not None:
        # The bench's province offers nothing online: open one procedure to it, in the bench
        # database only, as an administrator would (a published version is immutable: a new
        # draft, made online, published).
        from motcua.catalog.services import procedure_version_new_draft, procedure_version_publish

        draft = procedure_version_new_draft(actor=None, procedure=version.procedure)
        ProcedureVersion.objects.filter(pk=draft.pk).update(online_mode="full")
        version = procedure_version_publish(actor=None, version=draft)
    if version is None:
        return {"note": "n/a (no published procedure with documents in the dataset)"}
    unit = (version.receiving_units.order_by("pk").first()
            or Unit.objects.filter(kind__in=RECEIVING_KINDS).order_by("pk").first())
    required = [d.pk for d in version.documents.order_by("-mandatory", "pk")]
    size_b = 5 * 1024 * 1024
    uploads = []
    for i in range(max(1, size)):
        upload = TemporaryUploadedFile(f"trang{i}.pdf", "application/pdf", size_b, None)
        upload.write(b"%PDF-1.4\n" + b"0" * (size_b - 9))
        upload.flush()
        upload.seek(0)
        uploads.append(upload)
    try:
        profile = services.citizen_sign_in(claims={
            "sub": "bench", "id_number": "079099000001", "name": "Người đo hiệu năng"},
            issuer="bench")
        draft = services.draft_start(actor=profile.user, citizen=profile,
                                     procedure_version=version, receiving_unit=unit)
        services.draft_update(actor=profile.user, citizen=profile, draft=draft,
                              request_summary="Đo hiệu năng nộp trực tuyến.")
        t0 = time.perf_counter()
        for i, upload in enumerate(uploads):
            services.draft_add_file(actor=profile.user, citizen=profile, draft=draft,
                                    required_id=required[i % len(required)], upload=upload)
        dossier = services.draft_submit(actor=profile.user, citizen=profile, draft=draft)
        seconds = time.perf_counter() - t0
    except DomainError as exc:
        return {"note": f"n/a (submission refused: {exc})"[:300]}
    finally:
        for upload in uploads:
            upload.close()
    return {"files": len(uploads), "mb_each": 5, "seconds": round(seconds, 3),
            "code": dossier.code}


PATHS: dict[str, Callable[..., dict]] = {"booking": booking, "display": display, "ipn": ipn, "courier": courier,
         "backup": backup, "submission": submission}


def run(name: str, *, size: int, workdir: Path) -> dict:
    import django

    django.setup()
    if name in ("backup", "submission"):
        return PATHS[name](size, workdir)
    return PATHS[name](size)
