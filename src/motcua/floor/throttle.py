"""Booking rate limits per client address and per phone (fixed one-hour windows in the cache).

Fail open like the API throttles: a cache outage must not stop the center taking bookings."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)
WINDOW = 3600


def _hit(key: str, limit: int) -> int | None:
    """Count one request; the seconds to wait when over ``limit`` (0 = unlimited)."""
    if limit <= 0:
        return None
    bucket = int(time.time() // WINDOW)
    full = f"floor:rate:{key}:{bucket}"
    try:
        cache.add(full, 0, WINDOW + 60)
        count = cache.incr(full)
    except Exception:
        log.warning("booking throttle: cache unavailable, request allowed", exc_info=True)
        return None
    if count > limit:
        return WINDOW - int(time.time()) % WINDOW
    return None


def booking_wait(*, ip: str | None, phone: str) -> int | None:
    """None when the booking may go ahead, else the seconds until the limit resets."""
    wait = _hit(f"ip:{ip}", settings.MOTCUA_BOOKING_RATE_PER_IP) if ip else None
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if wait is None and digits:
        wait = _hit(f"phone:{digits}", settings.MOTCUA_BOOKING_RATE_PER_PHONE)
    return wait
