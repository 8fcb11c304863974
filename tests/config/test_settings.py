import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.config.database import database_from_url
from motcua.config.env import env_bool, env_int


def test_default_database_is_sqlite_in_wal_mode(tmp_path):
    config = database_from_url(None, tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "motcua.core.sqlite_backend"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_url_is_parsed(tmp_path):
    config = database_from_url("postgres://postgres@127.0.0.1:5432/motcua", tmp_path / "x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "motcua"
    assert config["HOST"] == "127.0.0.1"


def test_postgres_binds_on_the_server_and_prepares_only_on_kept_connections(tmp_path):
    per_request = database_from_url("postgres://postgres@h/motcua", tmp_path / "x")
    assert per_request["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": None}
    kept = database_from_url("postgres://postgres@h/motcua", tmp_path / "x", conn_max_age=60)
    assert kept["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_unsupported_database_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="supports sqlite:// and postgres://"):
        database_from_url("mysql://root@localhost/x", tmp_path / "x")


def test_malformed_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("MOTCUA_DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_DEBUG"):
        env_bool("MOTCUA_DEBUG", True)


def test_malformed_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("MOTCUA_X", "ba")
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_X"):
        env_int("MOTCUA_X", 3)


def test_settings_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]


def test_production_requires_secret_key(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import motcua.config.settings"],
        env={"MOTCUA_ENV": "production", "PATH": "/usr/bin:/bin", "MOTCUA_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "MOTCUA_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200


def settings_in_a_fresh_process(tmp_path, expression: str, **environ):
    """``expression`` over ``motcua.config.settings`` (as ``s``) read in a new interpreter with
    only ``environ`` set: settings are read once, at import."""
    import json
    import subprocess
    import sys

    code = f"import json, motcua.config.settings as s; print(json.dumps({expression}))"
    import os

    env = {"PATH": "/usr/bin:/bin", "MOTCUA_VAR_DIR": str(tmp_path), **environ}
    if os.environ.get("PYTHONPATH"):
        # A work tree run against another checkout's environment reads its own settings.
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def test_plugin_and_supplement_settings_come_from_the_environment(tmp_path):
    assert settings_in_a_fresh_process(
        tmp_path, "[s.MOTCUA_NOTIFICATION_CHANNELS, s.MOTCUA_SIGNATURE_BACKEND,"
                  " s.MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS]",
        MOTCUA_NOTIFICATION_CHANNELS="a.Sms, b.Zalo", MOTCUA_SIGNATURE_BACKEND="c.Pades",
        MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS="15",
    ) == [["a.Sms", "b.Zalo"], "c.Pades", 15]


def test_plugin_defaults_are_the_shipped_plugins(settings):
    from motcua.notifications.registry import DEFAULT_CHANNELS
    from motcua.signing.base import DEFAULT_BACKEND

    assert settings.MOTCUA_NOTIFICATION_CHANNELS == DEFAULT_CHANNELS
    assert settings.MOTCUA_SIGNATURE_BACKEND == DEFAULT_BACKEND
    assert settings.MOTCUA_SUPPLEMENT_CLOSE_WORKING_DAYS == 0


def test_redis_url_gives_a_shared_cache(tmp_path):
    assert settings_in_a_fresh_process(
        tmp_path, "[s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'],"
                  " s.HUEY['huey_class']]",
        MOTCUA_REDIS_URL="redis://127.0.0.1:6379/3",
    ) == ["django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/3",
          "huey.RedisHuey"]


def test_without_redis_each_process_cache_keeps_an_officers_day_of_windows(tmp_path):
    """Django's default in-memory cache kept 300 entries: eight list pages (400 access-log
    windows) pushed out every other window, and those reads were logged again."""
    from django.core.cache.backends.locmem import LocMemCache

    config = settings_in_a_fresh_process(tmp_path, "s.CACHES['default']", MOTCUA_REDIS_URL="")
    assert config["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    cache = LocMemCache("windows-test", config)
    keys = [f"motcua:viewed:api:7:{pk}:-" for pk in range(5_000)]
    cache.set_many(dict.fromkeys(keys, 1), timeout=300)
    assert len(cache.get_many(keys)) == 5_000
    assert settings_in_a_fresh_process(
        tmp_path, "s.CACHES['default']['OPTIONS']['MAX_ENTRIES']",
        MOTCUA_REDIS_URL="", MOTCUA_LOCAL_CACHE_ENTRIES="1000") == 1000


def test_connections_persist_only_when_asked(tmp_path):
    kept = database_from_url("postgres://postgres@127.0.0.1:5432/motcua", tmp_path / "x",
                             conn_max_age=60)
    assert kept["CONN_MAX_AGE"] == 60 and kept["CONN_HEALTH_CHECKS"] is True
    closed = database_from_url(None, tmp_path / "x.sqlite3")
    assert closed["CONN_MAX_AGE"] == 0 and closed["CONN_HEALTH_CHECKS"] is False


def test_production_keeps_connections_by_default(tmp_path):
    production = {"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": "x" * 50,
                  "MOTCUA_ALLOWED_HOSTS": "example.vn", "MOTCUA_AUDIT_KEY": "t:" + "a" * 40,
                  "MOTCUA_PUBLIC_BASE_URL": "https://example.vn"}
    age = "s.DATABASES['default']['CONN_MAX_AGE']"
    assert settings_in_a_fresh_process(tmp_path, age, **production) == 60
    assert settings_in_a_fresh_process(tmp_path, age, **production,
                                       MOTCUA_DB_CONN_MAX_AGE="0") == 0


@pytest.mark.django_db
def test_sqlite_connections_read_through_mmap(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA mmap_size")
        assert cursor.fetchone()[0] > 0
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_production_requires_the_public_base_url(tmp_path):
    """Printed QR codes must open the public portal, not the Host header a proxy passed on."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import motcua.config.settings"],
        env={"MOTCUA_ENV": "production", "PATH": "/usr/bin:/bin", "MOTCUA_VAR_DIR": str(tmp_path),
             "MOTCUA_SECRET_KEY": "x" * 50, "MOTCUA_ALLOWED_HOSTS": "example.vn"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "MOTCUA_PUBLIC_BASE_URL" in result.stderr
