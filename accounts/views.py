"""Account pages: sign up, verify the e-mail address, sign in, the account's settings,
the password pages; and the back office's sign-in and password change, limited here
like the portal's (``ratelimit.limit_password_guesses``)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language, get_supported_language_variant
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView, UpdateView

from . import ratelimit, services, tasks
from .forms import AccountSettingsForm, PasswordResetForm, SignInForm, SignUpForm


class SignUpView(FormView):
    """Create an account and send the verification link.

    The answer is the same whether or not the address already has an account;
    its owner gets an e-mail saying so instead.
    """

    template_name = "accounts/signup.html"
    form_class = SignUpForm
    success_url = reverse_lazy("signup_done")

    def post(self, request, *args, **kwargs):
        # Before the form: every sign-up hashes a password and sends an e-mail.
        reservation = ratelimit.reserve_mail(request, recipient=request.POST.get("email", ""))
        if not reservation.allowed:
            return ratelimit.too_many_attempts(request, reservation.retry_after, what="e-mails")
        return super().post(request, *args, **kwargs)

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
    """Open the verification link: the address is confirmed, the link dies, and the
    person is signed in and taken to their vouchers.

    The link is one-time and time-limited (``accounts/tokens.py``), so it signs in no
    more than the password-reset link would let its holder do. Someone already signed
    in stays who they are; a staff account is never signed in by a link
    (docs/decisions.md, "Signed in by the verification link").
    """

    def get(self, request, uidb64, token):
        user = services.confirm_email(uidb64=uidb64, token=token)
        if user is None:
            return render(request, "accounts/verify_failed.html", status=400)
        messages.success(request, _("Thank you: your e-mail address is confirmed."))
        if request.user.is_authenticated:
            return redirect("portal:dashboard")
        if not user.can_sign_in_by_link():
            return redirect("login")
        login(request, user)
        return redirect("portal:dashboard")


class ResendVerificationView(LoginRequiredMixin, View):
    def post(self, request):
        if request.user.has_verified_email():
            messages.info(request, _("Your e-mail address is already confirmed."))
            return redirect("portal:dashboard")
        reservation = ratelimit.reserve_mail(request, recipient=request.user.email)
        if not reservation.allowed:
            return ratelimit.too_many_attempts(request, reservation.retry_after, what="e-mails")
        tasks.send_verification.enqueue(request.user.pk)
        messages.info(
            request,
            _("We sent a new confirmation link to %(email)s.") % {"email": request.user.email},
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
    """Sign in; failures are limited by ``sign_in`` below, as at every password door."""

    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link, limited per address and per address written to."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"

    def post(self, request, *args, **kwargs):
        reservation = ratelimit.reserve_mail(request, recipient=request.POST.get("email", ""))
        if not reservation.allowed:
            return ratelimit.too_many_attempts(request, reservation.retry_after, what="e-mails")
        return super().post(request, *args, **kwargs)


# Every door where a password is checked, its failures counted together. Keying the
# tighter limit on the account with the address means an attacker elsewhere cannot
# lock a real person out; the windows end, so nobody is locked out for good.
sign_in = ratelimit.limit_password_guesses(SignInView.as_view())
password_change = ratelimit.limit_password_guesses(
    auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
    account=ratelimit.signed_in_email,
    what="password changes",
)
admin_sign_in = ratelimit.limit_password_guesses(admin.site.login)
admin_password_change = ratelimit.limit_password_guesses(
    admin.site.admin_view(admin.site.password_change, cacheable=True),
    account=ratelimit.signed_in_email,
    what="password changes",
)
