"""The raw baseline views: mounted only on request, and doing exactly one INSERT / SELECT."""

from __future__ import annotations

import importlib
import json

import pytest
from bench.baseline import views
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import clear_url_caches


def _mount(monkeypatch, settings, flag: str | None):
    if flag is None:
        monkeypatch.delenv("MOTCUA_BENCH_VIEWS", raising=False)
    else:
        monkeypatch.setenv("MOTCUA_BENCH_VIEWS", flag)
    import bench.baseline.urls as urls

    importlib.reload(urls)
    settings.ROOT_URLCONF = "bench.baseline.urls"
    clear_url_caches()


@pytest.fixture
def mounted(monkeypatch, settings, db):
    _mount(monkeypatch, settings, "1")
    views.ensure_raw_table()
    yield
    clear_url_caches()


@pytest.mark.parametrize("flag", [None, "0"])
def test_not_mounted_without_the_flag(monkeypatch, settings, client, db, flag):
    _mount(monkeypatch, settings, flag)
    views.ensure_raw_table()
    assert client.post("/bench/raw-insert", "{}", content_type="application/json").status_code == 404
    assert client.get("/bench/raw-select/X").status_code == 404
    # The real site is still there.
    assert client.get("/api/schema/").status_code == 200
    clear_url_caches()


def test_raw_insert_is_one_insert(mounted, client):
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/bench/raw-insert", json.dumps({"code": "123456"}),
                        content_type="application/json")
    assert r.status_code == 201
    writes = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert len(writes) == 1 and views.RAW_TABLE in writes[0]
    with connection.cursor() as c:
        c.execute(f"SELECT code FROM {views.RAW_TABLE}")
        assert c.fetchall() == [("123456",)]


def test_raw_insert_refuses_get(mounted, client):
    assert client.get("/bench/raw-insert").status_code == 405


def test_raw_select(mounted, client):
    from bench import generate, seed

    seed._stand_in(communes=1)
    generate.generate(3, tune=False)
    from motcua.dossiers.models import Dossier

    d = Dossier.objects.first()
    r = client.get(f"/bench/raw-select/{d.code}")
    assert r.status_code == 200
    assert r.json()["code"] == d.code and r.json()["status"] == d.status
    assert client.get("/bench/raw-select/khong-co").status_code == 404


def test_settings_module_mounts_bench_urls():
    import bench.baseline.settings as bench_settings

    assert bench_settings.ROOT_URLCONF == "bench.baseline.urls"
    assert bench_settings.INSTALLED_APPS  # everything else is the real settings


def test_bench_code_is_not_in_the_product_package():
    import importlib.util

    assert importlib.util.find_spec("motcua.benchsupport") is None
    product = importlib.util.find_spec("motcua").submodule_search_locations[0]
    assert not views.__file__.startswith(product)


def test_the_benchmark_server_environment_finds_the_baseline(tmp_path):
    import subprocess
    import sys

    from bench.server import production_env

    env = production_env(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path)
    code = ("import django; django.setup(); from django.urls import reverse; "
            "print(reverse('bench-raw-insert'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "/bench/raw-insert", out.stderr
