"""The statements written by hand (``vouchers/queries.py``) make their model instances
without ``Model.__init__``: they must behave as the ORM's own."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_init

from exams.models import TestCenter
from tests.factories import RegisteredVoucherFactory, TestCenterFactory
from tests.vouchers.helpers import book
from vouchers import queries
from vouchers.models import Voucher

pytestmark = pytest.mark.django_db


def test_an_instance_read_by_hand_is_the_orms_and_saves_as_itself(
    candidate, voucher, exam, django_assert_num_queries
):
    book(candidate, voucher, exam)
    (read,), _ = queries.dashboard_vouchers(candidate)
    by_the_orm = Voucher.objects.get(pk=voucher.pk)
    fields = [field.attname for field in Voucher._meta.concrete_fields]
    assert [getattr(read, f) for f in fields] == [getattr(by_the_orm, f) for f in fields]
    assert (read._state.adding, read._state.db) == (False, "default")
    with django_assert_num_queries(0):  # what the statement read is attached
        (booking,) = read.live_bookings()
        seen = (read.pack.customer.name, booking.exam.number, booking.sitting.centre.city)
        assert booking.voucher is read
    assert seen == (
        by_the_orm.pack.customer.name,
        exam.number,
        booking.sitting.centre.city,
    )
    # Saved, it is an update of its row, not a second voucher.
    read.void_reason = "checked"
    read.save(update_fields=["void_reason"])
    assert Voucher.objects.get(pk=voucher.pk).void_reason == "checked"
    assert Voucher.objects.count() == 1


def test_a_model_something_listens_to_is_made_by_django(candidate):
    RegisteredVoucherFactory(registered_by=candidate)
    made = []

    def heard(sender, instance, **kwargs):
        made.append(instance)

    post_init.connect(heard, sender=Voucher)
    try:
        columns = queries._Columns(Voucher, "v")
        row = Voucher.objects.filter(registered_by=candidate).values_list(*columns.names).get()
        read = columns.read(row, 0, connections[DEFAULT_DB_ALIAS])
    finally:
        post_init.disconnect(heard, sender=Voucher)
    assert made == [read]


def test_a_field_with_a_descriptor_of_its_own_is_set_through_it(monkeypatch):
    """A test centre's country is django-countries' field, whose descriptor cleans it."""
    columns = queries._Columns(TestCenter, "t")
    assert columns.set_by_descriptor == ["country"]
    centre = TestCenterFactory(country="JP")
    row = TestCenter.objects.filter(pk=centre.pk).values_list(*columns.names).get()
    cleaned = []
    clean = TestCenter._meta.get_field("country").get_clean_value
    monkeypatch.setattr(
        TestCenter._meta.get_field("country"),
        "get_clean_value",
        lambda value: cleaned.append(value) or clean(value),
    )
    read = columns.read(row, 0, connections[DEFAULT_DB_ALIAS])
    assert cleaned == ["JP"]
    assert read.country.code == "JP" and read.country.name == "Japan"
