"""The upload form shared by the admin and the portal."""

from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An .xlsx workbook or a .csv file (UTF-8, GB18030 or UTF-16)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )
