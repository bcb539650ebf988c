"""Words of installed apps that ship no Chinese, translated in this app's catalogue.

Django merges every app's catalogue, and this app comes before django-axes in
``INSTALLED_APPS``, so these msgids (exactly as django-axes writes them) are shown
in Chinese in the admin. ``gettext_noop`` only marks them for ``makemessages``.
"""

from django.utils.translation import gettext_noop

AXES_TEXT = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("POST Data"),
    gettext_noop("Path"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
)

#: django-import-export's export page (its Chinese catalogue lacks these).
IMPORT_EXPORT_TEXT = (gettext_noop("Select all"),)
