"""Vietnamese wording per event (mẫu thông báo), editable by the center.

The center edits ``NotificationTemplate`` rows in the admin (Django template syntax, no HTML
escaping: the messages are plain text). Without a row, ``DEFAULTS`` apply. The context holds
``subject`` and ``body`` (the service's own wording), ``code`` (the dossier code),
``applicant_name`` and every key of ``Message.data``. A template that does not render (a typo
the center saved) falls back to the service's own wording and is logged: a broken template
never breaks the service that caused the message.
"""

from __future__ import annotations

import functools
import logging

from django.template import Context, Engine, Template

from motcua.notifications.base import Message

logger = logging.getLogger("motcua.notifications")

_SIGNATURE = "\n\nTrung tâm Phục vụ hành chính công."
_GREETING = "Kính gửi {{ applicant_name|default:'ông/bà' }},\n\n"

# event -> (label, subject, body). The label names the event in the admin and the docs.
DEFAULTS: dict[str, tuple[str, str, str]] = {
    "dossier.received": (
        "Đã tiếp nhận hồ sơ", "{{ subject }}", _GREETING + "{{ body }}" + _SIGNATURE),
    "dossier.supplement_requested": (
        "Yêu cầu bổ sung hồ sơ", "{{ subject }}", _GREETING + "{{ body }}" + _SIGNATURE),
    "dossier.refused": (
        "Hồ sơ không được giải quyết", "{{ subject }}", _GREETING + "{{ body }}" + _SIGNATURE),
    "dossier.apologised": (
        "Xin lỗi và hẹn lại ngày trả", "{{ subject }}", _GREETING + "{{ body }}" + _SIGNATURE),
    "dossier.result_ready": (
        "Đã có kết quả", "{{ subject }}", _GREETING + "{{ body }}" + _SIGNATURE),
    "dossier.result_delivered": (
        "Đã trả kết quả", "{{ subject }}", _GREETING + "{{ body }}" + _SIGNATURE),
}

_ENGINE = Engine(autoescape=False, libraries={}, builtins=["django.template.defaultfilters"])


CACHE_KEY = "notifications:templates"
CACHE_SECONDS = 300


def center_templates() -> dict[str, tuple[str, str]]:
    """The center's active templates, event -> (subject, body), from the cache: ``notify``
    runs inside every service that tells someone something, so this is no query there. Saving
    or deleting a template drops the cache (``signals``); the timeout bounds what another
    process with its own local cache still holds."""
    from django.core.cache import cache

    from motcua.notifications.models import NotificationTemplate

    found = cache.get(CACHE_KEY)
    if found is None:
        found = {event: (subject, body) for event, subject, body in
                 NotificationTemplate.objects.filter(active=True)
                 .values_list("event", "subject", "body")}
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def forget_templates(**kwargs) -> None:
    from django.core.cache import cache

    cache.delete(CACHE_KEY)


def context_for(message: Message) -> dict:
    return {**message.data, "subject": message.subject, "body": message.body,
            "code": message.dossier_code, "applicant_name": message.applicant_name,
            "event": message.event}


def render_text(source: str, context: dict) -> str:
    return _compiled(source).render(Context(context, autoescape=False))


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    # Parsed once per process and text: every notifying service renders one of a handful of
    # sources (parsing was a tenth of an intake's notice, docs/performance.md). A source that
    # does not parse raises each time (nothing is kept).
    return _ENGINE.from_string(source)


def render(message: Message) -> tuple[str, str]:
    """(subject, body) for ``message`` by the center's template, else the default, else the
    service's own wording."""
    row = center_templates().get(message.event)
    if row is not None:
        subject_src, body_src = row
    elif message.event in DEFAULTS:
        _, subject_src, body_src = DEFAULTS[message.event]
    else:
        return message.subject, message.body
    context = context_for(message)
    try:
        subject = " ".join(render_text(subject_src, context).split())
        body = render_text(body_src, context).strip()
    except Exception:  # a template the center saved with a mistake
        logger.exception("notification template for %s does not render", message.event)
        return message.subject, message.body
    return (subject or message.subject)[:255], body
