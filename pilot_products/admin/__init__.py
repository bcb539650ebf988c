"""Django admin for pilot staff and Mall operators, split by aggregate."""

from . import catalogue, imports, trade  # noqa: F401 - registers the ModelAdmins
