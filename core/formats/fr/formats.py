# "14 mars 2027", "dimanche 14 mars 2027, 09:00"
DAY_FORMAT = "j F Y"
DAY_MONTH_FORMAT = "j F"
WEEKDAY_FORMAT = "l j F"  # "lundi 29 mars"
SITTING_FORMAT = "l j F Y, H:i"
SITTING_NO_YEAR_FORMAT = "l j F, H:i"  # "lundi 29 mars, 01:00"
SITTING_SHORT_FORMAT = "j F Y H:i"
SITTING_IN_TEXT_FORMAT = r"j F Y \à H:i"
STAFF_DATE_FORMAT = "d/m/Y"
STAFF_SITTING_FORMAT = STAFF_DATE_FORMAT + " H:i"
STAFF_WEEKDAY_SITTING_FORMAT = "D d/m/Y H:i"
# The back office's dates and times, wherever Django shows one unnamed (admin lists,
# read-only fields, the audit trail): the staff formats, the time with its zone.
DATE_FORMAT = STAFF_DATE_FORMAT
DATETIME_FORMAT = STAFF_SITTING_FORMAT + " T"
