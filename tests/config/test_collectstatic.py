import os
import subprocess
import sys


def test_production_collectstatic_hashes_and_compresses_every_file(tmp_path):
    env = {
        **os.environ,
        "MOTCUA_ENV": "production",
        "MOTCUA_SECRET_KEY": "test-" + "x" * 50,
        "MOTCUA_AUDIT_KEY": "test:" + "a" * 40,
        "MOTCUA_ALLOWED_HOSTS": "example.vn",
        "MOTCUA_PUBLIC_BASE_URL": "https://example.vn",
        "MOTCUA_VAR_DIR": str(tmp_path),
    }
    env.pop("MOTCUA_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "collectstatic", "--noinput"],
        env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    names = {p.name for p in (tmp_path / "static" / "vendor").iterdir()}
    assert any(n.startswith("chart-4.6.1.umd.min.") and n.endswith(".js.gz") for n in names)
    assert (tmp_path / "static" / "staticfiles.json").exists()
