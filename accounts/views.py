"""Account pages: sign up, verify the e-mail address, sign in, the account's settings."""

import logging

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from core.mail import MAIL_ERRORS, say_not_sent

from . import emails, ratelimit, services
from .forms import AccountSettingsForm, SignInForm, SignUpForm

logger = logging.getLogger(__name__)


class SignUpView(FormView):
    """Create an account and send the verification link.

    The answer is the same whether or not the address already has an account;
    its owner gets an e-mail saying so instead.
    """

    template_name = "accounts/signup.html"
    form_class = SignUpForm
    success_url = reverse_lazy("signup_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        services.sign_up(
            email=email,
            legal_name=form.cleaned_data["legal_name"],
            password=form.cleaned_data["password1"],
            country=form.cleaned_data.get("country") or "",
            language=get_supported_language_variant(get_language()),
        )
        self.request.session["signup_email"] = email
        return super().form_valid(form)


class SignUpDoneView(TemplateView):
    template_name = "accounts/signup_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(email=self.request.session.get("signup_email"), **kwargs)


class VerifyEmailView(View):
    """Open the verification link: the address is confirmed and the link dies."""

    def get(self, request, uidb64, token):
        if services.confirm_email(uidb64=uidb64, token=token) is None:
            return render(request, "accounts/verify_failed.html", status=400)
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        return redirect("portal:dashboard" if request.user.is_authenticated else "login")


class ResendVerificationView(LoginRequiredMixin, View):
    def post(self, request):
        if request.user.has_verified_email():
            messages.info(request, _("Your e-mail address is already confirmed."))
        else:
            try:
                emails.send_verification(request.user)
            except MAIL_ERRORS:
                logger.exception(
                    "The confirmation link to user %s could not be sent", request.user.pk
                )
                say_not_sent(request)
            else:
                messages.info(
                    request,
                    _("We sent a new confirmation link to %(email)s.")
                    % {"email": request.user.email},
                )
        return redirect("portal:dashboard")


class AccountView(LoginRequiredMixin, UpdateView):
    """The account page: who the candidate is, and their settings (time zone, reminders)."""

    template_name = "accounts/account.html"
    form_class = AccountSettingsForm
    success_url = reverse_lazy("account")

    def get_object(self, queryset=None):
        # A fresh copy: a refused form must not change request.user for the rest of the page.
        return get_user_model().objects.get(pk=self.request.user.pk)

    def form_valid(self, form):
        messages.success(self.request, _("Your settings are saved."))
        return super().form_valid(form)


class SignInView(auth_views.LoginView):
    """Sign in, with failures limited per account-and-address and per address.

    Keying the tighter limit on the pair means an attacker elsewhere cannot
    lock a real candidate out; the windows end, so nobody is locked out for good.
    """

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        email = request.POST.get("username", "").strip().lower()[:254]
        address = ratelimit.client_address(request)
        self.reservation = ratelimit.reserve(
            (ratelimit.SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{email}|{address}"),
            (ratelimit.SIGN_IN_FAILURES_PER_ADDRESS, address),
        )
        if not self.reservation.allowed:
            return ratelimit.too_many_attempts(
                request, self.reservation.retry_after, what="sign-ins"
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.reservation.give_back()
        return super().form_valid(form)
