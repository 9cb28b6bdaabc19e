"""Staff of each role, each signed in with its own client."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from backoffice import roles
from tests.factories import StaffFactory, UserFactory


def staff_in(group: str, **fields):
    """Return a staff member in the role group the migration made."""
    user = StaffFactory(**fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(db):
    return staff_in(roles.ACCOUNT_MANAGERS, email="maria.manager@secondshot.test")


@pytest.fixture
def other_manager(db):
    return staff_in(roles.ACCOUNT_MANAGERS, email="otto.othermanager@secondshot.test")


@pytest.fixture
def support(db):
    return staff_in(roles.SUPPORT, email="sam.support@secondshot.test")


@pytest.fixture
def exam_admin(db):
    return staff_in(roles.EXAM_ADMINISTRATORS, email="erin.examadmin@secondshot.test")


@pytest.fixture
def superuser(db):
    return UserFactory(email="ada.admin@secondshot.test", is_staff=True, is_superuser=True)


@pytest.fixture
def manager_client(manager):
    return signed_in(manager)


@pytest.fixture
def other_manager_client(other_manager):
    return signed_in(other_manager)


@pytest.fixture
def support_client(support):
    return signed_in(support)


@pytest.fixture
def exam_admin_client(exam_admin):
    return signed_in(exam_admin)


@pytest.fixture
def superuser_client(superuser):
    return signed_in(superuser)


@pytest.fixture
def candidate_booking(db):
    """A candidate's first attempt, booked through the workflow for a sitting in ten days."""
    from tests.factories import ExamFactory, RegisteredVoucherFactory
    from tests.vouchers.helpers import book

    voucher = RegisteredVoucherFactory(pack__exam_count=3)
    return book(voucher.registered_by, voucher, ExamFactory(number="070-483"))
