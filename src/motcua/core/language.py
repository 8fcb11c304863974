"""Language of official documents (văn bản hành chính).

Pages follow the language the user chose; the official report, the printed forms (Mẫu 01–07)
and the exports do not: their headings and the national status, channel and delivery names
are Vietnamese by law, and an English page request must not leak into them.
"""

from __future__ import annotations

import functools

from django.utils import translation


def in_vietnamese(func):
    """Run ``func`` with Vietnamese active, giving the caller's language back afterwards."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override("vi"):
            return func(*args, **kwargs)

    return wrapper
