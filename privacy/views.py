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
from .forms import EraseForm
from .registry import ErasureRefused


class ExportView(LoginRequiredMixin, View):
    """The account page's button: everything the portal holds about the candidate, as JSON."""

    def post(self, request):
        data = services.export_personal_data(person=request.user, actor=request.user)
        return json_download(data)


class EraseView(LoginRequiredMixin, FormView):
    """Erase the candidate's account, after their password and their confirmation.

    What stands in the way is shown first: a booking still to come is cancelled
    only with its own box ticked, and one past its cut-off keeps the account until
    its sitting has started. A wrong password counts as a failed sign-in.
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

    def post(self, request, *args, **kwargs):
        # The same counts as the sign-in page's: a password is guessed here as well as there.
        self.reservation = ratelimit.reserve(
            (
                ratelimit.SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
                f"{request.user.email.lower()}|{ratelimit.client_address(request)}",
            ),
            (ratelimit.SIGN_IN_FAILURES_PER_ADDRESS, ratelimit.client_address(request)),
        )
        if not self.reservation.allowed:
            return ratelimit.too_many_attempts(
                request, self.reservation.retry_after, what="sign-ins"
            )
        form = self.get_form()
        valid = form.is_valid()
        if "password" not in form.errors:  # a box left empty is no failed password
            self.reservation.give_back()
        return self.form_valid(form) if valid else self.form_invalid(form)

    def form_valid(self, form):
        try:
            services.erase_person(
                person=self.request.user,
                actor=self.request.user,
                consents=form.consents(),
                now=self.now,
            )
        except ErasureRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        logout(self.request)
        return redirect("privacy:erased")


class ErasedView(TemplateView):
    """Where the erasure leaves the person, signed out: what is gone and what stays."""

    template_name = "privacy/erased.html"
