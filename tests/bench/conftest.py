import pytest


@pytest.fixture
def bench_app(settings):
    """The benchmark's app and URLs installed, as ``bench/settings.py`` installs them."""
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench"]
    settings.ROOT_URLCONF = "bench.urls"
