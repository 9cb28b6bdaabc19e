from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """Help for candidates: the help page, their support requests and support's answers,
    and the corrections support makes to an account (a legal name) on request.

    It stands above ``vouchers``: a request may name one of the candidate's vouchers.
    """

    name = "support"
    verbose_name = _("Support")

    def ready(self):
        from . import personal_data  # noqa: F401  (registers what support holds of a person)
