"""Find the words a template shows that no {% translate %} or {% blocktranslate %} covers.

The template is read with Django's own lexer. Its text is put back together with
every tag, variable and comment replaced by a mark without letters, and with
the inside of each {% blocktranslate %} left out; the HTML that remains is read
for its text and for the attributes people read (aria-label, title, alt,
placeholder, and the value of a button). Whatever has a letter in it, after
the allowed words are taken out, is an untranslated literal.
"""

import re
from html.parser import HTMLParser

from django.template.base import Lexer, TokenType

# Words shown as they are in every language, each for a reason.
ALLOWED = [
    "Second Shot",  # the offer's name, a brand: never translated
]
# Elements whose text is literal by nature: file contents, column names, codes.
LITERAL_ELEMENTS = {"code", "pre", "kbd", "samp"}
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
BUTTON_TYPES = {"submit", "button", "reset"}
# Blocks of Django's admin/base.html that are not page text: the body's class
# attribute, and what goes in <head>; and admin/backoffice/page.html's part of
# that class attribute.
NOT_TEXT_BLOCKS = {"bodyclass", "extrastyle", "extrahead", "page_kind"}
MARK = "\x00"
LETTER = re.compile(r"[^\W\d_]")


def _source_without_template_code(source: str) -> str:
    parts, depth, blocks = [], 0, []
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split()
            name = bits[0] if bits else ""
            if name in {"blocktranslate", "blocktrans", "comment"}:
                depth += 1
            elif name in {"endblocktranslate", "endblocktrans", "endcomment"}:
                depth -= 1
            elif name == "block":
                blocks.append(bits[1] if len(bits) > 1 else "")
            elif name == "endblock" and blocks:
                blocks.pop()
            parts.append(MARK)
        elif token.token_type == TokenType.TEXT and depth == 0:
            parts.append(MARK if NOT_TEXT_BLOCKS & set(blocks) else token.contents)
        else:
            parts.append(MARK)
    return "".join(parts)


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._literal_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in LITERAL_ELEMENTS:
            self._literal_depth += 1
        attributes = dict(attrs)
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES:
                self._check(value)
        if tag == "input" and attributes.get("type") in BUTTON_TYPES:
            self._check(attributes.get("value") or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in LITERAL_ELEMENTS:
            self._literal_depth -= 1

    def handle_endtag(self, tag):
        if tag in LITERAL_ELEMENTS:
            self._literal_depth = max(0, self._literal_depth - 1)

    def handle_data(self, data):
        if not self._literal_depth:
            self._check(data)

    def _check(self, text):
        for allowed in ALLOWED:
            text = text.replace(allowed, " ")
        if LETTER.search(text.replace(MARK, " ")):
            self.found.append(" ".join(text.replace(MARK, "…").split()))


def untranslated_literals(source: str) -> list[str]:
    """Return each piece of text in the template that would be shown untranslated."""
    reader = _Reader()
    reader.feed(_source_without_template_code(source))
    reader.close()
    return reader.found
