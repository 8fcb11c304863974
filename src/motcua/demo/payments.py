"""Demo payments (issue 14): dossiers waiting for an online payment, each with its signed
payment link printed by ``demo_load``, and one dossier paid at the counter with its receipt.

Idempotent: the dossiers are found again by their note ``[demo:payment_*]``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.core.errors import DomainError
from motcua.dossiers.demo import DEMO_APPLICANTS, PATH, _play, _setup
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Status
from motcua.payments import links, selectors
from motcua.payments.services import counter_payment_record

WAITING = ("payment_online_1", "payment_online_2")
PAID_AT_COUNTER = "payment_counter"


def _dossier(name: str, ctx, applicant, now) -> Dossier | None:
    found = Dossier.objects.filter(notes=f"[demo:{name}]").first()
    if found is not None:
        return found
    try:
        return _play(name, [*PATH[:3], "request_payment"], False, ctx, applicant, now)
    except DomainError:
        return None


def load_demo_payments(*, stdout=None, now: dt.datetime | None = None) -> list[Dossier]:
    """Create the missing demo payment dossiers; print the links of those still waiting."""
    now = now or timezone.now()
    ctx = _setup()
    if ctx is None:
        return []
    waiting = []
    for i, name in enumerate(WAITING):
        d = _dossier(name, ctx, DEMO_APPLICANTS[(i + 1) % len(DEMO_APPLICANTS)], now)
        if d is not None:
            waiting.append(d)
    paid = _dossier(PAID_AT_COUNTER, ctx, DEMO_APPLICANTS[0], now)
    if paid is not None and paid.status == Status.AWAITING_PAYMENT:
        counter_payment_record(actor=ctx[0], dossier=paid, method="cash",
                               amount=selectors.amount_due(paid), at=now)
    also = Dossier.objects.filter(notes="[demo:payment]").first()  # the dossiers demo's own
    if also is not None:
        waiting.append(also)
    if stdout is not None:
        open_ones = [d for d in waiting
                     if Dossier.objects.filter(pk=d.pk, status=Status.AWAITING_PAYMENT).exists()]
        stdout.write(f"Hồ sơ chờ thanh toán trực tuyến (minh họa, cổng thanh toán thử nghiệm): "
                     f"{len(open_ones)}\n")
        for d in open_ones:
            stdout.write(f"  {d.code}: {links.pay_path(d)}\n")
    return waiting
