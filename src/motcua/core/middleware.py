"""Vietnamese first: the page language is Vietnamese unless the user chose another.

Django's LocaleMiddleware follows the browser's Accept-Language, so a browser set to English
would get half-translated pages by default. Here only the language selector (its cookie)
switches language.
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
