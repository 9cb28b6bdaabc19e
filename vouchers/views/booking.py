"""Booking a sitting, and the booking's own page: cancel, move, calendar file."""

import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from accounts import ratelimit
from exams.models import Exam, Sitting

from .. import calendar, page_cache, services
from ..errors import Reason, Refused
from ..forms import ExamSearchForm, SittingSearchForm
from ..models import Booking, Voucher, is_exam_eligible
from ..queries import (
    candidate_vouchers,
    eligible_exams,
    explain_ineligible,
    sittings_for,
    voucher_to_book,
)


def _candidate_booking(request, pk):
    bookings = Booking.objects.filter(candidate=request.user).select_related(
        "voucher__pack", "exam", "sitting__centre"
    )
    booking = get_object_or_404(bookings, pk=pk)
    booking.candidate = request.user  # already loaded: saves the calendar file a query
    return booking


def _exam_id_in_address(request) -> int | None:
    """The exam chosen with ``?exam=``, as an id, or None."""
    exam_id = request.GET.get("exam", "")
    return int(exam_id) if re.fullmatch(r"[0-9]{1,18}", exam_id) else None


def _chosen_exam_id(voucher, attempt, request) -> int | None:
    """A retake's exam is the first attempt's; a first attempt's is chosen with ``?exam=``."""
    if attempt == Booking.Attempt.RETAKE:
        return voucher.exam().pk
    return _exam_id_in_address(request)


def _exam_by_id(exam_id: int):
    """The exam, if it is one the offer covers and still offered (SS-3); else None."""
    exam = Exam.objects.filter(pk=exam_id, is_active=True).first()
    return exam if exam is not None and is_exam_eligible(exam) else None


def _exam(voucher, attempt, exam_id: int | None):
    """The exam the booking would be for: a retake's is its first attempt's, whatever has
    become of it since (the workflow says why it cannot be retaken); a first attempt's
    is the exam chosen, if the offer covers it."""
    if attempt == Booking.Attempt.RETAKE:
        return voucher.exam()
    return None if exam_id is None else _exam_by_id(exam_id)


def _exam_for(voucher, attempt, request):
    return _exam(voucher, attempt, _exam_id_in_address(request))


def _sitting(pk):
    return get_object_or_404(Sitting.objects.select_related("centre"), pk=pk)


class BookView(LoginRequiredMixin, View):
    """Choose the exam (first attempts only), then where and when to sit it."""

    template_name = "vouchers/booking_choose.html"

    def get(self, request, pk):
        now = timezone.now()
        try:
            voucher = voucher_to_book(request.user, pk)
        except Voucher.DoesNotExist:
            raise Http404 from None
        context = {"voucher": voucher}
        try:
            attempt = voucher.bookable_attempt(candidate=request.user, now=now)
        except Refused as refusal:
            return render(request, self.template_name, context | {"refusal": refusal.message})
        context["attempt"] = attempt
        exam_id = _chosen_exam_id(voucher, attempt, request)
        if exam_id is not None:
            # Kept for every voucher expiring that day (page_cache.py); None when the
            # exam asked for is not one the voucher can pay for: the exams are listed.
            step = page_cache.sitting_step_html(
                expires_on=voucher.pack.expires_on,
                exam_id=exam_id,
                attempt=attempt,
                country=request.GET.get("country", ""),
                city=request.GET.get("city", ""),
                candidate=request.user,
                render=partial(self._sitting_step, request, voucher, attempt, exam_id, now),
            )
            if step is not None:
                return render(
                    request, self.template_name, context | {"sitting_step": mark_safe(step)}
                )
        search = ExamSearchForm(request.GET)
        query = search.cleaned_data["q"].strip() if search.is_valid() else ""
        return render(
            request,
            self.template_name,
            context
            | {
                "search": search,
                "exams": eligible_exams(query)[:30],
                "query": query,
                "ineligible": explain_ineligible(query),
            },
        )

    @staticmethod
    def _sitting_step(request, voucher, attempt, exam_id, now):
        """Step 2, and whether to keep it; (None, False) when the exam cannot be booked."""
        exam = _exam(voucher, attempt, exam_id)
        if exam is None:
            return None, False
        where = SittingSearchForm(request.GET)
        valid = where.is_valid()
        place = {k: where.cleaned_data.get(k, "") for k in ("country", "city")}
        step = {
            "attempt": attempt,
            "where": where,
            "exam": exam,
            "expires_on": voucher.pack.expires_on,
            "sittings": sittings_for(voucher, now=now, **place),
            "user": request.user,
        }
        return render_to_string("partials/sitting_step.html", step), valid


class ReviewBookingView(LoginRequiredMixin, View):
    """Confirm the booking; SS-2's warning shows when a retake would be short of time."""

    template_name = "vouchers/booking_review.html"

    def _context(self, request, pk, sitting_pk):
        voucher = get_object_or_404(candidate_vouchers(request.user), pk=pk)
        now = timezone.now()
        sitting = _sitting(sitting_pk)
        try:
            attempt = voucher.bookable_attempt(candidate=request.user, now=now)
        except Refused as refusal:
            return {"voucher": voucher, "sitting": sitting, "refusal": refusal.message}
        exam = _exam_for(voucher, attempt, request)
        if exam is None:
            raise Http404
        return {
            "voucher": voucher,
            "sitting": sitting,
            "exam": exam,
            "attempt": attempt,
            "retake_warning": attempt == Booking.Attempt.FIRST
            and voucher.is_retake_window_short(sitting),
        }

    def get(self, request, pk, sitting_pk):
        return render(request, self.template_name, self._context(request, pk, sitting_pk))

    def post(self, request, pk, sitting_pk):
        """Book straight away: the workflow reads and locks the voucher and the sitting and
        checks every rule; the page is built only to show a refusal."""
        exam_id = _exam_id_in_address(request)
        exam = None if exam_id is None else _exam_by_id(exam_id)
        if exam is None:  # a retake's exam is its first attempt's, found on the voucher
            return self._post_with_context(request, pk, sitting_pk)
        try:
            booking = services.book_sitting(
                candidate=request.user,
                voucher=Voucher(pk=pk),
                exam=exam,
                sitting=Sitting(pk=sitting_pk),
            )
        except (Voucher.DoesNotExist, Sitting.DoesNotExist):
            raise Http404 from None
        except Refused as refusal:
            if refusal.code == Reason.VOUCHER_NOT_YOURS:
                raise Http404 from None
            if refusal.code == Reason.RETAKE_SAME_EXAM:
                # A retake is of its first attempt's exam, whatever the address names.
                return self._post_with_context(request, pk, sitting_pk)
            context = self._context(request, pk, sitting_pk)
            return render(
                request, self.template_name, context | {"refusal": refusal.message}, status=409
            )
        return self._booked(request, booking)

    def _post_with_context(self, request, pk, sitting_pk):
        context = self._context(request, pk, sitting_pk)
        if "refusal" in context:
            return render(request, self.template_name, context, status=409)
        try:
            booking = services.book_sitting(
                candidate=request.user,
                voucher=context["voucher"],
                exam=context["exam"],
                sitting=context["sitting"],
            )
        except Refused as refusal:
            return render(
                request, self.template_name, context | {"refusal": refusal.message}, status=409
            )
        return self._booked(request, booking)

    def _booked(self, request, booking):
        messages.success(request, _("Your exam is booked. We have e-mailed you the details."))
        return redirect("portal:booking", pk=booking.pk)


class BookingDetailView(LoginRequiredMixin, View):
    template_name = "vouchers/booking_detail.html"

    def get(self, request, pk):
        booking = _candidate_booking(request, pk)
        now = timezone.now()
        try:
            booking.check_can_change(at=now)
            why_not = None
        except Refused as refusal:
            why_not = refusal.message
        return render(
            request,
            self.template_name,
            {"booking": booking, "why_not": why_not, "state": booking.state(at=now)},
        )


def _change_refusal(booking) -> dict:
    """The page's ``refusal`` when the booking can no longer be changed (SS-10)."""
    try:
        booking.check_can_change(at=timezone.now())
    except Refused as refusal:
        return {"refusal": refusal.message}
    return {}


class CancelBookingView(LoginRequiredMixin, View):
    template_name = "vouchers/booking_cancel.html"

    def get(self, request, pk):
        booking = _candidate_booking(request, pk)
        return render(request, self.template_name, {"booking": booking} | _change_refusal(booking))

    def post(self, request, pk):
        """Cancel straight away: the workflow reads and locks the booking and checks the rule;
        the page is built only to show a refusal."""
        try:
            booking = services.cancel_booking(candidate=request.user, booking=Booking(pk=pk))
        except Booking.DoesNotExist:
            raise Http404 from None
        except Refused as refusal:
            if refusal.code == Reason.VOUCHER_NOT_YOURS:
                raise Http404 from None
            return render(
                request,
                self.template_name,
                {"booking": _candidate_booking(request, pk), "refusal": refusal.message},
                status=409,
            )
        messages.success(
            request,
            _(
                "Your booking for %(exam)s is cancelled. "
                "Your voucher covers it again: you can book another sitting."
            )
            % {"exam": booking.exam.number},
        )
        return redirect("portal:dashboard")


class MoveBookingView(LoginRequiredMixin, View):
    """Choose another sitting for the same exam."""

    template_name = "vouchers/booking_move.html"

    def get(self, request, pk):
        booking = _candidate_booking(request, pk)
        now = timezone.now()
        context = {"booking": booking} | _change_refusal(booking)
        if "refusal" in context:
            return render(request, self.template_name, context)
        where = SittingSearchForm(request.GET)
        where.is_valid()
        place = {k: where.cleaned_data.get(k, "") for k in ("country", "city")}
        sittings = sittings_for(booking.voucher, now=now, exclude=booking.sitting, **place)
        return render(request, self.template_name, context | {"where": where, "sittings": sittings})


class ReviewMoveView(LoginRequiredMixin, View):
    template_name = "vouchers/booking_move_review.html"

    def get(self, request, pk, sitting_pk):
        booking = _candidate_booking(request, pk)
        context = {"booking": booking, "sitting": _sitting(sitting_pk)} | _change_refusal(booking)
        return render(request, self.template_name, context)

    def post(self, request, pk, sitting_pk):
        """Move straight away, as cancelling does."""
        try:
            moved = services.move_booking(
                candidate=request.user, booking=Booking(pk=pk), sitting=Sitting(pk=sitting_pk)
            )
        except (Booking.DoesNotExist, Sitting.DoesNotExist):
            raise Http404 from None
        except Refused as refusal:
            if refusal.code == Reason.VOUCHER_NOT_YOURS:
                raise Http404 from None
            context = {
                "booking": _candidate_booking(request, pk),
                "sitting": _sitting(sitting_pk),
                "refusal": refusal.message,
            }
            return render(request, self.template_name, context, status=409)
        messages.success(request, _("Your booking is moved. We have e-mailed you the new details."))
        return redirect("portal:booking", pk=moved.pk)


class BookingCalendarView(LoginRequiredMixin, View):
    """The booking as an .ics file for the candidate's calendar."""

    def get(self, request, pk):
        booking = _candidate_booking(request, pk)
        ics = calendar.booking_ics(booking, cancelled=booking.status == Booking.Status.CANCELLED)
        response = HttpResponse(ics, content_type="text/calendar")
        response["Content-Disposition"] = f'attachment; filename="exam-{booking.exam.number}.ics"'
        return response


class ResendBookingEmailView(LoginRequiredMixin, View):
    """Send a booking's e-mail and calendar file again (say, if the first was lost)."""

    def post(self, request, pk):
        # Limited per address and per inbox, as every page that sends an e-mail is.
        reservation = ratelimit.reserve_mail(request, recipient=request.user.email)
        if not reservation.allowed:
            return ratelimit.too_many_attempts(request, reservation.retry_after, what="e-mails")
        try:
            services.resend_booking_details(candidate=request.user, booking=Booking(pk=pk))
        except Booking.DoesNotExist:
            raise Http404 from None
        except Refused as refusal:
            messages.info(request, refusal.message)
        else:
            messages.success(
                request,
                _("The details are on their way to %(email)s again.")
                % {"email": request.user.email},
            )
        return redirect("portal:booking", pk=pk)
