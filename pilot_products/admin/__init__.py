"""Django admin for pilot staff and Mall operators, split by aggregate."""

from django.contrib import admin

from . import (  # noqa: F401 - registers
    batches,
    cbec_list,
    imports,
    list_filters,
    pilot_lists,
    products,
    search,
    statistics,
    trade,
    users,
)

# The index shows reviewers what waits for them.
admin.site.index_template = "admin/pilot_products/index.html"
