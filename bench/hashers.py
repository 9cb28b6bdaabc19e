"""The benchmark's password hasher: PBKDF2 with few iterations.

The benchmark signs in a thousand candidates through the real sign-in form before
each run; with production's hasher each sign-in spends most of a second hashing,
and collecting the cookies would take minutes. The sign-in page is not one of the
measured rows, and no measured page checks a password, so the benchmark's
accounts carry this cheap hash (``bench/settings.py`` lists it first, so
``seed_load`` hashes with it, and an account hashed with the default one is
re-hashed with it at its first sign-in). Production never lists it.
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "bench_pbkdf2_sha256"
    iterations = 1_000
