"""``core.middleware.LazyMessageMiddleware`` answers as Django's MessageMiddleware: the same
views (none, adding, reading, adding after reading, setting the level) through each, from the
same cookies, give the same headers and cookies; a request that never touches the messages
never makes their storage."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from motcua.core.middleware import LazyMessageMiddleware


def _quiet(request):
    return HttpResponse("x")


def _adds(request):
    messages.success(request, "Đã lưu hồ sơ.")
    messages.info(request, "Hồ sơ chuyển sang bước thẩm định.")
    return HttpResponse("x")


def _reads(request):
    return HttpResponse(" | ".join(str(m) for m in messages.get_messages(request)))


def _reads_then_adds(request):
    seen = list(messages.get_messages(request))
    messages.warning(request, "Còn thiếu giấy tờ.")
    return HttpResponse(str(len(seen)))


def _level(request):
    messages.set_level(request, messages.WARNING)
    messages.info(request, "không lưu")  # under the level: dropped
    messages.error(request, "Lỗi.")
    return HttpResponse("x")


VIEWS = [_quiet, _adds, _reads, _reads_then_adds, _level]


def _serve(middleware_class, view, cookies: dict):
    request = RequestFactory().get("/can-bo/")
    request.COOKIES.update(cookies)
    chain = SessionMiddleware(middleware_class(view))
    response = chain(request)
    return (response.status_code, response.content, dict(response.headers.items()),
            {k: (v.value, v["max-age"], v["expires"]) for k, v in response.cookies.items()})


@pytest.mark.django_db
@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.__name__)
@pytest.mark.parametrize("before", [None, _adds, _level])
@pytest.mark.parametrize("storage", ["cookie.CookieStorage", "fallback.FallbackStorage"])
def test_same_answers_as_django(view, before, storage, settings):
    settings.MESSAGE_STORAGE = f"django.contrib.messages.storage.{storage}"
    cookies = {}
    if before is not None:  # the messages a previous request left in the cookie
        cookies = {k: v[0] for k, v in _serve(MessageMiddleware, before, {})[3].items()}
    ours = _serve(LazyMessageMiddleware, view, cookies)
    django = _serve(MessageMiddleware, view, cookies)
    assert ours == django


@pytest.mark.django_db
def test_a_request_that_shows_no_message_makes_no_storage(monkeypatch):
    made = []
    from motcua.core import middleware

    monkeypatch.setattr(middleware, "default_storage",
                        lambda request: made.append(request) or object())
    request = RequestFactory().get("/api/v1/dossiers")
    SessionMiddleware(LazyMessageMiddleware(_quiet))(request)
    assert made == []
    request = RequestFactory().get("/can-bo/")
    monkeypatch.undo()
    SessionMiddleware(LazyMessageMiddleware(_adds))(request)
    assert len(request._messages) == 2  # made on use, Django's storage


def test_the_middleware_in_the_settings_is_this_one(settings):
    assert "motcua.core.middleware.LazyMessageMiddleware" in settings.MIDDLEWARE
    assert "django.contrib.messages.middleware.MessageMiddleware" not in settings.MIDDLEWARE
