import pytest


@pytest.mark.django_db
def test_a_browser_asking_for_english_still_gets_vietnamese(client):
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


@pytest.mark.django_db
def test_the_language_selector_switches_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_site_header_follows_the_language(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/dang-nhap/").content.decode()
    assert "Staff login" in page and "Published results" in page
    assert "Cán bộ đăng nhập" not in page and "Công khai kết quả" not in page
    assert "· One-stop" in page


URLCONF_WITH_PREFIXES = "tests.core.i18n_urls"


@pytest.mark.parametrize("status", [200, 404, 302])
@pytest.mark.parametrize("vary", [None, "Accept", "Cookie, accept-language"])
@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("path", ["/can-bo/", "/en/can-bo/", "/api/v1/dossiers"])
@pytest.mark.parametrize("urlconf", [None, URLCONF_WITH_PREFIXES])
def test_response_headers_as_djangos_locale_middleware(status, vary, language, path, urlconf):
    from django.http import HttpResponse
    from django.middleware.locale import LocaleMiddleware
    from django.test import RequestFactory
    from django.utils import translation

    from motcua.core.middleware import VietnameseFirstLocaleMiddleware

    answers = []
    for middleware_class in (VietnameseFirstLocaleMiddleware, LocaleMiddleware):
        request = RequestFactory().get(path)
        if urlconf:
            request.urlconf = urlconf
        response = HttpResponse("x", status=status)
        if vary:
            response["Vary"] = vary
        with translation.override(language):
            answered = middleware_class(lambda r, response=response: response).process_response(request, response)
        answers.append((answered.status_code, list(answered.headers.items())))
    assert answers[0] == answers[1]


def test_without_language_prefixes_the_path_is_not_read_for_a_language():
    from unittest import mock

    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils import translation

    from motcua.core.middleware import VietnameseFirstLocaleMiddleware

    response = HttpResponse("x", status=404)
    with mock.patch.object(translation, "get_language_from_path") as from_path:
        VietnameseFirstLocaleMiddleware(lambda r: response).process_response(
            RequestFactory().get("/en/can-bo/"), response)
    from_path.assert_not_called()
    assert response["Vary"] == "Accept-Language" and response["Content-Language"]
