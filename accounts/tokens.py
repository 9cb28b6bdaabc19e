"""The e-mail verification link: signed, for this purpose only, time-limited, and
dead once used (the hash covers ``email_verified_at`` and the address)."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    # The salt the links already sent were signed with (the class's first home): a new
    # one would kill every link in an inbox.
    key_salt = "secondshot.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_verified_at}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
