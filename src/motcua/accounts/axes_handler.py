"""django-axes handler with two limits: one per account, a higher one per address.

A province's center reaches the Internet through one address, so the whole staff shares it:
locking the address after the account limit would let one clumsy typist lock everyone out.
Axes compares one number with one limit; this handler scales the address count so that the
address locks at ``MOTCUA_LOCKOUT_ADDRESS_FAILURES`` and the account at ``AXES_FAILURE_LIMIT``.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class AccountAndAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        by_username, by_address = self.get_user_attempts(request, credentials)
        per_user = by_username.aggregate(n=Sum("failures_since_start"))["n"] or 0
        per_address = by_address.aggregate(n=Sum("failures_since_start"))["n"] or 0
        scaled = per_address * settings.AXES_FAILURE_LIMIT // settings.MOTCUA_LOCKOUT_ADDRESS_FAILURES
        return max(per_user, scaled)
