"""A read-only view of the offer's data for staff. Changes go through the workflows
in ``vouchers/services``; the issuing, support and results screens build on this."""

from django.contrib import admin

from .models import Booking, Customer, ExamPack, Voucher, VoucherEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "contact_email", "account_manager"]
    list_filter = ["country"]
    search_fields = ["name", "contact_email"]


@admin.register(ExamPack)
class ExamPackAdmin(ReadOnlyAdmin):
    list_display = ["pk", "customer", "exam_count", "is_second_shot", "expires_on", "candidate"]
    list_filter = ["is_second_shot", "expires_on"]
    list_select_related = ["customer", "candidate"]
    search_fields = ["customer__name", "candidate__email"]


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ["masked_number", "pack", "registered_by", "registered_at", "voided_at"]
    list_select_related = ["pack__customer", "registered_by"]
    search_fields = ["number_last4", "registered_by__email", "pack__customer__name"]
    exclude = ["number_hash"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "exam", "sitting", "attempt", "status", "outcome"]
    list_filter = ["status", "outcome", "attempt"]
    list_select_related = ["candidate", "exam", "sitting__centre"]
    search_fields = ["candidate__email", "exam__number"]


@admin.register(VoucherEvent)
class VoucherEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "voucher", "actor"]
    list_filter = ["action"]
    list_select_related = ["voucher", "actor"]
    search_fields = ["voucher__number_last4", "actor__email"]
    date_hierarchy = "at"
