"""Long lists in the back office, as staff see them: a million vouchers, millions of events.

A list counts only as far as it is read (``backoffice/paging.py``): under
the bound it says how many, over it "More than …", and paging on still works.
Customers and packs are chosen with an autocomplete box, account managers and
actors among the staff; dates with list filters, not a date hierarchy. A pack's
page shows its first vouchers and a link to all of them; a customer's, its newest
packs.
The bounds are made small here, so a few rows show what a million would.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from backoffice.actions import WrittenActionForm
from backoffice.filters import written_filter
from backoffice.widgets import SafeAutocompleteSelect, WrittenSelect
from tests.factories import (
    BookingFactory,
    CustomerFactory,
    ExamPackFactory,
    RegisteredVoucherFactory,
    SittingFactory,
    VoucherFactory,
)
from vouchers.admin.customers import PackInline
from vouchers.admin.packs import VoucherInline
from vouchers.models import Customer, ExamPack, Voucher

pytestmark = pytest.mark.django_db

VOUCHERS = "admin:vouchers_voucher_changelist"


@pytest.fixture
def short_pages(monkeypatch):
    """Vouchers listed two a page, and counted five past the top of the page read."""
    voucher_admin = admin.site.get_model_admin(Voucher)
    monkeypatch.setattr(voucher_admin, "list_per_page", 2)
    monkeypatch.setattr(voucher_admin, "rows_counted", 5)


def unbounded_counts(queries) -> list[str]:
    """The captured queries that count rows with no LIMIT: every row the filter finds."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT COUNT(") and "LIMIT" not in q["sql"]
    ]


def paginator_text(page: str) -> str:
    nav = re.search(r'<nav class="paginator".*?</nav>', page, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", nav).split())


def page_links(page: str) -> list[str]:
    nav = re.search(r'<nav class="paginator".*?</nav>', page, re.S).group(0)
    return re.findall(r'href="\?p=(\d+)"', nav)


def listed(response) -> list[int]:
    return [voucher.pk for voucher in response.context["cl"].result_list]


def test_a_list_longer_than_it_counts_says_more_than_and_pages_on(support_client, short_pages):
    vouchers = sorted(VoucherFactory().pk for _ in range(12))

    with CaptureQueriesContext(connection) as queries:
        first = support_client.get(reverse(VOUCHERS))

    page = first.content.decode()
    assert "More than 5 vouchers" in paginator_text(page)
    assert page_links(page) == ["2", "3"]  # the pages counted, and one past them
    assert unbounded_counts(queries) == []
    # The page past the counted rows is whole, and counts on from where it is.
    third = support_client.get(reverse(VOUCHERS), {"p": 3})
    assert len(listed(third)) == 2
    assert "More than 9 vouchers" in paginator_text(third.content.decode())
    assert "5" in page_links(third.content.decode())
    # The last page: every row counted now, so the list says how many.
    last = support_client.get(reverse(VOUCHERS), {"p": 6})
    assert "12 vouchers" in paginator_text(last.content.decode())
    every = {
        pk for p in range(1, 7) for pk in listed(support_client.get(reverse(VOUCHERS), {"p": p}))
    }
    assert sorted(every) == vouchers


def test_a_list_within_its_count_says_exactly_how_many(support_client, short_pages):
    for _ in range(4):
        VoucherFactory()

    response = support_client.get(reverse(VOUCHERS))

    assert "4 vouchers" in paginator_text(response.content.decode())
    assert "More than" not in response.content.decode()
    assert page_links(response.content.decode()) == ["2"]


def test_a_search_that_finds_more_than_it_counts_says_so(support_client, short_pages):
    customer = CustomerFactory(name="Contoso Training Ltd")
    for _ in range(7):
        VoucherFactory(pack__customer=customer)
    VoucherFactory(pack__customer=CustomerFactory(name="Fabrikam"))

    many = support_client.get(reverse(VOUCHERS), {"q": "contoso"}).content.decode()
    few = support_client.get(reverse(VOUCHERS), {"q": "fabrikam"}).content.decode()

    assert "More than 5 results" in many
    assert "1 result" in few


def test_selecting_across_pages_is_offered_only_for_a_counted_list(support_client, short_pages):
    """Acting on every voucher of a list nobody counted is not offered: narrow it first."""
    for _ in range(4):
        VoucherFactory()
    counted = support_client.get(reverse(VOUCHERS)).content.decode()
    for _ in range(4):
        VoucherFactory()
    uncounted = support_client.get(reverse(VOUCHERS)).content.decode()

    assert "Select all 4 vouchers" in counted
    assert 'class="question' not in uncounted
    assert "Select all 5" not in uncounted and "Select all 6" not in uncounted


def test_the_pack_page_shows_its_first_vouchers_and_links_to_all_of_them(
    manager_client, manager, monkeypatch
):
    """A pack of 10,000 vouchers would render 10,000 rows; here, 3 of 5."""
    monkeypatch.setattr(VoucherInline, "rows", 3)
    pack = ExamPackFactory(customer__account_manager=manager, exam_count=5)
    vouchers = [VoucherFactory(pack=pack) for _ in range(5)]

    page = manager_client.get(reverse("admin:vouchers_exampack_change", args=[pack.pk]))

    text = page.content.decode()
    assert [v.masked_number in text for v in vouchers] == [True, True, True, False, False]
    assert "The first 3 of the pack&#x27;s 5 vouchers." in text
    link = re.search(r'href="([^"]*\?pack__id__exact=\d+)"', text).group(1)
    assert link == f"{reverse(VOUCHERS)}?pack__id__exact={pack.pk}"
    all_of_them = manager_client.get(link)
    assert sorted(listed(all_of_them)) == sorted(v.pk for v in vouchers)
    assert f"#{pack.pk}" in all_of_them.content.decode()  # the filter names the pack chosen


def test_a_pack_no_longer_than_the_rows_shown_has_no_link(manager_client, manager, monkeypatch):
    monkeypatch.setattr(VoucherInline, "rows", 3)
    pack = ExamPackFactory(customer__account_manager=manager, exam_count=3, vouchers=True)

    text = manager_client.get(reverse("admin:vouchers_exampack_change", args=[pack.pk])).content

    assert all(v.masked_number in text.decode() for v in pack.voucher_list)
    assert b"pack__id__exact" not in text


def test_the_customer_page_shows_the_newest_packs_and_links_to_all_of_them(
    manager_client, manager, monkeypatch
):
    monkeypatch.setattr(PackInline, "rows", 2)
    customer = CustomerFactory(account_manager=manager)
    now = timezone.now()
    packs = [
        ExamPackFactory(customer=customer, issued_at=now - timedelta(days=d)) for d in range(3)
    ]

    response = manager_client.get(reverse("admin:vouchers_customer_change", args=[customer.pk]))

    shown = [form.instance.pk for form in response.context["inline_admin_formsets"][0].formset]
    assert shown == [packs[0].pk, packs[1].pk]
    text = response.content.decode()
    link = re.search(r'href="([^"]*\?customer__id__exact=\d+)"', text).group(1)
    listed_packs = manager_client.get(link).context["cl"].result_list
    assert {pack.pk for pack in listed_packs} == {pack.pk for pack in packs}


def test_another_managers_customer_cannot_be_named_through_the_filter(
    manager_client, other_manager
):
    """The autocomplete filter shows the chosen customer only to who may see it."""
    theirs = CustomerFactory(account_manager=other_manager, name="Theirs GmbH")
    ExamPackFactory(customer=theirs)

    response = manager_client.get(
        reverse("admin:vouchers_exampack_changelist"), {"customer__id__exact": theirs.pk}
    )

    assert response.status_code == 200
    assert "Theirs GmbH" not in response.content.decode()
    assert list(response.context["cl"].result_list) == []


def test_the_customer_filter_box_shows_the_chosen_customer_and_reads_none_unchosen(
    manager_client, manager
):
    """The box names the chosen customer; with none chosen the list reads no customer or pack
    for its boxes."""
    customer = CustomerFactory(account_manager=manager, name="Chosen Ltd")
    ExamPackFactory(customer=customer)
    changelist = reverse(VOUCHERS)

    with CaptureQueriesContext(connection) as unfiltered:
        manager_client.get(changelist)
    chosen = manager_client.get(changelist, {"pack__customer__id__exact": customer.pk})

    read = [q["sql"] for q in unfiltered if 'FROM "vouchers_customer"' in q["sql"]]
    assert read == []
    assert re.search(
        rf'<option value="{customer.pk}" selected>Chosen Ltd</option>', chosen.content.decode()
    )


@pytest.mark.parametrize("chosen", [None, "customer", "abc", 2**63])
def test_the_autocomplete_box_writes_the_html_django_s_templates_write(chosen, rf, manager):
    customer = CustomerFactory(account_manager=manager, name="Tom & Jerry <Ltd>")
    value = customer.pk if chosen == "customer" else chosen
    field = ExamPack._meta.get_field("customer")
    box = forms.ModelChoiceField(
        queryset=Customer.objects.all(),
        required=False,
        widget=SafeAutocompleteSelect(field, admin.site),
    ).widget
    attrs = {"id": "filter_x", "aria-label": "customer", "data-filter-query": 'q=a&b="c"'}

    written = box.render("customer__id__exact", value, attrs=attrs)

    assert written == AutocompleteSelect.render(box, "customer__id__exact", value, attrs=attrs)
    assert ("Tom &amp; Jerry &lt;Ltd&gt;" in written) == (chosen == "customer")


@pytest.mark.parametrize("posted", [None, {"action": "void_vouchers", "select_across": "1"}])
def test_the_actions_form_writes_the_html_django_s_templates_write(posted):
    """Above each long list: the box of actions (one chosen, or none) and the hidden field."""
    choices = [
        ("", "---------"),
        ("void_vouchers", "Void the <selected> vouchers"),
        ("resend", "Re-send"),
    ]
    forms_drawn = []
    for form_class in (WrittenActionForm, helpers.ActionForm):
        form = form_class(posted, auto_id=None)
        form.fields["action"].choices = choices
        forms_drawn.append([str(field) for field in form])
    written, djangos = forms_drawn
    assert written == djangos
    assert "Void the &lt;selected&gt; vouchers" in written[0]
    assert ('<option value="void_vouchers" selected>' in written[0]) == (posted is not None)
    assert written[1].startswith('<input type="hidden" name="select_across"')


@pytest.mark.parametrize(
    "listed", ["vouchers_voucher", "vouchers_exampack", "vouchers_voucherevent", "exams_sitting"]
)
def test_the_filters_are_written_as_django_s_templates_write_them(listed, admin_client):
    """Every filter of the long lists, with nothing chosen and with a customer, a date and a
    yes-or-no chosen (the chosen line is marked)."""
    customer = CustomerFactory(name="Tom & Jerry <Ltd>")
    RegisteredVoucherFactory(pack=ExamPackFactory(customer=customer))
    url = reverse(f"admin:{listed}_changelist")
    chosen = {
        "vouchers_voucher": {"pack__customer__id__exact": customer.pk},
        "vouchers_exampack": {"customer__id__exact": customer.pk, "is_second_shot__exact": "1"},
        "vouchers_voucherevent": {"at__gte": "2026-01-01 00:00:00+00:00"},
        "exams_sitting": {},
    }[listed]
    for asked in ({}, chosen):
        cl = admin_client.get(url, asked).context["cl"]
        assert cl.filter_specs
        for spec in cl.filter_specs:
            assert written_filter(cl, spec) == admin_list_filter(cl, spec), spec.title
            with translation.override("fr"):
                assert written_filter(cl, spec) == admin_list_filter(cl, spec), spec.title


class DayAndRateFilter:
    """A filter whose choices are a date, a number and a safe string, as a filter's
    ``lookups`` may give them."""

    template = "admin/filter.html"
    title = "day & rate"

    def choices(self, cl):
        yield {"selected": True, "query_string": "?day=2026-12-07", "display": date(2026, 12, 7)}
        yield {"selected": False, "query_string": '?rate=1.5&x="<>"', "display": Decimal("1.5")}
        yield {"selected": False, "query_string": "?", "display": mark_safe("<b>all</b>")}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_dates_and_numbers_in_a_filter_or_a_box_are_written_as_django_writes_them(language):
    box = forms.ChoiceField(choices=[(1, date(2026, 12, 7)), (2, Decimal("1.5"))])
    with translation.override(language):
        assert written_filter(None, DayAndRateFilter()) == admin_list_filter(
            None, DayAndRateFilter()
        )
        assert WrittenSelect(choices=box.choices).render("x", 2) == forms.Select(
            choices=box.choices
        ).render("x", 2)
        if language == "fr":
            assert "07/12/2026" in written_filter(None, DayAndRateFilter())
            assert "1,5" in WrittenSelect(choices=box.choices).render("x", 2)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_filter_column_is_django_s_own(language, manager_client, manager, monkeypatch):
    """The block copied from Django's change_list.html writes what Django's writes: the
    heading, "Show counts", "Clear all filters" and every filter (guards an upgrade)."""
    customer = CustomerFactory(account_manager=manager, name="Tom & Jerry <Ltd>")
    ExamPackFactory(customer=customer)
    url = reverse("admin:vouchers_exampack_changelist")
    asked = {"expiry": "running", "customer__id__exact": customer.pk, "q": '"<>&'}

    def filter_column():
        # Each time: the page answers with the account's language in the cookie.
        manager_client.cookies["django_language"] = language
        page = manager_client.get(url, asked).content.decode()
        return page.split('<search id="changelist-filter"')[1].split("</search>")[0]

    ours = filter_column()
    monkeypatch.setattr(
        admin.site.get_model_admin(ExamPack), "change_list_template", "admin/change_list.html"
    )
    assert ours == filter_column()
    assert "Tom &amp; Jerry &lt;Ltd&gt;" in ours
    assert (">Filtre</h2>" in ours) == (language == "fr")


def test_the_filter_column_speaks_the_readers_language_in_django_s_words(manager_client):
    """The filters' heading and links are Django's sentences, translated by Django."""
    manager_client.cookies["django_language"] = "fr"
    page = manager_client.get(reverse("admin:vouchers_exampack_changelist"), {"expiry": "running"})
    column = page.content.decode().split('<search id="changelist-filter"')[1].split("</search>")[0]
    assert '<h2 id="changelist-filter-header">Filtre</h2>' in column
    assert "Effacer tous les filtres" in column
    assert " Par " in column


def test_a_filter_value_that_is_no_id_goes_back_to_the_whole_list(support_client):
    """As Django answers any filter it cannot apply: the list again, never an error."""
    for query in ["pack__customer__id__exact=abc", "pack__id__exact=1;2", "pack__id__exact="]:
        response = support_client.get(f"{reverse(VOUCHERS)}?{query}", follow=True)
        assert response.status_code == 200, query
        assert response.redirect_chain == [(f"{reverse(VOUCHERS)}?e=1", 302)], query


def test_the_audit_trail_is_narrowed_by_day_with_its_date_filter(support_client, support):
    """No date hierarchy (a DISTINCT over millions of events): the filter's links instead."""
    old = RegisteredVoucherFactory()
    recent = RegisteredVoucherFactory()
    from vouchers import audit

    audit.record(old, "voucher.registered", at=timezone.now() - timedelta(days=40))
    audit.record(recent, "voucher.registered", actor=support)
    url = reverse("admin:vouchers_voucherevent_changelist")

    page = support_client.get(url)
    past_week = [c for c in filter_choices(page, "at") if "7" in c["display"]][0]
    narrowed = support_client.get(url + past_week["query_string"])

    assert {e.voucher_id for e in narrowed.context["cl"].result_list} == {recent.pk}
    assert "date_hierarchy" not in page.content.decode()


def filter_choices(response, field_path) -> list[dict]:
    cl = response.context["cl"]
    (spec,) = [s for s in cl.filter_specs if getattr(s, "field_path", None) == field_path]
    return list(spec.choices(cl))


def test_bookings_of_the_coming_week_are_one_link_away(exam_admin_client):
    now = timezone.now()
    soon = BookingFactory(sitting=SittingFactory(starts_at=now + timedelta(days=3)))
    BookingFactory(sitting=SittingFactory(starts_at=now + timedelta(days=20)))
    url = reverse("admin:vouchers_booking_changelist")

    page = exam_admin_client.get(url)
    (coming,) = [
        c for c in filter_choices(page, "sitting__starts_at") if c["display"] == "Next 7 days"
    ]
    narrowed = exam_admin_client.get(url + coming["query_string"])

    assert [b.pk for b in narrowed.context["cl"].result_list] == [soon.pk]


def test_packs_are_narrowed_by_issue_date(manager_client, manager):
    customer = CustomerFactory(account_manager=manager)
    new = ExamPackFactory(customer=customer)
    ExamPackFactory(customer=customer, issued_at=timezone.now() - timedelta(days=400))
    url = reverse("admin:vouchers_exampack_changelist")

    page = manager_client.get(url)
    (this_year,) = [c for c in filter_choices(page, "issued_at") if c["display"] == "Past 7 days"]
    narrowed = manager_client.get(url + this_year["query_string"])

    assert [p.pk for p in narrowed.context["cl"].result_list] == [new.pk]
    assert ExamPack.objects.count() == 2


def test_customers_are_filtered_by_account_manager_among_the_staff_only(
    superuser_client, manager, other_manager
):
    mine = CustomerFactory(account_manager=manager)
    CustomerFactory(account_manager=other_manager)
    candidate = RegisteredVoucherFactory().registered_by
    url = reverse("admin:vouchers_customer_changelist")

    page = superuser_client.get(url)
    offered = [c["display"] for c in filter_choices(page, "account_manager")]
    (by_mine,) = [
        c for c in filter_choices(page, "account_manager") if c["display"] == manager.email
    ]
    narrowed = superuser_client.get(url + by_mine["query_string"])

    assert {manager.email, other_manager.email} <= set(offered)
    assert candidate.email not in offered
    assert list(narrowed.context["cl"].result_list) == [mine]
