"""Account pages: sign up, verify the e-mail address, sign in, the account's settings."""

import logging
from functools import partial

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from core.mail import MAIL_ERRORS, say_not_sent

from . import emails, ratelimit
from .forms import AccountSettingsForm, SignInForm, SignUpForm
from .throttling import too_many_attempts
from .tokens import email_verification_token

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
        User = get_user_model()
        email = form.cleaned_data["email"]
        existing = User.objects.with_email(email).first()
        if existing is not None:
            transaction.on_commit(partial(emails.send_already_registered, existing), robust=True)
        else:
            # The new account keeps the language the person signed up in.
            form.instance.language = get_supported_language_variant(get_language())
            try:
                with transaction.atomic():
                    user = form.save()
            except IntegrityError:  # the same address signed up a moment ago
                pass
            else:
                transaction.on_commit(partial(emails.send_verification, user), robust=True)
        self.request.session["signup_email"] = email
        return super().form_valid(form)


class SignUpDoneView(TemplateView):
    template_name = "accounts/signup_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(email=self.request.session.get("signup_email"), **kwargs)


class VerifyEmailView(View):
    """Open the verification link: the address is confirmed and the link dies."""

    def get(self, request, uidb64, token):
        User = get_user_model()
        try:
            user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
        except (ValueError, TypeError, OverflowError, User.DoesNotExist):
            user = None
        if user is None or not email_verification_token.check_token(user, token):
            return render(request, "accounts/verify_failed.html", status=400)
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
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
            return too_many_attempts(request, self.reservation.retry_after, what="sign-ins")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        self.reservation.give_back()
        return super().form_valid(form)
