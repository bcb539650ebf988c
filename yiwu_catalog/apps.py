"""The project's own app configurations."""

from django.contrib.admin.apps import AdminConfig


class PilotAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``PilotAdminSite`` as ``admin.site``."""

    default_site = "yiwu_catalog.admin_site.PilotAdminSite"
