"""The signed link in the registration e-mail that recovers a lost voucher number (SS-6).

The token names the voucher and the first characters of its current number's
keyed hash, signed under a salt used for nothing else. It therefore dies when
the number is reissued (with it or otherwise), cannot be bent to another
voucher, and is refused once the voucher expires.
"""

from django.core import signing

SALT = "vouchers.recover-number"
_HASH_PREFIX = 16


def make_recovery_token(voucher) -> str:
    return signing.dumps({"v": voucher.pk, "h": voucher.number_hash[:_HASH_PREFIX]}, salt=SALT)


def read_recovery_token(token: str) -> tuple[int, str] | None:
    """Return (voucher id, hash prefix) from a token, or None if it was not made by us."""
    try:
        payload = signing.loads(token, salt=SALT)
        return int(payload["v"]), str(payload["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
