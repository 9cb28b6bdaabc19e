"""The fleet's mail server: accepts every message and records it, one JSON line each.

    python fleet/smtp_sink.py --port 8425 --record /tmp/mail.jsonl --delay 0.05

A real mail server takes a while to answer; ``--delay`` makes each recipient wait
that long before it is accepted, so a task worker killed "mid-batch" is most
likely killed in the middle of a send. The message is recorded only once its
data has arrived whole, just before the 250 reply: what a real server would
deliver. The checks (``fleet/checks.py``) read the file.
"""

import argparse
import asyncio
import email
import email.policy
import json
import re
import signal
import time

from aiosmtpd.controller import Controller

BOOKING_PATH = re.compile(r"/bookings/(\d+)/")
CALENDAR_UID = re.compile(r"^UID:booking-(\d+)@", re.MULTILINE)


class Recorder:
    def __init__(self, path: str, delay: float):
        self.path = path
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        body = text.get_content() if text is not None else ""
        calendars = [
            part.get_content()
            for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"
        ]
        line = {
            "at": time.time(),
            "to": envelope.rcpt_tos,
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "bookings": sorted({int(pk) for pk in BOOKING_PATH.findall(body)}),
            # A booking notice's calendar event is named after the booking (the first one,
            # for a booking moved since).
            "calendar_bookings": [int(pk) for c in calendars for pk in CALENDAR_UID.findall(c)],
        }
        with open(self.path, "a", encoding="utf-8") as record:
            record.write(json.dumps(line) + "\n")
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    controller = Controller(Recorder(args.record, args.delay), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
