"""Traffic like a programme's: many candidates signed in, each request for the next one.

The benchmark signs in a thousand candidates or more through the real sign-in form
before the load (``sign_in_all``), and gives each wrk thread its own share of them
(``deal``, ``write_visits``): every request of a candidate row goes to the thread's
next candidate, with that candidate's cookie and URL, so the cache holds what it
would hold in production rather than one candidate's page.

The wrk scripts (``bench/wrk/*.lua``) read the file ``write_visits`` writes: one
line a candidate, ``<thread>\\t<field>\\t<field>…``; a thread keeps the lines
dealt to it.
"""

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Visitor:
    """A signed-in candidate and the URLs of their own pages."""

    email: str
    cookie: str  # the Cookie header: session and CSRF
    csrf: str
    dashboard: str
    search: str  # step 2 of booking with their voucher
    book: tuple[str, ...]  # booking their voucher at each of their sittings


def sign_in_all(
    emails: Sequence[str], sign_in: Callable[[str], dict], *, at_once: int = 8
) -> dict[str, dict]:
    """Sign every address in with ``sign_in`` (address → cookies), ``at_once`` at a time.

    Returns the cookies of each address, in the order given. Raises the first failure:
    a candidate who could not sign in would show as unexpected answers, not as speed.
    """
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        return dict(zip(emails, pool.map(sign_in, emails), strict=True))


def deal(items: Sequence, hands: int) -> list[list]:
    """Deal ``items`` round the ``hands`` in turn, as cards: each item in one hand."""
    return [list(items[hand::hands]) for hand in range(hands)]


def write_visits(path: Path, rows: Iterable[Sequence[str]], threads: int) -> int:
    """Write ``rows`` (the fields of one candidate each) for ``threads`` wrk threads.

    Returns the number of rows, which is the number of distinct candidates the row's
    load is spread over.
    """
    lines = []
    for thread, hand in enumerate(deal(list(rows), threads), start=1):
        for fields in hand:
            if any("\t" in field or "\n" in field for field in fields):
                raise ValueError(f"A field holds a tab or a newline: {fields!r}")
            lines.append("\t".join([str(thread), *fields]))
    path.write_text("\n".join(lines) + "\n")
    return len(lines)
