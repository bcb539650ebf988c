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
    photos = forms.FileField(
        label=_("Photos (ZIP, optional)"),
        required=False,
        help_text=_(
            "A .zip of the JPEG, PNG or WebP photos that the sheet's photos column "
            "names, e.g. “cup-1.jpg;cup-2.jpg”: they replace that listing's photos."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )

    def __init__(self, *args, request=None, with_photos=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if not with_photos:
            del self.fields["photos"]

    def clean_file(self):
        return self._capped(self.cleaned_data["file"])

    def clean_photos(self):
        upload = self.cleaned_data.get("photos")
        return None if not upload else self._capped(upload)

    def _capped(self, upload):
        """Refuse a file over the size cap before it is stored anywhere."""
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
