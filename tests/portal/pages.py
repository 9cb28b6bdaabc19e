"""Reading a page or an e-mail the way a candidate would: its words, its errors, its links."""

import re
from datetime import UTC, timedelta
from html import unescape
from urllib.parse import urljoin, urlparse

from django.core import mail
from django.urls import reverse

from tests.factories import SittingFactory
from vouchers import services
from vouchers.models import Booking

PASSWORD = "correct horse battery staple"  # every UserFactory account's password


def text(response) -> str:
    """The words on the page, tags stripped and white space collapsed."""
    html = response.content.decode()
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def field_error(response, field: str) -> str:
    """The error crispy renders in the field's ``invalid-feedback`` area, or ""."""
    found = re.search(
        rf'<div id="id_{field}_error" class="invalid-feedback">(.*?)</div>',
        response.content.decode(),
        re.DOTALL,
    )
    if found is None:
        return ""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def input_value(response, name: str) -> str | None:
    """The value the page puts back into the named input, or None if it has none."""
    tag = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', response.content.decode())
    assert tag, f"no input named {name} on the page"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else None


def links(response) -> list[tuple[str, str]]:
    """Every link on the page as (href, words), the href followed as a browser would:
    relative to the page's own address."""
    page = response.request["PATH_INFO"]
    return [
        (urljoin(page, unescape(href)), " ".join(unescape(re.sub(r"<[^>]+>", " ", words)).split()))
        for href, words in re.findall(
            r'<a\b[^>]*\bhref="([^"]*)"[^>]*>(.*?)</a>', response.content.decode(), re.DOTALL
        )
    ]


def has_link(response, href: str, words: str) -> bool:
    return any(h.split("?")[0] == href and w == words for h, w in links(response))


def book_url(voucher, **query):
    """The booking page of the voucher: ``exam=`` chooses the exam, then where."""
    url = reverse("portal:book", args=[voucher.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def offered_in_order(response) -> list[int]:
    """The ids of the sittings the page offers to choose (to book or to move to), in the
    order it lists them."""
    chosen = (
        re.match(r"/(?:vouchers/\d+/book|bookings/\d+/move)/(\d+)/", href)
        for href, _ in links(response)
    )
    return [int(match[1]) for match in chosen if match]


def offered_sittings(response) -> set[int]:
    """The ids of the sittings the page offers to choose (to book or to move to)."""
    return set(offered_in_order(response))


def week_links(response, words: str) -> list[str]:
    """The addresses of the links to another week or page that read ``words`` ("Later
    week", "Next sittings of this week")."""
    return [href for href, w in links(response) if w.strip("←→ ") == words]


def offered_in_every_week(client, url: str) -> set[int]:
    """The sittings offered on the page and on every later week and page it leads to,
    as a candidate clicking "Next sittings of this week" and "Later week" until there
    is none would see them."""
    offered, seen, to_read = set(), set(), [url]
    while to_read:
        url = to_read.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200
        offered |= offered_sittings(response)
        to_read += week_links(response, "Later week")
        to_read += week_links(response, "Next sittings of this week")
    return offered


def path_in(message, marker: str) -> str:
    """The path of the first link in an e-mail's text that contains ``marker``."""
    found = re.search(rf"https?://\S*{re.escape(marker)}\S*", message.body)
    assert found, f"no link with {marker} in the e-mail:\n{message.body}"
    return urlparse(found.group(0)).path


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def ics_of(message) -> str:
    """The calendar file attached to a booking e-mail."""
    (attachment,) = [a for a in message.attachments if a[0].endswith(".ics")]
    assert attachment[2] == "text/calendar"
    content = attachment[1]
    return content.decode() if isinstance(content, bytes) else content


def ics_utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_start(sitting) -> str:
    """The DTSTART line of a booking's calendar file: the centre's local time, zone named."""
    return f"DTSTART;TZID={sitting.centre.time_zone}:{sitting.local_start():%Y%m%dT%H%M%S}"


def book(candidate, voucher, exam, sitting, *, now) -> Booking:
    """Book through the workflow at the given moment, as if done earlier in the portal."""
    return services.book_sitting(
        candidate=candidate, voucher=voucher, exam=exam, sitting=sitting, now=now
    )


def take(candidate, voucher, exam, outcome, *, now, days_ago=20) -> Booking:
    """Book a sitting that is now in the past and record how it went."""
    sitting = SittingFactory(starts_at=now - timedelta(days=days_ago))
    booking = book(candidate, voucher, exam, sitting, now=now - timedelta(days=days_ago + 10))
    return services.record_outcome(
        booking=booking,
        outcome=outcome,
        recorded_by=None,
        now=sitting.starts_at + timedelta(hours=3),
    )
