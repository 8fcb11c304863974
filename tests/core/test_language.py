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
