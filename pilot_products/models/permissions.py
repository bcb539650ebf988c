"""Permission sets shared by the models."""

#: Django's four default permissions plus separate import and export rights, checked by
#: django-import-export (IMPORT_EXPORT_IMPORT_PERMISSION_CODE / ..._EXPORT_...).
IMPORT_EXPORT_PERMISSIONS = ("add", "change", "delete", "view", "import", "export")
