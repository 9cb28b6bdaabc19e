"""Every word a template shows is translatable."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.i18n.literals import untranslated_literals

TEMPLATES = sorted(
    path
    for path in (Path(settings.BASE_DIR) / "templates").rglob("*")
    if path.suffix in {".html", ".txt"}
)


def _name(path: Path) -> str:
    return str(path.relative_to(Path(settings.BASE_DIR) / "templates"))


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_template_shows_no_untranslated_words(path):
    found = untranslated_literals(path.read_text(encoding="utf-8"))
    assert not found, f"{_name(path)} shows untranslated text: {found}"


def test_the_check_finds_a_literal_and_passes_translated_text():
    """A control: the test above would catch an untranslated word, and only that."""
    assert untranslated_literals("<p>Hello</p>") == ["Hello"]
    assert untranslated_literals('<button aria-label="Close">×</button>') == ["Close"]
    assert untranslated_literals('<input type="submit" value="Show">') == ["Show"]
    assert (
        untranslated_literals(
            '{% load i18n %}<p class="lead">{% translate "Hello" %}</p>'
            "{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}"
            '{# a comment #}<a href="{% url "home" %}">Second Shot</a> · <code>070-483</code>'
        )
        == []
    )
