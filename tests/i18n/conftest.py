"""Fixtures for the language tests: the compiled catalogues. The candidate with a booking
is the shared one (``tests/conftest.py``)."""

import pytest
from django.core.management import call_command
from django.utils.translation import trans_real

OTHER_LANGUAGES = ["es", "fr", "de", "ja"]


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues():
    """The .mo files, as make builds them, so pytest alone works too."""
    call_command("compile_catalogues", verbosity=0)
    # A catalogue read before it was compiled would stay cached without our strings.
    trans_real._translations = {}
    trans_real._default = None
