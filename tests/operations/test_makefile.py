"""The newcomer's commands: ``make run PORT=…`` serves, and links, on that port."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(*args: str, env: dict | None = None) -> str:
    """The commands ``make`` would run, without running them."""
    return subprocess.run(
        ["make", "--dry-run", "--always-make", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)} | (env or {}),
    ).stdout


def test_make_run_on_another_port_puts_that_port_in_every_e_mail_link():
    commands = planned("demo", "serve", "PORT=8001")

    assert "SITE_URL=http://127.0.0.1:8001 .venv/bin/python manage.py seed_demo" in commands
    assert (
        "SITE_URL=http://127.0.0.1:8001 .venv/bin/python manage.py runserver 127.0.0.1:8001"
        in commands
    )


def test_a_site_url_set_in_the_environment_wins_over_the_port():
    commands = planned("serve", "PORT=8001", env={"SITE_URL": "https://portal.example"})

    assert "SITE_URL=https://portal.example .venv/bin/python manage.py runserver" in commands
