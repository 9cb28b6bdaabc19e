"""List filters over big tables that read no more than a page needs (``docs/backoffice.md``).

Django's ``RelatedFieldListFilter`` links every row of the related table, and
``RelatedOnlyFieldListFilter`` first reads every row of the list to find which
ones it uses: over packs, ``DISTINCT`` over every pack to list the customers.
These read only what is shown:

- ``AutocompleteFilter``: the admin's own autocomplete, searching the related
  admin's rows (scoped to the staff member, as its list is), then opening the
  list filtered by the chosen one. The page reads the chosen row only.
- ``StaffFilter``: for a relation to the user table that holds staff (an account
  manager), the staff members, read through the partial index ``staff_by_email``
  rather than among every candidate.

``written_filter`` writes a filter's box as its template would, in Python.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.contrib.admin.utils import get_fields_from_path, get_last_value_from_parameters
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.encoding import iri_to_uri
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .widgets import SafeAutocompleteSelect, shown

# Opens the list filtered by what was chosen in an autocomplete filter's box.
FILTER_SCRIPT = "js/backoffice-filters.js"
DJANGOS_FILTER_TEMPLATE = "admin/filter.html"


class AutocompleteFilter(admin.FieldListFilter):
    """Filter by one related object, chosen with an autocomplete box.

    It takes the parameter Django's related filter would (``customer__id__exact``),
    so links made for that one keep working. The related model's admin needs
    ``search_fields``, as for any autocomplete.
    """

    template = "admin/backoffice/autocomplete_filter.html"

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.lookup_kwarg = f"{field_path}__{field.target_field.name}__exact"
        self.chosen = get_last_value_from_parameters(params, self.lookup_kwarg)
        self.request, self.model_admin = request, model_admin
        super().__init__(field, request, params, model, model_admin, field_path)

    def expected_parameters(self):
        return [self.lookup_kwarg]

    def queryset(self, request, queryset):
        if self.chosen is None:
            return queryset
        try:
            return queryset.filter(**{self.lookup_kwarg: self.chosen})
        except (ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error

    def choices(self, changelist):
        self.query_without_it = changelist.get_query_string(remove=[self.lookup_kwarg, PAGE_VAR])
        yield {
            "selected": self.chosen is None,
            "query_string": self.query_without_it,
            "display": _("All"),
        }

    def widget(self) -> str:
        """The autocomplete box, showing the chosen object if the staff member may see it."""
        site = self.model_admin.admin_site
        related_model = self.field.related_model
        if self.chosen is None:
            related = related_model._default_manager.none()  # nothing to show, nothing to read
        else:
            related = site.get_model_admin(related_model).get_queryset(self.request)
        box = forms.ModelChoiceField(
            queryset=related,
            required=False,
            widget=SafeAutocompleteSelect(self.field, site),
        )
        return box.widget.render(
            self.lookup_kwarg,
            self.chosen,
            attrs={
                "id": f"filter_{self.lookup_kwarg}",
                "aria-label": self.title,
                "data-filter-query": self.query_without_it.removeprefix("?"),
            },
        )


class AutocompleteFiltersAdmin(admin.ModelAdmin):
    """An admin with an ``AutocompleteFilter`` in its ``list_filter``: its pages load the box."""

    @property
    def media(self):
        media = super().media
        for entry in self.list_filter:
            if isinstance(entry, tuple) and issubclass(entry[1], AutocompleteFilter):
                field = get_fields_from_path(self.model, entry[0])[-1]
                box = SafeAutocompleteSelect(field, self.admin_site).media
                return media + box + forms.Media(js=["admin/js/jquery.init.js", FILTER_SCRIPT])
        return media


class StaffFilter(admin.RelatedFieldListFilter):
    """Filter by a staff member: one line per staff member, read through their own index."""

    def field_choices(self, field, request, model_admin):
        staff = get_user_model().objects.filter(is_staff=True).order_by("email")
        return [(user.pk, str(user)) for user in staff]


def written_filter(cl, spec) -> SafeString:
    """A list filter's box (``{% admin_list_filter cl spec %}``), written in Python.

    Each list shows three to five filters on every request, and Django renders each
    through its template (a translated heading, a line a choice): with their choices
    worked out, 1.1 ms of a pack list's CPU, 0.7 ms written here. The HTML is the
    templates' own, for Django's template (``admin/filter.html``) and the
    autocomplete filter's; a filter drawn by any other template is left to Django.
    """
    autocomplete = isinstance(spec, AutocompleteFilter)
    if spec.template != (AutocompleteFilter.template if autocomplete else DJANGOS_FILTER_TEMPLATE):
        return admin_list_filter(cl, spec)
    title = shown(spec.title)
    by = gettext(" By %(filter_title)s ") % {"filter_title": title}  # Django's catalogue
    selected = ' class="selected"'
    not_selected = ' class=""' if autocomplete else ""  # as each template writes it
    choices = "".join(
        f"\n    <li{selected if choice['selected'] else not_selected}>"
        f'\n    <a href="{conditional_escape(iri_to_uri(choice["query_string"]))}">'
        f"{shown(choice['display'])}</a></li>\n  "
        for choice in spec.choices(cl)
    )
    box = f'\n    <li class="backoffice-filter-box">{spec.widget()}</li>' if autocomplete else ""
    return mark_safe(
        f'\n<details data-filter-title="{title}" open>\n  <summary>\n    {by}\n  </summary>'
        f"\n  <ul>\n  {choices}{box}\n  </ul>\n</details>\n"
    )
