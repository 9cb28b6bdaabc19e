"""Time the two branches of sign-up and of password reset: does the answer's time tell
whether an address has an account?

    .venv/bin/python bench/enumeration_timing.py [--rounds 30]

Runs the real pages in-process (Django's test client, every middleware) on a
throwaway SQLite database, with production's password hasher and e-mails queued
in the database (``TASKS_BACKEND=db``), as on the app servers. Each round times a
sign-up with a registered address and with a new one, and a reset for a registered
address and for an unknown one, alternating, each from its own client address so
the rate limits stay out of the way. Prints the median and 90th percentile of each
branch and the ratio of the medians; a ratio near 1.00 means the time tells nothing.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "secondshot.settings",
            "DATABASE_URL": f"sqlite:///{database}",
            "TASKS_BACKEND": "db",
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def timed(call) -> float:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    setup(tempfile.mkstemp(suffix=".sqlite3")[1])

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    user_model = get_user_model()
    client = Client()
    times = {"sign-up, registered": [], "sign-up, new": [], "reset, registered": [],
             "reset, unknown": []}  # fmt: skip
    for n in range(args.rounds):
        known = user_model.objects.create_user(email=f"known{n}@example.com", password="x" * 12)

        def sign_up(email, address):
            return lambda: client.post(
                reverse("signup"),
                {"email": email, "legal_name": "Ada Lovelace",
                 "password1": "Analytical engine 1843", "password2": "Analytical engine 1843"},
                REMOTE_ADDR=address,
            )  # fmt: skip

        def reset(email, address):
            return lambda: client.post(
                reverse("password_reset"), {"email": email}, REMOTE_ADDR=address
            )

        times["sign-up, registered"].append(timed(sign_up(known.email, f"10.1.{n}.1")))
        times["sign-up, new"].append(timed(sign_up(f"new{n}@example.com", f"10.1.{n}.2")))
        times["reset, registered"].append(timed(reset(known.email, f"10.1.{n}.3")))
        times["reset, unknown"].append(timed(reset(f"nobody{n}@example.com", f"10.1.{n}.4")))

    print(f"{'branch':<22} {'median ms':>10} {'p90 ms':>8}")
    medians = {}
    for branch, values in times.items():
        medians[branch] = statistics.median(values)
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"{branch:<22} {medians[branch]:>10.1f} {p90:>8.1f}")
    for a, b in (("sign-up, registered", "sign-up, new"), ("reset, registered", "reset, unknown")):
        print(f"ratio {a} / {b.split(', ')[1]}: {medians[a] / medians[b]:.2f}")


if __name__ == "__main__":
    main()
