"""Production's static files' storage (core/static.py): WhiteNoise's hashed addresses,
each kept once found."""

import json

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from core.static import ManifestStaticFilesStorage

MANIFEST = {
    "version": "1.1",
    "hash": "0",
    "paths": {"css/portal.css": "css/portal.4f2a9c.css", "js/names.js": "js/names.77b1e0.js"},
}


@pytest.fixture
def collected(tmp_path):
    (tmp_path / "staticfiles.json").write_text(json.dumps(MANIFEST))
    return {"location": tmp_path, "base_url": "/static/"}


@override_settings(DEBUG=False)
def test_the_addresses_are_whitenoises_asked_once_or_twice(collected):
    ours = ManifestStaticFilesStorage(**collected)
    theirs = CompressedManifestStaticFilesStorage(**collected)
    for _ in range(2):
        assert ours.url("css/portal.css") == "/static/css/portal.4f2a9c.css"
        assert ours.url("js/names.js") == theirs.url("js/names.js")


@override_settings(DEBUG=False)
def test_a_file_not_collected_is_refused_every_time(collected):
    ours = ManifestStaticFilesStorage(**collected)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("css/missing.css")
