"""The admin's list filters speak like the rest of the admin.

Choice labels are written lowercase because sentences quote them ("the product is
rejected"); a filter's link starts a text, so it starts with a capital in English
(Chinese has no case). The roles are groups named in English in the database; their
filter shows each role's translated name. The pavilion filter names each pavilion in
the page's language, and a booth outside any pavilion by a word, not an empty link.
Choice and role filters are registered ahead of Django's own filters, so
every ``list_filter`` entry gets them without naming them.
"""

from django.contrib import admin
from django.contrib.admin.filters import ChoicesFieldListFilter, RelatedFieldListFilter
from django.contrib.auth.models import Group
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from pilot_products.models.i18n import pick_language
from pilot_products.roles import ROLE_LABELS

LABEL_NO_PAVILION = _("No pavilion")


class CapitalisedChoicesFilter(ChoicesFieldListFilter):
    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": capfirst(choice["display"])}


class RoleFilter(RelatedFieldListFilter):
    def field_choices(self, field, request, model_admin):
        return [
            (pk, ROLE_LABELS.get(name, name))
            for pk, name in super().field_choices(field, request, model_admin)
        ]


class PavilionFilter(admin.SimpleListFilter):
    title = _("country pavilion")
    parameter_name = "pavilion"
    #: The parameter's value for booths outside any pavilion.
    NONE = "-"

    def lookups(self, request, model_admin):
        names = (
            model_admin.get_queryset(request)
            .exclude(pavilion_zh="")
            .values_list("pavilion_zh", "pavilion_en")
            .distinct()
            .order_by("pavilion_zh")
        )
        return [(zh, pick_language(zh, en)) for zh, en in names] + [
            (self.NONE, LABEL_NO_PAVILION)
        ]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(
            pavilion_zh="" if self.value() == self.NONE else self.value()
        )


admin.FieldListFilter.register(
    lambda field: bool(getattr(field, "choices", None)),
    CapitalisedChoicesFilter,
    take_priority=True,
)
admin.FieldListFilter.register(
    lambda field: field.is_relation and field.related_model is Group,
    RoleFilter,
    take_priority=True,
)
