"""The citizen's channel choice (lựa chọn kênh nhận thông báo): service and selectors.

Keyed by the 12-digit ID number when known (a signed-in citizen), else the phone, else the
e-mail address. Without a choice, ``settings.MOTCUA_NOTIFICATION_DEFAULT_CHANNELS`` apply.
The portal (``/tai-khoan/…``) and the API call ``preference_set`` and ``preference_get``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from motcua.audit.services import audit_record
from motcua.core.errors import InvalidInput
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
                       "Cần số định danh, số điện thoại hoặc thư điện tử.", field="id_number")


def preference_get(*, id_number: str = "", phones=(), emails=()) -> NotificationPreference | None:
    """The choice for this person: by ID number first, then by phone, then by e-mail."""
    id_number = (id_number or "").strip()
    if id_number:
        found = NotificationPreference.objects.filter(id_number=id_number).first()
        if found is not None:
            return found
    for phone in phones:
        if phone:
            found = NotificationPreference.objects.filter(id_number="", phone=phone).first()
            if found is not None:
                return found
    for email in emails:
        if email:
            found = NotificationPreference.objects.filter(
                id_number="", phone="", email__iexact=email).first()
            if found is not None:
                return found
    return None


def channels_for(*, id_number: str = "", phones=(), emails=()) -> set[str]:
    """The citizen channels (email, sms, zalo) this person receives."""
    pref = preference_get(id_number=id_number, phones=phones, emails=emails)
    return pref.channels() if pref is not None else default_channels()


def preference_set(*, actor, channels, id_number: str = "", phone: str = "",
                   email: str = "") -> NotificationPreference:
    """Record the channels a citizen chose; one row per key, updated in place."""
    id_number, phone, email = (id_number or "").strip(), (phone or "").strip(), \
        (email or "").strip()
    chosen = set(channels)
    unknown = chosen - set(CITIZEN_CHANNELS)
    if unknown:
        raise InvalidInput("channel_invalid", "Kênh nhận thông báo không hợp lệ.",
                           field="channels")
    key = _key(id_number, phone, email)
    with transaction.atomic():
        pref = NotificationPreference.objects.select_for_update().filter(**key).first()
        if pref is None:
            pref = NotificationPreference(id_number=id_number, phone=phone, email=email)
        else:
            pref.phone, pref.email = phone or pref.phone, email or pref.email
        pref.by_email, pref.by_sms, pref.by_zalo = ("email" in chosen, "sms" in chosen,
                                                    "zalo" in chosen)
        pref.save()
        audit_record(actor=actor if getattr(actor, "pk", None) else None,
                     event_type="notification.preference_set", chain="notifications", obj=pref,
                     data={"channels": sorted(chosen)})
    return pref
