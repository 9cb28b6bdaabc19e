"""Admin form pieces shared by the back office."""

import re

from django.contrib.admin.widgets import AutocompleteSelect

_ID = re.compile(r"[0-9]{1,18}")


class SafeAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete, able to show a form again when a value is no id.

    Django's widget looks the raw submitted value up to render the chosen
    option, so "abc" or 2**63 became a server error instead of the field's own
    "Select a valid choice" message.
    """

    def optgroups(self, name, value, attr=None):
        value = [v for v in value if _ID.fullmatch(str(v))]
        if not value and not self.is_required:
            # Nothing chosen: only the empty option, without compiling a lookup of nothing.
            return [(None, [self.create_option(name, "", "", False, 0)], 0)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteMixin:
    """Use ``SafeAutocompleteSelect`` for the ModelAdmin's ``autocomplete_fields``."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
