"""The citizen's channel choice (lựa chọn kênh nhận thông báo): service and selectors.

Keyed by the 12-digit ID number when known (a signed-in citizen), else the phone, else the
e-mail address. Without a choice, ``settings.MOTCUA_NOTIFICATION_DEFAULT_CHANNELS`` apply.
The portal (``/tai-khoan/…``) and the API call ``preference_set`` and ``preference_get``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import router, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import InvalidInput
from motcua.core.orm_speed import CompiledQuery
from motcua.notifications.models import NotificationPreference

CITIZEN_CHANNELS = ("email", "sms", "zalo")
DEFAULT_CHANNELS = ("email", "sms")


def default_channels() -> set[str]:
    return set(getattr(settings, "MOTCUA_NOTIFICATION_DEFAULT_CHANNELS", DEFAULT_CHANNELS))


def _key(id_number: str, phone: str, email: str) -> dict:
    if id_number:
        return {"id_number": id_number}
    if phone:
        return {"id_number": "", "phone": phone}
    if email:
        return {"id_number": "", "phone": "", "email": email}
    raise InvalidInput("preference_key_required",
                       _("Cần số định danh, số điện thoại hoặc thư điện tử."), field="id_number")


def _query(id_number: str, phones, emails) -> Q:
    q = Q(pk__in=[])
    if id_number:
        q |= Q(id_number=id_number)
    if phones:
        q |= Q(id_number="", phone__in=phones)
    if emails:
        q |= Q(id_number="", phone="", email__in=emails)
    return q


# One compiled query per shape (ID number or not, how many phones and e-mails): the read runs
# in every service that notifies, and compiling the OR cost more than running it.
_COMPILED: dict[tuple[bool, int, int], CompiledQuery] = {}
_MAX_KEYS = 4


def _compiled(shape: tuple[bool, int, int]) -> CompiledQuery:
    compiled = _COMPILED.get(shape)
    if compiled is None:
        has_id, n_phones, n_emails = shape

        def build(alias: str, *values: str):
            given = list(values)
            id_number = given.pop(0) if has_id else ""
            phones, emails = given[:n_phones], given[n_phones:]
            return NotificationPreference.objects.using(alias).filter(
                _query(id_number, phones, emails))

        # Placeholders no key can be: distinct, and unlike the literal "" of the query.
        holders = [f"\x00{i}" for i in range(has_id + n_phones + n_emails)]
        compiled = _COMPILED[shape] = CompiledQuery(build, *holders)
    return compiled


def preference_get(*, id_number: str = "", phones=(), emails=()) -> NotificationPreference | None:
    """The choice for this person: by ID number first, then by phone, then by e-mail (one
    query: it runs in every service that notifies, compiled once per shape)."""
    id_number = (id_number or "").strip()
    phones = [p for p in phones if p]
    emails = [e.lower() for e in emails if e]
    if not (id_number or phones or emails):
        return None
    if len(phones) <= _MAX_KEYS and len(emails) <= _MAX_KEYS:
        shape = (bool(id_number), len(phones), len(emails))
        values = [id_number] if id_number else []
        found = _compiled(shape).objects(router.db_for_read(NotificationPreference),
                                         *values, *phones, *emails)
    else:
        found = list(NotificationPreference.objects.filter(_query(id_number, phones, emails)))

    def rank(pref: NotificationPreference) -> int:
        return 0 if id_number and pref.id_number == id_number else 1 if pref.phone else 2

    return min(found, key=rank) if found else None


def channels_for(*, id_number: str = "", phones=(), emails=()) -> set[str]:
    """The citizen channels (email, sms, zalo) this person receives."""
    pref = preference_get(id_number=id_number, phones=phones, emails=emails)
    return pref.channels() if pref is not None else default_channels()


def preference_set(*, actor, channels, id_number: str = "", phone: str = "",
                   email: str = "") -> NotificationPreference:
    """Record the channels a citizen chose; one row per key, updated in place."""
    id_number, phone = (id_number or "").strip(), (phone or "").strip()
    email = (email or "").strip().lower()
    chosen = set(channels)
    unknown = chosen - set(CITIZEN_CHANNELS)
    if unknown:
        raise InvalidInput("channel_invalid", _("Kênh nhận thông báo không hợp lệ."),
                           field="channels")
    key = _key(id_number, phone, email)
    with transaction.atomic():
        pref = NotificationPreference.objects.select_for_update().filter(**key).first()
        if pref is None:
            pref = NotificationPreference(id_number=id_number, phone=phone, email=email)
        else:
            if (pref.channels() == chosen and pref.phone == (phone or pref.phone)
                    and pref.email == (email or pref.email)):
                return pref  # the same choice again: nothing to write or audit
            pref.phone, pref.email = phone or pref.phone, email or pref.email
        pref.by_email, pref.by_sms, pref.by_zalo = ("email" in chosen, "sms" in chosen,
                                                    "zalo" in chosen)
        pref.save()
        audit_record(actor=actor if getattr(actor, "pk", None) else None,
                     event_type="notification.preference_set", chain="notifications", obj=pref,
                     data={"channels": sorted(chosen)})
    return pref
