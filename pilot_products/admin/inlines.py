"""Tabular inlines whose every input is named, for screen readers and axe-core."""

from django.contrib import admin
from django.forms import BaseFormSet, Form


def name_inputs(form: Form) -> None:
    """Give each visible input of ``form`` its field's label as ``aria-label``."""
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget.attrs.setdefault("aria-label", str(field.label))


class LabelledTabularInline(admin.TabularInline):
    """A tabular inline that names each cell's input after its column.

    Django shows a tabular inline's labels only as column headers, so an input on its
    own (as a screen reader reaches it) has no name: axe-core's ``label`` violation.
    """

    def get_formset(self, request, obj=None, **kwargs) -> type[BaseFormSet]:
        formset_class = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset_class):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                name_inputs(form)

        LabelledFormSet.__name__ = formset_class.__name__
        return LabelledFormSet
