"""The benchmark's own tests (its data set, its reference pages) install its app: the
portal's settings, which the rest of the suite runs under, do not list it."""

import pytest


@pytest.fixture
def bench_app(settings):
    """The benchmark's app and URLs installed, as ``bench/settings.py`` installs them."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench"]
    settings.ROOT_URLCONF = "bench.urls"
