"""The fleet's clients: candidates and a staff member using the portal over HTTP.

Each client is a thread with its own cookies, going through the load balancer as a
browser would. Every answer is logged (``Log``) with the server that gave it, and
every promise the portal makes is kept for the checks: "booked" (a 302 to a
booking's page), "cancelled", "registered", "imported".
"""

import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

# The marker in the load balancer's own "busy" page (deploy/haproxy/busy.http).
LB_BUSY_MARKER = "secondshot-load-balancer-busy"
BOOKING_PATH = re.compile(r"/bookings/(\d+)/")


@dataclass
class Log:
    """Every answer and every promise, from all threads."""

    answers: Counter = field(default_factory=Counter)
    by_server: Counter = field(default_factory=Counter)
    unexpected: list = field(default_factory=list)
    booked: list = field(default_factory=list)  # (candidate e-mail, booking id)
    cancelled: list = field(default_factory=list)
    registered: list = field(default_factory=list)  # (candidate e-mail, number)
    imports: int = 0
    # Every answer that was not plain success: (seconds since the start, what, request, server).
    events: list = field(default_factory=list)
    began: float = field(default_factory=time.time)
    sessions_lost: list = field(default_factory=list)  # (e-mail, server that signed in, lived)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, what: str, item) -> None:
        with self.lock:
            getattr(self, what).append(item)


class Client:
    def __init__(self, base: str, log: Log, fleet):
        self.base, self.log, self.fleet = base, log, fleet
        self.http = requests.Session()
        self.email = None
        self.signed_in_by = None

    def call(self, method: str, path: str, *, expect=(200,), base=None, **kwargs):
        """One request; the answer is classed and counted. Returns the response, or None."""
        base = base or self.base
        # The portal's cookies are Secure: the load balancer stands in for the TLS terminator
        # (it says X-Forwarded-Proto: https), so they are sent over loopback by hand.
        headers = kwargs.pop("headers", {}) | {"X-Forwarded-Proto": "https"}
        headers["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        if method == "POST":
            headers["Origin"] = base.replace("http://", "https://")
            data = kwargs.setdefault("data", {})
            data["csrfmiddlewaretoken"] = self.http.cookies.get("csrftoken", "")
        try:
            response = self._send(method, base + path, headers, kwargs)
        except requests.RequestException as error:
            self._count("no answer", None, f"{method} {path}: {error}", event=f"{method} {path}")
            return None
        server = response.headers.get("X-Served-By", "")
        status = response.status_code
        if status == 503:
            source = "load balancer" if LB_BUSY_MARKER in response.text else "portal"
            self._count(f"503 busy ({source})", server, event=f"{method} {path}")
        elif self._lost_session(response):
            self._count("session lost", server, event=f"{method} {path}")
            self.log.add(
                "sessions_lost",
                (self.email, self.signed_in_by, self.fleet.lived(self.signed_in_by)),
            )
            return None
        elif status in expect:
            self._count("success" if status < 400 else f"{status} refused (expected)", server)
        else:
            self._count(
                f"unexpected {status}",
                server,
                f"{method} {path} → {status} from {server}",
                event=f"{method} {path}",
            )
            return None
        return response

    def _send(self, method, url, headers, kwargs):
        """Send the request; once more if the connection closed with no answer at all.

        The load balancer closes a kept-alive connection without a word when the server
        it gave the request to dies, so that the browser sends it again, as browsers do
        on a kept-alive connection (a POST too): the fleet's clients do the same, and
        count it.
        """
        try:
            return self.http.request(
                method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs
            )
        except requests.ConnectionError:
            self._count("dropped, sent again", None, event=f"{method} {url}")
            return self.http.request(
                method, url, headers=headers, allow_redirects=False, timeout=30, **kwargs
            )

    def _lost_session(self, response) -> bool:
        return (
            self.email is not None
            and response.status_code == 302
            and "/login/" in response.headers.get("Location", "")
        )

    def _count(self, kind: str, server, unexpected=None, *, event=None) -> None:
        with self.log.lock:
            self.log.answers[kind] += 1
            if event:
                at = round(time.time() - self.log.began, 2)
                self.log.events.append((at, kind, event, server))
            if server:
                self.log.by_server[server] += 1
            if unexpected:
                self.log.unexpected.append(unexpected)

    def sign_in(self, email: str, password: str, *, path="/accounts/login/", base=None) -> bool:
        self.email = None
        for _ in range(20):
            if self.call("GET", path, base=base) is None:
                time.sleep(0.5)
                continue
            response = self.call(
                "POST",
                path,
                base=base,
                expect=(302,),
                data={"username": email, "password": password},
            )
            if response is not None:
                self.email = email
                self.signed_in_by = response.headers.get("X-Served-By")
                return True
            time.sleep(0.5)
        return False


class Candidate(Client):
    """Signs in, reads pages, books a sitting and cancels it, registers spare numbers."""

    def __init__(self, base, log, fleet, *, person: dict, password: str, sittings: list[int]):
        super().__init__(base, log, fleet)
        self.person, self.password, self.sittings = person, password, sittings
        self.spare = list(person["spare_numbers"])
        self.holding = None  # the id of the booking the portal said was made

    def run(self, stop: threading.Event) -> None:
        rng = random.Random(self.person["email"])
        while not stop.is_set():
            if self.email is None and not self.sign_in(self.person["email"], self.password):
                continue
            self.call("GET", "/vouchers/")
            if self.holding is None:
                self.book(rng)
            else:
                self.cancel()
            if self.spare and rng.random() < 0.08:
                self.register(self.spare[0])
            if rng.random() < 0.2:
                self.call("GET", rng.choice(["/results/", "/accounts/"]))
            stop.wait(rng.uniform(0.2, 0.6))

    def book(self, rng) -> None:
        voucher, exam = self.person["voucher"], self.person["exam"]
        self.call("GET", f"/vouchers/{voucher}/book/?exam={exam}")
        sitting = rng.choice(self.sittings)
        response = self.call(
            "POST", f"/vouchers/{voucher}/book/{sitting}/?exam={exam}", expect=(302, 409)
        )
        if response is not None and response.status_code == 302:
            booking = int(BOOKING_PATH.search(response.headers["Location"]).group(1))
            self.log.add("booked", (self.email, booking))
            self.holding = booking
            self.call("GET", f"/bookings/{booking}/")
        else:
            # Refused, or no answer that says: the dashboard tells whether a booking was made.
            self.find_booking()

    def cancel(self) -> None:
        response = self.call("POST", f"/bookings/{self.holding}/cancel/", expect=(302, 409))
        if response is not None and response.status_code == 302:
            self.log.add("cancelled", (self.email, self.holding))
            self.holding = None
        else:
            self.find_booking()

    def find_booking(self) -> None:
        response = self.call("GET", "/vouchers/")
        if response is not None:
            found = BOOKING_PATH.search(response.text)
            self.holding = int(found.group(1)) if found else None

    def register(self, number: str) -> None:
        self.call("GET", "/vouchers/register/")
        response = self.call(
            "POST", "/vouchers/register/", expect=(302, 200, 429), data={"number": number}
        )
        if response is None:
            return
        if response.status_code == 302:
            self.log.add("registered", (self.email, number))
        if response.status_code != 429:
            # Registered, or refused with the reason (one a lost answer registered before).
            self.spare.remove(number)


class Examiner(Client):
    """An exam administrator importing the results file now and then, as providers send it
    more than once."""

    def __init__(self, base, log, fleet, *, email: str, password: str, results_csv: str):
        super().__init__(base, log, fleet)
        self.login, self.password, self.results_csv = email, password, results_csv

    def run(self, stop: threading.Event) -> None:
        path = "/admin/vouchers/booking/import-results/"
        while not stop.is_set():
            if self.email is None and not self.sign_in(
                self.login, self.password, path="/admin/login/"
            ):
                continue
            self.call("GET", "/admin/vouchers/booking/")
            if self.call("GET", path) is not None:
                files = {"file": ("results.csv", self.results_csv.encode(), "text/csv")}
                response = self.call("POST", path, files=files)
                if response is not None and "Imported " in response.text:
                    with self.log.lock:
                        self.log.imports += 1
            stop.wait(4)
