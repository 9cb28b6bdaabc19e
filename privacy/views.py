"""The candidate's own pages: take their data away, erase their account."""

from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts import ratelimit

from . import services
from .downloads import json_download
from .errors import Refused
from .forms import EraseForm


class ExportView(LoginRequiredMixin, View):
    """The account page's button: everything the portal holds about the candidate, as JSON."""

    def post(self, request):
        data = services.export_personal_data(person=request.user, actor=request.user)
        return json_download(data)


class EraseView(LoginRequiredMixin, FormView):
    """Erase the candidate's account, after their password and their confirmation.

    What stands in the way is shown first: a booking still to come is cancelled
    only with its own box ticked, and one past its cut-off keeps the account until
    its sitting has started. The page is a password door (``erase`` below).
    """

    template_name = "privacy/erase.html"
    form_class = EraseForm

    def dispatch(self, request, *args, **kwargs):
        self.now = timezone.now()
        if request.user.is_authenticated:
            self.obstacles = services.obstacles_to_erasure(request.user, at=self.now)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return kwargs | {"person": self.request.user, "obstacles": self.obstacles}

    def get_context_data(self, **kwargs):
        standing = [obstacle for obstacle in self.obstacles if not obstacle.can_be_lifted()]
        return super().get_context_data(standing=standing, **kwargs)

    def form_valid(self, form):
        try:
            services.erase_person(
                person=self.request.user,
                actor=self.request.user,
                consents=form.consents(),
                now=self.now,
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        logout(self.request)
        return redirect("privacy:erased")


class ErasedView(TemplateView):
    """Where the erasure leaves the person, signed out: what is gone and what stays."""

    template_name = "privacy/erased.html"


# A password door: its failures count with the sign-ins' and the password changes'.
erase = ratelimit.limit_password_guesses(
    EraseView.as_view(), account=ratelimit.signed_in_email, what="account erasures"
)
