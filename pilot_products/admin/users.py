"""Django's user admin, with the dates it records shown rather than edited.

``last_login`` and ``date_joined`` are written by Django (a login, the account's
creation); as inputs they were a date and a time box without a label each (axe-core's
``label``, critical) that nobody should type into.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

User = get_user_model()

admin.site.unregister(User)


@admin.register(User)
class PilotUserAdmin(UserAdmin):
    readonly_fields = ("last_login", "date_joined")
