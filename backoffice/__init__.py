"""The back office's toolkit, shared by every app's admin: lists that count only as far as
anyone reads (``paging``), filters and widgets over big tables (``filters``,
``widgets``), and the staff roles (``roles``). Nothing here knows a model of the offer."""
