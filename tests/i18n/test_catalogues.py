"""The catalogues are complete, clean and compile, for every language the portal offers.

A test fails when a catalogue has an untranslated or fuzzy entry, or lacks a
string the source has.
"""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from core.management.commands.compile_catalogues import catalogues, compile_catalogue

BASE_DIR = Path(settings.BASE_DIR)
LOCALE = BASE_DIR / "locale"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def entry_name(entry) -> str:
    return f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid[:70]!r}"


def test_the_portal_offers_english_and_four_translated_languages():
    assert settings.LANGUAGE_CODE == "en"
    assert TRANSLATED == ["es", "fr", "de", "ja"]
    assert [po.parent.parent.name for po in catalogues()] == sorted(TRANSLATED)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_entry_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert not po.metadata_is_fuzzy, f"{language}: the header is marked fuzzy"
    assert len(po) > 0
    untranslated = [entry_name(e) for e in po.untranslated_entries()]
    empty_plurals = [
        entry_name(e)
        for e in po
        if e.msgid_plural and not all(form.strip() for form in e.msgstr_plural.values())
    ]
    fuzzy = [entry_name(e) for e in po.fuzzy_entries()]
    obsolete = [entry_name(e) for e in po.obsolete_entries()]
    assert not untranslated, f"{language}: untranslated {untranslated}"
    assert not empty_plurals, f"{language}: a plural form is empty {empty_plurals}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy}"
    assert not obsolete, f"{language}: obsolete {obsolete}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_translation_keeps_the_placeholders_of_its_source(language):
    """A translation that drops %(exam)s or invents %(name)s breaks the page that fills it."""
    wrong = []
    for entry in catalogue(language):
        source = sorted(PLACEHOLDER.findall(entry.msgid))
        plural_source = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if sorted(PLACEHOLDER.findall(text)) not in (source, plural_source):
                wrong.append(entry_name(entry))
    assert not wrong, f"{language}: placeholders differ in {wrong}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_compiles_and_loads(language, tmp_path):
    po = tmp_path / language / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    shutil.copy(LOCALE / language / "LC_MESSAGES" / "django.po", po)
    assert compile_catalogue(po)
    with open(po.with_suffix(".mo"), "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    assert compiled.gettext("My vouchers") != "My vouchers"
    assert compiled.info()["language"] == language


@pytest.mark.parametrize("language", TRANSLATED)
def test_gettext_checks_every_catalogue_too(language):
    """msgfmt --check: the format strings, the plural header, the header fields."""
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext's msgfmt is not installed; the polib checks above still ran")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(po)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def _source_msgids(tmp_path) -> set[tuple[str | None, str, str | None]]:
    """Run makemessages over a copy of the source, so the real catalogues are not touched."""
    copy = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    apps = [
        "secondshot",
        "core",
        "backoffice",
        "accounts",
        "exams",
        "privacy",
        "vouchers",
        "support",
    ]
    for name in [*apps, "templates"]:
        shutil.copytree(BASE_DIR / name, copy / name, ignore=ignore)
    shutil.copy(BASE_DIR / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "es", "--no-location"],
        cwd=copy,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "SECRET_KEY": "makemessages-only"},
    )
    assert result.returncode == 0, result.stderr
    fresh = polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in fresh}


def test_the_catalogues_hold_exactly_the_strings_the_source_marks(tmp_path):
    """makemessages over the source finds no string a catalogue lacks, and none it does not need.

    Needs GNU gettext's xgettext, as makemessages does: CI has it (this machine).
    A developer without it runs the other checks; README says how to install it.
    """
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext's xgettext is not installed, so makemessages cannot run")
    source = _source_msgids(tmp_path)
    assert len(source) > 100
    for language in TRANSLATED:
        kept = {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in catalogue(language)}
        missing = sorted(str(m) for m in source - kept)
        unused = sorted(str(m) for m in kept - source)
        assert not missing, f"{language} lacks {len(missing)} strings: {missing[:10]}"
        assert not unused, f"{language} holds {len(unused)} strings no source uses: {unused[:10]}"
