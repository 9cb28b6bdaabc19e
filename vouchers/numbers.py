"""Voucher numbers: how they are made, read back from a person, and stored.

A number is 19 random symbols and one check symbol from a 31-symbol alphabet
that leaves out the look-alikes 0, O, 1, I and L, printed in five groups of four:
``7KQ4-MZ2X-...``. 19 symbols carry 19 × log2(31) ≈ 94 bits of entropy.

The check symbol is a weighted sum modulo 31 (a prime, the alphabet's size), so
every single mistyped symbol and every swap of two neighbours is recognised
before the database is asked anything.

Numbers are secrets, like passwords: the database keeps only an HMAC-SHA256 of
the number under ``settings.VOUCHER_NUMBER_KEY`` and its last four symbols for
display; nothing stored can be turned back into a usable number. The one e-mail
that carries a new number (a reissue on a candidate's behalf) and the one that
hands a new pack's numbers over wait in the task queue, a database table: there
the numbers are sealed (``seal``: Fernet, AES with an HMAC) under a key derived
from ``VOUCHER_NUMBER_KEY`` with HKDF, so a copy of the database alone opens
nothing.
"""

import base64
import hashlib
import hmac
import json
import secrets
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.i18n import interpolate_lazy
from core.typed import as_typed

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_LENGTH = 19
LENGTH = RANDOM_LENGTH + 1
GROUP = 4
LOOK_ALIKES = frozenset("0O1IL")
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_IGNORED = str.maketrans("", "", " -\t")


class MalformedNumber(ValueError):
    """The text cannot be a voucher number; ``reason`` says why in a person's words.

    ``reason`` is lazy: it is translated into the language of whoever reads it.
    """

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason

    def __str__(self):
        return str(self.reason)


def _check_symbol(symbols: str) -> str:
    total = sum((position + 1) * _VALUE[symbol] for position, symbol in enumerate(symbols))
    return ALPHABET[total % len(ALPHABET)]


def generate() -> str:
    """Return a new random voucher number in its canonical form (no separators)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + _check_symbol(body)


def normalize(text: str) -> str:
    """Return the canonical form of a number a person typed, or raise MalformedNumber.

    Any case is accepted, with or without spaces and hyphens, in full-width forms
    too (``core/typed.py``).
    """
    symbols = as_typed(str(text)).upper().translate(_IGNORED)
    if not symbols:
        raise MalformedNumber(_("Enter your voucher number."))
    if LOOK_ALIKES & set(symbols):
        raise MalformedNumber(
            _("Voucher numbers never contain 0, O, 1, I or L. Please check the number you typed.")
        )
    if any(symbol not in _VALUE for symbol in symbols) or len(symbols) != LENGTH:
        raise MalformedNumber(
            interpolate_lazy(
                _(
                    "A voucher number has %(length)s letters and digits, "
                    "like XXXX-XXXX-XXXX-XXXX-XXXX. Please check the number you typed."
                ),
                length=LENGTH,
            )
        )
    if _check_symbol(symbols[:-1]) != symbols[-1]:
        raise MalformedNumber(
            _("This voucher number has a typing mistake in it. Please check it and try again.")
        )
    return symbols


def display(number: str) -> str:
    """Return the number in groups of four for people to read."""
    return "-".join(number[i : i + GROUP] for i in range(0, len(number), GROUP))


def masked(last_four: str) -> str:
    """Return how a stored number is shown everywhere but at issue: its last four symbols."""
    return "••••-••••-••••-••••-" + last_four


def digest(number: str) -> str:
    """Return the keyed hash under which a canonical number is stored and looked up."""
    key = settings.VOUCHER_NUMBER_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def last_four(number: str) -> str:
    return number[-GROUP:]



def _sealing_key() -> Fernet:
    """The key that seals numbers, derived from ``VOUCHER_NUMBER_KEY`` with HKDF-SHA256.

    HKDF with its own label, so this key and the hashing key are never the same.
    """
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"secondshot: numbers in the queue"
    ).derive(settings.VOUCHER_NUMBER_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(plain_numbers: list[str]) -> bytes:
    """Encrypt numbers to be held for a while (``unseal`` reads them back)."""
    return _sealing_key().encrypt(json.dumps(plain_numbers).encode())


def unseal(sealed: bytes, *, max_age: timedelta) -> list[str] | None:
    """Return the numbers ``seal`` encrypted, or None if sealed longer than ``max_age`` ago
    or not by us."""
    try:
        plain = _sealing_key().decrypt(sealed, ttl=int(max_age.total_seconds()))
    except InvalidToken:
        return None
    return json.loads(plain)
