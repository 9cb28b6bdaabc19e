"""The back office's list tags: ``written_result_list``, Django's ``result_list`` with the rows
written by ``backoffice/rows.py``; ``written_list_filter``, Django's ``admin_list_filter``
written by ``backoffice/filters.py``; ``djangos``, a sentence of Django's own admin."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.translation import gettext

from backoffice import filters, rows

register = template.Library()


@register.tag(name="written_result_list")
def written_result_list_tag(parser, token):
    return InclusionAdminNode(
        "written_result_list",
        parser,
        token,
        func=rows.result_list,
        template_name="change_list_results.html",
        takes_context=False,
    )


@register.simple_tag
def written_list_filter(cl, spec):
    return filters.written_filter(cl, spec)


@register.simple_tag
def djangos(words: str) -> str:
    """One of Django's admin's own sentences in a block copied from its templates,
    translated by Django's catalogue: ``{% translate %}`` would have ``makemessages``
    copy it into the project's catalogues, to be translated a second time."""
    return gettext(words)
