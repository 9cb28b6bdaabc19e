# "14 de marzo de 2027", "domingo, 14 de marzo de 2027, 09:00"
DAY_FORMAT = r"j \d\e F \d\e Y"
DAY_MONTH_FORMAT = r"j \d\e F"
WEEKDAY_FORMAT = r"l, j \d\e F"  # "lunes, 29 de marzo"
SITTING_FORMAT = r"l, j \d\e F \d\e Y, H:i"
SITTING_NO_YEAR_FORMAT = r"l, j \d\e F, H:i"  # "lunes, 29 de marzo, 01:00"
SITTING_SHORT_FORMAT = r"j \d\e F \d\e Y H:i"
SITTING_IN_TEXT_FORMAT = r"j \d\e F \d\e Y, \a \l\a\s H:i"
STAFF_DATE_FORMAT = "d/m/Y"
STAFF_SITTING_FORMAT = STAFF_DATE_FORMAT + " H:i"
STAFF_WEEKDAY_SITTING_FORMAT = "D d/m/Y H:i"
# The back office's dates and times, wherever Django shows one unnamed (admin lists,
# read-only fields, the audit trail): the staff formats, the time with its zone.
DATE_FORMAT = STAFF_DATE_FORMAT
DATETIME_FORMAT = STAFF_SITTING_FORMAT + " T"
