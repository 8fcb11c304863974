"""API throttles (giới hạn tần suất) that fail open: when the cache (Redis) is down the
center keeps working, unthrottled, and the failure is logged."""

from __future__ import annotations

import logging

from rest_framework import throttling

log = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # an unavailable cache must not refuse the staff's work
            log.warning("throttle: cache unavailable, request allowed", exc_info=True)
            return True


class AnonThrottle(_FailOpen, throttling.AnonRateThrottle):
    pass


class UserThrottle(_FailOpen, throttling.UserRateThrottle):
    pass


class LoginThrottle(_FailOpen, throttling.ScopedRateThrottle):
    pass
