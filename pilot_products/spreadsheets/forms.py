"""The upload form shared by the admin and the portal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pilot_products import security_log

from .reading import MSG_TOO_LARGE
from .uploads import max_upload_bytes


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An .xlsx workbook or a .csv file (UTF-8, GB18030 or UTF-16)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_file(self):
        """Refuse a file over the size cap before it is stored anywhere."""
        upload = self.cleaned_data["file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            message = MSG_TOO_LARGE % {"limit": limit // (1024 * 1024)}
            security_log.upload_rejected(
                self.request,
                file_name=upload.name,
                reason=str(message),
                size=upload.size,
            )
            raise forms.ValidationError(message, code="too_large")
        return upload
