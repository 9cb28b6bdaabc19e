from django.urls import path

from .views import booking, dashboard, recovery, registration

app_name = "portal"

urlpatterns = [
    path("vouchers/", dashboard.DashboardView.as_view(), name="dashboard"),
    path(
        "vouchers/register/",
        registration.RegisterVoucherView.as_view(),
        name="register_voucher",
    ),
    path("vouchers/<int:pk>/", dashboard.VoucherDetailView.as_view(), name="voucher"),
    path("vouchers/<int:pk>/book/", booking.BookView.as_view(), name="book"),
    path(
        "vouchers/<int:pk>/book/<int:sitting_pk>/",
        booking.ReviewBookingView.as_view(),
        name="review_booking",
    ),
    path("results/", dashboard.ResultsView.as_view(), name="results"),
    path("bookings/<int:pk>/", booking.BookingDetailView.as_view(), name="booking"),
    path("bookings/<int:pk>/cancel/", booking.CancelBookingView.as_view(), name="cancel_booking"),
    path("bookings/<int:pk>/move/", booking.MoveBookingView.as_view(), name="move_booking"),
    path(
        "bookings/<int:pk>/move/<int:sitting_pk>/",
        booking.ReviewMoveView.as_view(),
        name="review_move",
    ),
    path(
        "bookings/<int:pk>/calendar.ics",
        booking.BookingCalendarView.as_view(),
        name="booking_calendar",
    ),
    path(
        "bookings/<int:pk>/resend/",
        booking.ResendBookingEmailView.as_view(),
        name="resend_booking_email",
    ),
    path("recover/<str:token>/", recovery.RecoverNumberView.as_view(), name="recover_number"),
    path(
        "vouchers/<int:pk>/lost-number/",
        recovery.SendRecoveryLinkView.as_view(),
        name="send_recovery_link",
    ),
]
