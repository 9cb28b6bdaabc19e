from django.contrib import admin

from .models import Exam, Sitting, TestCenter


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "track", "is_active"]
    list_filter = ["track", "is_active"]
    search_fields = ["number", "title"]


@admin.register(TestCenter)
class TestCenterAdmin(admin.ModelAdmin):
    list_display = ["name", "site_id", "city", "country", "time_zone"]
    list_filter = ["country"]
    search_fields = ["name", "site_id", "city", "country"]


@admin.register(Sitting)
class SittingAdmin(admin.ModelAdmin):
    list_display = ["centre", "local_start_display", "seats", "seats_taken"]
    list_filter = ["centre__country"]
    list_select_related = ["centre"]
    search_fields = ["centre__name", "centre__city", "centre__site_id"]
    autocomplete_fields = ["centre"]
    date_hierarchy = "starts_at"

    @admin.display(description="starts (centre's local time)", ordering="starts_at")
    def local_start_display(self, sitting):
        start = sitting.local_start()
        return f"{start:%a %d %b %Y %H:%M} {start.tzname()} ({sitting.centre.time_zone})"
