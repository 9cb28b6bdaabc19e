"""Booking a sitting, and the booking's own page: cancel, move, calendar file."""

from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from accounts import ratelimit
from accounts.timezones import country_of_time_zone
from exams.models import Sitting
from exams.places import places_and_centres

from .. import calendar, page_cache, services
from ..errors import Reason, Refused
from ..forms import BookingRequestForm, ExamSearchForm, SittingSearchForm
from ..models import Booking, Voucher, change_cutoff_hours
from ..queries import (
    candidate_vouchers,
    eligible_exams,
    explain_ineligible,
    pending_booking,
    sittings_in_week,
    voucher_to_book,
)
from . import sitting_picker


def _candidate_booking(request, pk):
    bookings = Booking.objects.filter(candidate=request.user).select_related(
        "voucher__pack", "exam", "sitting__centre"
    )
    booking = get_object_or_404(bookings, pk=pk)
    booking.candidate = request.user  # already loaded: saves the calendar file a query
    return booking


def _sitting(pk):
    return get_object_or_404(Sitting.objects.select_related("centre"), pk=pk)


SEARCH_FIELDS = ("country", "city", "centre", "week", "after")


def _home_country(candidate, places: dict) -> dict:
    """Where the booking search starts: the country of the candidate's time zone, guessed
    at sign-up from the country they gave, when a test centre is there (``places``:
    ``places_and_centres()``)."""
    country = country_of_time_zone(candidate.time_zone)
    return {"country": country} if country in places["by_country"] else {}


def _search_data(request, *, start: dict) -> dict:
    """The search as asked in the address; where it starts when nothing is asked."""
    asked = {k: v for k, v in request.GET.items() if k in SEARCH_FIELDS}
    return asked if asked else start


def _sitting_search(voucher, search: dict, now, *, keep: dict, exclude=None, places=None):
    """The sitting search shared by booking and moving: the form, the week of sittings,
    and the links to the weeks around it (relative to the page: the booking step is
    kept for every voucher expiring that day). ``places``: as the form takes them."""
    where = SittingSearchForm(search, places=places)
    place = where.place()
    week = sittings_in_week(
        voucher,
        now=now,
        week=where.cleaned_data.get("week"),
        after=where.cleaned_data.get("after"),
        exclude=exclude,
        **place,
    )
    asked = {k: v for k, v in (keep | place).items() if v}

    def link(day, **more):
        return None if day is None else "?" + urlencode(asked | {"week": day.isoformat()} | more)

    following = week.next_sitting.local_date() if week.next_sitting else None
    links = {"earlier": link(week.earlier), "later": link(week.later), "next": link(following)}
    # The week's next page, and its first from a page after it.
    links["more"] = link(week.monday, after=week.continue_after.pk) if week.more else None
    links["first"] = link(week.monday) if week.after else None
    return where, week, links


def _refused(request, template_name, context, refusal):
    """The page again with the workflow's refusal; its code tells the page whether the
    same form can be sent again (a box to tick) or another choice is needed."""
    context |= {"refusal": refusal.message, "refusal_code": refusal.code.value}
    return render(request, template_name, context, status=409)


def _waiting_for(candidate, now) -> dict:
    """SS-4 where the decision is made: the booking still to come that holds the
    candidate's one place, and why nothing else can be booked until it is taken."""
    pending = pending_booking(candidate, at=now)
    if pending is None:
        return {}
    try:
        Booking.check_one_at_a_time([pending], at=now)
    except Refused as refusal:
        return {"refusal": refusal.message, "waiting_for": pending}
    return {}


class BookView(LoginRequiredMixin, View):
    """Choose the exam (first attempts only), then where and when to sit it."""

    template_name = "vouchers/booking_choose.html"

    def get(self, request, pk):
        now = timezone.now()
        asked = BookingRequestForm.of(request)
        try:
            voucher = voucher_to_book(request.user, pk, exam_id=asked.cleaned("exam"))
        except Voucher.DoesNotExist:
            raise Http404 from None
        context = {"voucher": voucher}
        try:
            attempt = voucher.bookable_attempt(candidate=request.user, now=now)
        except Refused as refusal:
            return render(request, self.template_name, context | {"refusal": refusal.message})
        context["attempt"] = attempt
        if voucher.candidate_may_hold_a_booking:  # else no booking holds their place
            context |= _waiting_for(request.user, now)
        if "refusal" in context:
            return render(request, self.template_name, context)
        try:
            exam = voucher.exam_to_book(voucher.asked_exam)
            voucher.check_exam(exam, attempt=attempt)
        except Refused as refusal:
            if refusal.code == Reason.RETAKE_SAME_EXAM:
                return render(request, self.template_name, context | {"refusal": refusal.message})
            return render(request, self.template_name, context | self._exams(request))
        places = places_and_centres()
        search = _search_data(request, start=_home_country(request.user, places))
        # Kept for every voucher expiring that day (page_cache.py).
        step = page_cache.sitting_step_html(
            expires_on=voucher.pack.expires_on,
            exam_id=exam.pk,
            attempt=attempt,
            search=search,
            candidate=request.user,
            render=partial(
                self._sitting_step, request, voucher, attempt, exam, search, now, places
            ),
        )
        return render(request, self.template_name, context | {"sitting_step": mark_safe(step)})

    @staticmethod
    def _exams(request) -> dict:
        """Step 1: the exams the offer covers, as searched."""
        search = ExamSearchForm(request.GET)
        query = search.cleaned_data["q"].strip() if search.is_valid() else ""
        return {
            "search": search,
            "exams": eligible_exams(query)[:30],
            "query": query,
            "ineligible": explain_ineligible(query),
        }

    @staticmethod
    def _sitting_step(request, voucher, attempt, exam, search, now, places):
        """Step 2, and whether to keep it."""
        where, week, links = _sitting_search(
            voucher, search, now, keep={"exam": exam.pk}, places=places
        )
        step = sitting_picker.step_html(
            attempt=attempt,
            exam=exam,
            where=where,
            week=week,
            links=links,
            expires_on=voucher.pack.expires_on,
            now=now,
            time_zone=request.user.time_zone,
            hours=change_cutoff_hours(),
        )
        # Kept only for a search the page took as asked, ``after`` written as its own
        # links write it: one that named no sitting of the week (the first page shown
        # instead), or the same one spelt otherwise, would be a key more for every
        # number anyone types.
        took = str(week.after.pk) if week.after else None
        return step, where.is_valid() and (search.get("after") or None) == took


class ReviewBookingView(LoginRequiredMixin, View):
    """Check and confirm the booking: one form, one workflow.

    SS-2's warning shows when a retake would be short of time; a sitting inside the
    change cut-off asks the candidate to accept that it cannot be changed (SS-10).
    """

    template_name = "vouchers/booking_review.html"

    def _context(self, request, pk, sitting_pk, form):
        voucher = get_object_or_404(candidate_vouchers(request.user), pk=pk)
        now = timezone.now()
        sitting = _sitting(sitting_pk)
        context = {"voucher": voucher, "sitting": sitting, "form": form}
        try:
            attempt = voucher.bookable_attempt(candidate=request.user, now=now)
            exam = voucher.exam_to_book(form.chosen_exam())
        except Refused as refusal:
            return context | {"refusal": refusal.message}
        return (
            context
            | {
                "exam": exam,
                "attempt": attempt,
                "inside_cutoff": Booking.is_inside_cutoff(sitting, at=now),
                "retake_warning": attempt == Booking.Attempt.FIRST
                and voucher.is_retake_window_short(sitting),
            }
            | _waiting_for(request.user, now)
        )

    def get(self, request, pk, sitting_pk):
        form = BookingRequestForm.of(request)
        return render(request, self.template_name, self._context(request, pk, sitting_pk, form))

    def post(self, request, pk, sitting_pk):
        """Book straight away: the workflow reads and locks the voucher, the exam and the
        sitting and checks every rule; the page is built only to show a refusal."""
        form = BookingRequestForm.of(request)
        try:
            booking = services.book_sitting(
                candidate=request.user,
                voucher=Voucher(pk=pk),
                sitting=Sitting(pk=sitting_pk),
                exam=form.exam_ref(),
                no_change_accepted=bool(form.cleaned("no_change_accepted")),
            )
        except (Voucher.DoesNotExist, Sitting.DoesNotExist):
            raise Http404 from None
        except Refused as refusal:
            if refusal.code == Reason.VOUCHER_NOT_YOURS:
                raise Http404 from None
            return _refused(
                request, self.template_name, self._context(request, pk, sitting_pk, form), refusal
            )
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
        sitting = booking.sitting
        start = {
            "country": sitting.centre.country.code,
            "city": sitting.centre.city,
            "centre": str(sitting.centre_id),
            "week": sitting.local_date().isoformat(),
        }
        where, week, links = _sitting_search(
            booking.voucher, _search_data(request, start=start), now, keep={}, exclude=sitting
        )
        picker = sitting_picker.picker_html(
            mode="move",
            exam=None,
            where=where,
            week=week,
            links=links,
            expires_on=booking.voucher.pack.expires_on,
            now=now,
            time_zone=request.user.time_zone,
            hours=change_cutoff_hours(),
        )
        return render(request, self.template_name, context | {"picker": picker})


class ReviewMoveView(LoginRequiredMixin, View):
    """Confirm the move; a sitting inside the change cut-off asks the candidate to accept
    that it cannot be changed again (SS-10)."""

    template_name = "vouchers/booking_move_review.html"

    def _context(self, request, pk, sitting_pk, form):
        booking = _candidate_booking(request, pk)
        sitting = _sitting(sitting_pk)
        inside_cutoff = Booking.is_inside_cutoff(sitting, at=timezone.now())
        context = {"booking": booking, "sitting": sitting, "form": form}
        return context | {"inside_cutoff": inside_cutoff} | _change_refusal(booking)

    def get(self, request, pk, sitting_pk):
        form = BookingRequestForm.of(request)
        return render(request, self.template_name, self._context(request, pk, sitting_pk, form))

    def post(self, request, pk, sitting_pk):
        """Move straight away, as cancelling does."""
        form = BookingRequestForm.of(request)
        try:
            moved = services.move_booking(
                candidate=request.user,
                booking=Booking(pk=pk),
                sitting=Sitting(pk=sitting_pk),
                no_change_accepted=bool(form.cleaned("no_change_accepted")),
            )
        except (Booking.DoesNotExist, Sitting.DoesNotExist):
            raise Http404 from None
        except Refused as refusal:
            if refusal.code == Reason.VOUCHER_NOT_YOURS:
                raise Http404 from None
            return _refused(
                request, self.template_name, self._context(request, pk, sitting_pk, form), refusal
            )
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
