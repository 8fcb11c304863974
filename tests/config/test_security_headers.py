"""Production headers: CSP without inline script, HSTS, SSL redirect, secure cookies, proxy
header behind a setting; ``check --deploy`` clean; /api/docs/ without a CDN."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "motcua"
PRODUCTION = {
    "MOTCUA_ENV": "production",
    "MOTCUA_SECRET_KEY": "x7!Qv0-production-test-key-" + "k3Zp9" * 10,
    "MOTCUA_ALLOWED_HOSTS": "motcua.example.vn",
    "MOTCUA_PUBLIC_BASE_URL": "https://motcua.example.vn",
    "MOTCUA_AUDIT_KEY": "test:" + "a" * 40,
}


def run_production(code: str, **env) -> subprocess.CompletedProcess:
    # Nothing of the test run's environment (MOTCUA_*, DJANGO_ALLOW_ASYNC_UNSAFE from the
    # browser tests) leaks into the production process.
    environ = {k: v for k, v in os.environ.items()
               if not k.startswith(("MOTCUA_", "DJANGO_"))}
    environ.update(PRODUCTION, DJANGO_SETTINGS_MODULE="motcua.config.settings", **env)
    return subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_is_clean_in_production(tmp_path):
    result = run_production(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['motcua', 'check', '--deploy', '--fail-level', 'WARNING'])",
        MOTCUA_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _production_settings(tmp_path, **env) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k, None) for k in ['SECURE_HSTS_SECONDS',"
        "'SECURE_SSL_REDIRECT','SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE',"
        "'SECURE_PROXY_SSL_HEADER','SESSION_EXPIRE_AT_BROWSER_CLOSE']}))"
    )
    import json

    result = run_production(code, MOTCUA_VAR_DIR=str(tmp_path), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_turns_on_hsts_redirect_and_secure_cookies(tmp_path):
    s = _production_settings(tmp_path)
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_SSL_REDIRECT"]
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_EXPIRE_AT_BROWSER_CLOSE"]
    # The proxy header is trusted only when the deployment says a proxy sets it.
    assert s["SECURE_PROXY_SSL_HEADER"] is None
    behind = _production_settings(tmp_path, MOTCUA_BEHIND_PROXY="1")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # A plain-HTTP test deployment (the benchmark's loopback server) opts out of all three.
    plain = _production_settings(tmp_path, MOTCUA_SECURE_COOKIES="0")
    assert not plain["SECURE_SSL_REDIRECT"] and not plain["SECURE_HSTS_SECONDS"]


@pytest.mark.django_db
def test_pages_carry_a_csp_without_inline_script(client):
    response = client.get("/dang-nhap/")
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert script_src.strip() == "'self'"
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_no_template_has_inline_script_or_handlers():
    offenders = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>", text):
            attrs = match.group(1)
            if "src=" not in attrs and "application/json" not in attrs:
                offenders.append(f"{path.relative_to(SRC)}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path.relative_to(SRC)}: on... handler")
        if "javascript:" in text:
            offenders.append(f"{path.relative_to(SRC)}: javascript: URL")
    assert not offenders, offenders


@pytest.mark.django_db
def test_api_docs_are_served_from_the_package(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "@latest" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r"<script>(?!</script>)", html)  # no inline script
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
    bundle = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert bundle.status_code == 200
