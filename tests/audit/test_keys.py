"""Where the audit key comes from, and what production refuses."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from motcua.audit.keys import DEV_KEY_ID, DEV_KEY_SECRET, load_keys

GOOD = "k2026:" + "s" * 40


def test_development_falls_back_to_the_documented_public_key():
    assert load_keys(key=None, old_keys=[], key_file=None, production=False) == (
        DEV_KEY_ID, {DEV_KEY_ID: DEV_KEY_SECRET.encode()})


def test_production_requires_a_key_and_refuses_the_development_one():
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_AUDIT_KEY"):
        load_keys(key=None, old_keys=[], key_file=None, production=True)
    with pytest.raises(ImproperlyConfigured, match="development"):
        load_keys(key=f"dev:{DEV_KEY_SECRET}", old_keys=[], key_file=None, production=True)
    with pytest.raises(ImproperlyConfigured, match="development"):
        load_keys(key=GOOD, old_keys=[f"x:{DEV_KEY_SECRET}"], key_file=None, production=True)
    with pytest.raises(ImproperlyConfigured, match="shorter"):
        load_keys(key="k:short", old_keys=[], key_file=None, production=True)
    assert load_keys(key=GOOD, old_keys=[], key_file=None, production=True)[0] == "k2026"


def test_old_keys_are_kept_for_verification():
    current, keys = load_keys(key=GOOD, old_keys=["k2025:" + "o" * 40], key_file=None,
                              production=True)
    assert current == "k2026" and set(keys) == {"k2025", "k2026"}


def test_a_key_file_lists_old_keys_first_and_the_current_key_last(tmp_path):
    path = tmp_path / "audit-keys"
    path.write_text("# khóa ký nhật ký\nk2025:" + "o" * 40 + "\n\n" + GOOD + "\n")
    current, keys = load_keys(key=None, old_keys=[], key_file=str(path), production=True)
    assert current == "k2026" and set(keys) == {"k2025", "k2026"}
    with pytest.raises(ImproperlyConfigured, match="not both"):
        load_keys(key=GOOD, old_keys=[], key_file=str(path), production=True)
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_AUDIT_KEY_FILE"):
        load_keys(key=None, old_keys=[], key_file=str(tmp_path / "missing"), production=True)


@pytest.mark.parametrize("bad", ["nosecret", "id with space:x", ":x", "k:"])
def test_malformed_keys_fail_loudly(bad):
    with pytest.raises(ImproperlyConfigured):
        load_keys(key=bad, old_keys=[], key_file=None, production=False)


def test_one_id_with_two_secrets_is_refused():
    with pytest.raises(ImproperlyConfigured, match="twice"):
        load_keys(key="a:" + "1" * 40, old_keys=["a:" + "2" * 40], key_file=None,
                  production=True)


def test_keygen_prints_a_usable_key(capsys):
    call_command("audit_keygen", "--id", "k2027")
    line = capsys.readouterr().out.strip()
    assert load_keys(key=line, old_keys=[], key_file=None, production=True)[0] == "k2027"


def _settings_process(tmp_path, **env):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", "import motcua.config.settings as s; print(s.MOTCUA_AUDIT_KEY_ID)"],
        env={"PATH": "/usr/bin:/bin", "MOTCUA_VAR_DIR": str(tmp_path), "MOTCUA_ENV": "production",
             "MOTCUA_SECRET_KEY": "x" * 50, "MOTCUA_ALLOWED_HOSTS": "example.vn",
             "MOTCUA_PUBLIC_BASE_URL": "https://example.vn", **env},
        capture_output=True, text=True,
    )


def test_production_settings_refuse_to_start_without_an_audit_key(tmp_path):
    result = _settings_process(tmp_path)
    assert result.returncode != 0 and "MOTCUA_AUDIT_KEY" in result.stderr
    keyfile = tmp_path / "audit-keys"
    keyfile.write_text("k2025:" + "o" * 40 + "\nk2026:" + "n" * 40 + "\n")
    result = _settings_process(tmp_path, MOTCUA_AUDIT_KEY_FILE=str(keyfile))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "k2026"
