from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "vouchers"
    verbose_name = _("Second Shot vouchers")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core.metrics import read_at_scrape
        from exams import holds
        from exams.models import Exam, Sitting, TestCenter

        from . import personal_data  # noqa: F401  (registers what the offer holds of a person)
        from .metrics import VoucherFigures
        from .models import Customer, ExamPack, pending_bookings_of_exam
        from .page_cache import forget_all_on_commit

        # SS-13: an exam booked for sittings still to come keeps its number (exams/holds.py).
        holds.count_bookings_with(pending_bookings_of_exam)
        # What the dashboard's cached cards show of the catalogue (page_cache.py).
        for model in (Exam, TestCenter, Sitting, Customer, ExamPack):
            post_save.connect(forget_all_on_commit, sender=model)
            post_delete.connect(forget_all_on_commit, sender=model)
        read_at_scrape(VoucherFigures())
