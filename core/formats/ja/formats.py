# "2027年3月14日", "2027年3月14日(日) 09:00"
DAY_FORMAT = "Y年n月j日"
DAY_MONTH_FORMAT = "n月j日"
WEEKDAY_FORMAT = "n月j日(D)"  # "3月29日(月)"
SITTING_FORMAT = "Y年n月j日(D) H:i"
SITTING_NO_YEAR_FORMAT = "n月j日(D) H:i"  # "3月29日(月) 01:00"
SITTING_SHORT_FORMAT = "Y年n月j日 H:i"
SITTING_IN_TEXT_FORMAT = "Y年n月j日 H:i"
STAFF_DATE_FORMAT = "Y/m/d"
STAFF_SITTING_FORMAT = STAFF_DATE_FORMAT + " H:i"
STAFF_WEEKDAY_SITTING_FORMAT = "Y/m/d(D) H:i"
# The back office's dates and times, wherever Django shows one unnamed (admin lists,
# read-only fields, the audit trail): the staff formats, the time with its zone.
DATE_FORMAT = STAFF_DATE_FORMAT
DATETIME_FORMAT = STAFF_SITTING_FORMAT + " T"
