"""docs/deployment.md promises: production settings pass `check --deploy`, and each variable it
documents is read from the environment."""

import json
import os
import secrets
import subprocess
import sys

PRODUCTION = {
    "KINLINK_PRODUCTION": "1",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "example.org",
}


def _kinlink(tmp_path, extra, *args):
    # The browser tests allow the ORM beside Playwright's event loop for this process; a
    # deployment never has that, so neither does the checked environment.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, "KINLINK_VAR_DIR": str(tmp_path), "DEBUG": "0", **extra}
    return subprocess.run(
        [sys.executable, "-m", "kinlink", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check_without_warnings(tmp_path):
    done = _kinlink(tmp_path, PRODUCTION, "check", "--deploy")

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stderr.upper()


SHOW = """
import json
from django.conf import settings
print(json.dumps({
    "trust_xff": settings.KINLINK_TRUST_X_FORWARDED_FOR,
    "hosts": settings.ALLOWED_HOSTS,
    "origins": settings.CSRF_TRUSTED_ORIGINS,
    "proxy_ssl": settings.SECURE_PROXY_SSL_HEADER,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "database": settings.DATABASES["default"]["NAME"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "tasks": settings.TASKS["default"]["BACKEND"],
}))
"""


def test_the_documented_environment_variables_are_read(tmp_path):
    done = _kinlink(
        tmp_path,
        {
            **PRODUCTION,
            "ALLOWED_HOSTS": "kinlink.example.org",
            "CSRF_TRUSTED_ORIGINS": "https://kinlink.example.org",
            "KINLINK_TRUST_X_FORWARDED_FOR": "1",
            "KINLINK_HSTS_SECONDS": "3600",
            "DATABASE_URL": "postgres://kinlink:pw@127.0.0.1:5432/kinlink_site",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        "shell",
        "-v",
        "0",
        "-c",
        SHOW,
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "trust_xff": True,
        "hosts": ["kinlink.example.org"],
        "origins": ["https://kinlink.example.org"],
        "proxy_ssl": ["HTTP_X_FORWARDED_PROTO", "https"],
        "hsts": 3600,
        "database": "kinlink_site",
        "cache": "django.core.cache.backends.redis.RedisCache",
        "tasks": "django_tasks_db.DatabaseBackend",
    }
