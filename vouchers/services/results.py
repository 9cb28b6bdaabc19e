"""Importing the test provider's results file: many outcomes at once (SS-1, SS-10, SS-12).

The file is CSV in UTF-8 (a byte-order mark is fine), one booking per row,
after a header row that names these columns, in any order (others are ignored):

    booking_reference   the booking's number in the portal, as the provider got it
    candidate_email     the candidate's e-mail address
    exam_number         the exam, such as 070-483
    sitting_start_utc   the sitting's start in UTC, ISO 8601: 2026-03-02T08:00:00Z
    outcome             passed, failed or no_show

The e-mail, exam and start are there to catch a row that names the wrong
booking: each must match the booking, or the row is refused.

A file is applied whole or not at all. Every row is checked by the rule
``record_outcome`` follows (``Booking.check_can_record``) inside one transaction;
every refused row is listed with its line number and reason, and if there is any,
the transaction is rolled back and nothing is recorded. Importing the same file
again changes nothing: an outcome already recorded the same way is left as it is.

The rows are read as a stream, a chunk at a time, so a large file costs the
memory of one chunk. Each chunk's vouchers and bookings are locked in two
queries and its outcomes and audit events written in at most four more
(the pieces of ``services/outcomes.py``), rather than running the workflow once
per row (bench/README.md has the measurements).
"""

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import locking
from ..errors import Refused
from ..models import Booking
from .outcomes import apply_outcome, lock_for_outcomes, save_outcomes

COLUMNS = ("booking_reference", "candidate_email", "exam_number", "sitting_start_utc", "outcome")
CHUNK_ROWS = 500
# Past this many, bad rows are counted but not listed: the first ones tell what is wrong.
MAX_LISTED_ERRORS = 500


@dataclass(frozen=True)
class RowError:
    """Why a row, or the whole file (``line`` None), was refused."""

    line: int | None
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    recorded: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    unlisted_errors: int = 0

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.unlisted_errors

    @property
    def file_problem(self) -> str | None:
        """Return why the file as a whole cannot be read, if that is what is wrong."""
        return next((e.message for e in self.errors if e.line is None), None)

    def is_applied(self) -> bool:
        """Return True if the file's outcomes are recorded (it had rows and none was refused)."""
        return self.rows > 0 and not self.error_count

    def refuse(self, line: int | None, message: str) -> None:
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(line, message))
        else:
            self.unlisted_errors += 1


@dataclass(frozen=True)
class _Row:
    line: int
    booking_id: int
    candidate_email: str
    exam_number: str
    sitting_start: datetime
    outcome: str


def import_results(*, file, recorded_by, now: datetime | None = None) -> ImportReport:
    """Record every outcome in the results file, or none if any row is refused.

    ``file`` is a binary file (an upload, or ``open(path, "rb")``). Whatever is
    wrong with it, a report comes back; nothing is raised.
    """
    now = now or timezone.now()
    report = ImportReport()
    try:
        with locking.workflow():
            _record_file(file, recorded_by=recorded_by, now=now, report=report)
    except Refused as refusal:  # a conflict: another change to the same bookings meanwhile
        report.recorded = report.unchanged = 0
        report.refuse(None, refusal.message)
    return report


def _record_file(file, *, recorded_by, now: datetime, report: ImportReport) -> None:
    """Record the file in the workflow's transaction, rolled back if any row is refused."""
    try:
        _record_all(file, recorded_by=recorded_by, now=now, report=report)
    except UnicodeDecodeError:
        report.refuse(
            None,
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and import it again."),
        )
    except csv.Error as error:
        report.refuse(
            None, _("The file is not a readable CSV file (%(error)s).") % {"error": error}
        )
    if report.error_count:
        report.recorded = report.unchanged = 0
        transaction.set_rollback(True)


def _record_all(file, *, recorded_by, now: datetime, report: ImportReport) -> None:
    reader = csv.reader(codecs.iterdecode(iter(file), "utf-8-sig"), strict=True)
    header = next(reader, None)
    if header is None:
        report.refuse(None, _("The file is empty. It needs a header row and one row per booking."))
        return
    position = _read_header(header, report)
    if position is None:
        return

    rows = _parsed_rows(reader, position, width=len(header))
    while chunk := list(islice(rows, CHUNK_ROWS)):
        _record_chunk(chunk, recorded_by=recorded_by, now=now, report=report)
    if report.rows == 0 and not report.error_count:
        report.refuse(None, _("The file has a header row but no results."))


def _read_header(header: list[str], report: ImportReport) -> dict[str, int] | None:
    names = [name.strip().lower() for name in header]
    missing = [column for column in COLUMNS if column not in names]
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if missing or repeated:
        if missing:
            message = _(
                "The first line must name the columns %(columns)s; it lacks %(problem)s. "
                "Found: %(found)s."
            )
        else:
            message = _(
                "The first line must name the columns %(columns)s; it repeats %(problem)s. "
                "Found: %(found)s."
            )
        report.refuse(
            1,
            message
            % {
                "columns": ", ".join(COLUMNS),
                "problem": ", ".join(missing or repeated),
                "found": ", ".join(header) or _("nothing"),
            },
        )
        return None
    return {column: names.index(column) for column in COLUMNS}


def _parsed_rows(reader, position: dict[str, int], *, width: int) -> Iterator[_Row | RowError]:
    """Yield each row read into its values, or why it cannot be read, in file order."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowError(
                reader.line_num,
                _("this line is not readable as CSV (%(error)s).") % {"error": error},
            )
            continue
        if not any(value.strip() for value in values):
            continue  # a blank line
        line = reader.line_num
        if len(values) != width:
            yield RowError(
                line,
                _("expected %(width)s values as in the header, found %(found)s.")
                % {"width": width, "found": len(values)},
            )
            continue
        value = {column: values[index].strip() for column, index in position.items()}
        try:
            yield _Row(
                line=line,
                booking_id=_booking_id(value["booking_reference"]),
                candidate_email=value["candidate_email"],
                exam_number=value["exam_number"],
                sitting_start=_utc(value["sitting_start_utc"]),
                outcome=value["outcome"].lower().replace("-", "_").replace(" ", "_"),
            )
        except ValueError as error:
            yield RowError(line, str(error))


def _booking_id(text: str) -> int:
    # Only ASCII digits: str.isdigit() says yes to "²" (which int() refuses) and to
    # "١٢" (which int() reads as 12). A provider's file is not typed by a person,
    # so nothing is normalised (core/typed.py).
    if not (text.isascii() and text.isdigit()):
        raise ValueError(
            _("booking_reference “%(text)s” is not a booking number.") % {"text": text}
        )
    return int(text)


def _utc(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            _("sitting_start_utc “%(text)s” is not a date and time such as 2026-03-02T08:00:00Z.")
            % {"text": text}
        ) from None
    # The column is UTC by name: a time without an offset is read as UTC.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _record_chunk(
    chunk: list[_Row | RowError], *, recorded_by, now: datetime, report: ImportReport
) -> None:
    """Check and record a chunk of rows: its bookings locked and written all at once."""
    report.rows += len(chunk)
    wanted = {row.booking_id for row in chunk if isinstance(row, _Row)}
    bookings = lock_for_outcomes(wanted)
    changed = {}
    for row in chunk:
        if isinstance(row, RowError):
            report.refuse(row.line, row.message)
            continue
        booking = bookings.get(row.booking_id)
        mismatch = _mismatch(row, booking)
        if mismatch:
            report.refuse(row.line, mismatch)
            continue
        try:
            # A later row for the same booking sees what an earlier one set.
            if apply_outcome(booking, row.outcome, recorded_by=recorded_by, now=now):
                changed[booking.pk] = booking
                report.recorded += 1
            else:
                report.unchanged += 1
        except Refused as refusal:
            report.refuse(
                row.line,
                _("booking %(booking)s: %(refusal)s")
                % {"booking": row.booking_id, "refusal": refusal.message},
            )
    save_outcomes(list(changed.values()), recorded_by=recorded_by, now=now)


def _to_the_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _mismatch(row: _Row, booking: Booking | None) -> str | None:
    """Return why the row does not describe the booking it names, or None if it does."""
    params = {
        "booking": row.booking_id,
        "email": row.candidate_email,
        "exam": booking.exam.number if booking else "",
        "row_exam": row.exam_number,
        "start": f"{booking.sitting.starts_at:%Y-%m-%dT%H:%MZ}" if booking else "",
        "row_start": row.sitting_start.isoformat(),
    }
    if booking is None:
        return _("there is no booking %(booking)s.") % params
    if booking.candidate.email.lower() != row.candidate_email.lower():
        return _("booking %(booking)s is not %(email)s’s booking.") % params
    if booking.exam.number != row.exam_number:
        return _("booking %(booking)s is for exam %(exam)s, not %(row_exam)s.") % params
    if _to_the_minute(booking.sitting.starts_at) != _to_the_minute(row.sitting_start):
        return (
            _("booking %(booking)s is for the sitting starting %(start)s, not %(row_start)s.")
            % params
        )
    return None
