"""Small charts drawn on the server as SVG: no script, no outside address, nothing the
Content Security Policy has to allow (SVG's presentation attributes are not styles).

Each chart is an image with its title as its accessible name; the figures it draws
are in a table or a CSV beside it, for whoever would rather read them.
"""

import html

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
ROW = 26
LABEL = 230  # room for the step's name, left of its bar
VALUE = 60  # room for the figure, right of its bar


def _scale(values) -> float:
    return max([*values, 1])


def _chart(height: int, title: str, shapes: str) -> str:
    """Return the chart's image: as wide as its box, named by its title."""
    return format_html(
        '<svg class="backoffice-chart" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        title,
        title,
        shapes,
    )


def bars(steps: list[tuple[str, int]], *, title: str) -> str:
    """Return a horizontal bar chart of ``steps`` (name, figure), each figure at its bar's end."""
    most = _scale(value for _, value in steps)
    room = WIDTH - LABEL - VALUE
    rows = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar chart-bar-{}"></rect>'
        '<text x="{}" y="{}" class="chart-value">{}</text>',
        (
            (
                LABEL - 8,
                i * ROW + 17,
                name,
                LABEL,
                i * ROW + 4,
                round(room * value / most, 1),
                ROW - 8,
                i,
                LABEL + round(room * value / most, 1) + 6,
                i * ROW + 17,
                value,
            )
            for i, (name, value) in enumerate(steps)
        ),
    )
    return _chart(len(steps) * ROW + 4, title, rows)


def columns(values: list[tuple[str, int]], *, title: str) -> str:
    """Return a column chart of ``values`` (label, figure), such as one column a month."""
    most = _scale(value for _, value in values)
    height, top, bottom = 180, 18, 24
    room = height - top - bottom
    step = WIDTH / max(len(values), 1)
    cols = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar chart-bar-0"></rect>'
        '<text x="{}" y="{}" text-anchor="middle" class="chart-value">{}</text>'
        '<text x="{}" y="{}" text-anchor="middle" class="chart-label">{}</text>',
        (
            (
                round(i * step + step * 0.15, 1),
                round(top + room - room * value / most, 1),
                round(step * 0.7, 1),
                round(room * value / most, 1),
                round(i * step + step / 2, 1),
                round(top + room - room * value / most - 4, 1),
                value,
                round(i * step + step / 2, 1),
                height - 8,
                label,
            )
            for i, (label, value) in enumerate(values)
        ),
    )
    return _chart(height, title, cols)


def sparkbars(values: list[int], *, title: str) -> str:
    """Return a chart small enough for a table's cell: one thin bar per figure.

    Drawn for every row of a long report, so built from the integers directly: only
    the title is text to escape.
    """
    most = _scale(values)
    width, height, gap = 8, 20, 2
    rects = "".join(
        f'<rect x="{i * (width + gap)}" y="{height - tall:.1f}" '
        f'width="{width}" height="{tall:.1f}" '
        f'class="chart-bar chart-bar-{i}"></rect>'
        for i, tall in enumerate(height * int(value) / most for value in values)
    )
    size = len(values) * (width + gap)
    title = html.escape(title)  # the standard library's: Django's lazy-aware one costs more
    return SafeString(
        f'<svg class="backoffice-sparkbars" width="{size}" height="{height}" '
        f'viewBox="0 0 {size} {height}" role="img" aria-label="{title}">'
        f"<title>{title}</title>{rects}</svg>"
    )
