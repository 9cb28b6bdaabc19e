"""How a list's cells are shown, so that a list fits a laptop's screen (docs/backoffice.md).

A cell of long text (an e-mail, a customer's or a centre's name, an event's
details) is cut to its column's width with an ellipsis by the stylesheet
(``static/css/backoffice.css``), the whole of it in its tooltip and on the
object's page.
"""

from django.utils.html import format_html


def cut(text, *, wide: bool = False) -> str:
    """Return ``text`` as a cell that is cut to the column's width, whole in its tooltip.

    ``wide`` gives it the room of a list's main column (an event's details).
    """
    if text is None or text == "":
        return "-"
    css = "backoffice-cut backoffice-cut-wide" if wide else "backoffice-cut"
    return format_html('<span class="{}" title="{}">{}</span>', css, text, text)
