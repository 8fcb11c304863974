"""The page frame shared by every page (core/base.html) and its per-process fragments."""

import pytest

pytestmark = pytest.mark.django_db

CENTER = "Trung tâm Phục vụ hành chính công tỉnh"


def test_the_brand_is_the_center_even_when_the_sign_in_page_is_rendered_first(client):
    """Django's sign-in view puts its own ``site_name`` (the request's host) in the context; the
    header is kept per process from the first page rendered, so it must not read that name
    (the demo's header read "127.0.0.1:8000" on every page after a sign-in)."""
    login = client.get("/dang-nhap/", HTTP_HOST="127.0.0.1")
    assert login.status_code == 200
    for page in (login, client.get("/")):
        text = page.content.decode()
        brand = text.split('class="brand"', 1)[1].split("</a>", 1)[0]
        assert CENTER in brand, brand
        assert "127.0.0.1" not in brand
