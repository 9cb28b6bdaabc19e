"""Date and time formats per language, found through ``FORMAT_MODULE_PATH``.

Besides Django's own (``SHORT_DATE_FORMAT`` …, which Django ships for every language
and these modules do not repeat, but for the two below), each language names the
portal's formats:

- ``DAY_FORMAT``: a calendar day in a sentence (a voucher's expiry date);
- ``DAY_MONTH_FORMAT``: the same without the year;
- ``WEEKDAY_FORMAT``: the day of the week with the day and month (a day's heading);
- ``SITTING_FORMAT``: a sitting's start, with the weekday, as pages and e-mails show it;
- ``SITTING_NO_YEAR_FORMAT``: a start without the year, for the candidate's own time
  when it falls on another day than the centre's;
- ``SITTING_SHORT_FORMAT``: the same, shorter, for screen-reader labels;
- ``SITTING_IN_TEXT_FORMAT``: a sitting's start within a sentence or an e-mail subject;
- ``STAFF_DATE_FORMAT``, ``STAFF_SITTING_FORMAT`` and ``STAFF_WEEKDAY_SITTING_FORMAT``:
  the back office's compact forms. Django's ``DATE_FORMAT`` and ``DATETIME_FORMAT``
  are set to them (the time with its zone), so every date the admin shows unnamed
  reads the same (docs/decisions.md, "One date format in the back office").

Use them by name: ``{{ day|date:"DAY_FORMAT" }}`` in templates, or
``django.utils.formats.date_format(day, "DAY_FORMAT")`` in code. Month and day
names come from Django's own catalogues in the active language.
"""
