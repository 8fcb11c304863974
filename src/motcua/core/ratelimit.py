"""Rate limits for public pages (giới hạn tần suất), kept in Django's cache.

With ``MOTCUA_REDIS_URL`` the cache is Redis, so a limit holds across every worker and server;
without it each process counts on its own (development, a single worker). The API uses DRF's
throttles, which keep their counts in the same cache.
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

log = logging.getLogger(__name__)

_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60,
            "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"20/minute"`` → (20, 60); empty or ``"0"`` → None (no limit)."""
    if not rate or rate.strip() in {"0", "off"}:
        return None
    count, _, period = rate.partition("/")
    try:
        return int(count), _PERIODS[period.strip().lower()]
    except (ValueError, KeyError):
        raise ValueError(f"rate {rate!r}: expected N/second, N/minute, N/hour or N/day") from None


def client_ip(request) -> str:
    """The client's address; behind the proxy (MOTCUA_BEHIND_PROXY) the first forwarded one."""
    if getattr(settings, "MOTCUA_BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]


def hit(scope: str, key: str, rate: str | None) -> int | None:
    """Count one request; return the seconds to wait when over the limit, else None."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limit, period = parsed
    now = int(time.time())
    window = now // period
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    try:
        cache.add(cache_key, 0, timeout=period + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=period + 1)
            count = 1
    except Exception:  # an unavailable cache must not take the public page down
        log.warning("rate limit: cache unavailable, request allowed", exc_info=True)
        return None
    if count > limit:
        return (window + 1) * period - now or 1
    return None


def rate_limited(scope: str, setting: str):
    """Decorate a page view: over the limit, a Vietnamese 429 page with Retry-After."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            wait = hit(scope, client_ip(request), getattr(settings, setting))
            if wait is not None:
                response = render(request, "core/too_many_requests.html", {"wait": wait},
                                  status=429)
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
