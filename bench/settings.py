"""The portal's settings with the benchmark installed: its app (``seed_load``, the floor
page's template), its URLs (the portal's, and the floor page) and its cheap password
hasher (``bench/hashers.py``: signing in a thousand candidates takes seconds).

``bench/run.py`` runs every command and the app server with these
(``DJANGO_SETTINGS_MODULE=bench.settings``); production never lists the app.
"""

from django.conf import global_settings

from secondshot.settings import *  # noqa: F403
from secondshot.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = [
    "bench.hashers.QuickPBKDF2PasswordHasher",
    *global_settings.PASSWORD_HASHERS,
]
