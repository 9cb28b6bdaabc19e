"""The back office's list tags: ``written_result_list``, Django's ``result_list`` with the rows
written by ``backoffice/rows.py``."""

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from backoffice import rows

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
