"""Change forms that save through a workflow, and put its refusal back on the form.

The admin validates the form's fields, then ``save_model`` calls the app's
workflow, which locks, asks its policy and saves. A refusal there is not a form
error Django expects: it rolls the admin's transaction back, and the same POST
is shown again with the refusal's message next to the field it concerns
(``refusal_fields``, by reason; the top of the form otherwise), as the form's
own errors are. Nothing is saved. Forms only map refusals to fields: the rule is
the workflow's.
"""

from core.workflows import Refused

_REFUSED = "_backoffice_refused"


class SavedThroughWorkflow:
    """Mix into a ModelAdmin whose ``save_model`` calls a workflow that may raise Refused."""

    # Reason → the form field its message goes next to.
    refusal_fields: dict = {}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as refusal:
            # Django's own transaction around the view is rolled back: nothing is kept.
            setattr(request, _REFUSED, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, _REFUSED, None)
        if refusal is None:
            return form_class
        field = self.refusal_fields.get(refusal.code)

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                self.add_error(field if field in self.fields else None, refusal.message)
                return cleaned

        return RefusedForm
