"""Vietnamese first: the page language is Vietnamese unless the user chose another.

Django's LocaleMiddleware follows the browser's Accept-Language, so a browser set to English
would get half-translated pages by default. Here only the language selector (its cookie)
switches language.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject, empty


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if is_language_prefix_patterns_used(urlconf)[0]:
            return super().process_response(request, response)
        # Without i18n_patterns Django's answer is these two headers alone (its redirect to a
        # language-prefixed path needs them): the path's language (~15 Python calls) unread.
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware with the message storage made on first use.

    Django makes the storage (a cookie and a session store behind a fallback, ~45 Python
    calls) for every request; an API request or a page that shows no message never uses it.
    Until something reads ``request._messages`` it stays unmade, and a storage never made has
    nothing to store (``update`` of a fresh storage writes nothing and sets no header). Once
    used it is Django's storage, stored as Django does."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(partial(default_storage, request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)
