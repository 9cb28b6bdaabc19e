"""What a person types, read the same whatever their keyboard.

A Japanese or Chinese input method types letters and digits in their full-width
forms (ＡＢＣ１２３, the ideographic space), and some keyboards type other look-alike
forms of plain characters. Unicode's compatibility normalisation (NFKC) folds
each into the character it stands for, so every code a person types (a voucher
number, an exam number, a currency) is read through ``as_typed`` before any rule
checks it. A file a program wrote is not typed: it is read as it is
(``vouchers/services/results.py``).
"""

import unicodedata

from django import forms


def as_typed(text: str) -> str:
    """Return the text in its compatibility form (NFKC): ``７ＫＱ４`` is ``7KQ4``."""
    return unicodedata.normalize("NFKC", text)


class CodeField(forms.CharField):
    """A form field for a code a person types: normalised (NFKC), then stripped and checked."""

    def to_python(self, value):
        return super().to_python(as_typed(value) if isinstance(value, str) else value)
