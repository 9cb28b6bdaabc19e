"""Production settings: ``check --deploy`` is clean, and every page carries a strict CSP."""

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    unset = (
        "DEBUG",
        "SECRET_KEY",
        "VOUCHER_NUMBER_KEY",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DATABASE_URL",
    )
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**env) -> dict:
    """The variables a production server is given (``check`` connects to none of them)."""
    return {
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "VOUCHER_NUMBER_KEY": secrets.token_urlsafe(50),
        "TRUSTED_PROXIES": "10.0.0.10,10.0.0.11",
        "ALLOWED_HOSTS": "portal.example.com",
        "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
        "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
        "CACHE_URL": "redis://127.0.0.1:6379/0",
    } | env


def test_check_deploy_prints_no_warning_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    print(f"\ncheck --deploy: {result.stdout.strip()} {result.stderr.strip()}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_of_a_cache_in_each_process():
    """Several workers each with their own cache would count guesses and forget
    cached pages each on their own."""
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **production(CACHE_URL="locmemcache://")
    )
    assert result.returncode != 0
    assert "secondshot.W001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "key", [None, "dev-only-voucher-number-key", "change-me-too"], ids=["unset", "dev", "short"]
)
def test_check_deploy_fails_without_a_secret_voucher_number_key(key):
    """A missing key silently used the public development key: numbers open to anyone
    holding a database backup."""
    environment = production()
    if key is None:
        del environment["VOUCHER_NUMBER_KEY"]
    else:
        environment["VOUCHER_NUMBER_KEY"] = key
    result = manage("check", "--deploy", **environment)
    assert result.returncode != 0
    assert "secondshot.E001" in result.stdout + result.stderr


def database_options(**env) -> dict:
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.DATABASES['default']['OPTIONS'])"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DB_PREPARED_STATEMENTS"}
        | {"DJANGO_SETTINGS_MODULE": "secondshot.settings"}
        | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout)


def test_postgresql_prepares_repeated_statements_unless_turned_off():
    """README: DB_PREPARED_STATEMENTS=False for a PgBouncer that cannot keep them."""
    url = "postgres://portal@db.example.com:5432/secondshot"

    on = database_options(DATABASE_URL=url)
    off = database_options(DATABASE_URL=url, DB_PREPARED_STATEMENTS="False")

    assert (on["server_side_binding"], on["prepare_threshold"]) == (True, 5)
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    assert off["options"] == on["options"], "the lock timeout stays either way"


def test_production_refuses_the_development_secret_key():
    result = manage("check", DEBUG="False", ALLOWED_HOSTS="portal.example.com")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["home", "login", "signup", "password_reset"])
def test_pages_carry_a_content_security_policy_without_inline_code(client, url_name):
    response = client.get(reverse(url_name))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "<script>" not in response.text and " style=" not in response.text
