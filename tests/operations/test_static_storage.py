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
def test_the_addresses_are_whitenoises_and_each_is_looked_up_once(collected, monkeypatch):
    ours = ManifestStaticFilesStorage(**collected)
    theirs = CompressedManifestStaticFilesStorage(**collected)
    looked_up = []
    stored_name = CompressedManifestStaticFilesStorage.stored_name
    monkeypatch.setattr(
        CompressedManifestStaticFilesStorage,
        "stored_name",
        lambda self, name: looked_up.append(name) or stored_name(self, name),
    )
    for _ in range(3):
        assert ours.url("css/portal.css") == "/static/css/portal.4f2a9c.css"
    assert ours.url("js/names.js") == theirs.url("js/names.js")
    assert looked_up.count("css/portal.css") == 1


@override_settings(DEBUG=False)
def test_a_file_not_collected_is_refused_every_time(collected):
    ours = ManifestStaticFilesStorage(**collected)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            ours.url("css/missing.css")


def test_with_debug_on_the_files_are_named_as_they_are(collected):
    ours = ManifestStaticFilesStorage(**collected)
    with override_settings(DEBUG=False):
        assert ours.url("css/portal.css") == "/static/css/portal.4f2a9c.css"
    with override_settings(DEBUG=True):
        assert ours.url("css/portal.css") == "/static/css/portal.css"


@override_settings(DEBUG=False)
def test_hashing_the_files_again_forgets_the_addresses_kept(collected, monkeypatch):
    ours = ManifestStaticFilesStorage(**collected)
    assert ours.url("css/portal.css") == "/static/css/portal.4f2a9c.css"

    def hashed_again(self, paths, dry_run=False, **options):
        self.hashed_files = {"css/portal.css": "css/portal.0b1d2e.css"}
        yield "css/portal.css", "css/portal.0b1d2e.css", True

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "post_process", hashed_again)
    list(ours.post_process({}))
    assert ours.url("css/portal.css") == "/static/css/portal.0b1d2e.css"
